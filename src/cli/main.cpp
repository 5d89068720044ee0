// The sluice command line: one verb per subcommand, each in its own file under cli/.
#include <CLI/CLI.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // Log lines go to stderr, unbuffered, next to the run summary: stdout stays for data (the
  // console sink, explain), and nothing is lost when the process is killed.
  auto logger = spdlog::stderr_color_mt("sluice");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  if (const char* level = std::getenv("SLUICE_LOG_LEVEL")) {
    logger->set_level(spdlog::level::from_str(level));
  }
  spdlog::set_default_logger(logger);
  CLI::App app{
      "sluice — streaming SQL over Kafka, as one native binary.\n"
      "Runs a pipeline written in one SQL file: Kafka, files and generators in; Kafka,\n"
      "PostgreSQL, MySQL/MariaDB, SQLite, Parquet/JSON-lines/CSV files and the console out,\n"
      "with dead letters and exactly-once delivery (a Cassandra sink is planned).\n"
      "Exit codes: 0 done or stopped by Ctrl-C/SIGTERM, 1 runtime failure, 2 mistake in the file.",
      "sluice"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sluice " SLUICE_VERSION);
  sluice::cli::RegisterCommands(app);
  CLI11_PARSE(app, argc, argv);
  return sluice::cli::ExitCode();
}
