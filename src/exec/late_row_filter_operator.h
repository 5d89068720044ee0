#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "exec/operator.h"

namespace sluice {

class DeadLetterWriter;

// At the head of a query with event-time state: a row whose event time is below the current
// watermark is late — the windows it belongs to may be closed already. Late rows are counted
// and dropped, or written as dead letters (raw record, topic/partition/offset, reason) when the
// source table says 'late-records' = 'dead-letter'. Never dropped silently: the count shows in
// the run's summary.
class LateRowFilterOperator final : public Operator {
 public:
  LateRowFilterOperator(ExpressionPtr event_time, DeadLetterWriter* dead_letters)
      : event_time_(std::move(event_time)), dead_letters_(dead_letters) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  RowFlow row_flow() const override { return RowFlow::kFilters; }
  std::string_view dropped_as() const override { return "late"; }
  Status OnWatermark(int64_t watermark, EvalContext& context) override;
  std::string Describe() const override;
  std::string_view state_kind() const override { return "late-row-filter"; }
  Status SnapshotState(std::string& out) const override {
    out.append(reinterpret_cast<const char*>(&watermark_), sizeof(watermark_));
    return Status::OK();
  }
  Status RestoreState(std::string_view in) override {
    if (in.size() != sizeof(watermark_)) return Status::Invalid("late-row filter state is damaged");
    std::memcpy(&watermark_, in.data(), sizeof(watermark_));
    return Status::OK();
  }


 private:
  ExpressionPtr event_time_;
  DeadLetterWriter* dead_letters_;
  int64_t watermark_ = INT64_MIN;
};

}  // namespace sluice
