// The MySQL/MariaDB sink on the stack's real MariaDB: exactly-once appends through kill -9, an
// upsert table, hostile values stored byte for byte (never spliced into SQL), a value too long
// for the user's column dead-lettered instead of truncated, and a wrong password refused at once.
// Expected rows are recomputed from the input topic with plain code (cashback_contract.h).
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <random>
#include <thread>

#include "cashback_contract.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

class MysqlSink : public ::testing::Test {
 protected:
  MysqlSink()
      : suffix_(UniqueSuffix()), dir_(fs::temp_directory_path() / ("sluice_mysql_" + suffix_)) {
    fs::create_directories(dir_);
    topic_ = "mysql_in_" + suffix_;
  }
  ~MysqlSink() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Payments from `topic_` into `rows_<suffix>` (exactly-once appends) and `totals_<suffix>`
  // (an upsert per customer); `bounded` stops at the end of the topic.
  fs::path WritePipeline(bool bounded) const {
    fs::path file = dir_ / (bounded ? "bounded.sql" : "unbounded.sql");
    std::ofstream(file) << "SET 'pipeline.name' = 'mysql_" << suffix_ << "';\n"
                        << "SET 'execution.checkpointing.interval' = '300 ms';\n"
                        << R"(CREATE TABLE payments (
  transaction_id STRING, customer_id STRING NOT NULL, `timestamp` TIMESTAMP NOT NULL,
  amount INT, merchant_id STRING
) WITH ('connector' = 'kafka', 'topic' = ')" << topic_ << R"(', 'format' = 'json',
  'properties.bootstrap.servers' = ')" << KafkaBootstrap() << R"(',
  'properties.group.id' = 'mysql_)" << suffix_ << R"(', 'scan.startup.mode' = 'earliest-offset',
  )" << (bounded ? "'scan.bounded.mode' = 'latest-offset', " : "") << R"('errors' = 'skip');
CREATE TABLE rows_)" << suffix_ << R"( (transaction_id STRING, customer_id STRING, amount INT,
  merchant_id STRING, `timestamp` TIMESTAMP)
WITH ('connector' = 'mysql', 'url' = ')" << MysqlUrl() << R"(', 'sink.delivery-guarantee' = 'exactly-once');
CREATE TABLE totals_)" << suffix_ << R"( (customer_id STRING, total BIGINT,
  PRIMARY KEY (customer_id) NOT ENFORCED)
WITH ('connector' = 'jdbc', 'url' = 'jdbc:mariadb://)" << MysqlHost() << ":" << MysqlPort() << "/"
                        << MysqlDatabase() << "?user=" << MysqlUser()
                        << "&password=" << MysqlPassword() << R"(');
INSERT INTO rows_)" << suffix_ << R"( SELECT transaction_id, customer_id, amount, merchant_id, `timestamp` FROM payments;
INSERT INTO totals_)" << suffix_ << R"( SELECT customer_id, SUM(amount) FROM payments GROUP BY customer_id;
)";
    return file;
  }

  std::string Produce(int count, int rate, int seed) const {
    return std::string(SLUICE_BINARY) + " produce --scenario cashback --quiet --topic " + topic_ +
           " --bootstrap-servers " + KafkaBootstrap() + " --count " + std::to_string(count) +
           " --rate " + std::to_string(rate) + " --bad-fraction 0.01 --seed " + std::to_string(seed);
  }

  // Every valid payment of the topic once in rows_, and each customer's total in totals_.
  void ExpectTablesEqualTheTopic() const {
    simdjson::dom::parser parser;
    std::vector<std::string> want;
    std::map<std::string, int64_t> want_totals;
    for (const auto& r : ReadTopic(topic_)) {
      CashbackVerdict v = ClassifyCashback(parser, r.value);
      if (v.malformed) continue;
      simdjson::dom::element doc;
      ASSERT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS);
      std::string_view id = doc["transaction_id"].get_string().value();
      std::string_view ts = doc["timestamp"].get_string().value();
      want.push_back(std::string(id) + "|" + v.customer + "|" + std::to_string(v.amount) + "|" +
                     v.merchant + "|" + std::string(ts));
      want_totals[v.customer] += v.amount;
    }
    std::sort(want.begin(), want.end());
    ASSERT_GT(want.size(), 50000u);
    std::vector<std::string> got;
    for (const auto& row : MysqlQuery("SELECT transaction_id, customer_id, amount, merchant_id, "
                                      "DATE_FORMAT(`timestamp`, '%Y-%m-%d %H:%i:%s') FROM rows_" +
                                      suffix_)) {
      got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3] + "|" + row[4]);
    }
    std::sort(got.begin(), got.end());
    ExpectSameRows(got, want, "MariaDB rows_" + suffix_);
    std::map<std::string, int64_t> got_totals;
    for (const auto& row : MysqlQuery("SELECT customer_id, total FROM totals_" + suffix_)) {
      got_totals[row[0]] = std::stoll(row[1]);
    }
    EXPECT_EQ(got_totals, want_totals);
    auto progress = MysqlQuery("SELECT COUNT(*) FROM sluice_progress WHERE pipeline = 'mysql_" +
                               suffix_ + "'");
    ASSERT_EQ(progress.size(), 1u);
    EXPECT_GE(std::stoi(progress[0][0]), 1) << "progress rows, one per partition";
  }

  std::string suffix_;
  fs::path dir_;
  std::string topic_;
};

