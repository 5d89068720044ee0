#include "connector/kafka/kafka_sink.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "common/stop_request.h"
#include "format/value_text.h"

namespace sluice {
namespace {

constexpr int kTransactionTimeoutMs = 60000;

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
using KafkaError = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;


using Clock = std::chrono::steady_clock;

// After a stop is requested, a commit still gets this long (the clean stop's last commit),
// then gives up: the rows it held are read again by the next run. Start-up gets none.
constexpr auto kStopGrace = std::chrono::seconds(5);
constexpr auto kNoStopGrace = std::chrono::seconds(0);

// The coordinator moving or loading (a broker just started, a leader election): the client
// finds it again by itself, so such errors are retried without a warning.
bool CoordinatorMoving(rd_kafka_resp_err_t code) {
  return code == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
         code == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
         code == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE;
}

// Another process initialised the same transactional.id: this one may not write any more.
Status Fenced(const std::string& table, const std::string& transactional_id,
              std::string_view message) {
  return Status::AlreadyExists(
      "sink '{}': another instance of this pipeline took over Kafka transactional id '{}' ({}); "
      "one pipeline runs as one process for now (scale-out through consumer groups is planned): "
      "stop the other instance, or give this one another 'pipeline.name'",
      table, transactional_id, message);
}

// Runs a transactional call in slices of at most a second (`call` takes the slice's timeout
// in ms), retrying what librdkafka calls retriable (a broker restarting, a coordinator moving)
// until `deadline`; a stop request cuts the wait to kStopGrace. An error that needs the
// transaction aborted aborts it and returns TryAgain: the rows of that transaction are gone
// from Kafka, so the pipeline must replay from its last checkpoint.
template <typename Call>
Status Transactional(rd_kafka_t* rk, const std::string& table, const std::string& transactional_id,
                     std::string_view what, Clock::time_point deadline, Call call,
                     std::chrono::seconds stop_grace = kStopGrace) {
  auto backoff = std::chrono::milliseconds(100);
  std::optional<Clock::time_point> stop_deadline;
  bool warned = false;
  for (;;) {
    if (StopRequested() && !stop_deadline) stop_deadline = Clock::now() + stop_grace;
    const Clock::time_point until = stop_deadline ? std::min(deadline, *stop_deadline) : deadline;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    const int slice_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 100, 1000));
    KafkaError error(call(slice_ms));
    if (!error) {
      if (warned) spdlog::info("sink '{}': Kafka {} went through", table, what);
      return Status::OK();
    }
    const rd_kafka_resp_err_t code = rd_kafka_error_code(error.get());
    std::string message = rd_kafka_error_string(error.get());
    if (code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
        code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH) {
      return Fenced(table, transactional_id, message);
    }
    if (rd_kafka_error_is_retriable(error.get())) {
      if (Clock::now() >= until) {
        return Status::Unavailable(
            "sink '{}': Kafka {} did not go through{}: {}", table, what,
            stop_deadline ? " before the stop" : " in time ('pipeline.startup-timeout' at start)",
            message);
      }
      if (!warned && !CoordinatorMoving(code)) {
        spdlog::warn("sink '{}': Kafka {}: {}; retrying", table, what, message);
        warned = true;
      }
      if (code != RD_KAFKA_RESP_ERR__TIMED_OUT) {
        // A timeout already waited its slice; anything else waits a little before trying
        // again (also while stopping, where the grace period still bounds the whole wait).
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            backoff, std::max<std::chrono::steady_clock::duration>(until - Clock::now(),
                                                                   std::chrono::milliseconds(1))));
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      }
      continue;
    }
    if (rd_kafka_error_txn_requires_abort(error.get())) {
      KafkaError abort(rd_kafka_abort_transaction(rk, 5000));
      return Status(StatusCode::kTryAgain,
                    fmt::format("sink '{}': Kafka transaction aborted at {}: {}", table, what,
                                message));
    }
    return Status::Unavailable("sink '{}': Kafka {}: {}", table, what, message);
  }
}

}  // namespace

Result<std::unique_ptr<Sink>> KafkaSink::Make(const ConnectorOptions& options,
                                              const Schema& schema) {
  SLUICE_RETURN_NOT_OK(options.CheckKnown(
      "kafka",
      {"topic", "format", "json.timestamp-format.standard", "key.fields",
       "sink.delivery-guarantee", "sink.transactional-id-prefix"},
      {"properties."}));
  std::unique_ptr<KafkaSink> s(new KafkaSink());
  s->table_ = options.table_name();
  s->schema_ = schema;
  SLUICE_ASSIGN_OR_RETURN(s->topic_, options.GetRequired("topic"));
  SLUICE_ASSIGN_OR_RETURN(s->properties_, KafkaProperties(options));
  s->bootstrap_ = s->properties_["bootstrap.servers"];
  SLUICE_ASSIGN_OR_RETURN(std::string format, options.GetEnum("format", "json", {"json", "raw"}));
  s->raw_ = format == "raw";
  if (s->raw_ && (schema.size() != 1 || !schema.field(0).type.IsStringLike())) {
    return Status::Invalid(
        "table '{}': 'format' = 'raw' writes one STRING or BYTES column as the message value; "
        "the table has {}",
        s->table_,
        schema.size() == 1 ? "one " + schema.field(0).type.ToString() + " column"
                           : std::to_string(schema.size()) + " columns");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string ts, options.GetEnum("json.timestamp-format.standard",
                                                          "ISO-8601", {"ISO-8601", "SQL"}));
  JsonEncodeOptions json_options;
  json_options.timestamp_format =
      ts == "SQL" ? JsonTimestampFormat::kSql : JsonTimestampFormat::kIso8601;
  s->json_ = std::make_unique<JsonEncoder>(schema, json_options);
  std::string keys = options.GetString("key.fields", "");
  size_t start = 0;
  while (start < keys.size()) {
    size_t end = keys.find(';', start);
    if (end == std::string::npos) end = keys.size();
    std::string name = keys.substr(start, end - start);
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    start = end + 1;
    if (name.empty()) continue;
    int index = -1;
    for (size_t i = 0; i < schema.size(); ++i) {
      if (schema.field(i).name == name) index = static_cast<int>(i);
    }
    if (index < 0) {
      return Status::Invalid("table '{}': 'key.fields' names '{}', which is not a column",
                             s->table_, name);
    }
    s->key_columns_.push_back(index);
    s->key_schema_.Add(schema.field(static_cast<size_t>(index)));
  }
  if (s->key_columns_.size() > 1) s->key_json_ = std::make_unique<JsonEncoder>(s->key_schema_, json_options);
  SLUICE_ASSIGN_OR_RETURN(s->guarantee_,
                          options.GetEnum("sink.delivery-guarantee", "at-least-once",
                                          {"at-least-once", "exactly-once", "none"}));
  s->capabilities_ = {.exactly_once = s->guarantee_ == "exactly-once",
                      .accepts_updates = true,
                      .commits_in_background = s->guarantee_ == "at-least-once"};
  std::string pipeline = options.pipeline_name().empty() ? "sluice" : options.pipeline_name();
  s->startup_timeout_ms_ = options.startup_timeout_ms();
  s->transactional_id_ = options.GetString("sink.transactional-id-prefix",
                                           fmt::format("sluice-{}-{}", pipeline, s->table_));
  SLUICE_ASSIGN_OR_RETURN(RdKafkaConf conf, MakeKafkaConf(s->table_, s->properties_, {}));
  return std::unique_ptr<Sink>(std::move(s));
}

KafkaSink::~KafkaSink() { (void)Close(); }

void KafkaSink::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<KafkaSink*>(opaque);
  const uint64_t sequence = reinterpret_cast<uintptr_t>(message->_private);
  if (sequence >= self->reported_below_ && sequence - self->reported_below_ < self->reported_.size()) {
    self->reported_[sequence - self->reported_below_] = 1;
    while (!self->reported_.empty() && self->reported_.front()) {
      self->reported_.pop_front();
      ++self->reported_below_;
    }
  }
  if (!message->err) return;
  if (self->failed_++ == 0) {
    self->first_failure_ = rd_kafka_err2str(message->err);
    self->first_failure_code_ = message->err;
  }
}

Status KafkaSink::Open() {
  std::map<std::string, std::string> overrides{{"enable.idempotence", "true"}};
  if (guarantee_ == "none") overrides = {{"acks", "1"}};
  // A row waits at most 1 ms for others to share its request (librdkafka's default is 5 ms):
  // latency in milliseconds; under load, requests fill up by size before that anyway.
  if (!properties_.count("linger.ms") && !properties_.count("queue.buffering.max.ms")) {
    overrides["linger.ms"] = "1";
  }
  if (!properties_.count("partitioner")) {
    // The Java client's partitioner (murmur2 of the key), so a key lands in the partition Spark,
    // Flink or Kafka Streams would put it in; keyless messages spread at random.
    overrides["partitioner"] = "murmur2_random";
  }
  if (exactly_once()) {
    overrides["transactional.id"] = transactional_id_;
    overrides["transaction.timeout.ms"] = std::to_string(kTransactionTimeoutMs);
  }
  SLUICE_ASSIGN_OR_RETURN(RdKafkaConf conf, MakeKafkaConf(table_, properties_, overrides));
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  char err[512];
  producer_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
  if (!producer_) return Status::Invalid("table '{}': Kafka producer: {}", table_, err);
  conf.release();
  topic_handle_ = rd_kafka_topic_new(producer_.get(), topic_.c_str(), nullptr);
  char limit[32];
  size_t limit_size = sizeof limit;
  if (rd_kafka_conf_get(rd_kafka_conf(producer_.get()), "queue.buffering.max.messages", limit,
                        &limit_size) == RD_KAFKA_CONF_OK) {
    max_queued_messages_ = std::max<int64_t>(std::atoll(limit), 1);
  }
  limit_size = sizeof limit;
  if (rd_kafka_conf_get(rd_kafka_conf(producer_.get()), "message.max.bytes", limit,
                        &limit_size) == RD_KAFKA_CONF_OK) {
    max_message_bytes_ = std::max<int64_t>(std::atoll(limit), 1);
  }
  if (exactly_once()) {
    // Fences an earlier instance with the same transactional.id and aborts what it left open.
    // Bounded by 'pipeline.startup-timeout': brokers that do not answer (a wrong address,
    // SASL against a plaintext listener) are an error, not an endless wait.
    const auto deadline = Clock::now() + std::chrono::milliseconds(startup_timeout_ms_);
    Status init = Transactional(
        producer_.get(), table_, transactional_id_, "init_transactions", deadline,
        [&](int timeout_ms) { return rd_kafka_init_transactions(producer_.get(), timeout_ms); },
        kNoStopGrace);
    if (init.code() == StatusCode::kUnavailable) {
      return Status::Unavailable(
          "Kafka at {} did not set up transactions for '{}' {} (is the broker up, and the "
          "address and security settings right?): {}",
          bootstrap_, transactional_id_,
          StopRequested() ? "before the stop"
                          : fmt::format("within {} s ('pipeline.startup-timeout')",
                                        startup_timeout_ms_ / 1000),
          init.message());
    }
    SLUICE_RETURN_NOT_OK(init);
    SLUICE_RETURN_NOT_OK(BeginTransaction());
    in_transaction_ = true;
  }
  return Status::OK();
}

