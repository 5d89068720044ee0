#include "exec/sink_operator.h"

#include <fmt/format.h>

#include "connector/raw_record.h"
#include "connector/rejected_records.h"
#include "exec/dead_letter_writer.h"
#include "exec/resume_filter_operator.h"
#include "format/json_encoder.h"
#include "function/cast.h"

namespace sluice {

SinkOperator::SinkOperator(std::string table_name, std::shared_ptr<Sink> sink)
    : table_(std::move(table_name)), sink_(std::move(sink)), writers_(std::make_shared<int>(1)) {}

SinkOperator::SinkOperator(std::string table_name, const SinkOperator& first)
    : table_(std::move(table_name)),
      sink_(first.sink_),
      first_(false),
      writers_(first.writers_),
      rows_rejected_(first.rows_rejected_) {
  ++*writers_;
}

SinkOperator::~SinkOperator() = default;

void SinkOperator::set_insert_casts(std::vector<InsertCast> casts, Schema schema) {
  insert_casts_ = std::move(casts);
  insert_schema_ = std::move(schema);
}

Status SinkOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  rejects_.clear();
  const RecordPositions* positions =
      reject_policy_.rows_are_records ? context.positions : nullptr;
  // Rows out: what this operator hands to the sink (rejected rows and rows it has are not).
  auto write = [&](const Batch& rows) {
    metrics_.rows_out += rows.num_live_rows();
    return sink_->Write(rows, positions)
        .WithContext("writing to sink '" + table_ + "'");
  };
  if (positions) FindRefusedBefore(batch, *positions);
  const bool replaying = positions && !replay_until_.empty();
  if (insert_casts_.empty()) {
    sink_->FindUnwritableRows(batch, rejects_);
    if (rejects_.empty() && !replaying) return write(batch);
    Batch narrowed = batch;
    if (!rejects_.empty()) SLUICE_RETURN_NOT_OK(Reject(narrowed, context));
    if (replaying) DropRowsTheSinkHas(narrowed, *positions);
    return write(narrowed);
  }
  SLUICE_ASSIGN_OR_RETURN(Batch converted, ApplyInsertCasts(batch, context));
  sink_->FindUnwritableRows(converted, rejects_);
  if (!rejects_.empty()) SLUICE_RETURN_NOT_OK(Reject(converted, context));
  if (replaying) DropRowsTheSinkHas(converted, *positions);
  return write(converted);
}

const SinkOperator* SinkOperator::exactly_once_dead_letter_sink() const {
  if (reject_policy_.policy != ErrorPolicy::kDeadLetter || !reject_policy_.dead_letters ||
      !reject_policy_.rows_are_records) {
    return nullptr;
  }
  const SinkOperator& target = reject_policy_.dead_letters->sink();
  return target.exactly_once() ? &target : nullptr;
}

void SinkOperator::ReplayFrom(const PartitionOffsets& sink_has, const std::string& origin) {
  replay_origin_ = origin;
  replay_until_ = sink_has;
}

void SinkOperator::DropRowsTheSinkHas(Batch& batch, const RecordPositions& positions) {
  if (positions.origin != replay_origin_) return;
  std::vector<uint32_t> keep;
  const size_t live = batch.num_live_rows();
  keep.reserve(live);
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    auto until = replay_until_.find(positions.partition[row]);
    if (until != replay_until_.end()) {
      if (positions.offset[row] < until->second) continue;  // the sink has it
      replay_until_.erase(until);  // offsets rise per partition: caught up there
    }
    keep.push_back(row);
  }
  if (keep.size() != live) batch.set_selection(SelectionVector::Of(std::move(keep)));
}

