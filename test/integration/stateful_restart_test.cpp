// A windowed aggregation from Kafka into PostgreSQL, killed with kill -9 again and again while
// events arrive: its state (open windows, watermarks) is checkpointed with the source positions
// and restored at each restart, so every window's count and sum come out exactly as recomputed
// from the input topic — nothing counted twice, nothing missed.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <thread>

#include "cashback_contract.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

// The cashback table with a watermark, read from `topic`.
std::string CashbackSource(const std::string& topic) {
  return R"(
CREATE TABLE cashback (
  transaction_id STRING, customer_id STRING NOT NULL, `timestamp` TIMESTAMP NOT NULL,
  product_id STRING, amount INT, merchant_id STRING,
  WATERMARK FOR `timestamp` AS `timestamp` - INTERVAL '2' SECOND
) WITH (
  'connector' = 'kafka', 'topic' = ')" + topic + R"(',
  'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json', 'errors' = 'skip',
  'scan.watermark.idle-timeout' = '1 s'
);
)";
}

// Produces 150,000 events at 15,000/s while `sluice run windows.sql` is killed eight times at
// random moments, then finishes the input with a bounded run.
void RunKilledRepeatedly(const fs::path& dir, const std::string& topic, int seed) {
  const fs::path log = dir / "sluice.log";
  ChildProcess producer(std::string(SLUICE_BINARY) + " produce --quiet --scenario cashback --topic " +
                            topic + " --bootstrap-servers " + KafkaBootstrap() +
                            " --count 150000 --rate 15000 --bad-fraction 0.01 --seed " +
                            std::to_string(seed),
                        dir, dir / "produce.log");
  std::mt19937 rng(20261124 + seed);
  std::uniform_int_distribution<int> pause_ms(500, 2000);
  for (int i = 0; i < 8; ++i) {
    ChildProcess sluice(std::string(SLUICE_BINARY) + " run windows.sql", dir, log);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    ASSERT_TRUE(sluice.Running()) << "sluice exited by itself:\n" << ReadText(log);
    sluice.Signal(SIGKILL);
    EXPECT_EQ(sluice.Wait(), 128 + SIGKILL);
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir / "produce.log");
  // The end of the input closes the last windows.
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run --bounded windows.sql", dir, log), 0)
      << ReadText(log);
}

// Per second of `timestamp` and customer, the count and sum of the topic's valid events, as
// "YYYY-MM-DD HH:MM:SS|customer|n|sum", sorted.
std::vector<std::string> ExpectedWindows(const std::string& topic) {
  std::map<std::string, std::pair<int64_t, int64_t>> expected;
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(topic)) {
    if (ClassifyCashback(parser, r.value).malformed) continue;
    simdjson::dom::element doc;
    std::string_view ts, customer;
    int64_t amount = 0;
    EXPECT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS);
    EXPECT_EQ(doc["timestamp"].get_string().get(ts), simdjson::SUCCESS);
    EXPECT_EQ(doc["customer_id"].get_string().get(customer), simdjson::SUCCESS);
    EXPECT_EQ(doc["amount"].get_int64().get(amount), simdjson::SUCCESS);
    auto& [n, total] = expected[std::string(ts) + "|" + std::string(customer)];
    ++n;
    total += amount;
  }
  std::vector<std::string> want;
  for (const auto& [key, value] : expected) {
    want.push_back(key + "|" + std::to_string(value.first) + "|" + std::to_string(value.second));
  }
  return want;
}