Status KafkaSink::ProduceOne(rd_kafka_message_t& message) {
  while (true) {
    int rc = rd_kafka_produce(topic_handle_, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                              message.payload, message.len, message.key, message.key_len,
                              message._private);
    if (rc == 0) return Status::OK();
    rd_kafka_resp_err_t e = rd_kafka_last_error();
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (StopRequested()) return StoppedWhileQueueFull();
      rd_kafka_poll(producer_.get(), 10);  // the local queue drains as the broker acknowledges
      continue;
    }
    if (e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
      return Status::DataError("sink '{}': producing to '{}': a record of {} bytes: {}", table_,
                               topic_, message.len + message.key_len, rd_kafka_err2str(e));
    }
    return Status::Unavailable("sink '{}': producing to '{}': {}", table_, topic_,
                               rd_kafka_err2str(e));
  }
}

Status KafkaSink::ProduceBatch(size_t count) {
  // Room for the whole batch first, so the batch call does not fail half way on a full queue:
  // a message retried after it could land behind later ones of its key. (Only a queue limited
  // by 'queue.buffering.max.kbytes' below a batch's size could still fail part way.)
  while (rd_kafka_outq_len(producer_.get()) + static_cast<int64_t>(count) > max_queued_messages_) {
    if (StopRequested()) return StoppedWhileQueueFull();
    rd_kafka_poll(producer_.get(), 10);
  }
  reported_.insert(reported_.end(), count, 0);
  next_sequence_ += count;
  int enqueued = rd_kafka_produce_batch(topic_handle_, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                        messages_.data(), static_cast<int>(count));
  if (static_cast<size_t>(enqueued) == count) return Status::OK();
  // Only a failed tail can be produced again without reordering a key's rows. A failure with
  // later messages already enqueued fails the checkpoint instead: exactly-once aborts the
  // transaction; at-least-once replays from the last checkpoint, so a key's last row is last.
  size_t first_failed = 0;
  while (first_failed < count && !messages_[first_failed].err) ++first_failed;
  if (messages_[first_failed].err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
    return Status::DataError("sink '{}': producing to '{}': a record of {} bytes: {}", table_,
                             topic_, messages_[first_failed].len + messages_[first_failed].key_len,
                             rd_kafka_err2str(messages_[first_failed].err));
  }
  for (size_t i = first_failed; i < count; ++i) {
    if (!messages_[i].err) {
      return Status::Unavailable(
          "sink '{}': producing to '{}': message {} of a batch of {} failed ({}) while later "
          "ones were enqueued; replaying from the last checkpoint to keep each key's order",
          table_, topic_, first_failed + 1, count, rd_kafka_err2str(messages_[first_failed].err));
    }
  }
  for (size_t i = first_failed; i < count; ++i) SLUICE_RETURN_NOT_OK(ProduceOne(messages_[i]));
  return Status::OK();
}

namespace {

// An upper bound of a value's bytes in JSON: every text byte may become a 6-byte escape, and
// anything else takes at most 64 bytes (numbers, timestamps, punctuation).
size_t JsonBytesBound(const Vector& v, size_t row) {
  if (v.IsNull(row)) return 4;
  switch (v.type().id()) {
    case TypeId::kString:
    case TypeId::kBytes: return 6 * v.Get<std::string_view>(row).size() + 2;
    case TypeId::kStruct: {
      size_t bytes = 2;
      for (size_t i = 0; i < v.num_children(); ++i) {
        bytes += JsonBytesBound(v.child(i), row) + v.type().fields()[i].name.size() + 4;
      }
      return bytes;
    }
    case TypeId::kList: {
      size_t bytes = 2;
      for (uint32_t i = v.offsets()[row]; i < v.offsets()[row + 1]; ++i) {
        bytes += JsonBytesBound(v.list_child(), i) + 1;
      }
      return bytes;
    }
    default: return 64;
  }
}

// Room left in a produce request for the record's own framing and headers.
constexpr int64_t kRecordOverheadBytes = 512;

}  // namespace

