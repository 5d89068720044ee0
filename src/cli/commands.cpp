#include "cli/commands.h"

#include <CLI/CLI.hpp>

namespace sluice::cli {
namespace {
int exit_code = 0;
}  // namespace

void RegisterVersionCommand(CLI::App& app);
void RegisterScriptCommands(CLI::App& app);
void RegisterProduceCommand(CLI::App& app);
void RegisterSpillCommands(CLI::App& app);
void RegisterFunctionsCommand(CLI::App& app);
void RegisterStatusCommand(CLI::App& app);

void RegisterCommands(CLI::App& app) {
  RegisterScriptCommands(app);
  RegisterStatusCommand(app);
  RegisterProduceCommand(app);
  RegisterSpillCommands(app);
  RegisterFunctionsCommand(app);
  RegisterVersionCommand(app);
}

int ExitCode() { return exit_code; }
void SetExitCode(int code) { exit_code = code; }

}  // namespace sluice::cli
