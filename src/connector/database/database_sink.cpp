#include "connector/database/database_sink.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "common/stop_request.h"
#include "connector/rejected_records.h"

namespace sluice {
namespace {

// Whether `stored` progress is at or past `progress` on every partition `progress` names.
bool Covers(const SourceOffsets& stored, const SourceOffsets& progress) {
  for (const auto& [origin, partitions] : progress) {
    auto o = stored.find(origin);
    for (const auto& [partition, offset] : partitions) {
      if (o == stored.end()) return false;
      auto p = o->second.find(partition);
      if (p == o->second.end() || p->second < offset) return false;
    }
  }
  return true;
}

using Clock = std::chrono::steady_clock;

}  // namespace

const std::set<std::string>& DatabaseSink::SharedOptions() {
  static const std::set<std::string> kOptions = {
      "sink.delivery-guarantee", "sink.buffer-flush.max-rows", "sink.buffer-flush.interval",
      "sink.retry.timeout",      "sink.spill",                 "sink.spill.dir",
      "sink.spill.max-bytes"};
  return kOptions;
}

Result<std::unique_ptr<Sink>> DatabaseSink::Make(const ConnectorOptions& options,
                                                 const Schema& schema, std::string connector,
                                                 const std::set<std::string>& writer_options,
                                                 std::unique_ptr<TableWriter> writer) {
  std::set<std::string> known = writer_options;
  known.insert(SharedOptions().begin(), SharedOptions().end());
  SLUICE_RETURN_NOT_OK(options.CheckKnown(connector, known));
  std::unique_ptr<DatabaseSink> s(new DatabaseSink());
  s->connector_ = std::move(connector);
  s->table_ = options.table_name();
  s->pipeline_ = options.pipeline_name().empty() ? "sluice" : options.pipeline_name();
  s->schema_ = schema;
  s->writer_ = std::move(writer);
  SLUICE_ASSIGN_OR_RETURN(std::string guarantee,
                          options.GetEnum("sink.delivery-guarantee", "at-least-once",
                                          {"at-least-once", "exactly-once"}));
  s->exactly_once_ = guarantee == "exactly-once";
  s->capabilities_ = {.exactly_once = s->exactly_once_,
                      .accepts_updates = s->writer_->upserts(),
                      .commits_in_background = true};
  SLUICE_ASSIGN_OR_RETURN(s->flush_rows_,
                          options.GetPositiveInt("sink.buffer-flush.max-rows", 5000));
  SLUICE_ASSIGN_OR_RETURN(s->flush_interval_ms_,
                          options.GetPositiveDurationMs("sink.buffer-flush.interval", 200));
  SLUICE_ASSIGN_OR_RETURN(s->retry_timeout_ms_, options.GetDurationMs("sink.retry.timeout", 10000));
  SLUICE_ASSIGN_OR_RETURN(s->spill_enabled_, options.GetBool("sink.spill", true));
  s->spill_dir_ = options.GetString(
      "sink.spill.dir", fmt::format(".sluice/spill/{}/{}", s->pipeline_, s->table_));
  if (s->spill_enabled_) s->metrics_.spill_dir = s->spill_dir_;
  SLUICE_ASSIGN_OR_RETURN(s->spill_max_bytes_,
                          options.GetPositiveBytes("sink.spill.max-bytes", uint64_t{1} << 30));
  return std::unique_ptr<Sink>(std::move(s));
}

void DatabaseSink::FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) {
  FindValuesOutsideLimits(schema_, batch, writer_->limits(), out);
  writer_->FindUnwritableRows(batch, out);
}

std::string DatabaseSink::Describe() const {
  return fmt::format("{}({}, {}{})", connector_, writer_->Describe(),
                     exactly_once_ ? "exactly-once" : "at-least-once",
                     spill_enabled_ ? ", spill=" + spill_dir_ : "");
}

