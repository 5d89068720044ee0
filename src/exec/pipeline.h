#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/allocator_tuning.h"
#include "connector/source.h"
#include "exec/dead_letter_writer.h"
#include "exec/metrics_hub.h"
#include "exec/pipeline_metrics.h"
#include "connector/source_offsets.h"
#include "exec/operator.h"
#include "exec/record_positions.h"
#include "exec/reconciliation_counts.h"
#include "exec/record_decoder.h"
#include "exec/sink_operator.h"
#include "state/state_snapshot.h"

namespace sluice {

// One source table read once, decoded, and fanned out to the operator chains of every INSERT
// that reads it.
struct SourceTask {
  std::string table_name;
  std::unique_ptr<Source> source;
  std::unique_ptr<RecordDecoder> decoder;
  ErrorPolicy errors = ErrorPolicy::kFail;
  DeadLetterWriter* dead_letters = nullptr;  // for kDeadLetter; owned by the pipeline
  std::unique_ptr<Operator> root;            // fans out to each INSERT's chain

  // Accounting: read = decoded + dead_lettered + skipped.
  uint64_t records_read = 0;
  uint64_t records_decoded = 0;
  uint64_t records_dead_lettered = 0;
  uint64_t records_skipped = 0;
  uint64_t records_already_delivered = 0;  // dead letters a restart replayed and a sink had
  bool finished = false;
  // Per partition: records read and the Kafka timestamp of the last one (the lag in time).
  struct PartitionRead {
    uint64_t records = 0;
    int64_t last_record_time_ms = -1;
  };
  std::map<int32_t, PartitionRead> partitions_read;
};

struct PipelineOptions {
  size_t max_batch_records = 4096;
  int64_t poll_timeout_ms = 50;
  int64_t commit_interval_ms = 1000;  // sinks commit at least this often
  // `sluice run` restarts a pipeline that failed for a retryable reason (a service down past
  // its sink's retries, a Kafka transaction aborted) this many times, this long apart; the
  // restart resumes from the last checkpoint. A run that has made progress resets the count.
  int restart_attempts = 10;
  int64_t restart_delay_ms = 2000;
  // A pipeline that has not started (every source and sink open) this long after the first
  // attempt is given up, however many restarts are left ('pipeline.startup-timeout').
  int64_t startup_timeout_ms = 60'000;
  // How often a pipeline with a MetricsHub publishes its metrics.
  int64_t metrics_interval_ms = 500;
  // The HTTP endpoint for metrics and the web UI (Flink's 'rest.port', 'rest.bind-address'):
  // -1 none unless `sluice run --http` asks; 0 any free port.
  int rest_port = -1;
  std::string rest_bind_address = "127.0.0.1";
  // Where stateful queries checkpoint their state ('state.checkpoints.dir'): a folder per
  // pipeline under it.
  std::string state_dir = ".sluice/state";
};

// An operator with state, as checkpointed: `id` is the planner's stable state id.
struct StatefulOperator {
  std::string id;
  std::string legacy_path;  // its place in the tree, for snapshots from before stable ids
  Operator* op = nullptr;
};

// Runs the sources on the calling thread until every bounded source has ended or `stop` is set,
// committing sinks periodically and at the end.
class Pipeline {
 public:
  Pipeline(std::string name, PipelineOptions options)
      : name_(std::move(name)), options_(options) {
    TuneAllocatorForBatches();
  }

  void AddSource(SourceTask task) { sources_.push_back(std::move(task)); }
  void AddDeadLetterWriter(std::unique_ptr<DeadLetterWriter> writer) {
    dead_letter_writers_.push_back(std::move(writer));
  }
  // Sinks are owned by operator chains; the pipeline keeps pointers for opening and the summary.
  void RegisterSink(SinkOperator* sink) { sinks_.push_back(sink); }

  Status Open();
  Status Run(const std::atomic<bool>& stop);
  // Publishes metrics to `hub` while running (see MetricsHub), carrying on the checkpoint and
  // commit figures of the attempts before this one.
  void AttachMetrics(MetricsHub* hub);
  // Everything the metrics show, as of now (on the pipeline's thread, between batches).
  PipelineMetrics CollectMetrics() const;
  bool checkpoint_in_flight() const { return checkpoint_.in_flight; }

