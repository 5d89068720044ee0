#include "connector/filesystem/filesystem_source.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sluice {
namespace fs = std::filesystem;
namespace od = simdjson::ondemand;

namespace {

// Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the JSON.
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && (name[0] == '.' || name[0] == '_');
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// The raw text of one array element, whatever its type.
simdjson::error_code ElementText(od::value element, std::string_view& text) {
  od::json_type type;
  if (auto error = element.type().get(type)) return error;
  if (type == od::json_type::object) {
    od::object o;
    if (auto error = element.get_object().get(o)) return error;
    if (auto error = o.raw_json().get(text)) return error;
    text = TrimRight(text);  // raw_json() keeps the whitespace before the next token
    return simdjson::SUCCESS;
  }
  if (type == od::json_type::array) {
    od::array a;
    if (auto error = element.get_array().get(a)) return error;
    if (auto error = a.raw_json().get(text)) return error;
    text = TrimRight(text);
    return simdjson::SUCCESS;
  }
  text = TrimRight(element.raw_json_token());
  return simdjson::SUCCESS;
}

}  // namespace

Result<std::unique_ptr<Source>> FilesystemSource::Make(const ConnectorOptions& options) {
  // The same DDL may be written to as well, so the sink's options are accepted and ignored.
  SLUICE_RETURN_NOT_OK(
      options.CheckKnown("filesystem", {"path", "format", "sink.rolling-policy.file-size"},
                         {"json.", "csv."}));
  std::unique_ptr<FilesystemSource> s(new FilesystemSource());
  s->table_ = options.table_name();
  SLUICE_ASSIGN_OR_RETURN(s->path_, options.GetRequired("path"));
  SLUICE_ASSIGN_OR_RETURN(std::string format,
                          options.GetEnum("format", "json", {"json", "json-array"}));
  s->json_array_ = format == "json-array";
  return std::unique_ptr<Source>(std::move(s));
}

FilesystemSource::~FilesystemSource() {
  CloseFile();
  std::free(line_buffer_);
}

Status FilesystemSource::Open() {
  std::error_code ec;
  const fs::file_status status = fs::status(path_, ec);
  if (ec || !fs::exists(status)) {
    return Status::IOError("table '{}': path '{}' does not exist", table_, path_);
  }
  files_.clear();
  if (fs::is_directory(status)) {
    for (fs::directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec)) {
      if (IsHidden(it->path())) continue;
      std::error_code type_ec;
      if (it->is_regular_file(type_ec)) files_.push_back(it->path().string());
    }
    if (ec) {
      return Status::IOError("table '{}': cannot list directory '{}': {}", table_, path_,
                             ec.message());
    }
    std::sort(files_.begin(), files_.end());
  } else {
    files_.push_back(path_);
  }
  next_file_ = 0;
  opened_ = true;
  return Status::OK();
}

void FilesystemSource::CloseFile() {
  if (lines_ != nullptr) std::fclose(lines_);
  lines_ = nullptr;
  array_text_.clear();
  elements_.clear();
  file_open_ = false;
}

Status FilesystemSource::OpenNextFile() {
  current_ = files_[next_file_++];
  std::error_code ec;
  const auto mtime = fs::last_write_time(current_, ec);
  current_mtime_ms_ =
      ec ? 0
         : std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::file_clock::to_sys(mtime).time_since_epoch())
               .count();
  if (!json_array_) {
    lines_ = std::fopen(current_.c_str(), "rb");
    if (lines_ == nullptr) {
      return Status::IOError("table '{}': cannot open '{}': {}", table_, current_,
                             std::strerror(errno));
    }
    line_number_ = 0;
    file_open_ = true;
    return Status::OK();
  }

  std::ifstream in(current_, std::ios::binary);
  if (!in) {
    return Status::IOError("table '{}': cannot open '{}': {}", table_, current_,
                           std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  array_text_ = std::move(content).str();
  if (std::string_view(array_text_).starts_with(kUtf8Bom)) array_text_.erase(0, kUtf8Bom.size());
  const size_t length = array_text_.size();
  array_text_.resize(length + simdjson::SIMDJSON_PADDING);

  // Split the array into its elements' raw text in one On-Demand pass, before delivering any,
  // so a broken file fails as a whole instead of half-way through.
  od::parser parser;
  od::document doc;
  od::array array;
  auto fail = [&](size_t index, simdjson::error_code error) {
    return Status::ParseError("table '{}': '{}' element [{}]: not a valid JSON array: {}", table_,
                              current_, index, simdjson::error_message(error));
  };
  if (auto error = parser.iterate(array_text_.data(), length, array_text_.size()).get(doc)) {
    return fail(0, error);
  }
  if (auto error = doc.get_array().get(array)) {
    return Status::ParseError("table '{}': '{}' is not a JSON array ('format' = 'json-array'): {}",
                              table_, current_, simdjson::error_message(error));
  }
  elements_.clear();
  for (auto element : array) {
    od::value value;
    std::string_view text;
    if (auto error = element.get(value)) return fail(elements_.size(), error);
    if (auto error = ElementText(value, text)) return fail(elements_.size(), error);
    elements_.push_back(text);
  }
  if (!doc.current_location().error()) {
    // Something follows the closing bracket.
    return Status::ParseError("table '{}': '{}': unexpected content after the JSON array",
                              table_, current_);
  }
  next_element_ = 0;
  file_open_ = true;
  return Status::OK();
}

Result<bool> FilesystemSource::Poll(RawBatch& out, size_t max_records,
                                    std::chrono::milliseconds) {
  if (!opened_) {
    return Status::Internal("table '{}': filesystem source polled before Open", table_);
  }
  size_t added = 0;
  while (added < max_records) {
    if (!file_open_) {
      // A batch carries one origin, so a new file starts a new batch.
      if (next_file_ >= files_.size()) return false;
      if (added > 0) return true;
      SLUICE_RETURN_NOT_OK(OpenNextFile());
    }
    if (out.origin() != current_) out.set_origin(current_);
    if (json_array_) {
      while (added < max_records && next_element_ < elements_.size()) {
        out.Add(elements_[next_element_], current_mtime_ms_, 0,
                static_cast<int64_t>(next_element_));
        ++next_element_;
        ++added;
      }
      if (next_element_ < elements_.size()) return true;
    } else {
      while (added < max_records) {
        errno = 0;
        const ssize_t n = ::getline(&line_buffer_, &line_capacity_, lines_);
        if (n < 0) {
          if (std::ferror(lines_)) {
            return Status::IOError("table '{}': reading '{}' after line {}: {}", table_,
                                   current_, line_number_, std::strerror(errno));
          }
          break;
        }
        ++line_number_;
        std::string_view line(line_buffer_, static_cast<size_t>(n));
        if (line_number_ == 1 && line.starts_with(kUtf8Bom)) line.remove_prefix(kUtf8Bom.size());
        if (IsBlank(line)) continue;
        out.Add(TrimRight(line), current_mtime_ms_, 0, line_number_);
        ++added;
      }
      if (added == max_records) return true;
    }
    CloseFile();
  }
  return next_file_ < files_.size() || file_open_;
}

Status FilesystemSource::Close() {
  CloseFile();
  opened_ = false;
  return Status::OK();
}

std::string FilesystemSource::Describe() const {
  return fmt::format("filesystem(path={}, format={})", path_, json_array_ ? "json-array" : "json");
}

}  // namespace sluice
