// The pipeline's side of the metrics: collecting a snapshot between batches and publishing it.
#include <cxxabi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <typeinfo>

#include <fmt/format.h>

#include "common/clock.h"
#include "exec/pipeline.h"
#include "exec/watermark_operator.h"

namespace sluice {
namespace {

// "sluice::HashAggregateOperator" -> "HashAggregate".
std::string KindOf(const Operator& op) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(typeid(op).name(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : typeid(op).name();
  std::free(demangled);
  if (auto colon = name.rfind("::"); colon != std::string::npos) name.erase(0, colon + 2);
  constexpr std::string_view kSuffix = "Operator";
  if (name.size() > kSuffix.size() && name.ends_with(kSuffix)) name.resize(name.size() - kSuffix.size());
  return name;
}

}  // namespace

void Pipeline::AttachMetrics(MetricsHub* hub) {
  metrics_hub_ = hub;
  if (!hub) return;
  // What earlier attempts of this run counted stays counted.
  auto before = hub->Latest();
  checkpoint_metrics_ = before->checkpoints;
  carried_dead_letters_ = before->recent_dead_letters;
  for (const auto& sink : before->sinks) {
    sink_commits_[sink.table] = SinkCommits{0, sink.commits, sink.commit_latency};
  }
  PublishMetrics("starting");
}

void Pipeline::NoteSinkCommitted(const SinkOperator* sink) {
  SinkCommits& commits = sink_commits_[sink->table_name()];
  if (commits.epoch == checkpoint_.epoch) return;  // counted on an earlier turn
  commits.epoch = checkpoint_.epoch;
  ++commits.commits;
  commits.latency.Observe(static_cast<double>(SteadyMillis() - checkpoint_.started_ms) / 1000.0);
}

void Pipeline::NoteCheckpointDone(int64_t started_ms) {
  CheckpointMetrics& m = checkpoint_metrics_;
  const double seconds = static_cast<double>(SteadyMillis() - started_ms) / 1000.0;
  ++m.completed;
  m.last_success_unix_ms = UnixMillisNow();
  m.duration.Observe(seconds);
  m.recent.push_back({checkpoint_.epoch, checkpoint_started_unix_ms_, seconds});
  if (m.recent.size() > CheckpointMetrics::kRecent) m.recent.pop_front();
}

void Pipeline::PublishMetrics(const char* state) {
  PipelineMetrics metrics = CollectMetrics();
  metrics.state = state;
  metrics_hub_->Publish(std::move(metrics));
}

PipelineMetrics Pipeline::CollectMetrics() const {
  PipelineMetrics m;
  m.pipeline = name_;
  m.commit_interval_ms = options_.commit_interval_ms;
  const int64_t now_ms = UnixMillisNow();

  for (const auto& task : sources_) {
    SourceMetrics s;
    s.table = task.table_name;
    s.describe = task.source->Describe();
    s.origin = task.source->origin();
    s.read = task.records_read;
    s.decoded = task.records_decoded;
    s.dead_lettered = task.records_dead_lettered;
    s.skipped = task.records_skipped;
    s.already_delivered = task.records_already_delivered;
    s.finished = task.finished;
    for (const auto& writer : dead_letter_writers_) {
      auto it = writer->counts_by_source().find(task.table_name);
      if (it == writer->counts_by_source().end()) continue;
      for (size_t k = 0; k < s.dead_letters.size(); ++k) s.dead_letters[k] += it->second[k];
    }

    // The plan below the source, depth first; the event-time watermark where it is kept.
    std::map<int32_t, int64_t> partition_watermarks;
    size_t counter = 0;
    std::vector<std::pair<const Operator*, std::string>> stack = {{task.root.get(), "source:" + task.table_name}};
    while (!stack.empty()) {
      auto [op, parent] = stack.back();
      stack.pop_back();
      OperatorMetricsNode node;
      node.id = fmt::format("{}/{}", task.table_name, counter++);
      node.parent = parent;
      node.kind = KindOf(*op);
      node.describe = op->Describe();
      if (node.describe.empty()) node.describe = node.kind;  // operators explain leaves out
      const OperatorMetrics& om = op->metrics();
      node.rows_in = om.rows_in;
      node.rows_out = om.rows_out;
      if (op->row_flow() == RowFlow::kFilters && om.rows_in >= om.rows_out) {
        node.rows_dropped = om.rows_in - om.rows_out;
        node.dropped_as = std::string(op->dropped_as());
      }
      node.late_rows = om.late_rows;
      node.rows_raised = om.rows_raised;
      node.duplicates_removed = om.duplicates_removed;
      node.groups_spilled = om.groups_spilled;
      const StateSize state = op->state_size();
      node.state_rows = state.rows;
      node.state_bytes = state.bytes;
      if (const auto* sink = dynamic_cast<const SinkOperator*>(op)) node.sink = sink->table_name();
      if (const auto* w = dynamic_cast<const WatermarkOperator*>(op)) {
        s.watermark_us = w->watermark();
        partition_watermarks = w->partition_watermarks();
      }
      // Children pushed in reverse so they are numbered in order.
      const auto& outputs = op->outputs();
      for (auto it = outputs.rbegin(); it != outputs.rend(); ++it) stack.push_back({it->get(), node.id});
      m.operators.push_back(std::move(node));
    }

    // Partitions: where the pipeline is, where they end, how far behind that is.
    std::map<int32_t, PartitionMetrics> partitions;
    const auto pos = positions_.find(s.origin);
    if (pos != positions_.end()) {
      for (const auto& [partition, next] : pos->second) {
        partitions[partition].position = next;
      }
    }
    for (const PartitionEnd& e : task.source->PartitionEnds()) {
      PartitionMetrics& p = partitions[e.partition];
      p.end = e.end;
      p.stop_at = e.stop_at;
    }
    for (auto& [partition, p] : partitions) {
      p.partition = partition;
      if (p.end >= 0) p.lag = std::max<int64_t>(0, p.end - std::max<int64_t>(p.position, 0));
      if (auto it = task.partitions_read.find(partition); it != task.partitions_read.end()) {
        p.records_read = it->second.records;
        p.last_record_time_ms = it->second.last_record_time_ms;
      }
      if (p.lag == 0) {
        p.lag_seconds = 0;
      } else if (p.lag > 0 && p.last_record_time_ms > 0) {
        p.lag_seconds = std::max<double>(0, static_cast<double>(now_ms - p.last_record_time_ms) / 1000.0);
      }
      if (auto it = partition_watermarks.find(partition); it != partition_watermarks.end()) {
        p.watermark_us = it->second;
      }
      s.partitions.push_back(p);
    }
    m.sources.push_back(std::move(s));
  }

  auto add_sink = [&](const SinkOperator& sink, bool dead_letter_table) {
    SinkMetricsNode n;
    n.table = sink.table_name();
    n.describe = sink.Describe();
    n.exactly_once = sink.exactly_once();
    n.dead_letter_table = dead_letter_table;
    const SinkMetrics& sm = sink.sink().metrics();
    n.rows_written = sm.rows_written.load(std::memory_order_relaxed);
    n.rows_spilled = sm.rows_spilled.load(std::memory_order_relaxed);
    n.rows_replayed = sm.rows_replayed.load(std::memory_order_relaxed);
    n.rows_in_spill = sm.rows_in_spill.load(std::memory_order_relaxed);
    n.bytes_in_spill = sm.bytes_in_spill.load(std::memory_order_relaxed);
    n.segments_in_spill = sm.segments_in_spill.load(std::memory_order_relaxed);
    n.spill_dir = sm.spill_dir;
    if (auto it = sink_commits_.find(n.table); it != sink_commits_.end()) {
      n.commits = it->second.commits;
      n.commit_latency = it->second.latency;
    }
    m.sinks.push_back(std::move(n));
  };
  for (const auto* sink : sinks_) {
    if (sink->first()) add_sink(*sink, false);
  }
  for (const auto& w : dead_letter_writers_) add_sink(w->sink(), true);

  m.checkpoints = checkpoint_metrics_;
  m.recent_dead_letters = carried_dead_letters_;
  for (const auto& w : dead_letter_writers_) {
    m.recent_dead_letters.insert(m.recent_dead_letters.end(), w->recent().begin(), w->recent().end());
  }
  std::stable_sort(m.recent_dead_letters.begin(), m.recent_dead_letters.end(),
                   [](const DeadLetterSample& a, const DeadLetterSample& b) {
                     return a.time_unix_ms < b.time_unix_ms;
                   });
  if (m.recent_dead_letters.size() > DeadLetterWriter::kRecent) {
    m.recent_dead_letters.erase(m.recent_dead_letters.begin(),
                                m.recent_dead_letters.end() - DeadLetterWriter::kRecent);
  }

  // Reconciliation as of now: earlier runs' books plus this run's.
  ReconciliationCounts counts = counts_before_;
  counts.Add(RunCounts());
  for (const auto& [table, source] : counts.sources) {
    m.balance.read += source.read;
    m.balance.accounted += source.decoded + source.dead_lettered + source.skipped + source.already_delivered;
    m.balance.unaccounted += std::abs(source.unaccounted());
  }
  for (const auto& [name, path] : counts.paths) {
    std::string line = fmt::format("{}: decoded {} = ", name, path.decoded);
    line += path.into.empty() ? fmt::format("reached the sink {}", path.arrived)
                              : fmt::format("went into the {} {}", path.into, path.into_rows);
    for (const auto& [reason, rows] : path.dropped) {
      if (rows > 0) line += fmt::format(" + {} {}", reason, rows);
    }
    m.balance.lines.push_back(std::move(line));
    m.balance.unaccounted += std::abs(path.unaccounted());
  }
  return m;
}

}  // namespace sluice
