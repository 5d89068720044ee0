#include "connector/connector_registry.h"
#include "connector/kafka/kafka_source.h"

namespace sluice {

void RegisterKafkaConnector(ConnectorRegistry& registry) {
  registry.RegisterSource("kafka", [](const ConnectorOptions& options, const Schema&) {
    return KafkaSource::Make(options);
  });
}

}  // namespace sluice
