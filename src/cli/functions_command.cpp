#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "function/function_reference.h"

namespace sluice::cli {

// `sluice functions [name]`: every function sluice knows with its signature, a description of
// its Spark semantics and an example with Spark's result; with a name, only the functions whose
// name contains it.
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
    std::string section;
    for (const FunctionReferenceEntry& e : FunctionReferenceEntries()) {
      if (e.name.find(filter) == std::string::npos) continue;
      if (e.section != section) {
        section = e.section;
        fmt::print("{}:\n", section);
      }
      fmt::print("  {}  {}\n", e.name, e.signature);
      if (!e.doc) continue;
      fmt::print("      {}\n", e.doc->description);
      fmt::print("      {}  ->  {}\n", e.doc->example, e.doc->result);
    }
  });
}

}  // namespace sluice::cli
