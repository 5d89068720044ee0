#pragma once

#include <memory>
#include <set>
#include <string>

#include "connector/connector_options.h"
#include "connector/database/table_writer.h"
#include "connector/mysql/mysql_connection.h"
#include "connector/sink.h"
#include "format/json_encoder.h"

namespace sluice {

// A MySQL or MariaDB table for DatabaseSink (InnoDB): rows in LOAD DATA's text form, loaded
// from memory with LOAD DATA LOCAL INFILE (a warning is an error: no value is truncated); with a
// PRIMARY KEY loaded into a temporary staging table and merged with INSERT ... SELECT ... ON
// DUPLICATE KEY UPDATE in arrival order (the last row per key wins); progress rows in
// 'sink.progress-table', loaded the same way (no data is spliced into SQL text).
//
// Options: 'url', 'username', 'password', 'connect-timeout' (MysqlTarget), 'table-name' (default
// the SQL table's name), 'sink.create-table' (default true), 'sink.progress-table' (default
// sluice_progress).
class MysqlTableWriter final : public TableWriter {
 public:
  static Result<std::unique_ptr<MysqlTableWriter>> Make(const ConnectorOptions& options,
                                                        const Schema& schema);

  std::string_view database() const override { return "MySQL"; }
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
  MysqlTableWriter() = default;
  Status EnsureStage();
  // Loads `rows` into the table (through the staging table when upserting).
  Status LoadRows(std::string_view rows);

  TableSettings settings_;
  Schema schema_;
  std::unique_ptr<MysqlConnection> connection_;
  std::unique_ptr<JsonEncoder> json_;  // ROW and ARRAY values, into JSON columns
  bool with_progress_ = false;
  bool upsert_ = false;
  bool stage_ready_ = false;  // the staging table exists in the current session
  bool tables_ready_ = false;
  std::string load_sql_, merge_sql_, progress_sql_;
};

// The MySQL column type for a sluice type (documented in docs/reference.md).
std::string MysqlColumnType(const DataType& type, bool in_key);

// 'connector' = 'mysql' (or 'jdbc' with a MySQL/MariaDB url): a DatabaseSink writing through a
// MysqlTableWriter.
Result<std::unique_ptr<Sink>> MakeMysqlSink(const ConnectorOptions& options, const Schema& schema,
                                            const std::string& connector);

}  // namespace sluice
