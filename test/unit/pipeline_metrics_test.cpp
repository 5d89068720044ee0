// The metrics a pipeline publishes (exec/pipeline_metrics.cpp, MetricsHub) and how they are
// rendered: Prometheus text, the JSON of /api/pipeline, the terminal's status line.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>

#include "cli/terminal_output.h"
#include "exec/metrics_hub.h"
#include "plan/compiler.h"
#include "server/pipeline_json.h"
#include "server/prometheus_text.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

TEST(PrometheusTextTest, HistogramsAreCumulativeAndLabelsEscaped) {
  PipelineMetrics m;
  m.pipeline = "a\"b\\c\nd";
  m.checkpoints.completed = 3;
  for (double seconds : {0.003, 0.2, 7.0}) m.checkpoints.duration.Observe(seconds);
  const std::string text = server::RenderPrometheusText(m);
  const std::string p = R"(pipeline="a\"b\\c\nd")";
  EXPECT_NE(text.find("sluice_checkpoints_total{" + p + "} 3\n"), std::string::npos) << text;
  // Buckets count every observation at or below their bound.
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_bucket{" + p + ",le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_bucket{" + p + ",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_bucket{" + p + ",le=\"0.25\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_bucket{" + p + ",le=\"5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_bucket{" + p + ",le=\"10\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_bucket{" + p + ",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_count{" + p + "} 3\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_checkpoint_duration_seconds_sum{" + p + "} 7.203\n"), std::string::npos) << text;
  // Every family is declared once, before its samples.
  EXPECT_EQ(text.find("# TYPE sluice_checkpoint_duration_seconds histogram"),
            text.rfind("# TYPE sluice_checkpoint_duration_seconds histogram"));
}

PipelineMetrics SampleMetrics() {
  PipelineMetrics m;
  m.pipeline = "p";
  m.state = "running";
  m.bounded = true;
  SourceMetrics s;
  s.table = "events";
  s.origin = "topic_a";
  s.read = 500;
  s.dead_letters = {2, 1, 0, 0};
  PartitionMetrics p0{.partition = 0, .records_read = 500, .position = 500, .end = 1000, .stop_at = 1000, .lag = 500};
  p0.lag_seconds = 2.5;
  PartitionMetrics p1{.partition = 1, .records_read = 0, .position = -1, .end = 1000, .stop_at = 1000, .lag = 1000};
  s.partitions = {p0, p1};
  m.sources.push_back(s);
  DeadLetterSample d;
  d.source = "events";
  d.kind = DeadLetterKind::kLate;
  d.reason = "late record";
  d.value = std::string("{\"x\":1}\n\x01", 9);
  m.recent_dead_letters.push_back(d);
  return m;
}

TEST(PipelineJsonTest, ParsesAndSaysNullWhereUnknown) {
  const std::string json = server::RenderPipelineJson(SampleMetrics(), {});
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  auto source = doc["sources"].at(0);
  EXPECT_EQ(uint64_t(source["read"]), 500u);
  EXPECT_EQ(int64_t(source["lag"]), 1500);  // the sum over partitions
  EXPECT_EQ(uint64_t(source["dead_letters"]["malformed"]), 2u);
  EXPECT_EQ(uint64_t(source["dead_letters"]["late"]), 1u);
  EXPECT_TRUE(source["watermark_unix_ms"].is_null());
  EXPECT_TRUE(source["partitions"].at(1)["position"].is_null());
  EXPECT_EQ(int64_t(source["partitions"].at(0)["stop_at"]), 1000);
  EXPECT_TRUE(doc["checkpoints"]["last_success_unix_ms"].is_null());
  auto letter = doc["dead_letters"].at(0);
  EXPECT_EQ(std::string_view(letter["kind"]), "late");
  EXPECT_EQ(std::string_view(letter["value"]), std::string_view("{\"x\":1}\n\x01", 9));
}

TEST(StatusLineTest, BoundedRunShowsProgress) {
  MetricsHub hub("p");
  hub.NoteBounded(true);
  hub.Publish(SampleMetrics());
  const std::string line = cli::TerminalOutput::StatusText(hub, 200);
  // 500 read, 500 + 1000 left before the stop offsets.
  EXPECT_NE(line.find("| 25% of 2000 "), std::string::npos) << line;
  EXPECT_NE(line.find("| dead letters 3 "), std::string::npos) << line;
  EXPECT_NE(line.find("| no checkpoint yet"), std::string::npos) << line;
  EXPECT_EQ(cli::TerminalOutput::StatusText(hub, 20).size(), 20u);
}

