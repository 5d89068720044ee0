#pragma once

#include "connector/source_offsets.h"
#include "exec/operator.h"

namespace sluice {

// The head of one INSERT's operator chain. After a restart the pipeline replays its input from
// the oldest position any exactly-once sink committed; this drops the replayed rows that this
// INSERT's sink already holds (offset below the sink's committed position), so every sink sees
// each record once. Once each partition has passed its position it is a plain pass-through.
class ResumeFilterOperator final : public Operator {
 public:
  void SetResume(PartitionOffsets next_offsets) { resume_ = std::move(next_offsets); }
  bool active() const { return !resume_.empty(); }
  uint64_t rows_skipped() const { return rows_skipped_; }

  Status Push(const Batch& batch, EvalContext& context) override;
  RowFlow row_flow() const override { return RowFlow::kFilters; }
  std::string_view dropped_as() const override { return "already-written"; }
  // Not an operator a user wrote: explain leaves it out.
  std::string Describe() const override { return {}; }

 private:
  PartitionOffsets resume_;
  uint64_t rows_skipped_ = 0;
};

}  // namespace sluice
