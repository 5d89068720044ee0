#pragma once

namespace CLI {
class App;
}

namespace sluice::cli {

// Adds every verb (run, explain, validate, produce, ...) to the application.
void RegisterCommands(CLI::App& app);

// The exit code the verb that ran has set (0 unless it failed).
int ExitCode();
void SetExitCode(int code);

}  // namespace sluice::cli