TEST_F(MysqlSink, ExactlyOnceThroughKillNineAndUpsertsEqualTheTopic) {
  ChildProcess producer(Produce(100000, 8000, 51), dir_, dir_ / "produce.log");
  const fs::path unbounded = WritePipeline(false);
  std::mt19937 rng(7);
  for (int i = 0; i < 10; ++i) {
    ChildProcess sluice(std::string(SLUICE_BINARY) + " run " + unbounded.string(), dir_,
                        dir_ / "sluice.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(800 + rng() % 1500));
    ASSERT_TRUE(sluice.Running()) << ReadText(dir_ / "sluice.log");
    sluice.Signal(SIGKILL);
    sluice.Wait();
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir_ / "produce.log");
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run " + WritePipeline(true).string(), dir_,
                       dir_ / "sluice.log"),
            0)
      << ReadText(dir_ / "sluice.log");

  ExpectTablesEqualTheTopic();
}

// MariaDB stopped for 30 s mid-run: the sinks retry, spill to local disk, and replay in order
// once it is back; every payment lands once (exactly-once appends) and the totals are right.
TEST_F(MysqlSink, MariadbDownForThirtySecondsSpillsAndReplays) {
  const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
  ChildProcess producer(Produce(150000, 4000, 52), dir_, dir_ / "produce.log");
  ChildProcess sluice(std::string(SLUICE_BINARY) + " run " + WritePipeline(false).string(), dir_,
                      dir_ / "sluice.log");
  std::this_thread::sleep_for(3s);
  ASSERT_EQ(RunCommand(stack + " down mariadb", dir_, dir_ / "stack.log"), 0)
      << ReadText(dir_ / "stack.log");
  std::this_thread::sleep_for(30s);
  ASSERT_EQ(RunCommand(stack + " up mariadb", dir_, dir_ / "stack.log"), 0)
      << ReadText(dir_ / "stack.log");
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir_ / "produce.log");
  std::this_thread::sleep_for(6s);
  ASSERT_TRUE(sluice.Running()) << "sluice stopped during the outage:\n" << ReadText(dir_ / "sluice.log");
  sluice.Signal(SIGINT);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(dir_ / "sluice.log");
  const std::string log = ReadText(dir_ / "sluice.log");
  EXPECT_NE(log.find("spilling"), std::string::npos) << log;
  EXPECT_NE(log.find("replayed"), std::string::npos) << log;
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run " + WritePipeline(true).string(), dir_,
                       dir_ / "sluice.log"),
            0)
      << ReadText(dir_ / "sluice.log");
  ExpectTablesEqualTheTopic();
}

