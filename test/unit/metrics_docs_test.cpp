// Keeps the metrics' documentation from drifting away from the code: docs/reference.md's metrics
// reference table and docs/grafana/sluice-dashboard.json against the families /metrics serves
// (server/prometheus_text.cpp). A new, renamed or removed family fails here until the docs follow.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "exec/pipeline_metrics.h"
#include "server/prometheus_text.h"

namespace sluice {
namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << "cannot read " << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A pipeline with something in every field, so that every family has samples: a Kafka source
// with a partition and watermarks, a filter that drops rows, an aggregation with state, a sink
// and a dead-letter table, checkpoints.
PipelineMetrics FullyPopulated() {
  PipelineMetrics m;
  m.pipeline = "docs";
  m.state = "running";
  m.started_unix_ms = 1'780'000'000'000;
  m.updated_unix_ms = 1'780'000'060'000;
  m.commit_interval_ms = 1000;
  m.restarts = 1;
  m.cpu_seconds = 12.5;
  m.rss_bytes = 64u << 20;

  SourceMetrics s;
  s.table = "payments";
  s.describe = "kafka topic payments";
  s.origin = "payments";
  s.read = 1000;
  s.decoded = 990;
  s.dead_lettered = 6;
  s.skipped = 4;
  s.dead_letters = {6, 2, 1, 1};
  s.watermark_us = 1'780'000'000'000'000;
  PartitionMetrics p{.partition = 0, .records_read = 1000, .position = 1000, .end = 1500, .stop_at = -1, .lag = 500};
  p.lag_seconds = 2.5;
  p.last_record_time_ms = 1'780'000'057'500;
  p.watermark_us = 1'780'000'000'000'000;
  s.partitions.push_back(p);
  m.sources.push_back(s);

  auto node = [](std::string id, std::string parent, std::string kind, uint64_t in, uint64_t out) {
    OperatorMetricsNode o;
    o.id = std::move(id);
    o.parent = std::move(parent);
    o.kind = std::move(kind);
    o.describe = o.kind;
    o.rows_in = in;
    o.rows_out = out;
    return o;
  };
  OperatorMetricsNode filter = node("payments/0", "source:payments", "Filter", 990, 980);
  filter.rows_dropped = 10;
  filter.dropped_as = "filtered";
  OperatorMetricsNode aggregate = node("payments/1", "payments/0", "HashAggregate", 980, 40);
  aggregate.late_rows = 2;
  aggregate.rows_raised = 1;
  aggregate.duplicates_removed = 3;
  aggregate.groups_spilled = 5;
  aggregate.state_rows = 40;
  aggregate.state_bytes = 8192;
  OperatorMetricsNode sink_operator = node("payments/2", "payments/1", "Sink", 40, 40);
  sink_operator.sink = "totals";
  m.operators = {filter, aggregate, sink_operator};

  SinkMetricsNode sink;
  sink.table = "totals";
  sink.describe = "postgres";
  sink.exactly_once = true;
  sink.rows_written = 40;
  sink.rows_spilled = 7;
  sink.rows_replayed = 3;
  sink.rows_in_spill = 4;
  sink.bytes_in_spill = 4096;
  sink.segments_in_spill = 1;
  sink.commits = 3;
  for (double seconds : {0.02, 0.04, 0.3}) sink.commit_latency.Observe(seconds);
  SinkMetricsNode errors;
  errors.table = "errors";
  errors.dead_letter_table = true;
  errors.rows_written = 10;
  errors.commits = 3;
  errors.commit_latency.Observe(0.03);
  m.sinks = {sink, errors};

  m.checkpoints.completed = 3;
  m.checkpoints.failed = 1;
  m.checkpoints.last_success_unix_ms = 1'780'000'059'000;
  for (double seconds : {0.05, 0.06, 0.4}) m.checkpoints.duration.Observe(seconds);
  m.balance.read = 1000;
  m.balance.accounted = 1000;
  return m;
}

struct Family {
  std::string type;
  size_t samples = 0;
  std::set<std::string> labels;  // of its samples, `le` left out
};

// The families of an exposition, from its `# TYPE <name> <type>` lines, with their samples'
// label names.
std::map<std::string, Family> FamiliesOf(const std::string& text) {
  std::map<std::string, Family> families;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream fields(line.substr(7));
      std::string name, type;
      fields >> name >> type;
      families[name].type = type;
      continue;
    }
    if (line.empty() || line.starts_with('#')) continue;
    const size_t name_end = line.find_first_of("{ ");
    std::string name = line.substr(0, name_end);
    if (!families.count(name)) {
      for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        if (name.ends_with(suffix)) {
          const std::string base = name.substr(0, name.size() - suffix.size());
          if (families.count(base) && families[base].type == "histogram") {
            name = base;
            break;
          }
        }
      }
    }
    auto it = families.find(name);
    if (it == families.end()) {
      ADD_FAILURE() << "a sample of no declared family: " << line;
      continue;
    }
    ++it->second.samples;
    if (name_end == std::string::npos || line[name_end] != '{') continue;
    // key="value",key="value"}: values may hold escaped quotes.
    size_t i = name_end + 1;
    while (i < line.size() && line[i] != '}') {
      const size_t eq = line.find('=', i);
      if (eq == std::string::npos) break;
      const std::string key = line.substr(i, eq - i);
      if (key != "le") it->second.labels.insert(key);
      i = eq + 2;  // past ="
      while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
      ++i;  // the closing quote
      if (i < line.size() && line[i] == ',') ++i;
    }
  }
  return families;
}

