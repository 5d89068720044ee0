#pragma once

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

// Where rows go. Write receives batches whose live rows (the selection) are the rows to write;
// Commit makes everything written so far durable and visible (a transaction commit, an atomic
// file rename) — the pipeline calls it at checkpoints and at the end. A sink never drops a row
// silently: any row it cannot write is an error returned to the caller.
class Sink {
 public:
  virtual ~Sink() = default;

  virtual Status Open() = 0;
  // Rows among the live ones of `batch` that this sink cannot store (text its target cannot
  // hold, a value out of its range, a record above its size limit), each with the column and
  // the reason. The caller leaves them out of Write and dead-letters them. Default: none.
  virtual void FindUnwritableRows(const Batch& /*batch*/, std::vector<RowReject>& /*out*/) {}
  virtual Status Write(const Batch& batch) = 0;
  // Write, knowing the source record of each row (`positions` indexed by batch row; null when
  // rows are computed, after an aggregation or a join). A database sink keeps them so that rows
  // its server refuses at commit can be named and dead-lettered (RejectedRecords).
  virtual Status WriteWithPositions(const Batch& batch, const RecordPositions* /*positions*/) {
    return Write(batch);
  }
  // The largest record (all of a row's bytes, encoded) the sink can take, when it has a limit
  // (a Kafka topic); known once the sink is open. Dead letters are cut to fit it.
  virtual std::optional<size_t> max_record_bytes() const { return std::nullopt; }
  virtual Status Commit() = 0;
  virtual Status Close() = 0;
  virtual std::string Describe() const = 0;
  // Rows written so far (committed or not), for the end-of-run summary.
  virtual uint64_t rows_written() const = 0;
  // Sinks with a spill folder: deliver what is spilled now (`sluice spill replay`); returns the
  // rows still spilled afterwards (0 when all went through).
  virtual Result<uint64_t> ReplaySpilled() { return uint64_t{0}; }
  // Extra counters for the summary, e.g. "120 rows spilled, 120 replayed"; empty if none.
  virtual std::string Counters() const { return {}; }

  // At-least-once checkpoints that do not stall the pipeline: StartCommit hands everything
  // written so far to delivery and returns; CommitDone reports whether all of it is durable yet
  // (an error if delivery failed). The pipeline records source positions only once every sink
  // is done. A sink without background delivery commits synchronously (the defaults).
  virtual Status StartCommit() { return Commit(); }
  virtual Result<bool> CommitDone() { return true; }

  // Exactly-once ('sink.delivery-guarantee' = 'exactly-once'): the sink commits its rows and
  // the source positions they cover atomically (CommitWithProgress, in place of Commit), and
  // reads the last committed positions back after a restart (RecoverProgress, called after
  // Open) so the pipeline replays from there and the sink skips what it already holds.
  virtual bool exactly_once() const { return false; }
  // Whether rows with the key of an earlier row replace it (a PRIMARY KEY upsert, a Kafka
  // changelog keyed by it, the console): such a sink takes an aggregation's updates.
  virtual bool accepts_updates() const { return false; }
  virtual Status CommitWithProgress(const SourceOffsets& /*next_offsets*/) { return Commit(); }
  // The exactly-once commit, started: a sink that delivers in the background returns at once
  // and CommitDone reports when the transaction is through, so the sinks of one checkpoint
  // commit concurrently.
  virtual Status StartCommitWithProgress(const SourceOffsets& next_offsets) {
    return CommitWithProgress(next_offsets);
  }
  // True when StartCommit / StartCommitWithProgress return before the commit is done.
  virtual bool commits_in_background() const { return false; }
  virtual Result<SourceOffsets> RecoverProgress(const std::vector<std::string>& /*origins*/) {
    return SourceOffsets{};
  }
};

}  // namespace sluice
