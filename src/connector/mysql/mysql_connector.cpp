#include "connector/connector_registry.h"
#include "connector/mysql/mysql_table_writer.h"

namespace sluice {

void RegisterMysqlConnector(ConnectorRegistry& registry) {
  registry.RegisterSink("mysql", [](const ConnectorOptions& options, const Schema& schema) {
    return MakeMysqlSink(options, schema, "mysql");
  });
  // Flink's JDBC connector name, for the MySQL and MariaDB urls its users write.
  registry.RegisterSink("jdbc", [](const ConnectorOptions& options,
                                   const Schema& schema) -> Result<std::unique_ptr<Sink>> {
    const std::string url = options.GetString("url", "");
    if (url.rfind("jdbc:mysql://", 0) != 0 && url.rfind("jdbc:mariadb://", 0) != 0) {
      return Status::Invalid(
          "table '{}': 'connector' = 'jdbc' takes a 'jdbc:mysql://' or 'jdbc:mariadb://' url "
          "here (for PostgreSQL use 'connector' = 'postgres')",
          options.table_name());
    }
    return MakeMysqlSink(options, schema, "jdbc");
  });
}

}  // namespace sluice
