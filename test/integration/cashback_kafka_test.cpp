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

#include "cashback_contract.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

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

  void ExpectExactOutput() const {
    std::vector<KafkaRecord> input = ReadTopic(in_topic_);
    std::vector<std::string> eligible, malformed;
    simdjson::dom::parser parser;
    for (const auto& r : input) {
      CashbackVerdict v = ClassifyCashback(parser, r.value);
      if (v.malformed) {
        malformed.push_back(in_topic_ + "|" + std::to_string(r.partition) + "|" +
                            std::to_string(r.offset) + "|" + r.value);
      } else if (v.eligible) {
        eligible.push_back(*v.eligible);
      }
    }
    std::sort(eligible.begin(), eligible.end());
    std::sort(malformed.begin(), malformed.end());
    ASSERT_GT(eligible.size(), 1000u);
    ASSERT_GT(malformed.size(), 100u);

    std::vector<std::string> got;
    for (const auto& row : PgQuery(
             "SELECT customer_id, amount, (cashback * 100)::bigint, merchant_id, "
             "to_char(\"timestamp\", 'YYYY-MM-DD HH24:MI:SS') FROM " + eligible_)) {
      got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3] + "|" + row[4]);
    }
    std::sort(got.begin(), got.end());
    Expect(got, eligible, "PostgreSQL " + eligible_);

    got.clear();
    for (const auto& r : ReadTopic(out_topic_)) {
      simdjson::dom::element row;
      ASSERT_EQ(parser.parse(r.value).get(row), simdjson::SUCCESS) << r.value;
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
    Expect(got, eligible, "topic " + out_topic_ + " (read_committed)");

    got.clear();
    for (const auto& row : PgQuery("SELECT topic, \"partition\", \"offset\", value, reason, "
                                   "batch_id, event_timestamp FROM " + errors_)) {
      got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3]);
      EXPECT_NE(row[4], "NULL");
      EXPECT_NE(row[5], "NULL");
      EXPECT_NE(row[6], "NULL");
    }
    std::sort(got.begin(), got.end());
    Expect(got, malformed, "PostgreSQL " + errors_);
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
};

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