// The server ends the sink's connections in the middle of their statements (KILL, as an
// operator or a failing-over proxy would): each interrupted transaction is retried on a new
// connection, and the tables still hold every payment once.
TEST_F(MysqlSink, ConnectionsKilledMidStatementAreRetried) {
  ChildProcess producer(Produce(100000, 10000, 53), dir_, dir_ / "produce.log");
  ChildProcess sluice(std::string(SLUICE_BINARY) + " run " + WritePipeline(false).string(), dir_,
                      dir_ / "sluice.log");
  int kills = 0;
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    // Connections busy with a statement on this test's tables.
    for (const auto& row : MysqlQuery("SELECT id FROM information_schema.PROCESSLIST WHERE id <> "
                                      "CONNECTION_ID() AND info LIKE '%" + suffix_ + "%'")) {
      // A connection seen busy may end by itself before the KILL (1094 Unknown thread id).
      MysqlQuery("KILL CONNECTION " + row[0], 1094);
      ++kills;
    }
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir_ / "produce.log");
  ASSERT_TRUE(sluice.Running()) << "sluice stopped:\n" << ReadText(dir_ / "sluice.log");
  sluice.Signal(SIGINT);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(dir_ / "sluice.log");
  EXPECT_GE(kills, 3) << "statements caught in flight";
  const std::string log = ReadText(dir_ / "sluice.log");
  EXPECT_NE(log.find("retrying for up to"), std::string::npos) << log;
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run " + WritePipeline(true).string(), dir_,
                       dir_ / "sluice.log"),
            0)
      << ReadText(dir_ / "sluice.log");
  ExpectTablesEqualTheTopic();
}

// Values that would break SQL built from text, 4-byte UTF-8, NUL and control characters are
// stored byte for byte; a value too long for the user's VARCHAR(8) column is dead-lettered
// (strict mode: never truncated), the rest of its batch stored.
TEST_F(MysqlSink, HostileValuesArriveIntactAndTooLongOnesAreDeadLettered) {
  const std::vector<std::string> customers = {
      "x'); DROP TABLE t; --", "\xF0\x9D\x84\x9E\xF0\x9F\x98\x80",  // 𝄞😀
      std::string("n\0l", 3),  "tab\there\nnl\\back\r", "\"quoted\" `tick`", "short"};
  std::vector<std::string> values;
  for (size_t i = 0; i < customers.size(); ++i) {
    std::string json_text;
    for (unsigned char c : customers[i]) {
      if (c == '"' || c == '\\') {
        json_text += '\\';
        json_text += static_cast<char>(c);
      } else if (c < 0x20) {
        json_text += fmt::format("\\u{:04x}", c);
      } else {
        json_text += static_cast<char>(c);
      }
    }
    values.push_back(R"({"id":)" + std::to_string(i) + R"(,"name":")" + json_text + R"("})");
  }
  ProduceRaw(topic_, values);
  MysqlQuery("CREATE TABLE narrow_" + suffix_ +
             " (id INT, name VARCHAR(8)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  std::ofstream(dir_ / "hostile.sql") << "SET 'pipeline.name' = 'hostile_" << suffix_ << "';\n"
                                      << R"(CREATE TABLE people (id INT, name STRING)
WITH ('connector' = 'kafka', 'topic' = ')" << topic_ << R"(', 'format' = 'json',
  'properties.bootstrap.servers' = ')" << KafkaBootstrap() << R"(',
  'properties.group.id' = 'hostile_)" << suffix_ << R"(', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'errors' = 'dead-letter', 'errors.table' = 'bad');
CREATE TABLE wide_)" << suffix_ << R"( (id INT, name STRING) WITH ('connector' = 'mysql', 'url' = ')"
                                      << MysqlUrl() << R"(');
CREATE TABLE narrow_)" << suffix_ << R"( (id INT, name STRING) WITH ('connector' = 'mysql', 'url' = ')"
                                      << MysqlUrl() << R"(', 'sink.create-table' = 'false');
CREATE TABLE bad (value STRING, reason STRING, `offset` BIGINT, `partition` INT) WITH (
  'connector' = 'mysql', 'url' = ')" << MysqlUrl() << R"(', 'table-name' = 'bad_)" << suffix_ << R"(');
INSERT INTO wide_)" << suffix_ << R"( SELECT id, name FROM people;
INSERT INTO narrow_)" << suffix_ << R"( SELECT id, name FROM people;
)";
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run " + (dir_ / "hostile.sql").string() +
                           " --set pipeline.restart-delay=100ms",
                       dir_, dir_ / "sluice.log"),
            0)
      << ReadText(dir_ / "sluice.log");
  std::map<int, std::string> wide;
  for (const auto& row : MysqlQuery("SELECT id, name FROM wide_" + suffix_)) {
    wide[std::stoi(row[0])] = row[1];
  }
  ASSERT_EQ(wide.size(), customers.size());
  for (size_t i = 0; i < customers.size(); ++i) EXPECT_EQ(wide[static_cast<int>(i)], customers[i]);
  // In the narrow table only the values of at most 8 characters; the others dead-lettered.
  std::set<int> narrow;
  for (const auto& row : MysqlQuery("SELECT id FROM narrow_" + suffix_)) narrow.insert(std::stoi(row[0]));
  std::set<int> fits;
  for (size_t i = 0; i < customers.size(); ++i) {
    size_t characters = 0;
    for (unsigned char c : customers[i]) characters += (c & 0xC0) != 0x80;
    if (characters <= 8) fits.insert(static_cast<int>(i));
  }
  EXPECT_EQ(narrow, fits);
  auto letters = MysqlQuery("SELECT reason FROM bad_" + suffix_);
  EXPECT_EQ(letters.size(), customers.size() - fits.size());
  for (const auto& row : letters) {
    EXPECT_NE(row[0].find("sink 'narrow_" + suffix_ + "' cannot store the row: the database "
                          "refused it"),
              std::string::npos)
        << row[0];
  }
  EXPECT_NE(MysqlQuery("SHOW TABLES LIKE 'narrow_" + suffix_ + "'").size(), 0u)
      << "the injection-like value dropped a table";
}

