// The chaos run: examples/cashback.sql exactly-once, plus a MariaDB sink of the eligible rows,
// and examples/purchases.sql (its 10-minute windows, complete mode, into a PostgreSQL table
// exactly-once: state snapshots restored at every restart) while a driver, from a seed, keeps
// doing what production does to a pipeline: kill -9 of sluice, PostgreSQL or MariaDB down for a
// while, the broker restarted, the spill disk full (a 1 MB tmpfs under the PostgreSQL sinks'
// spill folders, filled up while PostgreSQL is down), a consumer joining the purchases group (a
// rebalance), poison records in the input. Afterwards every output (PostgreSQL, MariaDB, the
// output topic read_committed, the error table, the window totals) must equal what an
// independent computation from the input topics gives: nothing lost, nothing twice. Needs root
// (the tmpfs).
//
//   SLUICE_CHAOS_SECONDS (default 60) how long faults are injected; bench/chaos.sh runs longer
//   SLUICE_CHAOS_SEED    the driver's seed: "random" takes the time (printed, so a run can be
//                        replayed). Every run opens with a kill -9 and then a rebalance;
//                        after that the suite's default seed, 84, gives a fixed sequence with
//                        every other kind of fault too (broker restarts, PostgreSQL outages with
//                        and without a full spill disk, a MariaDB outage, poison), so a test run
//                        is repeatable; bench/chaos.sh takes random seeds.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include "cashback_run.h"

namespace sluice::testing {
namespace {

std::string Payment(const std::string& customer_json, const std::string& amount_json) {
  return R"({"transaction_id":"poison","customer_id":)" + customer_json +
         R"(,"timestamp":"2024-05-01 10:00:00","product_id":"prod_1","amount":)" + amount_json +
         R"(,"merchant_id":"merch_1"})";
}

// Records the decoder refuses and rows a sink cannot store (see poison_records_test.cpp).
std::vector<std::string> PoisonRecords() {
  return {Payment("\"c\xff\"", "700"),                   // not UTF-8
          std::string("\0\0", 2),                        // NUL bytes
          "not json at all",
          Payment(R"("c\u0000d")", "700"),               // a NUL PostgreSQL text cannot hold
          Payment("\"" + std::string(2 << 20, 'x') + "\"", "800"),  // 2 MB: above the output topic's 1 MB
          Payment("\"cust_2\"", "700000000")};           // a cashback DECIMAL(10, 2) cannot hold
}

class StackService {
 public:
  explicit StackService(const fs::path& dir) : dir_(dir) {}
  // The service always comes back, whatever the test's outcome.
  ~StackService() {
    for (const char* service : {"kafka", "postgres", "mariadb"}) Run(std::string("up ") + service);
  }
  bool Run(const std::string& verb) const {
    const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
    return RunCommand(stack + " " + verb, dir_, dir_ / "stack.log") == 0;
  }

 private:
  fs::path dir_;
};

// A small disk of the test's own: a tmpfs mounted on `dir` for as long as the object lives (it
// outlives every sluice process, as a real spill disk outlives a crash).
class SmallDisk {
 public:
  SmallDisk(const fs::path& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir_);
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  // Takes every free byte (a file written until the disk refuses more); Free gives them back.
  void Fill() {
    std::ofstream filler(dir_ / "filler", std::ios::binary);
    const std::string chunk(16 << 10, 'f');
    while (filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) filler.flush();
  }
  void Free() { fs::remove(dir_ / "filler"); }

