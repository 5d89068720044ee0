// Poison records through examples/cashback.sql on the real stack: records the decoder refuses
// (bytes that are not UTF-8, NUL bytes, timestamps out of range) and rows a sink cannot store
// (a NUL in PostgreSQL text, a Kafka record above message.max.bytes, a cashback that does not
// fit DECIMAL(10, 2)) each reach the error table with a reason that names the sink and column;
// every other row arrives exactly once, and the pipeline never stops for them.
#include <gtest/gtest.h>

#include <thread>

#include "cashback_run.h"

namespace sluice::testing {
namespace {

std::string Payment(const std::string& customer_json, const std::string& timestamp_json,
                    const std::string& amount_json, const std::string& merchant = "merch_1") {
  return R"({"transaction_id":"poison","customer_id":)" + customer_json + R"(,"timestamp":)" +
         timestamp_json + R"(,"product_id":"prod_1","amount":)" + amount_json +
         R"(,"merchant_id":")" + merchant + R"("})";
}

TEST(PoisonRecords, EachReachesTheErrorTableAndEveryOtherRowArrivesOnce) {
  CashbackRun run;
  const std::string ok_time = R"("2024-05-01 10:00:00")";
  std::vector<std::string> poison = {
      // The decoder refuses these.
      Payment("\"c\xff\"", ok_time, "700"),                   // not UTF-8
      std::string("\0\0", 2),                                // NUL bytes, not JSON
      "\xEF\xBB\xBF" + Payment("\"cust_1\"", ok_time, "700"),  // a byte-order mark
      "hello world",
      Payment("\"cust_1\"", R"("0000-01-01 00:00:00")", "700"),  // year 0
      Payment("\"cust_1\"", "1e300", "700"),                     // seconds past any range
      Payment("\"cust_1\"", "-1e11", "700"),
      // Valid records whose row a sink cannot store.
      Payment(R"("c\u0000d")", ok_time, "700"),              // NUL: not in PostgreSQL text
      Payment("\"" + std::string(5 << 20, 'x') + "\"", ok_time, "800"),  // 5 MB: not in Kafka
      Payment("\"cust_2\"", ok_time, "700000000"),          // cashback 105000000.00
      Payment("\"cust_3\"", ok_time, "666666667", "merch_3"),  // cashback 100000000.05
      // Still fine: the largest cashback DECIMAL(10, 2) holds, 99999999.90.
      Payment("\"cust_4\"", ok_time, "666666666"),
  };
  ProduceRaw(run.in_topic(), poison);
  ASSERT_EQ(RunCommand(run.ProduceCommand(20000, 0, 31), run.dir(), run.log()), 0)
      << ReadText(run.log());
  ProduceRaw(run.in_topic(), poison, /*create=*/false);  // again, between ordinary records
  ASSERT_EQ(RunCommand(run.ProduceCommand(5000, 0, 32), run.dir(), run.log()), 0)
      << ReadText(run.log());

  run.Finish();
  run.ExpectExactOutput();
  const std::string log = ReadText(run.log());
  // Each sink says how many rows it could not store (NUL, cashback x2 in PostgreSQL; 5 MB,
  // cashback x2 on the topic: 3 per copy of the poison records, 2 copies).
  EXPECT_NE(log.find("sink " + run.eligible_table() + ": "), std::string::npos) << log;
  EXPECT_NE(log.find("6 rows it cannot store dead-lettered"), std::string::npos) << log;

  // The reasons say what was wrong, where.
  auto reasons = PgQuery("SELECT DISTINCT reason FROM " + run.errors_table() + " ORDER BY 1");
  std::string all;
  for (const auto& r : reasons) all += r[0] + "\n";
  for (const std::string& expected :
       {std::string("not JSON: unexpected 'hello world' at byte 0"),
        std::string("not JSON: a UTF-8 byte-order mark (EF BB BF) at byte 0"),
        std::string("field 'timestamp': '0000-01-01 00:00:00' is outside the TIMESTAMP range"),
        std::string("field 'timestamp': 1e300 seconds since 1970 is outside the TIMESTAMP range"),
        "sink '" + run.eligible_table() +
            "' cannot store column 'customer_id': text with a NUL byte at byte 1, which "
            "PostgreSQL cannot store",
        std::string("sink 'eligible_customers_topic' cannot store column 'customer_id': the "
                    "Kafka record would be "),
        "sink '" + run.eligible_table() +
            "' cannot store column 'cashback': DECIMAL(14,2) 105000000.00 does not fit the "
            "column's type DECIMAL(10,2)"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << "no reason like: " << expected << "\nin:\n"
                                                     << all;
  }
}

// Creates the run's PostgreSQL table with a CHECK constraint no pre-check knows about: the
// server refuses every row whose amount is a multiple of 97.
void RefuseMultiplesOf97(CashbackRun& run) {
  PgExec("CREATE TABLE " + run.eligible_table() +
         " (customer_id text, amount integer, cashback numeric(10, 2), merchant_id text, "
         "\"timestamp\" timestamp, CONSTRAINT no_multiples_of_97 CHECK (amount % 97 <> 0))");
  run.set_postgres_refuses([](const CashbackVerdict& v) { return v.amount % 97 == 0; });
}

// Rows PostgreSQL itself refuses at commit (here a CHECK constraint on the table, which no
// pre-check knows): the sink finds them by bisection, the pipeline replays from its checkpoint
// and dead-letters exactly those; everything else arrives once.
TEST(PoisonRecords, RowsPostgresRefusesAreFoundAndDeadLettered) {
  CashbackRun run;
  RefuseMultiplesOf97(run);
  ASSERT_EQ(RunCommand(run.ProduceCommand(20000, 0, 33), run.dir(), run.log()), 0)
      << ReadText(run.log());
  run.Finish();
  run.ExpectExactOutput();
  const std::string log = ReadText(run.log());
  EXPECT_NE(log.find("PostgreSQL refused"), std::string::npos) << log;
  auto refused = PgQuery("SELECT count(*) FROM " + run.errors_table() +
                         " WHERE reason LIKE '%cannot store the row: the database refused it: "
                         "%no_multiples_of_97%'");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_GT(std::stoi(refused[0][0]), 10) << "the constraint should refuse dozens of rows";
}

// The same while streaming: refusals land in the periodic checkpoints, each costing a restart.
// The error table commits after the sinks, so its progress never passes a refused row whose
// dead letter is still to come (committed side by side, it did, and those rows were lost).
TEST(PoisonRecords, RowsPostgresRefusesWhileStreamingAreAllDeadLettered) {
  CashbackRun run;
  RefuseMultiplesOf97(run);
  ChildProcess producer(run.ProduceCommand(20000, 4000, 34), run.dir(), run.dir() / "produce.log");
  ChildProcess sluice(run.RunCommand(false, " --set pipeline.restart-delay=100ms"), run.dir(),
                      run.log());
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  std::this_thread::sleep_for(std::chrono::seconds(6));
  ASSERT_TRUE(sluice.Running()) << ReadText(run.log());
  sluice.Signal(SIGINT);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(run.log());
  EXPECT_NE(ReadText(run.log()).find("PostgreSQL refused"), std::string::npos);
  run.Finish();
  run.ExpectExactOutput();
}

// A dead letter too large for a Kafka dead-letter topic (a 3 MB record that is not JSON, the
// topic taking the broker's default 1 MB) is cut to fit, saying so, instead of stopping the run.
TEST(PoisonRecords, ADeadLetterTooLargeForItsTopicIsCutToFit) {
  const std::string suffix = UniqueSuffix();
  const std::string in = "big_in_" + suffix, dlq = "big_dlq_" + suffix;
  const std::string big = "not json " + std::string(3 << 20, 'x');
  ProduceRaw(in, {big, Payment("\"cust_1\"", R"("2024-05-01 10:00:00")", "700")});
  fs::path dir = fs::temp_directory_path() / ("sluice_big_dlq_" + suffix);
  fs::create_directories(dir);
  std::ofstream(dir / "big.sql") << R"(
SET 'pipeline.name' = 'big_dlq_)" + suffix + R"(';
CREATE TABLE payments (customer_id STRING NOT NULL, `timestamp` TIMESTAMP NOT NULL, amount INT)
WITH ('connector' = 'kafka', 'topic' = ')" + in + R"(', 'format' = 'json',
      'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
      'properties.group.id' = 'big_dlq_)" + suffix + R"(', 'scan.startup.mode' = 'earliest-offset',
      'scan.bounded.mode' = 'latest-offset',
      'errors' = 'dead-letter', 'errors.table' = 'bad_payments');
CREATE TABLE bad_payments (value STRING, reason STRING, `offset` BIGINT)
WITH ('connector' = 'kafka', 'topic' = ')" + dlq + R"(',
      'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(');
CREATE TABLE nowhere (customer_id STRING, amount INT) WITH ('connector' = 'blackhole');
INSERT INTO nowhere SELECT customer_id, amount FROM payments;
)";
  int code = RunCommand(std::string(SLUICE_BINARY) + " run " + (dir / "big.sql").string(), dir,
                        dir / "log");
  ASSERT_EQ(code, 0) << ReadText(dir / "log");
  std::vector<KafkaRecord> letters = ReadTopic(dlq);
  ASSERT_EQ(letters.size(), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element row;
  ASSERT_EQ(parser.parse(letters[0].value).get(row), simdjson::SUCCESS);
  std::string_view value, reason;
  ASSERT_EQ(row["value"].get(value), simdjson::SUCCESS);
  ASSERT_EQ(row["reason"].get(reason), simdjson::SUCCESS);
  EXPECT_LT(letters[0].value.size(), 1'000'000u);
  EXPECT_GT(value.size(), 100'000u);
  EXPECT_EQ(big.substr(0, value.size()), value) << "the dead letter keeps the record's first bytes";
  EXPECT_NE(reason.find("not JSON: unexpected 'not json xxxxxxx'... at byte 0"), std::string_view::npos)
      << reason;
  EXPECT_NE(reason.find("(value cut to its first " + std::to_string(value.size()) + " of " +
                        std::to_string(big.size()) + " bytes"),
            std::string_view::npos)
      << reason;
  fs::remove_all(dir);
}

// With 'errors' = 'fail', a row a sink cannot store stops the run at once with exit code 1
// (a runtime failure, not a mistake in the file) and says which record, sink and column.
TEST(PoisonRecords, FailPolicyStopsWithTheRecordSinkAndColumn) {
  CashbackRun run;
  ProduceRaw(run.in_topic(), {Payment(R"("c\u0000d")", R"("2024-05-01 10:00:00")", "700")});
  std::string sql = ReadText(run.dir() / "bounded.sql");
  ReplaceAll(sql, "'errors' = 'dead-letter',", "'errors' = 'fail'");
  sql = std::regex_replace(sql, std::regex(R"(\n\s*'errors.table' = '[^']*')"), "");
  std::ofstream(run.dir() / "fail.sql") << sql;
  const auto started = std::chrono::steady_clock::now();
  int code = RunCommand(std::string(SLUICE_BINARY) + " run " + (run.dir() / "fail.sql").string(),
                        run.dir(), run.log());
  const std::string log = ReadText(run.log());
  EXPECT_EQ(code, 1) << log;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60))
      << "a data error is not retried: " << log;
  EXPECT_EQ(log.find("restarting"), std::string::npos) << log;
  EXPECT_NE(log.find("sink '" + run.eligible_table() +
                     "' cannot store column 'customer_id': text with a NUL byte at byte 1"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("(record at " + run.in_topic() + " partition "), std::string::npos) << log;
}

}  // namespace
}  // namespace sluice::testing
