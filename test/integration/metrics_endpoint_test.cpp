// `sluice run --http`: /metrics checked by Prometheus' own promtool and parsed against what the
// test produced to Kafka, /healthz and /readyz, `sluice status`, JSON log lines, SET
// 'rest.port', and the live status line on a terminal.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <cstdio>
#include <thread>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

// Prometheus text: "name{labels}" -> value, for every sample line.
std::map<std::string, double> ParseExposition(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

// The sum of the samples of `name` whose labels include every one of `labels` ("k=\"v\"").
double Sum(const std::map<std::string, double>& samples, const std::string& name,
           const std::vector<std::string>& labels = {}) {
  double sum = 0;
  for (const auto& [series, value] : samples) {
    if (series != name && series.compare(0, name.size() + 1, name + "{") != 0) continue;
    bool all = true;
    for (const auto& l : labels) all = all && series.find(l) != std::string::npos;
    if (all) sum += value;
  }
  return sum;
}

std::string WaitForUrl(const fs::path& log) {
  const std::regex url(R"(http://127\.0\.0\.1:[0-9]+/)");
  for (int i = 0; i < 600; ++i) {
    std::smatch m;
    const std::string text = ReadText(log);
    if (std::regex_search(text, m, url)) return m.str();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "sluice did not print the address of its HTTP endpoint:\n" << ReadText(log);
  return {};
}

std::string Get(const std::string& url, const std::string& path, int* status = nullptr) {
  httplib::Client client(url.substr(0, url.size() - 1));  // without the trailing '/'
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get(path.c_str());
  if (!res) return {};
  if (status) *status = res->status;
  return res->body;
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sluice_metrics_" + UniqueSuffix());
    fs::create_directories(dir_);
    topic_ = "metrics_in_" + UniqueSuffix();
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path WriteScript(const std::string& extra = "") {
    const fs::path file = dir_ / "pipeline.sql";
    std::ofstream(file) << "SET 'pipeline.name' = 'metrics_" << UniqueSuffix() << "';\n"
                        << extra << R"(
CREATE TABLE events (id BIGINT, amount INT) WITH (
  'connector' = 'kafka', 'topic' = ')" << topic_ << R"(',
  'properties.bootstrap.servers' = ')" << KafkaBootstrap() << R"(',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json',
  'errors' = 'dead-letter', 'errors.table' = 'dlq');
CREATE TABLE dlq (value STRING, reason STRING) WITH ('connector' = 'blackhole');
CREATE TABLE big (id BIGINT, amount INT) WITH ('connector' = 'blackhole');
INSERT INTO big SELECT id, amount FROM events WHERE amount >= 50;
)";
    return file;
  }

  fs::path dir_;
  std::string topic_;
};

TEST_F(MetricsEndpointTest, MetricsPassPromtoolAndCountWhatWasProduced) {
  // 300 good records (amount = i % 100, so the WHERE keeps those with i % 100 >= 50) and 7
  // that are not JSON, over 3 partitions.
  std::vector<std::string> values;
  uint64_t kept = 0;
  for (int i = 0; i < 300; ++i) {
    values.push_back(fmt::format(R"({{"id": {}, "amount": {}}})", i, i % 100));
    if (i % 100 >= 50) ++kept;
  }
  for (int i = 0; i < 7; ++i) values.push_back(fmt::format("not json {}", i));
  ProduceRaw(topic_, values);
  // Where each partition ends, read back independently.
  // (Keyless records may all land in one partition: librdkafka batches them stickily.)
  std::map<int32_t, int64_t> per_partition = {{0, 0}, {1, 0}, {2, 0}};
  for (const auto& r : ReadTopic(topic_)) ++per_partition[r.partition];
  ASSERT_EQ(per_partition.size(), 3u);

  const fs::path log = dir_ / "run.log";
  ChildProcess run(std::string(SLUICE_BINARY) + " run " + WriteScript().string() +
                       " --http 127.0.0.1:0 --log-format json",
                   dir_, log);
  const std::string url = WaitForUrl(log);
  ASSERT_FALSE(url.empty());

  // Until every record is read and a checkpoint has completed (bounded: 60 s).
  simdjson::dom::parser parser;
  auto read_and_checkpoints = [&]() -> std::pair<uint64_t, uint64_t> {
    const std::string body = Get(url, "/api/pipeline");
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc)) return {0, 0};
    uint64_t read = 0, completed = 0;
    if (doc["sources"].at(0)["read"].get(read) || doc["checkpoints"]["completed"].get(completed)) {
      return {0, 0};
    }
    return {read, completed};
  };
  auto wait_for = [&](uint64_t records) {
    for (int i = 0; i < 600; ++i) {
      auto [read, completed] = read_and_checkpoints();
      if (read == records && completed >= 1) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  ASSERT_TRUE(wait_for(values.size())) << Get(url, "/api/pipeline") << "\n" << ReadText(log);
  // A checkpoint after the last record: sinks and balance are up to date.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));

  const std::string text = Get(url, "/metrics");
  std::ofstream(dir_ / "metrics.txt") << text;
  EXPECT_EQ(RunCommand("promtool check metrics < metrics.txt", dir_, dir_ / "promtool.log"), 0)
      << ReadText(dir_ / "promtool.log");

  const auto samples = ParseExposition(text);
  EXPECT_EQ(Sum(samples, "sluice_source_records_total", {"table=\"events\""}), 307) << text;
  for (const auto& [partition, records] : per_partition) {
    const std::string p = fmt::format("partition=\"{}\"", partition);
    EXPECT_EQ(Sum(samples, "sluice_source_records_total", {p}), records) << p;
    EXPECT_EQ(Sum(samples, "sluice_source_end_offset", {p}), records) << p;
    EXPECT_EQ(Sum(samples, "sluice_source_position_offset", {p}), records) << p;
    EXPECT_EQ(Sum(samples, "sluice_source_consumer_lag_records", {p}), 0) << p;
  }
  EXPECT_EQ(Sum(samples, "sluice_source_records_decoded_total"), 300);
  EXPECT_EQ(Sum(samples, "sluice_source_dead_letters_total", {"reason=\"malformed\""}), 7);
  EXPECT_EQ(Sum(samples, "sluice_source_dead_letters_total", {"reason=\"late\""}), 0);
  EXPECT_EQ(Sum(samples, "sluice_sink_rows_total", {"table=\"big\""}), kept);
  EXPECT_EQ(Sum(samples, "sluice_sink_rows_total", {"table=\"dlq\"", "dead_letters=\"true\""}), 7);
  EXPECT_EQ(Sum(samples, "sluice_operator_rows_dropped_total", {"kind=\"Filter\"", "reason=\"filtered\""}),
            300 - kept);
  const double checkpoints = Sum(samples, "sluice_checkpoints_total");
  EXPECT_GE(checkpoints, 2);
  EXPECT_EQ(Sum(samples, "sluice_checkpoint_duration_seconds_count"), checkpoints);
  EXPECT_EQ(Sum(samples, "sluice_checkpoint_duration_seconds_bucket", {"le=\"+Inf\""}), checkpoints);
  EXPECT_GT(Sum(samples, "sluice_checkpoint_last_success_timestamp_seconds"), 1.7e9);
  EXPECT_EQ(Sum(samples, "sluice_checkpoint_failures_total"), 0);
  EXPECT_EQ(Sum(samples, "sluice_reconciliation_unaccounted_records"), 0);
  EXPECT_GT(Sum(samples, "process_resident_memory_bytes"), 1e6);

  int status = 0;
  Get(url, "/healthz", &status);
  EXPECT_EQ(status, 200);
  Get(url, "/readyz", &status);
  EXPECT_EQ(status, 200) << Get(url, "/readyz");
  Get(url, "/no-such-page", &status);
  EXPECT_EQ(status, 404);

  // `sluice status` prints the same numbers.
  const fs::path status_log = dir_ / "status.log";
  EXPECT_EQ(RunCommand(std::string(SLUICE_BINARY) + " status --http " + url, dir_, status_log), 0);
  const std::string printed = ReadText(status_log);
  EXPECT_NE(printed.find("source events: 307 read, 300 decoded, dead letters: 7 malformed"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find(fmt::format("sink big: {} rows written", kept)), std::string::npos) << printed;
  EXPECT_NE(printed.find("in balance"), std::string::npos) << printed;

  // Counters move with new records.
  ProduceRaw(topic_, {R"({"id": 1000, "amount": 99})", R"({"id": 1001, "amount": 1})"}, /*create=*/false);
  EXPECT_TRUE(wait_for(values.size() + 2)) << Get(url, "/api/pipeline");

  run.Signal(SIGTERM);
  EXPECT_EQ(run.Wait(), 0) << ReadText(log);
  // Once it has stopped, nobody answers there.
  EXPECT_EQ(RunCommand(std::string(SLUICE_BINARY) + " status --http " + url, dir_, status_log), 1);

  // --log-format json: every line sluice wrote is a JSON object with a time, level and message.
  std::istringstream lines(ReadText(log));
  std::string line;
  int records = 0;
  while (std::getline(lines, line)) {
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << "not JSON: " << line;
    std::string_view level, message, time;
    EXPECT_EQ(e["level"].get(level), simdjson::SUCCESS) << line;
    EXPECT_EQ(e["message"].get(message), simdjson::SUCCESS) << line;
    EXPECT_EQ(e["time"].get(time), simdjson::SUCCESS) << line;
    ++records;
  }
  EXPECT_GE(records, 3);  // the address, the summary, the stop
}

TEST_F(MetricsEndpointTest, RestPortThatIsTakenIsAClearError) {
  // Hold a port, then ask for it with SET 'rest.port'.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  ProduceRaw(topic_, {R"({"id": 1, "amount": 1})"});
  const fs::path log = dir_ / "run.log";
  const int code = RunCommand(std::string(SLUICE_BINARY) + " run --bounded " +
                                  WriteScript(fmt::format("SET 'rest.port' = '{}';\n", port)).string(),
                              dir_, log);
  close(fd);
  EXPECT_EQ(code, 1);
  EXPECT_NE(ReadText(log).find(fmt::format("cannot listen on 127.0.0.1:{}", port)), std::string::npos)
      << ReadText(log);
}

TEST_F(MetricsEndpointTest, StatusLineOnATerminalOnly) {
  std::vector<std::string> values;
  for (int i = 0; i < 50; ++i) values.push_back(fmt::format(R"({{"id": {}, "amount": 60}})", i));
  ProduceRaw(topic_, values);
  // `script` gives sluice a terminal; the line is drawn in reverse video and rewritten in place.
  // Each run is a pipeline of its own (a consumer group of its own), so each reads all 50.
  auto run_on_terminal = [&](const std::string& flags, const std::string& name) {
    const fs::path typescript = dir_ / (name + ".typescript");
    const fs::path pid_file = dir_ / (name + ".pid");
    const std::string script = WriteScript().string();
    ChildProcess run("script -qfec 'sh -c \"echo \\$\\$ > " + pid_file.string() + "; exec " +
                         std::string(SLUICE_BINARY) + " run " + flags + " " + script + "\"' " +
                         typescript.string(),
                     dir_, dir_ / (name + ".log"));
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const std::string pid = ReadText(pid_file);
    EXPECT_FALSE(pid.empty()) << ReadText(dir_ / (name + ".log"));
    if (!pid.empty()) kill(std::stoi(pid), SIGINT);  // Ctrl-C
    EXPECT_EQ(run.Wait(), 0) << ReadText(dir_ / (name + ".log"));
    return ReadText(typescript);
  };
  const std::string shown = run_on_terminal("", "tty");
  EXPECT_NE(shown.find("\033[7m"), std::string::npos) << shown;
  EXPECT_NE(shown.find("| in "), std::string::npos) << shown;
  EXPECT_NE(shown.find("| dead letters 0"), std::string::npos) << shown;
  EXPECT_NE(shown.find("| lag 0"), std::string::npos) << shown;
  // The summary follows once the line is cleared.
  EXPECT_NE(shown.find("source events: 50 read"), std::string::npos) << shown;
  const std::string quiet = run_on_terminal("--quiet", "quiet");
  EXPECT_EQ(quiet.find("\033[7m"), std::string::npos) << quiet;
  EXPECT_NE(quiet.find("source events: 50 read"), std::string::npos) << quiet;
  // Not a terminal: no status line either.
  const fs::path log = dir_ / "pipe.log";
  ChildProcess piped(std::string(SLUICE_BINARY) + " run " + WriteScript().string(), dir_, log);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  piped.Signal(SIGINT);
  EXPECT_EQ(piped.Wait(), 0);
  EXPECT_EQ(ReadText(log).find("\033["), std::string::npos) << ReadText(log);
}

}  // namespace
}  // namespace sluice::testing