void SinkOperator::FindRefusedBefore(const Batch& batch, const RecordPositions& positions) {
  if (reject_policy_.sink_key.empty()) return;
  RejectedRecords::Global().WithRefused(
      reject_policy_.sink_key, positions.origin, [&](const RejectedRecords::Refused& refused) {
        const size_t live = batch.num_live_rows();
        for (size_t i = 0; i < live; ++i) {
          const uint32_t row = batch.selection()[i];
          if (row >= positions.offset.size()) continue;
          auto it = refused.find({positions.partition[row], positions.offset[row]});
          if (it != refused.end()) {
            rejects_.push_back({row, "", "the database refused it: " + it->second});
          }
        }
      });
}

Result<Batch> SinkOperator::ApplyInsertCasts(const Batch& batch, EvalContext& context) {
  std::vector<VectorPtr> columns = batch.columns_copy();
  const SelectionVector& selection = batch.selection();
  const size_t live = batch.num_live_rows();
  for (const InsertCast& cast : insert_casts_) {
    const size_t c = cast.column;
    const VectorPtr in = columns[c];
    const DataType& to = cast.to;
    if (in->type() == to) continue;
    auto out = std::make_shared<Vector>(to);
    KernelContext kernel{selection, batch.num_rows(), context};
    SLUICE_RETURN_NOT_OK(CastVector(*in, to, kernel, *out));
    // Spark would store NULL; a value never disappears silently here.
    for (size_t i = 0; i < live; ++i) {
      const uint32_t row = selection[i];
      if (in->IsNull(row) || !out->IsNull(row)) continue;
      rejects_.push_back({row, insert_schema_.field(c).name,
                          fmt::format("{} {} does not fit the column's type {} (CAST it in the "
                                      "query to get NULL instead)",
                                      in->type().ToString(), CastToText(*in, row),
                                      to.ToString())});
    }
    columns[c] = std::move(out);
  }
  Batch out(std::move(columns), batch.num_rows());
  out.set_selection(selection);
  return out;
}

Status SinkOperator::Reject(Batch& batch, EvalContext& context) {
  NormalizeRejects(rejects_);
  const RejectPolicy& policy = reject_policy_;
  const bool have_records = policy.rows_are_records && context.raw && context.record_of_row;
  auto record_of = [&](uint32_t row) -> const RawRecord* {
    if (!have_records || row >= context.record_of_row->size()) return nullptr;
    return &(*context.raw)[(*context.record_of_row)[row]];
  };
  auto reason_of = [&](const RowReject& r) -> std::string {
    if (r.column.empty()) return fmt::format("sink '{}' cannot store the row: {}", table_, r.reason);
    return fmt::format("sink '{}' cannot store column '{}': {}", table_, r.column, r.reason);
  };
  switch (policy.policy) {
    case ErrorPolicy::kFail: {
      const RowReject& first = rejects_.front();
      const RawRecord* record = record_of(first.row);
      std::string where =
          record ? fmt::format(" (record at {} partition {} offset {})", context.raw->origin(),
                               record->partition, record->offset)
                 : std::string();
      if (policy.source_table.empty()) return Status::DataError("{}{}", reason_of(first), where);
      return Status::DataError(
          "{}{}; set 'errors' = 'dead-letter' or 'skip' on table '{}' to keep going",
          reason_of(first), where, policy.source_table);
    }
    case ErrorPolicy::kSkip:
      break;
    case ErrorPolicy::kDeadLetter: {
      std::vector<DeadLetter> letters;
      letters.reserve(rejects_.size());
      for (const RowReject& r : rejects_) {
        DeadLetter letter;
        if (const RawRecord* record = record_of(r.row)) {
          letter.value = std::string(record->value);
          letter.key = std::string(record->key);
          letter.origin = std::string(context.raw->origin());
          letter.partition = record->partition;
          letter.offset = record->offset;
          letter.timestamp_ms = record->timestamp_ms;
        } else {
          // A computed row (after an aggregation or a join) has no one record: keep the row.
          if (!row_json_) row_json_ = std::make_unique<JsonEncoder>(insert_schema_);
          if (insert_schema_.size() == batch.num_columns()) {
            row_json_->AppendRow(batch, r.row, letter.value);
          }
          letter.origin = policy.source_table;
          letter.partition = -1;
          letter.offset = -1;
        }
        letter.reason = reason_of(r);
        letters.push_back(std::move(letter));
      }
      // After a restart, leave out the replayed ones an exactly-once table already holds.
      const SinkOperator& target = policy.dead_letters->sink();
      std::erase_if(letters, [&](const DeadLetter& d) {
        return d.offset >= 0 && target.AlreadyHas(d.origin, d.partition, d.offset);
      });
      SLUICE_RETURN_NOT_OK(policy.dead_letters->Write(letters, DeadLetterKind::kUnwritable, policy.source_table, context.batch_id, context));
      break;
    }
  }
  *rows_rejected_ += rejects_.size();
  // Both lists ascend: keep the live rows that were not rejected.
  std::vector<uint32_t> keep;
  const size_t live = batch.num_live_rows();
  keep.reserve(live);
  size_t next = 0;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    while (next < rejects_.size() && rejects_[next].row < row) ++next;
    if (next < rejects_.size() && rejects_[next].row == row) continue;
    keep.push_back(row);
  }
  batch.set_selection(SelectionVector::Of(std::move(keep)));
  return Status::OK();
}

