#include "exec/pipeline.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "exec/resume_filter_operator.h"
#include "state/state_snapshot_match.h"

namespace sluice {
namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Every operator with state below `op`, with its place in the tree (which, with the
// operator's explain line, was the state id before the planner gave stable ones).
void CollectStateful(Operator& op, const std::string& path, std::vector<StatefulOperator>& out) {
  if (op.has_state()) {
    out.push_back({op.state_id().empty() ? path : op.state_id(), path, &op});
  }
  for (size_t i = 0; i < op.outputs().size(); ++i) {
    CollectStateful(*op.outputs()[i], path + "/" + std::to_string(i), out);
  }
}

bool SubtreeHasState(const Operator& op) {
  if (op.has_state()) return true;
  for (const auto& child : op.outputs()) {
    if (SubtreeHasState(*child)) return true;
  }
  return false;
}

// The resume filters at the heads of queries that keep state.
void CollectStatefulQueryHeads(Operator& op, std::vector<ResumeFilterOperator*>& out) {
  if (auto* filter = dynamic_cast<ResumeFilterOperator*>(&op)) {
    if (SubtreeHasState(op)) out.push_back(filter);
    return;
  }
  for (const auto& child : op.outputs()) CollectStatefulQueryHeads(*child, out);
}

void CollectSinks(Operator& op, std::vector<SinkOperator*>& out) {
  if (auto* sink = dynamic_cast<SinkOperator*>(&op)) out.push_back(sink);
  for (const auto& child : op.outputs()) CollectSinks(*child, out);
}

std::string OffsetsText(const PartitionOffsets& offsets) {
  std::string text;
  for (const auto& [partition, offset] : offsets) {
    text += fmt::format("{}{}@{}", text.empty() ? "" : ", ", partition, offset);
  }
  return text;
}

}  // namespace

Status Pipeline::Open() {
  for (auto* sink : sinks_) {
    if (sink->first()) SLUICE_RETURN_NOT_OK(sink->Open());
  }
  for (auto& w : dead_letter_writers_) SLUICE_RETURN_NOT_OK(w->Open());
  for (auto& task : sources_) {
    const std::string context = "opening source '" + task.table_name + "'";
    if (const Schema* columns = task.decoder->fillable_schema()) {
      Result<bool> filled = task.source->FillColumns(*columns);
      SLUICE_RETURN_NOT_OK(filled.status().WithContext(context));
      if (!*filled && task.decoder->requires_filled()) {
        return Status::Invalid("{}: this source cannot read the table's format (Parquet is read "
                               "by the filesystem connector only)",
                               context);
      }
    }
    SLUICE_RETURN_NOT_OK(task.source->Open().WithContext(context));
  }
  SLUICE_ASSIGN_OR_RETURN(std::optional<ReconciliationCounts> before,
                          ReconciliationCounts::Load(ReconciliationCounts::PathFor(options_.state_dir, name_)));
  counts_before_ = before ? std::move(*before) : ReconciliationCounts{};
  return Recover();
}

ReconciliationCounts Pipeline::RunCounts() const {
  ReconciliationCounts counts;
  for (const auto& task : sources_) {
    auto& s = counts.sources[task.table_name];
    s.read = task.records_read;
    s.decoded = task.records_decoded;
    s.dead_lettered = task.records_dead_lettered;
    s.skipped = task.records_skipped;
    s.already_delivered = task.records_already_delivered;
  }
  auto add_sink = [&](const SinkOperator& sink) {
    auto& s = counts.sinks[sink.table_name()];
    s.written = sink.rows_written();  // the sink's, shared by the INSERTs into its table
    s.rejected = sink.rows_rejected();
  };
  for (const auto* sink : sinks_) add_sink(*sink);
  for (const auto& w : dead_letter_writers_) add_sink(w->sink());
  for (const auto& task : sources_) AddPaths(task, counts);
  return counts;
}

namespace {

// The sinks at the ends of the chains below `op`.
void SinksBelow(const Operator& op, std::vector<std::string>& names) {
  if (const auto* sink = dynamic_cast<const SinkOperator*>(&op)) {
    names.push_back(sink->table_name());
    return;
  }
  for (const auto& out : op.outputs()) SinksBelow(*out, names);
}

std::string TransformName(const Operator& op) {
  if (!op.state_kind().empty()) return std::string(op.state_kind());
  const std::string text = op.Describe();
  return text.substr(0, text.find_first_of(" ([")); 
}

}  // namespace

void Pipeline::AddPaths(const SourceTask& task, ReconciliationCounts& counts) const {
  // Follows the source's rows down each chain, adding up what is dropped on the way.
  std::function<void(const Operator&, ReconciliationCounts::Path)> follow =
      [&](const Operator& op, ReconciliationCounts::Path path) {
        auto record = [&](const std::string& sink, const ReconciliationCounts::Path& p) {
          std::string key = task.table_name + " -> " + sink;
          for (int n = 2; counts.paths.count(key); ++n) {  // two INSERTs from it into one table
            key = fmt::format("{} -> {} ({})", task.table_name, sink, n);
          }
          counts.paths[key] = p;
        };
        if (const auto* sink = dynamic_cast<const SinkOperator*>(&op)) {
          path.arrived = sink->rows_in();
          record(sink->table_name(), path);
          return;
        }
        // Rows an expression raised on in ANSI mode left the chain here, whatever its kind.
        const uint64_t raised = op.metrics().rows_raised;
        if (raised) path.dropped["raised an error (ANSI mode)"] += raised;
        switch (op.row_flow()) {
          case RowFlow::kPasses:
            break;
          case RowFlow::kFilters:
            path.dropped[std::string(op.dropped_as())] += op.rows_in() - op.rows_out() - raised;
            break;
          case RowFlow::kTransforms: {
            path.into = TransformName(op);
            // Rows it found behind the watermark are dropped, not kept.
            path.dropped["late"] += op.metrics().late_rows;
            path.into_rows = op.rows_in() - op.metrics().late_rows;
            std::vector<std::string> sinks;
            SinksBelow(op, sinks);
            if (sinks.empty()) sinks.push_back("(" + path.into + ")");
            for (const auto& sink : sinks) record(sink, path);
            return;
          }
        }
        for (const auto& out : op.outputs()) follow(*out, path);
      };
  ReconciliationCounts::Path start;
  start.decoded = task.records_decoded;
  if (task.root) follow(*task.root, start);
}

Status Pipeline::Recover() {
  std::vector<std::string> origins;
  for (auto& task : sources_) {
    if (!task.source->origin().empty()) origins.push_back(task.source->origin());
  }
  std::vector<SinkOperator*> all = sinks_;
  for (auto& w : dead_letter_writers_) all.push_back(&w->sink());
  std::vector<std::pair<SinkOperator*, SourceOffsets>> progress;
  for (auto* sink : all) {
    if (!sink->exactly_once()) continue;
    any_exactly_once_ = true;
    sink->set_positions(&positions_);
    SLUICE_ASSIGN_OR_RETURN(SourceOffsets recovered, sink->Recover(origins));
    progress.emplace_back(sink, std::move(recovered));
  }
  std::vector<SourceOffsets> state_points;
  SLUICE_RETURN_NOT_OK(RestoreState(progress, state_points));
  for (auto& point : state_points) progress.emplace_back(nullptr, std::move(point));
  if (progress.empty()) return Status::OK();

  for (auto& task : sources_) {
    const std::string origin = task.source->origin();
    if (origin.empty()) continue;
    // Arm the resume filter of each INSERT reading this source with its sink's progress.
    std::vector<SinkOperator*> task_sinks;
    CollectSinks(*task.root, task_sinks);
    for (auto* sink : task_sinks) {
      if (!sink->exactly_once() || sink->resume_filter() == nullptr) continue;
      for (auto& [s, offsets] : progress) {
        if (s != sink || !offsets.count(origin)) continue;
        PartitionOffsets resume = offsets[origin];
        // Where the sink's dead-letter table is behind it (a crash between the two commits),
        // the rows in between come again, so their rejects are dead-lettered; the sink
        // operator leaves the rows themselves out.
        if (const SinkOperator* letters = sink->exactly_once_dead_letter_sink()) {
          sink->ReplayFrom(offsets[origin], origin);
          const PartitionOffsets empty;
          auto it = letters->recovered().find(origin);
          const PartitionOffsets& theirs = it == letters->recovered().end() ? empty : it->second;
          for (auto p = resume.begin(); p != resume.end();) {
            auto q = theirs.find(p->first);
            if (q == theirs.end()) {
              p = resume.erase(p);  // the table has nothing there: replay it all
            } else {
              p->second = std::min(p->second, q->second);
              ++p;
            }
          }
        }
        sink->resume_filter()->SetResume(resume);
      }
    }
    // A partition resumes at the oldest position of all exactly-once sinks; where one of them
    // has none, the source's own start (group offsets, committed only after every sink
    // committed, or the startup mode) applies, which is never later.
    PartitionOffsets resume;
    bool first = true;
    for (auto& [sink, offsets] : progress) {
      const PartitionOffsets empty;
      auto it = offsets.find(origin);
      const PartitionOffsets& mine = it == offsets.end() ? empty : it->second;
      if (first) {
        resume = mine;
        first = false;
        continue;
      }
      for (auto p = resume.begin(); p != resume.end();) {
        auto m = mine.find(p->first);
        if (m == mine.end()) {
          p = resume.erase(p);
        } else {
          p->second = std::min(p->second, m->second);
          ++p;
        }
      }
    }
    if (!resume.empty()) {
      spdlog::info("source '{}': resuming {} from the sinks' committed progress (partition@offset: {})",
                   task.table_name, origin, OffsetsText(resume));
      task.source->ResumeFrom(resume);
    }
  }
  return Status::OK();
}

Status Pipeline::RestoreState(
    const std::vector<std::pair<SinkOperator*, SourceOffsets>>& sink_progress,
    std::vector<SourceOffsets>& resume_points) {
  stateful_.clear();
  bool seekable = true;
  for (auto& task : sources_) {
    size_t before = stateful_.size();
    CollectStateful(*task.root, task.table_name, stateful_);
    if (stateful_.size() > before && task.source->origin().empty()) {
      seekable = false;
      spdlog::info("source '{}' cannot be re-read from a position: the state of its queries is "
                   "kept in memory only, not in checkpoints",
                   task.table_name);
    }
  }
  if (stateful_.empty() || !seekable) return Status::OK();
  state_store_ = std::make_unique<StateSnapshotStore>(std::filesystem::path(options_.state_dir) / name_);
  SLUICE_ASSIGN_OR_RETURN(std::optional<StateSnapshot> snapshot, state_store_->LoadCommitted());
  // An exactly-once sink behind stateful operators commits its rows with the positions of the
  // checkpoint whose snapshot is pending until the sink is through: if it got through and the
  // process died before the snapshot was committed, the pending one is the state that matches.
  std::vector<SinkOperator*> stateful_sinks;
  for (auto& task : sources_) {
    std::vector<ResumeFilterOperator*> heads;
    CollectStatefulQueryHeads(*task.root, heads);
    for (auto* head : heads) CollectSinks(*head, stateful_sinks);
  }
  for (auto* sink : stateful_sinks) {
    if (!sink->exactly_once()) continue;
    const SourceOffsets* committed = nullptr;
    for (const auto& [s, offsets] : sink_progress) {
      if (s == sink) committed = &offsets;
    }
    if (!committed || committed->empty()) continue;
    if (snapshot && snapshot->positions == *committed) break;
    SLUICE_ASSIGN_OR_RETURN(std::optional<StateSnapshot> pending, state_store_->LoadPending());
    if (pending && pending->positions == *committed) {
      spdlog::info("sink '{}' committed checkpoint {} before the process stopped: its state "
                   "snapshot takes effect now",
                   sink->table_name(), pending->checkpoint);
      SLUICE_RETURN_NOT_OK(state_store_->PromotePending());
      snapshot = std::move(pending);
      break;
    }
    return Status::Invalid(
        "sink '{}' has committed results of positions that no state snapshot in {} matches "
        "(was the state folder removed, or the table filled by another run?): empty the sink "
        "table or topic, or restore the state folder",
        sink->table_name(), state_store_->dir().string());
  }
  if (!snapshot) return Status::OK();
  std::vector<std::string> ids, legacy_paths;
  for (const auto& op : stateful_) {
    ids.push_back(op.id);
    legacy_paths.push_back(op.legacy_path);
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<size_t> match,
                          MatchOperatorStates(*snapshot, ids, legacy_paths, state_store_->dir().string()));
  for (size_t i = 0; i < stateful_.size(); ++i) {
    const StatefulOperator& s = stateful_[i];
    Status restored = s.op->RestoreState(snapshot->operators[match[i]].bytes);
    if (!restored.ok()) {
      return Status::Invalid("restoring the state of '{}' from {}: {}; move that folder away to "
                             "start this pipeline without its state",
                             s.id, state_store_->dir().string(), restored.message());
    }
  }
  // Queries with state skip what the snapshot already covers; the sources re-read from there.
  for (auto& task : sources_) {
    auto it = snapshot->positions.find(task.source->origin());
    if (it == snapshot->positions.end()) continue;
    std::vector<ResumeFilterOperator*> heads;
    CollectStatefulQueryHeads(*task.root, heads);
    for (auto* head : heads) head->SetResume(it->second);
  }
  state_checkpoint_ = snapshot->checkpoint;
  restored_positions_ = snapshot->positions;
  spdlog::info("restored the state of {} operator{} from checkpoint {} in {}", stateful_.size(),
               stateful_.size() == 1 ? "" : "s", state_checkpoint_, state_store_->dir().string());
  resume_points.push_back(std::move(snapshot->positions));
  return Status::OK();
}

Status Pipeline::PrepareStateSnapshot() {
  if (!state_store_) return Status::OK();
  StateSnapshot snapshot;
  snapshot.checkpoint = ++state_checkpoint_;
  // The state covers at least what the restored snapshot covered, even while the sources
  // replay older records for another sink (the stateful queries skip those).
  snapshot.positions = positions_;
  MergeMax(snapshot.positions, restored_positions_);
  for (const auto& s : stateful_) {
    StateSnapshot::OperatorState state;
    state.id = s.id;
    SLUICE_RETURN_NOT_OK(s.op->SnapshotState(state.bytes));
    snapshot.operators.push_back(std::move(state));
  }
  return state_store_->Prepare(snapshot);
}

Status Pipeline::CommitStateSnapshot() {
  if (!state_store_) return Status::OK();
  return state_store_->Commit();
}

void Pipeline::NoteSourcePartitions(const SourceTask& task, EvalContext& context) {
  source_partitions_ = task.source->Partitions();
  context.source_partitions = &source_partitions_;
  context.has_unread_records = [source = task.source.get()](int32_t partition) {
    return source->HasUnreadRecords(partition);
  };
}

Status Pipeline::PollOnce(SourceTask& task, EvalContext& context, bool* got_records) {
  RawBatch raw;
  SLUICE_ASSIGN_OR_RETURN(
      bool more, task.source->Poll(raw, options_.max_batch_records,
                                   std::chrono::milliseconds(options_.poll_timeout_ms)));
  if (!more) task.finished = true;
  *got_records = !raw.empty();
  if (raw.empty()) return Status::OK();
  task.records_read += raw.size();

  std::vector<DeadLetter> dead;
  std::vector<uint32_t> record_of_row;
  SLUICE_ASSIGN_OR_RETURN(Batch batch, task.decoder->Decode(raw, dead, &record_of_row));
  task.records_decoded += batch.num_rows();
  const std::string origin = task.source->origin();
  if (!origin.empty()) {
    row_positions_.origin = origin;
    row_positions_.partition.resize(record_of_row.size());
    row_positions_.offset.resize(record_of_row.size());
    for (size_t i = 0; i < record_of_row.size(); ++i) {
      const RawRecord& r = raw[record_of_row[i]];
      row_positions_.partition[i] = r.partition;
      row_positions_.offset[i] = r.offset;
    }
    context.positions = &row_positions_;
  } else {
    context.positions = nullptr;
  }
  context.raw = &raw;
  context.record_of_row = &record_of_row;
  context.batch_id = batch_id_;
  context.source_errors = task.errors;
  context.source_dead_letters = task.dead_letters;
  context.source_table = task.table_name;
  NoteSourcePartitions(task, context);
  if (!dead.empty()) {
    const DeadLetter& first = dead.front();
    switch (task.errors) {
      case ErrorPolicy::kFail:
        return Status::DataError(
            "source '{}': record at {} partition {} offset {} is malformed: {} (set "
            "'errors' = 'dead-letter' or 'skip' on the table to keep going)",
            task.table_name, first.origin, first.partition, first.offset, first.reason);
      case ErrorPolicy::kSkip:
        task.records_skipped += dead.size();
        break;
      case ErrorPolicy::kDeadLetter: {
        // After a restart, leave out the replayed ones an exactly-once table already holds.
        const SinkOperator& target = task.dead_letters->sink();
        size_t before = dead.size();
        std::erase_if(dead, [&](const DeadLetter& d) {
          return target.AlreadyHas(d.origin, d.partition, d.offset);
        });
        task.records_already_delivered += before - dead.size();
        SLUICE_RETURN_NOT_OK(task.dead_letters->Write(dead, DeadLetterKind::kMalformed, task.table_name, batch_id_, context));
        task.records_dead_lettered += dead.size();
        break;
      }
    }
  }
  if (batch.num_rows() > 0) {
    context.row_errors.clear();
    SLUICE_RETURN_NOT_OK(task.root->Push(batch, context));
    // Errors no Project or Filter took were raised in an aggregation, join, window or unnest
    // input (ANSI mode): those rows cannot become dead letters, so the run stops, as Spark's.
    if (!context.row_errors.empty()) {
      const std::string reason = context.row_errors.front().reason;
      const bool ansi = context.row_errors.front().ansi;
      context.row_errors.clear();
      return Status::DataError("{} ({}in an aggregation, join, window or unnest of '{}', where the "
                               "row cannot become a dead letter{})",
                               reason, ansi ? "ANSI mode, 'spark.sql.ansi.enabled' = 'true', " : "",
                               task.table_name,
                               ansi ? "; use the try_ functions to get NULL instead" : "");
    }
  }
  context.positions = nullptr;
  context.raw = nullptr;
  context.record_of_row = nullptr;
  context.source_dead_letters = nullptr;
  context.source_errors = ErrorPolicy::kFail;
  context.source_table = {};
  if (!origin.empty()) {
    // A source delivers each partition's records in runs: one lookup per run.
    PartitionOffsets& next = positions_[origin];
    const auto& records = raw.records();
    for (size_t i = 0; i < records.size();) {
      size_t last = i;
      while (last + 1 < records.size() && records[last + 1].partition == records[i].partition) ++last;
      next[records[i].partition] = records[last].offset + 1;
      SourceTask::PartitionRead& read = task.partitions_read[records[i].partition];
      read.records += last - i + 1;
      read.last_record_time_ms = records[last].timestamp_ms;
      i = last + 1;
    }
  }
  return Status::OK();
}

Status Pipeline::BeginCheckpoint() {
  Checkpoint& c = checkpoint_;
  c = Checkpoint{};
  c.epoch = ++epoch_;
  c.started_ms = SteadyMillis();
  if (metrics_hub_) checkpoint_started_unix_ms_ = UnixMillisNow();
  SLUICE_RETURN_NOT_OK(PrepareStateSnapshot());
  for (auto& task : sources_) {
    const std::string origin = task.source->origin();
    c.source_positions.push_back(origin.empty() ? PartitionOffsets{} : positions_[origin]);
  }
  checkpoint_counts_ = counts_before_;
  checkpoint_counts_.Add(RunCounts());
  // The stages: the sinks, then the exactly-once dead-letter tables. A table's progress must
  // never cover a record whose row a sink may still refuse (when the sink's commit fails, its
  // database refusing rows, those rows are dead-lettered in the replay, not lost behind the
  // table's progress). At-least-once tables hold no progress and commit with the sinks.
  std::vector<SinkOperator*> first, second;
  for (auto* sink : sinks_) {
    if (sink->first()) first.push_back(sink);  // a sink several INSERTs share commits once
  }
  for (auto& w : dead_letter_writers_) {
    (w->sink().exactly_once() ? second : first).push_back(&w->sink());
  }
  c.stages.push_back(std::move(first));
  if (!second.empty()) c.stages.push_back(std::move(second));
  c.in_flight = true;
  return BeginStage();
}

Status Pipeline::BeginStage() {
  // Sinks that commit in the background first, so the others' commits overlap theirs.
  const uint64_t epoch = checkpoint_.epoch;
  for (auto* sink : checkpoint_.stages[checkpoint_.stage]) {
    if (sink->capabilities().commits_in_background) SLUICE_RETURN_NOT_OK(sink->BeginEpoch(epoch));
  }
  for (auto* sink : checkpoint_.stages[checkpoint_.stage]) {
    if (!sink->capabilities().commits_in_background) SLUICE_RETURN_NOT_OK(sink->BeginEpoch(epoch));
  }
  return Status::OK();
}

Result<bool> Pipeline::AdvanceCheckpoint(std::chrono::milliseconds max_wait) {
  Checkpoint& c = checkpoint_;
  if (!c.in_flight) return true;
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  while (c.stage < c.stages.size()) {
    for (auto* sink : c.stages[c.stage]) {
      const auto left = std::max(std::chrono::steady_clock::duration::zero(),
                                 deadline - std::chrono::steady_clock::now());
      SLUICE_ASSIGN_OR_RETURN(
          bool done,
          sink->AwaitEpoch(c.epoch, std::chrono::duration_cast<std::chrono::milliseconds>(left)));
      if (!done) return false;
      if (metrics_hub_) NoteSinkCommitted(sink);
    }
    if (++c.stage < c.stages.size()) SLUICE_RETURN_NOT_OK(BeginStage());
  }
  const int64_t sinks_done = SteadyMillis();
  // The sinks hold everything emitted before the snapshot: it may take effect.
  SLUICE_RETURN_NOT_OK(CommitStateSnapshot());
  // Only once every sink holds the rows may sources record their progress.
  for (size_t i = 0; i < sources_.size(); ++i) {
    auto& task = sources_[i];
    SLUICE_RETURN_NOT_OK(task.source->CheckpointAt(c.source_positions[i])
                             .WithContext("checkpointing source '" + task.table_name + "'"));
  }
  // The counts as of this checkpoint, for `sluice reconcile`.
  SLUICE_RETURN_NOT_OK(
      checkpoint_counts_.Save(ReconciliationCounts::PathFor(options_.state_dir, name_)));
  spdlog::debug("checkpoint {}: sinks committed in {} ms, sources in {} ms", c.epoch,
                sinks_done - c.started_ms, SteadyMillis() - sinks_done);
  if (metrics_hub_) NoteCheckpointDone(c.started_ms);
  c.in_flight = false;
  ++batch_id_;
  return true;
}

Status Pipeline::CompleteCheckpoint() {
  // Each sink bounds its own wait (retry timeout, stop); the slice keeps no thread asleep
  // past a completion, as every await wakes when its commit is through.
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool done, AdvanceCheckpoint(std::chrono::milliseconds(500)));
    if (done) return Status::OK();
  }
}

