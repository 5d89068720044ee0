// `sluice run`, `sluice explain`, `sluice validate` and `sluice reconcile`: the verbs that take
// a SQL file.
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "cli/terminal_output.h"
#include "exec/metrics_hub.h"
#include "server/http_server.h"
#include "common/process_lock.h"
#include "common/secrets.h"
#include "common/stop_request.h"
#include "exec/reconciliation_counts.h"
#include "plan/compiler.h"

namespace sluice::cli {
namespace {

std::atomic<bool>& stop_requested = StopRequestedFlag();

struct ScriptArgs {
  std::string file;
  std::vector<std::string> sets;
  bool bounded = false;
  std::string http;  // --http HOST:PORT
  bool quiet = false;
  std::string log_format = "text";
};

void AddScriptArgs(CLI::App* cmd, ScriptArgs& args) {
  cmd->add_option("file", args.file, "The pipeline's SQL file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", args.sets,
                  "Set a configuration key before the script runs, as KEY=VALUE (repeatable); "
                  "overrides the script's own SET statements");
}

Result<std::unique_ptr<CompiledScript>> Compile(const ScriptArgs& args) {
  CompileOptions options;
  for (const auto& s : args.sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Invalid("--set expects KEY=VALUE, found '{}'", s);
    }
    options.settings[s.substr(0, eq)] = s.substr(eq + 1);
  }
  options.bounded = args.bounded;
  return CompileFile(args.file, options);
}

int ReportError(const Status& status) {
  // Script errors arrive formatted as "file:line:col: error: ..." with a caret; others get a prefix.
  const std::string message = ScrubSecrets(status.message());
  bool located = message.find(": error: ") < message.find('\n');
  if (TerminalOutput::Get().log_format() == LogFormat::kJson) {
    spdlog::error("{}", message);
  } else {
    fmt::print(stderr, "{}{}\n", located ? "" : "error: ", message);
  }
  return status.code() == StatusCode::kInvalidArgument || status.code() == StatusCode::kParseError
             ? 2
             : 1;
}

// `sluice reconcile`: what the pipeline accounted for at its last checkpoint against what its
// sources hold. Exit 0 in balance, 3 lagging (records not consumed yet), 4 records unaccounted.
int Reconcile(CompiledScript& compiled) {
  Pipeline& pipeline = compiled.pipeline();
  const auto path = ReconciliationCounts::PathFor(pipeline.options().state_dir, pipeline.name());
  auto loaded = ReconciliationCounts::Load(path);
  if (!loaded.ok()) return ReportError(loaded.status());
  if (!*loaded) {
    fmt::print("pipeline '{}' has not completed a checkpoint yet ({} does not exist): run it "
               "first\n",
               pipeline.name(), path.string());
    return 1;
  }
  const ReconciliationCounts& counts = **loaded;
  fmt::print("pipeline '{}', as of its last checkpoint ({} UTC):\n", pipeline.name(), counts.updated);
  int64_t unaccounted = 0, lag = 0;
  bool lag_at_least = false;
  for (const auto& task : pipeline.sources()) {
    auto it = counts.sources.find(task.table_name);
    const ReconciliationCounts::Source s =
        it == counts.sources.end() ? ReconciliationCounts::Source{} : it->second;
    fmt::print("source {}: read {} = decoded {} + dead-lettered {} + skipped as malformed {}{}\n",
               task.table_name, s.read, s.decoded, s.dead_lettered, s.skipped,
               s.already_delivered
                   ? fmt::format(" + replayed dead letters already delivered {}", s.already_delivered)
                   : "");
    unaccounted += std::abs(s.unaccounted());
    auto backlog = task.source->Backlog();
    if (!backlog.ok()) return ReportError(backlog.status().WithContext("source '" + task.table_name + "'"));
    if (!*backlog) {
      fmt::print("  {}: how much is left cannot be measured\n", task.source->Describe());
      continue;
    }
    int64_t behind = 0;
    std::string parts;
    for (const auto& p : **backlog) {
      behind += p.records;
      lag_at_least = lag_at_least || p.at_least;
      parts += fmt::format("{}{}: {}{}", parts.empty() ? "" : ", ", p.partition,
                           p.at_least ? "at least " : "", p.records);
    }
    lag += behind;
    fmt::print("  {} records after the committed offsets (partition: records {})\n", behind, parts);
  }
  for (const auto& [name, trail] : counts.paths) {
    // Each INSERT's trail of the source's records: to the sink, dropped on the way, or into an
    // operator that keeps them (an aggregation's state) and whose output the sink counts.
    std::string parts = fmt::format("reached the sink {}", trail.arrived);
    if (!trail.into.empty()) parts = fmt::format("went into the {} {}", trail.into, trail.into_rows);
    for (const char* reason : {"filtered", "late"}) {
      auto it = trail.dropped.find(reason);
      parts += fmt::format(" + {} {}", reason == std::string("filtered") ? "filtered by WHERE" : "late",
                           it == trail.dropped.end() ? 0 : it->second);
    }
    for (const auto& [reason, rows] : trail.dropped) {
      if (reason == "filtered" || reason == "late" || rows == 0) continue;
      parts += fmt::format(" + {} {}", reason == "null-time" ? "without an event time"
                                       : reason == "already-written" ? "already written before a restart"
                                                                     : reason,
                           rows);
    }
    fmt::print("{}: decoded {} = {}\n", name, trail.decoded, parts);
    if (trail.unaccounted() != 0) {
      fmt::print("  {} of them unaccounted\n", trail.unaccounted());
      unaccounted += std::abs(trail.unaccounted());
    }
  }
  for (const auto& [name, sink] : counts.sinks) {
    fmt::print("sink {}: {} rows written{}\n", name, sink.written,
               sink.rejected ? fmt::format(", {} rows it cannot store left out", sink.rejected) : "");
  }
  if (unaccounted > 0) {
    fmt::print("{} unaccounted\n", unaccounted);
    return 4;
  }
  if (lag > 0) {
    fmt::print("lagging by {}{}\n", lag_at_least ? "at least " : "", lag);
    return 3;
  }
  fmt::print("in balance\n");
  return 0;
}

}  // namespace

