#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/kafka/kafka_client_config.h"
#include "connector/sink.h"
#include "format/json_encoder.h"

namespace sluice {

// Writes rows to a Kafka topic through an idempotent producer (librdkafka): no duplicates from
// retries, order kept per partition.
//
// Options (Flink's names where Flink has one):
//   'topic'                           required
//   'properties.bootstrap.servers'    required; every 'properties.*' goes to librdkafka
//   'format'                          'json' (default): each row as a JSON object;
//                                     'raw': the single STRING/BYTES column as the value
//   'json.timestamp-format.standard'  'ISO-8601' (default, Spark's to_json form) or 'SQL'
//   'key.fields'                      columns forming the message key, separated by ';': one
//                                     column gives its text, several a JSON object; default
//                                     no key (partitions chosen by librdkafka)
//   'sink.delivery-guarantee'         'at-least-once' (default): a checkpoint completes once the
//                                     broker has acknowledged every message before it (the
//                                     pipeline goes on meanwhile); 'exactly-once': Kafka
//                                     transactions, the source offsets committed inside them
//                                     (readers use isolation.level=read_committed); 'none'
//   'properties.partitioner'          default 'murmur2_random': keys partitioned as the Java
//                                     client does
//   'sink.transactional-id-prefix'    exactly-once: the transactional.id and the consumer group
//                                     its progress is kept in; default 'sluice-<pipeline>-<table>'
class KafkaSink final : public Sink {
 public:
  static Result<std::unique_ptr<Sink>> Make(const ConnectorOptions& options, const Schema& schema);
  ~KafkaSink() override;

  Status Open() override;
  // JSON: text that is not UTF-8. Any format: a record (value + key) above the producer's
  // 'message.max.bytes' (librdkafka's default 1,000,000; the broker's limit is usually higher).
  void FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) override;
  std::optional<size_t> max_record_bytes() const override;
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions* positions) override;
  Status Close() override;
  std::string Describe() const override;
  Result<SourceOffsets> RecoverPositions(const std::vector<std::string>& origins) override;

 protected:
  // Exactly-once: the epoch's transaction commits with the source offsets (synchronous).
  // At-least-once: the epoch notes the last message produced and is durable once the broker
  // has acknowledged every message up to it.
  Status CommitEpoch(uint64_t epoch, const SourceOffsets& positions) override;
  Result<bool> AwaitEpoch(uint64_t epoch, std::chrono::milliseconds max_wait) override;

 private:
  KafkaSink() = default;
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  // Enqueues messages_[0, count) (sequence numbers from next_sequence_ on).
  Status ProduceBatch(size_t count);
  // One message, waiting while the local queue is full.
  Status ProduceOne(rd_kafka_message_t& message);
  Status Flush();
  Status CommitWithProgress(const SourceOffsets& next_offsets);
  Status BeginTransaction();
  Status StoppedWhileQueueFull();
  Status DeliveryFailure();

  std::string table_;
  std::string topic_;
  std::string bootstrap_;
  std::string guarantee_;
  std::string transactional_id_;
  int64_t startup_timeout_ms_ = 60000;  // 'pipeline.startup-timeout': init_transactions
  bool raw_ = false;
  std::map<std::string, std::string> properties_;
  Schema schema_;
  std::unique_ptr<JsonEncoder> json_;
  std::vector<int> key_columns_;
  std::unique_ptr<JsonEncoder> key_json_;  // several key columns
  Schema key_schema_;
  RdKafkaHandle producer_;
  rd_kafka_topic_t* topic_handle_ = nullptr;
  bool in_transaction_ = false;
  uint64_t unflushed_ = 0;  // messages produced since the last commit
  SourceOffsets committed_progress_;
  bool has_committed_progress_ = false;
  uint64_t failed_ = 0;
  std::string first_failure_;
  rd_kafka_resp_err_t first_failure_code_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  // Every message carries its sequence number; delivery reports (in any order across
  // partitions) mark them, and `reported_below_` is the first not yet reported.
  uint64_t next_sequence_ = 0;
  uint64_t reported_below_ = 0;
  std::deque<uint8_t> reported_;  // from reported_below_ on: reported yet?
  // At-least-once epochs not yet awaited: (epoch, messages below this must be reported).
  std::deque<std::pair<uint64_t, uint64_t>> epoch_ends_;
  uint64_t awaited_target_ = 0;
  std::optional<std::chrono::steady_clock::time_point> stop_deadline_;
  int64_t max_queued_messages_ = 100000;  // the producer's queue.buffering.max.messages
  int64_t max_message_bytes_ = 1000000;   // the producer's message.max.bytes
  std::string size_scratch_;              // FindUnwritableRows: one row encoded
  // Scratch for Write: encoded values and keys back to back, where each row's ends, and the
  // messages handed to librdkafka.
  struct RowEnd {
    size_t value = 0;
    size_t key = 0;
    bool has_key = false;
  };
  std::string values_, keys_;
  std::vector<RowEnd> row_ends_;
  std::vector<rd_kafka_message_t> messages_;
  static constexpr size_t kProduceBatch = 1024;
};

}  // namespace sluice
