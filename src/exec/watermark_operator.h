#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "exec/operator.h"

namespace sluice {

// Tracks event time for one source (WATERMARK FOR col AS expr): per partition the largest
// value of the watermark expression seen, and the source's watermark as the minimum over its
// partitions. A partition that delivered nothing for `idle_timeout_ms` (0 = never idle) and has
// no records waiting in the source stops holding the watermark back until it delivers again. Batches pass through unchanged; after each
// one (and on ticks) a watermark that advanced is sent downstream.
class WatermarkOperator final : public Operator {
 public:
  WatermarkOperator(ExpressionPtr expression, int64_t idle_timeout_ms, std::string column)
      : expression_(std::move(expression)), idle_timeout_us_(idle_timeout_ms * 1000),
        column_(std::move(column)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  RowFlow row_flow() const override { return RowFlow::kPasses; }
  Status OnTick(EvalContext& context) override;
  std::string Describe() const override;
  std::string_view state_kind() const override { return "watermark"; }
  Status SnapshotState(std::string& out) const override;
  Status RestoreState(std::string_view in) override;

  int64_t watermark() const { return watermark_; }
  // The watermark each partition holds (its largest watermark value seen).
  std::map<int32_t, int64_t> partition_watermarks() const {
    std::map<int32_t, int64_t> out;
    for (const auto& [partition, time] : partitions_) out[partition] = time.max_watermark;
    return out;
  }
  StateSize state_size() const override { return {partitions_.size(), 0}; }

 private:
  // Recomputes the watermark and sends it on if it advanced.
  Status Advance(EvalContext& context);

  struct PartitionTime {
    int64_t max_watermark = INT64_MIN;
    int64_t last_record_us = 0;
  };
  ExpressionPtr expression_;
  int64_t idle_timeout_us_;
  std::string column_;
  std::map<int32_t, PartitionTime> partitions_;
  int64_t watermark_ = INT64_MIN;
  bool restored_ = false;
};

}  // namespace sluice
