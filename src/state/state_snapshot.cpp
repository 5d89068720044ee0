#include "state/state_snapshot.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include <xxhash.h>

#include "common/durable_file.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "SLUICE-STATE-4\n";  // 4: DECIMALs are 16 bytes
constexpr std::string_view kCommitted = "state.snapshot";
constexpr std::string_view kPending = "state.snapshot.pending";

template <typename T>
void Put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}
void PutBytes(std::string& out, std::string_view bytes) {
  Put(out, static_cast<uint64_t>(bytes.size()));
  out.append(bytes);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Get(T* value) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(value, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool GetBytes(std::string* out) {
    uint64_t size;
    if (!Get(&size) || in_.size() < size) return false;
    out->assign(in_.substr(0, size));
    in_.remove_prefix(size);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

std::string StateSnapshotStore::Encode(const StateSnapshot& snapshot) {
  std::string out(kMagic);
  Put(out, snapshot.checkpoint);
  Put(out, static_cast<uint32_t>(snapshot.positions.size()));
  for (const auto& [origin, partitions] : snapshot.positions) {
    PutBytes(out, origin);
    Put(out, static_cast<uint32_t>(partitions.size()));
    for (const auto& [partition, offset] : partitions) {
      Put(out, partition);
      Put(out, offset);
    }
  }
  Put(out, static_cast<uint32_t>(snapshot.operators.size()));
  for (const auto& op : snapshot.operators) {
    PutBytes(out, op.id);
    PutBytes(out, op.bytes);
  }
  Put(out, static_cast<uint64_t>(XXH3_64bits(out.data(), out.size())));
  return out;
}

Result<StateSnapshot> StateSnapshotStore::Decode(std::string_view bytes) {
  auto corrupt = [](std::string_view why) {
    return Status::Invalid("the state snapshot is damaged ({})", why);
  };
  if (bytes.size() < kMagic.size() + 8 || bytes.substr(0, kMagic.size()) != kMagic) {
    if (bytes.starts_with(kMagic.substr(0, kMagic.size() - 2))) {
      return Status::Invalid("the state snapshot was written by another version of sluice (format "
                             "'{}', this one reads '{}')",
                             bytes.substr(0, bytes.find('\n')), kMagic.substr(0, kMagic.size() - 1));
    }
    return corrupt("not a sluice state snapshot");
  }
  uint64_t checksum;
  std::memcpy(&checksum, bytes.data() + bytes.size() - 8, 8);
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (XXH3_64bits(body.data(), body.size()) != checksum) return corrupt("checksum mismatch");
  Reader in(body.substr(kMagic.size()));
  StateSnapshot snapshot;
  uint32_t origins = 0;
  if (!in.Get(&snapshot.checkpoint) || !in.Get(&origins)) return corrupt("truncated header");
  for (uint32_t o = 0; o < origins; ++o) {
    std::string origin;
    uint32_t partitions = 0;
    if (!in.GetBytes(&origin) || !in.Get(&partitions)) return corrupt("truncated positions");
    for (uint32_t p = 0; p < partitions; ++p) {
      int32_t partition;
      int64_t offset;
      if (!in.Get(&partition) || !in.Get(&offset)) return corrupt("truncated positions");
      snapshot.positions[origin][partition] = offset;
    }
  }
  uint32_t operators = 0;
  if (!in.Get(&operators)) return corrupt("truncated operator list");
  for (uint32_t i = 0; i < operators; ++i) {
    StateSnapshot::OperatorState op;
    if (!in.GetBytes(&op.id) || !in.GetBytes(&op.bytes)) return corrupt("truncated operator state");
    snapshot.operators.push_back(std::move(op));
  }
  if (!in.done()) return corrupt("trailing bytes");
  return snapshot;
}

Status StateSnapshotStore::Prepare(const StateSnapshot& snapshot) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IOError("cannot create the state folder {}: {}", dir_.string(), ec.message());
  SLUICE_RETURN_NOT_OK(WriteFileDurably(dir_ / kPending, Encode(snapshot)).WithContext("state"));
  prepared_ = true;
  return Status::OK();
}

Status StateSnapshotStore::Commit() {
  if (!prepared_) return Status::OK();
  std::error_code ec;
  fs::rename(dir_ / kPending, dir_ / kCommitted, ec);
  if (ec) return Status::IOError("state: committing the snapshot in {}: {}", dir_.string(), ec.message());
  prepared_ = false;
  return SyncDirectory(dir_).WithContext("state");
}

Result<std::optional<StateSnapshot>> StateSnapshotStore::LoadPending() const {
  const fs::path path = dir_ / kPending;
  if (!fs::exists(path)) return std::optional<StateSnapshot>{};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto snapshot = Decode(text.str());
  // A pending snapshot cut short by a crash is simply not one: the committed one applies.
  if (!snapshot.ok()) return std::optional<StateSnapshot>{};
  return std::optional<StateSnapshot>(std::move(*snapshot));
}

Result<std::optional<StateSnapshot>> StateSnapshotStore::LoadCommitted() const {
  const fs::path path = dir_ / kCommitted;
  if (!fs::exists(path)) return std::optional<StateSnapshot>{};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read {}", path.string());
  std::stringstream text;
  text << in.rdbuf();
  auto snapshot = Decode(text.str());
  if (!snapshot.ok()) {
    return Status::Invalid("{}: {}; move it away to start this pipeline without its state",
                           path.string(), snapshot.status().message());
  }
  return std::optional<StateSnapshot>(std::move(*snapshot));
}

}  // namespace sluice
