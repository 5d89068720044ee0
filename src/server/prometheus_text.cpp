#include "server/prometheus_text.h"

#include <fmt/format.h>

#include <initializer_list>
#include <optional>
#include <vector>
#include <string_view>
#include <utility>

namespace sluice::server {
namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

void AppendLabelValue(std::string_view value, std::string& out) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
}

// One family at a time: Begin writes HELP and TYPE, then Sample adds its samples.
class Exposition {
 public:
  explicit Exposition(std::string_view pipeline) : pipeline_(pipeline) {}

  void Begin(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void Sample(std::string_view name, Labels labels, double value, bool with_pipeline = true) {
    out_ += name;
    bool any = false;
    auto label = [&](std::string_view key, std::string_view v) {
      out_ += any ? "," : "{";
      any = true;
      out_ += key;
      out_ += "=\"";
      AppendLabelValue(v, out_);
      out_ += '"';
    };
    if (with_pipeline) label("pipeline", pipeline_);
    for (const auto& [key, v] : labels) label(key, v);
    if (any) out_ += '}';
    out_ += ' ';
    AppendNumber(value);
    out_ += '\n';
  }
  void Histogram(std::string_view name, Labels labels, const LatencyHistogram& h) {
    uint64_t cumulative = 0;
    const std::string bucket = std::string(name) + "_bucket";
    for (size_t i = 0; i <= LatencyHistogram::kBounds.size(); ++i) {
      cumulative += h.buckets[i];
      const std::string le = i < LatencyHistogram::kBounds.size()
                                 ? fmt::format("{}", LatencyHistogram::kBounds[i])
                                 : "+Inf";
      std::vector<std::pair<std::string_view, std::string_view>> with_le(labels);
      with_le.emplace_back("le", le);
      SampleWith(bucket, with_le, static_cast<double>(cumulative));
    }
    Sample(std::string(name) + "_sum", labels, h.sum_seconds);
    Sample(std::string(name) + "_count", labels, static_cast<double>(h.count));
  }
  std::string Take() { return std::move(out_); }

 private:
  void SampleWith(std::string_view name,
                  const std::vector<std::pair<std::string_view, std::string_view>>& labels,
                  double value) {
    out_ += name;
    out_ += "{pipeline=\"";
    AppendLabelValue(pipeline_, out_);
    out_ += '"';
    for (const auto& [key, v] : labels) {
      out_ += ',';
      out_ += key;
      out_ += "=\"";
      AppendLabelValue(v, out_);
      out_ += '"';
    }
    out_ += "} ";
    AppendNumber(value);
    out_ += '\n';
  }
  void AppendNumber(double value) {
    // Counters are integers; print them without an exponent.
    if (value == static_cast<double>(static_cast<int64_t>(value)) && value < 1e15 && value > -1e15) {
      fmt::format_to(std::back_inserter(out_), "{}", static_cast<int64_t>(value));
    } else {
      fmt::format_to(std::back_inserter(out_), "{}", value);
    }
  }

  std::string_view pipeline_;
  std::string out_;
};

double Seconds(int64_t unix_ms) { return static_cast<double>(unix_ms) / 1000.0; }
double D(uint64_t v) { return static_cast<double>(v); }

}  // namespace

