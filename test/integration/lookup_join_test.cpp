// Lookup joins against the real PostgreSQL: a stream of orders (a JSON lines file) enriched
// with customer rows looked up by key, inner and LEFT; and a server that is down when the
// lookups start: the join waits and retries, and every row still comes out once.
#include <gtest/gtest.h>

#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

struct LookupRun {
  std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_lookup_" + suffix);
  std::string table = "customers_" + suffix;
  std::vector<std::string> orders;  // "order|customer|amount"
  std::map<std::string, std::string> tier_of;  // customer -> tier

  LookupRun() {
    fs::create_directories(dir);
    PgExec("CREATE TABLE " + table + " (id TEXT PRIMARY KEY, tier TEXT, credit INT)");
    std::string values;
    for (int c = 0; c < 50; ++c) {
      std::string id = "c" + std::to_string(c);
      std::string tier = c % 3 == 0 ? "gold" : "basic";
      tier_of[id] = tier;
      values += (values.empty() ? "" : ", ") + ("('" + id + "', '" + tier + "', " + std::to_string(c * 10) + ")");
    }
    PgExec("INSERT INTO " + table + " VALUES " + values);
    // 2,000 orders; customers c0..c59, so c50..c59 have no row.
    std::ofstream out(dir / "orders.json");
    for (int i = 0; i < 2000; ++i) {
      std::string customer = "c" + std::to_string((i * 7) % 60);
      out << "{\"order_id\": " << i << ", \"customer\": \"" << customer << "\", \"amount\": " << i % 100
          << "}\n";
      orders.push_back(std::to_string(i) + "|" + customer + "|" + std::to_string(i % 100));
    }
  }
  ~LookupRun() {
    if (!::testing::Test::HasFailure()) fs::remove_all(dir);
  }
  std::string Sql(const std::string& join_kind, const std::string& out_name) const {
    return R"(
CREATE TABLE orders (order_id INT, customer STRING, amount INT)
  WITH ('connector' = 'filesystem', 'path' = ')" + (dir / "orders.json").string() + R"(');
CREATE TABLE customers (id STRING, tier STRING, credit INT)
  WITH ('connector' = 'postgres', 'url' = ')" + PostgresDsn() + R"(', 'table-name' = ')" + table + R"(',
        'lookup.cache.ttl' = '10 min', 'lookup.retry.timeout' = '60 s');
CREATE TABLE enriched (order_id INT, customer STRING, tier STRING, credit INT)
  WITH ('connector' = 'filesystem', 'path' = ')" + (dir / out_name).string() + R"(', 'format' = 'csv');
INSERT INTO enriched
SELECT o.order_id, o.customer, c.tier, c.credit
FROM orders AS o )" + join_kind + R"( customers FOR SYSTEM_TIME AS OF o.order_id AS c ON o.customer = c.id;
)";
  }
  // The output file(s) as "order|customer|tier|credit" lines, sorted.
  std::vector<std::string> Output(const std::string& out_name) const {
    std::vector<std::string> rows;
    for (const auto& e : fs::recursive_directory_iterator(dir / out_name)) {
      if (!e.is_regular_file() || e.path().extension() != ".csv") continue;
      std::istringstream in(ReadText(e.path()));
      for (std::string line; std::getline(in, line);) {
        if (line.rfind("order_id", 0) == 0) continue;  // the CSV header
        std::replace(line.begin(), line.end(), ',', '|');
        rows.push_back(line);
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  std::vector<std::string> Expected(bool left) const {
    std::vector<std::string> want;
    for (const auto& o : orders) {
      std::string id = o.substr(0, o.find('|'));
      std::string customer = o.substr(o.find('|') + 1);
      customer = customer.substr(0, customer.find('|'));
      auto it = tier_of.find(customer);
      if (it == tier_of.end()) {
        if (left) want.push_back(id + "|" + customer + "||");
        continue;
      }
      int credit = std::stoi(customer.substr(1)) * 10;
      want.push_back(id + "|" + customer + "|" + it->second + "|" + std::to_string(credit));
    }
    std::sort(want.begin(), want.end());
    return want;
  }
};

TEST(LookupJoin, EnrichesEveryOrderFromPostgres) {
  LookupRun run;
  for (const std::string kind : {"JOIN", "LEFT JOIN"}) {
    const std::string out = kind == "JOIN" ? "inner" : "left";
    std::ofstream(run.dir / (out + ".sql")) << run.Sql(kind, out);
    int code = RunCommand(std::string(SLUICE_BINARY) + " run " + out + ".sql", run.dir, run.dir / "log");
    ASSERT_EQ(code, 0) << ReadText(run.dir / "log");
    ExpectSameRows(run.Output(out), run.Expected(kind != "JOIN"), kind);
  }
}

TEST(LookupJoin, WaitsForPostgresAndLosesNothing) {
  LookupRun run;
  std::ofstream(run.dir / "down.sql") << run.Sql("JOIN", "down");
  const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
  ASSERT_EQ(RunCommand(stack + " down postgres", run.dir, run.dir / "stack.log"), 0)
      << ReadText(run.dir / "stack.log");
  ChildProcess sluice(std::string(SLUICE_BINARY) + " run down.sql", run.dir, run.dir / "log");
  std::this_thread::sleep_for(4s);
  EXPECT_TRUE(sluice.Running()) << "the join must wait for the table:\n" << ReadText(run.dir / "log");
  ASSERT_EQ(RunCommand(stack + " up postgres", run.dir, run.dir / "stack.log"), 0)
      << ReadText(run.dir / "stack.log");
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(run.dir / "log");
  EXPECT_NE(ReadText(run.dir / "log").find("is unavailable"), std::string::npos) << ReadText(run.dir / "log");
  ExpectSameRows(run.Output("down"), run.Expected(false), "orders joined after the outage");
}

}  // namespace
}  // namespace sluice::testing
