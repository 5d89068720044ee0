#include "exec/metrics_hub.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace sluice {

int64_t UnixMillisNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

uint64_t ProcessResidentBytes() {
  // /proc/self/statm: size resident shared ... in pages.
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  int got = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (got != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

MetricsHub::MetricsHub(std::string pipeline) : started_unix_ms_(UnixMillisNow()) {
  auto first = std::make_shared<PipelineMetrics>();
  first->pipeline = std::move(pipeline);
  first->started_unix_ms = started_unix_ms_;
  first->updated_unix_ms = started_unix_ms_;
  latest_ = std::move(first);
}

MetricsSample MetricsHub::SampleOf(const PipelineMetrics& m) const {
  MetricsSample s;
  s.unix_ms = m.updated_unix_ms;
  bool lag_known = false;
  int64_t lag = 0;
  for (const auto& source : m.sources) {
    s.records_in += source.read;
    for (const auto& p : source.partitions) {
      if (p.lag >= 0) {
        lag += p.lag;
        lag_known = true;
      }
    }
  }
  s.lag = lag_known ? lag : -1;
  for (const auto& sink : m.sinks) {
    (sink.dead_letter_table ? s.dead_letters : s.rows_out) += sink.rows_written;
  }
  return s;
}

void MetricsHub::Publish(PipelineMetrics metrics) {
  metrics.updated_unix_ms = UnixMillisNow();
  metrics.cpu_seconds = ProcessCpuSeconds();
  metrics.rss_bytes = ProcessResidentBytes();
  std::lock_guard lock(mutex_);
  metrics.started_unix_ms = started_unix_ms_;
  metrics.restarts = restarts_;
  metrics.bounded = bounded_;
  // Counters start again with each attempt after a restart (Prometheus takes a fall as a
  // reset); rates skip the fall.
  MetricsSample sample = SampleOf(metrics);
  newest_ = sample;
  if (history_.empty() || sample.unix_ms - history_.back().unix_ms >= kSampleIntervalMs) {
    history_.push_back(sample);
    if (history_.size() > kHistorySamples) history_.pop_front();
  }
  latest_ = std::make_shared<const PipelineMetrics>(std::move(metrics));
}

void MetricsHub::NoteRestarting(const std::string& error, bool checkpoint_in_flight) {
  std::lock_guard lock(mutex_);
  ++restarts_;
  auto next = std::make_shared<PipelineMetrics>(*latest_);
  next->state = "restarting";
  next->last_error = error;
  next->restarts = restarts_;
  if (checkpoint_in_flight) ++next->checkpoints.failed;
  next->updated_unix_ms = UnixMillisNow();
  latest_ = std::move(next);
}

void MetricsHub::NoteEnded(const std::string& state, const std::string& error) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<PipelineMetrics>(*latest_);
  next->state = state;
  next->last_error = error;
  next->updated_unix_ms = UnixMillisNow();
  next->cpu_seconds = ProcessCpuSeconds();
  next->rss_bytes = ProcessResidentBytes();
  latest_ = std::move(next);
}

void MetricsHub::NoteBounded(bool bounded) {
  std::lock_guard lock(mutex_);
  bounded_ = bounded;
}

std::shared_ptr<const PipelineMetrics> MetricsHub::Latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::vector<MetricsSample> MetricsHub::History() const {
  std::lock_guard lock(mutex_);
  return {history_.begin(), history_.end()};
}

MetricsHub::Rates MetricsHub::CurrentRates() const {
  std::lock_guard lock(mutex_);
  Rates rates;
  if (history_.empty()) return rates;
  // The oldest sample at most five seconds before the newest publish.
  const MetricsSample* from = nullptr;
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    if (newest_.unix_ms - it->unix_ms > 5000) break;
    from = &*it;
  }
  if (from == nullptr || newest_.unix_ms <= from->unix_ms) return rates;
  const double seconds = (newest_.unix_ms - from->unix_ms) / 1000.0;
  // Counters start again after a restart: a fall is no negative rate.
  if (newest_.records_in >= from->records_in) {
    rates.records_in = (newest_.records_in - from->records_in) / seconds;
  }
  if (newest_.rows_out >= from->rows_out) rates.rows_out = (newest_.rows_out - from->rows_out) / seconds;
  return rates;
}

}  // namespace sluice
