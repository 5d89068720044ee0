#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "connector/source_offsets.h"

namespace sluice {

// The state of a pipeline's stateful operators at one checkpoint, with the source positions it
// covers: restoring it and reading on from `positions` continues the results with no double
// counting and no gap.
struct StateSnapshot {
  int64_t checkpoint = 0;
  SourceOffsets positions;
  struct OperatorState {
    std::string id;  // the planner's state id ("<sink table>/<kind>"): a changed plan does
                     // not silently read another operator's state
    std::string bytes;
  };
  std::vector<OperatorState> operators;
};

// Snapshots of one pipeline in a folder (`<state dir>/<pipeline>`): a checkpoint writes the new
// snapshot beside the committed one (Prepare, fsynced), and makes it the committed one only
// once every sink holds the rows emitted before it (Commit, an atomic rename). A crash in
// between leaves the previous snapshot in force. A checksum catches a damaged file.
class StateSnapshotStore {
 public:
  explicit StateSnapshotStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  Status Prepare(const StateSnapshot& snapshot);
  Status Commit();
  // The committed snapshot, or nothing when the pipeline has none yet.
  Result<std::optional<StateSnapshot>> LoadCommitted() const;
  // A snapshot prepared but not committed when the process died: an exactly-once sink may have
  // committed its checkpoint just before, and then this is the state that matches it.
  Result<std::optional<StateSnapshot>> LoadPending() const;
  // Makes the pending snapshot the committed one.
  Status PromotePending() {
    prepared_ = true;
    return Commit();
  }

  static std::string Encode(const StateSnapshot& snapshot);
  static Result<StateSnapshot> Decode(std::string_view bytes);

 private:
  std::filesystem::path dir_;
  bool prepared_ = false;
};

}  // namespace sluice
