// Seed 001 on a real Cassandra (scripts/stack up cassandra; scripts/test starts it for this
// label only): examples/finance.sql from Kafka into Cassandra, read back with the Python driver
// (cassandra-driver in .deps/python) and compared with the seed's rules applied to the input
// topic by plain code here; through kill -9 and Cassandra stopped mid-run; the errors a user
// meets: a wrong password, an unknown keyspace, a value that does not fit its column; and 38-digit
// decimals, maps and lists stored in the tables sluice creates.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "../integration/pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

std::string Python() { return std::string(SLUICE_SOURCE_DIR) + "/.deps/python/bin/python"; }
std::string Stack() { return std::string(SLUICE_SOURCE_DIR) + "/scripts/stack"; }
int CassandraPort() {
  const char* p = std::getenv("SLUICE_CASSANDRA_PORT");
  return p ? std::atoi(p) : 9042;
}

// The example with its names made unique to this run.
std::string LocalizedFinance(const std::string& suffix) {
  std::string sql = ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/finance.sql");
  ReplaceAll(sql, "'incoming_finance_data'", "'finance_in_" + suffix + "'");
  ReplaceAll(sql, "'pipeline.name' = 'finance'", "'pipeline.name' = 'finance_" + suffix + "'");
  ReplaceAll(sql, "'properties.group.id' = 'finance'", "'properties.group.id' = 'finance_" + suffix + "'");
  ReplaceAll(sql, "'keyspace' = 'finance'", "'keyspace' = 'finance_" + suffix + "'");
  ReplaceAll(sql, "127.0.0.1:9092", KafkaBootstrap());
  ReplaceAll(sql, "'port' = '9042'", "'port' = '" + std::to_string(CassandraPort()) + "'");
  return sql;
}