Status DatabaseSink::Open() {
  if (spill_enabled_) {
    SLUICE_ASSIGN_OR_RETURN(spill_, SpillStore::Open(spill_dir_, spill_max_bytes_));
    if (!spill_->empty()) {
      spdlog::warn("sink '{}': {} rows in {} spilled batches under {} wait to be replayed",
                   table_, spill_->rows(), spill_->segments().size(), spill_dir_);
    }
  }
  // The server must answer at start (exactly-once needs its progress); retry a while first.
  const auto deadline = Clock::now() + std::chrono::milliseconds(retry_timeout_ms_);
  auto backoff = std::chrono::milliseconds(200);
  while (true) {
    Status s = writer_->EnsureTables(exactly_once_);
    if (s.ok()) break;
    if (s.code() != StatusCode::kUnavailable || Clock::now() >= deadline) return s;
    if (!SleepUnlessStopped(backoff)) return s;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  spill_waiting_ = spill_ && !spill_->empty();
  NoteSpillSize();
  // Up to 16 flushes (about 3 s of at-least-once writes) may wait: a commit the server is slow
  // to fsync does not hold up the pipeline, and memory stays bounded.
  delivery_ = std::make_unique<DeliveryThread>(16);
  return Status::OK();
}

Status DatabaseSink::Write(const Batch& batch, const RecordPositions* positions) {
  const size_t live = batch.num_live_rows();
  if (live > 0 && pending_records_.complete) {
    if (positions == nullptr ||
        (!pending_records_.records.empty() && pending_records_.origin != positions->origin)) {
      pending_records_.complete = false;
      pending_records_.records.clear();
    } else {
      pending_records_.origin = positions->origin;
      for (size_t i = 0; i < live; ++i) {
        const uint32_t row = batch.selection()[i];
        if (row >= positions->offset.size()) {  // not a decoded batch's row: cannot name it
          pending_records_.complete = false;
          pending_records_.records.clear();
          break;
        }
        pending_records_.records.emplace_back(positions->partition[row], positions->offset[row]);
      }
    }
  }
  if (pending_rows_ == 0) pending_since_ = Clock::now();
  size_t n = writer_->AppendRows(batch, pending_);
  pending_rows_ += n;
  CountWritten(n);
  // At-least-once, rows become visible in small transactions between checkpoints: a short
  // wait for readers, and the pipeline does not wait for them.
  if (!exactly_once_ && pending_rows_ > 0 &&
      (static_cast<int64_t>(pending_rows_) >= flush_rows_ ||
       Clock::now() - pending_since_ >= std::chrono::milliseconds(flush_interval_ms_))) {
    return SubmitPending(std::nullopt);
  }
  return Status::OK();
}

Status DatabaseSink::SubmitPending(std::optional<SourceOffsets> progress) {
  if (!delivery_) return Status::Invalid("sink '{}' is not open", table_);
  uint64_t rows = pending_rows_;
  pending_rows_ = 0;
  return delivery_->Submit(
      [this, data = std::exchange(pending_, {}), rows, progress = std::move(progress),
       records = std::exchange(pending_records_, {})]() mutable {
        Status s = Deliver(std::move(data), rows, progress ? &*progress : nullptr, &records);
        spill_waiting_ = spill_ && !spill_->empty();
        NoteSpillSize();
        return s;
      });
}

Status DatabaseSink::CommitEpoch(uint64_t epoch, const SourceOffsets& positions) {
  if (!delivery_) return Status::OK();
  if (!exactly_once_) {
    if (pending_rows_ > 0 || spill_waiting_) SLUICE_RETURN_NOT_OK(SubmitPending(std::nullopt));
    epochs_.push_back({epoch, delivery_->submitted(), std::nullopt});
    return Status::OK();
  }
  // The progress row moves with every epoch that covers new positions, rows or not.
  const std::optional<SourceOffsets>* latest = &committed_progress_;
  for (const auto& e : epochs_) {
    if (e.progress) latest = &e.progress;
  }
  std::optional<SourceOffsets> progress;
  if (pending_rows_ > 0 || *latest != positions || spill_waiting_) {
    SLUICE_RETURN_NOT_OK(SubmitPending(positions));
    progress = positions;
  }
  epochs_.push_back({epoch, delivery_->submitted(), std::move(progress)});
  return Status::OK();
}

Result<bool> DatabaseSink::AwaitEpoch(uint64_t epoch, std::chrono::milliseconds max_wait) {
  if (!delivery_) return true;
  while (!epochs_.empty() && epochs_.front().epoch <= epoch) {
    SLUICE_ASSIGN_OR_RETURN(bool done, delivery_->WaitFinished(epochs_.front().ticket, max_wait));
    if (!done) return false;
    if (epochs_.front().progress) committed_progress_ = std::move(*epochs_.front().progress);
    epochs_.pop_front();
  }
  SLUICE_RETURN_NOT_OK(delivery_->error());
  return true;
}

Status DatabaseSink::Deliver(std::string data, uint64_t rows, const SourceOffsets* progress,
                             const PendingRecords* records) {
  const SourceOffsets none;
  // Order matters: while older batches wait in the spill folder, newer ones queue behind them.
  if (spill_ && !spill_->empty()) {
    SLUICE_RETURN_NOT_OK(DrainSpill());
    if (!spill_->empty()) {
      auto backoff = std::chrono::milliseconds(500);
      bool warned = false;
      while (!spill_->HasRoomFor(data.size())) {
        // Full: wait for the server (the source pauses meanwhile) instead of dropping rows.
        if (!warned) {
          spdlog::warn("sink '{}': spill folder {} is full ({} bytes, 'sink.spill.max-bytes'); "
                       "waiting for {} (the source pauses meanwhile)",
                       table_, spill_dir_, spill_->bytes(), writer_->database());
          warned = true;
        }
        if (!SleepUnlessStopped(backoff)) {
          // Stopping: these rows are not committed, so the source reads them again next run.
          return Status::Unavailable("sink '{}': stopped while the spill folder {} is full and "
                                     "{} is down; uncommitted rows will be read again",
                                     table_, spill_dir_, writer_->database());
        }
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        next_drain_attempt_ = {};
        SLUICE_RETURN_NOT_OK(DrainSpill());
      }
      if (!spill_->empty()) {
        if (rows == 0) {
          if (!progress) return Status::OK();
          // A commit without rows only moves the spilled progress on. On a full disk it stays
          // where it is: the records in between gave this sink no rows, and read again after a
          // restart they give none again.
          Status s = spill_->ExtendProgress(*progress);
          return s.code() == StatusCode::kResourceExhausted ? Status::OK() : s;
        }
        return SpillWaitingForSpace(data, rows, progress);
      }
    }
  }
  if (rows == 0 && progress == nullptr) return Status::OK();
  const auto deadline = Clock::now() + std::chrono::milliseconds(retry_timeout_ms_);
  auto backoff = std::chrono::milliseconds(100);
  bool warned = false;
  // A connection lost during COMMIT leaves it unknown whether the transaction went through.
  // With progress in it, the stored progress says: found there, it did, and sending it again
  // would store its rows twice.
  bool maybe_committed = false;
  while (true) {
    Status s;
    if (maybe_committed) {
      auto stored = writer_->ReadProgress();
      if (stored.ok() && Covers(*stored, *progress) && *progress != delivered_progress_) {
        delivered_progress_ = *progress;
        spdlog::info("sink '{}': the transaction interrupted at its commit had gone through", table_);
        return Status::OK();
      }
      s = stored.ok() ? Status::OK() : stored.status();
      if (s.ok()) maybe_committed = false;
    }
    if (s.ok()) s = writer_->Transaction(data, progress);
    if (s.ok() && progress) delivered_progress_ = *progress;
    if (!s.ok() && progress && s.code() == StatusCode::kUnavailable) maybe_committed = true;
    if (s.ok()) {
      if (warned) {
        spdlog::info("sink '{}': {} answers again; {} rows delivered", table_, writer_->database(),
                     rows);
      }
      return s;
    }
    if (s.code() == StatusCode::kDataError) return FindRefusedRows(data, records, std::move(s));
    if (s.code() != StatusCode::kUnavailable) return s;
    if (!warned) {
      spdlog::warn("sink '{}': {}; retrying for up to {} ms", table_, s.message(),
                   retry_timeout_ms_);
      warned = true;
    }
    // A stop does not wait out the retry period: the rows go to the spill folder now.
    if (Clock::now() >= deadline || StopRequested()) {
      if (!spill_) {
        return Status::Unavailable("{} (gave up after {} ms; 'sink.spill' is off)", s.message(),
                                   retry_timeout_ms_);
      }
      spdlog::warn("sink '{}': {} still down{}: spilling {} rows to {}", table_,
                   writer_->database(),
                   StopRequested() ? " and the pipeline is stopping"
                                   : fmt::format(" after {} ms", retry_timeout_ms_),
                   rows, spill_dir_);
      next_drain_attempt_ = Clock::now() + std::chrono::seconds(1);
      return SpillWaitingForSpace(data, rows, progress);
    }
    SleepUnlessStopped(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

Status DatabaseSink::SpillWaitingForSpace(std::string_view data, uint64_t rows,
                                          const SourceOffsets* progress) {
  const SourceOffsets none;
  auto backoff = std::chrono::milliseconds(500);
  bool warned = false;
  while (true) {
    Status s = spill_->Append(data, rows, progress ? *progress : none);
    if (s.ok()) {
      metrics_.rows_spilled += rows;
      if (warned) spdlog::info("sink '{}': {} rows spilled, the disk has room again", table_, rows);
      return s;
    }
    if (s.code() != StatusCode::kResourceExhausted) return s;
    if (!warned) {
      spdlog::warn("sink '{}': cannot spill: {}; waiting for disk space or for {}, "
                   "whichever comes first (the source pauses meanwhile)",
                   table_, s.message(), writer_->database());
      warned = true;
    }
    if (!SleepUnlessStopped(backoff)) {
      // Stopping: these rows are not committed, so the source reads them again next run.
      return Status::Unavailable("sink '{}': stopped while the disk under {} is full and "
                                 "{} is down; uncommitted rows will be read again",
                                 table_, spill_dir_, writer_->database());
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    // The server may be back: the spilled batches go first, then this one directly.
    next_drain_attempt_ = {};
    SLUICE_RETURN_NOT_OK(DrainSpill());
    if (!spill_->empty()) continue;
    Status direct = writer_->Transaction(data, progress);
    if (direct.ok()) {
      spdlog::info("sink '{}': {} answers again; {} rows delivered", table_, writer_->database(),
                   rows);
      return direct;
    }
    if (direct.code() != StatusCode::kUnavailable) return direct;
  }
}

Status DatabaseSink::DrainSpill() {
  if (Clock::now() < next_drain_attempt_) return Status::OK();
  // A stop ends the replay between two batches; the rest stays spilled, in order.
  while (!spill_->empty() && !StopRequested()) {
    const SpillSegment& front = spill_->segments().front();
    bool done = false;
    if (exactly_once_ && !front.progress.empty()) {
      // A crash between a replayed commit and forgetting the segment must not apply it twice.
      auto stored = writer_->ReadProgress();
      if (!stored.ok()) {
        if (stored.status().code() != StatusCode::kUnavailable) return stored.status();
        next_drain_attempt_ = Clock::now() + std::chrono::seconds(1);
        return Status::OK();
      }
      done = Covers(*stored, front.progress);
    }
    if (!done) {
      SLUICE_ASSIGN_OR_RETURN(std::string data, spill_->ReadFront());
      Status s = writer_->Transaction(data, front.progress.empty() ? nullptr : &front.progress);
      if (!s.ok()) {
        if (s.code() != StatusCode::kUnavailable) return s;
        next_drain_attempt_ = Clock::now() + std::chrono::seconds(1);
        return Status::OK();
      }
      if (!front.progress.empty()) delivered_progress_ = front.progress;
      metrics_.rows_replayed += front.rows;
      spdlog::info("sink '{}': replayed {} spilled rows from {} ({} batches left)", table_,
                   front.rows, spill_dir_, spill_->segments().size() - 1);
    }
    SLUICE_RETURN_NOT_OK(spill_->PopFront());
  }
  return Status::OK();
}

Status DatabaseSink::FindRefusedRows(std::string_view data, const PendingRecords* records,
                                     Status failure) {
  const size_t lines = static_cast<size_t>(std::count(data.begin(), data.end(), '\n'));
  if (records == nullptr || !records->complete || records->records.size() != lines) {
    return failure;  // computed rows: nothing to name them by; the server's message says why
  }
  auto refused = writer_->ProbeLines(data);
  if (!refused.ok()) {
    if (refused.status().code() == StatusCode::kUnavailable) return refused.status();
    return failure;
  }
  if (refused->empty()) return failure;  // the batch fails only as a whole
  const std::string key = pipeline_ + "/" + table_;
  for (const auto& [line, reason] : *refused) {
    const auto& [partition, offset] = records->records[line];
    RejectedRecords::Global().Add(key, records->origin, partition, offset, reason);
  }
  const auto& [first_partition, first_offset] = records->records[refused->front().first];
  return Status(StatusCode::kTryAgain,
                fmt::format("sink '{}': {} refused {} row(s) of a commit (first: {} "
                            "partition {} offset {}: {}); replaying from the last checkpoint, "
                            "where they are dead-lettered",
                            table_, writer_->database(), refused->size(), records->origin,
                            first_partition, first_offset, refused->front().second));
}

Result<SourceOffsets> DatabaseSink::RecoverPositions(const std::vector<std::string>&) {
  SLUICE_ASSIGN_OR_RETURN(SourceOffsets progress, writer_->ReadProgress());
  // Spilled batches are durable here even though the server does not have them yet.
  if (spill_) MergeMax(progress, spill_->Progress());
  committed_progress_ = progress;
  delivered_progress_ = progress;
  return progress;
}

Status DatabaseSink::Close() {
  Status s = delivery_ ? delivery_->WaitIdle() : Status::OK();
  delivery_.reset();
  writer_->Disconnect();
  return s;
}

void DatabaseSink::NoteSpillSize() {
  metrics_.rows_in_spill = spill_ ? spill_->rows() : 0;
  metrics_.bytes_in_spill = spill_ ? spill_->bytes() : 0;
  metrics_.segments_in_spill = spill_ ? spill_->segments().size() : 0;
}

Result<uint64_t> DatabaseSink::ReplaySpilled() {
  if (!spill_ || !delivery_) return uint64_t{0};
  SLUICE_RETURN_NOT_OK(delivery_->Submit([this] {
    next_drain_attempt_ = {};
    Status s = DrainSpill();
    NoteSpillSize();
    return s;
  }));
  SLUICE_RETURN_NOT_OK(delivery_->WaitIdle());
  return spill_->rows();
}

}  // namespace sluice
