#pragma once

#include <memory>
#include <set>
#include <string>

#include "connector/connector_options.h"
#include "connector/database/table_writer.h"
#include "connector/postgres/copy_text_encoder.h"
#include "connector/postgres/postgres_connection.h"
#include "connector/sink.h"

namespace sluice {

// A PostgreSQL table for DatabaseSink: rows as COPY text, appended with COPY or, when the table
// declares a PRIMARY KEY, copied into a session staging table and merged with INSERT ... ON
// CONFLICT DO UPDATE (upserts; the last row per key in a commit wins); progress rows in
// 'sink.progress-table' (key: pipeline + sink).
//
// Options: 'url', 'username', 'password', 'connect-timeout' (PostgresTarget), 'table-name'
// (default the SQL table's name, may be schema.table), 'sink.create-table' (default true),
// 'sink.progress-table' (default sluice_progress).
class PostgresTableWriter final : public TableWriter {
 public:
  static Result<std::unique_ptr<PostgresTableWriter>> Make(const ConnectorOptions& options,
                                                           const Schema& schema);

  std::string_view database() const override { return "PostgreSQL"; }
  const ValueLimits& limits() const override;
  bool upserts() const override { return upsert_; }
  std::string Describe() const override;
  size_t AppendRows(const Batch& batch, std::string& out) const override;
  Status EnsureTables(bool with_progress) override;
  Status Transaction(std::string_view rows, const SourceOffsets* progress) override;
  Result<SourceOffsets> ReadProgress() override;
  Result<std::vector<std::pair<size_t, std::string>>> ProbeLines(std::string_view rows) override;
  void Disconnect() override { connection_->Disconnect(); }

  // The statements it issues (public for tests and explain).
  std::string CreateTableSql() const;
  std::string CreateProgressTableSql() const;

 private:
  PostgresTableWriter() = default;
  Status EnsureStage();

  TableSettings settings_;
  Schema schema_;
  std::unique_ptr<CopyTextEncoder> encoder_;
  std::unique_ptr<PostgresConnection> connection_;
  bool with_progress_ = false;
  bool upsert_ = false;
  bool stage_ready_ = false;  // the staging table exists in the current session
  bool tables_ready_ = false;
  std::string copy_sql_, merge_sql_;
};

// 'connector' = 'postgres': a DatabaseSink writing through a PostgresTableWriter.
Result<std::unique_ptr<Sink>> MakePostgresSink(const ConnectorOptions& options,
                                               const Schema& schema);

}  // namespace sluice
