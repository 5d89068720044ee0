// Ctrl-C while PostgreSQL is down: the pipeline stops at once instead of waiting out its retry
// period, with the undelivered rows in the spill folder; once the server is back, `sluice spill
// replay` and a bounded run deliver everything — no row is lost.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

TEST(StopDuringOutage, CtrlCSpillsAtOnceAndNothingIsLost) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_stop_outage_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "stop_outage_" + suffix;
  const std::string table = "stop_outage_" + suffix;
  const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
  std::string sql = R"(
SET 'pipeline.name' = 'stop_outage_)" + suffix + R"(';
CREATE TABLE payments (transaction_id STRING NOT NULL, customer_id STRING, amount INT) WITH (
  'connector' = 'kafka', 'topic' = ')" + topic + R"(',
  'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE )" + table + R"( (transaction_id STRING, customer_id STRING, amount INT,
  PRIMARY KEY (transaction_id) NOT ENFORCED) WITH (
  'connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(',
  'sink.retry.timeout' = '60 s', 'sink.spill.dir' = ')" + (dir / "spill").string() + R"(');
INSERT INTO )" + table + R"( SELECT transaction_id, customer_id, amount FROM payments;
)";
  std::ofstream(dir / "run.sql") << sql;
  const fs::path log = dir / "sluice.log";

  ChildProcess producer(std::string(SLUICE_BINARY) + " produce --quiet --scenario cashback --topic " +
                            topic + " --bootstrap-servers " + KafkaBootstrap() +
                            " --count 20000 --rate 2000 --seed 31",
                        dir, dir / "produce.log");
  ChildProcess sluice(std::string(SLUICE_BINARY) + " run run.sql", dir, log);
  std::this_thread::sleep_for(3s);
  ASSERT_EQ(RunCommand(stack + " down postgres", dir, dir / "stack.log"), 0) << ReadText(dir / "stack.log");
  std::this_thread::sleep_for(3s);
  ASSERT_TRUE(sluice.Running()) << ReadText(log);
  const auto asked = std::chrono::steady_clock::now();
  sluice.Signal(SIGINT);
  const int code = sluice.Wait();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
  ASSERT_EQ(RunCommand(stack + " up postgres", dir, dir / "stack.log"), 0) << ReadText(dir / "stack.log");
  EXPECT_EQ(code, 0) << ReadText(log);
  EXPECT_LT(seconds, 10.0) << "a stop must not wait out the 60 s retry period:\n" << ReadText(log);
  EXPECT_NE(ReadText(log).find("the pipeline is stopping: spilling"), std::string::npos) << ReadText(log);

  // The spilled rows go in by hand, the rest of the topic with a bounded run.
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " spill replay run.sql", dir, log), 0) << ReadText(log);
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir / "produce.log");
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run --bounded run.sql", dir, log), 0) << ReadText(log);

  std::vector<std::string> want, got;
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(topic)) {
    simdjson::dom::element doc;
    std::string_view id;
    ASSERT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS);
    ASSERT_EQ(doc["transaction_id"].get_string().get(id), simdjson::SUCCESS);
    want.emplace_back(id);
  }
  for (const auto& row : PgQuery("SELECT transaction_id FROM " + table)) got.push_back(row[0]);
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  ASSERT_EQ(want.size(), 20000u);
  ExpectSameRows(got, want, "payments in PostgreSQL");
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
