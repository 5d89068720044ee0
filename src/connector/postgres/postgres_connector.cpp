#include "connector/connector_registry.h"
#include "connector/postgres/postgres_sink.h"

namespace sluice {

void RegisterPostgresConnector(ConnectorRegistry& registry) {
  registry.RegisterSink("postgres", [](const ConnectorOptions& options, const Schema& schema) {
    return PostgresSink::Make(options, schema);
  });
}

}  // namespace sluice
