// OVER aggregates keep each partition's frame as state: a run restored from a snapshot taken
// half-way gives the same rows as one that never stopped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exec/over_aggregate_operator.h"
#include "expr/column_reference.h"
#include "operator_test_support.h"

namespace sluice {
namespace {


// sum, avg and min of v over the current row and the 2 before it, per k.
std::unique_ptr<OverAggregateOperator> LastThree(std::vector<std::string>* lines) {
  OverAggregateSpec spec;
  spec.partition_keys.push_back(std::make_shared<ColumnReference>(0, "k", DataType::String()));
  auto v = std::make_shared<ColumnReference>(1, "v", DataType::Int64());
  spec.calls.push_back({OverCall::Function::kSum, v, DataType::Int64(), "sum(v)"});
  spec.calls.push_back({OverCall::Function::kAvg, v, DataType::Float64(), "avg(v)"});
  spec.calls.push_back({OverCall::Function::kMin, v, DataType::Int64(), "min(v)"});
  spec.preceding = 2;
  spec.output_schema = Schema({{"k", DataType::String(), true},
                               {"v", DataType::Int64(), true},
                               {"sum(v)", DataType::Int64(), true},
                               {"avg(v)", DataType::Float64(), true},
                               {"min(v)", DataType::Int64(), true}});
  auto op = std::make_unique<OverAggregateOperator>(std::move(spec));
  op->AddOutput(std::make_unique<test::CollectLines>(
      lines, [](const Batch& batch, uint32_t row) {
        return std::string(batch.column(0).Get<std::string_view>(row)) + " " +
               std::to_string(batch.column(1).Get<int64_t>(row)) + " " +
               std::to_string(batch.column(2).Get<int64_t>(row)) + " " +
               std::to_string(batch.column(3).Get<double>(row)) + " " +
               std::to_string(batch.column(4).Get<int64_t>(row));
      }));
  return op;
}


TEST(OverAggregate, FramesOfThreeRowsPerPartition) {
  std::vector<std::string> lines;
  auto op = LastThree(&lines);
  EvalContext context;
  ASSERT_TRUE(op->Push(test::KeyValueRows({{"a", 4}, {"b", 1}, {"a", 2}, {"a", 9}, {"a", 1}}), context).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"a 4 4 4.000000 4", "b 1 1 1.000000 1",
                                             "a 2 6 3.000000 2", "a 9 15 5.000000 2",
                                             "a 1 12 4.000000 1"}));
}

TEST(OverAggregate, ARestoredFrameContinuesWhereItStopped) {
  const std::vector<std::pair<std::string, int64_t>> first = {{"a", 4}, {"b", 1}, {"a", 2}};
  const std::vector<std::pair<std::string, int64_t>> second = {{"a", 9}, {"b", 3}, {"a", 1}};
  EvalContext context;
  std::vector<std::string> straight;
  auto whole = LastThree(&straight);
  ASSERT_TRUE(whole->Push(test::KeyValueRows(first), context).ok());
  ASSERT_TRUE(whole->Push(test::KeyValueRows(second), context).ok());

  std::vector<std::string> before, after;
  auto op = LastThree(&before);
  ASSERT_TRUE(op->Push(test::KeyValueRows(first), context).ok());
  std::string state;
  ASSERT_TRUE(op->SnapshotState(state).ok());
  auto restored = LastThree(&after);
  ASSERT_TRUE(restored->RestoreState(state).ok());
  ASSERT_TRUE(restored->Push(test::KeyValueRows(second), context).ok());
  before.insert(before.end(), after.begin(), after.end());
  EXPECT_EQ(before, straight);
  EXPECT_FALSE(restored->RestoreState(state.substr(0, state.size() - 3)).ok());
}

}  // namespace
}  // namespace sluice
