#include "connector/filesystem/file_commit_log.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "common/durable_file.h"
#include "connector/source_offsets_json.h"
#include "format/json_encoder.h"

namespace sluice {
namespace fs = std::filesystem;

namespace {

// Entries kept: only the newest can need its renames finished; a few more help someone reading
// the log by hand.
constexpr size_t kKeptEntries = 10;

std::optional<int64_t> EpochOfEntry(const std::string& name) {
  if (!name.ends_with(".json") || name.starts_with(".")) return std::nullopt;
  int64_t epoch = -1;
  const char* last = name.data() + name.size() - 5;
  auto [end, ec] = std::from_chars(name.data(), last, epoch);
  if (ec != std::errc() || end != last || epoch < 0) return std::nullopt;
  return epoch;
}

Result<FileCommitLog::Entry> ReadEntry(const fs::path& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  FileCommitLog::Entry entry;
  simdjson::dom::array files;
  simdjson::dom::object positions;
  if (parser.load(path.string()).get(doc) || doc["epoch"].get(entry.epoch) ||
      doc["files"].get(files) || doc["positions"].get(positions) ||
      !ReadSourceOffsetsJson(positions, entry.positions)) {
    return Status::IOError("the file sink's commit log entry {} is damaged; move the folder's "
                           "_sluice_log aside only if you know which files it should list",
                           path.string());
  }
  for (simdjson::dom::element f : files) {
    std::string_view name;
    if (f.get(name) || name.starts_with("/") || name.find("..") != std::string_view::npos) {
      return Status::IOError("the file sink's commit log entry {} names a file badly", path.string());
    }
    entry.files.emplace_back(name);
  }
  return entry;
}

}  // namespace

FileCommitLog::FileCommitLog(fs::path folder) : folder_(std::move(folder)), log_(folder_ / "_sluice_log") {}

Status FileCommitLog::Recover() {
  std::error_code ec;
  fs::create_directories(log_, ec);
  if (ec) return Status::IOError("cannot create {}: {}", log_.string(), ec.message());
  for (fs::directory_iterator it(log_, ec), end; !ec && it != end; it.increment(ec)) {
    if (auto epoch = EpochOfEntry(it->path().filename().string())) epochs_.push_back(*epoch);
  }
  if (ec) return Status::IOError("cannot list {}: {}", log_.string(), ec.message());
  std::sort(epochs_.begin(), epochs_.end());
  if (!epochs_.empty()) {
    SLUICE_ASSIGN_OR_RETURN(Entry newest, ReadEntry(log_ / fmt::format("{}.json", epochs_.back())));
    last_epoch_ = newest.epoch;
    positions_ = newest.positions;
    // A crash between the entry and the renames: the epoch is committed, so finish them.
    SLUICE_RETURN_NOT_OK(Publish(newest));
  }
  // Hidden files of epochs that never reached the log (partition folders included): their rows
  // are read again.
  std::vector<fs::path> stale;
  for (fs::recursive_directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && name == "_sluice_log") {
      it.disable_recursion_pending();
    } else if (name.starts_with(".part-") && name.ends_with(".inprogress")) {
      stale.push_back(it->path());
    }
  }
  if (ec) return Status::IOError("cannot list {}: {}", folder_.string(), ec.message());
  for (const auto& path : stale) {
    if (!fs::remove(path, ec) && ec) {
      return Status::IOError("cannot delete the uncommitted {}: {}", path.string(), ec.message());
    }
  }
  return Status::OK();
}

Status FileCommitLog::Append(const Entry& entry) {
  std::string json = fmt::format("{{\"epoch\":{},\"files\":[", entry.epoch);
  for (size_t i = 0; i < entry.files.size(); ++i) {
    if (i) json += ',';
    AppendJsonString(entry.files[i], json);
  }
  json += "],\"positions\":";
  AppendSourceOffsetsJson(entry.positions, json);
  json += "}\n";
  const fs::path path = log_ / fmt::format("{}.json", entry.epoch);
  const fs::path tmp = log_ / fmt::format(".{}.json.tmp", entry.epoch);
  SLUICE_RETURN_NOT_OK(WriteFileDurably(tmp, json));
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot commit {}: {}", path.string(), ec.message());
  SLUICE_RETURN_NOT_OK(SyncDirectory(log_));
  last_epoch_ = entry.epoch;
  positions_ = entry.positions;
  epochs_.push_back(entry.epoch);
  while (epochs_.size() > kKeptEntries) {
    fs::remove(log_ / fmt::format("{}.json", epochs_.front()), ec);
    epochs_.erase(epochs_.begin());
  }
  return Status::OK();
}

Status FileCommitLog::Publish(const Entry& entry) {
  std::set<fs::path> folders;
  for (const auto& name : entry.files) {
    const fs::path hidden = folder_ / HiddenName(name);
    std::error_code ec;
    if (!fs::exists(hidden, ec)) continue;  // published before
    fs::rename(hidden, folder_ / name, ec);
    if (ec) {
      return Status::IOError("cannot publish {} as {}: {}", hidden.string(), (folder_ / name).string(),
                             ec.message());
    }
    folders.insert((folder_ / name).parent_path());
  }
  if (!folders.empty()) folders.insert(folder_);  // partition folders made in this epoch
  for (const auto& folder : folders) SLUICE_RETURN_NOT_OK(SyncDirectory(folder));
  return Status::OK();
}

}  // namespace sluice
