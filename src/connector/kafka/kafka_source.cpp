#include "connector/kafka/kafka_source.h"

#include "connector/kafka/consumer_fencing.h"
#include "connector/kafka/kafka_backlog.h"

#include "common/stop_request.h"

#include "format/json_encoder.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace sluice {
Result<std::unique_ptr<Source>> KafkaSource::Make(const ConnectorOptions& options) {
  SLUICE_RETURN_NOT_OK(options.CheckKnown(
      "kafka",
      {"topic", "format", "scan.startup.mode", "scan.startup.timestamp-millis",
       "scan.startup.specific-offsets", "scan.bounded.mode"},
      {"properties.", "json."}));
  std::unique_ptr<KafkaSource> s(new KafkaSource());
  s->table_ = options.table_name();
  SLUICE_ASSIGN_OR_RETURN(s->topic_, options.GetRequired("topic"));
  SLUICE_ASSIGN_OR_RETURN(s->properties_, KafkaProperties(options));
  s->bootstrap_ = s->properties_["bootstrap.servers"];
  // Keyed by pipeline and table, so two pipelines with a table of the same name do not share a
  // group (and its offsets).
  s->group_ = s->properties_.count("group.id")
                  ? s->properties_["group.id"]
                  : "sluice-" + (options.pipeline_name().empty() ? "" : options.pipeline_name() + "-") +
                        s->table_;
  SLUICE_ASSIGN_OR_RETURN(
      s->startup_mode_,
      options.GetEnum("scan.startup.mode", "group-offsets",
                      {"group-offsets", "earliest-offset", "latest-offset", "timestamp",
                       "specific-offsets"}));
  if (s->startup_mode_ == "specific-offsets") {
    // Flink's form: 'partition:0,offset:42;partition:1,offset:300'.
    std::string text = options.GetString("scan.startup.specific-offsets", "");
    size_t at = 0;
    while (at < text.size()) {
      size_t end = text.find(';', at);
      if (end == std::string::npos) end = text.size();
      std::string item = text.substr(at, end - at);
      at = end + 1;
      if (item.find_first_not_of(' ') == std::string::npos) continue;
      int partition = -1;
      long long offset = -1;
      char tail = 0;
      if (std::sscanf(item.c_str(), " partition:%d,offset:%lld %c", &partition, &offset, &tail) != 2 ||
          partition < 0 || offset < 0) {
        return Status::Invalid(
            "table '{}': 'scan.startup.specific-offsets' expects "
            "'partition:0,offset:42;partition:1,offset:300', found '{}'",
            s->table_, item);
      }
      s->specific_offsets_[partition] = offset;
    }
    if (s->specific_offsets_.empty()) {
      return Status::Invalid(
          "table '{}': 'scan.startup.mode' = 'specific-offsets' needs "
          "'scan.startup.specific-offsets' = 'partition:0,offset:42;...'",
          s->table_);
    }
  }
  if (s->startup_mode_ == "timestamp") {
    if (!options.Has("scan.startup.timestamp-millis")) {
      return Status::Invalid(
          "table '{}': 'scan.startup.mode' = 'timestamp' needs 'scan.startup.timestamp-millis'",
          s->table_);
    }
    SLUICE_ASSIGN_OR_RETURN(s->startup_timestamp_ms_,
                            options.GetInt("scan.startup.timestamp-millis", 0));
  }
  SLUICE_ASSIGN_OR_RETURN(std::string bounded,
                          options.GetEnum("scan.bounded.mode", "unbounded",
                                          {"unbounded", "latest-offset"}));
  s->bounded_ = bounded == "latest-offset";
  // Validate the properties now, so `sluice validate` catches a typo.
  SLUICE_ASSIGN_OR_RETURN(RdKafkaConf conf, MakeKafkaConf(s->table_, s->properties_, {}));
  return std::unique_ptr<Source>(std::move(s));
}

KafkaSource::~KafkaSource() {
  if (!closed_) (void)Close();
}

