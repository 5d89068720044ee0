#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "connector/source_offsets.h"

namespace sluice {

// One batch of encoded rows a sink could not deliver, waiting on local disk.
struct SpillSegment {
  uint64_t sequence = 0;
  std::string file;  // name inside the spill folder
  uint64_t rows = 0;
  uint64_t bytes = 0;
  SourceOffsets progress;  // the source positions the rows cover (exactly-once sinks)
};

// A sink's spill folder: when its destination stays down, encoded batches are appended here in
// order and replayed in the same order once it is back. Durable: each segment file is fsynced
// before the manifest (manifest.json, replaced atomically by rename and fsynced with its
// folder) lists it, so after a crash every listed segment is whole and an unlisted file is
// debris from the crash. The folder holds at most `max_bytes` of segments; a sink that finds no
// room waits (which pauses its source) rather than dropping anything.
class SpillStore {
 public:
  // Takes the folder's lock: one process at a time may own a spill folder.
  static Result<std::unique_ptr<SpillStore>> Open(std::filesystem::path dir, uint64_t max_bytes);
  ~SpillStore();

  bool empty() const { return segments_.empty(); }
  uint64_t bytes() const { return bytes_; }
  uint64_t rows() const;
  uint64_t max_bytes() const { return max_bytes_; }
  const std::deque<SpillSegment>& segments() const { return segments_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool HasRoomFor(size_t bytes) const { return bytes_ + bytes <= max_bytes_ || segments_.empty(); }

  Status Append(std::string_view data, uint64_t rows, const SourceOffsets& progress);
  // A commit with no rows only moves the positions on: the newest segment takes them over
  // (its rows still cover everything up to there) instead of a new empty segment.
  Status ExtendProgress(const SourceOffsets& progress);
  Result<std::string> ReadFront() const;
  // The oldest segment is delivered: forget it.
  Status PopFront();
  // The highest positions any spilled segment covers (what is durably in hand).
  SourceOffsets Progress() const;

  // The manifest of a spill folder, for `sluice spill list` (no locking, read-only).
  static Result<std::deque<SpillSegment>> ReadManifest(const std::filesystem::path& dir);
  // The manifest's text (`where` names it in errors). Refuses a segment whose file is not the
  // name its sequence gives, or sequences out of order.
  static Result<std::deque<SpillSegment>> ParseManifest(std::string_view json, const std::string& where);
  static std::string SegmentFileName(uint64_t sequence);

 private:
  Status WriteManifest();

  std::filesystem::path dir_;
  uint64_t max_bytes_ = 0;
  uint64_t bytes_ = 0;
  uint64_t next_sequence_ = 1;
  std::deque<SpillSegment> segments_;
  int lock_fd_ = -1;
};

}  // namespace sluice
