#pragma once
// One isolated instance of examples/cashback.sql on the real stack, for end-to-end tests: its
// own topics, tables, consumer group, pipeline name and working folder; expected rows
// recomputed from the input topic with plain code (cashback_contract.h).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <functional>
#include <random>
#include <thread>

#include "cashback_contract.h"
#include "pipeline_harness.h"

namespace sluice::testing {

// One isolated instance of the cashback pipeline: its own topics, tables, consumer group,
// pipeline name and working folder; exactly-once as examples/cashback.sql says, or with every
// sink at-least-once.
class CashbackRun {
 public:
  explicit CashbackRun(bool exactly_once = true)
      : suffix_(UniqueSuffix()), exactly_once_(exactly_once) {
    dir_ = fs::temp_directory_path() / ("sluice_cashback_kafka_" + suffix_);
    fs::create_directories(dir_);
    in_topic_ = "cashback_in_" + suffix_;
    out_topic_ = "cashback_out_" + suffix_;
    eligible_ = "eligible_" + suffix_;
    errors_ = "errors_" + suffix_;
    std::string sql = ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/cashback.sql");
    ReplaceAll(sql, "'topic' = 'eligible_customers_topic'", "'topic' = '" + out_topic_ + "'");
    ReplaceAll(sql, "'topic' = 'cashback_topic'", "'topic' = '" + in_topic_ + "'");
    ReplaceAll(sql, "'pipeline.name' = 'cashback'", "'pipeline.name' = 'cashback_" + suffix_ + "'");
    ReplaceAll(sql, "'sluice-cashback'", "'sluice-cashback-" + suffix_ + "'");
    ReplaceAll(sql, "127.0.0.1:9092", KafkaBootstrap());
    ReplaceAll(sql, "postgresql://sluice@127.0.0.1:5432/sluice", PostgresDsn());
    sql = std::regex_replace(sql, std::regex(R"(\beligible_customers\b)"), eligible_);
    ReplaceAll(sql, "error_table", errors_);
    if (!exactly_once) {
      ReplaceAll(sql, "'exactly-once'", "'at-least-once'");
      // Messages wait 1.5 s in the producer before they are sent, so a checkpoint that took
      // the source offsets past rows the broker has not acknowledged yet would lose them to a
      // kill: the at-least-once test below would see it.
      ReplaceAll(sql, "'topic' = '" + out_topic_ + "'",
                 "'topic' = '" + out_topic_ + "', 'properties.linger.ms' = '1500'");
    }
    EXPECT_NE(sql.find(in_topic_), std::string::npos);
    std::ofstream(dir_ / "unbounded.sql") << sql;
    std::string bounded = sql;
    ReplaceAll(bounded, "'scan.startup.mode' = 'earliest-offset',",
               "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',");
    EXPECT_NE(bounded, sql);
    std::ofstream(dir_ / "bounded.sql") << bounded;
  }
  ~CashbackRun() {
    // Kept when a test fails, or when SLUICE_TEST_KEEP is set, for the logs.
    if (!::testing::Test::HasFailure() && !std::getenv("SLUICE_TEST_KEEP")) fs::remove_all(dir_);
  }

  const fs::path& dir() const { return dir_; }
  fs::path log() const { return dir_ / "sluice.log"; }
  std::string ProduceCommand(int count, int rate, int seed) const {
    return std::string(SLUICE_BINARY) + " produce --scenario cashback --quiet --topic " +
           in_topic_ + " --bootstrap-servers " + KafkaBootstrap() + " --count " +
           std::to_string(count) + " --rate " + std::to_string(rate) +
           " --bad-fraction 0.01 --seed " + std::to_string(seed);
  }
  std::string RunCommand(bool bounded, const std::string& extra = "") const {
    return std::string(SLUICE_BINARY) + " run " +
           (dir_ / (bounded ? "bounded.sql" : "unbounded.sql")).string() + extra;
  }
  // Starts the pipeline `times` times with checkpoints every `interval`, killing it (-9) a
  // random min_ms..max_ms after each start; returns how many runs were killed at work.
  int KillRepeatedly(int times, const std::string& interval, int min_ms, int max_ms,
                     unsigned seed) const {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pause_ms(min_ms, max_ms);
    int killed = 0;
    for (int i = 0; i < times; ++i) {
      ChildProcess sluice(RunCommand(false, " --set execution.checkpointing.interval=" + interval),
                          dir_, log());
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
      EXPECT_TRUE(sluice.Running()) << "sluice exited by itself:\n" << ReadText(log());
      if (!sluice.Running()) break;
      sluice.Signal(SIGKILL);
      EXPECT_EQ(sluice.Wait(), 128 + SIGKILL);
      ++killed;
    }
    return killed;
  }
  // Runs the bounded variant to the end of the input: whatever an earlier run left is finished.
  void Finish() const {
    int code = testing::RunCommand(RunCommand(true), dir_, log());
    ASSERT_EQ(code, 0) << "the final bounded run failed:\n" << ReadText(log());
  }

  // Rows PostgreSQL itself refuses (a constraint the test put on the table): found at commit,
  // then dead-lettered as "cannot store the row".
  void set_postgres_refuses(std::function<bool(const CashbackVerdict&)> refuses) {
    postgres_refuses_ = std::move(refuses);
  }

