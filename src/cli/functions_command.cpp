#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "aggregate/aggregate_function.h"
#include "function/function_reference.h"
#include "function/function_registry.h"

namespace sluice::cli {

// `sluice functions [name]`: every scalar function with its signature, and the aggregate
// functions; with a name, only the functions whose name contains it.
void RegisterFunctionsCommand(CLI::App& app) {
  static std::string filter;
  static bool markdown = false;
  auto* cmd = app.add_subcommand("functions", "List the SQL functions (Spark's names) sluice knows");
  cmd->add_option("name", filter, "Only functions whose name contains this");
  cmd->add_flag("--markdown", markdown, "Print the reference docs/functions.md holds");
  cmd->callback([] {
    if (markdown) {
      fmt::print("{}", FunctionReferenceMarkdown());
      return;
    }
    const FunctionRegistry& registry = FunctionRegistry::Builtin();
    fmt::print("scalar functions:\n");
    for (const std::string& name : registry.Names()) {
      if (name.find(filter) == std::string::npos || name.starts_with('$')) continue;
      const std::string& signature = registry.Find(name)->signature;
      if (signature.starts_with(name + "(") || signature.empty()) {
        fmt::print("  {}\n", signature.empty() ? name : signature);
      } else {
        fmt::print("  {}  (the same as {})\n", name, signature);  // an alias
      }
    }
    fmt::print("aggregate functions:\n");
    for (std::string_view name : AggregateNames()) {
      if (name.find(filter) == std::string_view::npos) continue;
      fmt::print("  {}\n", name);
    }
  });
}

}  // namespace sluice::cli
