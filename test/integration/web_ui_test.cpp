// The web UI in a real browser: `sluice run --http 127.0.0.1:0` on a Kafka pipeline (a WHERE, a
// projection, an aggregation, a dead-letter table), driven in headless Chromium by
// web_ui_check.py (Selenium, Debian's chromium and chromium-driver). The test produces the
// records and computes what the page must show with its own code: records read, rows through the
// WHERE, the bad record's raw value; the script compares the page with that and with the plan it
// reads from /api/pipeline itself. Screenshots stay in the test's folder under the build tree
// (web_ui_test/screenshots), for CI to keep.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <regex>
#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

struct Payment {
  int64_t id;
  std::string customer;
  int amount;
  std::string Json() const {
    return fmt::format(R"({{"id":{},"customer_id":"{}","amount":{}}})", id, customer, amount);
  }
};

Payment MakePayment(int64_t i) {
  return {i, fmt::format("c{}", i % 7), static_cast<int>((i * 37) % 1000)};
}

// Waits for `done` up to `limit`, checking every 100 ms; false on timeout.
template <typename Done>
bool WaitFor(std::chrono::steady_clock::duration limit, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

// Writes a file whole: to a temporary name, then renamed, so a reader never sees half of it.
void WriteAtomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  std::ofstream(tmp) << text;
  fs::rename(tmp, path);
}

// Lines of the committed files under `folder` (hidden in-progress files skipped).
std::vector<std::string> CommittedLines(const fs::path& folder) {
  std::vector<std::string> lines;
  if (!fs::exists(folder)) return lines;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.starts_with(".") || name.starts_with("_")) continue;
    if (entry.path().string().find("/_") != std::string::npos) continue;  // _sluice_log/
    std::istringstream in(ReadText(entry.path()));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
  }
  return lines;
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