// The window rows on `topic` (JSON from the Kafka sink) in ExpectedWindows' form, sorted.
std::vector<std::string> WindowsOnTopic(const std::string& topic) {
  std::vector<std::string> got;
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(topic)) {
    simdjson::dom::element doc;
    std::string_view start, customer;
    int64_t n = 0, total = 0;
    EXPECT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS) << r.value;
    EXPECT_EQ(doc["window_start"].get_string().get(start), simdjson::SUCCESS) << r.value;
    EXPECT_EQ(doc["customer_id"].get_string().get(customer), simdjson::SUCCESS) << r.value;
    EXPECT_EQ(doc["n"].get_int64().get(n), simdjson::SUCCESS) << r.value;
    EXPECT_EQ(doc["total"].get_int64().get(total), simdjson::SUCCESS) << r.value;
    std::string when(start.substr(0, 19));
    if (when.size() > 10 && when[10] == 'T') when[10] = ' ';  // ISO-8601 in JSON
    got.push_back(when + "|" + std::string(customer) + "|" + std::to_string(n) + "|" +
                  std::to_string(total));
  }
  std::sort(got.begin(), got.end());
  return got;
}

TEST(StatefulRestart, KilledWindowedAggregationCountsEveryEventOnce) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_stateful_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "stateful_in_" + suffix;
  const std::string table = "per_second_" + suffix;
  const std::string sql = R"(
SET 'pipeline.name' = 'stateful_)" + suffix + R"(';
SET 'execution.checkpointing.interval' = '300 ms';
SET 'state.checkpoints.dir' = ')" + (dir / "state").string() + R"(';
)" + CashbackSource(topic) + R"(
CREATE TABLE )" + table + R"( (
  window_start TIMESTAMP, customer_id STRING, n BIGINT, total BIGINT,
  PRIMARY KEY (window_start, customer_id) NOT ENFORCED
) WITH ('connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(');
INSERT INTO )" + table + R"(
SELECT window_start, customer_id, count(*), sum(amount)
FROM TABLE(TUMBLE(TABLE cashback, DESCRIPTOR(`timestamp`), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, customer_id;
)";
  std::ofstream(dir / "windows.sql") << sql;
  RunKilledRepeatedly(dir, topic, 21);
  if (::testing::Test::HasFatalFailure()) return;
  const std::string text = ReadText(dir / "sluice.log");
  std::regex restored(R"(restored the state of \d+ operators from checkpoint (\d+))");
  std::set<std::string> checkpoints;
  for (std::sregex_iterator it(text.begin(), text.end(), restored), end; it != end; ++it) {
    checkpoints.insert((*it)[1]);
  }
  EXPECT_GE(checkpoints.size(), 5u) << "restarts resumed from checkpoints that kept moving:\n"
                                    << text;
  const std::vector<std::string> want = ExpectedWindows(topic);
  std::vector<std::string> got;
  for (const auto& row : PgQuery("SELECT to_char(window_start, 'YYYY-MM-DD HH24:MI:SS'), customer_id, n, "
                                 "total FROM " + table + " ORDER BY 1, 2")) {
    got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3]);
  }
  std::sort(got.begin(), got.end());
  ASSERT_GT(want.size(), 40u);
  ExpectSameRows(got, want, "per-second windows");
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}


// The same kills with the results going to a Kafka topic exactly-once: each checkpoint's window
// results and the state snapshot pair up, so the topic (read_committed) holds every window once.
TEST(StatefulRestart, ExactlyOnceTopicOfWindowsHasEachWindowOnce) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_stateful_eos_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "stateful_eos_in_" + suffix;
  const std::string out_topic = "stateful_eos_out_" + suffix;
  const std::string sql = R"(
