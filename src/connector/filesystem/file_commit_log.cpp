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
  auto bad_name = [&](std::string_view name) {
    return name.empty() || name.starts_with("/") || name.find("..") != std::string_view::npos;
  };
  for (simdjson::dom::element f : files) {
    std::string_view name;
    if (f.get(name) || bad_name(name)) {
      return Status::IOError("the file sink's commit log entry {} names a file badly", path.string());
    }
    entry.files.emplace_back(name);
  }
  simdjson::dom::array open;
  if (doc["open"].get(open) == simdjson::SUCCESS) {  // entries of older builds have none
    for (simdjson::dom::element o : open) {
      FileCommitLog::OpenFile file;
      std::string_view name;
      if (o["file"].get(name) || bad_name(name) || o["bytes"].get(file.bytes) ||
          o["footer_bytes"].get(file.footer_bytes) || o["rows"].get(file.rows) ||
          o["row_groups"].get(file.row_groups) || o["opened_ms"].get(file.opened_ms) ||
          file.bytes < 0 || file.footer_bytes < 0) {
        return Status::IOError("the file sink's commit log entry {} has a damaged open file",
                               path.string());
      }
      file.file = std::string(name);
      entry.open.push_back(std::move(file));
    }
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
    // Open files: what was written after their last commit is not committed.
    for (const OpenFile& file : newest.open) {
      for (auto [name, length] : {std::pair{HiddenName(file.file), file.bytes},
                                  std::pair{FooterName(file.file), file.footer_bytes}}) {
        const fs::path path = folder_ / name;
        if (name == FooterName(file.file) && length == 0 && !fs::exists(path, ec)) continue;
        fs::resize_file(path, static_cast<uintmax_t>(length), ec);
        if (ec) {
          return Status::IOError("cannot cut {} back to its committed {} bytes: {} (its committed "
                                 "rows are in it: restore the file rather than remove the log)",
                                 path.string(), length, ec.message());
        }
      }
    }
    open_ = newest.open;
  }
  std::set<std::string> kept;  // the open files and their footers
  for (const OpenFile& file : open_) {
    kept.insert((folder_ / HiddenName(file.file)).lexically_normal().string());
    kept.insert((folder_ / FooterName(file.file)).lexically_normal().string());
  }
  // Hidden files of epochs that never reached the log (partition folders included): their rows
  // are read again.
  std::vector<fs::path> stale;
  for (fs::recursive_directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && name == "_sluice_log") {
      it.disable_recursion_pending();
    } else if (name.starts_with(".part-") &&
               (name.ends_with(".inprogress") || name.ends_with(".inprogress.footer")) &&
               !kept.count(it->path().lexically_normal().string())) {
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
  json += "],\"open\":[";
  for (size_t i = 0; i < entry.open.size(); ++i) {
    const OpenFile& o = entry.open[i];
    json += i ? ",{\"file\":" : "{\"file\":";
    AppendJsonString(o.file, json);
    json += fmt::format(
        ",\"bytes\":{},\"footer_bytes\":{},\"rows\":{},\"row_groups\":{},\"opened_ms\":{}}}",
        o.bytes, o.footer_bytes, o.rows, o.row_groups, o.opened_ms);
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
  open_ = entry.open;
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