  const std::string& in_topic() const { return in_topic_; }
  const std::string& out_topic() const { return out_topic_; }
  const std::string& eligible_table() const { return eligible_; }
  const std::string& errors_table() const { return errors_; }

  // Every output equals what the contract gives for the input topic: eligible rows in
  // PostgreSQL and on the output topic (less those each sink cannot store), and in the error
  // table every malformed record plus one row per sink that could not store an eligible one.
  void ExpectExactOutput() const {
    std::vector<KafkaRecord> input = ReadTopic(in_topic_);
    std::vector<std::string> in_postgres, in_topic, errors;
    simdjson::dom::parser parser;
    for (const auto& r : input) {
      CashbackVerdict v = ClassifyCashback(parser, r.value);
      const std::string where = in_topic_ + "|" + std::to_string(r.partition) + "|" +
                                std::to_string(r.offset) + "|" + AsStoredText(r.value);
      if (v.malformed) {
        errors.push_back(where + "|malformed");
        continue;
      }
      if (!v.eligible) continue;
      if (v.postgres_rejects) {
        errors.push_back(where + "|sink " + eligible_ + " column " + *v.postgres_rejects);
      } else if (postgres_refuses_ && postgres_refuses_(v)) {
        errors.push_back(where + "|sink " + eligible_ + " row");
      } else {
        in_postgres.push_back(*v.eligible);
      }
      if (v.kafka_rejects) {
        errors.push_back(where + "|sink " + out_topic_sink_ + " column " + *v.kafka_rejects);
      } else {
        in_topic.push_back(*v.eligible);
      }
    }
    std::sort(in_postgres.begin(), in_postgres.end());
    std::sort(in_topic.begin(), in_topic.end());
    std::sort(errors.begin(), errors.end());
    ASSERT_GT(in_postgres.size(), 1000u);
    ASSERT_GT(errors.size(), 100u);

    std::vector<std::string> got;
    for (const auto& row : PgQuery(
             "SELECT customer_id, amount, (cashback * 100)::bigint, merchant_id, "
             "to_char(\"timestamp\", 'YYYY-MM-DD HH24:MI:SS') FROM " + eligible_)) {
      got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3] + "|" + row[4]);
    }
    std::sort(got.begin(), got.end());
    Expect(got, in_postgres, "PostgreSQL " + eligible_);

    got.clear();
    for (const auto& r : ReadTopic(out_topic_)) {
      simdjson::dom::element row;
      ASSERT_EQ(parser.parse(r.value).get(row), simdjson::SUCCESS) << r.value.substr(0, 200);
      std::string_view customer, merchant, ts;
      int64_t amount = 0;
      double cashback = 0;
      ASSERT_EQ(row["customer_id"].get(customer), simdjson::SUCCESS) << r.value;
      ASSERT_EQ(row["amount"].get(amount), simdjson::SUCCESS) << r.value;
      ASSERT_EQ(row["cashback"].get(cashback), simdjson::SUCCESS) << r.value;
      ASSERT_EQ(row["merchant_id"].get(merchant), simdjson::SUCCESS) << r.value;
      ASSERT_EQ(row["timestamp"].get(ts), simdjson::SUCCESS) << r.value;
      EXPECT_EQ(r.key, customer) << "the message key is the customer";
      std::string plain(ts.substr(0, 19));
      if (plain.size() == 19 && plain[10] == 'T') plain[10] = ' ';
      got.push_back(std::string(customer) + "|" + std::to_string(amount) + "|" +
                    std::to_string(std::llround(cashback * 100)) + "|" + std::string(merchant) +
                    "|" + plain);
    }
    std::sort(got.begin(), got.end());
    Expect(got, in_topic, "topic " + out_topic_ + " (read_committed)");

    got.clear();
    const std::regex sink_reason(R"(^sink '([^']+)' cannot store column '([^']+)': )");
    const std::regex refused_reason(R"(^sink '([^']+)' cannot store the row: the database refused it: )");
    for (const auto& row : PgQuery("SELECT topic, \"partition\", \"offset\", value, reason, "
                                   "batch_id, event_timestamp FROM " + errors_)) {
      std::smatch m;
      std::string kind = "malformed";
      if (std::regex_search(row[4], m, sink_reason)) {
        kind = "sink " + m[1].str() + " column " + m[2].str();
      } else if (std::regex_search(row[4], m, refused_reason)) {
        kind = "sink " + m[1].str() + " row";
      }
      got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3] + "|" + kind);
      EXPECT_NE(row[4], "NULL");
      EXPECT_NE(row[5], "NULL");
      EXPECT_NE(row[6], "NULL");
    }
    std::sort(got.begin(), got.end());
    Expect(got, errors, "PostgreSQL " + errors_);
  }

 private:
  // Exactly-once: the same rows; at-least-once: none lost (repeats allowed).
  void Expect(const std::vector<std::string>& got, const std::vector<std::string>& want,
              const std::string& what) const {
    if (exactly_once_) {
      ExpectSameRows(got, want, what);
    } else {
      ExpectNoRowLost(got, want, what);
    }
  }

  std::string suffix_;
  bool exactly_once_;
  fs::path dir_;
  std::string in_topic_, out_topic_, eligible_, errors_;
  std::string out_topic_sink_ = "eligible_customers_topic";  // the Kafka sink table's name
  std::function<bool(const CashbackVerdict&)> postgres_refuses_;
};

}  // namespace sluice::testing
