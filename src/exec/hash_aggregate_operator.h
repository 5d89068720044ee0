#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aggregate/aggregate_function.h"
#include "exec/operator.h"
#include "exec/output_mode.h"
#include "state/group_table.h"
#include "state/rocksdb_spill.h"
#include "types/schema.h"

namespace sluice {

// One aggregate call of a GROUP BY: the function and its (already cast) input expressions.
struct AggregateCall {
  AggregateFunction function;
  std::vector<ExpressionPtr> inputs;
  std::string text;  // "sum(price)", for explain
};

// Notes in context.row_errors the live rows of `batch` whose first input `call` refuses
// (AggregateFunction::refuse), for the operator to take them out as raised rows.
void RefuseAggregateInput(const AggregateCall& call, const Vector& first_input, const Batch& batch,
                          EvalContext& context);

struct HashAggregateSpec {
  std::vector<ExpressionPtr> keys;  // the GROUP BY expressions over the input
  std::vector<AggregateCall> aggregates;
  // The key holding a window's end (a TIMESTAMP), or -1: state is then kept per window, and a
  // window is final, emitted (append) and dropped once the watermark reaches its end.
  int window_end_key = -1;
  OutputMode mode = OutputMode::kAppend;
  // update / complete: how often results are emitted (processing time).
  int64_t trigger_interval_ms = 1000;
  Schema output_schema;  // the keys, the aggregates, then '$retract' with `retract_output`
  // update / complete: the output ends with a BOOLEAN column '$retract', true on a row that
  // withdraws one emitted before (only once EmitRetractions() was called; false until then).
  bool retract_output = false;
  // The input column (BOOLEAN) that marks a row withdrawing one the input sent before (the input
  // is another aggregation's changing result), or -1. Every aggregate must be retractable.
  int retract_column = -1;
  // Above this many bytes of state (0: no limit), the largest window's groups move to RocksDB
  // in `spill_dir`, and come back when a row touches them or the window fires.
  size_t memory_budget = 0;
  std::string spill_dir;
};

// GROUP BY over a stream, keyed state in memory. Output rows are the group keys followed by the
// aggregate results; HAVING and the SELECT list are applied by the operators after it.
class HashAggregateOperator final : public Operator {
 public:
  explicit HashAggregateOperator(HashAggregateSpec spec);

  // Another aggregation reads this one's results: a group that changes first withdraws its
  // previous row ('$retract' true), then sends the new one. Before the state is restored.
  // Fails when a result type cannot be kept for withdrawing (a ROW or ARRAY).
  Status EmitRetractions();

  Status Push(const Batch& batch, EvalContext& context) override;
  Status OnWatermark(int64_t watermark, EvalContext& context) override;
  Status OnTick(EvalContext& context) override;
  Status Finish() override;
  std::string Describe() const override;
  std::string_view state_kind() const override { return "aggregate"; }
  Status SnapshotState(std::string& out) const override;
  Status RestoreState(std::string_view in) override;
  void PrepareStop() override;

  // Rows that arrived for a window the watermark had already closed (dropped, counted).
  size_t num_windows() const { return tables_.size(); }
  // Groups moved to RocksDB over the run, and held there now.
  uint64_t cold_groups() const { return spill_ ? spill_->entries() : 0; }
  size_t MemoryUsage() const;
  StateSize state_size() const override;

 private:
  // Sends rows for `groups` of `table` downstream.
  Status EmitGroups(GroupTable& table, const std::vector<uint32_t>& groups,
                    EvalContext& context);
  // update / complete: the trigger's output.
  Status EmitTrigger(EvalContext& context);
  // Over the memory budget: moves the largest table's groups to RocksDB.
  Status SpillLargestTable(EvalContext& context);
  // Emits a window's groups held in RocksDB, in chunks (only changed ones when `changed_only`);
  // `drain` deletes them afterwards.
  Status EmitCold(int64_t window, bool drain, bool changed_only, EvalContext& context);
  // A group's spilled form: changed flag, then each aggregate's state.
  std::string SpilledGroup(const GroupTable& table, uint32_t group) const;
  Status LoadSpilledGroup(std::string_view value, GroupTable& table, uint32_t group);

  HashAggregateSpec spec_;
  std::vector<AggregateFunction> functions_;  // the aggregates, then the hidden row count
  // With retractions in the input: functions_[row_count_] counts a group's rows, and a group
  // whose rows were all withdrawn gives no row. -1 otherwise.
  int row_count_ = -1;
  bool emit_retractions_ = false;
  // By window end (INT64_MIN for an aggregation without windows), ascending, so closing
  // windows is taking from the front.
  std::map<int64_t, std::unique_ptr<GroupTable>> tables_;
  int64_t watermark_ = INT64_MIN;
  int64_t last_trigger_us_ = 0;
  bool changed_since_trigger_ = false;
  bool stopping_ = false;  // Finish keeps open windows: they are in the checkpoint
  std::unique_ptr<RocksDbSpill> spill_;  // opened at the first spill
  std::string spilled_;                  // scratch
  uint64_t batches_since_budget_check_ = 0;
  // Scratch, per batch.
  std::string key_;
  std::vector<uint32_t> rows_;
  std::vector<uint32_t> groups_;
};

}  // namespace sluice