// Rows of a CQL query as text lines, through the Python driver (an independent reader).
std::vector<std::string> CqlRows(const fs::path& dir, const std::string& query) {
  std::ofstream(dir / "read.py")
      << "import sys, datetime, decimal\n"
         "from cassandra.cluster import Cluster\n"
         "from cassandra.auth import PlainTextAuthProvider\n"
         "c = Cluster(['127.0.0.1'], port=int(sys.argv[1]), auth_provider=PlainTextAuthProvider('sluice', 'sluice'))\n"
         "s = c.connect()\n"
         "def text(v):\n"
         "  if v is None: return 'null'\n"
         "  if isinstance(v, bool): return 'true' if v else 'false'\n"
         "  if isinstance(v, float): return '%.4f' % v\n"
         "  if isinstance(v, datetime.datetime): return v.strftime('%Y-%m-%d %H:%M:%S')\n"
         "  if hasattr(v, 'items'): return '{' + ', '.join(text(k) + ': ' + text(x) for k, x in sorted(v.items())) + '}'\n"
         "  if isinstance(v, (list, tuple)): return '[' + ', '.join(text(x) for x in v) + ']'\n"
         "  return str(v).replace('\\n', '\\\\n')\n"
         "for row in s.execute(sys.argv[2]):\n"
         "  print('\\t'.join(text(v) for v in row))\n";
  static int queries = 0;
  const fs::path out = dir / ("rows" + std::to_string(++queries) + ".txt");
  const int rc = RunCommand(Python() + " read.py " + std::to_string(CassandraPort()) + " \"" + query + "\"", dir, out);
  EXPECT_EQ(rc, 0) << ReadText(out);
  std::vector<std::string> rows;
  std::ifstream in(out);
  for (std::string line; std::getline(in, line);) rows.push_back(line);
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Text as read.py prints it: a line break inside a value as \n.
std::string Str(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return "null";
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

double Num(simdjson::dom::element e) {
  double d = 0;
  if (e.get_double().get(d) == simdjson::SUCCESS) return d;
  int64_t i = 0;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  return 0;  // null: the seed's rule makes it 0
}

struct Expected {
  std::vector<std::string> transactions;
  std::vector<std::string> daily;
};

// The seed's rules applied to the topic: one row per transaction with a transaction_type, and
// per account and day the total, average and count of the amounts.
Expected ExpectedRows(const std::string& topic) {
  Expected e;
  std::map<std::string, std::tuple<double, int64_t>> daily;
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(topic)) {
    simdjson::dom::element d;
    if (parser.parse(r.value).get(d) != simdjson::SUCCESS) continue;
    if (d["transaction_type"].is_null()) continue;
    int64_t account = 0;
    EXPECT_EQ(d["account_number"].get_int64().get(account), simdjson::SUCCESS);
    std::string products;
    double spent = 0;
    int64_t quantity = 0;
    simdjson::dom::array items;
    EXPECT_EQ(d["transaction_items"].get_array().get(items), simdjson::SUCCESS);
    for (simdjson::dom::element item : items) {
      products += (products.empty() ? "" : ",") + Str(item["product_name"]);
      int64_t q = 0;
      EXPECT_EQ(item["quantity"].get_int64().get(q), simdjson::SUCCESS);
      spent += static_cast<double>(q) * Num(item["unit_price"]);
      quantity += q;
    }
    if (products.empty()) continue;  // exploding no items leaves no row
    const double amount = Num(d["amount"]);
    simdjson::dom::element ship = d["shipping_info"];
    bool feedback = false, discount = false;
    EXPECT_EQ(d["customer_feedback"].get_bool().get(feedback), simdjson::SUCCESS);
    EXPECT_EQ(d["discount_applied"].get_bool().get(discount), simdjson::SUCCESS);
    e.transactions.push_back(fmt::format(
        "{}\t{}\t{}\t{}\t{:.4f}\t{}\t{}\t{}\t{}\t{}\t{:.4f}\t{}\t{}\t{:.4f}\t{}\t{}\t{}\t{}\t{}\t{:.4f}\t{}",
        Str(d["transaction_id"]), account, Str(d["account_holder"]), Str(d["transaction_type"]),
        amount, Str(d["currency"]), Str(d["transaction_date"]), Str(d["merchant_name"]),
        Str(d["merchant_category"]), Str(d["location"]), Num(d["balance_after_transaction"]),
        Str(ship["address"]), Str(ship["shipping_method"]), Num(ship["shipping_cost"]),
        Str(ship["estimated_delivery"]), Str(ship["tracking_number"]), feedback ? "true" : "false",
        discount ? "true" : "false", products, spent, quantity));
    auto& [total, count] = daily[fmt::format("{}\t{} 00:00:00", account, Str(d["transaction_date"]))];
    total += amount;
    ++count;
  }
  for (const auto& [key, value] : daily) {
    const auto& [total, count] = value;
    e.daily.push_back(fmt::format("{}\t{:.4f}\t{:.4f}\t{}", key, total, total / static_cast<double>(count), count));
  }
  std::sort(e.transactions.begin(), e.transactions.end());
  std::sort(e.daily.begin(), e.daily.end());
  return e;
}

const char* kTransactionColumns =
    "transaction_id, account_number, account_holder, transaction_type, amount, currency, "
    "transaction_date, merchant_name, merchant_category, location, balance_after_transaction, "
    "shipping_address, shipping_method, shipping_cost, estimated_delivery, tracking_number, "
    "customer_feedback, discount_applied, products_list, total_price_spent, total_quantity_bought";

void ExpectTablesEqualTheRules(const fs::path& dir, const std::string& keyspace, const std::string& topic) {
  const Expected want = ExpectedRows(topic);
  ASSERT_GT(want.transactions.size(), 100u);
  ExpectSameRows(CqlRows(dir, fmt::format("SELECT {} FROM {}.transactions", kTransactionColumns, keyspace)),
                 want.transactions, "finance.transactions");
  ExpectSameRows(CqlRows(dir, fmt::format("SELECT account_number, window_start, total_amount, "
                                          "average_amount, transactions FROM {}.account_daily",
                                          keyspace)),
                 want.daily, "finance.account_daily");
}

TEST(CassandraFinance, SeedOneEndToEndEqualsTheRulesAppliedToTheTopic) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_finance_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "finance_in_" + suffix;
  std::ofstream(dir / "finance.sql") << LocalizedFinance(suffix);
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " produce --scenario finance --quiet --topic " + topic +
                           " --bootstrap-servers " + KafkaBootstrap() + " --count 3000 --seed 41",
                       dir, dir / "produce.log"),
            0)
      << ReadText(dir / "produce.log");
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run --bounded finance.sql", dir, dir / "run.log"), 0)
      << ReadText(dir / "run.log");
  ExpectTablesEqualTheRules(dir, "finance_" + suffix, topic);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

