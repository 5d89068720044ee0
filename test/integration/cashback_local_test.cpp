// `sluice run examples/cashback_local.sql` end to end: the generator's records are recomputed
// here with plain code (simdjson's DOM parser, integer arithmetic, the contract of DESIGN.md §1),
// and the SQLite table, the JSON-lines files and the dead-letter table must hold exactly that.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cashback_contract.h"
#include "pipeline_harness.h"
#include "connector/datagen/scenario_generator.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 20000;

using testing::ExpectSameRows;
using testing::ReplaceAll;
std::string ReadFile(const fs::path& path) { return testing::ReadText(path); }

struct Expected {
  std::vector<std::string> eligible;  // "customer|amount|cashback cents|merchant|timestamp"
  std::vector<std::string> malformed;  // "offset|raw value"
};

// The contract: not JSON, or customer_id/timestamp missing, null or unparsable, or a field of the
// wrong type → error_table; amount > 500 and merchant in (merch_1, merch_3) → eligible, with
// cashback = round(amount * 0.15, 2), i.e. amount * 15 cents exactly.
Expected Recompute() {
  GeneratorConfig config;
  config.seed = 42;
  config.bad_fraction = 0.01;
  config.base_time_ms = 1717232400000;  // 'start-time' = '2024-06-01 09:00:00'
  config.event_interval_us = 1000;
  auto generator = ScenarioGenerator::Make("cashback", config);
  EXPECT_TRUE(generator.ok());
  Expected expected;
  simdjson::dom::parser parser;
  GeneratedRecord record;
  for (int i = 0; i < kRows; ++i) {
    int64_t offset = static_cast<int64_t>((*generator)->sequence());
    (*generator)->Next(record);
    testing::CashbackVerdict verdict = testing::ClassifyCashback(parser, record.value);
    bool bad = verdict.malformed;
    EXPECT_EQ(bad, record.malformed) << "record " << offset << ": " << record.value;
    if (bad) {
      expected.malformed.push_back(std::to_string(offset) + "|" + record.value);
    } else if (verdict.eligible) {
      expected.eligible.push_back(*verdict.eligible);
    }
  }
  std::sort(expected.eligible.begin(), expected.eligible.end());
  std::sort(expected.malformed.begin(), expected.malformed.end());
  return expected;
}

std::vector<std::vector<std::string>> Query(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(handle);
  std::vector<std::vector<std::string>> rows;
  while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* text = sqlite3_column_text(stmt, c);
      row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return rows;
}

std::string Cents(double value) { return std::to_string(std::llround(value * 100)); }

// The JSON sink writes timestamps as text; accept the plain and the ISO spelling of UTC.
std::string PlainTimestamp(std::string text) {
  if (text.size() >= 19 && text[10] == 'T') text[10] = ' ';
  return text.substr(0, 19);
}

TEST(CashbackLocal, RunsAndProducesExactlyTheContractRows) {
  fs::path dir = fs::temp_directory_path() / ("sluice_cashback_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string sql = ReadFile(fs::path(SLUICE_SOURCE_DIR) / "examples/cashback_local.sql");
  ASSERT_NE(sql.find("'out/"), std::string::npos);
  ReplaceAll(sql, "'out/", "'" + dir.string() + "/");
  ReplaceAll(sql, "'number-of-rows' = '100000'", "'number-of-rows' = '" + std::to_string(kRows) + "'");
  fs::path script = dir / "cashback.sql";
  std::ofstream(script) << sql;

  std::string command = std::string(SLUICE_BINARY) + " run " + script.string() + " > " +
                        (dir / "run.log").string() + " 2>&1";
  int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "sluice run failed:\n" << ReadFile(dir / "run.log");

  Expected expected = Recompute();
  ASSERT_GT(expected.eligible.size(), 1000u);
  ASSERT_GT(expected.malformed.size(), 50u);

  // SQLite
  std::vector<std::string> got;
  for (const auto& r : Query(dir / "cashback.db",
                             "SELECT customer_id, amount, cashback, merchant_id, timestamp "
                             "FROM eligible_customers")) {
    got.push_back(r[0] + "|" + r[1] + "|" + Cents(std::stod(r[2])) + "|" + r[3] + "|" +
                  PlainTimestamp(r[4]));
  }
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, expected.eligible, "sqlite eligible_customers");

  // JSON lines files: only committed files, no in-progress ones left behind.
  got.clear();
  simdjson::dom::parser parser;
  for (const auto& entry : fs::directory_iterator(dir / "eligible_customers")) {
    std::string name = entry.path().filename().string();
    ASSERT_EQ(name.find("inprogress"), std::string::npos) << name;
    std::istringstream lines(ReadFile(entry.path()));
    for (std::string line; std::getline(lines, line);) {
      simdjson::dom::element row;
      ASSERT_EQ(parser.parse(line).get(row), simdjson::SUCCESS) << line;
      std::string_view customer, merchant, ts;
      int64_t amount = 0;
      double cashback = 0;
      ASSERT_EQ(row["customer_id"].get(customer), simdjson::SUCCESS);
      ASSERT_EQ(row["amount"].get(amount), simdjson::SUCCESS);
      ASSERT_EQ(row["cashback"].get(cashback), simdjson::SUCCESS);
      ASSERT_EQ(row["merchant_id"].get(merchant), simdjson::SUCCESS);
      ASSERT_EQ(row["timestamp"].get(ts), simdjson::SUCCESS);
      got.push_back(std::string(customer) + "|" + std::to_string(amount) + "|" + Cents(cashback) +
                    "|" + std::string(merchant) + "|" + PlainTimestamp(std::string(ts)));
    }
  }
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, expected.eligible, "JSON files of eligible_customers");

  // Dead letters: every malformed record, with its raw bytes, its offset and a reason.
  got.clear();
  for (const auto& r :
       Query(dir / "cashback.db", "SELECT \"offset\", value, reason, batch_id FROM error_table")) {
    got.push_back(r[0] + "|" + r[1]);
    EXPECT_NE(r[2], "NULL");
    EXPECT_FALSE(r[2].empty());
    EXPECT_NE(r[3], "NULL");
  }
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, expected.malformed, "error_table");

  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice
