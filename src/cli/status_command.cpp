// `sluice status`: the numbers of a running pipeline, read from its HTTP endpoint
// (`sluice run --http`), as a few lines of text or the raw JSON.
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <simdjson.h>

#include <cstdio>
#include <ctime>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "exec/metrics_hub.h"

namespace sluice::cli {
namespace {

struct StatusArgs {
  std::string http = "http://127.0.0.1:8080";
  bool json = false;
  int timeout_s = 5;
};

// "8080", ":8080", "host:8080" or "http://host:8080[/]" -> "http://host:8080".
std::string BaseUrl(std::string address) {
  while (!address.empty() && address.back() == '/') address.pop_back();
  if (address.find("://") != std::string::npos) return address;
  if (address.find(':') == std::string::npos) return "http://127.0.0.1:" + address;
  if (address.front() == ':') return "http://127.0.0.1" + address;
  return "http://" + address;
}

std::string Ago(int64_t unix_ms) {
  const double s = static_cast<double>(UnixMillisNow() - unix_ms) / 1000.0;
  if (s < 90) return fmt::format("{:.1f} s", s);
  if (s < 5400) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

std::string TimeText(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return fmt::format("{}.{:03d}", text, static_cast<int>(((unix_ms % 1000) + 1000) % 1000));
}

// Reads a field that may be null.
template <typename T>
bool Get(simdjson::dom::element e, const char* key, T& out) {
  auto v = e[key];
  if (v.error() || v.is_null()) return false;
  return v.get(out) == simdjson::SUCCESS;
}

uint64_t U(simdjson::dom::element e, const char* key) {
  uint64_t v = 0;
  Get(e, key, v);
  return v;
}

std::string S(simdjson::dom::element e, const char* key) {
  std::string_view v;
  Get(e, key, v);
  return std::string(v);
}

int PrintStatus(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) {
    fmt::print(stderr, "error: the endpoint did not answer with the pipeline's JSON\n");
    return 1;
  }
  const std::string state = S(doc, "state");
  int64_t started = 0;
  Get(doc, "started_unix_ms", started);
  fmt::print("pipeline {}: {}, started {} ago, {} restarts\n", S(doc, "pipeline"), state,
             Ago(started), U(doc, "restarts"));
  if (!S(doc, "last_error").empty()) fmt::print("  last error: {}\n", S(doc, "last_error"));
  double in = 0, out = 0, cpu = 0;
  Get(doc["rates"], "records_in_per_second", in);
  Get(doc["rates"], "rows_out_per_second", out);
  Get(doc, "cpu_seconds", cpu);
  fmt::print("  {:.0f} records/s in, {:.0f} rows/s out; {:.2f} CPU-s, {:.1f} MiB resident\n", in, out,
             cpu, static_cast<double>(U(doc, "rss_bytes")) / (1024.0 * 1024.0));
  simdjson::dom::array sources;
  if (doc["sources"].get(sources) == simdjson::SUCCESS) {
    for (auto s : sources) {
      std::string letters;
      simdjson::dom::object kinds;
      if (s["dead_letters"].get(kinds) == simdjson::SUCCESS) {
        for (auto [kind, n] : kinds) {
          uint64_t count = 0;
          if (n.get(count) == simdjson::SUCCESS && count > 0) {
            letters += fmt::format("{}{} {}", letters.empty() ? "" : ", ", count, kind);
          }
        }
      }
      fmt::print("source {}: {} read, {} decoded, dead letters: {}{}\n", S(s, "table"), U(s, "read"),
                 U(s, "decoded"), letters.empty() ? "none" : letters,
                 s["finished"].get_bool().value_unsafe() ? " (finished)" : "");
      int64_t watermark = 0;
      if (Get(s, "watermark_unix_ms", watermark)) fmt::print("  watermark {}\n", TimeText(watermark));
      simdjson::dom::array partitions;
      if (s["partitions"].get(partitions) != simdjson::SUCCESS) continue;
      for (auto p : partitions) {
        int64_t position = -1, end = -1, lag = -1, stop_at = -1;
        double lag_seconds = -1;
        Get(p, "position", position);
        Get(p, "end", end);
        Get(p, "lag", lag);
        Get(p, "stop_at", stop_at);
        Get(p, "lag_seconds", lag_seconds);
        std::string line = fmt::format("  {} partition {}: position {}, end {}", S(s, "topic"),
                                       U(p, "partition"), position >= 0 ? std::to_string(position) : "-",
                                       end >= 0 ? std::to_string(end) : "-");
        if (lag >= 0) line += fmt::format(", lag {}", lag);
        if (lag > 0 && lag_seconds > 0) line += fmt::format(" ({:.1f} s)", lag_seconds);
        if (stop_at >= 0) line += fmt::format(", stops at {}", stop_at);
        if (Get(p, "watermark_unix_ms", watermark)) line += ", watermark " + TimeText(watermark);
        fmt::print("{}\n", line);
      }
    }
  }
  simdjson::dom::array sinks;
  if (doc["sinks"].get(sinks) == simdjson::SUCCESS) {
    for (auto s : sinks) {
      std::string line = fmt::format("{} {}: {} rows written, {} commits",
                                     s["dead_letter_table"].get_bool().value_unsafe() ? "dead letters" : "sink",
                                     S(s, "table"), U(s, "rows_written"), U(s, "commits"));
      if (U(s, "rows_spilled") > 0 || U(s, "rows_in_spill") > 0) {
        line += fmt::format("; spilled {}, replayed {}, {} rows ({} bytes) in the spill folder",
                            U(s, "rows_spilled"), U(s, "rows_replayed"), U(s, "rows_in_spill"),
                            U(s, "bytes_in_spill"));
      }
      fmt::print("{}\n", line);
    }
  }
  simdjson::dom::element c, b;
  if (doc["checkpoints"].get(c) != simdjson::SUCCESS || doc["balance"].get(b) != simdjson::SUCCESS) {
    fmt::print(stderr, "error: the endpoint's JSON has no checkpoints or balance\n");
    return 1;
  }
  int64_t last = 0;
  if (Get(c, "last_success_unix_ms", last)) {
    fmt::print("checkpoints: {} completed, the last {} ago; {} failed\n", U(c, "completed"), Ago(last),
               U(c, "failed"));
  } else {
    fmt::print("checkpoints: none completed yet; {} failed\n", U(c, "failed"));
  }
  int64_t unaccounted = 0;
  Get(b, "unaccounted", unaccounted);
  fmt::print("reconciliation: {} read, {} accounted for{}\n", U(b, "read"), U(b, "accounted"),
             unaccounted == 0 ? " (in balance)" : fmt::format(", {} unaccounted", unaccounted));
  return state == "failed" ? 3 : 0;
}

}  // namespace

void RegisterStatusCommand(CLI::App& app) {
  static StatusArgs args;
  auto* status = app.add_subcommand(
      "status",
      "Print the numbers of a pipeline running with `sluice run --http`: state, records/s, "
      "lag and watermark per partition, rows per sink, spill, checkpoints, reconciliation. Exit "
      "0 when it answers, 1 when it cannot be reached, 3 when the pipeline has failed");
  status->add_option("--http", args.http,
                     "The address `sluice run --http` serves on: URL, HOST:PORT, :PORT or PORT")
      ->capture_default_str()
      ->type_name("ADDRESS");
  status->add_flag("--json", args.json, "Print the endpoint's /api/pipeline JSON as it is");
  status->add_option("--timeout", args.timeout_s, "Seconds to wait for an answer")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
  status->callback([] {
    const std::string base = BaseUrl(args.http);
    httplib::Client client(base);
    client.set_connection_timeout(args.timeout_s, 0);
    client.set_read_timeout(args.timeout_s, 0);
    auto res = client.Get("/api/pipeline");
    if (!res) {
      fmt::print(stderr,
                 "error: no pipeline answers at {} ({}): is `sluice run --http` running there?\n",
                 base, httplib::to_string(res.error()));
      return SetExitCode(1);
    }
    if (res->status != 200) {
      fmt::print(stderr, "error: {}/api/pipeline answered HTTP {}\n", base, res->status);
      return SetExitCode(1);
    }
    if (args.json) {
      fmt::print("{}\n", res->body);
      return;
    }
    SetExitCode(PrintStatus(res->body));
  });
}

}  // namespace sluice::cli
