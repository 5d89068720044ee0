#pragma once

#include <memory>
#include <string>

#include "common/result.h"

struct sqlite3;

namespace sluice {

// One connection per database file, shared by every sink of the pipeline that writes to it.
// SQLite has a single writer per file: two connections with open transactions would block each
// other, so the sinks share one connection and one transaction, which the first Commit() of a
// checkpoint commits for all of them (their tables then change together, atomically).
class SqliteDatabase {
 public:
  // The open connection for `path`, or a new one (the file is created if missing).
  static Result<std::shared_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  Status Exec(const std::string& sql);
  // Starts the shared transaction unless it is open.
  Status Begin();
  // Commits the shared transaction if one is open.
  Status Commit();
  // A write failed: rolls the transaction back, and refuses every later write and commit,
  // since committing later rows alone would silently lose the rolled-back ones.
  void Fail(const std::string& reason);
  // Why the database refuses writes, or empty.
  const std::string& failure() const { return failure_; }

 private:
  SqliteDatabase(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  sqlite3* db_;
  bool in_transaction_ = false;
  std::string failure_;
};

}  // namespace sluice
