#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"

namespace sluice {

// What a pipeline has accounted for since its first run, as of its last checkpoint: per source
// the records read and what became of them, per sink the rows written and the rows it could not
// store. Kept in `<state dir>/<pipeline>/reconciliation.json`, replaced at every checkpoint, so
// the counts match the positions the sources committed (through crashes of the process; not
// fsynced, so a power loss may leave an earlier checkpoint's); `sluice reconcile` reads it.
struct ReconciliationCounts {
  struct Source {
    uint64_t read = 0;
    uint64_t decoded = 0;
    uint64_t dead_lettered = 0;
    uint64_t skipped = 0;             // malformed, under 'errors' = 'skip'
    uint64_t already_delivered = 0;   // dead letters a restart replayed that a table had
    // Records not accounted for by the rest (always 0 unless something is wrong).
    int64_t unaccounted() const {
      return static_cast<int64_t>(read) -
             static_cast<int64_t>(decoded + dead_lettered + skipped + already_delivered);
    }
  };
  struct Sink {
    uint64_t written = 0;
    uint64_t rejected = 0;  // rows it cannot store, dead-lettered or skipped
  };
  // One source's records on their way to one sink (per INSERT reading it), as of the
  // checkpoint: every decoded record reached the sink, was dropped on the way (by reason:
  // "filtered" by WHERE, "late", "null-time" for a window, "already-written" before a restart),
  // or went into an operator that keeps or reshapes rows (`into`: aggregate, join, rank, ...),
  // whose output the sink counts.
  struct Path {
    uint64_t decoded = 0;
    uint64_t arrived = 0;
    std::map<std::string, uint64_t> dropped;
    std::string into;
    uint64_t into_rows = 0;
    int64_t unaccounted() const {
      uint64_t sum = arrived + into_rows;
      for (const auto& [reason, rows] : dropped) sum += rows;
      return static_cast<int64_t>(decoded) - static_cast<int64_t>(sum);
    }
  };
  std::map<std::string, Source> sources;  // by table name
  std::map<std::string, Sink> sinks;
  std::map<std::string, Path> paths;  // "<source> -> <sink>"
  std::string updated;  // UTC time of the checkpoint, 'YYYY-MM-DD HH:MM:SS'

  void Add(const ReconciliationCounts& other);
  static std::filesystem::path PathFor(const std::string& state_dir, const std::string& pipeline);
  Status Save(const std::filesystem::path& path) const;
  // Nothing when the pipeline has not completed a checkpoint yet.
  static Result<std::optional<ReconciliationCounts>> Load(const std::filesystem::path& path);
};

}  // namespace sluice