SET 'pipeline.name' = 'stateful_eos_)" + suffix + R"(';
SET 'execution.checkpointing.interval' = '300 ms';
SET 'state.checkpoints.dir' = ')" + (dir / "state").string() + R"(';
)" + CashbackSource(topic) + R"(
CREATE TABLE per_second (window_start TIMESTAMP, customer_id STRING, n BIGINT, total BIGINT) WITH (
  'connector' = 'kafka', 'topic' = ')" + out_topic + R"(',
  'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
  'sink.delivery-guarantee' = 'exactly-once'
);
INSERT INTO per_second
SELECT window_start, customer_id, count(*), sum(amount)
FROM TABLE(TUMBLE(TABLE cashback, DESCRIPTOR(`timestamp`), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, customer_id;
)";
  std::ofstream(dir / "windows.sql") << sql;
  RunKilledRepeatedly(dir, topic, 22);
  if (::testing::Test::HasFatalFailure()) return;
  const std::vector<std::string> want = ExpectedWindows(topic), got = WindowsOnTopic(out_topic);
  ASSERT_GT(want.size(), 40u);
  ExpectSameRows(got, want, "windows on the exactly-once topic");
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

// A stateless exactly-once sink (PostgreSQL) and a stateful one (windows on a Kafka topic) in one
// pipeline: after a kill the source may resume behind the state for the sink that is behind;
// the stateful query skips what its state covers. Both end exact.
TEST(StatefulRestart, StatelessAndStatefulExactlyOnceSinksTogether) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_stateful_mixed_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "stateful_mixed_in_" + suffix;
  const std::string out_topic = "stateful_mixed_out_" + suffix;
  const std::string table = "mixed_payments_" + suffix;
  const std::string sql = R"(
SET 'pipeline.name' = 'stateful_mixed_)" + suffix + R"(';
SET 'execution.checkpointing.interval' = '300 ms';
SET 'state.checkpoints.dir' = ')" + (dir / "state").string() + R"(';
)" + CashbackSource(topic) + R"(
CREATE TABLE )" + table + R"( (transaction_id STRING, customer_id STRING, amount INT) WITH (
  'connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(',
  'sink.delivery-guarantee' = 'exactly-once'
);
CREATE TABLE per_second (window_start TIMESTAMP, customer_id STRING, n BIGINT, total BIGINT) WITH (
  'connector' = 'kafka', 'topic' = ')" + out_topic + R"(',
  'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
  'sink.delivery-guarantee' = 'exactly-once'
);
INSERT INTO )" + table + R"( SELECT transaction_id, customer_id, amount FROM cashback;
INSERT INTO per_second
SELECT window_start, customer_id, count(*), sum(amount)
FROM TABLE(TUMBLE(TABLE cashback, DESCRIPTOR(`timestamp`), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, customer_id;
)";
  std::ofstream(dir / "windows.sql") << sql;
  RunKilledRepeatedly(dir, topic, 23);
  if (::testing::Test::HasFatalFailure()) return;

  simdjson::dom::parser parser;
  std::vector<std::string> want_rows, got_rows;
  for (const auto& r : ReadTopic(topic)) {
    if (ClassifyCashback(parser, r.value).malformed) continue;
    simdjson::dom::element doc;
    std::string_view id, customer;
    int64_t amount = 0;
    ASSERT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS);
    ASSERT_EQ(doc["customer_id"].get_string().get(customer), simdjson::SUCCESS);
    ASSERT_EQ(doc["amount"].get_int64().get(amount), simdjson::SUCCESS);
    if (doc["transaction_id"].get_string().get(id) != simdjson::SUCCESS) id = "NULL";
    want_rows.push_back(std::string(id) + "|" + std::string(customer) + "|" + std::to_string(amount));
  }
  for (const auto& row : PgQuery("SELECT transaction_id, customer_id, amount FROM " + table)) {
    got_rows.push_back(row[0] + "|" + row[1] + "|" + row[2]);
  }
  std::sort(want_rows.begin(), want_rows.end());
  std::sort(got_rows.begin(), got_rows.end());
  ExpectSameRows(got_rows, want_rows, "payments in PostgreSQL");

  const std::vector<std::string> want = ExpectedWindows(topic), got = WindowsOnTopic(out_topic);
  ExpectSameRows(got, want, "windows on the exactly-once topic");
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

// State ids come from the queries (the sink table and the operator's kind), not from explain
// text or the order of queries: a pipeline stopped with open windows resumes them after another
// INSERT is added before the aggregation; a different aggregation is refused, naming both.
TEST(StatefulRestart, StateIdsSurviveAnAddedQueryAndRefuseAnotherAggregation) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_state_ids_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "state_ids_in_" + suffix;
  const std::string table = "ids_per_second_" + suffix;
  const std::string copy_table = "ids_copy_" + suffix;
  const std::string customer_table = "ids_per_customer_" + suffix;
  const fs::path log = dir / "sluice.log";
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " produce --quiet --scenario cashback --topic " +
                           topic + " --bootstrap-servers " + KafkaBootstrap() +
                           " --count 20000 --rate 4000 --bad-fraction 0.01 --seed 24",
                       dir, dir / "produce.log"),
            0)
      << ReadText(dir / "produce.log");
  const std::string head = R"(
