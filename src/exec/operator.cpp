#include "exec/operator.h"

#include <algorithm>

#include <fmt/format.h>

#include "connector/raw_record.h"
#include "exec/dead_letter_writer.h"

namespace sluice {

Result<SelectionVector> Operator::DivertRaisedRows(const Batch& batch, EvalContext& context,
                                                   size_t first_error) {
  std::vector<RowError> errors(std::make_move_iterator(context.row_errors.begin() + static_cast<std::ptrdiff_t>(first_error)),
                               std::make_move_iterator(context.row_errors.end()));
  context.row_errors.resize(first_error);
  // One reason per row (the first), rows in order.
  std::stable_sort(errors.begin(), errors.end(),
                   [](const RowError& a, const RowError& b) { return a.row < b.row; });
  errors.erase(std::unique(errors.begin(), errors.end(),
                           [](const RowError& a, const RowError& b) { return a.row == b.row; }),
               errors.end());
  const bool records = rows_are_records_ && context.raw && context.record_of_row;
  auto record_of = [&](uint32_t row) -> const RawRecord* {
    if (!records || row >= context.record_of_row->size()) return nullptr;
    return &(*context.raw)[(*context.record_of_row)[row]];
  };
  const RawRecord* first = record_of(errors.front().row);
  if (!first || context.source_errors == ErrorPolicy::kFail) {
    const std::string where =
        first ? fmt::format(" in the record at {} partition {} offset {} of '{}'", context.raw->origin(),
                            first->partition, first->offset, context.source_table)
              : "";
    return Status::DataError(
        "{}{} ({}{})", errors.front().reason, where,
        errors.front().ansi ? "ANSI mode, 'spark.sql.ansi.enabled' = 'true'" : "as in Spark",
        first ? "; set 'errors' = 'dead-letter' or 'skip' on the source table to keep going"
              : "; this row comes from an aggregation or join, so it cannot become a dead letter");
  }
  if (context.source_errors == ErrorPolicy::kDeadLetter && context.source_dead_letters) {
    std::vector<DeadLetter> letters;
    for (const RowError& e : errors) {
      const RawRecord* r = record_of(e.row);
      if (!r) continue;
      DeadLetter letter;
      letter.value = std::string(r->value);
      letter.key = std::string(r->key);
      letter.origin = std::string(context.raw->origin());
      letter.partition = r->partition;
      letter.offset = r->offset;
      letter.timestamp_ms = r->timestamp_ms;
      letter.reason = e.ansi ? e.reason + " (ANSI mode)" : e.reason;
      letters.push_back(std::move(letter));
    }
    SLUICE_RETURN_NOT_OK(context.source_dead_letters->Write(letters, DeadLetterKind::kRaised, context.source_table, context.batch_id, context));
  }
  metrics_.rows_raised += errors.size();
  std::vector<uint32_t> keep;
  const size_t live = batch.num_live_rows();
  size_t next = 0;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    while (next < errors.size() && errors[next].row < row) ++next;
    if (next < errors.size() && errors[next].row == row) continue;
    keep.push_back(row);
  }
  return SelectionVector::Of(std::move(keep));
}

Status Operator::Finish() {
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->Finish());
  return Status::OK();
}

Status Operator::Emit(const Batch& batch, EvalContext& context) {
  metrics_.rows_out += batch.num_live_rows();
  if (batch.num_live_rows() == 0) return Status::OK();
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->Push(batch, context));
  return Status::OK();
}

Status Operator::OnWatermark(int64_t watermark, EvalContext& context) {
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->OnWatermark(watermark, context));
  return Status::OK();
}

void Operator::PrepareStop() {
  for (auto& out : outputs_) out->PrepareStop();
}

Status Operator::OnTick(EvalContext& context) {
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->OnTick(context));
  return Status::OK();
}

}  // namespace sluice
