// `sluice spill list|replay`: what sinks have spilled to local disk while their database was
// down, and delivering it by hand (a running pipeline replays by itself).
#include <CLI/CLI.hpp>

#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.h"
#include "common/process_lock.h"
#include "common/secrets.h"
#include "common/stop_request.h"
#include "connector/spill/spill_store.h"
#include "plan/compiler.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

std::string OffsetsText(const SourceOffsets& offsets) {
  std::string text;
  for (const auto& [origin, partitions] : offsets) {
    for (const auto& [partition, offset] : partitions) {
      text += fmt::format("{}{}/{}@{}", text.empty() ? "" : ", ", origin, partition, offset);
    }
  }
  return text.empty() ? "-" : text;
}

int List(const std::string& root, bool verbose) {
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    fmt::print("no spill folder at {}: nothing is spilled\n", root);
    return 0;
  }
  int folders = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (entry.path().filename() != "manifest.json") continue;
    fs::path dir = entry.path().parent_path();
    auto segments = SpillStore::ReadManifest(dir);
    if (!segments.ok()) {
      fmt::print(stderr, "error: {}\n", ScrubSecrets(segments.status().message()));
      return 1;
    }
    ++folders;
    uint64_t rows = 0, bytes = 0;
    for (const auto& s : *segments) {
      rows += s.rows;
      bytes += s.bytes;
    }
    fmt::print("{}: {} batches, {} rows, {} bytes{}\n", dir.string(), segments->size(), rows,
               bytes, segments->empty() ? " (empty)" : "");
    if (verbose) {
      for (const auto& s : *segments) {
        fmt::print("  {}  {} rows  {} bytes  covers {}\n", s.file, s.rows, s.bytes,
                   OffsetsText(s.progress));
      }
    }
  }
  if (folders == 0) fmt::print("no spilled batches under {}\n", root);
  return 0;
}

int Replay(const std::string& file) {
  auto compiled = CompileFile(file, CompileOptions{});
  if (!compiled.ok()) {
    fmt::print(stderr, "{}\n", ScrubSecrets(compiled.status().message()));
    return 2;
  }
  InstallStopSignalHandlers();  // a stop ends the replay between two batches
  Pipeline& pipeline = (*compiled)->pipeline();
  // A running pipeline replays its spill by itself: two replays at once would deliver twice.
  auto lock = ProcessLock::Acquire(
      (std::filesystem::path(pipeline.options().state_dir) / (pipeline.name() + ".lock")).string(),
      fmt::format("pipeline '{}'", pipeline.name()));
  if (!lock.ok()) {
    fmt::print(stderr, "{}\n", ScrubSecrets(lock.status().message()));
    return 1;
  }
  std::vector<SinkOperator*> sinks = pipeline.sinks();
  for (const auto& w : pipeline.dead_letter_writers()) sinks.push_back(&w->sink());
  int failures = 0;
  for (SinkOperator* sink : sinks) {
    Status opened = sink->Open();
    if (!opened.ok()) {
      fmt::print(stderr, "{}: {}\n", sink->table_name(), ScrubSecrets(opened.message()));
      ++failures;
      continue;
    }
    auto left = sink->sink().ReplaySpilled();
    if (!left.ok()) {
      fmt::print(stderr, "{}: {}\n", sink->table_name(), ScrubSecrets(left.status().message()));
      ++failures;
    } else if (*left > 0) {
      fmt::print("{}: {} rows still spilled ({})\n", sink->table_name(), *left,
                 StopRequested() ? "stopped by request; replay again to deliver them"
                                 : "the database did not take them; see the log");
      ++failures;
    } else {
      std::string counters = sink->counters();
      fmt::print("{}: nothing left spilled{}\n", sink->table_name(),
                 counters.empty() ? "" : " (" + counters + ")");
    }
    (void)sink->sink().Close();
  }
  return failures ? 1 : 0;
}

}  // namespace

void RegisterSpillCommands(CLI::App& app) {
  static std::string root = ".sluice/spill";
  static std::string file;
  static bool verbose = false;
  auto* spill = app.add_subcommand(
      "spill",
      "Batches sinks spilled to local disk while their database was down (a running pipeline "
      "replays them by itself once the database is back)");
  spill->require_subcommand(1);
  auto* list = spill->add_subcommand("list", "Show the spill folders, their batches and rows");
  list->add_option("--dir", root, "The spill root (default .sluice/spill, where sinks spill by default)");
  list->add_flag("-v,--verbose", verbose, "One line per batch, with the source offsets it covers");
  list->callback([] { SetExitCode(List(root, verbose)); });
  auto* replay = spill->add_subcommand(
      "replay", "Deliver the spilled batches of a pipeline's sinks now, in order, and exit");
  replay->add_option("file", file, "The pipeline's SQL file (its sinks say where they spill)")
      ->required()
      ->check(CLI::ExistingFile);
  replay->callback([] { SetExitCode(Replay(file)); });
}

}  // namespace sluice::cli
