// An aggregation whose state outgrows its memory budget moves groups to RocksDB and gets them
// back when rows touch them or windows close: the results are the same as with no budget.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "exec/hash_aggregate_operator.h"
#include "function/cast.h"
#include "capture_sink.h"
#include "plan/compiler.h"

namespace sluice {
namespace {


uint64_t SpilledGroups(const Operator& op) {
  uint64_t n = 0;
  n += op.metrics().groups_spilled;
  for (const auto& child : op.outputs()) n += SpilledGroups(*child);
  return n;
}

struct RunResult {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> rows;             // "a|b|c"
  std::map<std::string, std::string> last;   // the last row per first column
  uint64_t spilled = 0;
};

RunResult RunWithBudget(const std::string& query, const std::string& budget) {
  RunResult result;
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  registry.RegisterSink("capture", [&result](const ConnectorOptions&, const Schema&)
                                       -> Result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(new CaptureSink(&result.cells));
  });
  CompileOptions options;
  options.registry = &registry;
  options.settings["state.memory-budget"] = budget;
  // A folder per test process: ctest runs the tests of this file side by side.
  const std::filesystem::path state_dir =
      std::filesystem::temp_directory_path() / ("sluice_state_spill_test_" + std::to_string(getpid()));
  options.settings["state.checkpoints.dir"] = state_dir.string();
  const std::string script = R"(
CREATE TABLE purchases (order_id STRING, customer_id INT, furniture STRING, color STRING,
  price BIGINT, ts BIGINT, event_time AS CAST(from_unixtime(ts) AS TIMESTAMP),
  WATERMARK FOR event_time AS event_time - INTERVAL '1' HOUR)
WITH ('connector' = 'datagen', 'scenario' = 'purchases', 'number-of-rows' = '200000', 'seed' = '9',
      'start-time' = '2024-06-01 00:00:00', 'rows-per-second' = '100000');
CREATE TABLE out_t (k STRING, n BIGINT, total BIGINT, colors BIGINT, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'capture');
)" + query;
  auto compiled = CompileScript(script, "spill.sql", options);
  EXPECT_TRUE(compiled.ok()) << compiled.status().message();
  if (!compiled.ok()) return result;
  std::atomic<bool> stop{false};
  Pipeline& pipeline = (*compiled)->pipeline();
  Status s = pipeline.Open();
  if (s.ok()) s = pipeline.Run(stop);
  EXPECT_TRUE(s.ok()) << s.message();
  for (const auto& task : pipeline.sources()) result.spilled += SpilledGroups(*task.root);
  std::filesystem::remove_all(state_dir);
  for (const auto& cells : result.cells) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) text += (c ? "|" : "") + cells[c];
    result.rows.push_back(text);
    result.last[cells[0]] = text;
  }
  return result;
}

TEST(StateSpill, WindowedAggregationOverBudgetGivesTheSameWindows) {
  const std::string query = R"(
INSERT INTO out_t
SELECT concat(CAST(window_start AS STRING), '/', furniture, '/', CAST(MOD(price, 2000) AS STRING)),
       count(*), sum(price), count(DISTINCT color)
FROM TABLE(TUMBLE(TABLE purchases, DESCRIPTOR(event_time), INTERVAL '10' MINUTE))
GROUP BY window_start, window_end, furniture, MOD(price, 2000);
)";
  RunResult in_memory = RunWithBudget(query, "0");
  RunResult spilled = RunWithBudget(query, "64KB");
  EXPECT_EQ(in_memory.spilled, 0u);
  EXPECT_GT(spilled.spilled, 10000u) << "the budget must have forced groups out";
  ASSERT_GT(in_memory.rows.size(), 20000u);
  // Append mode: every group once, when its window closes, with the same values.
  std::sort(in_memory.rows.begin(), in_memory.rows.end());
  std::sort(spilled.rows.begin(), spilled.rows.end());
  EXPECT_EQ(spilled.rows, in_memory.rows);
}

TEST(StateSpill, RunningAggregationOverBudgetEndsInTheSameState) {
  const std::string query = R"(
INSERT INTO out_t
SELECT concat(furniture, '/', CAST(MOD(price, 5000) AS STRING)), count(*), sum(price),
       count(DISTINCT color)
FROM purchases GROUP BY concat(furniture, '/', CAST(MOD(price, 5000) AS STRING));
)";
  RunResult in_memory = RunWithBudget(query, "0");
  RunResult spilled = RunWithBudget(query, "64KB");
  EXPECT_GT(spilled.spilled, 10000u);
  // Update mode: the last row per key is the group's final value.
  EXPECT_GT(in_memory.last.size(), 20000u);
  EXPECT_EQ(spilled.last, in_memory.last);
}

}  // namespace
}  // namespace sluice
