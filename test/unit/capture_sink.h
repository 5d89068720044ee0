#pragma once
// A sink for tests that keeps every row it is given as text cells (CAST(x AS STRING), "NULL").
#include <string>
#include <vector>

#include "connector/sink.h"
#include "function/cast.h"

namespace sluice {

class CaptureSink final : public Sink {
 public:
  explicit CaptureSink(std::vector<std::vector<std::string>>* rows) : rows_(rows) {
    capabilities_.accepts_updates = true;
  }
  Status Open() override { return Status::OK(); }
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions*) override {
    for (size_t i = 0; i < batch.num_live_rows(); ++i) {
      size_t row = batch.selection()[i];
      std::vector<std::string> cells;
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        cells.push_back(batch.column(c).IsNull(row) ? "NULL" : CastToText(batch.column(c), row));
      }
      rows_->push_back(std::move(cells));
      CountWritten(1);
    }
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "capture"; }

 protected:
  Status CommitEpoch(uint64_t, const SourceOffsets&) override { return Status::OK(); }

 private:
  std::vector<std::vector<std::string>>* rows_;
};

}  // namespace sluice
