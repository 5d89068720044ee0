// DECIMAL(38, 10) end to end on the stack: JSON records from Kafka through sluice into
// PostgreSQL (numeric), MariaDB (DECIMAL) and a Kafka topic (JSON), plus a product that needs
// more than 128 bits on the way and a sum per key. Each database and the output topic are read
// back as text and compared with values written out here by hand from the input (38-digit
// values have no double that could stand in for them).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(WideDecimal, ThirtyEightDigitsReachPostgresMariadbAndKafkaExactly) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_wide_decimal_" + suffix);
  fs::create_directories(dir);
  const std::string in_topic = "wide_in_" + suffix, out_topic = "wide_out_" + suffix;
  const std::string pg_table = "wide_pg_" + suffix, maria_table = "wide_maria_" + suffix;
  // id, value: the extremes of DECIMAL(38, 10), a value beyond 64 bits, and small ones.
  const std::vector<std::pair<int, std::string>> rows = {
      {1, "9999999999999999999999999999.9999999999"},
      {2, "-9999999999999999999999999999.9999999999"},
      {3, "1234567890123456789012345678.0123456789"},
      {4, "0.0000000001"},
      {5, "-42.5000000000"},
  };
  std::vector<std::string> records;
  for (const auto& [id, v] : rows) {
    records.push_back("{\"id\": " + std::to_string(id) + ", \"k\": " + std::to_string(id % 2) +
                      ", \"v\": " + v + "}");
  }
  ProduceRaw(in_topic, records);
  std::ofstream(dir / "wide.sql") << R"(
CREATE TABLE src (id INT, k INT, v DECIMAL(38, 10)) WITH (
  'connector' = 'kafka', 'topic' = ')" << in_topic << R"(', 'properties.bootstrap.servers' = ')"
                                  << KafkaBootstrap() << R"(',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json');
CREATE TABLE pg (id INT, v DECIMAL(38, 10), doubled DECIMAL(38, 8)) WITH (
  'connector' = 'postgres', 'url' = ')" << PostgresDsn() << R"(', 'table-name' = ')" << pg_table << R"(');
CREATE TABLE maria (id INT, v DECIMAL(38, 10)) WITH (
  'connector' = 'mysql', 'url' = ')" << MysqlUrl() << R"(', 'table-name' = ')" << maria_table << R"(');
CREATE TABLE out (k INT, total DECIMAL(38, 10)) WITH (
  'connector' = 'kafka', 'topic' = ')" << out_topic << R"(', 'properties.bootstrap.servers' = ')"
                                  << KafkaBootstrap() << R"(', 'format' = 'json');
INSERT INTO pg SELECT id, v, v * 2.5 FROM src;
INSERT INTO maria SELECT id, v FROM src;
INSERT INTO out SELECT k, sum(v) FROM src GROUP BY k;
)";
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run wide.sql", dir, dir / "run.log"), 0)
      << ReadText(dir / "run.log");

  // v * 2.5 is DECIMAL(38, 8) by Spark's rules (41 digits, scale 11, bounded to 38 keeping the
  // 30 integer digits); worked out by hand, rounded half up.
  const std::map<int, std::string> doubled = {
      {1, "25000000000000000000000000000.00000000"},
      {2, "-25000000000000000000000000000.00000000"},
      {3, "3086419725308641972530864195.03086420"},
      {4, "0.00000000"},
      {5, "-106.25000000"}};
  std::vector<std::string> want_pg, want_maria, got_pg, got_maria;
  for (const auto& [id, v] : rows) {
    want_pg.push_back(std::to_string(id) + "|" + v + "|" + doubled.at(id));
    want_maria.push_back(std::to_string(id) + "|" + v);
  }
  for (const auto& r : PgQuery("SELECT id, v::text, doubled::text FROM " + pg_table)) {
    got_pg.push_back(r[0] + "|" + r[1] + "|" + r[2]);
  }
  for (const auto& r : MysqlQuery("SELECT id, CAST(v AS CHAR) FROM " + maria_table)) {
    got_maria.push_back(r[0] + "|" + r[1]);
  }
  for (auto* v : {&want_pg, &want_maria, &got_pg, &got_maria}) std::sort(v->begin(), v->end());
  ExpectSameRows(got_pg, want_pg, "PostgreSQL " + pg_table);
  ExpectSameRows(got_maria, want_maria, "MariaDB " + maria_table);
  EXPECT_EQ(PgQuery("SELECT numeric_precision, numeric_scale FROM information_schema.columns "
                    "WHERE table_name = '" + pg_table + "' AND column_name = 'v'"),
            (std::vector<std::vector<std::string>>{{"38", "10"}}));

  // The sums per k (odd: rows 1, 3, 5; even: 2, 4), by hand: 1 + 3 overflows DECIMAL(38, 10)'s
  // 28 integer digits, so that group's sum is NULL, as Spark's.
  std::map<std::string, std::string> last;  // k -> the last total the topic holds
  for (const auto& r : ReadTopic(out_topic)) {
    const size_t k = r.value.find("\"k\":"), total = r.value.find("\"total\":");
    ASSERT_NE(k, std::string::npos) << r.value;
    ASSERT_NE(total, std::string::npos) << r.value;
    std::string key = r.value.substr(k + 4, r.value.find(',', k) - k - 4);
    std::string value = r.value.substr(total + 8, r.value.find('}', total) - total - 8);
    key.erase(0, key.find_first_not_of(' '));
    value.erase(0, value.find_first_not_of(' '));
    last[key] = value;
  }
  EXPECT_EQ(last, (std::map<std::string, std::string>{
                      {"0", "-9999999999999999999999999999.9999999998"}, {"1", "null"}}));
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
