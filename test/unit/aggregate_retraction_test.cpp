// An aggregation read by another withdraws the row it emitted for a group before sending the
// group's new row, also across a state snapshot and restore (the remembered rows are state).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exec/hash_aggregate_operator.h"
#include "expr/column_reference.h"
#include "operator_test_support.h"

namespace sluice {
namespace {


// sum(v) by k in update mode, every millisecond, emitting retractions.
std::unique_ptr<HashAggregateOperator> SumByKey(std::vector<std::string>* lines) {
  HashAggregateSpec spec;
  spec.keys.push_back(std::make_shared<ColumnReference>(0, "k", DataType::String()));
  auto sum = ResolveAggregate("sum", false, {DataType::Int64()}, {nullptr});
  EXPECT_TRUE(sum.ok());
  spec.aggregates.push_back(AggregateCall{
      *sum, {std::make_shared<ColumnReference>(1, "v", DataType::Int64())}, "sum(v)"});
  spec.mode = OutputMode::kUpdate;
  spec.trigger_interval_ms = 1;
  spec.retract_output = true;
  spec.output_schema = Schema({{"k", DataType::String(), true},
                               {"sum(v)", DataType::Int64(), true},
                               {"$retract", DataType::Boolean(), false}});
  auto op = std::make_unique<HashAggregateOperator>(std::move(spec));
  EXPECT_TRUE(op->EmitRetractions().ok());
  op->AddOutput(std::make_unique<test::CollectLines>(
      lines, [](const Batch& batch, uint32_t row) {
        return std::string(batch.column(0).Get<std::string_view>(row)) + " " +
               std::to_string(batch.column(1).Get<int64_t>(row)) + " " +
               (batch.column(2).Get<uint8_t>(row) ? "withdrawn" : "new");
      }));
  return op;
}


// Pushes `rows`, then fires the trigger.
void PushAndTrigger(HashAggregateOperator& op, const std::vector<std::pair<std::string, int64_t>>& rows,
                    int64_t& now) {
  EvalContext context;
  context.now_micros = now;
  ASSERT_TRUE(op.Push(test::KeyValueRows(rows), context).ok());
  ASSERT_TRUE(op.OnTick(context).ok());  // starts the interval
  now += 5000;
  context.now_micros = now;
  ASSERT_TRUE(op.OnTick(context).ok());
}

TEST(AggregateRetraction, AChangedGroupWithdrawsItsPreviousRowFirst) {
  std::vector<std::string> lines;
  auto op = SumByKey(&lines);
  int64_t now = 1'000'000;
  PushAndTrigger(*op, {{"a", 1}, {"b", 2}, {"a", 3}}, now);
  EXPECT_EQ(lines, (std::vector<std::string>{"a 4 new", "b 2 new"}));
  lines.clear();
  PushAndTrigger(*op, {{"b", 10}, {"c", 7}}, now);
  EXPECT_EQ(lines, (std::vector<std::string>{"b 2 withdrawn", "b 12 new", "c 7 new"}));
}

TEST(AggregateRetraction, RememberedRowsSurviveASnapshot) {
  std::vector<std::string> before;
  auto op = SumByKey(&before);
  int64_t now = 1'000'000;
  PushAndTrigger(*op, {{"a", 1}, {"b", 2}}, now);
  std::string state;
  ASSERT_TRUE(op->SnapshotState(state).ok());

  std::vector<std::string> after;
  auto restored = SumByKey(&after);
  ASSERT_TRUE(restored->RestoreState(state).ok());
  PushAndTrigger(*restored, {{"a", 5}}, now);
  EXPECT_EQ(after, (std::vector<std::string>{"a 1 withdrawn", "a 6 new"}));
}

}  // namespace
}  // namespace sluice
