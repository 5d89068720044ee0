#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "connector/connector_registry.h"
#include "exec/pipeline.h"

namespace sluice {

struct CompileOptions {
  const ConnectorRegistry* registry = &ConnectorRegistry::Builtin();
  // `--set key=value` from the command line; they override the script's own SETs, so one file
  // runs in several environments.
  std::map<std::string, std::string> settings;
  // Where a bare SELECT statement writes; the default prints to the console.
  ConnectorRegistry::SinkFactory select_sink;
  // A script must contain an INSERT or a SELECT to run; tools that check DDL alone turn this off.
  bool require_query = true;
  // `sluice run --bounded`: every Kafka source stops at the end offsets it sees at start
  // ('scan.bounded.mode' = 'latest-offset'), so a streaming script runs as a batch job.
  bool bounded = false;
};

// A SQL script compiled into one runnable pipeline.
class CompiledScript {
 public:
  CompiledScript(std::unique_ptr<Pipeline> pipeline, std::string plan_text, int statements)
      : pipeline_(std::move(pipeline)), plan_text_(std::move(plan_text)), statements_(statements) {}

  Pipeline& pipeline() { return *pipeline_; }
  // The physical plan as `sluice explain` prints it.
  const std::string& Explain() const { return plan_text_; }
  int num_statements() const { return statements_; }

 private:
  std::unique_ptr<Pipeline> pipeline_;
  std::string plan_text_;
  int statements_;
};

// Parses, binds and plans `text`: every error names file:line:col and what was expected.
// Connectors are created (so their options are checked) but not opened.
Result<std::unique_ptr<CompiledScript>> CompileScript(std::string_view text,
                                                      std::string_view file_name,
                                                      const CompileOptions& options);

// Reads the file and compiles it.
Result<std::unique_ptr<CompiledScript>> CompileFile(const std::string& path,
                                                    const CompileOptions& options);

}  // namespace sluice
