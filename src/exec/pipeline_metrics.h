#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace sluice {

// A latency distribution with fixed buckets (seconds), as Prometheus histograms have them:
// bucket i counts the observations <= kBounds[i]; the last one is +Inf.
struct LatencyHistogram {
  static constexpr std::array<double, 12> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                     0.5,   1,    2.5,   5,    10,  30};
  std::array<uint64_t, kBounds.size() + 1> buckets{};  // not cumulative
  uint64_t count = 0;
  double sum_seconds = 0;

  void Observe(double seconds) {
    size_t i = 0;
    while (i < kBounds.size() && seconds > kBounds[i]) ++i;
    ++buckets[i];
    ++count;
    sum_seconds += seconds;
  }
};

constexpr int64_t kNoWatermark = std::numeric_limits<int64_t>::min();

// One partition of a source: where the pipeline is, where the input ends, and how far behind
// that is in records and in time.
struct PartitionMetrics {
  int32_t partition = 0;
  uint64_t records_read = 0;  // by this attempt of the run
  int64_t position = -1;     // the next offset to read; -1: nothing read yet
  int64_t end = -1;          // the end of the partition (Kafka's high watermark); -1: unknown
  int64_t stop_at = -1;      // --bounded: the end offset the run stops at
  int64_t lag = -1;          // end - position; -1: unknown
  // How old the last record read is (its Kafka timestamp against now) while records are left;
  // 0 when caught up; -1 unknown.
  double lag_seconds = -1;
  int64_t last_record_time_ms = -1;
  int64_t watermark_us = kNoWatermark;  // the event-time watermark this partition holds
};

// Why a record or row became a dead letter.
enum class DeadLetterKind { kMalformed, kLate, kRaised, kUnwritable };
constexpr std::array<const char*, 4> kDeadLetterKindNames = {"malformed", "late", "raised",
                                                             "unwritable"};

struct SourceMetrics {
  std::string table;
  std::string describe;   // the connector, as explain shows it
  std::string origin;     // the topic (empty for sources that cannot seek)
  uint64_t read = 0;
  uint64_t decoded = 0;
  uint64_t dead_lettered = 0;  // malformed records sent to the dead-letter table
  uint64_t skipped = 0;        // malformed records skipped ('errors' = 'skip')
  uint64_t already_delivered = 0;
  // Dead letters of this source's records by kind (malformed, late, raised, unwritable).
  std::array<uint64_t, kDeadLetterKindNames.size()> dead_letters{};
  bool finished = false;
  int64_t watermark_us = kNoWatermark;
  std::vector<PartitionMetrics> partitions;
};

// One operator of the plan graph. Ids are stable within a run: "<source>/<n>" in depth-first
// order from the source; `parent` is the node that feeds it (a source's id is its table).
struct OperatorMetricsNode {
  std::string id;
  std::string parent;
  std::string kind;  // "Filter", "Project", "HashAggregate", ...
  std::string describe;
  uint64_t rows_in = 0;
  uint64_t rows_out = 0;
  uint64_t rows_dropped = 0;  // left out by a filter, keyed by `dropped_as`
  std::string dropped_as;
  uint64_t late_rows = 0;
  uint64_t rows_raised = 0;
  uint64_t duplicates_removed = 0;
  uint64_t groups_spilled = 0;
  uint64_t state_rows = 0;   // keys/groups/rows held in memory
  uint64_t state_bytes = 0;  // their approximate size
  std::string sink;          // a sink operator: the table it writes
};

struct SinkMetricsNode {
  std::string table;
  std::string describe;
  bool exactly_once = false;
  bool dead_letter_table = false;
  uint64_t rows_written = 0;
  uint64_t rows_spilled = 0;
  uint64_t rows_replayed = 0;
  uint64_t rows_in_spill = 0;
  uint64_t bytes_in_spill = 0;
  uint64_t segments_in_spill = 0;
  std::string spill_dir;
  uint64_t commits = 0;
  LatencyHistogram commit_latency;  // from the start of a checkpoint to this sink's commit
};

struct CheckpointRecord {
  uint64_t epoch = 0;
  int64_t started_unix_ms = 0;
  double duration_seconds = 0;
};

struct CheckpointMetrics {
  uint64_t completed = 0;  // across restarts of this process
  uint64_t failed = 0;     // runs that failed while a checkpoint was in flight
  int64_t last_success_unix_ms = 0;
  LatencyHistogram duration;
  std::deque<CheckpointRecord> recent;  // the last kRecent, oldest first
  static constexpr size_t kRecent = 120;
};

struct DeadLetterSample {
  int64_t time_unix_ms = 0;
  std::string source;  // the source table
  DeadLetterKind kind = DeadLetterKind::kMalformed;
  std::string origin;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string reason;
  std::string value;  // the raw value, cut to kMaxValueBytes
  bool value_cut = false;
  static constexpr size_t kMaxValueBytes = 2048;
};

// The books of reconciliation as of now (this run plus earlier runs' last checkpoint).
struct ReconciliationBalance {
  uint64_t read = 0;
  uint64_t accounted = 0;  // decoded + dead-lettered + skipped + already delivered
  int64_t unaccounted = 0; // records, summed over sources and paths (0 in balance)
  std::vector<std::string> lines;  // "source -> sink: decoded N = reached the sink N + ..."
};

// Everything `/metrics`, `/api/pipeline`, the web UI, `sluice status` and the terminal status
// line show, as one consistent snapshot the pipeline's thread fills between batches (so
// counters need no atomics or locks on the hot path) and publishes to a MetricsHub.
struct PipelineMetrics {
  std::string pipeline;
  std::string state = "starting";  // starting, running, restarting, finished, failed, stopped
  std::string last_error;          // why the last attempt failed (restarting, failed)
  int64_t started_unix_ms = 0;     // of the process's run
  int64_t updated_unix_ms = 0;
  int64_t commit_interval_ms = 0;
  uint64_t restarts = 0;
  bool bounded = false;
  double cpu_seconds = 0;
  uint64_t rss_bytes = 0;
  std::vector<SourceMetrics> sources;
  std::vector<OperatorMetricsNode> operators;
  std::vector<SinkMetricsNode> sinks;
  CheckpointMetrics checkpoints;
  std::vector<DeadLetterSample> recent_dead_letters;  // newest last
  ReconciliationBalance balance;
};

}  // namespace sluice