std::optional<size_t> KafkaSink::max_record_bytes() const {
  return static_cast<size_t>(std::max<int64_t>(max_message_bytes_ - kRecordOverheadBytes, 0));
}

void KafkaSink::FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) {
  if (!raw_) {
    static const ValueLimits kJsonLimits{.target = "a JSON record", .text_must_be_utf8 = true};
    FindValuesOutsideLimits(schema_, batch, kJsonLimits, out);
  }
  const int64_t limit = max_message_bytes_ - kRecordOverheadBytes;
  const size_t live = batch.num_live_rows();
  // Per batch first: the longest text of each flat column bounds every row.
  size_t batch_bound = 2;
  bool flat = true;
  auto column_bound = [&](size_t c) -> size_t {
    const Vector& v = batch.column(c);
    const TypeId id = v.type().id();
    if (id == TypeId::kStruct || id == TypeId::kList) {
      flat = false;
      return 0;
    }
    if (id != TypeId::kString && id != TypeId::kBytes) return 64;
    size_t longest = 0;
    const std::string_view* values = v.data<std::string_view>();
    for (size_t i = 0; i < live; ++i) longest = std::max(longest, values[batch.selection()[i]].size());
    return 6 * longest + 2;
  };
  for (size_t c = 0; c < schema_.size(); ++c) {
    batch_bound += column_bound(c) + schema_.field(c).name.size() + 4;
  }
  for (int c : key_columns_) batch_bound += column_bound(static_cast<size_t>(c));
  if (flat && static_cast<int64_t>(batch_bound) <= limit) return;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    // Cheap bound first (value and key); only a row that may be too large is encoded.
    size_t bound = 2;
    size_t largest = 0, largest_bytes = 0;
    for (size_t c = 0; c < schema_.size(); ++c) {
      size_t bytes = JsonBytesBound(batch.column(c), row) + schema_.field(c).name.size() + 4;
      if (bytes > largest_bytes) {
        largest_bytes = bytes;
        largest = c;
      }
      bound += bytes;
    }
    for (int c : key_columns_) bound += JsonBytesBound(batch.column(static_cast<size_t>(c)), row);
    if (static_cast<int64_t>(bound) <= limit) continue;
    size_scratch_.clear();
    if (raw_) {
      if (!batch.column(0).IsNull(row)) size_scratch_ = batch.column(0).Get<std::string_view>(row);
    } else {
      json_->AppendRow(batch, row, size_scratch_);
    }
    if (key_columns_.size() == 1) {
      AppendValueText(batch.column(static_cast<size_t>(key_columns_[0])), row, size_scratch_);
    } else if (!key_columns_.empty()) {
      std::vector<const Vector*> keys;
      for (int c : key_columns_) keys.push_back(&batch.column(static_cast<size_t>(c)));
      key_json_->AppendRow(keys, row, size_scratch_);
    }
    if (static_cast<int64_t>(size_scratch_.size()) <= limit) continue;
    out.push_back({row, schema_.field(largest).name,
                   fmt::format("the Kafka record would be {} bytes, above the {} bytes the "
                               "producer sends ('properties.message.max.bytes', minus {} for "
                               "framing)",
                               size_scratch_.size(), limit, kRecordOverheadBytes)});
  }
  NormalizeRejects(out);
}