std::string RenderPrometheusText(const PipelineMetrics& m) {
  Exposition e(m.pipeline);

  e.Begin("sluice_pipeline_info", "gauge", "The pipeline and its current state (the value is 1).");
  e.Sample("sluice_pipeline_info", {{"state", m.state}, {"version", SLUICE_VERSION}}, 1);
  e.Begin("sluice_pipeline_restarts_total", "counter",
          "Restarts from the last checkpoint after a retryable failure.");
  e.Sample("sluice_pipeline_restarts_total", {}, D(m.restarts));
  e.Begin("sluice_pipeline_start_time_seconds", "gauge", "When `sluice run` started (Unix time).");
  e.Sample("sluice_pipeline_start_time_seconds", {}, Seconds(m.started_unix_ms));
  e.Begin("process_cpu_seconds_total", "counter", "User and system CPU time of the sluice process.");
  e.Sample("process_cpu_seconds_total", {}, m.cpu_seconds, false);
  e.Begin("process_resident_memory_bytes", "gauge", "Resident memory of the sluice process.");
  e.Sample("process_resident_memory_bytes", {}, D(m.rss_bytes), false);

  // Sources.
  e.Begin("sluice_source_records_total", "counter", "Records read from the source, per partition.");
  for (const auto& s : m.sources) {
    if (s.partitions.empty()) {
      e.Sample("sluice_source_records_total", {{"table", s.table}, {"topic", s.origin}, {"partition", ""}},
               D(s.read));
    }
    for (const auto& p : s.partitions) {
      e.Sample("sluice_source_records_total",
               {{"table", s.table}, {"topic", s.origin}, {"partition", std::to_string(p.partition)}},
               D(p.records_read));
    }
  }
  e.Begin("sluice_source_records_decoded_total", "counter", "Records decoded into rows.");
  for (const auto& s : m.sources) e.Sample("sluice_source_records_decoded_total", {{"table", s.table}}, D(s.decoded));
  e.Begin("sluice_source_records_skipped_total", "counter",
          "Malformed records skipped ('errors' = 'skip').");
  for (const auto& s : m.sources) e.Sample("sluice_source_records_skipped_total", {{"table", s.table}}, D(s.skipped));
  e.Begin("sluice_source_dead_letters_total", "counter",
          "Dead letters of the source's records, by reason: malformed, late, raised (ANSI mode), "
          "unwritable (a sink could not store the row).");
  for (const auto& s : m.sources) {
    for (size_t k = 0; k < kDeadLetterKindNames.size(); ++k) {
      e.Sample("sluice_source_dead_letters_total", {{"table", s.table}, {"reason", kDeadLetterKindNames[k]}},
               D(s.dead_letters[k]));
    }
  }
  auto partition_gauge = [&](std::string_view name, std::string_view help, auto value_of) {
    e.Begin(name, "gauge", help);
    for (const auto& s : m.sources) {
      for (const auto& p : s.partitions) {
        auto v = value_of(p);
        if (!v) continue;
        e.Sample(name, {{"table", s.table}, {"topic", s.origin}, {"partition", std::to_string(p.partition)}}, *v);
      }
    }
  };
  partition_gauge("sluice_source_consumer_lag_records",
                  "Records between the pipeline's position and the partition's end (high watermark).",
                  [](const PartitionMetrics& p) {
                    return p.lag >= 0 ? std::optional<double>(static_cast<double>(p.lag)) : std::nullopt;
                  });
  partition_gauge("sluice_source_consumer_lag_seconds",
                  "How old the last record read is while records are left (0 when caught up).",
                  [](const PartitionMetrics& p) {
                    return p.lag_seconds >= 0 ? std::optional<double>(p.lag_seconds) : std::nullopt;
                  });
  partition_gauge("sluice_source_position_offset", "The next offset the pipeline reads.",
                  [](const PartitionMetrics& p) {
                    return p.position >= 0 ? std::optional<double>(static_cast<double>(p.position)) : std::nullopt;
                  });
  partition_gauge("sluice_source_end_offset", "The partition's end (Kafka's high watermark).",
                  [](const PartitionMetrics& p) {
                    return p.end >= 0 ? std::optional<double>(static_cast<double>(p.end)) : std::nullopt;
                  });
  partition_gauge("sluice_source_partition_watermark_seconds",
                  "The event-time watermark the partition holds (Unix time).",
                  [](const PartitionMetrics& p) {
                    return p.watermark_us != kNoWatermark ? std::optional<double>(p.watermark_us / 1e6)
                                                          : std::nullopt;
                  });
  e.Begin("sluice_source_watermark_seconds", "gauge",
          "The source's event-time watermark (Unix time): the minimum over its partitions.");
  for (const auto& s : m.sources) {
    if (s.watermark_us != kNoWatermark) e.Sample("sluice_source_watermark_seconds", {{"table", s.table}}, s.watermark_us / 1e6);
  }

  // Operators.
  auto operator_family = [&](std::string_view name, std::string_view type, std::string_view help,
                             auto value_of) {
    e.Begin(name, type, help);
    for (const auto& o : m.operators) {
      e.Sample(name, {{"operator", o.id}, {"kind", o.kind}}, D(value_of(o)));
    }
  };
  operator_family("sluice_operator_rows_in_total", "counter", "Rows into the operator.",
                  [](const OperatorMetricsNode& o) { return o.rows_in; });
  operator_family("sluice_operator_rows_out_total", "counter", "Rows out of the operator.",
                  [](const OperatorMetricsNode& o) { return o.rows_out; });
  e.Begin("sluice_operator_rows_dropped_total", "counter",
          "Rows a filtering operator left out, by reason (filtered by WHERE, late, ...).");
  for (const auto& o : m.operators) {
    if (!o.dropped_as.empty()) {
      e.Sample("sluice_operator_rows_dropped_total", {{"operator", o.id}, {"kind", o.kind}, {"reason", o.dropped_as}},
               D(o.rows_dropped));
    }
  }
  operator_family("sluice_operator_late_rows_total", "counter", "Rows behind the watermark.",
                  [](const OperatorMetricsNode& o) { return o.late_rows; });
  operator_family("sluice_operator_rows_raised_total", "counter",
                  "Rows an expression raised an error on (ANSI mode).",
                  [](const OperatorMetricsNode& o) { return o.rows_raised; });
  operator_family("sluice_operator_duplicates_removed_total", "counter", "Rows deduplication removed.",
                  [](const OperatorMetricsNode& o) { return o.duplicates_removed; });
  operator_family("sluice_operator_state_rows", "gauge",
                  "Keys, groups or rows the operator holds in memory.",
                  [](const OperatorMetricsNode& o) { return o.state_rows; });
  operator_family("sluice_operator_state_bytes", "gauge",
                  "Approximate bytes of the operator's state in memory (aggregations).",
                  [](const OperatorMetricsNode& o) { return o.state_bytes; });
  operator_family("sluice_operator_state_spilled_groups_total", "counter",
                  "Groups moved to RocksDB above the state memory budget.",
                  [](const OperatorMetricsNode& o) { return o.groups_spilled; });

  // Sinks.
  auto sink_family = [&](std::string_view name, std::string_view type, std::string_view help,
                         auto value_of) {
    e.Begin(name, type, help);
    for (const auto& s : m.sinks) {
      e.Sample(name, {{"table", s.table}, {"dead_letters", s.dead_letter_table ? "true" : "false"}},
               D(value_of(s)));
    }
  };
  sink_family("sluice_sink_rows_total", "counter", "Rows written to the sink.",
              [](const SinkMetricsNode& s) { return s.rows_written; });
  sink_family("sluice_sink_spilled_rows_total", "counter",
              "Rows set aside in the spill folder while the sink's service was down.",
              [](const SinkMetricsNode& s) { return s.rows_spilled; });
  sink_family("sluice_sink_replayed_rows_total", "counter", "Spilled rows delivered since.",
              [](const SinkMetricsNode& s) { return s.rows_replayed; });
  sink_family("sluice_sink_spill_rows", "gauge", "Rows in the spill folder now.",
              [](const SinkMetricsNode& s) { return s.rows_in_spill; });
  sink_family("sluice_sink_spill_bytes", "gauge", "Bytes of the spill folder's segments.",
              [](const SinkMetricsNode& s) { return s.bytes_in_spill; });
  sink_family("sluice_sink_spill_segments", "gauge", "Segment files in the spill folder.",
              [](const SinkMetricsNode& s) { return s.segments_in_spill; });
  sink_family("sluice_sink_commits_total", "counter", "Checkpoints the sink committed.",
              [](const SinkMetricsNode& s) { return s.commits; });
  e.Begin("sluice_sink_commit_latency_seconds", "histogram",
          "From the start of a checkpoint to the sink's commit being durable.");
  for (const auto& s : m.sinks) {
    e.Histogram("sluice_sink_commit_latency_seconds",
                {{"table", s.table}, {"dead_letters", s.dead_letter_table ? "true" : "false"}},
                s.commit_latency);
  }

  // Checkpoints.
  const CheckpointMetrics& c = m.checkpoints;
  e.Begin("sluice_checkpoints_total", "counter", "Checkpoints completed (every sink committed).");
  e.Sample("sluice_checkpoints_total", {}, D(c.completed));
  e.Begin("sluice_checkpoint_failures_total", "counter",
          "Attempts that failed while a checkpoint was in flight.");
  e.Sample("sluice_checkpoint_failures_total", {}, D(c.failed));
  e.Begin("sluice_checkpoint_last_success_timestamp_seconds", "gauge",
          "When the last checkpoint completed (Unix time; 0: none yet).");
  e.Sample("sluice_checkpoint_last_success_timestamp_seconds", {}, Seconds(c.last_success_unix_ms));
  e.Begin("sluice_checkpoint_duration_seconds", "histogram",
          "How long checkpoints take, from their start until every sink has committed.");
  e.Histogram("sluice_checkpoint_duration_seconds", {}, c.duration);

  // Reconciliation.
  e.Begin("sluice_reconciliation_unaccounted_records", "gauge",
          "Records the books cannot account for (0 when in balance).");
  e.Sample("sluice_reconciliation_unaccounted_records", {}, static_cast<double>(m.balance.unaccounted));
  return e.Take();
}

}  // namespace sluice::server
