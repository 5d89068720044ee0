#include "exec/reconciliation_counts.h"

#include <simdjson.h>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include <fmt/format.h>

#include "format/json_encoder.h"

namespace sluice {
namespace fs = std::filesystem;

void ReconciliationCounts::Add(const ReconciliationCounts& other) {
  for (const auto& [name, s] : other.sources) {
    Source& mine = sources[name];
    mine.read += s.read;
    mine.decoded += s.decoded;
    mine.dead_lettered += s.dead_lettered;
    mine.skipped += s.skipped;
    mine.already_delivered += s.already_delivered;
  }
  for (const auto& [name, s] : other.sinks) {
    sinks[name].written += s.written;
    sinks[name].rejected += s.rejected;
  }
  for (const auto& [name, p] : other.paths) {
    Path& mine = paths[name];
    mine.decoded += p.decoded;
    mine.arrived += p.arrived;
    for (const auto& [reason, rows] : p.dropped) mine.dropped[reason] += rows;
    if (!p.into.empty()) mine.into = p.into;
    mine.into_rows += p.into_rows;
  }
}

fs::path ReconciliationCounts::PathFor(const std::string& state_dir, const std::string& pipeline) {
  return fs::path(state_dir) / pipeline / "reconciliation.json";
}

Status ReconciliationCounts::Save(const fs::path& path) const {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
  std::string json = fmt::format("{{\"updated\":\"{}\",\"sources\":{{", when);
  bool first = true;
  for (const auto& [name, s] : sources) {
    json += first ? "" : ",";
    first = false;
    AppendJsonString(name, json);
    json += fmt::format(":{{\"read\":{},\"decoded\":{},\"dead_lettered\":{},\"skipped\":{},"
                        "\"already_delivered\":{}}}",
                        s.read, s.decoded, s.dead_lettered, s.skipped, s.already_delivered);
  }
  json += "},\"sinks\":{";
  first = true;
  for (const auto& [name, s] : sinks) {
    json += first ? "" : ",";
    first = false;
    AppendJsonString(name, json);
    json += fmt::format(":{{\"written\":{},\"rejected\":{}}}", s.written, s.rejected);
  }
  json += "},\"paths\":{";
  first = true;
  for (const auto& [name, p] : paths) {
    json += first ? "" : ",";
    first = false;
    AppendJsonString(name, json);
    json += fmt::format(":{{\"decoded\":{},\"arrived\":{},\"into\":", p.decoded, p.arrived);
    AppendJsonString(p.into, json);
    json += fmt::format(",\"into_rows\":{},\"dropped\":{{", p.into_rows);
    bool first_reason = true;
    for (const auto& [reason, rows] : p.dropped) {
      json += first_reason ? "" : ",";
      first_reason = false;
      AppendJsonString(reason, json);
      json += fmt::format(":{}", rows);
    }
    json += "}}";
  }
  json += "}}\n";
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  // Its own temporary name: a process is the only writer of its pipeline's folder (the
  // pipeline lock), but tests and tools may run pipelines of one name side by side.
  const fs::path tmp = path.string() + "." + std::to_string(getpid()) + ".tmp";
  // Replaced atomically but not fsynced: the pipeline's thread does not wait on the disk at
  // each checkpoint for counts that a crash of the process keeps anyway (the page cache
  // survives kill -9); only a power loss could leave the previous checkpoint's counts.
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << json;
    if (!out.flush()) return Status::IOError("cannot write {}", tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot replace {}: {}", path.string(), ec.message());
  return Status::OK();
}

Result<std::optional<ReconciliationCounts>> ReconciliationCounts::Load(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<ReconciliationCounts>{};
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ReconciliationCounts counts;
  simdjson::dom::object sources, sinks;
  std::string_view updated;
  auto damaged = [&] {
    return Status::IOError("{} is damaged; delete it to count from the next checkpoint on",
                           path.string());
  };
  if (parser.load(path.string()).get(doc) || doc["sources"].get(sources) ||
      doc["sinks"].get(sinks) || doc["updated"].get(updated)) {
    return damaged();
  }
  counts.updated = std::string(updated);
  for (auto [name, value] : sources) {
    Source& s = counts.sources[std::string(name)];
    if (value["read"].get(s.read) || value["decoded"].get(s.decoded) ||
        value["dead_lettered"].get(s.dead_lettered) || value["skipped"].get(s.skipped) ||
        value["already_delivered"].get(s.already_delivered)) {
      return damaged();
    }
  }
  for (auto [name, value] : sinks) {
    Sink& s = counts.sinks[std::string(name)];
    if (value["written"].get(s.written) || value["rejected"].get(s.rejected)) return damaged();
  }
  simdjson::dom::object paths;
  if (doc["paths"].get(paths) == simdjson::SUCCESS) {  // counts of earlier builds have none
    for (auto [name, value] : paths) {
      Path& p = counts.paths[std::string(name)];
      std::string_view into;
      simdjson::dom::object dropped;
      if (value["decoded"].get(p.decoded) || value["arrived"].get(p.arrived) ||
          value["into"].get(into) || value["into_rows"].get(p.into_rows) ||
          value["dropped"].get(dropped)) {
        return damaged();
      }
      p.into = std::string(into);
      for (auto [reason, rows] : dropped) {
        if (rows.get(p.dropped[std::string(reason)])) return damaged();
      }
    }
  }
  return std::optional<ReconciliationCounts>(std::move(counts));
}

}  // namespace sluice
