#pragma once

#include <cstdlib>
#include <string>

// Where the integration tests find the servers that scripts/stack starts. The defaults are the
// stack's defaults; scripts/stack writes the effective values to .stack/env.
namespace sluice::testing {

inline std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

inline std::string KafkaBootstrap() { return EnvOr("SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9092"); }
inline std::string PostgresDsn() {
  return EnvOr("SLUICE_PG_DSN",
               "host=127.0.0.1 port=5432 user=sluice password=sluice dbname=sluice");
}
inline std::string MysqlHost() { return EnvOr("SLUICE_MYSQL_HOST", "127.0.0.1"); }
inline unsigned MysqlPort() {
  return static_cast<unsigned>(std::stoul(EnvOr("SLUICE_MYSQL_PORT", "3306")));
}
inline std::string MysqlUser() { return EnvOr("SLUICE_MYSQL_USER", "sluice"); }
inline std::string MysqlPassword() { return EnvOr("SLUICE_MYSQL_PASSWORD", "sluice"); }
inline std::string MysqlDatabase() { return EnvOr("SLUICE_MYSQL_DATABASE", "sluice"); }
// The 'url' option of a 'mysql' table on the stack's MariaDB.
inline std::string MysqlUrl() {
  return "mysql://" + MysqlUser() + ":" + MysqlPassword() + "@" + MysqlHost() + ":" +
         std::to_string(MysqlPort()) + "/" + MysqlDatabase();
}

}  // namespace sluice::testing
