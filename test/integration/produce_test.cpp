// `sluice produce` against the real broker: scenario records arrive exactly as the seeded
// generator makes them, and --file replays each of the three file shapes.
#include <gtest/gtest.h>

#include "connector/datagen/scenario_generator.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

std::vector<std::string> Values(const std::vector<KafkaRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.value);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Produce, ScenarioRecordsAreTheSeededGeneratorsRecords) {
  fs::path dir = fs::temp_directory_path() / ("sluice_produce_" + UniqueSuffix());
  fs::create_directories(dir);
  const std::string topic = "produce_scenario_" + UniqueSuffix();
  int code = RunCommand(std::string(SLUICE_BINARY) + " produce --quiet --scenario purchases --topic " +
                            topic + " --bootstrap-servers " + KafkaBootstrap() +
                            " --count 3000 --seed 5 --bad-fraction 0.1 --partitions 2 "
                            "--start-time '2024-01-01 00:00:00'",
                        dir, dir / "log");
  ASSERT_EQ(code, 0) << ReadText(dir / "log");
  EXPECT_NE(ReadText(dir / "log").find("produced 3000 records"), std::string::npos);

  GeneratorConfig config;
  config.seed = 5;
  config.bad_fraction = 0.1;
  config.base_time_ms = 1704067200000;  // 2024-01-01 00:00:00 UTC
  auto generator = ScenarioGenerator::Make("purchases", config);
  ASSERT_TRUE(generator.ok());
  std::vector<std::string> want;
  std::map<std::string, std::string> key_of;
  GeneratedRecord record;
  for (int i = 0; i < 3000; ++i) {
    (*generator)->Next(record);
    want.push_back(record.value);
  }
  std::sort(want.begin(), want.end());
  std::vector<KafkaRecord> got = ReadTopic(topic);
  std::set<int32_t> partitions;
  for (const auto& r : got) partitions.insert(r.partition);
  EXPECT_EQ(partitions.size(), 2u) << "--partitions 2 creates two partitions, both used";
  EXPECT_EQ(Values(got), want);
  fs::remove_all(dir);
}

TEST(Produce, FileReplaysArraysObjectsAndJsonLines) {
  fs::path dir = fs::temp_directory_path() / ("sluice_produce_file_" + UniqueSuffix());
  fs::create_directories(dir);
  struct Case {
    std::string name, text;
    std::vector<std::string> want;
  };
  std::vector<Case> cases = {
      {"array", "[{\"id\": 1, \"c\": \"x\"}, {\"id\": 2}, 3, \"four\"]",
       {"{\"id\":1,\"c\":\"x\"}", "{\"id\":2}", "3", "\"four\""}},
      {"object", "{\"a\": {\"id\": 1}, \"b\": {\"id\": 2}}", {"{\"id\":1}", "{\"id\":2}"}},
      // Lines are sent as written, a broken one included, blank lines skipped.
      {"lines", "{\"id\": 1}\n\n{\"id\": 2}\r\nnot json {\n", {"{\"id\": 1}", "{\"id\": 2}", "not json {"}},
  };
  for (auto& c : cases) {
    std::ofstream(dir / (c.name + ".json")) << c.text;
    const std::string topic = "produce_file_" + c.name + "_" + UniqueSuffix();
    int code = RunCommand(std::string(SLUICE_BINARY) + " produce --quiet --file " +
                              (dir / (c.name + ".json")).string() + " --key-field id --topic " +
                              topic + " --bootstrap-servers " + KafkaBootstrap(),
                          dir, dir / "log");
    ASSERT_EQ(code, 0) << ReadText(dir / "log");
    std::sort(c.want.begin(), c.want.end());
    std::vector<KafkaRecord> got = ReadTopic(topic);
    EXPECT_EQ(Values(got), c.want) << c.name;
    for (const auto& r : got) {
      if (r.value.find("\"id\"") != std::string::npos && r.value.front() == '{') {
        EXPECT_TRUE(r.has_key) << c.name << ": " << r.value;
        EXPECT_NE(r.value.find(r.key), std::string::npos) << "the key is the id: " << r.value;
      }
    }
  }
  int code = RunCommand(std::string(SLUICE_BINARY) + " produce --topic t", dir, dir / "usage.log");
  EXPECT_EQ(code, 2) << "neither --scenario nor --file is a usage error";
  EXPECT_NE(ReadText(dir / "usage.log").find("--scenario or --file"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
