// Every function sluice knows has an entry in src/function/function_docs.cpp (rendered into
// docs/functions.md), and every entry's example gives, in sluice, the result Spark gives
// (scripts/function_examples writes the results from PySpark). A new function fails
// EveryFunctionHasAnEntry until it is documented; a change of semantics fails ExamplesGiveSparksResults.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aggregate/aggregate_function.h"
#include "connector/connector_registry.h"
#include "function/cast.h"
#include "function/function_docs.h"
#include "function/function_registry.h"
#include "plan/compiler.h"

namespace sluice {
namespace {

const FunctionDocSection* SectionOf(std::string_view name) {
  for (const FunctionDocSection& section : FunctionDocSections()) {
    for (const FunctionDoc& doc : section.docs) {
      if (doc.name == name) return &section;
    }
  }
  return nullptr;
}

// Names the planner handles itself (not registry functions, not aggregates): read from the
// planner's source, so a function added there is noticed. Words compared with a function's name
// there that are not functions of their own, or have no Spark counterpart to check an example
// against, are listed with the reason.
std::set<std::string> PlannerFunctionNames() {
  static const std::set<std::string> kNotDocumented = {
      "descriptor",  // DESCRIPTOR(col), an argument of the window table functions
      "tumble", "hop", "session",  // Flink's window table functions: Spark has none to check
                                   // an example against (window()/session_window() are documented)
      "rank", "dense_rank",  // only over those table functions' windows: described in the
                             // section's introduction, no Spark-checked example possible
  };
  std::set<std::string> names;
  const std::regex pattern(R"re((?:\bname|generator)\s*[!=]=\s*"([a-z_0-9]+)")re");
  for (const char* file : {"expression_binder.cpp", "compiler.cpp", "aggregate_planner.cpp",
                           "call_binder.cpp", "scope.cpp"}) {
    std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/src/plan/" + file);
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), pattern), end; it != end; ++it) {
      std::string name = (*it)[1];
      if (!kNotDocumented.contains(name)) names.insert(name);
    }
  }
  return names;
}

TEST(FunctionExamples, EveryFunctionHasAnEntry) {
  const FunctionRegistry& registry = FunctionRegistry::Builtin();
  std::set<std::string, std::less<>> registry_names;
  for (const std::string& name : registry.Names()) {
    if (name.starts_with('$')) continue;
    registry_names.insert(name);
    const FunctionDocSection* section = SectionOf(name);
    EXPECT_TRUE(section && section->registry)
        << "the scalar function '" << name << "' has no entry in kScalarDocs of "
        << "src/function/function_docs.cpp (then run scripts/function_examples " << name << ")";
  }
  for (std::string_view name : AggregateNames()) {
    EXPECT_NE(FindFunctionDoc(name), nullptr)
        << "the aggregate function '" << name << "' has no entry in kAggregateDocs of "
        << "src/function/function_docs.cpp";
  }
  for (const std::string& name : PlannerFunctionNames()) {
    EXPECT_NE(FindFunctionDoc(name), nullptr)
        << "the function '" << name << "' the planner handles has no entry in "
        << "src/function/function_docs.cpp";
  }
  std::set<std::string_view> seen;
  for (const FunctionDocSection& section : FunctionDocSections()) {
    for (const FunctionDoc& doc : section.docs) {
      EXPECT_TRUE(seen.insert(doc.name).second) << "two entries for " << doc.name;
      EXPECT_FALSE(doc.description.empty()) << doc.name;
      EXPECT_FALSE(doc.example.empty()) << doc.name;
      if (section.registry) {
        EXPECT_TRUE(registry_names.contains(doc.name))
            << "kScalarDocs has an entry for '" << doc.name << "', not a registry function";
      } else {
        EXPECT_FALSE(doc.signature.empty()) << doc.name << ": no signature";
      }
    }
  }
}

// docs_input's rows, one batch.
class DocsInputSource final : public Source {
 public:
  Status Open() override { return Status::OK(); }
  Result<bool> Poll(RawBatch& out, size_t, std::chrono::milliseconds) override {
    out.set_origin("docs_input");
    int64_t offset = 0;
    for (std::string_view row : DocsInputRows()) {
      out.Add(row, 1'700'000'000'000 + offset * 1000, 0, offset + 1);
      ++offset;
    }
    return false;
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "docs-input"; }
};

class RowsSink final : public Sink {
 public:
  explicit RowsSink(std::vector<std::string>* rows) : rows_(rows) {
    capabilities_.accepts_updates = true;
  }
  Status Open() override { return Status::OK(); }
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions*) override {
    for (size_t i = 0; i < batch.num_live_rows(); ++i) {
      const size_t row = batch.selection()[i];
      std::string text;
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        const Vector& v = batch.column(c);
        text += (c ? ", " : "") + (v.IsNull(row) ? std::string("NULL") : CastToText(v, row));
      }
      rows_->push_back(std::move(text));
      CountWritten(1);
    }
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "rows"; }

 protected:
  Status CommitEpoch(uint64_t, const SourceOffsets&) override { return Status::OK(); }

 private:
  std::vector<std::string>* rows_;
};

// The example's result in sluice: its rows sorted, joined with "; ".
Result<std::string> RunExample(std::string_view example) {
  std::vector<std::string> rows;
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  registry.RegisterSource("docs-input", [](const ConnectorOptions&, const Schema&)
                                            -> Result<std::unique_ptr<Source>> {
    return std::unique_ptr<Source>(new DocsInputSource());
  });
  CompileOptions options;
  options.registry = &registry;
  options.select_sink = [&rows](const ConnectorOptions&, const Schema&)
      -> Result<std::unique_ptr<Sink>> { return std::unique_ptr<Sink>(new RowsSink(&rows)); };
  std::string query(example);
  if (!std::regex_search(query, std::regex(R"(^\s*SELECT\b)", std::regex::icase))) {
    // sluice needs a FROM: the one row of docs_input with x = 1 (the example reads no column).
    query = "SELECT " + query + " FROM docs_input WHERE x = 1";
  }
  const std::string script = "CREATE TABLE docs_input (" + std::string(DocsInputColumns()) +
                             ", WATERMARK FOR t AS t) WITH ('connector' = 'docs-input');\n" +
                             query + ";\n";
  SLUICE_ASSIGN_OR_RETURN(auto compiled, CompileScript(script, "example.sql", options));
  std::atomic<bool> stop{false};
  SLUICE_RETURN_NOT_OK(compiled->pipeline().Open());
  SLUICE_RETURN_NOT_OK(compiled->pipeline().Run(stop));
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const std::string& row : rows) out += (out.empty() ? "" : "; ") + row;
  return out;
}

TEST(FunctionExamples, ExamplesGiveSparksResults) {
  size_t checked = 0;
  for (const FunctionDocSection& section : FunctionDocSections()) {
    for (const FunctionDoc& doc : section.docs) {
      Result<std::string> got = RunExample(doc.example);
      if (!got.ok()) {
        ADD_FAILURE() << doc.name << ": " << doc.example << ": " << got.status().message();
        continue;
      }
      EXPECT_EQ(*got, doc.result) << doc.name << ": " << doc.example
                                  << " (the expected result is Spark's, see function_docs.h)";
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace
}  // namespace sluice
