#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/kafka/kafka_client_config.h"
#include "connector/source.h"

namespace sluice {

// Reads one topic through a consumer group (librdkafka), so several sluice processes with the
// same group split its partitions.
//
// Options (Flink's names):
//   'topic'                          required
//   'properties.bootstrap.servers'   required; every 'properties.*' goes to librdkafka
//   'properties.queued.min.messages' default 1000000 (librdkafka: 100000, which reads a backlog
//                                    in bursts: a full queue is looked at again once a second)
//   'properties.group.id'            default 'sluice-<pipeline>-<table>'
//   'scan.startup.mode'              where to start when the group has no committed offset:
//                                    'group-offsets' (default; falls back to earliest),
//                                    'earliest-offset', 'latest-offset', 'timestamp',
//                                    'specific-offsets' (listed partitions start there,
//                                    others at earliest)
//   'scan.startup.timestamp-millis'  for 'timestamp'
//   'scan.startup.specific-offsets'  for 'specific-offsets': 'partition:0,offset:42;partition:1,offset:300'
//   'scan.bounded.mode'              'unbounded' (default) or 'latest-offset': stop at the end
//                                    offsets seen at start (a batch run over a topic)
// Metadata columns: timestamp, partition, offset, topic, key, and headers (a JSON object of the
// record's headers, values as text; NULL when it has none; parsed only when declared).
// A group that has committed offsets resumes from them: progress is committed at each
// checkpoint, after every sink has committed (at-least-once).
class KafkaSource final : public Source {
 public:
  static Result<std::unique_ptr<Source>> Make(const ConnectorOptions& options);
  ~KafkaSource() override;

  Status Open() override;
  Result<bool> Poll(RawBatch& out, size_t max_records, std::chrono::milliseconds timeout) override;
  Status Checkpoint() override;
  Status CheckpointAt(const PartitionOffsets& next_offsets) override;
  Status Close() override;
  std::string Describe() const override;
  std::string origin() const override { return topic_; }
  // The consumer group's backlog, counted by reading it (MeasureKafkaBacklog).
  Result<std::optional<std::vector<PartitionBacklog>>> Backlog() override;
  void ResumeFrom(const PartitionOffsets& next_offsets) override {
    resume_from_ = next_offsets;
    read_before_revoke_.clear();
  }
  std::vector<int32_t> Partitions() const override { return assigned_; }
  std::vector<PartitionEnd> PartitionEnds() const override;
  // Whether the partition's end offset, as the consumer's last fetch saw it, is beyond what
  // Poll has returned (control records count as read once the partition's end was reached), or
  // no fetch of it has answered yet.
  bool HasUnreadRecords(int32_t partition) const override;
  void DeclareIdleTimeout() override { partition_ends_wanted_ = true; }
  void DeclareMetadata(const std::vector<std::string>& keys) override;

 private:
  KafkaSource() = default;
  Status ComputeEndOffsets();
  bool ReachedEnd() const;
  // Appends one consumed message to `out` (or notes a partition's end) and destroys it.
  Status AppendMessage(rd_kafka_message_t* msg, RawBatch& out);
  int64_t& NextOffset(int32_t partition);
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);

  std::string table_;
  std::string topic_;
  std::string group_;
  std::string group_instance_id_;  // static membership: this consumer's identity in group_
  std::string bootstrap_;
  std::string startup_mode_;
  int64_t startup_timestamp_ms_ = 0;
  bool bounded_ = false;
  std::map<std::string, std::string> properties_;
  RdKafkaHandle consumer_;
  RdKafkaQueue queue_;  // the consumer's queue, read in batches; released before the consumer
  std::map<int32_t, int64_t> next_offsets_;  // per partition: offset after the last one read
  int64_t* last_next_offset_ = nullptr;       // next_offsets_[last_partition_], or null
  int32_t last_partition_ = 0;
  bool read_headers_ = false;                 // a 'headers' metadata column is declared
  bool partition_ends_wanted_ = false;        // DeclareIdleTimeout: event time asks what is unread
  std::map<int32_t, int64_t> committed_;     // what the last checkpoint committed
  std::map<int32_t, int64_t> end_offsets_;   // bounded mode: stop here
  std::string headers_json_;                  // scratch
  PartitionOffsets specific_offsets_;         // 'specific-offsets' startup
  PartitionOffsets resume_from_;             // exactly-once sinks' progress: wins on assignment
  // Per partition this run read and then lost to a revoke: the offset after the last record the
  // pipeline got, where a later assignment of it goes on (ahead of resume_from_).
  std::map<int32_t, int64_t> read_before_revoke_;
  std::vector<int32_t> assigned_;            // the current assignment
  // A failure inside the rebalance callback (the group's offsets could not be read), returned
  // by the next Poll: starting those partitions anywhere else could skip or repeat records.
  Status rebalance_error_;
  rd_kafka_resp_err_t last_logged_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::chrono::steady_clock::time_point last_logged_at_{};
  bool closed_ = false;
  static constexpr size_t kConsumeBatch = 512;
};

}  // namespace sluice