// kill -9 while records arrive, then Cassandra stopped for 30 s while the pipeline runs (it
// retries, then spills), then started again: at the end both tables hold exactly the rows the
// rules give, none lost, none different.
TEST(CassandraFinance, KillNineAndCassandraDownMidRunLoseNothing) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_finance_chaos_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "finance_in_" + suffix;
  std::string sql = LocalizedFinance(suffix);
  ReplaceAll(sql, "SET 'pipeline.name'", "SET 'execution.checkpointing.interval' = '300 ms';\nSET 'pipeline.name'");
  std::ofstream(dir / "finance.sql") << sql;
  ChildProcess producer(std::string(SLUICE_BINARY) + " produce --scenario finance --quiet --topic " + topic +
                            " --bootstrap-servers " + KafkaBootstrap() + " --count 6000 --rate 150 --seed 42",
                        dir, dir / "produce.log");
  {
    ChildProcess sluice(std::string(SLUICE_BINARY) + " run finance.sql", dir, dir / "run1.log");
    std::this_thread::sleep_for(6s);
    ASSERT_TRUE(sluice.Running()) << ReadText(dir / "run1.log");
    sluice.Signal(SIGKILL);
    sluice.Wait();
  }
  {
    ChildProcess sluice(std::string(SLUICE_BINARY) + " run finance.sql", dir, dir / "run2.log");
    std::this_thread::sleep_for(4s);
    ASSERT_EQ(RunCommand(Stack() + " down cassandra", dir, dir / "stack.log"), 0) << ReadText(dir / "stack.log");
    std::this_thread::sleep_for(30s);
    ASSERT_EQ(RunCommand(Stack() + " up cassandra", dir, dir / "stack.log"), 0) << ReadText(dir / "stack.log");
    std::this_thread::sleep_for(5s);
    EXPECT_TRUE(sluice.Running()) << ReadText(dir / "run2.log");
    sluice.Signal(SIGTERM);
    EXPECT_EQ(sluice.Wait(), 0) << ReadText(dir / "run2.log");
    // It noticed the outage, spilled, and replayed when Cassandra came back.
    const std::string log = ReadText(dir / "run2.log");
    EXPECT_NE(log.find("retrying for up to"), std::string::npos) << log;
    EXPECT_NE(log.find("Cassandra still down after"), std::string::npos) << log;
    EXPECT_NE(log.find("replayed"), std::string::npos) << log;
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir / "produce.log");
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run --bounded finance.sql", dir, dir / "run3.log"), 0)
      << ReadText(dir / "run3.log");
  ExpectTablesEqualTheRules(dir, "finance_" + suffix, topic);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