TEST(WebUi, ShowsThePlanLiveCountersAndDeadLettersInHeadlessChromium) {
  const std::string python = std::string(SLUICE_SOURCE_DIR) + "/.deps/python/bin/python";
  const std::string script = std::string(SLUICE_SOURCE_DIR) + "/test/integration/web_ui_check.py";
  for (const std::string& needed : {python, std::string("/usr/bin/chromium"),
                                    std::string("/usr/bin/chromedriver")}) {
    ASSERT_TRUE(fs::exists(needed))
        << needed << " is missing: scripts/setup installs it (Debian's chromium and "
        << "chromium-driver, Selenium in .deps/python)";
  }

  // The test's folder, under the build tree (ctest runs tests in build/<type>/test): the newest
  // run's screenshots and logs stay there.
  const fs::path dir = fs::current_path() / "web_ui_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string suffix = UniqueSuffix();
  const std::string topic = "web_ui_in_" + suffix;

  // Expected counts, from the records themselves.
  int64_t next_id = 0, through_where = 0;
  auto payments = [&](int count) {
    std::vector<std::string> values;
    for (int i = 0; i < count; ++i) {
      const Payment p = MakePayment(next_id++);
      if (p.amount > 500) ++through_where;
      values.push_back(p.Json());
    }
    return values;
  };
  ProduceRaw(topic, payments(300));
  const int64_t first_total = 300;
  const int64_t first_through = through_where;

  const std::string sql = fmt::format(R"(
SET 'pipeline.name' = 'web_ui_{suffix}';
SET 'execution.checkpointing.interval' = '300 ms';
CREATE TABLE payments (id BIGINT, customer_id STRING, amount INT)
WITH ('connector' = 'kafka', 'topic' = '{topic}', 'format' = 'json',
      'properties.bootstrap.servers' = '{bootstrap}', 'properties.group.id' = 'web_ui_{suffix}',
      'scan.startup.mode' = 'earliest-offset',
      'errors' = 'dead-letter', 'errors.table' = 'bad_payments');
CREATE TABLE bad_payments (value STRING, reason STRING, `offset` BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'dead', 'format' = 'json');
CREATE TABLE big_payments (id BIGINT, customer STRING, cashback DOUBLE)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'json');
INSERT INTO big_payments
SELECT id, upper(customer_id) AS customer, amount * 0.15 AS cashback FROM payments
WHERE amount > 500;
CREATE TABLE totals (customer_id STRING, total BIGINT, PRIMARY KEY (customer_id) NOT ENFORCED)
WITH ('connector' = 'blackhole');
INSERT INTO totals SELECT customer_id, sum(amount) FROM payments GROUP BY customer_id;
)",
                                      fmt::arg("suffix", suffix), fmt::arg("topic", topic),
                                      fmt::arg("bootstrap", KafkaBootstrap()));
  std::ofstream(dir / "pipeline.sql") << sql;

  const auto started = std::chrono::steady_clock::now();
  ChildProcess sluice(std::string(SLUICE_BINARY) + " run pipeline.sql --http 127.0.0.1:0", dir,
                      dir / "sluice.log");
  // sluice logs "web UI at http://127.0.0.1:<port>/" once it listens.
  std::string url;
  const std::regex address(R"(web UI at (http://127\.0\.0\.1:[0-9]+/))");
  ASSERT_TRUE(WaitFor(60s, [&] {
    std::smatch m;
    const std::string log = ReadText(dir / "sluice.log");
    if (std::regex_search(log, m, address)) url = m[1];
    return !url.empty() || !sluice.Running();
  })) << "sluice did not print its web UI's address within 60 s:\n" << ReadText(dir / "sluice.log");
  ASSERT_FALSE(url.empty()) << "sluice stopped before serving its web UI:\n"
                            << ReadText(dir / "sluice.log");

  WriteAtomically(dir / "expect1.json",
                  fmt::format(R"({{"records_read": {}, "sink_rows": {{"sink:big_payments": {}}}}})",
                              first_total, first_through));
  ChildProcess check(python + " " + script + " --url " + url + " --dir " + dir.string() +
                         " --chromium /usr/bin/chromium --chromedriver /usr/bin/chromedriver" +
                         " --timeout 60",
                     dir, dir / "check.log");
  auto stop_check = [&] {  // the script's own waits are bounded; this is the backstop
    check.Signal(SIGTERM);
    if (!WaitFor(15s, [&] { return !check.Running(); })) kill(-check.pid(), SIGKILL);
    check.Wait();
  };

  // The first look done, more records while the page watches: good ones and one that is not JSON.
  if (!WaitFor(180s, [&] { return fs::exists(dir / "phase1.done") || !check.Running(); })) {
    stop_check();
    FAIL() << "web_ui_check.py took no first look within 180 s:\n" << ReadText(dir / "check.log");
  }
  ASSERT_TRUE(fs::exists(dir / "phase1.done"))
      << "web_ui_check.py failed:\n" << ReadText(dir / "check.log") << "\nsluice's log:\n"
      << ReadText(dir / "sluice.log");
  const std::string bad = "this is not JSON " + suffix;
  std::vector<std::string> more = payments(250);
  more.insert(more.begin() + 100, bad);
  const std::vector<std::string> rest = payments(250);
  more.insert(more.end(), rest.begin(), rest.end());
  ProduceRaw(topic, more, /*create=*/false);
  const int64_t total = first_total + static_cast<int64_t>(more.size());
  ASSERT_GT(through_where, first_through);
  WriteAtomically(dir / "expect2.json",
                  fmt::format(R"({{"records_read": {}, "sink_rows": {{"sink:big_payments": {}}}, )"
                              R"("dead_letter": {{"value": {}, "topic": {}}}}})",
                              total, through_where, JsonString(bad), JsonString(topic)));

  if (!WaitFor(240s, [&] { return !check.Running(); })) {
    stop_check();
    FAIL() << "web_ui_check.py did not finish within 240 s:\n" << ReadText(dir / "check.log");
  }
  EXPECT_EQ(check.Wait(), 0) << "web_ui_check.py:\n" << ReadText(dir / "check.log")
                             << "\nsluice's log:\n" << ReadText(dir / "sluice.log");

  // A clean stop on SIGTERM, every sink committed: exit code 0.
  sluice.Signal(SIGTERM);
  if (!WaitFor(60s, [&] { return !sluice.Running(); })) {
    ADD_FAILURE() << "sluice did not stop within 60 s of SIGTERM:\n"
                  << ReadText(dir / "sluice.log");
    sluice.Signal(SIGKILL);
  }
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(dir / "sluice.log");

  // What the page showed is what the pipeline did: the files hold the rows and the dead letter.
  EXPECT_EQ(static_cast<int64_t>(CommittedLines(dir / "out").size()), through_where);
  const std::vector<std::string> letters = CommittedLines(dir / "dead");
  ASSERT_EQ(letters.size(), 1u) << ReadText(dir / "sluice.log");
  EXPECT_NE(letters[0].find(bad), std::string::npos) << letters[0];
  const auto took = std::chrono::steady_clock::now() - started;
  std::cout << "web UI test took " << std::chrono::duration_cast<std::chrono::seconds>(took).count()
            << " s; screenshots in " << (dir / "screenshots").string() << "\n";
}

}  // namespace
}  // namespace sluice::testing