  const std::string& name() const { return name_; }
  const PipelineOptions& options() const { return options_; }
  const std::vector<SourceTask>& sources() const { return sources_; }
  const std::vector<SinkOperator*>& sinks() const { return sinks_; }
  const std::vector<std::unique_ptr<DeadLetterWriter>>& dead_letter_writers() const {
    return dead_letter_writers_;
  }
  int64_t batch_id() const { return batch_id_; }
  // A human summary: per source read/decoded/dead-lettered, per sink rows written.
  std::string Summary() const;
  // What this run has accounted for so far (not counting earlier runs).
  ReconciliationCounts RunCounts() const;
  void AddPaths(const SourceTask& task, ReconciliationCounts& counts) const;

 private:
  Status PollOnce(SourceTask& task, EvalContext& context, bool* got_records);
  // Tells the operators which partitions `task`'s source reads and how to ask it whether one
  // holds unread records (event time waits for those), through `context`.
  void NoteSourcePartitions(const SourceTask& task, EvalContext& context);
  // Exactly-once: reads every sink's committed progress and positions the sources.
  Status Recover();
  // One checkpoint path for every guarantee. BeginCheckpoint ends an epoch: it prepares the
  // state snapshot, notes the source positions and starts the first stage's commits (each
  // exactly-once sink commits those positions with its rows). AdvanceCheckpoint waits up to
  // `max_wait` for the current stage, starts the next, and once every stage is through
  // commits the snapshot and the sources' positions (true). CompleteCheckpoint waits for all.
  Status BeginCheckpoint();
  Status BeginStage();
  Result<bool> AdvanceCheckpoint(std::chrono::milliseconds max_wait);
  Status CompleteCheckpoint();
  // `stopped`: the input did not end (Ctrl-C): open windows stay in the state checkpoint.
  Status FinishAll(bool stopped);
  // Stateful operators: finds them, restores the committed snapshot (adding its positions to
  // `resume_points`), and checkpoints their state with the sinks.
  // `sink_progress`: what each exactly-once sink has committed (a sink behind stateful operators
  // picks the snapshot that matches it).
  Status RestoreState(const std::vector<std::pair<SinkOperator*, SourceOffsets>>& sink_progress,
                      std::vector<SourceOffsets>& resume_points);
  Status PrepareStateSnapshot();
  Status CommitStateSnapshot();

  std::string name_;
  PipelineOptions options_;
  std::vector<SourceTask> sources_;
  std::vector<std::unique_ptr<DeadLetterWriter>> dead_letter_writers_;
  std::vector<SinkOperator*> sinks_;
  int64_t batch_id_ = 0;
  // Next offset per origin/partition of every record pushed through so far (seekable sources
  // only): what exactly-once sinks commit as their progress.
  SourceOffsets positions_;
  RecordPositions row_positions_;  // scratch, per decoded batch
  std::vector<int32_t> source_partitions_;  // scratch: the polled source's partitions
  bool any_exactly_once_ = false;
  struct Checkpoint {
    uint64_t epoch = 0;
    int64_t started_ms = 0;
    bool in_flight = false;
    std::vector<PartitionOffsets> source_positions;  // per source, at the start
    std::vector<std::vector<SinkOperator*>> stages;  // committed one after the other
    size_t stage = 0;
  };
  Checkpoint checkpoint_;
  // Reconciliation: the counts of earlier runs (as of their last checkpoint), and those of the
  // checkpoint in flight, saved when it completes.
  ReconciliationCounts counts_before_;
  ReconciliationCounts checkpoint_counts_;
  uint64_t epoch_ = 0;  // the last epoch begun
  std::vector<StatefulOperator> stateful_;
  std::unique_ptr<StateSnapshotStore> state_store_;  // null: state lives in memory only
  int64_t state_checkpoint_ = 0;
  SourceOffsets restored_positions_;  // of the snapshot restored at start

  // Metrics (null hub: none are published and none of this is kept up).
  void PublishMetrics(const char* state);
  void NoteCheckpointDone(int64_t started_ms);
  void NoteSinkCommitted(const SinkOperator* sink);
  MetricsHub* metrics_hub_ = nullptr;
  int64_t next_publish_ms_ = 0;
  int64_t checkpoint_started_unix_ms_ = 0;
  CheckpointMetrics checkpoint_metrics_;
  struct SinkCommits {
    uint64_t epoch = 0;  // the last epoch counted
    uint64_t commits = 0;
    LatencyHistogram latency;
  };
  std::map<std::string, SinkCommits> sink_commits_;  // by table
  std::vector<DeadLetterSample> carried_dead_letters_;  // from earlier attempts
};

}  // namespace sluice