Status KafkaSink::Write(const Batch& batch, const RecordPositions* /*positions*/) {
  const size_t live = batch.num_live_rows();
  const SelectionVector& selection = batch.selection();
  std::vector<const Vector*> key_columns;
  for (int c : key_columns_) key_columns.push_back(&batch.column(static_cast<size_t>(c)));
  // Every row is encoded into one buffer first; the messages point into it and librdkafka
  // copies them when they are enqueued, a batch at a time (one lock and one clock read each).
  values_.clear();
  keys_.clear();
  row_ends_.resize(live);
  for (size_t i = 0; i < live; ++i) {
    uint32_t row = selection[i];
    if (raw_) {
      if (!batch.column(0).IsNull(row)) values_.append(batch.column(0).Get<std::string_view>(row));
    } else {
      json_->AppendRow(batch, row, values_);
    }
    bool has_key = !key_columns_.empty();
    if (key_columns_.size() == 1) {
      if (key_columns[0]->IsNull(row)) {
        has_key = false;
      } else {
        AppendValueText(*key_columns[0], row, keys_);
      }
    } else if (has_key) {
      key_json_->AppendRow(key_columns, row, keys_);
    }
    row_ends_[i] = {values_.size(), keys_.size(), has_key};
  }
  size_t value_start = 0, key_start = 0;
  // A batch never exceeds the producer's queue, so waiting for room below always ends.
  const size_t batch_size = std::min(kProduceBatch, static_cast<size_t>(max_queued_messages_));
  for (size_t first = 0; first < live; first += batch_size) {
    const size_t count = std::min(batch_size, live - first);
    messages_.assign(count, rd_kafka_message_t{});
    for (size_t j = 0; j < count; ++j) {
      const size_t i = first + j;
      rd_kafka_message_t& m = messages_[j];
      const RowEnd& end = row_ends_[i];
      m.payload = values_.data() + value_start;
      m.len = end.value - value_start;
      if (end.has_key) {
        m.key = keys_.data() + key_start;
        m.key_len = end.key - key_start;
      }
      m._private = reinterpret_cast<void*>(static_cast<uintptr_t>(next_sequence_ + j));
      value_start = end.value;
      key_start = end.key;
    }
    SLUICE_RETURN_NOT_OK(ProduceBatch(count));
  }
  CountWritten(live);
  unflushed_ += live;
  rd_kafka_poll(producer_.get(), 0);  // delivery reports
  return DeliveryFailure();
}

Status KafkaSink::DeliveryFailure() {
  if (failed_ == 0) return Status::OK();
  // A record the broker refuses for what it is (too large for the topic, an invalid record)
  // fails the same way on every attempt: not worth a restart.
  const bool permanent = first_failure_code_ == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
                         first_failure_code_ == RD_KAFKA_RESP_ERR_INVALID_RECORD;
  return Status(permanent ? StatusCode::kDataError : StatusCode::kUnavailable,
                fmt::format("sink '{}': {} message(s) to '{}' could not be delivered: {}", table_,
                            failed_, topic_, first_failure_));
}

Status KafkaSink::StoppedWhileQueueFull() {
  return Status::Unavailable("sink '{}': stopped while the broker is not taking messages ({} "
                             "waiting); rows not acknowledged are read again by the next run",
                             table_, rd_kafka_outq_len(producer_.get()));
}

Status KafkaSink::Flush() {
  // Waits for every acknowledgement; the idempotent producer retries through broker restarts
  // for up to delivery.timeout.ms, after which a message counts as failed. A stop waits
  // kStopGrace at most: what is not acknowledged then is not committed, so it is read again.
  std::optional<Clock::time_point> stop_deadline;
  while (rd_kafka_outq_len(producer_.get()) > 0) {
    if (StopRequested()) {
      if (!stop_deadline) stop_deadline = Clock::now() + kStopGrace;
      if (Clock::now() >= *stop_deadline) return StoppedWhileQueueFull();
    }
    rd_kafka_resp_err_t e = rd_kafka_flush(producer_.get(), 1000);
    if (e && e != RD_KAFKA_RESP_ERR__TIMED_OUT) {
      return Status::Unavailable("sink '{}': flushing '{}': {}", table_, topic_, rd_kafka_err2str(e));
    }
    SLUICE_RETURN_NOT_OK(DeliveryFailure());
  }
  return DeliveryFailure();
}

