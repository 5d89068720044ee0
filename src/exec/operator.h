#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "expr/expression.h"
#include "vector/batch.h"

namespace sluice {

// Counters an operator keeps as it goes, for the run's summary (and, later, metrics): plain
// integers bumped per batch on the pipeline's thread, read from one place for every operator.
struct OperatorMetrics {
  uint64_t rows_in = 0;
  uint64_t rows_out = 0;
  uint64_t late_rows = 0;                // behind the watermark
  uint64_t late_rows_dead_lettered = 0;  // of those, sent to the dead-letter table
  uint64_t duplicates_removed = 0;       // deduplication
  uint64_t groups_spilled = 0;           // moved to RocksDB above the state memory budget
  uint64_t rows_raised = 0;              // an expression raised on them (ANSI mode)
};

// What an operator with state holds in memory now, for the metrics.
struct StateSize {
  uint64_t rows = 0;   // groups, keys, windows' rows
  uint64_t bytes = 0;  // approximate; 0 where the operator does not measure it
};

// How an operator's rows out relate to its rows in, so that reconciliation can follow a
// source's records to each sink: kPasses gives one row out per row in; kFilters one or none,
// the others counted as dropped_as(); kTransforms anything else (rows kept in state, expanded,
// joined): a record's trail ends there, "into" that operator.
enum class RowFlow { kPasses, kFilters, kTransforms };

// A push-based physical operator (Velox/Acero style, minus the threads for now): the driver
// pushes batches in; the operator transforms them and pushes the result to its outputs. Several
// outputs are a fan-out (one source shared by several INSERTs). Batches are never mutated in
// place: an operator builds a new Batch, sharing the columns it does not change.
class Operator {
 public:
  virtual ~Operator() = default;

  virtual Status Push(const Batch& batch, EvalContext& context) = 0;
  // End of input: flush and close downstream.
  virtual Status Finish();
  // Event time has advanced: no record with an event time below `watermark` (microseconds)
  // follows. Windowed operators fire and drop the windows that end at or before it.
  virtual Status OnWatermark(int64_t watermark, EvalContext& context);
  // Called by the driver on every turn of its loop, records or not: processing-time work
  // (triggers, idle-partition timeouts) happens here. `context.now_micros` is the time.
  virtual Status OnTick(EvalContext& context);
  // Checkpointed state (windows, groups, watermarks): an operator that keeps any writes it
  // whole and reads it back after a restart, before the first record.
  // `state_kind` names what an operator with state is ("aggregate", "join", ...), a stable
  // word: with its place in the query it makes the operator's state id (see set_state_id).
  virtual std::string_view state_kind() const { return {}; }
  virtual RowFlow row_flow() const { return RowFlow::kTransforms; }
  // kFilters: what the rows it leaves out count as ("filtered", "late", ...).
  virtual std::string_view dropped_as() const { return {}; }
  bool has_state() const { return !state_kind().empty(); }
  virtual Status SnapshotState(std::string& /*out*/) const { return Status::OK(); }
  virtual Status RestoreState(std::string_view /*in*/) { return Status::OK(); }
  // The pipeline stops before its input ends and its state is checkpointed: Finish must then
  // not emit open windows as if they were final (they continue after the restart).
  virtual void PrepareStop();
  // One line for `sluice explain`.
  virtual std::string Describe() const = 0;
  // Called between batches when metrics are published (never per row).
  virtual StateSize state_size() const { return {}; }

  void AddOutput(std::unique_ptr<Operator> output) { outputs_.push_back(std::move(output)); }
  const std::vector<std::unique_ptr<Operator>>& outputs() const { return outputs_; }

  const OperatorMetrics& metrics() const { return metrics_; }
  // The id a stateful operator's state is checkpointed under, given by the planner from the
  // INSERT it belongs to ("<sink table>/<kind><n>"): rewording explain text, or adding another
  // query, does not make a checkpoint unreadable.
  const std::string& state_id() const { return state_id_; }
  void set_state_id(std::string id) { state_id_ = std::move(id); }
  // Whether row i of the batches it gets is still the source's decoded record i (so a row that
  // raises in ANSI mode can become that record's dead letter); set by the planner.
  void set_rows_are_records(bool yes) { rows_are_records_ = yes; }
  uint64_t rows_in() const { return metrics_.rows_in; }
  uint64_t rows_out() const { return metrics_.rows_out; }

 protected:
  // Sends a batch to every output, counting its live rows.
  Status Emit(const Batch& batch, EvalContext& context);
  void CountIn(const Batch& batch) { metrics_.rows_in += batch.num_live_rows(); }
  // After evaluating expressions over `batch` in ANSI mode: the rows they raised on
  // (context.row_errors) leave the batch as their source's 'errors' policy says: the run fails
  // naming the record ('fail'), they become dead letters with the reason ('dead-letter'), or
  // are counted ('skip'). A row that no longer stands for one source record (after an
  // aggregation or join) fails the run. Returns the selection without them.
  // Only the errors from `first_error` on are this operator's (those its own expressions raised).
  Result<SelectionVector> DivertRaisedRows(const Batch& batch, EvalContext& context,
                                           size_t first_error);

  OperatorMetrics metrics_;

 private:
  std::vector<std::unique_ptr<Operator>> outputs_;
  std::string state_id_;
  bool rows_are_records_ = false;
};

}  // namespace sluice