TEST_F(MysqlSink, UnknownDatabaseIsRefusedAtOnce) {
  std::ofstream(dir_ / "nodb.sql") << R"(CREATE TABLE src (amount INT) WITH ('connector' = 'datagen',
  'scenario' = 'cashback', 'number-of-rows' = '1');
CREATE TABLE dst (amount INT) WITH ('connector' = 'mysql',
  'url' = 'mysql://)" << MysqlUser() << ":" << MysqlPassword() << "@" << MysqlHost() << ":"
                                   << MysqlPort() << R"(/no_such_db_)" << suffix_ << R"(');
INSERT INTO dst SELECT amount FROM src;
)";
  const auto started = std::chrono::steady_clock::now();
  int code = RunCommand(std::string(SLUICE_BINARY) + " run " + (dir_ / "nodb.sql").string(), dir_,
                        dir_ / "nodb.log");
  const std::string log = ReadText(dir_ / "nodb.log");
  EXPECT_EQ(code, 2) << log;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << log;
  EXPECT_NE(log.find("Unknown database 'no_such_db_" + suffix_ + "'"), std::string::npos) << log;
  EXPECT_NE(log.find("(create it, or name another in 'url')"), std::string::npos) << log;
  EXPECT_EQ(log.find(":" + MysqlPassword() + "@"), std::string::npos) << log;
}

TEST_F(MysqlSink, WrongPasswordIsRefusedAtOnceWithoutShowingIt) {
  std::ofstream(dir_ / "wrong.sql") << R"(CREATE TABLE src (amount INT) WITH ('connector' = 'datagen',
  'scenario' = 'cashback', 'number-of-rows' = '1');
CREATE TABLE dst (amount INT) WITH ('connector' = 'mysql',
  'url' = 'mysql://)" << MysqlUser() << ":WrongSecret7@" << MysqlHost() << ":" << MysqlPort() << "/"
                                    << MysqlDatabase() << R"(');
INSERT INTO dst SELECT amount FROM src;
)";
  const auto started = std::chrono::steady_clock::now();
  int code = RunCommand(std::string(SLUICE_BINARY) + " run " + (dir_ / "wrong.sql").string(), dir_,
                        dir_ / "wrong.log");
  const std::string log = ReadText(dir_ / "wrong.log");
  EXPECT_EQ(code, 2) << log;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << log;
  EXPECT_EQ(log.find("WrongSecret7"), std::string::npos) << log;
  EXPECT_NE(log.find("cannot log in to MySQL"), std::string::npos) << log;
}

}  // namespace
}  // namespace sluice::testing
