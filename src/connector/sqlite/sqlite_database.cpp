#include "connector/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>

namespace sluice {
namespace {

std::mutex registry_mutex;
std::map<std::string, std::weak_ptr<SqliteDatabase>>& Registry() {
  static std::map<std::string, std::weak_ptr<SqliteDatabase>> open;
  return open;
}

}  // namespace

Result<std::shared_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path) {
  std::error_code ec;
  // Absolute first: weakly_canonical leaves a relative path alone while its folder is missing.
  std::string key = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec).string();
  if (ec) key = path;
  std::lock_guard lock(registry_mutex);
  if (auto existing = Registry()[key].lock()) return existing;

  // Like the file sinks, create the folder the database goes in.
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) return Status::IOError("sqlite '{}': cannot create folder '{}': {}", path,
                                   parent.string(), ec.message());
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::IOError("sqlite '{}': cannot open the database: {}", path, message);
  }
  // A reader in another process holds locks briefly; wait rather than fail.
  sqlite3_busy_timeout(db, 10'000);
  std::shared_ptr<SqliteDatabase> database(new SqliteDatabase(path, db));
  Registry()[key] = database;
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  // Closing with an open transaction rolls it back: uncommitted rows are not kept.
  sqlite3_close_v2(db_);
}

Status SqliteDatabase::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return Status::IOError("sqlite '{}': {} failed: {}", path_, sql.substr(0, 200), text);
  }
  return Status::OK();
}

Status SqliteDatabase::Begin() {
  if (!failure_.empty()) return Status::Invalid("sqlite '{}': {}", path_, failure_);
  if (in_transaction_) return Status::OK();
  SLUICE_RETURN_NOT_OK(Exec("BEGIN"));
  in_transaction_ = true;
  return Status::OK();
}

Status SqliteDatabase::Commit() {
  if (!failure_.empty()) {
    return Status::Invalid("sqlite '{}': not committing: {}", path_, failure_);
  }
  if (!in_transaction_) return Status::OK();
  SLUICE_RETURN_NOT_OK(Exec("COMMIT"));
  in_transaction_ = false;
  return Status::OK();
}

void SqliteDatabase::Fail(const std::string& reason) {
  if (failure_.empty()) {
    failure_ = "an earlier write failed and its transaction was rolled back (" + reason + ")";
  }
  if (in_transaction_) (void)Exec("ROLLBACK");
  in_transaction_ = false;
}

}  // namespace sluice
