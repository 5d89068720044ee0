#include "exec/pipeline.h"

#include <chrono>

#include <fmt/format.h>

namespace sluice {
namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status Pipeline::Open() {
  for (auto* sink : sinks_) SLUICE_RETURN_NOT_OK(sink->Open());
  for (auto& w : dead_letter_writers_) SLUICE_RETURN_NOT_OK(w->Open());
  for (auto& task : sources_) {
    SLUICE_RETURN_NOT_OK(
        task.source->Open().WithContext("opening source '" + task.table_name + "'"));
  }
  return Status::OK();
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
  SLUICE_ASSIGN_OR_RETURN(Batch batch, task.decoder->Decode(raw, dead));
  task.records_decoded += batch.num_rows();
  if (!dead.empty()) {
    const DeadLetter& first = dead.front();
    switch (task.errors) {
      case ErrorPolicy::kFail:
        return Status::Invalid(
            "source '{}': record at {} partition {} offset {} is malformed: {} (set "
            "'errors' = 'dead-letter' or 'skip' on the table to keep going)",
            task.table_name, first.origin, first.partition, first.offset, first.reason);
      case ErrorPolicy::kSkip:
        task.records_skipped += dead.size();
        break;
      case ErrorPolicy::kDeadLetter:
        SLUICE_RETURN_NOT_OK(task.dead_letters->Write(dead, batch_id_, context));
        task.records_dead_lettered += dead.size();
        break;
    }
  }
  if (batch.num_rows() > 0) SLUICE_RETURN_NOT_OK(task.root->Push(batch, context));
  return Status::OK();
}

Status Pipeline::CommitAll() {
  for (auto& task : sources_) SLUICE_RETURN_NOT_OK(task.root->Commit());
  for (auto& w : dead_letter_writers_) SLUICE_RETURN_NOT_OK(w->Commit());
  // Only once every sink holds the rows may sources record their progress.
  for (auto& task : sources_) {
    SLUICE_RETURN_NOT_OK(
        task.source->Checkpoint().WithContext("checkpointing source '" + task.table_name + "'"));
  }
  ++batch_id_;
  return Status::OK();
}

Status Pipeline::FinishAll() {
  for (auto& task : sources_) SLUICE_RETURN_NOT_OK(task.root->Finish());
  for (auto& w : dead_letter_writers_) SLUICE_RETURN_NOT_OK(w->Finish());
  for (auto& task : sources_) {
    SLUICE_RETURN_NOT_OK(task.source->Checkpoint());
    SLUICE_RETURN_NOT_OK(task.source->Close());
  }
  return Status::OK();
}

Status Pipeline::Run(const std::atomic<bool>& stop) {
  EvalContext context;
  int64_t last_commit = SteadyMs();
  while (!stop.load(std::memory_order_relaxed)) {
    bool any_active = false;
    for (auto& task : sources_) {
      if (task.finished) continue;
      any_active = true;
      context.now_micros = NowMicros();
      bool got = false;
      SLUICE_RETURN_NOT_OK(PollOnce(task, context, &got));
    }
    if (!any_active) break;
    if (SteadyMs() - last_commit >= options_.commit_interval_ms) {
      SLUICE_RETURN_NOT_OK(CommitAll());
      last_commit = SteadyMs();
    }
  }
  return FinishAll();
}

std::string Pipeline::Summary() const {
  std::string out;
  for (const auto& task : sources_) {
    out += fmt::format("source {}: {} read, {} decoded", task.table_name, task.records_read,
                       task.records_decoded);
    if (task.records_dead_lettered) out += fmt::format(", {} dead-lettered", task.records_dead_lettered);
    if (task.records_skipped) out += fmt::format(", {} skipped as malformed", task.records_skipped);
    out += "\n";
  }
  for (const auto* sink : sinks_) {
    out += fmt::format("sink {}: {} rows written\n", sink->table_name(), sink->rows_written());
  }
  for (const auto& w : dead_letter_writers_) {
    out += fmt::format("dead letters {}: {} rows written\n", w->sink().table_name(),
                       w->rows_written());
  }
  return out;
}

}  // namespace sluice
