#include "exec/late_row_filter_operator.h"

#include <fmt/format.h>

#include "connector/raw_record.h"
#include "exec/dead_letter_writer.h"
#include "exec/record_positions.h"
#include "types/timestamp.h"

namespace sluice {

Status LateRowFilterOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  if (watermark_ == INT64_MIN) return Emit(batch, context);
  SLUICE_ASSIGN_OR_RETURN(VectorPtr times, event_time_->Evaluate(batch, context));
  const size_t live = batch.num_live_rows();
  std::vector<uint32_t> keep;
  keep.reserve(live);
  std::vector<DeadLetter> letters;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    if (times->IsNull(row) || times->data<int64_t>()[row] >= watermark_) {
      keep.push_back(row);
      continue;
    }
    ++metrics_.late_rows;
    if (!dead_letters_ || !context.raw || !context.record_of_row) continue;
    ++metrics_.late_rows_dead_lettered;
    const RawRecord& r = (*context.raw)[(*context.record_of_row)[row]];
    DeadLetter letter;
    letter.value = std::string(r.value);
    letter.key = std::string(r.key);
    letter.origin = std::string(context.raw->origin());
    letter.partition = r.partition;
    letter.offset = r.offset;
    letter.timestamp_ms = r.timestamp_ms;
    letter.reason = fmt::format("late record: event time {} is behind the watermark {}",
                                FormatTimestamp(times->data<int64_t>()[row]),
                                FormatTimestamp(watermark_));
    letters.push_back(std::move(letter));
  }
  if (!letters.empty()) {
    SLUICE_RETURN_NOT_OK(dead_letters_->Write(letters, DeadLetterKind::kLate, context.source_table, context.batch_id, context));
  }
  if (keep.size() == live) return Emit(batch, context);
  Batch out = batch;
  out.set_selection(SelectionVector::Of(std::move(keep)));
  return Emit(out, context);
}

Status LateRowFilterOperator::OnWatermark(int64_t watermark, EvalContext& context) {
  watermark_ = std::max(watermark_, watermark);
  return Operator::OnWatermark(watermark, context);
}

std::string LateRowFilterOperator::Describe() const {
  return fmt::format("Drop late rows: {} below the watermark{}", event_time_->ToString(),
                     dead_letters_ ? " -> dead letters" : " (counted)");
}

}  // namespace sluice
