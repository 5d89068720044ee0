#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "exec/operator.h"
#include "types/schema.h"

namespace sluice {

// One `f(x) OVER (PARTITION BY ... ORDER BY t ROWS BETWEEN n PRECEDING AND CURRENT ROW)`.
struct OverCall {
  enum class Function { kCount, kSum, kAvg, kMin, kMax };
  Function function = Function::kCount;
  ExpressionPtr argument;  // null for count(*); BIGINT/INT or DOUBLE otherwise
  DataType result_type;
  std::string text;  // for explain
};

struct OverAggregateSpec {
  std::vector<ExpressionPtr> partition_keys;
  std::vector<OverCall> calls;
  int64_t preceding = -1;  // rows before the current one in the frame; -1: all of them
  Schema output_schema;    // the input's columns, then one per call
};

// Aggregates over each row's partition's last rows (Flink's OVER window with a ROWS frame), on
// a stream whose rows arrive in the order of the OVER's ORDER BY column (the planner makes sure:
// rows of closed windows, emitted as the watermark passes them). Each row goes on at once with
// one more column per call. State per partition: the last `preceding` argument values, or the
// running aggregates of an unbounded frame.
class OverAggregateOperator final : public Operator {
 public:
  explicit OverAggregateOperator(OverAggregateSpec spec);

  Status Push(const Batch& batch, EvalContext& context) override;
  std::string Describe() const override;
  StateSize state_size() const override { return {partitions_.size(), 0}; }  // partitions
  std::string_view state_kind() const override { return "over-aggregate"; }
  Status SnapshotState(std::string& out) const override;
  Status RestoreState(std::string_view in) override;

 private:
  // An argument value in the frame (integers exactly, doubles as such); null when not valid.
  struct Slot {
    bool valid = false;
    int64_t integer = 0;
    double real = 0;
  };
  // A call's frame in one partition: the last rows' values, or, unbounded, running totals.
  struct Frame {
    std::deque<Slot> rows;
    int64_t count = 0;  // unbounded: non-null values seen
    int64_t integer_sum = 0;
    double real_sum = 0;
    Slot min, max;
  };

  // Adds the current row's value to `frame` and appends the call's result to `out`.
  void Advance(const OverCall& call, Frame& frame, const Slot& value, Vector& out) const;

  OverAggregateSpec spec_;
  absl::flat_hash_map<std::string, std::vector<Frame>> partitions_;
  std::string key_;  // scratch
};

}  // namespace sluice
