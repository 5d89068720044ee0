#include "function/function_reference.h"

#include <fmt/format.h>

#include "aggregate/aggregate_function.h"
#include "function/function_registry.h"

namespace sluice {

std::string FunctionReferenceMarkdown() {
  const FunctionRegistry& registry = FunctionRegistry::Builtin();
  std::string out =
      "# sluice functions\n\n"
      "Generated from the function registry by `sluice functions --markdown` (a test keeps this "
      "file current). Names and semantics are Spark SQL's (non-ANSI mode); where Spark and Flink "
      "differ, see \"Spark semantics where Spark and Flink differ\" in "
      "[reference.md](reference.md).\n\n"
      "## Scalar functions\n\n"
      "| function | signature |\n|---|---|\n";
  for (const std::string& name : registry.Names()) {
    if (name.starts_with('$')) continue;
    const std::string& signature = registry.Find(name)->signature;
    if (signature.empty() || signature.starts_with(name + "(")) {
      out += fmt::format("| `{}` | `{}` |\n", name, signature.empty() ? name : signature);
    } else {
      out += fmt::format("| `{}` | the same as `{}` |\n", name, signature);
    }
  }
  out += "\n## Aggregate functions\n\n";
  std::vector<std::string_view> aggregates = AggregateNames();
  std::sort(aggregates.begin(), aggregates.end());
  for (std::string_view name : aggregates) out += fmt::format("- `{}`\n", name);
  out += "\nEvery aggregate takes `FILTER (WHERE condition)` (not `first`/`last`); `count` also "
         "takes `DISTINCT`.\n";
  return out;
}

}  // namespace sluice
