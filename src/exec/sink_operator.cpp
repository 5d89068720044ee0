#include "exec/sink_operator.h"

#include "exec/resume_filter_operator.h"

namespace sluice {

Status SinkOperator::Push(const Batch& batch, EvalContext&) {
  CountIn(batch);
  return sink_->Write(batch).WithContext("writing to sink '" + table_ + "'");
}

Status SinkOperator::Commit() {
  if (!sink_->exactly_once() || positions_ == nullptr) {
    return sink_->Commit().WithContext("committing sink '" + table_ + "'");
  }
  SourceOffsets progress = *positions_;
  MergeMax(progress, recovered_);
  return sink_->CommitWithProgress(progress).WithContext("committing sink '" + table_ + "'");
}

Status SinkOperator::StartCommit() {
  if (!sink_->exactly_once() || positions_ == nullptr) {
    return sink_->StartCommit().WithContext("committing sink '" + table_ + "'");
  }
  SourceOffsets progress = *positions_;
  MergeMax(progress, recovered_);
  return sink_->StartCommitWithProgress(progress).WithContext("committing sink '" + table_ + "'");
}

Status SinkOperator::Finish() {
  if (closed_) return Status::OK();
  closed_ = true;
  SLUICE_RETURN_NOT_OK(Commit());
  return sink_->Close().WithContext("closing sink '" + table_ + "'");
}

Result<SourceOffsets> SinkOperator::Recover(const std::vector<std::string>& origins) {
  if (!sink_->exactly_once()) return SourceOffsets{};
  auto recovered = sink_->RecoverProgress(origins);
  if (!recovered.ok()) {
    return recovered.status().WithContext("reading the progress of sink '" + table_ + "'");
  }
  recovered_ = std::move(*recovered);
  return recovered_;
}

bool SinkOperator::AlreadyHas(const std::string& origin, int32_t partition, int64_t offset) const {
  auto o = recovered_.find(origin);
  if (o == recovered_.end()) return false;
  auto p = o->second.find(partition);
  return p != o->second.end() && offset < p->second;
}

}  // namespace sluice