TEST(MetricsHubTest, RestartsAndFailedCheckpointsAreCounted) {
  MetricsHub hub("p");
  hub.Publish(SampleMetrics());
  hub.NoteRestarting("Kafka is down", /*checkpoint_in_flight=*/true);
  hub.NoteRestarting("Kafka is down", /*checkpoint_in_flight=*/false);
  auto m = hub.Latest();
  EXPECT_EQ(m->restarts, 2u);
  EXPECT_EQ(m->checkpoints.failed, 1u);
  EXPECT_EQ(m->state, "restarting");
  EXPECT_EQ(m->last_error, "Kafka is down");
  hub.Publish(SampleMetrics());  // the next attempt
  EXPECT_EQ(hub.Latest()->restarts, 2u);
}

// A whole pipeline in process: a windowed aggregation over a file, with late rows
// dead-lettered; the snapshot counts what the input holds.
TEST(PipelineMetricsTest, SnapshotOfARunCountsLateRowsStateAndWatermark) {
  const fs::path dir = fs::temp_directory_path() / ("sluice_pm_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // Minutes 0..9 in order, then two rows of minute 0 (behind the watermark of minute 9 minus
  // 5 s) and one line that is not JSON.
  {
    std::ofstream in(dir / "in.jsonl");
    for (int minute = 0; minute < 10; ++minute) {
      in << "{\"k\": \"a\", \"ts\": \"2024-01-01 10:0" << minute << ":00\"}\n";
      in << "{\"k\": \"b\", \"ts\": \"2024-01-01 10:0" << minute << ":30\"}\n";
    }
    in << "{\"k\": \"a\", \"ts\": \"2024-01-01 10:00:10\"}\n";
    in << "{\"k\": \"c\", \"ts\": \"2024-01-01 10:00:20\"}\n";
    in << "oops\n";
  }
  // Batches of 4 lines: the late rows come after the watermark has passed them.
  const std::string script = "SET 'pipeline.name' = 'pm';\nSET 'pipeline.max-batch-records' = '4';\n"
                             "SET 'state.checkpoints.dir' = '" +
                             (dir / "state").string() + R"(';
CREATE TABLE events (k STRING, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH (
  'connector' = 'filesystem', 'path' = ')" + (dir / "in.jsonl").string() + R"(', 'format' = 'json',
  'errors' = 'dead-letter', 'errors.table' = 'dlq', 'late-records' = 'dead-letter');
CREATE TABLE dlq (value STRING, reason STRING) WITH ('connector' = 'blackhole');
CREATE TABLE counts (k STRING, window_start TIMESTAMP, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO counts SELECT k, window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' HOUR))
GROUP BY k, window_start, window_end;
)";
  CompileOptions options;
  auto compiled = CompileScript(script, "pm.sql", options);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  Pipeline& pipeline = (*compiled)->pipeline();
  MetricsHub hub("pm");
  pipeline.AttachMetrics(&hub);
  ASSERT_TRUE(pipeline.Open().ok());
  std::atomic<bool> stop{false};
  ASSERT_TRUE(pipeline.Run(stop).ok());

  auto m = hub.Latest();
  EXPECT_EQ(m->state, "finished");
  ASSERT_EQ(m->sources.size(), 1u);
  const SourceMetrics& s = m->sources[0];
  EXPECT_EQ(s.read, 23u);
  EXPECT_EQ(s.decoded, 22u);
  EXPECT_EQ(s.dead_letters[static_cast<size_t>(DeadLetterKind::kMalformed)], 1u);
  EXPECT_EQ(s.dead_letters[static_cast<size_t>(DeadLetterKind::kLate)], 2u);
  // The watermark: the latest time, 10:09:30, minus 5 s.
  EXPECT_EQ(s.watermark_us, (1704103770LL - 5) * 1'000'000);
  bool saw_aggregate = false;
  for (const auto& op : m->operators) {
    if (op.kind == "HashAggregate") {
      saw_aggregate = true;
      EXPECT_EQ(op.rows_in, 20u);  // 22 decoded, 2 late
    }
    if (op.kind == "LateRowFilter") {
      EXPECT_EQ(op.late_rows, 2u) << op.describe;
    }
  }
  EXPECT_TRUE(saw_aggregate);
  bool saw_letters = false;
  for (const auto& d : m->recent_dead_letters) {
    if (d.kind == DeadLetterKind::kMalformed) {
      saw_letters = true;
      EXPECT_EQ(d.value, "oops");
      EXPECT_EQ(d.offset, 23);  // the file's line
    }
  }
  EXPECT_TRUE(saw_letters);
  EXPECT_EQ(m->balance.unaccounted, 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice
