#include "connector/connector_registry.h"
#include "connector/kafka/kafka_sink.h"
#include "connector/kafka/kafka_source.h"

namespace sluice {

void RegisterKafkaConnector(ConnectorRegistry& registry) {
  registry.RegisterSource("kafka", [](const ConnectorOptions& options, const Schema&) {
    return KafkaSource::Make(options);
  });
  registry.RegisterSink("kafka", [](const ConnectorOptions& options, const Schema& schema) {
    return KafkaSink::Make(options, schema);
  });
}

}  // namespace sluice
