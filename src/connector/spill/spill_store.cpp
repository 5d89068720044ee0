#include "connector/spill/spill_store.h"

#include "common/durable_file.h"
#include "connector/source_offsets_json.h"

#include <fcntl.h>
#include <sys/file.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <limits>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "format/json_encoder.h"

namespace sluice {
namespace fs = std::filesystem;

Result<std::unique_ptr<SpillStore>> SpillStore::Open(fs::path dir, uint64_t max_bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("spill: cannot create folder {}: {}", dir.string(), ec.message());
  std::unique_ptr<SpillStore> store(new SpillStore());
  // Two processes replaying one folder would deliver its batches twice.
  fs::path lock = dir / "lock";
  store->lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->lock_fd_ < 0) {
    return Status::IOError("spill: cannot create {}: {}", lock.string(), std::strerror(errno));
  }
  if (::flock(store->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status::Invalid(
        "spill folder {} is in use by another sluice process (a running pipeline with the same "
        "name, or `sluice spill replay`); stop it first",
        dir.string());
  }
  store->dir_ = std::move(dir);
  store->max_bytes_ = max_bytes;
  SLUICE_ASSIGN_OR_RETURN(store->segments_, ReadManifest(store->dir_));
  // A batch's file is removed only once it was delivered (PopFront): front segments without
  // their file are delivered ones whose manifest update a crash or a full disk cut short.
  while (!store->segments_.empty() && !fs::exists(store->dir_ / store->segments_.front().file, ec)) {
    store->segments_.pop_front();
  }
  for (const auto& s : store->segments_) {
    store->bytes_ += s.bytes;
    store->next_sequence_ = std::max(store->next_sequence_, s.sequence + 1);
  }
  // Files the manifest does not list were being written when the process died: remove them.
  for (const auto& entry : fs::directory_iterator(store->dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 6 || name.substr(name.size() - 6) != ".spill") continue;
    bool listed = false;
    for (const auto& s : store->segments_) listed |= s.file == name;
    if (!listed) fs::remove(entry.path(), ec);
  }
  return store;
}

SpillStore::~SpillStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

uint64_t SpillStore::rows() const {
  uint64_t n = 0;
  for (const auto& s : segments_) n += s.rows;
  return n;
}

Status SpillStore::Append(std::string_view data, uint64_t rows, const SourceOffsets& progress) {
  SpillSegment segment;
  segment.sequence = next_sequence_++;
  segment.file = SegmentFileName(segment.sequence);
  segment.rows = rows;
  segment.bytes = data.size();
  segment.progress = progress;
  SLUICE_RETURN_NOT_OK(WriteFileDurably(dir_ / segment.file, data).WithContext("spill"));
  segments_.push_back(std::move(segment));
  bytes_ += data.size();
  Status s = WriteManifest();
  if (!s.ok()) {
    bytes_ -= data.size();
    std::error_code ec;
    fs::remove(dir_ / segments_.back().file, ec);  // unlisted: its space goes back at once
    segments_.pop_back();
  }
  return s;
}

Status SpillStore::ExtendProgress(const SourceOffsets& progress) {
  if (segments_.empty() || segments_.back().progress == progress) return Status::OK();
  SourceOffsets previous = segments_.back().progress;
  MergeMax(segments_.back().progress, progress);
  Status s = WriteManifest();
  if (!s.ok()) segments_.back().progress = std::move(previous);
  return s;
}

Result<std::string> SpillStore::ReadFront() const {
  if (segments_.empty()) return Status::Invalid("spill: nothing to read");
  fs::path path = dir_ / segments_.front().file;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("spill: cannot read {}", path.string());
  std::ostringstream data;
  data << in.rdbuf();
  std::string text = std::move(data).str();
  if (text.size() != segments_.front().bytes) {
    return Status::IOError("spill: {} has {} bytes, the manifest says {}: the segment is damaged",
                           path.string(), text.size(), segments_.front().bytes);
  }
  return text;
}

Status SpillStore::PopFront() {
  if (segments_.empty()) return Status::OK();
  SpillSegment front = segments_.front();
  segments_.pop_front();
  bytes_ -= front.bytes;
  // The file goes first: on a full disk that makes room for the manifest. A crash in between
  // leaves the manifest listing a delivered segment without its file, which Open drops.
  std::error_code ec;
  fs::remove(dir_ / front.file, ec);
  return WriteManifest();
}

SourceOffsets SpillStore::Progress() const {
  SourceOffsets out;
  for (const auto& s : segments_) MergeMax(out, s.progress);
  return out;
}

Status SpillStore::WriteManifest() {
  std::string json = "{\"segments\":[";
  for (size_t i = 0; i < segments_.size(); ++i) {
    const SpillSegment& s = segments_[i];
    if (i) json += ',';
    json += fmt::format("{{\"sequence\":{},\"file\":", s.sequence);
    AppendJsonString(s.file, json);
    json += fmt::format(",\"rows\":{},\"bytes\":{},\"progress\":", s.rows, s.bytes);
    AppendSourceOffsetsJson(s.progress, json);
    json += '}';
  }
  json += "]}\n";
  fs::path tmp = dir_ / "manifest.json.tmp";
  SLUICE_RETURN_NOT_OK(WriteFileDurably(tmp, json).WithContext("spill"));
  std::error_code ec;
  fs::rename(tmp, dir_ / "manifest.json", ec);
  if (ec) return Status::IOError("spill: cannot replace {}: {}", (dir_ / "manifest.json").string(), ec.message());
  return SyncDirectory(dir_).WithContext("spill");
}

Result<std::deque<SpillSegment>> SpillStore::ReadManifest(const fs::path& dir) {
  fs::path path = dir / "manifest.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::deque<SpillSegment>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("spill: cannot read {}", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return ParseManifest(std::move(text).str(), path.string());
}

Result<std::deque<SpillSegment>> SpillStore::ParseManifest(std::string_view json,
                                                           const std::string& where) {
  std::deque<SpillSegment> segments;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.parse(simdjson::padded_string(json)).get(doc)) {
    return Status::IOError("spill: {} is not readable JSON ({}); move the folder aside to start "
                           "without it", where, simdjson::error_message(error));
  }
  simdjson::dom::array list;
  if (doc["segments"].get(list)) return Status::IOError("spill: {} has no segment list", where);
  for (simdjson::dom::element e : list) {
    SpillSegment s;
    std::string_view file;
    uint64_t sequence = 0, rows = 0, bytes = 0;
    simdjson::dom::object progress;
    if (e["sequence"].get(sequence) || e["file"].get(file) || e["rows"].get(rows) ||
        e["bytes"].get(bytes) || e["progress"].get(progress)) {
      return Status::IOError("spill: {} lists a malformed segment", where);
    }
    // The name is the one Append gives the sequence, nothing else: a damaged or edited manifest
    // must not make the store read or delete a file outside its folder.
    if (file != SegmentFileName(sequence) || sequence == 0 ||
        sequence == std::numeric_limits<uint64_t>::max() ||
        (!segments.empty() && sequence <= segments.back().sequence)) {
      return Status::IOError("spill: {} lists segment {} out of order or under another name ('{}')",
                             where, sequence, file);
    }
    s.sequence = sequence;
    s.file = std::string(file);
    s.rows = rows;
    s.bytes = bytes;
    if (!ReadSourceOffsetsJson(progress, s.progress)) {
      return Status::IOError("spill: {} lists a malformed segment", where);
    }
    segments.push_back(std::move(s));
  }
  return segments;
}

std::string SpillStore::SegmentFileName(uint64_t sequence) {
  return fmt::format("{:010}.spill", sequence);
}

}  // namespace sluice
