// `sluice reconcile`: after a bounded run the pipeline is "in balance" with its topic (every
// record read = decoded + skipped as malformed, nothing after the committed offsets); records
// produced since are "lagging by N" (exit 3); and the counts it keeps survive kill -9: a run
// killed mid-stream and finished by another still accounts for every record of the topic once.
// The expected counts are computed from the topic with plain code (cashback_contract.h).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fmt/format.h>

#include <fstream>
#include <thread>

#include "cashback_contract.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

TEST(Reconcile, InBalanceAfterARunLaggingAfterMoreRecordsAndExactThroughKillNine) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_reconcile_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "reconcile_in_" + suffix;
  auto produce = [&](int count, int rate, int seed) {
    return std::string(SLUICE_BINARY) + " produce --scenario cashback --quiet --topic " + topic +
           " --bootstrap-servers " + KafkaBootstrap() + " --count " + std::to_string(count) +
           " --rate " + std::to_string(rate) + " --bad-fraction 0.02 --seed " + std::to_string(seed);
  };
  auto write_sql = [&](bool bounded) {
    std::ofstream(dir / "reconcile.sql")
        << "SET 'pipeline.name' = 'reconcile_" << suffix << "';\n"
        << "SET 'execution.checkpointing.interval' = '200 ms';\n"
        << "CREATE TABLE payments (transaction_id STRING, customer_id STRING NOT NULL, "
           "`timestamp` TIMESTAMP NOT NULL, amount INT, merchant_id STRING) WITH ("
        << "'connector' = 'kafka', 'topic' = '" << topic << "', 'format' = 'json', "
        << "'properties.bootstrap.servers' = '" << KafkaBootstrap() << "', "
        << "'scan.startup.mode' = 'earliest-offset', "
        << (bounded ? "'scan.bounded.mode' = 'latest-offset', " : "") << "'errors' = 'skip');\n"
        << "CREATE TABLE copied (transaction_id STRING, amount INT) WITH ('connector' = "
           "'filesystem', 'path' = 'out', 'format' = 'json');\n"
        << "INSERT INTO copied SELECT transaction_id, amount FROM payments WHERE amount > 100;\n"
        << "CREATE TABLE totals (customer_id STRING, total BIGINT, PRIMARY KEY (customer_id) NOT "
           "ENFORCED) WITH ('connector' = 'blackhole');\n"
        << "INSERT INTO totals SELECT customer_id, sum(amount) FROM payments GROUP BY customer_id;\n";
  };
  auto reconcile = [&](const std::string& name) {
    const fs::path out = dir / (name + ".txt");
    const int rc = RunCommand(std::string(SLUICE_BINARY) + " reconcile reconcile.sql", dir, out);
    return std::make_pair(rc, ReadText(out));
  };
  int64_t over_100 = 0;  // valid records that pass the WHERE
  auto expected_counts = [&] {
    int64_t valid = 0, malformed = 0;
    over_100 = 0;
    simdjson::dom::parser parser;
    for (const auto& r : ReadTopic(topic)) {
      const bool bad = ClassifyCashback(parser, r.value).malformed;
      (bad ? malformed : valid) += 1;
      simdjson::dom::element doc;
      int64_t amount = 0;
      if (!bad && parser.parse(r.value).get(doc) == simdjson::SUCCESS &&
          doc["amount"].get_int64().get(amount) == simdjson::SUCCESS && amount > 100) {
        ++over_100;
      }
    }
    return std::make_pair(valid, malformed);
  };
  // Each INSERT's trail of the records: the WHERE's, and the aggregation's.
  auto expect_trails = [&](const std::string& text, int64_t valid) {
    EXPECT_NE(text.find(fmt::format("payments -> copied: decoded {} = reached the sink {} + "
                                    "filtered by WHERE {} + late 0",
                                    valid, over_100, valid - over_100)),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(fmt::format("payments -> totals: decoded {} = went into the aggregate {} "
                                    "+ filtered by WHERE 0 + late 0",
                                    valid, valid)),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("unaccounted"), std::string::npos) << text;
  };

  ASSERT_EQ(RunCommand(produce(5000, 100000, 71), dir, dir / "produce.log"), 0) << ReadText(dir / "produce.log");
  write_sql(true);
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run reconcile.sql", dir, dir / "run.log"), 0)
      << ReadText(dir / "run.log");
  auto [valid, malformed] = expected_counts();
  ASSERT_GT(malformed, 0);
  auto [rc, text] = reconcile("first");
  EXPECT_EQ(rc, 0) << text;
  EXPECT_NE(text.find(fmt::format("read {} = decoded {} + dead-lettered 0 + skipped as malformed {}",
                                  valid + malformed, valid, malformed)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("in balance"), std::string::npos) << text;
  ASSERT_GT(over_100, 0);
  ASSERT_LT(over_100, valid);
  expect_trails(text, valid);

  ASSERT_EQ(RunCommand(produce(700, 100000, 72), dir, dir / "produce.log"), 0);
  std::tie(rc, text) = reconcile("lagging");
  EXPECT_EQ(rc, 3) << text;
  EXPECT_NE(text.find("lagging by 700"), std::string::npos) << text;

  // A streaming run killed while records arrive, then a bounded run to the end.
  ChildProcess producer(produce(1500, 1000, 73), dir, dir / "produce.log");
  write_sql(false);
  {
    ChildProcess sluice(std::string(SLUICE_BINARY) + " run reconcile.sql", dir, dir / "run.log");
    std::this_thread::sleep_for(1200ms);
    ASSERT_TRUE(sluice.Running()) << ReadText(dir / "run.log");
    sluice.Signal(SIGKILL);
    sluice.Wait();
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir / "produce.log");
  write_sql(true);
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run reconcile.sql", dir, dir / "run.log"), 0)
      << ReadText(dir / "run.log");
  std::tie(valid, malformed) = expected_counts();
  EXPECT_EQ(valid + malformed, 7200);
  std::tie(rc, text) = reconcile("last");
  EXPECT_EQ(rc, 0) << text;
  EXPECT_NE(text.find(fmt::format("read {} = decoded {} + dead-lettered 0 + skipped as malformed {}",
                                  valid + malformed, valid, malformed)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("in balance"), std::string::npos) << text;
  expect_trails(text, valid);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