 private:
  fs::path dir_;
  bool mounted_ = false;
};

// A consumer that joins `group` on `topic` until the group has given it partitions, holds them
// for a second and leaves: every member loses its partitions to a rebalance and gets them back
// (as when another process joins the group, or a console consumer is started on it by mistake).
// It never commits. Returns whether it was given partitions.
bool JoinGroupBriefly(const std::string& group, const std::string& topic) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [key, value] : std::map<std::string, std::string>{
           {"bootstrap.servers", KafkaBootstrap()}, {"group.id", group},
           {"enable.auto.commit", "false"}, {"log_level", "3"}}) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << key << ": " << err;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    ADD_FAILURE() << err;
    return false;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* subscription = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subscription, topic.c_str(), RD_KAFKA_PARTITION_UA);
  EXPECT_EQ(rd_kafka_subscribe(rk, subscription), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(subscription);
  bool assigned = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!assigned && std::chrono::steady_clock::now() < deadline) {
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200)) rd_kafka_message_destroy(m);
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    if (!rd_kafka_assignment(rk, &assignment)) {
      assigned = assignment->cnt > 0;
      rd_kafka_topic_partition_list_destroy(assignment);
    }
  }
  const auto hold = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < hold) {
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200)) rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);  // leaves the group: another rebalance gives the partitions back
  rd_kafka_destroy(rk);
  return assigned;
}

// The chaos variant of the run's SQL: the PostgreSQL sinks stop retrying after 1 s and spill to
// `spill`, and a MariaDB sink takes the eligible rows no sink has a reason to refuse (no NUL,
// a short customer, a cashback that fits), so its expected rows are simple to compute.
std::string ChaosSql(std::string sql, const fs::path& spill, const std::string& maria_table) {
  const std::string url = "'url' = '" + PostgresDsn() + "',";
  size_t at = 0;
  for (const char* name : {"eligible", "errors"}) {
    at = sql.find(url, at);
    EXPECT_NE(at, std::string::npos) << sql;
    if (at == std::string::npos) return sql;
    const std::string options = url + " 'sink.retry.timeout' = '1 s', 'sink.spill.dir' = '" +
                                (spill / name).string() + "',";
    sql.replace(at, url.size(), options);
    at += options.size();
  }
  sql += "\nCREATE TABLE " + maria_table + R"( (customer_id STRING, amount INT, cashback DECIMAL(10, 2),
  merchant_id STRING, `timestamp` TIMESTAMP)
WITH ('connector' = 'mysql', 'url' = ')" + MysqlUrl() + R"(', 'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO )" + maria_table + R"(
SELECT customer_id, amount, ROUND(amount * 0.15, 2) AS cashback, merchant_id, `timestamp`
FROM cashback
WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3') AND amount < 100000000
  AND octet_length(customer_id) < 100 AND instr(customer_id, chr(0)) = 0;
)";
  return sql;
}

