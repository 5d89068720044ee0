#include "connector/postgres/postgres_sink.h"

#include "common/stop_request.h"
#include "connector/rejected_records.h"
#include "types/timestamp.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <thread>

#include <fmt/format.h>

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

std::string JoinQuoted(const std::vector<std::string>& names, std::string_view prefix = "") {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += std::string(prefix) + QuoteIdentifier(n);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Sink>> PostgresSink::Make(const ConnectorOptions& options,
                                                 const Schema& schema) {
  SLUICE_RETURN_NOT_OK(options.CheckKnown(
      "postgres",
      {"url", "username", "password", "connect-timeout", "table-name", "sink.create-table",
       "sink.delivery-guarantee", "sink.progress-table", "sink.buffer-flush.max-rows", "sink.buffer-flush.interval",
       "sink.retry.timeout", "sink.spill", "sink.spill.dir", "sink.spill.max-bytes"}));
  std::unique_ptr<PostgresSink> s(new PostgresSink());
  s->table_ = options.table_name();
  s->pipeline_ = options.pipeline_name().empty() ? "sluice" : options.pipeline_name();
  s->table_name_ = options.GetString("table-name", s->table_);
  s->progress_table_ = options.GetString("sink.progress-table", "sluice_progress");
  s->schema_ = schema;
  SLUICE_ASSIGN_OR_RETURN(PostgresTarget target, PostgresTarget::FromOptions(options));
  s->connection_ = std::make_unique<PostgresConnection>(std::move(target));
  SLUICE_ASSIGN_OR_RETURN(s->create_table_, options.GetBool("sink.create-table", true));
  SLUICE_ASSIGN_OR_RETURN(std::string guarantee,
                          options.GetEnum("sink.delivery-guarantee", "at-least-once",
                                          {"at-least-once", "exactly-once"}));
  s->exactly_once_ = guarantee == "exactly-once";
  SLUICE_ASSIGN_OR_RETURN(s->flush_rows_,
                          options.GetPositiveInt("sink.buffer-flush.max-rows", 5000));
  SLUICE_ASSIGN_OR_RETURN(s->flush_interval_ms_,
                          options.GetPositiveDurationMs("sink.buffer-flush.interval", 200));
  SLUICE_ASSIGN_OR_RETURN(s->retry_timeout_ms_, options.GetDurationMs("sink.retry.timeout", 10000));
  SLUICE_ASSIGN_OR_RETURN(s->spill_enabled_, options.GetBool("sink.spill", true));
  s->spill_dir_ = options.GetString(
      "sink.spill.dir", fmt::format(".sluice/spill/{}/{}", s->pipeline_, s->table_));
  SLUICE_ASSIGN_OR_RETURN(s->spill_max_bytes_,
                          options.GetPositiveBytes("sink.spill.max-bytes", uint64_t{1} << 30));
  if (schema.size() == 0) return Status::Invalid("table '{}' has no columns", s->table_);
  s->encoder_ = std::make_unique<CopyTextEncoder>(schema);

  std::vector<std::string> columns;
  for (const auto& f : schema.fields()) columns.push_back(f.name);
  const std::string target_table = QuoteTableName(s->table_name_);
  s->upsert_ = !schema.primary_key().empty();
  if (!s->upsert_) {
    s->copy_sql_ = fmt::format("COPY {} ({}) FROM STDIN", target_table, JoinQuoted(columns));
  } else {
    s->copy_sql_ = fmt::format("COPY sluice_stage ({}) FROM STDIN", JoinQuoted(columns));
    const auto& key = schema.primary_key();
    std::vector<std::string> rest;
    for (const auto& c : columns) {
      if (std::find(key.begin(), key.end(), c) == key.end()) rest.push_back(c);
    }
    std::string update;
    for (const auto& c : rest) {
      update += fmt::format("{}{} = EXCLUDED.{}", update.empty() ? "" : ", ", QuoteIdentifier(c),
                            QuoteIdentifier(c));
    }
    // The last row per key in the transaction wins, as if the rows were applied in order.
    s->merge_sql_ = fmt::format(
        "INSERT INTO {0} ({1}) SELECT {1} FROM (SELECT DISTINCT ON ({2}) * FROM sluice_stage "
        "ORDER BY {2}, sluice_seq DESC) latest ON CONFLICT ({2}) DO {3}",
        target_table, JoinQuoted(columns), JoinQuoted(key),
        update.empty() ? std::string("NOTHING") : "UPDATE SET " + update);
  }
  return std::unique_ptr<Sink>(std::move(s));
}

std::string PostgresSink::CreateTableSql() const {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (", QuoteTableName(table_name_));
  for (size_t i = 0; i < schema_.size(); ++i) {
    const Field& f = schema_.field(i);
    sql += fmt::format("{}{} {}{}", i ? ", " : "", QuoteIdentifier(f.name),
                       PostgresColumnType(f.type), f.nullable ? "" : " NOT NULL");
  }
  if (!schema_.primary_key().empty()) {
    sql += fmt::format(", PRIMARY KEY ({})", JoinQuoted(schema_.primary_key()));
  }
  return sql + ")";
}

std::string PostgresSink::CreateProgressTableSql() const {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (pipeline text NOT NULL, sink text NOT NULL, topic text NOT "
      "NULL, \"partition\" integer NOT NULL, next_offset bigint NOT NULL, committed_at "
      "timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, sink, topic, \"partition\"))",
      QuoteTableName(progress_table_));
}

Status PostgresSink::EnsureTables() {
  if (tables_ready_) return Status::OK();
  if (create_table_) SLUICE_RETURN_NOT_OK(connection_->Execute(CreateTableSql()));
  if (exactly_once_) SLUICE_RETURN_NOT_OK(connection_->Execute(CreateProgressTableSql()));
  // Fail now, not at the first commit, when the table is missing or lacks a column.
  std::vector<std::string> columns;
  for (const auto& f : schema_.fields()) columns.push_back(f.name);
  Status probe = connection_->Execute(fmt::format("SELECT {} FROM {} LIMIT 0", JoinQuoted(columns),
                                                  QuoteTableName(table_name_)));
  if (!probe.ok()) {
    if (probe.code() == StatusCode::kUnavailable) return probe;
    return Status::Invalid("{} (the sink needs table '{}' with columns {}{})", probe.message(),
                           table_name_, JoinQuoted(columns),
                           create_table_ ? "" : "; set 'sink.create-table' = 'true' to create it");
  }
  tables_ready_ = true;
  return Status::OK();
}

Status PostgresSink::Open() {
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
    Status s = EnsureTables();
    if (s.ok()) break;
    if (s.code() != StatusCode::kUnavailable || Clock::now() >= deadline) return s;
    if (!SleepUnlessStopped(backoff)) return s;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  spill_waiting_ = spill_ && !spill_->empty();
  rows_in_spill_ = spill_ ? spill_->rows() : 0;
  // Up to 16 flushes (about 3 s of at-least-once writes) may wait: a commit the server is slow
  // to fsync does not hold up the pipeline, and memory stays bounded.
  delivery_ = std::make_unique<DeliveryThread>(16);
  return Status::OK();
}

void PostgresSink::FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) {
  // text and jsonb take UTF-8 without NUL; sluice writes years 1 to 9999 (PostgreSQL's own
  // range is wider, but its text input needs 'BC' below year 1).
  static const ValueLimits kLimits{.target = "PostgreSQL",
                                   .text_must_be_utf8 = true,
                                   .text_may_contain_nul = false,
                                   .min_timestamp_micros = kMinTimestampMicros,
                                   .max_timestamp_micros = kMaxTimestampMicros,
                                   .min_date_days = kMinDateDays,
                                   .max_date_days = kMaxDateDays};
  FindValuesOutsideLimits(schema_, batch, kLimits, out);
}

Status PostgresSink::WriteWithPositions(const Batch& batch, const RecordPositions* positions) {
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
  return Write(batch);
}

Status PostgresSink::Write(const Batch& batch) {
  if (batch.num_live_rows() > 0 && pending_records_.records.size() < pending_rows_ + batch.num_live_rows()) {
    pending_records_.complete = false;  // rows without their records (Write called directly)
    pending_records_.records.clear();
  }
  if (pending_rows_ == 0) pending_since_ = Clock::now();
  size_t n = encoder_->AppendRows(batch, pending_);
  pending_rows_ += n;
  rows_written_ += n;
  // At-least-once, rows become visible in small transactions between checkpoints: a short
  // wait for readers, and the pipeline does not wait for them.
  if (!exactly_once_ && pending_rows_ > 0 &&
      (static_cast<int64_t>(pending_rows_) >= flush_rows_ ||
       Clock::now() - pending_since_ >= std::chrono::milliseconds(flush_interval_ms_))) {
    return SubmitPending(std::nullopt);
  }
  return Status::OK();
}

Status PostgresSink::SubmitPending(std::optional<SourceOffsets> progress) {
  if (!delivery_) return Status::Invalid("sink '{}' is not open", table_);
  uint64_t rows = pending_rows_;
  pending_rows_ = 0;
  return delivery_->Submit(
      [this, data = std::exchange(pending_, {}), rows, progress = std::move(progress),
       records = std::exchange(pending_records_, {})]() mutable {
        Status s = Deliver(std::move(data), rows, progress ? &*progress : nullptr, &records);
        spill_waiting_ = spill_ && !spill_->empty();
        rows_in_spill_ = spill_ ? spill_->rows() : 0;
        return s;
      });
}

Status PostgresSink::Commit() {
  if (!delivery_) return Status::OK();
  if (pending_rows_ > 0 || spill_waiting_) SLUICE_RETURN_NOT_OK(SubmitPending(std::nullopt));
  return delivery_->WaitIdle();
}

Status PostgresSink::StartCommit() {
  if (!delivery_) return Status::OK();
  if (pending_rows_ > 0 || spill_waiting_) SLUICE_RETURN_NOT_OK(SubmitPending(std::nullopt));
  commit_ticket_ = delivery_->submitted();
  return Status::OK();
}

Status PostgresSink::StartCommitWithProgress(const SourceOffsets& next_offsets) {
  if (!delivery_) return Status::OK();
  if (pending_rows_ > 0 || committed_progress_ != next_offsets || spill_waiting_) {
    SLUICE_RETURN_NOT_OK(SubmitPending(next_offsets));
    progress_in_flight_ = next_offsets;
  }
  commit_ticket_ = delivery_->submitted();
  return Status::OK();
}

Result<bool> PostgresSink::CommitDone() {
  if (!delivery_) return true;
  SLUICE_RETURN_NOT_OK(delivery_->error());
  if (delivery_->finished() < commit_ticket_) return false;
  if (progress_in_flight_) committed_progress_ = std::move(progress_in_flight_);
  progress_in_flight_.reset();
  return true;
}

Status PostgresSink::CommitWithProgress(const SourceOffsets& next_offsets) {
  if (!delivery_) return Status::OK();
  if (pending_rows_ == 0 && committed_progress_ == next_offsets && !spill_waiting_) {
    return delivery_->WaitIdle();
  }
  SLUICE_RETURN_NOT_OK(SubmitPending(next_offsets));
  SLUICE_RETURN_NOT_OK(delivery_->WaitIdle());
  committed_progress_ = next_offsets;
  return Status::OK();
}

Status PostgresSink::Deliver(std::string data, uint64_t rows, const SourceOffsets* progress,
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
                       "waiting for PostgreSQL (the source pauses meanwhile)",
                       table_, spill_dir_, spill_->bytes());
          warned = true;
        }
        if (!SleepUnlessStopped(backoff)) {
          // Stopping: these rows are not committed, so the source reads them again next run.
          return Status::Unavailable("sink '{}': stopped while the spill folder {} is full and "
                                     "PostgreSQL is down; uncommitted rows will be read again",
                                     table_, spill_dir_);
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
  while (true) {
    Status s = Transaction(data, progress);
    if (s.ok()) {
      if (warned) spdlog::info("sink '{}': PostgreSQL answers again; {} rows delivered", table_, rows);
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
      spdlog::warn("sink '{}': PostgreSQL still down{}: spilling {} rows to {}", table_,
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

Status PostgresSink::SpillWaitingForSpace(std::string_view data, uint64_t rows,
                                          const SourceOffsets* progress) {
  const SourceOffsets none;
  auto backoff = std::chrono::milliseconds(500);
  bool warned = false;
  while (true) {
    Status s = spill_->Append(data, rows, progress ? *progress : none);
    if (s.ok()) {
      rows_spilled_ += rows;
      if (warned) spdlog::info("sink '{}': {} rows spilled, the disk has room again", table_, rows);
      return s;
    }
    if (s.code() != StatusCode::kResourceExhausted) return s;
    if (!warned) {
      spdlog::warn("sink '{}': cannot spill: {}; waiting for disk space or for PostgreSQL, "
                   "whichever comes first (the source pauses meanwhile)",
                   table_, s.message());
      warned = true;
    }
    if (!SleepUnlessStopped(backoff)) {
      // Stopping: these rows are not committed, so the source reads them again next run.
      return Status::Unavailable("sink '{}': stopped while the disk under {} is full and "
                                 "PostgreSQL is down; uncommitted rows will be read again",
                                 table_, spill_dir_);
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    // PostgreSQL may be back: the spilled batches go first, then this one directly.
    next_drain_attempt_ = {};
    SLUICE_RETURN_NOT_OK(DrainSpill());
    if (!spill_->empty()) continue;
    Status direct = Transaction(data, progress);
    if (direct.ok()) {
      spdlog::info("sink '{}': PostgreSQL answers again; {} rows delivered", table_, rows);
      return direct;
    }
    if (direct.code() != StatusCode::kUnavailable) return direct;
  }
}

Status PostgresSink::DrainSpill() {
  if (Clock::now() < next_drain_attempt_) return Status::OK();
  // A stop ends the replay between two batches; the rest stays spilled, in order.
  while (!spill_->empty() && !StopRequested()) {
    const SpillSegment& front = spill_->segments().front();
    bool done = false;
    if (exactly_once_ && !front.progress.empty()) {
      // A crash between a replayed commit and forgetting the segment must not apply it twice.
      auto stored = ReadProgress();
      if (!stored.ok()) {
        if (stored.status().code() != StatusCode::kUnavailable) return stored.status();
        next_drain_attempt_ = Clock::now() + std::chrono::seconds(1);
        return Status::OK();
      }
      done = true;
      for (const auto& [origin, partitions] : front.progress) {
        for (const auto& [partition, offset] : partitions) {
          auto o = stored->find(origin);
          if (o == stored->end() || !o->second.count(partition) || o->second.at(partition) < offset) {
            done = false;
          }
        }
      }
    }
    if (!done) {
      SLUICE_ASSIGN_OR_RETURN(std::string data, spill_->ReadFront());
      Status s = Transaction(data, front.progress.empty() ? nullptr : &front.progress);
      if (!s.ok()) {
        if (s.code() != StatusCode::kUnavailable) return s;
        next_drain_attempt_ = Clock::now() + std::chrono::seconds(1);
        return Status::OK();
      }
      rows_replayed_ += front.rows;
      spdlog::info("sink '{}': replayed {} spilled rows from {} ({} batches left)", table_,
                   front.rows, spill_dir_, spill_->segments().size() - 1);
    }
    SLUICE_RETURN_NOT_OK(spill_->PopFront());
  }
  return Status::OK();
}

Status PostgresSink::FindRefusedRows(std::string_view data, const PendingRecords* records,
                                     Status failure) {
  const size_t lines = static_cast<size_t>(std::count(data.begin(), data.end(), '\n'));
  if (records == nullptr || !records->complete || records->records.size() != lines) {
    return failure;  // computed rows: nothing to name them by; the server's message says why
  }
  auto refused = ProbeLines(data);
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
                fmt::format("sink '{}': PostgreSQL refused {} row(s) of a commit (first: {} "
                            "partition {} offset {}: {}); replaying from the last checkpoint, "
                            "where they are dead-lettered",
                            table_, refused->size(), records->origin, first_partition,
                            first_offset, refused->front().second));
}

Result<std::vector<std::pair<size_t, std::string>>> PostgresSink::ProbeLines(std::string_view data) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < data.size();) {
    size_t end = data.find('\n', start);
    end = end == std::string_view::npos ? data.size() : end + 1;
    lines.push_back(data.substr(start, end - start));
    start = end;
  }
  // A bound on the statements one refusal may cost: many refused rows point to a schema
  // problem, which the server's first message explains better.
  constexpr int kMaxProbes = 4000;
  int probes = 0;
  std::vector<std::pair<size_t, std::string>> refused;
  std::string chunk;
  std::function<Status(size_t, size_t)> probe = [&](size_t lo, size_t hi) -> Status {
    if (++probes > kMaxProbes) return Status::DataError("too many refused rows to name");
    if (StopRequested()) return Status::Unavailable("stopped while looking for refused rows");
    SLUICE_RETURN_NOT_OK(connection_->Execute("SAVEPOINT sluice_probe"));
    chunk.clear();
    for (size_t i = lo; i < hi; ++i) chunk += lines[i];
    Status s = connection_->CopyIn(copy_sql_, chunk);
    if (s.ok() && upsert_) s = connection_->Execute(merge_sql_);
    if (s.ok()) return connection_->Execute("RELEASE SAVEPOINT sluice_probe");
    if (s.code() != StatusCode::kDataError) return s;
    SLUICE_RETURN_NOT_OK(connection_->Execute("ROLLBACK TO SAVEPOINT sluice_probe"));
    SLUICE_RETURN_NOT_OK(connection_->Execute("RELEASE SAVEPOINT sluice_probe"));
    if (hi - lo == 1) {
      refused.emplace_back(lo, s.message());
      return Status::OK();
    }
    const size_t mid = lo + (hi - lo) / 2;
    SLUICE_RETURN_NOT_OK(probe(lo, mid));
    return probe(mid, hi);
  };
  Status s = connection_->Execute("BEGIN");
  if (s.ok() && upsert_) s = EnsureStage();
  if (s.ok()) s = probe(0, lines.size());
  if (connection_->connected()) (void)connection_->Execute("ROLLBACK");  // a probe keeps nothing
  if (!s.ok()) return s;
  return refused;
}

Status PostgresSink::EnsureStage() {
  if (stage_ready_) return Status::OK();
  SLUICE_RETURN_NOT_OK(connection_->Execute(fmt::format(
      "CREATE TEMP TABLE IF NOT EXISTS sluice_stage (LIKE {} INCLUDING DEFAULTS) ON COMMIT "
      "DELETE ROWS; ALTER TABLE sluice_stage ADD COLUMN IF NOT EXISTS sluice_seq bigserial",
      QuoteTableName(table_name_))));
  stage_ready_ = true;
  return Status::OK();
}

Status PostgresSink::Transaction(std::string_view data, const SourceOffsets* progress) {
  if (!connection_->connected()) {
    stage_ready_ = false;
    SLUICE_RETURN_NOT_OK(EnsureTables());
  }
  auto fail = [&](Status s) {
    if (connection_->connected()) (void)connection_->Execute("ROLLBACK");
    if (s.code() == StatusCode::kUnavailable) stage_ready_ = false;
    return s;
  };
  Status s = connection_->Execute("BEGIN");
  if (!s.ok()) return fail(s);
  if (!data.empty()) {
    if (upsert_) {
      s = EnsureStage();
      if (!s.ok()) return fail(s);
    }
    s = connection_->CopyIn(copy_sql_, data);
    if (!s.ok()) return fail(s.WithContext("writing to table '" + table_name_ + "'"));
    if (upsert_) {
      s = connection_->Execute(merge_sql_);
      if (!s.ok()) return fail(s.WithContext("upserting into table '" + table_name_ + "'"));
    }
  }
  if (progress != nullptr) {
    std::string sql = fmt::format(
        "INSERT INTO {} (pipeline, sink, topic, \"partition\", next_offset) VALUES ",
        QuoteTableName(progress_table_));
    std::vector<std::string> params{pipeline_, table_};
    int n = 0;
    for (const auto& [origin, partitions] : *progress) {
      for (const auto& [partition, offset] : partitions) {
        params.push_back(origin);
        params.push_back(std::to_string(partition));
        params.push_back(std::to_string(offset));
        size_t k = params.size();
        sql += fmt::format("{}($1, $2, ${}, ${}::integer, ${}::bigint)", n++ ? ", " : "", k - 2,
                           k - 1, k);
      }
    }
    if (n > 0) {
      sql += " ON CONFLICT (pipeline, sink, topic, \"partition\") DO UPDATE SET next_offset = "
             "EXCLUDED.next_offset, committed_at = now()";
      auto r = connection_->Query(sql, params);
      if (!r.ok()) return fail(r.status().WithContext("recording progress"));
    }
  }
  s = connection_->Execute("COMMIT");
  if (!s.ok()) return fail(s);
  return Status::OK();
}

Result<SourceOffsets> PostgresSink::ReadProgress() {
  SLUICE_ASSIGN_OR_RETURN(
      PgResult r,
      connection_->Query(fmt::format("SELECT topic, \"partition\", next_offset FROM {} WHERE "
                                     "pipeline = $1 AND sink = $2",
                                     QuoteTableName(progress_table_)),
                         {pipeline_, table_}));
  SourceOffsets out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    out[PQgetvalue(r.get(), i, 0)][std::stoi(PQgetvalue(r.get(), i, 1))] =
        std::stoll(PQgetvalue(r.get(), i, 2));
  }
  return out;
}

Result<SourceOffsets> PostgresSink::RecoverProgress(const std::vector<std::string>&) {
  SLUICE_ASSIGN_OR_RETURN(SourceOffsets progress, ReadProgress());
  // Spilled batches are durable here even though the server does not have them yet.
  if (spill_) MergeMax(progress, spill_->Progress());
  committed_progress_ = progress;
  return progress;
}

Status PostgresSink::Close() {
  Status s = delivery_ ? delivery_->WaitIdle() : Status::OK();
  delivery_.reset();
  connection_->Disconnect();
  return s;
}

Result<uint64_t> PostgresSink::ReplaySpilled() {
  if (!spill_ || !delivery_) return uint64_t{0};
  SLUICE_RETURN_NOT_OK(delivery_->Submit([this] {
    next_drain_attempt_ = {};
    Status s = DrainSpill();
    rows_in_spill_ = spill_->rows();
    return s;
  }));
  SLUICE_RETURN_NOT_OK(delivery_->WaitIdle());
  return spill_->rows();
}

std::string PostgresSink::Counters() const {
  if (rows_spilled_ == 0 && rows_replayed_ == 0 && !spill_waiting_) return {};
  std::string text =
      fmt::format("{} rows spilled, {} replayed", rows_spilled_.load(), rows_replayed_.load());
  if (spill_waiting_ && spill_) {
    text += fmt::format(", {} rows still in {}", rows_in_spill_.load(), spill_dir_);
  }
  return text;
}

std::string PostgresSink::Describe() const {
  return fmt::format("postgres(table={}, {}, {}{})", table_name_, upsert_ ? "upsert" : "append",
                     exactly_once_ ? "exactly-once" : "at-least-once",
                     spill_enabled_ ? ", spill=" + spill_dir_ : "");
}

}  // namespace sluice
