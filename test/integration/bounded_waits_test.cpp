// No hang: every wait has a bound and SIGTERM/SIGINT end any phase within seconds — start-up
// against brokers that do not answer, `sluice spill replay` against a database that is down —
// and a second process of a pipeline stops at once instead of fencing the first in turn.
#include <gtest/gtest.h>

#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class BoundedWaits : public ::testing::Test {
 protected:
  BoundedWaits()
      : suffix_(UniqueSuffix()), dir_(fs::temp_directory_path() / ("sluice_waits_" + suffix_)) {
    fs::create_directories(dir_);
  }
  ~BoundedWaits() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Generated payments into `sink_options`, as file `name`.
  fs::path Write(const std::string& name, const std::string& settings,
                 const std::string& sink_options) const {
    fs::path file = dir_ / name;
    std::ofstream(file) << settings
                        << "CREATE TABLE src (customer_id STRING, amount INT) WITH ("
                           "'connector' = 'datagen', 'scenario' = 'cashback', "
                           "'rows-per-second' = '100');\n"
                           "CREATE TABLE dst (customer_id STRING, amount INT) WITH ("
                        << sink_options << ");\nINSERT INTO dst SELECT customer_id, amount FROM src;\n";
    return file;
  }

  // Starts `command`, sends `signal` after `after`, and returns the exit code and how long the
  // process took to end after the signal.
  std::pair<int, double> SignalAfter(const std::string& command, std::chrono::milliseconds after,
                                     int signal, const fs::path& log) const {
    ChildProcess child(command, dir_, log);
    std::this_thread::sleep_for(after);
    EXPECT_TRUE(child.Running()) << "ended before the signal:\n" << ReadText(log);
    const auto sent = Clock::now();
    child.Signal(signal);
    // Waits at most 60 s, then kills: a hang fails the test instead of holding CI.
    while (child.Running() && Clock::now() - sent < 60s) std::this_thread::sleep_for(20ms);
    const double seconds = std::chrono::duration<double>(Clock::now() - sent).count();
    if (child.Running()) child.Signal(SIGKILL);
    return {child.Wait(), seconds};
  }

  std::string suffix_;
  fs::path dir_;
};

const std::string kUnreachableKafka =
    "'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:1', "
    "'sink.delivery-guarantee' = 'exactly-once'";

TEST_F(BoundedWaits, SigtermEndsAStartThatWaitsForBrokers) {
  fs::path file = Write("unreachable.sql", "SET 'pipeline.name' = 'waits_" + suffix_ + "';\n",
                        kUnreachableKafka);
  for (int signal : {SIGTERM, SIGINT}) {
    const fs::path log = dir_ / ("signal_" + std::to_string(signal) + ".log");
    auto [code, seconds] =
        SignalAfter(std::string(SLUICE_BINARY) + " run " + file.string(), 3s, signal, log);
    EXPECT_EQ(code, 0) << ReadText(log);
    EXPECT_LT(seconds, 5.0) << "took " << seconds << " s to stop:\n" << ReadText(log);
    EXPECT_NE(ReadText(log).find("stopped by request before the pipeline started"),
              std::string::npos)
        << ReadText(log);
  }
}

// Brokers that never answer, and SASL against the stack's plaintext listener (the handshake
// fails over and over): a clear error within 'pipeline.startup-timeout', the password unsaid.
TEST_F(BoundedWaits, UnreachableBrokersAreAnErrorWithinTheStartupTimeout) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"127.0.0.1:1", kUnreachableKafka},
      {KafkaBootstrap(),
       "'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '" +
           KafkaBootstrap() +
           "', 'properties.security.protocol' = 'SASL_PLAINTEXT', "
           "'properties.sasl.mechanism' = 'PLAIN', 'properties.sasl.username' = 'u', "
           "'properties.sasl.password' = 'SaslSecret9', 'sink.delivery-guarantee' = 'exactly-once'"}};
  for (const auto& [bootstrap, options] : cases) {
    fs::path file = Write("timeout.sql",
                          "SET 'pipeline.name' = 'waits_t_" + suffix_ +
                              "';\nSET 'pipeline.startup-timeout' = '3 s';\n",
                          options);
    const fs::path log = dir_ / "timeout.log";
    fs::remove(log);
    const auto started = Clock::now();
    int code = RunCommand(std::string(SLUICE_BINARY) + " run " + file.string(), dir_, log);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const std::string text = ReadText(log);
    EXPECT_EQ(code, 1) << text;
    EXPECT_LT(seconds, 15.0) << text;
    EXPECT_NE(text.find("the pipeline did not start within 3 s ('pipeline.startup-timeout')"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Kafka at " + bootstrap + " did not set up transactions"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("SaslSecret9"), std::string::npos) << text;
  }
}

TEST_F(BoundedWaits, ASecondProcessOfAPipelineStopsAtOnce) {
  fs::path file = Write("twice.sql", "SET 'pipeline.name' = 'twice_" + suffix_ + "';\n",
                        "'connector' = 'blackhole'");
  const fs::path first_log = dir_ / "first.log";
  ChildProcess first(std::string(SLUICE_BINARY) + " run " + file.string(), dir_, first_log);
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(first.Running()) << ReadText(first_log);
  const fs::path second_log = dir_ / "second.log";
  const auto started = Clock::now();
  int code = RunCommand(std::string(SLUICE_BINARY) + " run " + file.string(), dir_, second_log);
  EXPECT_LT(Clock::now() - started, 5s);
  EXPECT_EQ(code, 1) << ReadText(second_log);
  const std::string text = ReadText(second_log);
  EXPECT_NE(text.find("pipeline 'twice_" + suffix_ + "' is already running in this folder (process " +
                      std::to_string(first.pid()) + ","),
            std::string::npos)
      << text;
  EXPECT_TRUE(first.Running()) << "the first process must go on:\n" << ReadText(first_log);
  first.Signal(SIGTERM);
  EXPECT_EQ(first.Wait(), 0) << ReadText(first_log);
  // The lock goes with the process, also after kill -9: the next run starts.
  ChildProcess killed(std::string(SLUICE_BINARY) + " run " + file.string(), dir_, first_log);
  std::this_thread::sleep_for(1000ms);
  killed.Signal(SIGKILL);
  killed.Wait();
  const fs::path third_log = dir_ / "third.log";
  auto [third_code, seconds] = SignalAfter(std::string(SLUICE_BINARY) + " run " + file.string(),
                                           1500ms, SIGTERM, third_log);
  EXPECT_EQ(third_code, 0) << ReadText(third_log);
  EXPECT_EQ(ReadText(third_log).find("already running"), std::string::npos) << ReadText(third_log);
}

TEST_F(BoundedWaits, SpillReplayStopsCleanlyOnSigterm) {
  // A database that does not answer: the replay waits for it, and SIGTERM ends the wait.
  fs::path file = Write("replay.sql", "SET 'pipeline.name' = 'replay_" + suffix_ + "';\n",
                        "'connector' = 'postgres', 'url' = 'postgresql://sluice@127.0.0.1:1/sluice', "
                        "'sink.retry.timeout' = '60 s'");
  const fs::path log = dir_ / "replay.log";
  auto [code, seconds] = SignalAfter(std::string(SLUICE_BINARY) + " spill replay " + file.string(),
                                     2s, SIGTERM, log);
  EXPECT_EQ(code, 1) << "not killed by the signal (143), and not done:\n" << ReadText(log);
  EXPECT_LT(seconds, 3.0) << ReadText(log);
}

}  // namespace
}  // namespace sluice::testing