Status KafkaSink::CommitEpoch(uint64_t epoch, const SourceOffsets& positions) {
  if (!producer_) return Status::OK();
  if (exactly_once()) return CommitWithProgress(positions);
  if (guarantee_ == "none") return DeliveryFailure();
  // Done once the broker has acknowledged every message produced so far; the pipeline keeps
  // producing meanwhile.
  epoch_ends_.emplace_back(epoch, next_sequence_);
  unflushed_ = 0;
  rd_kafka_poll(producer_.get(), 0);
  return DeliveryFailure();
}

Result<bool> KafkaSink::AwaitEpoch(uint64_t epoch, std::chrono::milliseconds max_wait) {
  if (!producer_ || exactly_once() || guarantee_ == "none") return true;
  uint64_t target = 0;
  while (!epoch_ends_.empty() && epoch_ends_.front().first <= epoch) {
    target = epoch_ends_.front().second;
    epoch_ends_.pop_front();
  }
  if (target > 0) awaited_target_ = std::max(awaited_target_, target);
  // Delivery reports are served on this thread: rd_kafka_poll blocks until one arrives.
  const auto deadline = Clock::now() + max_wait;
  while (true) {
    rd_kafka_poll(producer_.get(), 0);
    SLUICE_RETURN_NOT_OK(DeliveryFailure());
    if (reported_below_ >= awaited_target_) {
      stop_deadline_.reset();
      return true;
    }
    // A stop waits kStopGrace at most: what is not acknowledged is not committed, so the
    // next run reads it again.
    if (StopRequested()) {
      if (!stop_deadline_) stop_deadline_ = Clock::now() + kStopGrace;
      if (Clock::now() >= *stop_deadline_) return StoppedWhileQueueFull();
    }
    const auto now = Clock::now();
    if (now >= deadline) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    rd_kafka_poll(producer_.get(), static_cast<int>(std::min<int64_t>(left.count() + 1, 100)));
  }
}

Status KafkaSink::CommitWithProgress(const SourceOffsets& next_offsets) {
  if (!producer_) return Status::OK();
  if (unflushed_ == 0 && has_committed_progress_ && next_offsets == committed_progress_) {
    return Status::OK();
  }
  // The transaction must be through within its own timeout, or the broker aborts it anyway.
  const auto deadline = Clock::now() + std::chrono::milliseconds(kTransactionTimeoutMs);
  PartitionList offsets(rd_kafka_topic_partition_list_new(0));
  for (const auto& [origin, partitions] : next_offsets) {
    for (const auto& [partition, offset] : partitions) {
      rd_kafka_topic_partition_list_add(offsets.get(), origin.c_str(), partition)->offset = offset;
    }
  }
  if (offsets->cnt > 0) {
    rd_kafka_consumer_group_metadata_t* group =
        rd_kafka_consumer_group_metadata_new(transactional_id_.c_str());
    Status s = Transactional(
        producer_.get(), table_, transactional_id_, "send_offsets_to_transaction", deadline,
        [&](int timeout_ms) {
          return rd_kafka_send_offsets_to_transaction(producer_.get(), offsets.get(), group,
                                                      timeout_ms);
        });
    rd_kafka_consumer_group_metadata_destroy(group);
    SLUICE_RETURN_NOT_OK(s);
  }
  SLUICE_RETURN_NOT_OK(Transactional(
      producer_.get(), table_, transactional_id_, "commit_transaction", deadline,
      [&](int timeout_ms) { return rd_kafka_commit_transaction(producer_.get(), timeout_ms); }));
  in_transaction_ = false;
  SLUICE_RETURN_NOT_OK(DeliveryFailure());
  unflushed_ = 0;
  committed_progress_ = next_offsets;
  has_committed_progress_ = true;
  return BeginTransaction();
}

Status KafkaSink::BeginTransaction() {
  SLUICE_RETURN_NOT_OK(Transactional(
      producer_.get(), table_, transactional_id_, "begin_transaction",
      Clock::now() + std::chrono::milliseconds(kTransactionTimeoutMs),
      [&](int) { return rd_kafka_begin_transaction(producer_.get()); }));
  in_transaction_ = true;
  return Status::OK();
}

