#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "connector/source_offsets.h"
#include "connector/value_limits.h"
#include "exec/record_positions.h"
#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

// What a sink can do, declared once by its factory; the pipeline plans and checkpoints by it.
struct SinkCapabilities {
  // Commits each epoch's rows and the source positions they cover atomically (a progress
  // table in the same transaction, offsets inside the Kafka transaction), and reads the
  // positions back at start (RecoverPositions). Otherwise rows are only made durable, and
  // the pipeline records positions in the source after every sink's commit (at-least-once).
  bool exactly_once = false;
  // Rows with the key of an earlier row replace it (a PRIMARY KEY upsert, a Kafka changelog
  // keyed by it, the console): the sink can take an aggregation's updates.
  bool accepts_updates = false;
  // CommitEpoch hands the epoch to a delivery thread (or the broker) and returns; AwaitEpoch
  // reports when it is durable. The pipeline starts these commits first, so they overlap the
  // synchronous sinks' commits and, between checkpoints, the reading of the next records.
  bool commits_in_background = false;
};

// Counters a sink keeps for the run's summary (and, later, metrics). Atomic: a delivery thread
// may update them while the pipeline's thread reads them.
struct SinkMetrics {
  std::atomic<uint64_t> rows_written{0};   // rows accepted by Write, committed or not
  std::atomic<uint64_t> rows_spilled{0};   // rows set aside in the spill folder
  std::atomic<uint64_t> rows_replayed{0};  // spilled rows delivered since
  std::atomic<uint64_t> rows_in_spill{0};  // rows still in the spill folder
  std::atomic<uint64_t> bytes_in_spill{0};  // and the bytes and segment files they take
  std::atomic<uint64_t> segments_in_spill{0};
  std::string spill_dir;                   // set once when the sink is made; empty: no spill
};

// Where rows go. The contract is epoch-based and in two steps, the same for every sink:
//
//   Write(batch, positions)*  rows of the current epoch (the live rows of each batch)
//   CommitEpoch(e, positions) the epoch ends: everything written since the previous one is
//                             epoch e. Make it durable and visible; an exactly-once sink
//                             stores `positions` (the next source offset per topic and
//                             partition that e covers) atomically with its rows, keyed per
//                             partition, so several workers that read disjoint partitions can
//                             commit through one table. A sink that commits in the background
//                             returns once the epoch is handed over.
//   AwaitEpoch(e, max_wait)   true once e and every epoch before it are durable, an error if
//                             delivering them failed. Waits at most `max_wait`, waking as soon
//                             as the commit completes (0: just check) — never a sleep loop.
//
// Epoch ids rise; a sink may receive an empty epoch. At start, after Open, an exactly-once sink
// returns its committed positions (RecoverPositions); the pipeline resumes its sources there and
// skips the rows the sink already holds. A sink never drops a row silently: any row it cannot
// write is an error returned to the caller, or a reject named before the write
// (FindUnwritableRows).
class Sink {
 public:
  virtual ~Sink() = default;

  const SinkCapabilities& capabilities() const { return capabilities_; }
  bool exactly_once() const { return capabilities_.exactly_once; }
  bool accepts_updates() const { return capabilities_.accepts_updates; }
  const SinkMetrics& metrics() const { return metrics_; }
  uint64_t rows_written() const { return metrics_.rows_written.load(std::memory_order_relaxed); }

  virtual Status Open() = 0;
  // Exactly-once sinks: the source positions committed so far, for these topics.
  virtual Result<SourceOffsets> RecoverPositions(const std::vector<std::string>& /*origins*/) {
    return SourceOffsets{};
  }
  // Rows among the live ones of `batch` that this sink cannot store (text its target cannot
  // hold, a value out of its range, a record above its size limit), each with the column and
  // the reason. The caller leaves them out of Write and dead-letters them. Default: none.
  virtual void FindUnwritableRows(const Batch& /*batch*/, std::vector<RowReject>& /*out*/) {}
  // `positions`: the source record of each row (indexed by batch row), or null when rows are
  // computed (after an aggregation or a join). A database sink keeps them so that rows its
  // server refuses at commit can be named and dead-lettered (RejectedRecords).
  virtual Status Write(const Batch& batch, const RecordPositions* positions) = 0;
  Status Write(const Batch& batch) { return Write(batch, nullptr); }
  // The pipeline's two steps (see above); the sink implements them as CommitEpoch/AwaitEpoch.
  Status BeginEpoch(uint64_t epoch, const SourceOffsets& positions);
  Result<bool> AwaitCommitted(uint64_t epoch, std::chrono::milliseconds max_wait) {
    return AwaitEpoch(epoch, max_wait);
  }
  // Ends the current epoch (with `positions`, or those of the last epoch) and waits until it
  // is durable: the end of a run, `sluice spill`, tests. Each wait is bounded by the sink (its
  // retry timeout, a stop).
  Status Commit(const SourceOffsets& positions);
  Status Commit() { return Commit(last_positions_); }
  virtual Status Close() = 0;
  virtual std::string Describe() const = 0;
  // The largest record (all of a row's bytes, encoded) the sink can take, when it has a limit
  // (a Kafka topic); known once the sink is open. Dead letters are cut to fit it.
  virtual std::optional<size_t> max_record_bytes() const { return std::nullopt; }
  // Sinks with a spill folder: deliver what is spilled now (`sluice spill replay`); returns the
  // rows still spilled afterwards (0 when all went through).
  virtual Result<uint64_t> ReplaySpilled() { return uint64_t{0}; }

 protected:
  virtual Status CommitEpoch(uint64_t epoch, const SourceOffsets& positions) = 0;
  virtual Result<bool> AwaitEpoch(uint64_t /*epoch*/, std::chrono::milliseconds /*max_wait*/) {
    return true;
  }
  void CountWritten(uint64_t rows) { metrics_.rows_written.fetch_add(rows, std::memory_order_relaxed); }

  SinkCapabilities capabilities_;
  SinkMetrics metrics_;

 private:
  uint64_t last_epoch_ = 0;
  SourceOffsets last_positions_;
};

}  // namespace sluice
