#include "server/pipeline_json.h"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

#include "format/json_encoder.h"

namespace sluice::server {
namespace {

// A JSON object writer that places the commas: Key() before each member's value.
class JsonOut {
 public:
  JsonOut& Open(char bracket) {
    Separate();
    out_.push_back(bracket);
    first_ = true;
    return *this;
  }
  JsonOut& Close(char bracket) {
    out_.push_back(bracket);
    first_ = false;
    return *this;
  }
  JsonOut& Key(std::string_view key) {
    Separate();
    AppendJsonString(key, out_);
    out_.push_back(':');
    first_ = true;  // the value follows without a comma
    return *this;
  }
  JsonOut& String(std::string_view v) {
    Separate();
    AppendJsonString(v, out_);
    return *this;
  }
  JsonOut& Int(int64_t v) {
    Separate();
    fmt::format_to(std::back_inserter(out_), "{}", v);
    return *this;
  }
  JsonOut& UInt(uint64_t v) {
    Separate();
    fmt::format_to(std::back_inserter(out_), "{}", v);
    return *this;
  }
  JsonOut& Double(double v) {
    Separate();
    if (std::isfinite(v)) {
      fmt::format_to(std::back_inserter(out_), "{}", v);
    } else {
      out_ += "null";
    }
    return *this;
  }
  JsonOut& Bool(bool v) {
    Separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonOut& Null() {
    Separate();
    out_ += "null";
    return *this;
  }
  // A number, or null when it is `unknown`.
  JsonOut& IntOrNull(int64_t v, int64_t unknown) { return v == unknown ? Null() : Int(v); }
  std::string Take() { return std::move(out_); }

 private:
  void Separate() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

int64_t WatermarkMillis(int64_t watermark_us) {
  return watermark_us == kNoWatermark ? kNoWatermark : watermark_us / 1000;
}

}  // namespace

std::string RenderPipelineJson(const PipelineMetrics& m, const MetricsHub::Rates& rates) {
  JsonOut j;
  j.Open('{');
  j.Key("pipeline").String(m.pipeline);
  j.Key("state").String(m.state);
  j.Key("last_error").String(m.last_error);
  j.Key("started_unix_ms").Int(m.started_unix_ms);
  j.Key("updated_unix_ms").Int(m.updated_unix_ms);
  j.Key("commit_interval_ms").Int(m.commit_interval_ms);
  j.Key("restarts").UInt(m.restarts);
  j.Key("bounded").Bool(m.bounded);
  j.Key("cpu_seconds").Double(m.cpu_seconds);
  j.Key("rss_bytes").UInt(m.rss_bytes);
  j.Key("rates").Open('{');
  j.Key("records_in_per_second").Double(rates.records_in);
  j.Key("rows_out_per_second").Double(rates.rows_out);
  j.Close('}');

  j.Key("sources").Open('[');
  for (const auto& s : m.sources) {
    j.Open('{');
    j.Key("id").String("source:" + s.table);
    j.Key("table").String(s.table);
    j.Key("describe").String(s.describe);
    j.Key("topic").String(s.origin);
    j.Key("read").UInt(s.read);
    j.Key("decoded").UInt(s.decoded);
    j.Key("dead_lettered").UInt(s.dead_lettered);
    j.Key("skipped").UInt(s.skipped);
    j.Key("already_delivered").UInt(s.already_delivered);
    j.Key("dead_letters").Open('{');
    for (size_t k = 0; k < kDeadLetterKindNames.size(); ++k) j.Key(kDeadLetterKindNames[k]).UInt(s.dead_letters[k]);
    j.Close('}');
    j.Key("finished").Bool(s.finished);
    j.Key("watermark_unix_ms").IntOrNull(WatermarkMillis(s.watermark_us), kNoWatermark);
    int64_t lag = -1;
    double lag_seconds = -1;
    for (const auto& p : s.partitions) {
      if (p.lag >= 0) lag = std::max<int64_t>(lag, 0) + p.lag;
      lag_seconds = std::max(lag_seconds, p.lag_seconds);
    }
    j.Key("lag").IntOrNull(lag, -1);
    j.Key("lag_seconds");
    lag_seconds >= 0 ? j.Double(lag_seconds) : j.Null();
    j.Key("partitions").Open('[');
    for (const auto& p : s.partitions) {
      j.Open('{');
      j.Key("partition").Int(p.partition);
      j.Key("records_read").UInt(p.records_read);
      j.Key("position").IntOrNull(p.position, -1);
      j.Key("end").IntOrNull(p.end, -1);
      j.Key("stop_at").IntOrNull(p.stop_at, -1);
      j.Key("lag").IntOrNull(p.lag, -1);
      j.Key("lag_seconds");
      p.lag_seconds >= 0 ? j.Double(p.lag_seconds) : j.Null();
      j.Key("last_record_unix_ms").IntOrNull(p.last_record_time_ms, -1);
      j.Key("watermark_unix_ms").IntOrNull(WatermarkMillis(p.watermark_us), kNoWatermark);
      j.Close('}');
    }
    j.Close(']');
    j.Close('}');
  }
  j.Close(']');

  j.Key("operators").Open('[');
  for (const auto& o : m.operators) {
    j.Open('{');
    j.Key("id").String(o.id);
    j.Key("parent").String(o.parent);
    j.Key("kind").String(o.kind);
    j.Key("describe").String(o.describe);
    j.Key("rows_in").UInt(o.rows_in);
    j.Key("rows_out").UInt(o.rows_out);
    j.Key("rows_dropped").UInt(o.rows_dropped);
    j.Key("dropped_as").String(o.dropped_as);
    j.Key("late_rows").UInt(o.late_rows);
    j.Key("rows_raised").UInt(o.rows_raised);
    j.Key("duplicates_removed").UInt(o.duplicates_removed);
    j.Key("groups_spilled").UInt(o.groups_spilled);
    j.Key("state_rows").UInt(o.state_rows);
    j.Key("state_bytes").UInt(o.state_bytes);
    j.Key("sink");
    o.sink.empty() ? j.Null() : j.String(o.sink);
    j.Close('}');
  }
  j.Close(']');

  j.Key("sinks").Open('[');
  for (const auto& s : m.sinks) {
    j.Open('{');
    j.Key("id").String("sink:" + s.table);
    j.Key("table").String(s.table);
    j.Key("describe").String(s.describe);
    j.Key("exactly_once").Bool(s.exactly_once);
    j.Key("dead_letter_table").Bool(s.dead_letter_table);
    j.Key("rows_written").UInt(s.rows_written);
    j.Key("rows_spilled").UInt(s.rows_spilled);
    j.Key("rows_replayed").UInt(s.rows_replayed);
    j.Key("rows_in_spill").UInt(s.rows_in_spill);
    j.Key("bytes_in_spill").UInt(s.bytes_in_spill);
    j.Key("segments_in_spill").UInt(s.segments_in_spill);
    j.Key("spill_dir").String(s.spill_dir);
    j.Key("commits").UInt(s.commits);
    j.Key("commit_latency_seconds").Open('{');
    j.Key("count").UInt(s.commit_latency.count);
    j.Key("sum").Double(s.commit_latency.sum_seconds);
    j.Close('}');
    j.Close('}');
  }
  j.Close(']');

  const CheckpointMetrics& c = m.checkpoints;
  j.Key("checkpoints").Open('{');
  j.Key("completed").UInt(c.completed);
  j.Key("failed").UInt(c.failed);
  j.Key("last_success_unix_ms").IntOrNull(c.last_success_unix_ms, 0);
  j.Key("duration_seconds").Open('{');
  j.Key("count").UInt(c.duration.count);
  j.Key("sum").Double(c.duration.sum_seconds);
  j.Close('}');
  j.Key("recent").Open('[');
  for (const auto& r : c.recent) {
    j.Open('{');
    j.Key("epoch").UInt(r.epoch);
    j.Key("started_unix_ms").Int(r.started_unix_ms);
    j.Key("duration_seconds").Double(r.duration_seconds);
    j.Close('}');
  }
  j.Close(']');
  j.Close('}');

  j.Key("dead_letters").Open('[');
  for (const auto& d : m.recent_dead_letters) {
    j.Open('{');
    j.Key("time_unix_ms").Int(d.time_unix_ms);
    j.Key("source").String(d.source);
    j.Key("kind").String(kDeadLetterKindNames[static_cast<size_t>(d.kind)]);
    j.Key("topic").String(d.origin);
    j.Key("partition").Int(d.partition);
    j.Key("offset").Int(d.offset);
    j.Key("reason").String(d.reason);
    j.Key("value").String(d.value);
    j.Key("value_cut").Bool(d.value_cut);
    j.Close('}');
  }
  j.Close(']');

  j.Key("balance").Open('{');
  j.Key("read").UInt(m.balance.read);
  j.Key("accounted").UInt(m.balance.accounted);
  j.Key("unaccounted").Int(m.balance.unaccounted);
  j.Key("lines").Open('[');
  for (const auto& line : m.balance.lines) j.String(line);
  j.Close(']');
  j.Close('}');
  j.Close('}');
  return j.Take();
}

std::string RenderHistoryJson(const std::vector<MetricsSample>& samples) {
  JsonOut j;
  j.Open('{');
  j.Key("interval_ms").Int(MetricsHub::kSampleIntervalMs);
  j.Key("samples").Open('[');
  for (const auto& s : samples) {
    j.Open('{');
    j.Key("unix_ms").Int(s.unix_ms);
    j.Key("records_in").UInt(s.records_in);
    j.Key("rows_out").UInt(s.rows_out);
    j.Key("dead_letters").UInt(s.dead_letters);
    j.Key("lag").IntOrNull(s.lag, -1);
    j.Close('}');
  }
  j.Close(']');
  j.Close('}');
  return j.Take();
}

}  // namespace sluice::server