void KafkaSource::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                              rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  if (err != RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < partitions->cnt; ++i) {
      const int32_t partition = partitions->elems[i].partition;
      auto read = self->next_offsets_.find(partition);
      if (read != self->next_offsets_.end()) {
        self->read_before_revoke_[partition] = read->second;
        self->next_offsets_.erase(read);
      }
    }
    self->last_next_offset_ = nullptr;
    self->assigned_.clear();
    rd_kafka_assign(rk, nullptr);
    return;
  }
  self->assigned_.clear();
  for (int i = 0; i < partitions->cnt; ++i) self->assigned_.push_back(partitions->elems[i].partition);
  // Resume from the group's committed offsets; the startup mode applies where there are none.
  // A coordinator that is moving answers again shortly; anything else ends the run (Poll
  // returns it) rather than starting the partitions from the startup mode by mistake.
  rd_kafka_resp_err_t committed = RD_KAFKA_RESP_ERR__TIMED_OUT;
  for (int attempt = 0; attempt < 6 && !StopRequested(); ++attempt) {
    committed = rd_kafka_committed(rk, partitions, 10000);
    if (committed != RD_KAFKA_RESP_ERR_NOT_COORDINATOR &&
        committed != RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS &&
        committed != RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE &&
        committed != RD_KAFKA_RESP_ERR__TIMED_OUT) {
      break;
    }
    SleepUnlessStopped(std::chrono::milliseconds(500));
  }
  for (int i = 0; i < partitions->cnt && !committed; ++i) {
    if (partitions->elems[i].err) committed = partitions->elems[i].err;  // one partition failed
  }
  if (committed && StopRequested()) return;  // stopping: nothing is read from here on
  if (committed) {
    self->rebalance_error_ = Status::Unavailable(
        "table '{}': reading the committed offsets of group '{}' for '{}': {}", self->table_,
        self->group_, self->topic_, rd_kafka_err2str(committed));
    return;
  }
  PartitionList by_time;
  for (int i = 0; i < partitions->cnt; ++i) {
    auto& p = partitions->elems[i];
    // A partition this run already read (a broker restart or a group change took it away and
    // gave it back) goes on after the last record the pipeline got: those records are in its
    // state and on their way to the sinks. Going back to where the run started, or to the
    // group's committed offset, would count them twice in an aggregation.
    auto read = self->read_before_revoke_.find(p.partition);
    if (read != self->read_before_revoke_.end()) {
      p.offset = read->second;
      self->next_offsets_[p.partition] = read->second;  // still read up to there (bounded ends)
      continue;
    }
    auto resume = self->resume_from_.find(p.partition);
    if (resume != self->resume_from_.end()) {
      p.offset = resume->second;
      continue;
    }
    if (p.offset >= 0) continue;  // the group's committed offset
    auto specific = self->specific_offsets_.find(p.partition);
    if (specific != self->specific_offsets_.end()) {
      p.offset = specific->second;
      continue;
    }
    if (self->startup_mode_ == "latest-offset") {
      p.offset = RD_KAFKA_OFFSET_END;
    } else if (self->startup_mode_ == "timestamp") {
      if (!by_time) by_time.reset(rd_kafka_topic_partition_list_new(partitions->cnt));
      rd_kafka_topic_partition_list_add(by_time.get(), p.topic, p.partition)->offset =
          self->startup_timestamp_ms_;
    } else {
      p.offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  if (by_time) {
    rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(rk, by_time.get(), 10000);
    if (e) {
      self->rebalance_error_ = Status::Unavailable(
          "table '{}': finding the offsets of '{}' at 'scan.startup.timestamp-millis': {}",
          self->table_, self->topic_, rd_kafka_err2str(e));
      return;
    }
    for (int i = 0; i < by_time->cnt; ++i) {
      auto* p = rd_kafka_topic_partition_list_find(partitions, by_time->elems[i].topic,
                                                   by_time->elems[i].partition);
      p->offset = by_time->elems[i].offset >= 0 ? by_time->elems[i].offset : RD_KAFKA_OFFSET_END;
    }
  }
  std::string where;
  for (int i = 0; i < partitions->cnt; ++i) {
    const auto& p = partitions->elems[i];
    where += fmt::format("{}{}@{}", where.empty() ? "" : ", ", p.partition,
                         p.offset == RD_KAFKA_OFFSET_BEGINNING ? "earliest"
                         : p.offset == RD_KAFKA_OFFSET_END     ? "latest"
                                                               : std::to_string(p.offset));
  }
  spdlog::info("source '{}': assigned {} partitions of {} (partition@offset: {})", self->table_,
               partitions->cnt, self->topic_, where);
  rd_kafka_assign(rk, partitions);
}

Result<std::optional<std::vector<PartitionBacklog>>> KafkaSource::Backlog() {
  SLUICE_ASSIGN_OR_RETURN(auto backlog, MeasureKafkaBacklog(table_, properties_, topic_, group_,
                                                            1'000'000, std::chrono::seconds(60)));
  return std::optional<std::vector<PartitionBacklog>>(std::move(backlog));
}

Status KafkaSource::Open() {
  char err[512];
  // Static membership: a restarted process (after a crash or kill -9) takes its partitions back
  // at once instead of waiting out the dead member's session. Several processes sharing a group
  // on one host need their own 'properties.group.instance.id'.
  std::map<std::string, std::string> overrides{
      {"group.id", group_},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // A partition's end event moves its read position past trailing transaction markers,
      // so a partition read to its end never looks as if it held unread records. Only where
      // needed: the events cost a wake-up per fetch that reaches the end.
      {"enable.partition.eof", bounded_ || partition_ends_wanted_ ? "true" : "false"}};
  if (!properties_.count("queued.min.messages")) {
    // librdkafka 2.0 stops fetching once this many records wait locally and looks again only
    // about once a second: with its default (100,000) a backlog is read in bursts, idle two thirds
    // of the time. The prefetch stays bounded by queued.max.messages.kbytes (64 MB by default).
    overrides["queued.min.messages"] = "1000000";
  }
  if (!properties_.count("group.instance.id")) {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    // The topic is part of it: a member that comes back subscribed to another topic must not
    // be handed its old assignment.
    overrides["group.instance.id"] = group_ + "@" + host + "/" + topic_;
  }
  group_instance_id_ = properties_.count("group.instance.id") ? properties_.at("group.instance.id")
                                                               : overrides["group.instance.id"];
  SLUICE_ASSIGN_OR_RETURN(RdKafkaConf conf, MakeKafkaConf(table_, properties_, overrides));
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), OnRebalance);
  consumer_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err));
  if (!consumer_) return Status::Invalid("table '{}': Kafka consumer: {}", table_, err);
  conf.release();  // rd_kafka_new took ownership
  rd_kafka_poll_set_consumer(consumer_.get());
  if (bounded_) SLUICE_RETURN_NOT_OK(ComputeEndOffsets());
  PartitionList subscription(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(subscription.get(), topic_.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t e = rd_kafka_subscribe(consumer_.get(), subscription.get());
  if (e) return Status::Invalid("table '{}': subscribing to '{}': {}", table_, topic_, rd_kafka_err2str(e));
  return Status::OK();
}

Status KafkaSource::ComputeEndOffsets() {
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_topic_t* t = rd_kafka_topic_new(consumer_.get(), topic_.c_str(), nullptr);
  rd_kafka_resp_err_t e = rd_kafka_metadata(consumer_.get(), 0, t, &metadata, 15000);
  rd_kafka_topic_destroy(t);
  if (e) {
    return Status::Unavailable("table '{}': no metadata for topic '{}' from {}: {}", table_,
                               topic_, bootstrap_, rd_kafka_err2str(e));
  }
  std::unique_ptr<const rd_kafka_metadata_t, void (*)(const rd_kafka_metadata_t*)> guard(
      metadata, rd_kafka_metadata_destroy);
  if (metadata->topic_cnt != 1 || metadata->topics[0].err) {
    return Status::NotFound("table '{}': topic '{}' does not exist on {}", table_, topic_,
                            bootstrap_);
  }
  const auto& topic = metadata->topics[0];
  for (int i = 0; i < topic.partition_cnt; ++i) {
    int64_t low = 0, high = 0;
    e = rd_kafka_query_watermark_offsets(consumer_.get(), topic_.c_str(),
                                         topic.partitions[i].id, &low, &high, 15000);
    if (e) {
      return Status::Unavailable("table '{}': end offset of {}/{}: {}", table_, topic_,
                                 topic.partitions[i].id, rd_kafka_err2str(e));
    }
    end_offsets_[topic.partitions[i].id] = high;
  }
  return Status::OK();
}

bool KafkaSource::ReachedEnd() const {
  for (const auto& [partition, end] : end_offsets_) {
    auto it = next_offsets_.find(partition);
    if (end > 0 && (it == next_offsets_.end() || it->second < end)) return false;
  }
  return true;
}

Result<bool> KafkaSource::Poll(RawBatch& out, size_t max_records,
                               std::chrono::milliseconds timeout) {
  out.set_origin(topic_);
  SLUICE_RETURN_NOT_OK(rebalance_error_);
  if (!queue_) queue_.reset(rd_kafka_queue_get_consumer(consumer_.get()));
  // The first message is waited for on its own: a batch call would wait the whole timeout for
  // a full batch. What is queued behind it is then taken in batches, one lock and one clock
  // read per batch instead of per message (rebalance events on the queue are served by both).
  rd_kafka_message_t* first = rd_kafka_consumer_poll(consumer_.get(), static_cast<int>(timeout.count()));
  if (first) SLUICE_RETURN_NOT_OK(AppendMessage(first, out));
  rd_kafka_message_t* messages[kConsumeBatch];
  while (first && out.size() < max_records) {
    size_t want = std::min(kConsumeBatch, max_records - out.size());
    ssize_t n = rd_kafka_consume_batch_queue(queue_.get(), 0, messages, want);
    if (n <= 0) break;
    Status status;
    for (ssize_t i = 0; i < n; ++i) {
      if (status.ok()) {
        status = AppendMessage(messages[i], out);
      } else {
        rd_kafka_message_destroy(messages[i]);
      }
    }
    SLUICE_RETURN_NOT_OK(status);
  }
  return !(bounded_ && ReachedEnd());
}

Status KafkaSource::AppendMessage(rd_kafka_message_t* msg, RawBatch& out) {
  std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> guard(
      msg, rd_kafka_message_destroy);
  if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    int64_t& next = NextOffset(msg->partition);
    next = std::max(next, msg->offset);
    return Status::OK();
  }
  if (msg->err) {
    char fatal[512] = "";
    const rd_kafka_resp_err_t fatal_code = rd_kafka_fatal_error(consumer_.get(), fatal, sizeof fatal);
    if (fatal_code == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID) {
      const int fencings = RecordConsumerFencing(group_instance_id_);
      if (fencings >= kFencingsMeaningTakeover) {
        return Status::AlreadyExists(
            "table '{}': another instance of this pipeline took over its partitions of '{}' "
            "(consumer group '{}', group.instance.id '{}' fenced {} times within {} minutes: "
            "{}); one pipeline runs as one process for now (scale-out through consumer groups "
            "is planned): stop the other instance, or give this one another "
            "'properties.group.instance.id'",
            table_, topic_, group_, group_instance_id_, fencings, kFencingWindow.count(), fatal);
      }
      // Most likely the group coordinator moved under an in-flight commit (see
      // consumer_fencing.h): a restart rejoins the group from the last checkpoint.
      return Status::Unavailable(
          "table '{}': Kafka fenced the consumer of '{}' (consumer group '{}', group.instance.id "
          "'{}': {}); rejoining the group", table_, topic_, group_, group_instance_id_, fatal);
    }
    if (fatal_code || msg->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
        msg->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
      return Status::Unavailable("table '{}': Kafka: {}", table_, rd_kafka_message_errstr(msg));
    }
    // Transient (broker restarting, network): librdkafka reconnects by itself. Said once per
    // kind of error and minute, not per message.
    const auto now = std::chrono::steady_clock::now();
    if (msg->err != last_logged_error_ || now - last_logged_at_ > std::chrono::minutes(1)) {
      spdlog::warn("source '{}': Kafka: {} (the client reconnects by itself)", table_,
                   rd_kafka_message_errstr(msg));
      last_logged_error_ = msg->err;
      last_logged_at_ = now;
    }
    return Status::OK();
  }
  rd_kafka_timestamp_type_t ts_type;
  int64_t ts = rd_kafka_message_timestamp(msg, &ts_type);
  std::string_view value(static_cast<const char*>(msg->payload), msg->payload ? msg->len : 0);
  if (msg->key) {
    out.AddWithKey({static_cast<const char*>(msg->key), msg->key_len}, value, ts,
                   msg->partition, msg->offset);
  } else {
    out.Add(value, ts, msg->partition, msg->offset);
  }
  rd_kafka_headers_t* headers = nullptr;
  if (read_headers_ && rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
      headers) {
    headers_json_.assign("{");
    const char* name = nullptr;
    const void* bytes = nullptr;
    size_t size = 0;
    for (size_t i = 0; !rd_kafka_header_get_all(headers, i, &name, &bytes, &size); ++i) {
      if (i) headers_json_ += ',';
      AppendJsonString(name, headers_json_);
      headers_json_ += ':';
      if (bytes) {
        AppendJsonString({static_cast<const char*>(bytes), size}, headers_json_);
      } else {
        headers_json_ += "null";
      }
    }
    headers_json_ += '}';
    out.SetLastHeaders(headers_json_);
  }
  NextOffset(msg->partition) = msg->offset + 1;
  return Status::OK();
}

