#include "connector/postgres/postgres_table_writer.h"

#include <algorithm>

#include <fmt/format.h>

#include "connector/database/database_sink.h"
#include "connector/database/refused_lines.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

std::string JoinQuoted(const std::vector<std::string>& names, std::string_view prefix = "") {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += std::string(prefix) + QuoteIdentifier(n);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<PostgresTableWriter>> PostgresTableWriter::Make(
    const ConnectorOptions& options, const Schema& schema) {
  std::unique_ptr<PostgresTableWriter> w(new PostgresTableWriter());
  SLUICE_ASSIGN_OR_RETURN(w->settings_, TableSettings::FromOptions(options));
  w->schema_ = schema;
  SLUICE_ASSIGN_OR_RETURN(PostgresTarget target, PostgresTarget::FromOptions(options));
  w->connection_ = std::make_unique<PostgresConnection>(std::move(target));
  if (schema.size() == 0) return Status::Invalid("table '{}' has no columns", w->settings_.table);
  w->encoder_ = std::make_unique<CopyTextEncoder>(schema);

  std::vector<std::string> columns;
  for (const auto& f : schema.fields()) columns.push_back(f.name);
  const std::string target_table = QuoteTableName(w->settings_.table_name);
  w->upsert_ = !schema.primary_key().empty();
  if (!w->upsert_) {
    w->copy_sql_ = fmt::format("COPY {} ({}) FROM STDIN", target_table, JoinQuoted(columns));
  } else {
    w->copy_sql_ = fmt::format("COPY sluice_stage ({}) FROM STDIN", JoinQuoted(columns));
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
    w->merge_sql_ = fmt::format(
        "INSERT INTO {0} ({1}) SELECT {1} FROM (SELECT DISTINCT ON ({2}) * FROM sluice_stage "
        "ORDER BY {2}, sluice_seq DESC) latest ON CONFLICT ({2}) DO {3}",
        target_table, JoinQuoted(columns), JoinQuoted(key),
        update.empty() ? std::string("NOTHING") : "UPDATE SET " + update);
  }
  return w;
}

Result<std::unique_ptr<Sink>> MakePostgresSink(const ConnectorOptions& options,
                                               const Schema& schema) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<PostgresTableWriter> writer,
                          PostgresTableWriter::Make(options, schema));
  return DatabaseSink::Make(options, schema, "postgres", TableSettings::OptionNames(),
                            std::move(writer));
}

const ValueLimits& PostgresTableWriter::limits() const {
  // text and jsonb take UTF-8 without NUL; sluice writes years 1 to 9999 (PostgreSQL's own
  // range is wider, but its text input needs 'BC' below year 1).
  static const ValueLimits kLimits{.target = "PostgreSQL",
                                   .text_must_be_utf8 = true,
                                   .text_may_contain_nul = false,
                                   .min_timestamp_micros = kMinTimestampMicros,
                                   .max_timestamp_micros = kMaxTimestampMicros,
                                   .min_date_days = kMinDateDays,
                                   .max_date_days = kMaxDateDays};
  return kLimits;
}

std::string PostgresTableWriter::Describe() const {
  return fmt::format("table={}, {}", settings_.table_name, upsert_ ? "upsert" : "append");
}

size_t PostgresTableWriter::AppendRows(const Batch& batch, std::string& out) const {
  return encoder_->AppendRows(batch, out);
}