Status Pipeline::FinishAll(bool stopped) {
  // A checkpoint still waiting for its sinks is superseded by the final one.
  if (stopped && state_store_) {
    for (auto& task : sources_) task.root->PrepareStop();
  }
  for (auto& task : sources_) SLUICE_RETURN_NOT_OK(task.root->Finish());
  for (auto& w : dead_letter_writers_) SLUICE_RETURN_NOT_OK(w->Finish());
  SLUICE_RETURN_NOT_OK(PrepareStateSnapshot());
  SLUICE_RETURN_NOT_OK(CommitStateSnapshot());
  for (auto& task : sources_) {
    SLUICE_RETURN_NOT_OK(task.source->Checkpoint());
    SLUICE_RETURN_NOT_OK(task.source->Close());
  }
  ReconciliationCounts counts = counts_before_;
  counts.Add(RunCounts());
  return counts.Save(ReconciliationCounts::PathFor(options_.state_dir, name_));
}

Status Pipeline::Run(const std::atomic<bool>& stop) {
  EvalContext context;
  int64_t last_commit = SteadyMillis();
  bool trigger_fired = false;
  while (!stop.load(std::memory_order_relaxed)) {
    bool any_active = false;
    for (auto& task : sources_) {
      if (task.finished) continue;
      any_active = true;
      context.now_micros = NowMicros();
      bool got = false;
      SLUICE_RETURN_NOT_OK(PollOnce(task, context, &got));
      // Processing-time work downstream: triggers, idle partitions.
      context.now_micros = NowMicros();
      NoteSourcePartitions(task, context);
      SLUICE_RETURN_NOT_OK(task.root->OnTick(context));
      context.source_partitions = nullptr;
      context.has_unread_records = nullptr;
    }
    // A trigger's result commits on its own (kept until no checkpoint is in flight).
    trigger_fired = trigger_fired || context.commit_requested;
    context.commit_requested = false;
    if (metrics_hub_ && SteadyMillis() >= next_publish_ms_) {
      PublishMetrics("running");
      next_publish_ms_ = SteadyMillis() + options_.metrics_interval_ms;
    }
    if (!any_active) {
      Status finished = FinishAll(/*stopped=*/false);
      if (metrics_hub_ && finished.ok()) PublishMetrics("finished");
      return finished;
    }
    if (checkpoint_.in_flight) {
      SLUICE_RETURN_NOT_OK(AdvanceCheckpoint(std::chrono::milliseconds(0)).status());
    }
    if ((trigger_fired || SteadyMillis() - last_commit >= options_.commit_interval_ms) &&
        !checkpoint_.in_flight) {
      // Checkpoints start an interval apart, however long each takes: a row waits at most the
      // interval plus one commit before it is visible exactly-once.
      last_commit = SteadyMillis();
      trigger_fired = false;
      SLUICE_RETURN_NOT_OK(BeginCheckpoint());
      // Records flow on while the sinks commit, unless a later stage waits: rows read now
      // would enter the exactly-once dead-letter tables' epoch before it commits.
      if (checkpoint_.stages.size() > 1) SLUICE_RETURN_NOT_OK(CompleteCheckpoint());
    }
  }
  Status stopped = FinishAll(/*stopped=*/true);
  if (metrics_hub_ && stopped.ok()) PublishMetrics("stopped");
  return stopped;
}

