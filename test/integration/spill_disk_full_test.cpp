// A full disk under the spill folder while PostgreSQL is down: the sink waits — the source
// pauses — for space or for the database, saying so once, instead of ending the pipeline; when
// PostgreSQL is back everything arrives exactly once. The spill folder is a 256 KB tmpfs
// mounted in a mount namespace of the sluice process only (unshare), so nothing on the host
// fills up.
#include <gtest/gtest.h>

#include <thread>

#include "cashback_run.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SpillDiskFull, PipelineWaitsForSpaceOrPostgresAndLosesNothing) {
  CashbackRun run;
  const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
  std::string sql = ReadText(run.dir() / "unbounded.sql");
  const std::string url = "'url' = '" + PostgresDsn() + "',";
  ASSERT_EQ(Count(sql, url), 2u) << sql;
  ReplaceAll(sql, url, url + " 'sink.retry.timeout' = '1 s', 'sink.spill.dir' = 'spill/TABLE',");
  size_t at = sql.find("spill/TABLE");
  sql.replace(at, 11, "spill/eligible");
  at = sql.find("spill/TABLE");
  sql.replace(at, 11, "spill/errors");
  std::ofstream(run.dir() / "small_disk.sql") << sql;
  fs::create_directories(run.dir() / "spill");

  ChildProcess producer(run.ProduceCommand(150000, 10000, 41), run.dir(), run.dir() / "produce.log");
  ChildProcess sluice("unshare --user --map-root-user --mount sh -c 'mount -t tmpfs -o size=256k "
                      "tmpfs spill && exec " + std::string(SLUICE_BINARY) + " run small_disk.sql'",
                      run.dir(), run.log());
  std::this_thread::sleep_for(3s);
  ASSERT_TRUE(sluice.Running()) << ReadText(run.log());
  ASSERT_EQ(RunCommand(stack + " down postgres", run.dir(), run.dir() / "stack.log"), 0)
      << ReadText(run.dir() / "stack.log");
  // Long enough to fill 256 KB many times over at 10,000 events per second.
  std::this_thread::sleep_for(12s);
  std::string log = ReadText(run.log());
  EXPECT_TRUE(sluice.Running()) << "sluice stopped on a full disk:\n" << log;
  ASSERT_EQ(RunCommand(stack + " up postgres", run.dir(), run.dir() / "stack.log"), 0)
      << ReadText(run.dir() / "stack.log");
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  std::this_thread::sleep_for(8s);  // the spilled batches and the paused source catch up
  ASSERT_TRUE(sluice.Running()) << ReadText(run.log());
  sluice.Signal(SIGINT);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(run.log());
  log = ReadText(run.log());
  EXPECT_NE(log.find("No space left on device"), std::string::npos) << log;
  // Said once per sink and wait, not per batch.
  EXPECT_GE(Count(log, "cannot spill: "), 1u) << log;
  EXPECT_LE(Count(log, "cannot spill: "), 4u) << log;
  EXPECT_NE(log.find("PostgreSQL answers again"), std::string::npos) << log;
  run.Finish();
  run.ExpectExactOutput();
}

}  // namespace
}  // namespace sluice::testing