void RegisterScriptCommands(CLI::App& app) {
  static ScriptArgs run_args, explain_args, validate_args, reconcile_args;

  auto* run = app.add_subcommand(
      "run",
      "Run the pipeline of a SQL file: until its bounded sources end, or until Ctrl-C for "
      "unbounded ones (a clean stop that commits every sink), then print a summary of records "
      "in, out and dead-lettered");
  AddScriptArgs(run, run_args);
  run->add_flag("--bounded", run_args.bounded,
                "Read each Kafka source up to the end offsets it finds at start, then stop (a "
                "batch run of a streaming script; same as 'scan.bounded.mode' = 'latest-offset')");
  run->add_option("--http", run_args.http,
                  "Serve the pipeline's metrics while it runs: Prometheus /metrics, /api/pipeline "
                  "(JSON), /healthz, /readyz and the web UI at /, on HOST:PORT, :PORT or PORT "
                  "(host 127.0.0.1; port 0 picks a free one). Same as SET 'rest.port'")
      ->type_name("ADDRESS");
  run->add_flag("--quiet", run_args.quiet,
                "No live status line (it is shown only when stderr is a terminal anyway)");
  run->add_option("--log-format", run_args.log_format,
                  "'text' (default) or 'json': one JSON object per log line, for log shippers")
      ->check(CLI::IsMember({"text", "json"}));
  run->callback([] {
    auto& terminal = TerminalOutput::Get();
    if (run_args.log_format == "json") terminal.ConfigureLogging(LogFormat::kJson);
    auto compiled = Compile(run_args);
    if (!compiled.ok()) return SetExitCode(ReportError(compiled.status()));
    InstallStopSignalHandlers();
    // One process per pipeline and working folder: its spill and state folders are here.
    const PipelineOptions& first_options = (*compiled)->pipeline().options();
    auto lock = ProcessLock::Acquire(
        (std::filesystem::path(first_options.state_dir) / ((*compiled)->pipeline().name() + ".lock"))
            .string(),
        fmt::format("pipeline '{}'", (*compiled)->pipeline().name()));
    if (!lock.ok()) return SetExitCode(ReportError(lock.status()));
    // Metrics: published only when someone looks (the HTTP endpoint, the status line).
    std::string http_address = run_args.http;
    if (http_address.empty() && first_options.rest_port >= 0) {
      http_address = fmt::format("{}:{}", first_options.rest_bind_address, first_options.rest_port);
    }
    const bool status_line = !run_args.quiet && isatty(STDERR_FILENO) &&
                             terminal.log_format() == LogFormat::kText;
    std::unique_ptr<MetricsHub> hub;
    std::unique_ptr<server::HttpServer> http;
    if (!http_address.empty() || status_line) {
      hub = std::make_unique<MetricsHub>((*compiled)->pipeline().name());
      hub->NoteBounded(run_args.bounded);
    }
    if (!http_address.empty()) {
      auto started_server = server::HttpServer::Start(http_address, hub.get());
      if (!started_server.ok()) {
        return SetExitCode(ReportError(started_server.status().WithContext("--http / 'rest.port'")));
      }
      http = std::move(*started_server);
      spdlog::info("web UI at {} (Prometheus metrics at {}metrics, JSON at {}api/pipeline)", http->url(),
                   http->url(), http->url());
    }
    if (status_line) terminal.StartStatusLine(hub.get());
    // Whichever way the run ends, the status line stops before the hub it reads goes.
    struct StatusLineStop {
      ~StatusLineStop() { TerminalOutput::Get().StopStatusLine(); }
    } status_line_stop;
    auto started = std::chrono::steady_clock::now();
    uint64_t records = 0;
    int restarts = 0;
    bool ever_opened = false;
    Status status;
    while (true) {
      Pipeline& pipeline = (*compiled)->pipeline();
      pipeline.AttachMetrics(hub.get());
      status = pipeline.Open();
      bool opened = status.ok();
      ever_opened = ever_opened || opened;
      if (opened) status = pipeline.Run(stop_requested);
      if (opened) terminal.Print(pipeline.Summary());
      uint64_t read = 0;
      for (const auto& task : pipeline.sources()) read += task.records_read;
      records += read;
      const PipelineOptions& options = pipeline.options();
      if (status.ok() || stop_requested || !status.IsRetryable()) break;
      // A pipeline that never got its sources and sinks open gives up once the start-up
      // timeout has passed, however many restarts are left.
      const auto waited = std::chrono::steady_clock::now() - started;
      if (!ever_opened && waited >= std::chrono::milliseconds(options.startup_timeout_ms)) {
        status = status.WithContext(fmt::format(
            "the pipeline did not start within {} s ('pipeline.startup-timeout')",
            options.startup_timeout_ms / 1000));
        break;
      }
      // A checkpoint since the last failure means the cause was passing: start counting
      // afresh. Reading records is not enough: a record that fails every attempt is read again
      // by each one.
      if (pipeline.batch_id() > 0) restarts = 0;
      if (restarts >= options.restart_attempts) {
        status = status.WithContext(
            fmt::format("giving up after {} restarts ('pipeline.restart-attempts')", restarts));
        break;
      }
      ++restarts;
      if (hub) hub->NoteRestarting(status.message(), pipeline.checkpoint_in_flight());
      spdlog::warn("pipeline failed: {}; restarting from the last checkpoint in {} ms "
                   "(restart {} of {})",
                   status.message(), options.restart_delay_ms, restarts, options.restart_attempts);
      const int64_t delay_ms = options.restart_delay_ms;
      (*compiled).reset();  // closes every connection before the new instance opens its own
      SleepUnlessStopped(std::chrono::milliseconds(delay_ms));
      if (stop_requested) break;
      compiled = Compile(run_args);
      if (!compiled.ok()) return SetExitCode(ReportError(compiled.status()));
    }
    if (hub) {
      hub->NoteEnded(!status.ok() ? "failed" : stop_requested ? "stopped" : "finished",
                     status.ok() ? "" : status.message());
    }
    terminal.StopStatusLine();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double cpu = ProcessCpuSeconds();
    terminal.Print(fmt::format("{} records in {:.2f} s ({:.2f} CPU-s of sluice: {:.0f} records per CPU-second)\n",
                               records, seconds, cpu, cpu > 0 ? static_cast<double>(records) / cpu : 0.0));
    if (stop_requested && !ever_opened) {
      // Stopped while waiting for a service at start: nothing was read, nothing to commit.
      terminal.Print(fmt::format("stopped by request before the pipeline started{}\n",
                                 status.ok() ? "" : " (" + status.message() + ")"));
      return;
    }
    if (!status.ok()) return SetExitCode(ReportError(status));
    if (stop_requested) terminal.Print("stopped by request; every sink committed\n");
  });

  auto* explain = app.add_subcommand("explain", "Print the plan of a SQL file without running it");
  AddScriptArgs(explain, explain_args);
  explain->callback([] {
    auto compiled = Compile(explain_args);
    if (!compiled.ok()) return SetExitCode(ReportError(compiled.status()));
    fmt::print("{}", ScrubSecrets((*compiled)->Explain()));
  });

  auto* validate = app.add_subcommand(
      "validate", "Check a SQL file: syntax, names, types and connector options; runs nothing");
  AddScriptArgs(validate, validate_args);
  validate->callback([] {
    auto compiled = Compile(validate_args);
    if (!compiled.ok()) return SetExitCode(ReportError(compiled.status()));
    fmt::print("{}: OK ({} statements)\n", validate_args.file, (*compiled)->num_statements());
  });

  auto* reconcile = app.add_subcommand(
      "reconcile",
      "Compare what the pipeline of a SQL file accounted for at its last checkpoint (records "
      "read = decoded + dead-lettered + skipped, rows written per sink; kept in the state "
      "folder) with the records its Kafka sources still hold after the committed offsets. "
      "Prints 'in balance' (exit 0), 'lagging by N' (exit 3) or 'N unaccounted' (exit 4)");
  AddScriptArgs(reconcile, reconcile_args);
  reconcile->callback([] {
    auto compiled = Compile(reconcile_args);
    if (!compiled.ok()) return SetExitCode(ReportError(compiled.status()));
    SetExitCode(Reconcile(**compiled));
  });
}

}  // namespace sluice::cli
