#include "connector/connector_registry.h"
#include "connector/sqlite/sqlite_sink.h"

namespace sluice {

void RegisterSqliteConnector(ConnectorRegistry& registry) {
  registry.RegisterSink("sqlite", [](const ConnectorOptions& options, const Schema& schema) {
    return SqliteSink::Make(options, schema);
  });
}

}  // namespace sluice