std::string PostgresTableWriter::CreateTableSql() const {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (", QuoteTableName(settings_.table_name));
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

std::string PostgresTableWriter::CreateProgressTableSql() const {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (pipeline text NOT NULL, sink text NOT NULL, topic text NOT "
      "NULL, \"partition\" integer NOT NULL, next_offset bigint NOT NULL, committed_at "
      "timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, sink, topic, \"partition\"))",
      QuoteTableName(settings_.progress_table));
}

Status PostgresTableWriter::EnsureTables(bool with_progress) {
  with_progress_ = with_progress;
  if (tables_ready_) return Status::OK();
  if (settings_.create_table) SLUICE_RETURN_NOT_OK(connection_->Execute(CreateTableSql()));
  if (with_progress_) SLUICE_RETURN_NOT_OK(connection_->Execute(CreateProgressTableSql()));
  // Fail now, not at the first commit, when the table is missing or lacks a column.
  std::vector<std::string> columns;
  for (const auto& f : schema_.fields()) columns.push_back(f.name);
  Status probe = connection_->Execute(fmt::format("SELECT {} FROM {} LIMIT 0", JoinQuoted(columns),
                                                  QuoteTableName(settings_.table_name)));
  if (!probe.ok()) {
    if (probe.code() == StatusCode::kUnavailable) return probe;
    return Status::Invalid("{} (the sink needs table '{}' with columns {}{})", probe.message(),
                           settings_.table_name, JoinQuoted(columns),
                           settings_.create_table ? "" : "; set 'sink.create-table' = 'true' to create it");
  }
  tables_ready_ = true;
  return Status::OK();
}

Status PostgresTableWriter::EnsureStage() {
  if (stage_ready_) return Status::OK();
  SLUICE_RETURN_NOT_OK(connection_->Execute(fmt::format(
      "CREATE TEMP TABLE IF NOT EXISTS sluice_stage (LIKE {} INCLUDING DEFAULTS) ON COMMIT "
      "DELETE ROWS; ALTER TABLE sluice_stage ADD COLUMN IF NOT EXISTS sluice_seq bigserial",
      QuoteTableName(settings_.table_name))));
  stage_ready_ = true;
  return Status::OK();
}

Status PostgresTableWriter::Transaction(std::string_view rows, const SourceOffsets* progress) {
  if (!connection_->connected()) {
    stage_ready_ = false;
    SLUICE_RETURN_NOT_OK(EnsureTables(with_progress_));
  }
  auto fail = [&](Status s) {
    if (connection_->connected()) (void)connection_->Execute("ROLLBACK");
    if (s.code() == StatusCode::kUnavailable) stage_ready_ = false;
    return s;
  };
  Status s = connection_->Execute("BEGIN");
  if (!s.ok()) return fail(s);
  if (!rows.empty()) {
    if (upsert_) {
      s = EnsureStage();
      if (!s.ok()) return fail(s);
    }
    s = connection_->CopyIn(copy_sql_, rows);
    if (!s.ok()) return fail(s.WithContext("writing to table '" + settings_.table_name + "'"));
    if (upsert_) {
      s = connection_->Execute(merge_sql_);
      if (!s.ok()) return fail(s.WithContext("upserting into table '" + settings_.table_name + "'"));
    }
  }
  if (progress != nullptr) {
    std::string sql = fmt::format(
        "INSERT INTO {} (pipeline, sink, topic, \"partition\", next_offset) VALUES ",
        QuoteTableName(settings_.progress_table));
    std::vector<std::string> params{settings_.pipeline, settings_.table};
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

Result<SourceOffsets> PostgresTableWriter::ReadProgress() {
  SLUICE_ASSIGN_OR_RETURN(
      PgResult r,
      connection_->Query(fmt::format("SELECT topic, \"partition\", next_offset FROM {} WHERE "
                                     "pipeline = $1 AND sink = $2",
                                     QuoteTableName(settings_.progress_table)),
                         {settings_.pipeline, settings_.table}));
  SourceOffsets out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    out[PQgetvalue(r.get(), i, 0)][std::stoi(PQgetvalue(r.get(), i, 1))] =
        std::stoll(PQgetvalue(r.get(), i, 2));
  }
  return out;
}

Result<std::vector<std::pair<size_t, std::string>>> PostgresTableWriter::ProbeLines(
    std::string_view rows) {
  auto execute = [this](const char* sql) { return [this, sql] { return connection_->Execute(sql); }; };
  ProbeSteps steps{execute("SAVEPOINT sluice_probe"), execute("ROLLBACK TO SAVEPOINT sluice_probe"),
                   execute("RELEASE SAVEPOINT sluice_probe"), [this](std::string_view lines) {
                     Status s = connection_->CopyIn(copy_sql_, lines);
                     if (s.ok() && upsert_) s = connection_->Execute(merge_sql_);
                     return s;
                   }};
  Status s = connection_->Execute("BEGIN");
  if (s.ok() && upsert_) s = EnsureStage();
  Result<std::vector<std::pair<size_t, std::string>>> refused =
      s.ok() ? FindRefusedLines(rows, steps) : s;
  if (connection_->connected()) (void)connection_->Execute("ROLLBACK");  // a probe keeps nothing
  return refused;
}

}  // namespace sluice
