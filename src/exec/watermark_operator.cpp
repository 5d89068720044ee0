#include "exec/watermark_operator.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "connector/raw_record.h"
#include "exec/record_positions.h"

namespace sluice {

Status WatermarkOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  SLUICE_ASSIGN_OR_RETURN(VectorPtr times, expression_->Evaluate(batch, context));
  if (restored_) {  // restored partitions start their idle clocks now
    for (auto& [partition, time] : partitions_) time.last_record_us = context.now_micros;
    restored_ = false;
  }
  const RecordPositions* positions = context.positions;
  const size_t live = batch.num_live_rows();
  PartitionTime* current = nullptr;
  int32_t current_partition = -1;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    const int32_t partition = positions             ? positions->partition[row]
                              : context.record_of_row ? (*context.raw)[(*context.record_of_row)[row]].partition
                                                      : 0;
    if (!current || partition != current_partition) {
      current = &partitions_[partition];
      current_partition = partition;
      current->last_record_us = context.now_micros;
    }
    if (times->IsNull(row)) continue;
    current->max_watermark = std::max(current->max_watermark, times->data<int64_t>()[row]);
  }
  SLUICE_RETURN_NOT_OK(Emit(batch, context));
  return Advance(context);
}

Status WatermarkOperator::Advance(EvalContext& context) {
  // A partition the source reads but that delivered nothing yet holds event time back too
  // (until it idles out): its first records may be older than the others'.
  if (context.source_partitions && !context.source_partitions->empty()) {
    // Partitions no longer read (a rebalance took them) stop counting.
    std::erase_if(partitions_, [&](const auto& entry) {
      const auto& assigned = *context.source_partitions;
      return std::find(assigned.begin(), assigned.end(), entry.first) == assigned.end();
    });
    for (int32_t p : *context.source_partitions) {
      if (partitions_.find(p) == partitions_.end()) {
        partitions_[p] = PartitionTime{INT64_MIN, context.now_micros};
      }
    }
  }
  // Idle: quiet for the timeout and nothing of it waiting to be read. A quiet partition with
  // unread records is one whose records queue behind others' (a backlog being replayed) or that
  // no fetch has reached yet: they may be older than what the others delivered, and must not
  // arrive late.
  int64_t lowest = INT64_MAX;
  for (const auto& [partition, time] : partitions_) {
    const bool idle = idle_timeout_us_ > 0 &&
                      context.now_micros - time.last_record_us >= idle_timeout_us_ &&
                      !(context.has_unread_records && context.has_unread_records(partition));
    if (!idle) lowest = std::min(lowest, time.max_watermark);
  }
  // Every partition idle: event time stands still until one delivers again.
  if (lowest == INT64_MAX || lowest <= watermark_) return Status::OK();
  watermark_ = lowest;
  return OnWatermark(watermark_, context);
}

Status WatermarkOperator::OnTick(EvalContext& context) {
  if (idle_timeout_us_ > 0) SLUICE_RETURN_NOT_OK(Advance(context));
  return Operator::OnTick(context);
}

Status WatermarkOperator::SnapshotState(std::string& out) const {
  // Idle clocks restart with the process: a restored partition counts as just seen.
  out.append(reinterpret_cast<const char*>(&watermark_), 8);
  for (const auto& [partition, time] : partitions_) {
    out.append(reinterpret_cast<const char*>(&partition), 4);
    out.append(reinterpret_cast<const char*>(&time.max_watermark), 8);
  }
  return Status::OK();
}

Status WatermarkOperator::RestoreState(std::string_view in) {
  if (in.size() < 8 || (in.size() - 8) % 12 != 0) return Status::Invalid("watermark state is damaged");
  std::memcpy(&watermark_, in.data(), 8);
  for (size_t at = 8; at < in.size(); at += 12) {
    int32_t partition;
    PartitionTime time;
    std::memcpy(&partition, in.data() + at, 4);
    std::memcpy(&time.max_watermark, in.data() + at + 4, 8);
    time.last_record_us = 0;
    partitions_[partition] = time;
  }
  restored_ = true;
  return Status::OK();
}

std::string WatermarkOperator::Describe() const {
  std::string idle = idle_timeout_us_ > 0
                         ? fmt::format(", a partition idle after {} ms", idle_timeout_us_ / 1000)
                         : "";
  return fmt::format("Watermark {} = {} (per partition, the minimum across partitions{})", column_,
                     expression_->ToString(), idle);
}

}  // namespace sluice
