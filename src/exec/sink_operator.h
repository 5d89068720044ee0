#pragma once

#include <memory>
#include <string>

#include "connector/sink.h"
#include "connector/source_offsets.h"
#include "exec/operator.h"

namespace sluice {

class ResumeFilterOperator;

// The end of an INSERT: hands batches to a connector's Sink. For an exactly-once sink it also
// carries the sink's committed progress: commits pass the pipeline's current source positions
// (never below what the sink already holds), and after a restart the INSERT's resume filter
// skips the replayed rows the sink has.
class SinkOperator final : public Operator {
 public:
  SinkOperator(std::string table_name, std::unique_ptr<Sink> sink)
      : table_(std::move(table_name)), sink_(std::move(sink)) {}

  Status Open() { return sink_->Open().WithContext("opening sink '" + table_ + "'"); }
  Status Push(const Batch& batch, EvalContext& context) override;
  Status Commit() override;
  Status Finish() override;
  std::string Describe() const override { return "Sink " + table_ + ": " + sink_->Describe(); }

  const std::string& table_name() const { return table_; }
  uint64_t rows_written() const { return sink_->rows_written(); }
  std::string counters() const { return sink_->Counters(); }
  Sink& sink() { return *sink_; }
  // A checkpoint in two steps, so sinks that deliver in the background commit concurrently:
  // Start (with the pipeline's positions for an exactly-once sink), then CommitDone until true.
  Status StartCommit();
  Result<bool> CommitDone() { return sink_->CommitDone(); }
  bool commits_in_background() const { return sink_->commits_in_background(); }
  bool exactly_once() const { return sink_->exactly_once(); }

  // Exactly-once wiring, done by the pipeline before the first record.
  void set_positions(const SourceOffsets* positions) { positions_ = positions; }
  void set_resume_filter(ResumeFilterOperator* filter) { resume_filter_ = filter; }
  ResumeFilterOperator* resume_filter() const { return resume_filter_; }
  // Reads the sink's committed progress back and arms the resume filter with it.
  Result<SourceOffsets> Recover(const std::vector<std::string>& origins);
  // True when the sink already holds the record at origin/partition/offset.
  bool AlreadyHas(const std::string& origin, int32_t partition, int64_t offset) const;

 private:
  std::string table_;
  std::unique_ptr<Sink> sink_;
  const SourceOffsets* positions_ = nullptr;
  ResumeFilterOperator* resume_filter_ = nullptr;
  SourceOffsets recovered_;
  bool closed_ = false;
};

}  // namespace sluice
