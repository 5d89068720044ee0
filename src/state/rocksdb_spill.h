#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace rocksdb {
class DB;
}

namespace sluice {

// Keyed state that does not fit the memory budget, in a RocksDB instance of its own on local
// disk (no write-ahead log: the durable copy of state is the checkpoint; this is overflow). Keys
// are a window's end (ordered) and a group key; values are serialized aggregate states.
class RocksDbSpill {
 public:
  // Opens a fresh instance in `dir` (created; anything there before is removed).
  static Result<std::unique_ptr<RocksDbSpill>> Open(std::filesystem::path dir);
  ~RocksDbSpill();

  Status Put(int64_t window, std::string_view key, std::string_view value);
  // Moves the value of (window, key) into `value` and deletes it; false when absent.
  Result<bool> Take(int64_t window, std::string_view key, std::string* value);
  // Calls fn(key, value) for every entry of `window`, in key order, then deletes them.
  Status Drain(int64_t window, const std::function<Status(std::string_view, std::string_view)>& fn);
  // Calls fn for every entry of `window` without deleting (checkpoints).
  Status Scan(int64_t window, const std::function<Status(std::string_view, std::string_view)>& fn) const;

  uint64_t entries() const { return entries_; }
  uint64_t spilled_total() const { return spilled_total_; }

 private:
  RocksDbSpill() = default;
  std::filesystem::path dir_;
  std::unique_ptr<rocksdb::DB> db_;
  uint64_t entries_ = 0;
  uint64_t spilled_total_ = 0;
};

}  // namespace sluice
