#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "connector/raw_record.h"
#include "connector/source_offsets.h"
#include "types/schema.h"

namespace sluice {

// How far a source's committed position is behind the end of its input, per partition.
struct PartitionBacklog {
  int32_t partition = 0;
  int64_t committed = -1;  // the next offset committed; -1: none yet
  int64_t end = 0;         // the end offset (Kafka's high watermark)
  int64_t records = 0;     // records between `committed` (or the start) and the end
  bool at_least = false;   // counting stopped at a cap: there are at least `records`
};

// Where one partition of a source ends, for the metrics (lag, a bounded run's progress).
struct PartitionEnd {
  int32_t partition = 0;
  int64_t end = -1;      // the offset after the last record (Kafka's high watermark); -1 unknown
  int64_t stop_at = -1;  // a bounded run: the end offset it stops at; -1 none
};

// Where records come from: Kafka, a file, a generator. Delivers raw bytes; decoding is the
// format's job, so every source gets the same error handling and dead-lettering.
class Source {
 public:
  virtual ~Source() = default;

  virtual Status Open() = 0;
  // Appends up to `max_records` records to `out`, waiting at most `timeout` for the first one.
  // Returns false once a bounded source has delivered everything (then `out` may still hold the
  // last records); unbounded sources always return true.
  virtual Result<bool> Poll(RawBatch& out, size_t max_records,
                            std::chrono::milliseconds timeout) = 0;
  // Every sink has committed what was read so far: a source that tracks progress outside the
  // pipeline (Kafka consumer-group offsets) records it now. At-least-once: a crash before this
  // call re-reads from the previous checkpoint.
  virtual Status Checkpoint() { return Status::OK(); }
  // The same for positions noted earlier (`next_offsets` of origin()): the pipeline took them
  // when it started an at-least-once checkpoint and records them once every sink finished it.
  virtual Status CheckpointAt(const PartitionOffsets& /*next_offsets*/) { return Checkpoint(); }
  virtual Status Close() = 0;
  // A source that can re-read from a position (Kafka) supports exactly-once sinks: before the
  // first Poll, the pipeline tells it where each partition resumes. `origin` names what the
  // offsets refer to (the topic); empty for sources that cannot seek.
  virtual std::string origin() const { return {}; }
  virtual void ResumeFrom(const PartitionOffsets& /*next_offsets*/) {}
  // The partitions this source reads now (Kafka: its assignment), so event time waits for each
  // of them, records or not; empty when the source has no partitions to tell.
  virtual std::vector<int32_t> Partitions() const { return {}; }
  // Event time will ask HasUnreadRecords (a WATERMARK with an idle timeout reads this source):
  // told once before Open, so the source keeps track of partition ends only then.
  virtual void DeclareIdleTimeout() {}
  // Whether `partition` may hold records the source has not delivered yet (Kafka: its last
  // fetch saw an end offset beyond what Poll has returned, or none answered yet). Event time never counts
  // such a partition idle, however long it is quiet: replaying a backlog, its records may wait
  // behind another partition's and be older than theirs. Asked only of a quiet partition.
  virtual bool HasUnreadRecords(int32_t partition) const {
    (void)partition;
    return false;
  }
  // Whether the source fills `physical` (the columns the JSON decoder would) itself, in
  // RawBatch::SetFilled, instead of delivering bytes: datagen with 'encoding' = 'none'. Called
  // once, before Open; an error says why it cannot although asked to.
  virtual Result<bool> FillColumns(const Schema& physical) {
    (void)physical;
    return false;
  }
  // The metadata columns the table declares ('timestamp', 'headers', ...), told once before
  // Open, so a source can skip work nobody reads (Kafka parses headers only when asked).
  virtual void DeclareMetadata(const std::vector<std::string>& keys) { (void)keys; }
  // The records not consumed and committed yet (`sluice reconcile`), measured without opening
  // the source; nullopt where the source cannot tell (files, generators).
  virtual Result<std::optional<std::vector<PartitionBacklog>>> Backlog() {
    return std::optional<std::vector<PartitionBacklog>>{};
  }
  // Where each partition this source reads ends, as last heard without asking anyone (Kafka:
  // the high watermark of its last fetch); empty where the source cannot tell.
  virtual std::vector<PartitionEnd> PartitionEnds() const { return {}; }
  // One line for `sluice explain`: "datagen(scenario=cashback, count=1000, seed=7)".
  virtual std::string Describe() const = 0;
};

}  // namespace sluice
