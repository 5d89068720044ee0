#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exec/pipeline_metrics.h"

namespace sluice {

// Totals at one moment, kept for the charts of the last minutes.
struct MetricsSample {
  int64_t unix_ms = 0;
  uint64_t records_in = 0;    // read from every source
  uint64_t rows_out = 0;      // written to the sinks (dead-letter tables not counted)
  uint64_t dead_letters = 0;  // written to dead-letter tables
  int64_t lag = -1;           // records behind the ends of the sources' partitions; -1 unknown
};

// Where a running pipeline publishes its metrics and where readers (the HTTP server, the
// terminal status line) take them from, on other threads. The pipeline's thread builds a whole
// PipelineMetrics between batches and hands it over; readers get an immutable snapshot, so no
// counter is shared between threads. Lives as long as `sluice run`, across restarts.
class MetricsHub {
 public:
  explicit MetricsHub(std::string pipeline);

  // The pipeline's thread: the new snapshot (process CPU and memory, the time, rates and the
  // run-level fields are filled in here).
  void Publish(PipelineMetrics metrics);
  // `sluice run` between attempts: the attempt failed (`checkpoint_in_flight`: while one was
  // being committed) and the pipeline restarts, or it ended for good.
  void NoteRestarting(const std::string& error, bool checkpoint_in_flight);
  void NoteEnded(const std::string& state, const std::string& error);
  void NoteBounded(bool bounded);

  std::shared_ptr<const PipelineMetrics> Latest() const;
  std::vector<MetricsSample> History() const;
  // Records per second read and rows per second written over the last few seconds.
  struct Rates {
    double records_in = 0;
    double rows_out = 0;
  };
  Rates CurrentRates() const;

  static constexpr size_t kHistorySamples = 600;  // one a second: the last ten minutes
  static constexpr int64_t kSampleIntervalMs = 1000;

 private:
  MetricsSample SampleOf(const PipelineMetrics& m) const;

  mutable std::mutex mutex_;
  std::shared_ptr<const PipelineMetrics> latest_;
  std::deque<MetricsSample> history_;
  MetricsSample newest_;  // the latest publish, sampled or not
  int64_t started_unix_ms_ = 0;
  uint64_t restarts_ = 0;
  bool bounded_ = false;
};

// Process figures for the metrics: user + system CPU seconds, resident memory in bytes.
double ProcessCpuSeconds();
uint64_t ProcessResidentBytes();
int64_t UnixMillisNow();

}  // namespace sluice