std::map<std::string, Family> EmittedFamilies() {
  return FamiliesOf(server::RenderPrometheusText(FullyPopulated()));
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// The cells of a markdown table row: "| a | b |" -> {"a", "b"}.
std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  size_t start = row.find('|');
  while (start != std::string::npos) {
    const size_t end = row.find('|', start + 1);
    if (end == std::string::npos) break;
    cells.push_back(Trim(std::string_view(row).substr(start + 1, end - start - 1)));
    start = end;
  }
  return cells;
}

// The rows of the metrics reference table, by metric name: "| `name` | type | labels | meaning |".
std::map<std::string, std::vector<std::string>> DocumentedMetrics(const std::string& doc) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream lines(doc);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("| `sluice_") && !line.starts_with("| `process_")) continue;
    std::vector<std::string> cells = Cells(line);
    if (cells.size() < 4) continue;
    const std::string type = cells[1];
    if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary") continue;
    std::string name = cells[0];
    name.erase(std::remove(name.begin(), name.end(), '`'), name.end());
    rows[name] = std::move(cells);
  }
  return rows;
}

// The fixture itself: every family the code declares has samples, so the label checks below see
// every label.
TEST(MetricsDocsTest, EveryFamilyHasSamples) {
  const auto families = EmittedFamilies();
  ASSERT_GT(families.size(), 20u);
  for (const auto& [name, family] : families) {
    EXPECT_GT(family.samples, 0u) << "metric " << name
                                  << " has no samples: fill in what it needs in FullyPopulated()";
  }
}

