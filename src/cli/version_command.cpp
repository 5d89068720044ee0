#include <CLI/CLI.hpp>
#include <librdkafka/rdkafka.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <fmt/format.h>

namespace sluice::cli {

// `sluice version`: the build and the versions of the libraries it runs on, for bug reports.
void RegisterVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the sluice version and its library versions");
  cmd->callback([] {
    fmt::print("sluice {}\n", SLUICE_VERSION);
    fmt::print("  librdkafka {}\n", rd_kafka_version_str());
    fmt::print("  libpq {}.{}\n", PQlibVersion() / 10000, PQlibVersion() % 10000);
    fmt::print("  libmariadb {}\n", mysql_get_client_info());
    fmt::print("  sqlite {}\n", sqlite3_libversion());
    fmt::print("  simdjson {}.{}.{}\n", int(simdjson::SIMDJSON_VERSION_MAJOR),
               int(simdjson::SIMDJSON_VERSION_MINOR), int(simdjson::SIMDJSON_VERSION_REVISION));
  });
}

}  // namespace sluice::cli
