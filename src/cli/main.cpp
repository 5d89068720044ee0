// The sluice command line: one verb per subcommand, each in its own file under cli/.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "sluice — streaming SQL over Kafka, as one native binary.\n"
      "Runs a pipeline written in one SQL file: Kafka and files in, Kafka, PostgreSQL, MySQL,\n"
      "SQLite, files and the console out, with dead letters and exactly-once delivery.",
      "sluice"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sluice " SLUICE_VERSION);
  sluice::cli::RegisterCommands(app);
  CLI11_PARSE(app, argc, argv);
  return sluice::cli::ExitCode();
}