TEST(MetricsDocsTest, ReferenceDocumentsEveryFamily) {
  const std::string doc = ReadSourceFile("docs/reference.md");
  const auto documented = DocumentedMetrics(doc);
  for (const auto& [name, family] : EmittedFamilies()) {
    EXPECT_NE(doc.find(name), std::string::npos) << "docs/reference.md does not mention metric " << name;
    auto row = documented.find(name);
    if (row == documented.end()) {
      ADD_FAILURE() << "metric " << name << " has no row in docs/reference.md's metrics reference "
                    << "table: add \"| `" << name << "` | " << family.type << " | labels | meaning |\"";
      continue;
    }
    const std::vector<std::string>& cells = row->second;
    EXPECT_EQ(cells[1], family.type) << "metric " << name << " is a " << family.type
                                     << ", docs/reference.md says " << cells[1];
    for (const std::string& label : family.labels) {
      EXPECT_NE(cells[2].find("`" + label + "`"), std::string::npos)
          << "metric " << name << ": docs/reference.md does not list its label `" << label << "`";
    }
    // Labels the table names must exist (`le` on a histogram's buckets).
    static const std::regex kLabel("`([a-z_]+)`");
    for (std::sregex_iterator it(cells[2].begin(), cells[2].end(), kLabel), end; it != end; ++it) {
      const std::string label = (*it)[1];
      if (label == "le" && family.type == "histogram") continue;
      EXPECT_TRUE(family.labels.count(label))
          << "metric " << name << ": docs/reference.md lists a label `" << label << "` it does not have";
    }
  }
}

TEST(MetricsDocsTest, ReferenceDocumentsOnlyEmittedFamilies) {
  const auto families = EmittedFamilies();
  for (const auto& [name, cells] : DocumentedMetrics(ReadSourceFile("docs/reference.md"))) {
    EXPECT_TRUE(families.count(name)) << "docs/reference.md documents metric " << name
                                      << ", which /metrics does not serve";
  }
}

// Every string of the dashboard that is a query: targets' `expr`, template variables' `query`
// and `definition`.
void CollectQueries(simdjson::dom::element e, std::string_view key, std::vector<std::string>& out) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      for (auto [k, v] : simdjson::dom::object(e)) CollectQueries(v, k, out);
      break;
    case simdjson::dom::element_type::ARRAY:
      for (auto v : simdjson::dom::array(e)) CollectQueries(v, key, out);
      break;
    case simdjson::dom::element_type::STRING:
      if (key == "expr" || key == "query" || key == "definition") out.emplace_back(std::string_view(e));
      break;
    default:
      break;
  }
}

TEST(MetricsDocsTest, GrafanaDashboardUsesOnlyEmittedMetrics) {
  const std::string json = ReadSourceFile("docs/grafana/sluice-dashboard.json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const auto error = parser.parse(json).get(doc);
  ASSERT_EQ(error, simdjson::SUCCESS) << "docs/grafana/sluice-dashboard.json is not valid JSON: "
                                      << simdjson::error_message(error);
  std::vector<std::string> queries;
  CollectQueries(doc, "", queries);
  ASSERT_GT(queries.size(), 10u) << "the dashboard's panels have no `expr`";

  const auto families = EmittedFamilies();
  // A metric name not preceded by a part of another name.
  static const std::regex kMetric("(^|[^A-Za-z0-9_:])((sluice|process)_[a-z_]+)");
  std::set<std::string> used;
  for (const std::string& query : queries) {
    for (std::sregex_iterator it(query.begin(), query.end(), kMetric), end; it != end; ++it) {
      const std::string name = (*it)[2];
      std::string family = name;
      if (!families.count(family)) {
        for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
          if (name.ends_with(suffix)) {
            const std::string base = name.substr(0, name.size() - suffix.size());
            auto f = families.find(base);
            if (f != families.end() && f->second.type == "histogram") family = base;
          }
        }
      }
      EXPECT_TRUE(families.count(family))
          << "docs/grafana/sluice-dashboard.json uses metric " << name
          << ", which /metrics does not serve (in: " << query << ")";
      used.insert(family);
    }
  }
  // The dashboard's template variable and its main panels.
  for (const char* name : {"sluice_pipeline_info", "sluice_source_records_total", "sluice_sink_rows_total",
                           "sluice_checkpoint_duration_seconds", "process_cpu_seconds_total"}) {
    EXPECT_TRUE(used.count(name)) << "docs/grafana/sluice-dashboard.json no longer uses metric " << name;
  }
}

}  // namespace
}  // namespace sluice