TEST(CassandraSink, WrongPasswordUnknownKeyspaceAndValuesThatDoNotFit) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_cassandra_errors_" + suffix);
  fs::create_directories(dir);
  const std::string port = std::to_string(CassandraPort());
  auto script = [&](const std::string& sink_options, const std::string& id_expression) {
    return fmt::format(R"(SET 'pipeline.name' = 'cassandra_errors_{0}';
CREATE TABLE src (n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'input.jsonl', 'format' = 'json',
  'errors.table' = 'bad');
CREATE TABLE bad (`value` STRING, reason STRING) WITH ('connector' = 'filesystem', 'path' = 'bad', 'format' = 'json');
CREATE TABLE t (id STRING, n BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'cassandra', 'port' = '{1}', 'table' = 't', 'sink.column-types' = 'id uuid', {2});
INSERT INTO t SELECT {3}, n FROM src;
)",
                       suffix, port, sink_options, id_expression);
  };
  const std::string ks = "errors_" + suffix;
  {
    std::ofstream input(dir / "input.jsonl");
    for (int n = 1; n <= 10; ++n) input << "{\"n\": " << n << "}\n";
  }
  // A wrong password: the run stops with Cassandra's message (no retrying forever).
  std::ofstream(dir / "password.sql") << script(fmt::format("'keyspace' = '{}', 'username' = 'sluice', "
                                                            "'password' = 'wrong', 'sink.create-keyspace' = 'true'", ks),
                                                "uuid()");
  EXPECT_NE(RunCommand(std::string(SLUICE_BINARY) + " run password.sql", dir, dir / "password.log"), 0);
  EXPECT_NE(ReadText(dir / "password.log").find("Bad credentials"), std::string::npos) << ReadText(dir / "password.log");
  // An unknown keyspace: says which and how to create it.
  std::ofstream(dir / "keyspace.sql") << script("'keyspace' = 'no_such_keyspace', 'username' = 'sluice', 'password' = 'sluice'",
                                                "uuid()");
  EXPECT_NE(RunCommand(std::string(SLUICE_BINARY) + " run keyspace.sql", dir, dir / "keyspace.log"), 0);
  const std::string keyspace_log = ReadText(dir / "keyspace.log");
  EXPECT_NE(keyspace_log.find("no_such_keyspace"), std::string::npos) << keyspace_log;
  EXPECT_NE(keyspace_log.find("sink.create-keyspace"), std::string::npos) << keyspace_log;
  // Ids that are not UUIDs for even n: those rows are dead letters with the reason; the others
  // are stored.
  std::ofstream(dir / "values.sql") << script(
      fmt::format("'keyspace' = '{}', 'username' = 'sluice', 'password' = 'sluice', 'sink.create-keyspace' = 'true'", ks),
      "CASE WHEN n % 2 = 0 THEN concat('id-', CAST(n AS STRING)) ELSE concat('00000000-0000-4000-8000-00000000000', CAST(n AS STRING)) END");
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run values.sql", dir, dir / "values.log"), 0)
      << ReadText(dir / "values.log");
  EXPECT_EQ(CqlRows(dir, fmt::format("SELECT id, n FROM {}.t", ks)),
            (std::vector<std::string>{"00000000-0000-4000-8000-000000000001\t1",
                                      "00000000-0000-4000-8000-000000000003\t3",
                                      "00000000-0000-4000-8000-000000000005\t5",
                                      "00000000-0000-4000-8000-000000000007\t7",
                                      "00000000-0000-4000-8000-000000000009\t9"}));
  std::string dead;
  for (const auto& entry : fs::directory_iterator(dir / "bad")) dead += ReadText(entry.path());
  for (int n : {2, 4, 6, 8}) {
    EXPECT_NE(dead.find(fmt::format("'id-{}' is not a UUID for Cassandra's uuid column", n)), std::string::npos) << dead;
  }
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

