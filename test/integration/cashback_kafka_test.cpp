// examples/cashback.sql end to end on the real broker and PostgreSQL, fed by `sluice produce`:
// exact output, and exactly-once through kill -9, a PostgreSQL outage and a broker restart.
// Expected rows are recomputed from the input topic itself with plain code
// (cashback_contract.h); outputs are compared as multisets, so a lost row and a duplicate both
// fail.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include "cashback_run.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

TEST(CashbackKafka, TwoHundredThousandEventsGiveExactlyTheContractRows) {
  CashbackRun run;
  ASSERT_EQ(RunCommand(run.ProduceCommand(200000, 0, 11), run.dir(), run.log()), 0)
      << ReadText(run.log());
  run.Finish();
  run.ExpectExactOutput();
  std::string log = ReadText(run.log());
  EXPECT_NE(log.find("source cashback: 200000 read"), std::string::npos) << log;
}

TEST(CashbackKafka, KillNineTenTimesLosesNothingAndDuplicatesNothing) {
  CashbackRun run;
  // 200,000 events over about ten seconds while the pipeline is killed and restarted.
  ChildProcess producer(run.ProduceCommand(200000, 20000, 12), run.dir(), run.dir() / "produce.log");
  // Checkpoints every 300 ms, kills 0.4..2.5 s after each start: some before the first
  // checkpoint, most between checkpoints or in the middle of one.
  EXPECT_EQ(run.KillRepeatedly(10, "300ms", 400, 2500, 20261123), 10);
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  // The kills must have hit a pipeline at work: the positions it resumed from kept moving.
  std::string log = ReadText(run.log());
  std::set<std::string> resumed;
  std::regex resuming(R"(resuming \S+ from the sinks' committed progress \(partition@offset: ([^)]*)\))");
  for (std::sregex_iterator it(log.begin(), log.end(), resuming), end; it != end; ++it) {
    resumed.insert((*it)[1]);
  }
  // Runs killed before their first checkpoint resume where the previous one did, so fewer than
  // ten distinct positions is normal; four or more shows the kills hit a pipeline at work.
  EXPECT_GE(resumed.size(), 4u) << "the killed runs made too little progress:\n" << log;
  run.Finish();
  run.ExpectExactOutput();
}

// At-least-once: the Kafka sink's checkpoints do not wait for the broker (the pipeline keeps
// producing while acknowledgements arrive) and the consumer group's offsets are committed only
// once every sink holds the rows before them; kill -9 then loses nothing, even with the output
// held 1.5 s in the producer (linger.ms) each time.
TEST(CashbackKafka, AtLeastOnceKilledSixTimesLosesNothing) {
  CashbackRun run(/*exactly_once=*/false);
  ChildProcess producer(run.ProduceCommand(120000, 10000, 14), run.dir(), run.dir() / "produce.log");
  EXPECT_EQ(run.KillRepeatedly(6, "200ms", 1500, 3500, 20261124), 6);
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  run.Finish();
  run.ExpectExactOutput();
}

TEST(CashbackKafka, PostgresDownForThirtySecondsSpillsAndReplays) {
  CashbackRun run;
  const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
  ChildProcess producer(run.ProduceCommand(200000, 10000, 13), run.dir(), run.dir() / "produce.log");
  ChildProcess sluice(run.RunCommand(false), run.dir(), run.log());
  std::this_thread::sleep_for(3s);
  ASSERT_EQ(RunCommand(stack + " down postgres", run.dir(), run.dir() / "stack.log"), 0)
      << ReadText(run.dir() / "stack.log");
  std::this_thread::sleep_for(30s);
  ASSERT_EQ(RunCommand(stack + " up postgres", run.dir(), run.dir() / "stack.log"), 0)
      << ReadText(run.dir() / "stack.log");
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  std::this_thread::sleep_for(8s);  // the spilled batches replay by themselves meanwhile
  ASSERT_TRUE(sluice.Running()) << "sluice stopped during the outage:\n" << ReadText(run.log());
  sluice.Signal(SIGINT);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(run.log());
  std::string log = ReadText(run.log());
  EXPECT_NE(log.find("spilling"), std::string::npos) << log;
  EXPECT_NE(log.find("replayed"), std::string::npos) << log;
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(\d+ rows spilled, \d+ replayed)"))) << log;
  run.Finish();
  run.ExpectExactOutput();
}

TEST(CashbackKafka, BrokerRestartIsSurvivedWithoutLoss) {
  CashbackRun run;
  const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
  ChildProcess producer(run.ProduceCommand(150000, 10000, 14), run.dir(), run.dir() / "produce.log");
  ChildProcess sluice(run.RunCommand(false), run.dir(), run.log());
  std::this_thread::sleep_for(4s);
  ASSERT_EQ(RunCommand(stack + " down kafka", run.dir(), run.dir() / "stack.log"), 0)
      << ReadText(run.dir() / "stack.log");
  std::this_thread::sleep_for(3s);
  ASSERT_EQ(RunCommand(stack + " up kafka", run.dir(), run.dir() / "stack.log"), 0)
      << ReadText(run.dir() / "stack.log");
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  std::this_thread::sleep_for(8s);
  ASSERT_TRUE(sluice.Running()) << "sluice did not survive the broker restart:\n"
                                << ReadText(run.log());
  sluice.Signal(SIGINT);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(run.log());
  run.Finish();
  run.ExpectExactOutput();
}

}  // namespace
}  // namespace sluice::testing
