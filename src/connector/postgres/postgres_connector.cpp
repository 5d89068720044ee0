#include "connector/connector_registry.h"
#include "connector/postgres/postgres_lookup.h"
#include "connector/postgres/postgres_table_writer.h"

namespace sluice {

void RegisterPostgresConnector(ConnectorRegistry& registry) {
  registry.RegisterSink("postgres", [](const ConnectorOptions& options, const Schema& schema) {
    return MakePostgresSink(options, schema);
  });
  registry.RegisterLookup("postgres", [](const ConnectorOptions& options, const Schema& schema,
                                         const std::string& key_column) {
    return PostgresLookup::Make(options, schema, key_column);
  });
}

}  // namespace sluice