// DECIMAL(38, 6), MAP<STRING, BIGINT> and ARRAY<STRING> into the decimal, map<text, bigint> and
// list<text> columns of a table sluice creates, read back by the Python driver equal to the
// input's text; a map or list holding a NULL (which Cassandra's collections cannot) is a dead
// letter naming it, and the other rows are stored.
TEST(CassandraSink, WideDecimalsMapsAndListsRoundTrip) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_cassandra_types_" + suffix);
  fs::create_directories(dir);
  const std::string ks = "types_" + suffix;
  struct Row {
    int id;
    std::string amount;  // as written in the JSON and as the driver prints a decimal
    std::vector<std::pair<std::string, std::string>> counts;  // sorted by key
    std::vector<std::string> tags;
  };
  const std::vector<Row> rows = {
      {1, "12345678901234567890123456789012.123456", {{"a", "1"}, {"b", "-9223372036854775808"}}, {"x", "y"}},
      {2, "-99999999999999999999999999999999.999999", {}, {}},
      {3, "0.000001", {{"only", "9223372036854775807"}}, {"é東😀"}},
      {4, "-0.500000", {{"k", "0"}}, {"", "z"}},
  };
  {
    std::ofstream input(dir / "input.jsonl");
    for (const Row& r : rows) {
      std::string counts, tags;
      for (const auto& [k, v] : r.counts) counts += fmt::format("{}\"{}\": {}", counts.empty() ? "" : ", ", k, v);
      for (const auto& t : r.tags) tags += fmt::format("{}\"{}\"", tags.empty() ? "" : ", ", t);
      input << fmt::format("{{\"id\": {}, \"amount\": {}, \"counts\": {{{}}}, \"tags\": [{}]}}\n", r.id,
                           r.amount, counts, tags);
    }
    // Collections holding a NULL: dead letters.
    input << "{\"id\": 5, \"amount\": 1.000000, \"counts\": {\"n\": null}, \"tags\": []}\n";
    input << "{\"id\": 6, \"amount\": 2.000000, \"counts\": {}, \"tags\": [\"a\", null]}\n";
  }
  std::ofstream(dir / "types.sql") << fmt::format(R"(SET 'pipeline.name' = 'cassandra_types_{0}';
CREATE TABLE src (id INT, amount DECIMAL(38, 6), counts MAP<STRING, BIGINT>, tags ARRAY<STRING>) WITH (
  'connector' = 'filesystem', 'path' = 'input.jsonl', 'format' = 'json', 'errors.table' = 'bad');
CREATE TABLE bad (`value` STRING, reason STRING) WITH ('connector' = 'filesystem', 'path' = 'bad', 'format' = 'json');
CREATE TABLE t (id INT, amount DECIMAL(38, 6), counts MAP<STRING, BIGINT>, tags ARRAY<STRING>,
  PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'cassandra', 'port' = '{1}', 'keyspace' = '{2}',
  'table' = 't', 'username' = 'sluice', 'password' = 'sluice', 'sink.create-keyspace' = 'true');
INSERT INTO t SELECT * FROM src;
)",
                                                   suffix, CassandraPort(), ks);
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run types.sql", dir, dir / "types.log"), 0)
      << ReadText(dir / "types.log");
  std::vector<std::string> want;
  for (const Row& r : rows) {
    // Cassandra stores an empty collection as no value: the driver gives None.
    std::string counts = r.counts.empty() ? "null" : "{";
    for (size_t i = 0; i < r.counts.size(); ++i) {
      counts += (i ? ", " : "") + r.counts[i].first + ": " + r.counts[i].second;
    }
    if (!r.counts.empty()) counts += "}";
    std::string tags = r.tags.empty() ? "null" : "[";
    for (size_t i = 0; i < r.tags.size(); ++i) tags += (i ? ", " : "") + r.tags[i];
    if (!r.tags.empty()) tags += "]";
    want.push_back(fmt::format("{}\t{}\t{}\t{}", r.id, r.amount, counts, tags));
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(CqlRows(dir, fmt::format("SELECT id, amount, counts, tags FROM {}.t", ks)), want);
  std::string dead;
  for (const auto& entry : fs::directory_iterator(dir / "bad")) dead += ReadText(entry.path());
  EXPECT_NE(dead.find("the value of entry 0 is NULL, which a Cassandra map cannot hold"), std::string::npos) << dead;
  EXPECT_NE(dead.find("element 1 is NULL, which a Cassandra collection cannot hold"), std::string::npos) << dead;
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
