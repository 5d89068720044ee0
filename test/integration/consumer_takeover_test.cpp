// Two processes running one pipeline share its consumer's group.instance.id: each rejoining the
// group fences the other. A lone fencing is taken for the group coordinator moving (it happens
// on broker restarts) and healed by a restart; fencing after fencing within minutes means another
// instance holds the identity, and one of the two must stop saying so, not ping-pong forever.
#include <gtest/gtest.h>

#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(ConsumerTakeover, SecondInstanceOfAPipelineMakesOneStopWithTheReason) {
  const std::string suffix = UniqueSuffix();
  const std::string topic = "takeover_" + suffix;
  std::vector<std::string> values;
  for (int i = 0; i < 50; ++i) values.push_back(R"({"n":)" + std::to_string(i) + "}");
  ProduceRaw(topic, values);

  const fs::path root = fs::temp_directory_path() / ("sluice_takeover_" + suffix);
  std::vector<fs::path> dirs = {root / "a", root / "b"};
  for (const fs::path& dir : dirs) {
    fs::create_directories(dir);
    // The same pipeline name, so the same consumer group and group.instance.id; each instance
    // writes its own folder.
    std::ofstream(dir / "pipeline.sql") << R"(
SET 'pipeline.name' = 'takeover_)" + suffix + R"(';
SET 'pipeline.restart-delay' = '1 s';
CREATE TABLE records (n BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = ')" + topic + R"(',
  'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);
CREATE TABLE out (n BIGINT) WITH ('connector' = 'filesystem', 'path' = ')" +
                                          (dir / "out").string() + R"(');
INSERT INTO out SELECT n FROM records;
)";
  }
  const std::string run = std::string(SLUICE_BINARY) + " run pipeline.sql";
  ChildProcess first(run, dirs[0], dirs[0] / "log");
  // The first instance reads the topic before the second one starts.
  const auto started = std::chrono::steady_clock::now();
  while (!fs::exists(dirs[0] / "out") || fs::is_empty(dirs[0] / "out")) {
    ASSERT_TRUE(first.Running()) << ReadText(dirs[0] / "log");
    ASSERT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60))
        << "the first instance wrote nothing: " << ReadText(dirs[0] / "log");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ChildProcess second(run, dirs[1], dirs[1] / "log");

  // Each side needs kFencingsMeaningTakeover (3) fencings, a restart (1 s) and a rejoin apart.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (first.Running() && second.Running()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "both instances still run, fencing each other:\n--- first\n"
        << ReadText(dirs[0] / "log") << "\n--- second\n" << ReadText(dirs[1] / "log");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ChildProcess& stopped = first.Running() ? second : first;
  ChildProcess& survivor = first.Running() ? first : second;
  const fs::path stopped_log = (&stopped == &first ? dirs[0] : dirs[1]) / "log";
  EXPECT_NE(stopped.Wait(), 0);
  const std::string log = ReadText(stopped_log);
  EXPECT_NE(log.find("another instance of this pipeline took over its partitions of '" + topic),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("fenced 3 times"), std::string::npos) << log;

  // The survivor goes on as the pipeline's one instance and stops cleanly when asked.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_TRUE(survivor.Running());
  survivor.Signal(SIGTERM);
  EXPECT_EQ(survivor.Wait(), 0);
  fs::remove_all(root);
}

}  // namespace
}  // namespace sluice::testing
