// Runs the data-driven SQL logic files (test/sql/**/*.test); format in test/sql/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "connector/connector_registry.h"
#include "function/cast.h"
#include "plan/compiler.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

// Rows as text, collected by the test sinks, by table name.
using Rows = std::vector<std::string>;

struct TestWorld {
  std::map<std::string, std::vector<std::string>> inputs;  // table → raw records
  std::map<std::string, Rows> outputs;                     // table → rows written
};

std::string RowText(const Batch& batch, size_t row) {
  std::string out;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (c) out += '\t';
    const Vector& v = batch.column(c);
    out += v.IsNull(row) ? "NULL" : CastToText(v, row);
  }
  return out;
}

class TestInputSource final : public Source {
 public:
  TestInputSource(std::string table, TestWorld* world) : table_(std::move(table)), world_(world) {}
  Status Open() override { return Status::OK(); }
  // Input lines may start with `@N ` (the record is in partition N, else 0); a line
  // `@pause MS` ends the batch and waits MS milliseconds before the next one (processing time
  // passes: triggers fire, idle partitions time out).
  Result<bool> Poll(RawBatch& out, size_t max_records, std::chrono::milliseconds) override {
    const auto& records = world_->inputs[table_];
    out.set_origin(table_);
    while (next_ < records.size() && out.size() < max_records) {
      std::string_view line = records[next_];
      if (line.starts_with("@pause ")) {
        if (!out.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(std::string(line.substr(7)))));
        ++next_;
        break;
      }
      int32_t partition = 0;
      if (line.size() > 1 && line[0] == '@' && std::isdigit(static_cast<unsigned char>(line[1]))) {
        size_t space = line.find(' ');
        partition = std::stoi(std::string(line.substr(1, space - 1)));
        line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
      }
      // Line N of the block (pause lines counted) has offset N.
      out.Add(line, 1'700'000'000'000 + static_cast<int64_t>(next_) * 1000, partition,
              static_cast<int64_t>(next_ + 1));
      ++next_;
    }
    return next_ < records.size();
  }
  // Whether a line not delivered yet is in `partition`, as Kafka knows the records its last
  // fetch saw.
  bool HasUnreadRecords(int32_t partition) const override {
    const auto& records = world_->inputs[table_];
    for (size_t i = next_; i < records.size(); ++i) {
      const std::string& line = records[i];
      if (line.starts_with("@pause ")) continue;
      int32_t in = 0;
      if (line.size() > 1 && line[0] == '@' && std::isdigit(static_cast<unsigned char>(line[1]))) {
        in = std::stoi(line.substr(1, line.find(' ') - 1));
      }
      if (in == partition) return true;
    }
    return false;
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "test-input(" + table_ + ")"; }

 private:
  std::string table_;
  TestWorld* world_;
  size_t next_ = 0;
};

class TestOutputSink final : public Sink {
 public:
  TestOutputSink(std::string table, TestWorld* world) : table_(std::move(table)), world_(world) {
    capabilities_.accepts_updates = true;
  }
  Status Open() override {
    world_->outputs[table_].clear();
    return Status::OK();
  }
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions*) override {
    for (size_t i = 0; i < batch.num_live_rows(); ++i) {
      world_->outputs[table_].push_back(RowText(batch, batch.selection()[i]));
      CountWritten(1);
    }
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "test-output(" + table_ + ")"; }
  // A table with a PRIMARY KEY stands for an upsert sink: it takes an aggregation's updates.
  void set_upserts(bool upserts) { capabilities_.accepts_updates = upserts; }

 protected:
  Status CommitEpoch(uint64_t, const SourceOffsets&) override { return Status::OK(); }

 private:
  std::string table_;
  TestWorld* world_;
};

struct Block {
  std::string kind;               // statement ok|error, input, query, run, output
  std::vector<std::string> args;  // words after the kind
  std::string sql;                // lines before ----
  std::vector<std::string> expected;  // lines after ----
  int line = 0;
};

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<Block> ParseBlocks(const std::string& path) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  std::string line;
  int number = 0;
  Block* current = nullptr;
  bool after_separator = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      current = nullptr;
      continue;
    }
    if (!current) {
      if (line[0] == '#') continue;
      auto words = Words(line);
      blocks.push_back(Block{words[0], {words.begin() + 1, words.end()}, "", {}, number});
      current = &blocks.back();
      after_separator = false;
      continue;
    }
    if (line == "----") {
      after_separator = true;
    } else if (after_separator || current->kind == "input") {
      current->expected.push_back(line);
    } else {
      current->sql += line + "\n";
    }
  }
  return blocks;
}

class SqlLogicTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlLogicTest, Passes) {
  const std::string path = GetParam();
  TestWorld world;
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  registry.RegisterSource("test-input", [&world](const ConnectorOptions& o, const Schema&)
                                            -> Result<std::unique_ptr<Source>> {
    return std::unique_ptr<Source>(new TestInputSource(o.table_name(), &world));
  });
  registry.RegisterSink("test-output", [&world](const ConnectorOptions& o, const Schema& schema)
                                           -> Result<std::unique_ptr<Sink>> {
    auto sink = std::make_unique<TestOutputSink>(o.table_name(), &world);
    sink->set_upserts(!schema.primary_key().empty());
    return std::unique_ptr<Sink>(std::move(sink));
  });
  CompileOptions options;
  options.registry = &registry;
  options.require_query = false;  // `statement ok` blocks hold DDL alone
  options.select_sink = [&world](const ConnectorOptions&, const Schema&)
      -> Result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(new TestOutputSink("__query", &world));
  };

  std::string script;  // the statements kept so far
  auto compile_and_run = [&](const std::string& text, const Block& b) -> bool {
    auto compiled = CompileScript(text, fs::path(path).filename().string(), options);
    if (!compiled.ok()) {
      ADD_FAILURE() << path << ":" << b.line << ": " << compiled.status().message();
      return false;
    }
    std::atomic<bool> stop{false};
    Status s = (*compiled)->pipeline().Open();
    if (s.ok()) s = (*compiled)->pipeline().Run(stop);
    if (!s.ok()) {
      ADD_FAILURE() << path << ":" << b.line << ": run failed: " << s.message();
      return false;
    }
    return true;
  };
  auto compare = [&](Rows got, Rows expected, bool sort, const Block& b) {
    if (sort) {
      std::sort(got.begin(), got.end());
      std::sort(expected.begin(), expected.end());
    }
    std::string got_text, expected_text;
    for (const auto& r : got) got_text += r + "\n";
    for (const auto& r : expected) expected_text += r + "\n";
    EXPECT_EQ(got_text, expected_text) << path << ":" << b.line << ": " << b.sql;
  };

  for (const Block& b : ParseBlocks(path)) {
    if (b.kind == "statement") {
      bool expect_error = !b.args.empty() && b.args[0] == "error";
      auto compiled = CompileScript(script + b.sql, fs::path(path).filename().string(), options);
      if (expect_error) {
        if (compiled.ok()) {
          ADD_FAILURE() << path << ":" << b.line << ": expected an error from: " << b.sql;
          continue;
        }
        std::string want;
        for (const auto& l : b.expected) want += (want.empty() ? "" : "\n") + l;
        EXPECT_NE(compiled.status().message().find(want), std::string::npos)
            << path << ":" << b.line << ": error was:\n"
            << compiled.status().message() << "\nexpected it to contain:\n"
            << want;
      } else {
        if (!compiled.ok()) {
          ADD_FAILURE() << path << ":" << b.line << ": " << compiled.status().message();
          return;
        }
        script += b.sql + ";\n";
      }
    } else if (b.kind == "input") {
      ASSERT_FALSE(b.args.empty()) << path << ":" << b.line << ": input needs a table name";
      world.inputs[b.args[0]] = b.expected;
    } else if (b.kind == "query") {
      bool sort = b.args.empty() || b.args[0] != "nosort";
      if (!compile_and_run(script + b.sql, b)) continue;
      compare(world.outputs["__query"], b.expected, sort, b);
    } else if (b.kind == "run" && !b.args.empty() && b.args[0] == "error") {
      auto compiled = CompileScript(script + b.sql, fs::path(path).filename().string(), options);
      if (!compiled.ok()) {
        ADD_FAILURE() << path << ":" << b.line << ": " << compiled.status().message();
        continue;
      }
      std::atomic<bool> stop{false};
      Status s = (*compiled)->pipeline().Open();
      if (s.ok()) s = (*compiled)->pipeline().Run(stop);
      std::string want;
      for (const auto& l : b.expected) want += (want.empty() ? "" : "\n") + l;
      EXPECT_FALSE(s.ok()) << path << ":" << b.line << ": expected the run to fail";
      EXPECT_NE(s.message().find(want), std::string::npos)
          << path << ":" << b.line << ": error was:\n" << s.message() << "\nexpected:\n" << want;
    } else if (b.kind == "run") {
      compile_and_run(script + b.sql, b);
    } else if (b.kind == "output") {
      ASSERT_FALSE(b.args.empty()) << path << ":" << b.line << ": output needs a table name";
      bool sort = b.args.size() < 2 || b.args[1] != "nosort";
      compare(world.outputs[b.args[0]], b.expected, sort, b);
    } else {
      ADD_FAILURE() << path << ":" << b.line << ": unknown block '" << b.kind << "'";
    }
  }
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(SLUICE_SOURCE_DIR "/test/sql")) {
    if (e.is_regular_file() && e.path().extension() == ".test") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string rel = fs::relative(info.param, SLUICE_SOURCE_DIR "/test/sql").string();
  for (char& c : rel) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return rel;
}

INSTANTIATE_TEST_SUITE_P(Files, SqlLogicTest, ::testing::ValuesIn(TestFiles()), TestName);

}  // namespace
}  // namespace sluice
