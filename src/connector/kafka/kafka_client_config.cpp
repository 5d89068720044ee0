#include "connector/kafka/kafka_client_config.h"

#include <mutex>

#include <spdlog/spdlog.h>

namespace sluice {
namespace {

// librdkafka logs through spdlog: errors as warnings (what a user should see), its many
// retry notices ("Coordinator load in progress: retrying") only at debug level.
void LogToSpdlog(const rd_kafka_t*, int level, const char* facility, const char* message) {
  if (level <= 3) {
    spdlog::warn("kafka {}: {}", facility, message);
  } else {
    spdlog::debug("kafka {}: {}", facility, message);
  }
}

}  // namespace

Result<std::map<std::string, std::string>> KafkaProperties(const ConnectorOptions& options) {
  auto properties = options.WithPrefix("properties.");
  if (!properties.count("bootstrap.servers")) {
    return Status::Invalid("table '{}': option 'properties.bootstrap.servers' is required",
                           options.table_name());
  }
  return properties;
}

bool IsSecretKafkaProperty(const std::string& key) {
  for (const char* word : {"password", "secret", "sasl.jaas", "key.pem", "keystore", "token"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}

Result<RdKafkaConf> MakeKafkaConf(const std::string& table,
                                  const std::map<std::string, std::string>& properties,
                                  const std::map<std::string, std::string>& overrides) {
  RdKafkaConf conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), LogToSpdlog);
  char err[512];
  auto set = [&](const std::string& key, const std::string& value) -> Status {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
      return Status::Invalid("table '{}': Kafka property 'properties.{}'{}: {}", table, key,
                             IsSecretKafkaProperty(key) ? "" : " = '" + value + "'", err);
    }
    return Status::OK();
  };
  for (const auto& [key, value] : properties) SLUICE_RETURN_NOT_OK(set(key, value));
  for (const auto& [key, value] : overrides) SLUICE_RETURN_NOT_OK(set(key, value));
  // librdkafka before 2.6.1 builds SCRAM's final message with the client nonce twice, which
  // Kafka 4 brokers refuse as "invalid credentials" (librdkafka#4895): say so once, up front.
  auto mechanism = properties.find("sasl.mechanism");
  if (mechanism == properties.end()) mechanism = properties.find("sasl.mechanisms");
  constexpr int kScramFixedVersion = 0x020601ff;
  if (mechanism != properties.end() && mechanism->second.starts_with("SCRAM") &&
      rd_kafka_version() < kScramFixedVersion) {
    static std::once_flag warned;
    std::call_once(warned, [&] {
      spdlog::warn("table '{}': SASL {} with librdkafka {} fails against Kafka 4 brokers "
                   "('invalid credentials'; fixed in librdkafka 2.6.1): use 'PLAIN' over "
                   "SASL_SSL there, or a newer librdkafka",
                   table, mechanism->second, rd_kafka_version_str());
    });
  }
  return conf;
}

}  // namespace sluice