SET 'pipeline.name' = 'state_ids_)" + suffix + R"(';
SET 'execution.checkpointing.interval' = '300 ms';
SET 'state.checkpoints.dir' = ')" + (dir / "state").string() + R"(';
)" + CashbackSource(topic) + R"(
CREATE TABLE )" + table + R"( (
  window_start TIMESTAMP, customer_id STRING, n BIGINT, total BIGINT,
  PRIMARY KEY (window_start, customer_id) NOT ENFORCED
) WITH ('connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(');
CREATE TABLE )" + copy_table + R"( (transaction_id STRING, amount INT)
WITH ('connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(');
CREATE TABLE )" + customer_table + R"( (customer_id STRING, n BIGINT, PRIMARY KEY (customer_id) NOT ENFORCED)
WITH ('connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(');
)";
  const std::string aggregation = "INSERT INTO " + table + R"(
SELECT window_start, customer_id, count(*), sum(amount)
FROM TABLE(TUMBLE(TABLE cashback, DESCRIPTOR(`timestamp`), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, customer_id;
)";
  std::ofstream(dir / "windows.sql") << head + aggregation;
  {
    // Stopped while the last windows are open: they stay in the state checkpoint.
    ChildProcess sluice(std::string(SLUICE_BINARY) + " run windows.sql", dir, log);
    std::this_thread::sleep_for(4s);
    ASSERT_TRUE(sluice.Running()) << ReadText(log);
    sluice.Signal(SIGTERM);
    ASSERT_EQ(sluice.Wait(), 0) << ReadText(log);
  }
  const std::vector<std::string> want = ExpectedWindows(topic);
  ASSERT_GE(want.size(), 20u);
  ASSERT_LT(std::stoul(PgQuery("SELECT count(*) FROM " + table)[0][0]), want.size())
      << "the first run should leave windows open in its state";

  // Another query first: the aggregation's place in the plan moves, its id does not.
  std::ofstream(dir / "windows.sql", std::ios::trunc)
      << head + "INSERT INTO " + copy_table + " SELECT transaction_id, amount FROM cashback;\n" +
             aggregation;
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run --bounded windows.sql", dir, log), 0)
      << ReadText(log);
  EXPECT_NE(ReadText(log).find("restored the state of"), std::string::npos) << ReadText(log);
  std::vector<std::string> got;
  for (const auto& row : PgQuery("SELECT to_char(window_start, 'YYYY-MM-DD HH24:MI:SS'), customer_id, n, "
                                 "total FROM " + table + " ORDER BY 1, 2")) {
    got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3]);
  }
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, want, "per-second windows across the changed plan");

  // The aggregation replaced by another (into another table): its state is not this one's.
  std::ofstream(dir / "windows.sql", std::ios::trunc)
      << head + "INSERT INTO " + customer_table +
             " SELECT customer_id, count(*) FROM cashback GROUP BY customer_id;\n";
  const fs::path refused_log = dir / "refused.log";
  EXPECT_NE(RunCommand(std::string(SLUICE_BINARY) + " run --bounded windows.sql", dir, refused_log), 0);
  const std::string refused = ReadText(refused_log);
  EXPECT_NE(refused.find("was written by a different plan"), std::string::npos) << refused;
  EXPECT_NE(refused.find("'" + table + "/aggregate'"), std::string::npos) << refused;
  EXPECT_NE(refused.find("'" + customer_table + "/aggregate'"), std::string::npos) << refused;
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
