// 'sink.buffer-flush.interval' is honoured (it used to be read and ignored, 200 ms hard-coded):
// at-least-once rows become visible between checkpoints once the first pending row has waited
// that long, not before. Checkpoints are a minute apart here, so only the flush interval can
// make rows visible within the few seconds the test watches.
#include <gtest/gtest.h>

#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

// Rows visible in `table` after streaming generated payments for 3 s with `interval`.
int64_t RowsVisibleAfterThreeSeconds(const std::string& interval, const std::string& table) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_flush_" + suffix);
  fs::create_directories(dir);
  std::ofstream(dir / "flush.sql")
      << "SET 'pipeline.name' = 'flush_" << suffix << "';\n"
      << "SET 'execution.checkpointing.interval' = '60 s';\n"
      << "CREATE TABLE src (customer_id STRING, amount INT) WITH ('connector' = 'datagen', "
         "'scenario' = 'cashback', 'rows-per-second' = '2000');\n"
      << "CREATE TABLE " << table << " (customer_id STRING, amount INT) WITH ("
      << "'connector' = 'postgres', 'url' = '" << PostgresDsn() << "', "
      << "'sink.buffer-flush.max-rows' = '1000000', 'sink.buffer-flush.interval' = '" << interval
      << "');\nINSERT INTO " << table << " SELECT customer_id, amount FROM src;\n";
  ChildProcess sluice(std::string(SLUICE_BINARY) + " run " + (dir / "flush.sql").string(), dir,
                      dir / "log");
  std::this_thread::sleep_for(3s);
  EXPECT_TRUE(sluice.Running()) << ReadText(dir / "log");
  auto rows = PgQuery("SELECT count(*) FROM " + table);
  sluice.Signal(SIGTERM);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(dir / "log");
  fs::remove_all(dir);
  return rows.empty() ? -1 : std::stoll(rows[0][0]);
}

TEST(PostgresFlushInterval, RowsAppearOnceTheFirstHasWaitedTheInterval) {
  const std::string fast = "flush_fast_" + UniqueSuffix();
  EXPECT_GT(RowsVisibleAfterThreeSeconds("100 ms", fast), 0)
      << "rows waited for the checkpoint instead of the 100 ms flush interval";
  const std::string slow = "flush_slow_" + UniqueSuffix();
  EXPECT_EQ(RowsVisibleAfterThreeSeconds("20 s", slow), 0)
      << "rows were flushed before the 20 s interval (the interval is not honoured)";
  // The clean stop commits what was pending.
  auto all = PgQuery("SELECT count(*) FROM " + slow);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_GT(std::stoll(all[0][0]), 0);
}

}  // namespace
}  // namespace sluice::testing
