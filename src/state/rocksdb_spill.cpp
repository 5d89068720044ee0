#include "state/rocksdb_spill.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

namespace sluice {
namespace {

// Big-endian with the sign flipped: windows sort by time.
std::string WindowPrefix(int64_t window) {
  uint64_t bits = static_cast<uint64_t>(window) ^ 0x8000000000000000ull;
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  return out;
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  return Status::IOError("state spill: {}: {}", what, s.ToString());
}

}  // namespace

Result<std::unique_ptr<RocksDbSpill>> RocksDbSpill::Open(std::filesystem::path dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("state spill: cannot create {}: {}", dir.string(), ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // misses cost no disk read
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  SLUICE_RETURN_NOT_OK(FromRocks(rocksdb::DB::Open(options, dir.string(), &db), "open " + dir.string()));
  std::unique_ptr<RocksDbSpill> spill(new RocksDbSpill());
  spill->dir_ = std::move(dir);
  spill->db_.reset(db);
  return spill;
}

RocksDbSpill::~RocksDbSpill() {
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status RocksDbSpill::Put(int64_t window, std::string_view key, std::string_view value) {
  rocksdb::WriteOptions write;
  write.disableWAL = true;
  std::string full = WindowPrefix(window);
  full.append(key);
  SLUICE_RETURN_NOT_OK(FromRocks(db_->Put(write, full, rocksdb::Slice(value.data(), value.size())), "put"));
  ++entries_;
  ++spilled_total_;
  return Status::OK();
}

Result<bool> RocksDbSpill::Take(int64_t window, std::string_view key, std::string* value) {
  std::string full = WindowPrefix(window);
  full.append(key);
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), full, value);
  if (s.IsNotFound()) return false;
  SLUICE_RETURN_NOT_OK(FromRocks(s, "get"));
  rocksdb::WriteOptions write;
  write.disableWAL = true;
  SLUICE_RETURN_NOT_OK(FromRocks(db_->Delete(write, full), "delete"));
  --entries_;
  return true;
}

Status RocksDbSpill::Scan(int64_t window,
                          const std::function<Status(std::string_view, std::string_view)>& fn) const {
  const std::string prefix = WindowPrefix(window);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    rocksdb::Slice k = it->key(), v = it->value();
    SLUICE_RETURN_NOT_OK(fn(std::string_view(k.data() + 8, k.size() - 8), std::string_view(v.data(), v.size())));
  }
  return FromRocks(it->status(), "scan");
}

Status RocksDbSpill::Drain(int64_t window,
                           const std::function<Status(std::string_view, std::string_view)>& fn) {
  uint64_t drained = 0;
  SLUICE_RETURN_NOT_OK(Scan(window, [&](std::string_view k, std::string_view v) {
    ++drained;
    return fn(k, v);
  }));
  const std::string begin = WindowPrefix(window);
  const std::string end = WindowPrefix(window + 1);
  rocksdb::WriteOptions write;
  write.disableWAL = true;
  SLUICE_RETURN_NOT_OK(FromRocks(db_->DeleteRange(write, db_->DefaultColumnFamily(), begin, end), "delete range"));
  entries_ -= drained;
  return Status::OK();
}

}  // namespace sluice