Result<SourceOffsets> KafkaSink::RecoverPositions(const std::vector<std::string>& origins) {
  SourceOffsets progress;
  if (origins.empty()) return progress;
  SLUICE_ASSIGN_OR_RETURN(
      RdKafkaConf conf,
      MakeKafkaConf(table_, properties_,
                    {{"group.id", transactional_id_}, {"isolation.level", "read_committed"},
                     {"enable.auto.commit", "false"}}));
  char err[512];
  RdKafkaHandle consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err));
  if (!consumer) return Status::Invalid("table '{}': Kafka consumer: {}", table_, err);
  conf.release();
  PartitionList wanted(rd_kafka_topic_partition_list_new(0));
  for (const auto& origin : origins) {
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_topic_t* t = rd_kafka_topic_new(consumer.get(), origin.c_str(), nullptr);
    rd_kafka_resp_err_t e = rd_kafka_metadata(consumer.get(), 0, t, &metadata, 15000);
    rd_kafka_topic_destroy(t);
    if (e) {
      return Status::Unavailable("table '{}': no metadata for topic '{}' from {}: {}", table_,
                                 origin, bootstrap_, rd_kafka_err2str(e));
    }
    for (int i = 0; i < metadata->topics[0].partition_cnt; ++i) {
      rd_kafka_topic_partition_list_add(wanted.get(), origin.c_str(),
                                        metadata->topics[0].partitions[i].id);
    }
    rd_kafka_metadata_destroy(metadata);
  }
  // A broker that just started answers "not coordinator" for a while: wait for it quietly.
  const auto deadline = Clock::now() + std::chrono::milliseconds(startup_timeout_ms_);
  rd_kafka_resp_err_t e;
  while (true) {
    e = rd_kafka_committed(consumer.get(), wanted.get(), 10000);
    if (!(CoordinatorMoving(e) || e == RD_KAFKA_RESP_ERR__TIMED_OUT) || Clock::now() >= deadline ||
        !SleepUnlessStopped(std::chrono::milliseconds(200))) {
      break;
    }
  }
  rd_kafka_consumer_close(consumer.get());
  if (e) {
    return Status::Unavailable("table '{}': reading the progress of group '{}': {}", table_,
                               transactional_id_, rd_kafka_err2str(e));
  }
  for (int i = 0; i < wanted->cnt; ++i) {
    const auto& p = wanted->elems[i];
    if (p.offset >= 0) progress[p.topic][p.partition] = p.offset;
  }
  committed_progress_ = progress;
  has_committed_progress_ = true;
  return progress;
}

Status KafkaSink::Close() {
  if (!producer_) return Status::OK();
  Status s = Status::OK();
  if (in_transaction_) {
    // Whatever was not committed at a checkpoint is replayed after a restart.
    // Bounded: an unreachable broker must not hold up the stop (the broker aborts an
    // abandoned transaction by itself after transaction.timeout.ms).
    KafkaError abort(rd_kafka_abort_transaction(producer_.get(), StopRequested() ? 2000 : 10000));
    in_transaction_ = false;
  } else if (guarantee_ != "none") {
    s = Flush();
  }
  if (topic_handle_) rd_kafka_topic_destroy(topic_handle_);
  topic_handle_ = nullptr;
  producer_.reset();
  return s;
}

std::string KafkaSink::Describe() const {
  std::string key;
  for (size_t i = 0; i < key_schema_.size(); ++i) key += (i ? ";" : "") + key_schema_.field(i).name;
  return fmt::format("kafka(topic={}, bootstrap={}, format={}{}, {})", topic_, bootstrap_,
                     raw_ ? "raw" : "json", key.empty() ? "" : ", key=" + key, guarantee_);
}

}  // namespace sluice
