// Seed 002 end to end on the real broker: examples/cleansing.sql (cleanse people records into
// Parquet partitioned by day, exactly-once; 5-minute windows of the Kafka timestamp into a
// staging topic) and examples/cleansing_measures.sql (a bounded run over the staging topic:
// distinct users, most and least represented country per window, into CSV). The input is
// `sluice produce --scenario people` plus a replayed JSON array file shaped like the seed's
// MOCK_DATA, made here. Every expectation is computed below from the input topic with plain
// code: the cleaning rules, the windows, the counts.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

bool ValidIpv4(std::string_view ip) {
  int parts = 0;
  size_t start = 0;
  while (true) {
    const size_t dot = ip.find('.', start);
    const std::string_view part = ip.substr(start, dot == std::string_view::npos ? ip.npos : dot - start);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// Spark's initcap: the first letter of each space-separated word upper case, the rest lower.
std::string Initcap(std::string_view text) {
  std::string out;
  bool start = true;
  for (char c : text) {
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                 : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = c == ' ';
  }
  return out;
}

std::string UtcText(int64_t ms, const char* format) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

std::string Text(simdjson::dom::element doc, const char* field) {
  std::string_view v;
  if (doc[field].get_string().get(v) != simdjson::SUCCESS) return "\\N";
  return std::string(v);
}

TEST(Cleansing, ExamplesEqualTheRulesAppliedToTheTopic) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_cleansing_" + suffix);
  fs::create_directories(dir);
  const std::string input = "cleansing_in_" + suffix, staging = "cleansing_staging_" + suffix;
  auto localize = [&](std::string sql, const std::string& pipeline) {
    ReplaceAll(sql, "'test_input'", "'" + input + "'");
    ReplaceAll(sql, "'test_staging'", "'" + staging + "'");
    ReplaceAll(sql, "'pipeline.name' = '" + pipeline + "'", "'pipeline.name' = '" + pipeline + "_" + suffix + "'");
    ReplaceAll(sql, "'properties.group.id' = 'cleansing'", "'properties.group.id' = 'cleansing_" + suffix + "'");
    ReplaceAll(sql, "127.0.0.1:9092", KafkaBootstrap());
    return sql;
  };
  std::ofstream(dir / "cleansing.sql")
      << localize(ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/cleansing.sql"), "cleansing");
  std::ofstream(dir / "measures.sql")
      << localize(ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/cleansing_measures.sql"),
                  "cleansing_measures");
  std::ofstream(dir / "report.sql")
      << localize(ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/cleansing_report.sql"),
                  "cleansing_report");

  // The seed's shape: a JSON array of people, with the dirt its rules clean.
  {
    std::ofstream mock(dir / "MOCK_DATA.json");
    const char* kIps[] = {"10.0.0.1", "256.1.1.1", "1.2.3", "1.2.3.4.5", "8.8.8.", "localhost", "", "192.168.100.200"};
    const char* kCountries[] = {"France", "fRANCE", "BRAZIL", "united states", "Japan", "japan"};
    mock << "[\n";
    for (int i = 0; i < 600; ++i) {
      mock << (i ? ",\n" : "")
           << fmt::format(R"({{"id":{},"first_name":{},"last_name":"L{}","email":{},"gender":"Female","ip_address":{},"date":"{}/{}/20{}","country":"{}"}})",
                          100000 + i, i % 7 == 0 ? "null" : fmt::format("\"F{}\"", i), i,
                          i % 11 == 0 ? "null" : fmt::format("\"u{}@mock.org\"", i % 450),
                          i % 13 == 0 ? "null" : fmt::format("\"{}\"", kIps[i % 8]), 1 + i % 28,
                          1 + i % 12, 10 + i % 15, kCountries[i % 6]);
    }
    mock << "\n]\n";
  }
  const std::string produce = std::string(SLUICE_BINARY) + " produce --quiet --topic " + input +
                              " --bootstrap-servers " + KafkaBootstrap();
  ASSERT_EQ(RunCommand(produce + " --scenario people --count 20000 --seed 5", dir, dir / "produce.log"), 0)
      << ReadText(dir / "produce.log");
  ASSERT_EQ(RunCommand(produce + " --file MOCK_DATA.json", dir, dir / "produce.log"), 0)
      << ReadText(dir / "produce.log");

  const fs::path log = dir / "sluice.log";
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run --bounded cleansing.sql", dir, log), 0) << ReadText(log);
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run measures.sql", dir, log), 0) << ReadText(log);
  // The batch job over the cleansed Parquet files.
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run report.sql", dir, log), 0) << ReadText(log);

  // Expectations from the input topic.
  std::vector<std::string> want_people;
  std::map<std::string, int64_t> want_staging;                      // window|country|email -> n
  std::map<std::string, std::map<std::string, int64_t>> per_country;  // window -> country -> n
  std::map<std::string, std::set<std::string>> users;               // window -> emails
  std::map<std::string, std::pair<int64_t, int64_t>> per_day;         // dt,country -> n, no ip
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(input)) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS) << r.value;
    int64_t id = 0;
    ASSERT_EQ(doc["id"].get_int64().get(id), simdjson::SUCCESS);
    std::string first = Text(doc, "first_name"), email = Text(doc, "email");
    if (first == "\\N") first = "NULL";
    if (email == "\\N") email = "NULL";
    const std::string ip = Text(doc, "ip_address");
    int d = 0, m = 0, y = 0;
    const std::string date_in = Text(doc, "date");
    ASSERT_EQ(std::sscanf(date_in.c_str(), "%d/%d/%d", &d, &m, &y), 3) << date_in;
    const std::string country = Initcap(Text(doc, "country"));
    const std::string window = UtcText(r.timestamp_ms / 300000 * 300000, "%Y-%m-%d %H:%M:%S");
    want_people.push_back(fmt::format("{}|{}|{}|{}|{}|{}|{:02}/{:02}/{:04}|{}|{}|{}", id, first,
                                      Text(doc, "last_name"), email, Text(doc, "gender"),
                                      ValidIpv4(ip) ? ip : "127.127.127.127", d, m, y, country,
                                      r.timestamp_ms * 1000, UtcText(r.timestamp_ms, "%Y-%m-%d")));
    ++want_staging[window + "|" + country + "|" + email];
    auto& day = per_day[UtcText(r.timestamp_ms, "%Y-%m-%d") + "," + country];
    ++day.first;
    day.second += ValidIpv4(ip) ? 0 : 1;
    ++per_country[window][country];
    users[window].insert(email);
  }
  std::sort(want_people.begin(), want_people.end());
  ASSERT_EQ(want_people.size(), 20600u);

  // The Parquet files, read by pyarrow with hive partitioning.
  std::ofstream(dir / "read_people.py")
      << "import sys, pyarrow.dataset as ds\n"
         "t = ds.dataset(sys.argv[1], format='parquet', partitioning='hive').to_table()\n"
         "t = t.set_column(t.schema.get_field_index('kafka_ts'), 'kafka_ts', t.column('kafka_ts').cast('int64'))\n"
         "cols = ['id','first_name','last_name','email','gender','ip_addr','date','country','kafka_ts','dt']\n"
         "for r in t.to_pylist(): print('|'.join('\\\\N' if r[c] is None else str(r[c]) for c in cols))\n";
  const fs::path people_rows = dir / "people.txt";
  ASSERT_EQ(RunCommand(std::string(SLUICE_SOURCE_DIR) + "/.deps/python/bin/python read_people.py out/cleansing/people",
                       dir, people_rows), 0) << ReadText(people_rows);
  std::vector<std::string> got_people;
  {
    std::ifstream in(people_rows);
    for (std::string line; std::getline(in, line);) got_people.push_back(line);
  }
  std::sort(got_people.begin(), got_people.end());
  ExpectSameRows(got_people, want_people, "cleansed people in Parquet");

  // The staging topic: one record per window, country and email, with its count.
  std::map<std::string, int64_t> got_staging;
  for (const auto& r : ReadTopic(staging)) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS) << r.value;
    std::string start = Text(doc, "window_start").substr(0, 19);
    if (start.size() > 10) start[10] = ' ';
    int64_t n = 0;
    ASSERT_EQ(doc["records"].get_int64().get(n), simdjson::SUCCESS);
    got_staging[start + "|" + Text(doc, "country") + "|" + Text(doc, "email")] += n;
  }
  EXPECT_EQ(got_staging, want_staging);

  // The measures: CSV files, one row per window.
  auto csv_rows = [&](const std::string& folder) {
    std::vector<std::string> rows;
    for (const auto& entry : fs::directory_iterator(dir / "out/measures" / folder)) {
      std::ifstream in(entry.path());
      std::string line;
      std::getline(in, line);  // header
      while (std::getline(in, line)) rows.push_back(line);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  std::vector<std::string> want_most, want_least;
  for (const auto& [window, counts] : per_country) {
    std::pair<std::string, int64_t> most{"", -1}, least{"", INT64_MAX};
    for (const auto& [country, n] : counts) {  // by name: the first of equals wins
      if (n > most.second) most = {country, n};
      if (n < least.second) least = {country, n};
    }
    want_most.push_back(window + "|" + most.first + "|" + std::to_string(most.second));
    want_least.push_back(window + "|" + least.first + "|" + std::to_string(least.second));
  }
  auto strip_end = [](std::vector<std::string> rows) {  // "start,end,country,n" -> "start|country|n"
    for (auto& row : rows) {
      const size_t first = row.find(','), second = row.find(',', first + 1);
      row = row.substr(0, first) + "|" + row.substr(second + 1);
      std::replace(row.begin(), row.end(), ',', '|');
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  EXPECT_EQ(strip_end(csv_rows("most")), want_most);

  // The report over the Parquet files: people per day (from the partition folders) and country.
  std::vector<std::string> want_report, got_report;
  for (const auto& [key, n] : per_day) {
    want_report.push_back(fmt::format("{},{},{}", key, n.first, n.second));
  }
  for (const auto& entry : fs::directory_iterator(dir / "out/cleansing/report")) {
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "dt,country,people,without_ip");
    while (std::getline(in, line)) got_report.push_back(line);
  }
  std::sort(got_report.begin(), got_report.end());
  EXPECT_EQ(got_report, want_report);
  EXPECT_EQ(strip_end(csv_rows("least")), want_least);
  const std::vector<std::string> users_rows = csv_rows("users");
  ASSERT_EQ(users_rows.size(), users.size());
  for (const auto& row : users_rows) {
    const std::string window = row.substr(0, row.find(','));
    const double estimate = std::stod(row.substr(row.rfind(',') + 1));
    const double exact = static_cast<double>(users[window].size());
    // approx_count_distinct: HyperLogLog with Spark's default relative error, 5%.
    EXPECT_NEAR(estimate, exact, exact * 0.05 + 1) << row;
  }
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