int64_t& KafkaSource::NextOffset(int32_t partition) {
  // Records come in runs from one partition: remember the last entry (map nodes are stable).
  if (!last_next_offset_ || last_partition_ != partition) {
    last_next_offset_ = &next_offsets_[partition];
    last_partition_ = partition;
  }
  return *last_next_offset_;
}

void KafkaSource::DeclareMetadata(const std::vector<std::string>& keys) {
  read_headers_ = std::find(keys.begin(), keys.end(), "headers") != keys.end();
}

Status KafkaSource::Checkpoint() { return CheckpointAt(next_offsets_); }

Status KafkaSource::CheckpointAt(const PartitionOffsets& next_offsets) {
  if (!consumer_) return Status::OK();
  PartitionList offsets(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [partition, offset] : next_offsets) {
    auto it = committed_.find(partition);
    if (it != committed_.end() && it->second == offset) continue;
    rd_kafka_topic_partition_list_add(offsets.get(), topic_.c_str(), partition)->offset = offset;
  }
  if (offsets->cnt == 0) return Status::OK();
  // Asynchronous: the sinks already hold these rows, so waiting for the broker would only stall
  // the pipeline; a commit lost in a crash means the next run re-reads a little (at-least-once).
  rd_kafka_resp_err_t e = rd_kafka_commit(consumer_.get(), offsets.get(), 1);
  if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    // Not fatal: the next checkpoint commits newer offsets; a crash before it re-reads.
    spdlog::warn("table '{}': committing offsets of '{}' failed: {}", table_, topic_,
                 rd_kafka_err2str(e));
    return Status::OK();
  }
  for (int i = 0; i < offsets->cnt; ++i) {
    committed_[offsets->elems[i].partition] = offsets->elems[i].offset;
  }
  return Status::OK();
}