// examples/purchases.sql with its windows going to a PostgreSQL table (upserted by window)
// exactly-once instead of the console, on topics of its own.
class PurchasesRun {
 public:
  explicit PurchasesRun(const fs::path& dir) : suffix_(UniqueSuffix()), dir_(dir) {
    in_topic_ = "purchases_in_" + suffix_;
    errors_topic_ = "purchases_errors_" + suffix_;
    table_ = "purchase_totals_" + suffix_;
    std::string sql = ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/purchases.sql");
    ReplaceAll(sql, "'topic' = 'purchases'", "'topic' = '" + in_topic_ + "'");
    ReplaceAll(sql, "'topic' = 'purchases_errors'", "'topic' = '" + errors_topic_ + "'");
    ReplaceAll(sql, "'pipeline.name' = 'purchases'", "'pipeline.name' = 'purchases_" + suffix_ + "'");
    ReplaceAll(sql, "'trigger.interval' = '10 s'", "'trigger.interval' = '1 s'");
    ReplaceAll(sql, "'127.0.0.1:9092'", "'" + KafkaBootstrap() + "'");
    const size_t select = sql.rfind("SELECT window.start");
    EXPECT_NE(select, std::string::npos) << sql;
    sql.insert(select, "CREATE TABLE " + table_ + R"( (window_start TIMESTAMP, window_end TIMESTAMP,
  total_purchase BIGINT, PRIMARY KEY (window_start) NOT ENFORCED)
WITH ('connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(',
  'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO )" + table_ + "\n");
    std::ofstream(dir_ / "purchases.sql") << sql;
  }
  const std::string& in_topic() const { return in_topic_; }
  // The consumer group of its Kafka source (sluice's default: sluice-<pipeline>-<table>).
  std::string group() const { return "sluice-purchases_" + suffix_ + "-purchases"; }
  std::string RunCommand(bool bounded) const {
    return std::string(SLUICE_BINARY) + " run purchases.sql" + (bounded ? " --bounded" : "") +
           " --set execution.checkpointing.interval=500ms";
  }
  std::string ProduceCommand(int count, int rate, int seed) const {
    return std::string(SLUICE_BINARY) + " produce --quiet --scenario purchases --topic " + in_topic_ +
           " --bootstrap-servers " + KafkaBootstrap() + " --count " + std::to_string(count) +
           " --rate " + std::to_string(rate) + " --seed " + std::to_string(seed) +
           " --bad-fraction 0.01 --partitions 3";
  }
  fs::path log() const { return dir_ / "purchases.log"; }

  // The table holds every window's total as recomputed from the input topic (complete mode
  // counts every record, late or not, as Spark's does); every malformed record is a dead letter.
  void ExpectExactOutput() const {
    std::map<int64_t, int64_t> totals;
    std::set<std::pair<int64_t, int64_t>> malformed;
    simdjson::dom::parser parser;
    for (const auto& r : ReadTopic(in_topic_)) {
      simdjson::dom::element doc;
      int64_t ts = 0, price = 0;
      if (parser.parse(r.value).get(doc) || doc["ts"].get_int64().get(ts) ||
          doc["price"].get_int64().get(price)) {
        malformed.insert({r.partition, r.offset});
        continue;
      }
      totals[ts - ((ts % 600) + 600) % 600] += price;
    }
    ASSERT_GT(malformed.size(), 0u);
    std::vector<std::string> want, got;
    for (const auto& [start, total] : totals) want.push_back(std::to_string(start) + "|" + std::to_string(total));
    for (const auto& row : PgQuery("SELECT extract(epoch FROM window_start)::bigint, total_purchase FROM " + table_)) {
      got.push_back(row[0] + "|" + row[1]);
    }
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    ExpectSameRows(got, want, "PostgreSQL " + table_ + " (window totals)");
    std::set<std::pair<int64_t, int64_t>> dead;
    for (const auto& r : ReadTopic(errors_topic_)) {
      simdjson::dom::element doc;
      int64_t partition = -1, offset = -1;
      if (!parser.parse(r.value).get(doc) && !doc["partition"].get_int64().get(partition) &&
          !doc["offset"].get_int64().get(offset)) {
        dead.insert({partition, offset});
      }
    }
    EXPECT_EQ(dead, malformed) << "every malformed purchase is a dead letter";
  }

 private:
  std::string suffix_;
  fs::path dir_;
  std::string in_topic_, errors_topic_, table_;
};

// MariaDB's rows against the eligible rows of the input that pass the same three conditions,
// computed here from the input topic.
void ExpectMariaDbRows(const CashbackRun& run, const std::string& maria_table) {
  simdjson::dom::parser parser;
  std::vector<std::string> want;
  for (const auto& r : ReadTopic(run.in_topic())) {
    CashbackVerdict v = ClassifyCashback(parser, r.value);
    if (v.malformed || !v.eligible) continue;
    if (v.amount >= 100000000 || v.customer.size() >= 100 ||
        v.customer.find('\0') != std::string::npos) {
      continue;
    }
    want.push_back(*v.eligible);
  }
  std::vector<std::string> got;
  for (const auto& row : MysqlQuery("SELECT customer_id, amount, CAST(cashback * 100 AS SIGNED), "
                                    "merchant_id, DATE_FORMAT(`timestamp`, '%Y-%m-%d %H:%i:%s') FROM " +
                                    maria_table)) {
    got.push_back(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3] + "|" + row[4]);
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  ASSERT_GT(want.size(), 1000u);
  ExpectSameRows(got, want, "MariaDB " + maria_table);
}

TEST(Chaos, CashbackExactlyOnceThroughKillsOutagesAndPoison) {
  const int seconds = std::stoi(EnvOr("SLUICE_CHAOS_SECONDS", "60"));
  const unsigned seed = static_cast<unsigned>(
      EnvOr("SLUICE_CHAOS_SEED", "84") == "random"
          ? std::time(nullptr)
          : std::stoul(EnvOr("SLUICE_CHAOS_SEED", "84")));
  std::mt19937 rng(seed);
  std::printf("chaos: %d s of faults, seed %u (SLUICE_CHAOS_SEED=%u replays the same driver)\n",
              seconds, seed, seed);

  CashbackRun run;
  StackService stack(run.dir());
  ASSERT_EQ(::geteuid(), 0u) << "the chaos run mounts a small tmpfs for the spill disk: run it as root";
  SmallDisk spill_disk(run.dir() / "spill", "1m");
  ASSERT_TRUE(spill_disk.mounted()) << "cannot mount a tmpfs on " << (run.dir() / "spill");
  const std::string maria_table = "chaos_" + run.eligible_table();
  const std::string sluice_command = std::string(SLUICE_BINARY) + " run chaos.sql --set execution.checkpointing.interval=500ms";
  std::ofstream(run.dir() / "chaos.sql") << ChaosSql(ReadText(run.dir() / "unbounded.sql"), run.dir() / "spill", maria_table);
  std::ofstream(run.dir() / "chaos_bounded.sql") << ChaosSql(ReadText(run.dir() / "bounded.sql"), run.dir() / "spill", maria_table);
  PurchasesRun purchases(run.dir());
  const auto poison = PoisonRecords();
  ProduceRaw(run.in_topic(), poison);  // creates the topic (3 partitions)
  // Both topics exist before any pipeline starts; two purchases that are not purchases.
  ProduceRaw(purchases.in_topic(), {"not json", R"({"order_id":"o","ts":"soon","price":5})"});
  // 2,000 payments a second (1% malformed) for as long as the faults last.
  ChildProcess producer(run.ProduceCommand(2000 * seconds, 2000, static_cast<int>(seed % 100000)),
                        run.dir(), run.dir() / "produce.log");
  ChildProcess purchases_producer(purchases.ProduceCommand(500 * seconds, 500, static_cast<int>(seed % 1000 + 7)),
                                  run.dir(), run.dir() / "produce_purchases.log");
  auto sluice = std::make_unique<ChildProcess>(sluice_command, run.dir(), run.log());
  auto purchases_sluice = std::make_unique<ChildProcess>(purchases.RunCommand(false), run.dir(), purchases.log());

  std::map<std::string, int> done;
  std::uniform_int_distribution<int> pause_ms(1500, 5000), action(0, 6), outage_s(2, 8);
  // Every run opens with a kill -9 and then a rebalance: the restarted pipelines resume from
  // their sinks' progress, and the partitions a rebalance takes away and gives back must go on
  // from where they had been read, not from that progress (a 10-minute run once caught the
  // purchases windows counting minutes of records twice after a broker restart re-assigned them).
  std::vector<int> opening = {0, 6};
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (size_t step = 0; std::chrono::steady_clock::now() < end; ++step) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    ASSERT_TRUE(sluice->Running()) << "sluice stopped by itself:\n" << ReadText(run.log());
    ASSERT_TRUE(purchases_sluice->Running()) << "the purchases pipeline stopped by itself:\n"
                                              << ReadText(purchases.log());
    switch (step < opening.size() ? opening[step] : action(rng)) {
      case 0:  // kill -9 of both pipelines, then start them again
        sluice->Signal(SIGKILL);
        purchases_sluice->Signal(SIGKILL);
        EXPECT_EQ(sluice->Wait(), 128 + SIGKILL);
        EXPECT_EQ(purchases_sluice->Wait(), 128 + SIGKILL);
        sluice = std::make_unique<ChildProcess>(sluice_command, run.dir(), run.log());
        purchases_sluice = std::make_unique<ChildProcess>(purchases.RunCommand(false), run.dir(), purchases.log());
        ++done["kill -9 of sluice (both pipelines)"];
        break;
      case 1: {  // PostgreSQL down for a few seconds: the sinks retry, then spill
        ASSERT_TRUE(stack.Run("down postgres")) << ReadText(run.dir() / "stack.log");
        std::this_thread::sleep_for(std::chrono::seconds(outage_s(rng)));
        ASSERT_TRUE(stack.Run("up postgres")) << ReadText(run.dir() / "stack.log");
        ++done["PostgreSQL outage"];
        break;
      }
      case 2:  // the broker restarted
        ASSERT_TRUE(stack.Run("down kafka")) << ReadText(run.dir() / "stack.log");
        ASSERT_TRUE(stack.Run("up kafka")) << ReadText(run.dir() / "stack.log");
        ++done["broker restart"];
        break;
      case 3:  // poison records among the payments
        ProduceRaw(run.in_topic(), poison, /*create=*/false);
        ++done["poison records injected (6 each)"];
        break;
      case 4: {  // MariaDB down for a few seconds
        ASSERT_TRUE(stack.Run("down mariadb")) << ReadText(run.dir() / "stack.log");
        std::this_thread::sleep_for(std::chrono::seconds(outage_s(rng)));
        ASSERT_TRUE(stack.Run("up mariadb")) << ReadText(run.dir() / "stack.log");
        ++done["MariaDB outage"];
        break;
      }
      case 6:  // a consumer joins the purchases pipeline's group for a moment
        EXPECT_TRUE(JoinGroupBriefly(purchases.group(), purchases.in_topic()))
            << "a consumer joining " << purchases.group() << " was never given a partition";
        ++done["rebalance of the purchases group (a consumer joined and left)"];
        break;
      case 5: {  // PostgreSQL down and the spill disk full: the sinks wait instead of failing
        ASSERT_TRUE(stack.Run("down postgres")) << ReadText(run.dir() / "stack.log");
        spill_disk.Fill();
        std::this_thread::sleep_for(std::chrono::seconds(outage_s(rng)));
        spill_disk.Free();
        ASSERT_TRUE(stack.Run("up postgres")) << ReadText(run.dir() / "stack.log");
        ++done["PostgreSQL outage with the spill disk full"];
        break;
      }
    }
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  ASSERT_EQ(purchases_producer.Wait(), 0) << ReadText(run.dir() / "produce_purchases.log");
  // The last fault may have ended a moment ago: a Ctrl-C while a sink still waits out an outage
  // stops without its commit (exit 1, the rows to be read again), which is not what this checks.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  ASSERT_TRUE(sluice->Running()) << "sluice stopped by itself:\n" << ReadText(run.log());
  ASSERT_TRUE(purchases_sluice->Running()) << "the purchases pipeline stopped by itself:\n"
                                            << ReadText(purchases.log());
  sluice->Signal(SIGINT);
  purchases_sluice->Signal(SIGINT);
  EXPECT_EQ(sluice->Wait(), 0) << ReadText(run.log());
  EXPECT_EQ(purchases_sluice->Wait(), 0) << ReadText(purchases.log());
  ASSERT_EQ(RunCommand(purchases.RunCommand(true), run.dir(), purchases.log()), 0)
      << "the final bounded purchases run failed:\n" << ReadText(purchases.log());
  // What is still in flight (spilled, or past the last checkpoint) arrives in a bounded run.
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run chaos_bounded.sql", run.dir(), run.log()), 0)
      << "the final bounded run failed:\n" << ReadText(run.log());
  run.ExpectExactOutput();
  ExpectMariaDbRows(run, maria_table);
  purchases.ExpectExactOutput();
  std::string what;
  for (const auto& [fault, count] : done) what += fmt::format("{}{} {}", what.empty() ? "" : ", ", count, fault);
  std::printf("chaos: %s; %zu expected rows compared; %s\n", what.c_str(), RowsCompared(),
              ::testing::Test::HasFailure() ? "OUTPUTS DIFFER from the independent computation (above)"
                                            : "every output equals the independent computation");
}

}  // namespace
}  // namespace sluice::testing
