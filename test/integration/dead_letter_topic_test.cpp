// Dead letters can go to a Kafka topic: every malformed record of a source, with its raw bytes,
// position and reason, as JSON on the topic the dead-letter table names.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "connector/datagen/scenario_generator.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(DeadLetterTopic, MalformedRecordsArriveOnTheTopicWithTheirReason) {
  fs::path dir = fs::temp_directory_path() / ("sluice_dlq_topic_" + UniqueSuffix());
  fs::create_directories(dir);
  const std::string topic = "dead_letters_" + UniqueSuffix();
  // The query reads every column, so every type error counts (an unread column is not decoded).
  std::ofstream(dir / "dlq.sql") << R"(
SET 'pipeline.name' = 'dlq_test';
CREATE TABLE payments (customer_id STRING NOT NULL, `timestamp` TIMESTAMP NOT NULL, amount INT)
WITH ('connector' = 'datagen', 'scenario' = 'cashback', 'number-of-rows' = '3000', 'seed' = '9',
      'bad-fraction' = '0.05', 'start-time' = '2024-06-01 00:00:00',
      'errors' = 'dead-letter', 'errors.table' = 'bad_payments');
CREATE TABLE bad_payments (value STRING, reason STRING, `offset` BIGINT, pipeline STRING)
WITH ('connector' = 'kafka', 'topic' = ')" + topic + R"(',
      'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(');
CREATE TABLE nowhere (customer_id STRING, amount INT) WITH ('connector' = 'print', 'path' = '/dev/null');
INSERT INTO nowhere SELECT customer_id, amount FROM payments;
)";
  int code = RunCommand(std::string(SLUICE_BINARY) + " run " + (dir / "dlq.sql").string(), dir,
                        dir / "log");
  ASSERT_EQ(code, 0) << ReadText(dir / "log");

  GeneratorConfig config;
  config.seed = 9;
  config.bad_fraction = 0.05;
  config.base_time_ms = 1717200000000;  // 2024-06-01 00:00:00 UTC
  auto generator = ScenarioGenerator::Make("cashback", config);
  ASSERT_TRUE(generator.ok());
  std::vector<std::string> want;
  GeneratedRecord record;
  for (int i = 0; i < 3000; ++i) {
    (*generator)->Next(record);
    if (record.malformed) want.push_back(std::to_string(i) + "|" + record.value);
  }
  std::sort(want.begin(), want.end());
  ASSERT_GT(want.size(), 50u);

  std::vector<std::string> got;
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(topic)) {
    simdjson::dom::element row;
    ASSERT_EQ(parser.parse(r.value).get(row), simdjson::SUCCESS) << r.value;
    std::string_view value, reason, pipeline;
    int64_t offset = -1;
    ASSERT_EQ(row["value"].get(value), simdjson::SUCCESS) << r.value;
    ASSERT_EQ(row["reason"].get(reason), simdjson::SUCCESS) << r.value;
    ASSERT_EQ(row["offset"].get(offset), simdjson::SUCCESS) << r.value;
    ASSERT_EQ(row["pipeline"].get(pipeline), simdjson::SUCCESS) << r.value;
    EXPECT_FALSE(reason.empty());
    EXPECT_EQ(pipeline, "dlq_test");
    got.push_back(std::to_string(offset) + "|" + std::string(value));
  }
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, want, "dead letters on " + topic);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
