#include "connector/sink.h"

namespace sluice {

Status Sink::BeginEpoch(uint64_t epoch, const SourceOffsets& positions) {
  if (epoch <= last_epoch_) {
    return Status::Invalid("sink {}: epoch {} follows epoch {}", Describe(), epoch, last_epoch_);
  }
  last_epoch_ = epoch;
  last_positions_ = positions;
  return CommitEpoch(epoch, positions);
}

Status Sink::Commit(const SourceOffsets& positions) {
  const uint64_t epoch = last_epoch_ + 1;
  SLUICE_RETURN_NOT_OK(BeginEpoch(epoch, positions));
  // The sink bounds each wait (retry timeout, stop); the slice only keeps the call responsive.
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool done, AwaitEpoch(epoch, std::chrono::milliseconds(500)));
    if (done) return Status::OK();
  }
}

}  // namespace sluice
