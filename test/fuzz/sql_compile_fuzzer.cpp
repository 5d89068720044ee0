// A SQL script through the lexer, parser, binder and planner (CompileScript), after a prelude
// that declares docs_input (the function reference's example table) so seeds can be the
// reference's examples. Connectors are the ones that touch nothing outside the process
// (datagen, print, blackhole): compiling creates connectors but never opens them.
// Property: an error is a Status, and one that points into the script names a line:col that
// exists.
#include <regex>
#include <string>

#include "connector/connector_registry.h"
#include "function/function_docs.h"
#include "fuzz_target.h"
#include "plan/compiler.h"

namespace sluice {
namespace {

class SilentSource final : public Source {
 public:
  Status Open() override { return Status::OK(); }
  Result<bool> Poll(RawBatch&, size_t, std::chrono::milliseconds) override { return false; }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "silent"; }
};

class DiscardSink final : public Sink {
 public:
  DiscardSink() { capabilities_.accepts_updates = true; }
  Status Open() override { return Status::OK(); }
  using Sink::Write;
  Status Write(const Batch&, const RecordPositions*) override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "discard"; }

 protected:
  Status CommitEpoch(uint64_t, const SourceOffsets&) override { return Status::OK(); }
};

const CompileOptions& Options() {
  static const CompileOptions* options = [] {
    auto* registry = new ConnectorRegistry();
    RegisterDatagenConnector(*registry);
    RegisterPrintConnector(*registry);
    RegisterBlackholeConnector(*registry);
    registry->RegisterSource("docs-input", [](const ConnectorOptions&, const Schema&)
                                               -> Result<std::unique_ptr<Source>> {
      return std::unique_ptr<Source>(new SilentSource());
    });
    auto* o = new CompileOptions();
    o->registry = registry;
    o->select_sink = [](const ConnectorOptions&, const Schema&) -> Result<std::unique_ptr<Sink>> {
      return std::unique_ptr<Sink>(new DiscardSink());
    };
    return o;
  }();
  return *options;
}

const std::string& Prelude() {
  static const std::string prelude = "CREATE TABLE docs_input (" + std::string(DocsInputColumns()) +
                                     ", WATERMARK FOR t AS t) WITH ('connector' = 'docs-input');\n";
  return prelude;
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(sql_compile) {
  using namespace sluice;
  const std::string script = Prelude() + std::string(fuzz::AsText(data, size));
  auto compiled = CompileScript(script, "fuzz.sql", Options());
  if (compiled.ok()) {
    if ((*compiled)->Explain().empty()) fuzz::Fail("a compiled script explains as nothing");
    return 0;
  }
  // Every "fuzz.sql:LINE:COL: ..." that starts a line of the message must point into the script.
  static const std::regex where(R"(^fuzz\.sql:(\d+):(\d+):)", std::regex::ECMAScript | std::regex::multiline);
  const std::string message = compiled.status().message();
  long lines = 1;
  for (char ch : script) lines += ch == '\n';
  for (auto it = std::sregex_iterator(message.begin(), message.end(), where); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (m[1].length() > 9 || m[2].length() > 9) fuzz::Fail("an error names an absurd position", message);
    const long line = std::stol(m[1]), column = std::stol(m[2]);
    if (line < 1 || line > lines || column < 1) fuzz::Fail("an error points outside the script", message);
  }
  return 0;
}
