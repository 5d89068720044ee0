#include "connector/cassandra/cassandra_table_writer.h"
#include "connector/connector_registry.h"

namespace sluice {

void RegisterCassandraConnector(ConnectorRegistry& registry) {
  registry.RegisterSink("cassandra", [](const ConnectorOptions& options, const Schema& schema) {
    return MakeCassandraSink(options, schema);
  });
}

}  // namespace sluice
