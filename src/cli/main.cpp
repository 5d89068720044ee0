// The sluice command line: one verb per subcommand, each in its own file under cli/.
#include <CLI/CLI.hpp>


#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/terminal_output.h"

int main(int argc, char** argv) {
  // Log lines go to stderr, unbuffered, next to the run summary (and above `sluice run`'s status
  // line): stdout stays for data (the console sink, explain), and nothing is lost when the
  // process is killed. SLUICE_LOG_LEVEL=debug shows more; `run --log-format json` gives JSON.
  sluice::cli::TerminalOutput::Get().ConfigureLogging(sluice::cli::LogFormat::kText);
  CLI::App app{
      "sluice — streaming SQL over Kafka, as one native binary.\n"
      "Runs a pipeline written in one SQL file: Kafka, files and generators in; Kafka,\n"
      "PostgreSQL, MySQL/MariaDB, Cassandra, SQLite, Parquet/JSON-lines/CSV files and the\n"
      "console out, with dead letters and exactly-once delivery. `sluice run --http :8080`\n"
      "serves metrics and a web UI while it runs; `sluice status` reads them.\n"
      "Exit codes: 0 done or stopped by Ctrl-C/SIGTERM, 1 runtime failure, 2 mistake in the file.",
      "sluice"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sluice " SLUICE_VERSION);
  sluice::cli::RegisterCommands(app);
  CLI11_PARSE(app, argc, argv);
  return sluice::cli::ExitCode();
}