Status KafkaSource::Close() {
  if (closed_ || !consumer_) return Status::OK();
  closed_ = true;
  queue_.reset();
  rd_kafka_consumer_close(consumer_.get());
  consumer_.reset();
  return Status::OK();
}

bool KafkaSource::HasUnreadRecords(int32_t partition) const {
  if (!consumer_) return false;
  int64_t low = 0, high = 0;
  // The end offset of the consumer's last fetch: no request, no wait.
  if (rd_kafka_get_watermark_offsets(consumer_.get(), topic_.c_str(), partition, &low, &high) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return false;  // not a partition this consumer reads
  }
  // No fetch of it answered yet (its start offset still being looked up, its leader slow):
  // whatever it holds is still to come.
  if (high < 0) return true;
  auto read = next_offsets_.find(partition);
  return high > 0 && (read == next_offsets_.end() || read->second < high);
}

std::vector<PartitionEnd> KafkaSource::PartitionEnds() const {
  std::vector<PartitionEnd> ends;
  if (!consumer_) return ends;
  for (int32_t partition : assigned_) {
    PartitionEnd e{.partition = partition};
    int64_t low = 0, high = 0;
    // From the consumer's last fetch response: no request, no wait.
    if (rd_kafka_get_watermark_offsets(consumer_.get(), topic_.c_str(), partition, &low, &high) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0) {
      e.end = high;
    }
    if (auto it = end_offsets_.find(partition); bounded_ && it != end_offsets_.end()) {
      e.stop_at = it->second;
    }
    ends.push_back(e);
  }
  return ends;
}

std::string KafkaSource::Describe() const {
  return fmt::format("kafka(topic={}, bootstrap={}, group={}, startup={}{})", topic_, bootstrap_,
                     group_, startup_mode_, bounded_ ? ", bounded=latest-offset" : "");
}

}  // namespace sluice
