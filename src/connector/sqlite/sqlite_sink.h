#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/sink.h"
#include "connector/sqlite/sqlite_database.h"
#include "format/json_encoder.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sluice {

// Writes rows into a table of an SQLite database file. Everything written between two commits
// is one transaction (BEGIN at the first write, COMMIT at the end of each epoch), so a commit is atomic and a
// crash or a Close() before the epoch commits leaves the table as of the last commit. Sinks writing to
// the same file share its connection and transaction (SqliteDatabase). Rows are inserted
// with one prepared statement; with a PRIMARY KEY in the schema it is INSERT OR REPLACE, an
// upsert by that key.
//
// Options:
//   'path'               required: the database file (created if missing)
//   'table-name'         the table; default: the SQL table's name
//   'sink.create-table'  'true' (default): CREATE TABLE IF NOT EXISTS from the schema
//
// Column types: BOOLEAN, INT, BIGINT -> INTEGER (booleans 0/1); DOUBLE -> REAL; DECIMAL -> REAL,
// so `SELECT cashback FROM t` gives the number 99.0 a user expects (exact up to 15 significant
// digits); STRING -> TEXT; BYTES -> BLOB; TIMESTAMP -> TEXT 'yyyy-MM-dd HH:mm:ss[.ffffff]' (UTC,
// which SQLite's date functions read); DATE -> TEXT 'yyyy-MM-dd'; INTERVAL -> INTEGER
// microseconds; ROW and ARRAY -> TEXT JSON.
class SqliteSink final : public Sink {
 public:
  static Result<std::unique_ptr<Sink>> Make(const ConnectorOptions& options, const Schema& schema);
  ~SqliteSink() override;

  Status Open() override;
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions* positions) override;
  Status Close() override;
  std::string Describe() const override;

  // The CREATE TABLE statement the sink issues (public for tests and `explain`).
  std::string CreateTableSql() const;

 protected:
  Status CommitEpoch(uint64_t epoch, const SourceOffsets& positions) override;

 private:
  SqliteSink() = default;
  Status WriteRows(const Batch& batch);
  Status Error(std::string_view what) const;
  void Release();

  std::string table_;       // the SQL table, for errors
  std::string path_;
  std::string table_name_;  // the SQLite table
  bool create_table_ = true;
  Schema schema_;
  std::unique_ptr<JsonEncoder> json_;  // nested columns

  std::shared_ptr<SqliteDatabase> database_;
  sqlite3* db_ = nullptr;  // database_'s handle
  sqlite3_stmt* insert_ = nullptr;
  std::vector<std::string> scratch_;  // per column: text bound to the statement
};

}  // namespace sluice