std::string Pipeline::Summary() const {
  std::string out;
  for (const auto& task : sources_) {
    out += fmt::format("source {}: {} read, {} decoded", task.table_name, task.records_read,
                       task.records_decoded);
    if (task.records_dead_lettered) out += fmt::format(", {} dead-lettered", task.records_dead_lettered);
    if (task.records_skipped) out += fmt::format(", {} skipped as malformed", task.records_skipped);
    if (task.records_already_delivered) {
      out += fmt::format(", {} replayed dead letters already delivered", task.records_already_delivered);
    }
    uint64_t late = 0, late_dead_lettered = 0, duplicates = 0, spilled = 0;
    std::vector<const Operator*> stack = {task.root.get()};
    while (!stack.empty()) {
      const Operator* op = stack.back();
      stack.pop_back();
      const OperatorMetrics& m = op->metrics();
      late += m.late_rows;
      late_dead_lettered += m.late_rows_dead_lettered;
      duplicates += m.duplicates_removed;
      spilled += m.groups_spilled;
      for (const auto& child : op->outputs()) stack.push_back(child.get());
    }
    if (late) {
      out += fmt::format(", {} late rows (behind the watermark) {}", late,
                         late_dead_lettered > 0 ? "dead-lettered" : "dropped");
    }
    if (duplicates) out += fmt::format(", {} duplicates removed", duplicates);
    if (spilled) out += fmt::format(", {} groups moved to RocksDB above the state memory budget", spilled);
    out += "\n";
  }
  auto line = [&](std::string_view what, const SinkOperator& sink) {
    out += fmt::format("{} {}: {} rows written", what, sink.table_name(), sink.rows_written());
    if (sink.resume_filter() && sink.resume_filter()->rows_skipped()) {
      out += fmt::format(", {} replayed rows it already had skipped",
                         sink.resume_filter()->rows_skipped());
    }
    std::string counters = sink.counters();
    if (!counters.empty()) out += ", " + counters;
    out += "\n";
  };
  for (const auto* sink : sinks_) {
    if (sink->first()) line("sink", *sink);  // once per table, whatever its INSERTs
  }
  for (const auto& w : dead_letter_writers_) line("dead letters", w->sink());
  return out;
}

}  // namespace sluice
