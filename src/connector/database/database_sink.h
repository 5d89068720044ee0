#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "connector/connector_options.h"
#include "connector/database/table_writer.h"
#include "connector/delivery_thread.h"
#include "connector/sink.h"
#include "connector/spill/spill_store.h"

namespace sluice {

// A sink into a transactional database table, whatever the database (its TableWriter): the
// machinery every database sink shares, written once.
//
// Rows are encoded on the pipeline's thread as they arrive and delivered by a thread of the
// sink's own (DeliveryThread), so the pipeline keeps going while a transaction is in flight; a
// commit waits for it. Delivery:
//   at-least-once (default)  a commit is a transaction; the pipeline commits Kafka offsets after
//                            it; also flushed between checkpoints once
//                            'sink.buffer-flush.max-rows' (5000) rows or
//                            'sink.buffer-flush.interval' (200 ms) have gathered
//   exactly-once             the rows and the source offsets they cover commit in one
//                            transaction (the writer's progress table); after a restart the
//                            pipeline resumes from those offsets
// A server that is down or a connection that broke is retried with backoff for
// 'sink.retry.timeout'; past that the encoded rows go to a local spill folder (fsynced, with a
// manifest) and the pipeline keeps going; spilled batches are replayed in order, each in its own
// transaction with its offsets, as soon as the server answers again. When the spill folder or
// its disk is full the sink waits, which pauses the source. A connection lost during an
// exactly-once COMMIT is settled by reading the stored progress before sending the transaction
// again (it went through if the progress moved to its positions); a transaction whose positions
// equal the previous one's (rows emitted by a timer, no new records) cannot be told apart that
// way and is sent again, which an upsert table absorbs. Rows the database refuses at commit
// are found (TableWriter::ProbeLines) and named in RejectedRecords, so the pipeline's replay
// dead-letters them. Other errors retrying cannot fix (a missing column) stop the pipeline with
// the server's message.
class DatabaseSink final : public Sink {
 public:
  // The options every database sink takes, besides its writer's own.
  static const std::set<std::string>& SharedOptions();
  // Checks `options` against the shared ones plus `writer_options` (under `connector`'s name).
  static Result<std::unique_ptr<Sink>> Make(const ConnectorOptions& options, const Schema& schema,
                                            std::string connector,
                                            const std::set<std::string>& writer_options,
                                            std::unique_ptr<TableWriter> writer);

  Status Open() override;
  Result<SourceOffsets> RecoverPositions(const std::vector<std::string>& origins) override;
  void FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) override;
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions* positions) override;
  Status Close() override;
  std::string Describe() const override;
  Result<uint64_t> ReplaySpilled() override;

 protected:
  Status CommitEpoch(uint64_t epoch, const SourceOffsets& positions) override;
  Result<bool> AwaitEpoch(uint64_t epoch, std::chrono::milliseconds max_wait) override;

 private:
  // The source record of each pending line, so that lines the server refuses can be named.
  struct PendingRecords {
    std::string origin;
    std::vector<std::pair<int32_t, int64_t>> records;  // partition, offset per line
    bool complete = true;  // false once a row came without its record
  };

  DatabaseSink() = default;
  // Sends `data` (+ progress) in one transaction, retrying, spilling past the timeout.
  Status Deliver(std::string data, uint64_t rows, const SourceOffsets* progress,
                 const PendingRecords* records);
  // Hands the pending rows (and progress) to the delivery thread.
  Status SubmitPending(std::optional<SourceOffsets> progress);
  // Replays spilled segments in order; stops (OK) at the first the server does not take.
  Status DrainSpill();
  // The spill folder's rows, bytes and segments into the metrics.
  void NoteSpillSize();
  // Spills a batch; while the disk is full, waits for space or for the server.
  Status SpillWaitingForSpace(std::string_view data, uint64_t rows, const SourceOffsets* progress);
  // The server refused `data` for some of its rows (`failure`): finds them (in a transaction
  // that is rolled back), lists their records in RejectedRecords and returns TryAgain, so the
  // pipeline replays from its checkpoint and dead-letters them on the way.
  Status FindRefusedRows(std::string_view data, const PendingRecords* records, Status failure);

  std::string connector_;   // 'connector' = '<name>', for explain
  std::string table_;       // the SQL table, for messages
  std::string pipeline_;
  Schema schema_;
  std::unique_ptr<TableWriter> writer_;
  bool exactly_once_ = false;
  int64_t flush_rows_ = 5000;
  int64_t flush_interval_ms_ = 200;
  std::chrono::steady_clock::time_point pending_since_{};
  int64_t retry_timeout_ms_ = 10000;
  bool spill_enabled_ = true;
  std::string spill_dir_;
  uint64_t spill_max_bytes_ = 0;
  std::unique_ptr<SpillStore> spill_;
  std::chrono::steady_clock::time_point next_drain_attempt_{};

  std::string pending_;  // encoded lines of rows not yet committed
  uint64_t pending_rows_ = 0;
  PendingRecords pending_records_;
  std::optional<SourceOffsets> committed_progress_;
  // The progress of the last transaction known to have committed (delivery thread only).
  SourceOffsets delivered_progress_;
  std::atomic<bool> spill_waiting_{false};  // the spill folder holds batches
  // Everything after Open that talks to the server or the spill folder runs here; declared
  // last so it stops (running what is queued) before the members it uses go away.
  std::unique_ptr<DeliveryThread> delivery_;
  // Epochs handed to delivery and not yet awaited: done once `ticket` jobs have run; the
  // progress they commit (exactly-once) is then the committed one.
  struct EpochInFlight {
    uint64_t epoch;
    uint64_t ticket;
    std::optional<SourceOffsets> progress;
  };
  std::deque<EpochInFlight> epochs_;
};

}  // namespace sluice
