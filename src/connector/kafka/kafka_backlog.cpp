#include "connector/kafka/kafka_backlog.h"

#include "connector/kafka/kafka_client_config.h"

namespace sluice {
Result<std::vector<PartitionBacklog>> MeasureKafkaBacklog(
    const std::string& table, const std::map<std::string, std::string>& properties,
    const std::string& topic, const std::string& group, int64_t cap,
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto left_ms = [&] {
    return static_cast<int>(std::max<int64_t>(
        1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
               .count()));
  };
  // The group's id, to read its committed offsets; assigning partitions does not join it.
  std::map<std::string, std::string> own = properties;
  own.erase("group.instance.id");
  SLUICE_ASSIGN_OR_RETURN(RdKafkaConf conf,
                          MakeKafkaConf(table, own,
                                        {{"group.id", group},
                                         {"enable.auto.commit", "false"},
                                         {"enable.auto.offset.store", "false"},
                                         {"isolation.level", "read_committed"},
                                         {"enable.partition.eof", "true"}}));
  char err[512];
  RdKafkaHandle consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err));
  if (!consumer) return Status::Invalid("table '{}': Kafka consumer: {}", table, err);
  conf.release();

  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_topic_t* handle = rd_kafka_topic_new(consumer.get(), topic.c_str(), nullptr);
  rd_kafka_resp_err_t e = rd_kafka_metadata(consumer.get(), 0, handle, &metadata, left_ms());
  rd_kafka_topic_destroy(handle);
  if (e || metadata->topic_cnt != 1 || metadata->topics[0].err) {
    const std::string why = e ? rd_kafka_err2str(e) : rd_kafka_err2str(metadata->topics[0].err);
    if (metadata) rd_kafka_metadata_destroy(metadata);
    return Status::Unavailable("table '{}': no metadata for topic '{}': {}", table, topic, why);
  }
  PartitionList list(rd_kafka_topic_partition_list_new(metadata->topics[0].partition_cnt));
  for (int i = 0; i < metadata->topics[0].partition_cnt; ++i) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), metadata->topics[0].partitions[i].id);
  }
  rd_kafka_metadata_destroy(metadata);
  e = rd_kafka_committed(consumer.get(), list.get(), left_ms());
  if (e) {
    return Status::Unavailable("table '{}': reading the offsets group '{}' committed: {}", table,
                               group, rd_kafka_err2str(e));
  }
  std::map<int32_t, PartitionBacklog> by_partition;
  for (int i = 0; i < list->cnt; ++i) {
    auto& p = list->elems[i];
    PartitionBacklog b;
    b.partition = p.partition;
    b.committed = p.offset >= 0 ? p.offset : -1;
    int64_t low = 0, high = 0;
    e = rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), p.partition, &low, &high,
                                         left_ms());
    if (e) {
      return Status::Unavailable("table '{}': end offsets of '{}' partition {}: {}", table, topic,
                                 p.partition, rd_kafka_err2str(e));
    }
    b.end = high;
    // Read from the committed offset (or the start): nothing, or only markers, means no lag.
    p.offset = b.committed >= 0 ? std::max(b.committed, low) : low;
    by_partition[p.partition] = b;
  }
  // Partitions with nothing after their start need no reading.
  PartitionList to_read(rd_kafka_topic_partition_list_new(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].offset < by_partition[list->elems[i].partition].end) {
      rd_kafka_topic_partition_list_add(to_read.get(), topic.c_str(), list->elems[i].partition)
          ->offset = list->elems[i].offset;
    }
  }
  size_t open = static_cast<size_t>(to_read->cnt);
  if (open > 0) {
    e = rd_kafka_assign(consumer.get(), to_read.get());
    if (e) return Status::Unavailable("table '{}': assigning '{}': {}", table, topic, rd_kafka_err2str(e));
  }
  std::map<int32_t, bool> done;
  while (open > 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::TimedOut("table '{}': counting the records of '{}' after group '{}' took "
                              "longer than {} ms",
                              table, topic, group, timeout.count());
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), std::min(left_ms(), 500));
    if (!m) continue;
    const int32_t partition = m->partition;
    PartitionBacklog& b = by_partition[partition];
    bool finished = false;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      finished = true;
    } else if (m->err) {
      const std::string why = rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      return Status::Unavailable("table '{}': reading '{}': {}", table, topic, why);
    } else {
      ++b.records;
      if (b.records >= cap) {
        b.at_least = true;
        finished = true;
      }
      if (m->offset + 1 >= b.end) finished = true;
    }
    rd_kafka_message_destroy(m);
    if (finished && !done[partition]) {
      done[partition] = true;
      --open;
    }
  }
  rd_kafka_consumer_close(consumer.get());
  std::vector<PartitionBacklog> out;
  for (auto& [partition, b] : by_partition) out.push_back(b);
  return out;
}

}  // namespace sluice