std::string SinkOperator::Describe() const {
  std::string out = "Sink " + table_ + ": " + sink_->Describe();
  for (const InsertCast& cast : insert_casts_) {
    out += fmt::format("; {} converted to {} (values that do not fit are rejected)",
                       insert_schema_.field(cast.column).name, cast.to.ToString());
  }
  return out;
}

std::string SinkOperator::counters() const {
  const SinkMetrics& m = sink_->metrics();
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (*rows_rejected_ > 0) {
    add(fmt::format("{} rows it cannot store {}", *rows_rejected_,
                    reject_policy_.policy == ErrorPolicy::kDeadLetter ? "dead-lettered" : "skipped"));
  }
  const uint64_t spilled = m.rows_spilled.load(), replayed = m.rows_replayed.load(),
                 in_spill = m.rows_in_spill.load();
  if (spilled > 0 || replayed > 0 || in_spill > 0) {
    add(fmt::format("{} rows spilled, {} replayed", spilled, replayed));
    if (in_spill > 0) add(fmt::format("{} rows still in {}", in_spill, m.spill_dir));
  }
  return text;
}

SourceOffsets SinkOperator::EpochPositions() const {
  if (!sink_->exactly_once() || positions_ == nullptr) return {};
  SourceOffsets progress = *positions_;
  MergeMax(progress, recovered_);
  return progress;
}

Status SinkOperator::Commit() {
  return sink_->Commit(EpochPositions()).WithContext("committing sink '" + table_ + "'");
}

Status SinkOperator::BeginEpoch(uint64_t epoch) {
  return sink_->BeginEpoch(epoch, EpochPositions()).WithContext("committing sink '" + table_ + "'");
}

Result<bool> SinkOperator::AwaitEpoch(uint64_t epoch, std::chrono::milliseconds max_wait) {
  auto done = sink_->AwaitCommitted(epoch, max_wait);
  if (!done.ok()) return done.status().WithContext("committing sink '" + table_ + "'");
  return *done;
}

Status SinkOperator::Finish() {
  if (closed_) return Status::OK();
  closed_ = true;
  // Another INSERT still writes to this sink: the last one to finish commits and closes it.
  if (--*writers_ > 0) return Status::OK();
  SLUICE_RETURN_NOT_OK(Commit());
  return sink_->Close().WithContext("closing sink '" + table_ + "'");
}

Result<SourceOffsets> SinkOperator::Recover(const std::vector<std::string>& origins) {
  if (!sink_->exactly_once()) return SourceOffsets{};
  auto recovered = sink_->RecoverPositions(origins);
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
