#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "connector/sink.h"
#include "connector/source_offsets.h"
#include "exec/dead_letter.h"
#include "exec/operator.h"

namespace sluice {

class DeadLetterWriter;
class JsonEncoder;
class ResumeFilterOperator;

// What becomes of a row the sink cannot store (a value outside what its target holds, or an
// INSERT's implicit conversion that does not fit the column): the 'errors' policy of the source
// table the row came from.
struct RejectPolicy {
  ErrorPolicy policy = ErrorPolicy::kFail;
  DeadLetterWriter* dead_letters = nullptr;  // for kDeadLetter
  std::string source_table;                  // for messages
  // Row i of every batch is the source's decoded row i (no aggregation, join or explode in
  // between): a rejected row's dead letter is its raw record with topic/partition/offset.
  // Otherwise the dead letter holds the row itself as JSON.
  bool rows_are_records = false;
  // "<pipeline>/<table>": where the sink's database refusals are kept (RejectedRecords).
  std::string sink_key;
};

// The end of an INSERT: hands batches to a connector's Sink. On the way it converts columns the
// INSERT assigns implicitly to a narrower type (BIGINT into INT, a DECIMAL into a smaller one)
// and leaves out rows the sink cannot store, which go where the RejectPolicy says. For an
// exactly-once sink it also carries the sink's committed progress: commits pass the pipeline's
// current source positions (never below what the sink already holds), and after a restart the
// INSERT's resume filter skips the replayed rows the sink has.
class SinkOperator final : public Operator {
 public:
  SinkOperator(std::string table_name, std::shared_ptr<Sink> sink);
  // Another INSERT into the same table: shares `first`'s sink, which commits and closes once,
  // when the last INSERT writing to it has finished.
  SinkOperator(std::string table_name, const SinkOperator& first);
  ~SinkOperator() override;

  Status Open() { return sink_->Open().WithContext("opening sink '" + table_ + "'"); }
  Status Push(const Batch& batch, EvalContext& context) override;
  // Ends the current epoch and waits for it (the end of a run).
  Status Commit();
  Status Finish() override;
  std::string Describe() const override;

  // A sink column that arrives in another type and is converted at the INSERT: a value that
  // does not fit is rejected, not turned into NULL. `schema` is the sink's columns.
  struct InsertCast {
    size_t column;
    DataType to;
  };
  void set_insert_casts(std::vector<InsertCast> casts, Schema schema);
  void set_reject_policy(RejectPolicy policy) { reject_policy_ = std::move(policy); }

  const std::string& table_name() const { return table_; }
  uint64_t rows_written() const { return sink_->rows_written(); }
  // Rows left out because the sink cannot store them (dead-lettered or skipped), by every
  // INSERT into the table.
  uint64_t rows_rejected() const { return *rows_rejected_; }
  // The sink's own counters for the summary ("120 rows spilled, 120 replayed"), from its metrics.
  std::string counters() const;
  Sink& sink() { return *sink_; }
  const Sink& sink() const { return *sink_; }
  // False for the later INSERTs into a table: the pipeline opens and commits a sink through
  // its first operator only.
  bool first() const { return first_; }
  // A checkpoint's two steps (Sink's contract): the epoch ends, with the pipeline's positions
  // for an exactly-once sink (never below what it already holds); then it is awaited.
  Status BeginEpoch(uint64_t epoch);
  Result<bool> AwaitEpoch(uint64_t epoch, std::chrono::milliseconds max_wait);
  const SinkCapabilities& capabilities() const { return sink_->capabilities(); }
  bool exactly_once() const { return sink_->exactly_once(); }

  // Exactly-once wiring, done by the pipeline before the first record.
  void set_positions(const SourceOffsets* positions) { positions_ = positions; }
  void set_resume_filter(ResumeFilterOperator* filter) { resume_filter_ = filter; }
  ResumeFilterOperator* resume_filter() const { return resume_filter_; }
  // Reads the sink's committed progress back and arms the resume filter with it.
  Result<SourceOffsets> Recover(const std::vector<std::string>& origins);
  const SourceOffsets& recovered() const { return recovered_; }
  // The exactly-once table this sink's rejected rows are dead-lettered into, or null.
  const SinkOperator* exactly_once_dead_letter_sink() const;
  // After a restart the resume filter lets through rows this sink already has, when its
  // dead-letter table is behind it: their rejects are worked out again (and dead-lettered when
  // the table lacks them), and the rows themselves are left out here, not written twice.
  void ReplayFrom(const PartitionOffsets& sink_has, const std::string& origin);
  // True when the sink already holds the record at origin/partition/offset.
  bool AlreadyHas(const std::string& origin, int32_t partition, int64_t offset) const;

 private:
  // What an epoch commits as its positions: exactly-once, the pipeline's (never below what
  // the sink recovered); otherwise none.
  SourceOffsets EpochPositions() const;
  // Converts the columns with an insert cast; rows whose value does not fit become rejects.
  Result<Batch> ApplyInsertCasts(const Batch& batch, EvalContext& context);
  // Rows whose records the sink's database refused in an earlier attempt (RejectedRecords).
  void FindRefusedBefore(const Batch& batch, const RecordPositions& positions);
  // Leaves out rows below replay_until_ (ReplayFrom), narrowing `batch`.
  void DropRowsTheSinkHas(Batch& batch, const RecordPositions& positions);
  // Applies the reject policy to rejects_ and narrows `batch` to the rows that remain.
  Status Reject(Batch& batch, EvalContext& context);

  std::string table_;
  std::shared_ptr<Sink> sink_;
  bool first_ = true;
  std::shared_ptr<int> writers_;  // operators writing to sink_ that have not finished
  std::vector<InsertCast> insert_casts_;
  Schema insert_schema_;                               // the sink's columns, for messages
  RejectPolicy reject_policy_;
  std::vector<RowReject> rejects_;  // scratch, per batch
  std::unique_ptr<JsonEncoder> row_json_;  // rejected rows as dead-letter values
  // Shared by the INSERTs into one table, like the sink.
  std::shared_ptr<uint64_t> rows_rejected_ = std::make_shared<uint64_t>(0);
  const SourceOffsets* positions_ = nullptr;
  ResumeFilterOperator* resume_filter_ = nullptr;
  SourceOffsets recovered_;
  std::string replay_origin_;
  PartitionOffsets replay_until_;  // per partition: rows below it the sink already has
  bool closed_ = false;
};

}  // namespace sluice
