// examples/purchases.sql end to end on the real broker, fed by `sluice produce`: the console
// shows the whole table of 10-minute totals (complete mode) at every trigger, and the last one
// equals the totals recomputed from the input topic with plain code.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <ctime>
#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

std::string FormatUtc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

// The console tables printed so far: per "Batch: N", its rows as "start|end|total".
std::vector<std::vector<std::string>> ConsoleBatches(const std::string& log) {
  std::vector<std::vector<std::string>> batches;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Batch: ", 0) == 0) {
      batches.emplace_back();
      continue;
    }
    if (batches.empty() || line.empty() || line[0] != '|' ||
        line.find("window_start") != std::string::npos) {
      continue;
    }
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cells.push_back(cell);
    }
    if (cells.size() == 3) batches.back().push_back(cells[0] + "|" + cells[1] + "|" + cells[2]);
  }
  return batches;
}

TEST(PurchasesKafka, CompleteModeTotalsEqualTotalsRecomputedFromTheTopic) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_purchases_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "purchases_in_" + suffix;
  const std::string errors_topic = "purchases_errors_" + suffix;
  std::string sql = ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/purchases.sql");
  ReplaceAll(sql, "'topic' = 'purchases'", "'topic' = '" + topic + "'");
  ReplaceAll(sql, "'topic' = 'purchases_errors'", "'topic' = '" + errors_topic + "'");
  ReplaceAll(sql, "'pipeline.name' = 'purchases'", "'pipeline.name' = 'purchases_" + suffix + "'");
  ReplaceAll(sql, "'127.0.0.1:9092'", "'" + KafkaBootstrap() + "'");
  ASSERT_NE(sql.find(topic), std::string::npos);
  std::ofstream(dir / "purchases.sql") << sql;

  // 30,000 purchases over ~5 s, 1% malformed, while the pipeline runs with a 1 s trigger.
  ChildProcess producer(std::string(SLUICE_BINARY) + " produce --quiet --scenario purchases --topic " +
                            topic + " --bootstrap-servers " + KafkaBootstrap() +
                            " --count 30000 --rate 6000 --seed 11 --bad-fraction 0.01 --partitions 3",
                        dir, dir / "produce.log");
  ChildProcess sluice(std::string(SLUICE_BINARY) + " run purchases.sql --set trigger.interval=1s",
                      dir, dir / "run.log");
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir / "produce.log");

  // The expected totals, from the topic as written: window start = ts rounded down to 600 s.
  std::map<int64_t, int64_t> totals;
  uint64_t malformed = 0;
  simdjson::dom::parser parser;
  std::vector<KafkaRecord> input = ReadTopic(topic);
  ASSERT_EQ(input.size(), 30000u);
  for (const auto& r : input) {
    simdjson::dom::element doc;
    int64_t ts = 0, price = 0;
    if (parser.parse(r.value).get(doc) || doc["ts"].get_int64().get(ts) ||
        doc["price"].get_int64().get(price)) {
      ++malformed;
      continue;
    }
    int64_t start = ts - ((ts % 600) + 600) % 600;
    totals[start] += price;
  }
  ASSERT_GT(malformed, 0u);
  std::vector<std::string> want;
  for (const auto& [start, total] : totals) {
    want.push_back(FormatUtc(start) + "|" + FormatUtc(start + 600) + "|" + std::to_string(total));
  }

  // Complete mode: each trigger prints the whole table; wait for the one with everything.
  std::vector<std::vector<std::string>> batches;
  for (int i = 0; i < 60; ++i) {
    batches = ConsoleBatches(ReadText(dir / "run.log"));
    if (!batches.empty() && batches.back() == want) break;
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(sluice.Running()) << ReadText(dir / "run.log");
  sluice.Signal(SIGINT);
  EXPECT_EQ(sluice.Wait(), 0) << ReadText(dir / "run.log");
  ASSERT_FALSE(batches.empty()) << ReadText(dir / "run.log");
  ExpectSameRows(batches.back(), want, "the last complete table");
  // Every trigger while records arrived printed the whole table so far: windows only gain.
  EXPECT_GE(batches.size(), 3u) << "a 1 s trigger over ~5 s of input prints several tables";
  for (size_t b = 0; b + 1 < batches.size(); ++b) {
    EXPECT_LE(batches[b].size(), batches[b + 1].size()) << "batch " << b;
  }
  const std::string log = ReadText(dir / "run.log");
  EXPECT_NE(log.find(std::to_string(malformed) + " dead-lettered"), std::string::npos) << log;
  EXPECT_EQ(ReadTopic(errors_topic).size(), malformed);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
