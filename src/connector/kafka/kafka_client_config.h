#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "connector/connector_options.h"

namespace sluice {

struct RdKafkaConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using RdKafkaConf = std::unique_ptr<rd_kafka_conf_t, RdKafkaConfDeleter>;

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RdKafkaHandle = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

struct RdKafkaQueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
using RdKafkaQueue = std::unique_ptr<rd_kafka_queue_t, RdKafkaQueueDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// Builds a librdkafka configuration from 'properties.*' options (prefix already removed) plus
// sluice's own settings, which come last and win. An invalid property is an error naming the
// table and the property — never its value when the key looks like a secret.
Result<RdKafkaConf> MakeKafkaConf(const std::string& table,
                                  const std::map<std::string, std::string>& properties,
                                  const std::map<std::string, std::string>& overrides);

// The 'properties.*' options of a table (prefix removed), which must name the brokers.
Result<std::map<std::string, std::string>> KafkaProperties(const ConnectorOptions& options);

// True for keys whose values must never be printed (passwords, secrets, keys).
bool IsSecretKafkaProperty(const std::string& key);

}  // namespace sluice
