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

#include "connector/filesystem/partition_path.h"

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
  SLUICE_RETURN_NOT_OK(options.CheckKnown("filesystem", {"path", "format"},
                                          {"json.", "csv.", "parquet.", "sink."}));
  std::unique_ptr<FilesystemSource> s(new FilesystemSource());
  s->table_ = options.table_name();
  SLUICE_ASSIGN_OR_RETURN(s->path_, options.GetRequired("path"));
  SLUICE_ASSIGN_OR_RETURN(s->format_,
                          options.GetEnum("format", "json", {"json", "json-array", "parquet"}));
  s->json_array_ = s->format_ == "json-array";
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
    // Files in the folder and in its partition folders, not in hidden ones or other folders.
    for (fs::recursive_directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_directory(type_ec)) {
        if (!IsPartitionFolderName(it->path().filename().string())) it.disable_recursion_pending();
        continue;
      }
      if (IsHidden(it->path())) continue;
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

Result<bool> FilesystemSource::FillColumns(const Schema& physical) {
  if (format_ != "parquet") return false;
  physical_ = physical;
  return true;
}

void FilesystemSource::CloseFile() {
  parquet_.reset();
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
  if (format_ == "parquet") return OpenParquetFile();
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

Status FilesystemSource::OpenParquetFile() {
  if (!physical_) {
    return Status::Internal("table '{}': Parquet read without the columns to fill", table_);
  }
  // Columns named like a partition folder's key take its value; the file holds the rest.
  std::string relative = current_;
  if (relative.size() > path_.size() && relative.starts_with(path_)) {
    relative = relative.substr(path_.size());
    while (!relative.empty() && relative[0] == '/') relative.erase(0, 1);
  }
  const auto partitions = PartitionValuesOf(relative);
  file_columns_ = Schema();
  file_column_of_.clear();
  partition_value_of_.clear();
  for (const Field& field : physical_->fields()) {
    auto match = std::find_if(partitions.begin(), partitions.end(), [&](const auto& p) {
      return p.first.size() == field.name.size() &&
             std::equal(p.first.begin(), p.first.end(), field.name.begin(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    });
    if (match != partitions.end()) {
      file_column_of_.push_back(-1);
      partition_value_of_.push_back(match->second);
    } else {
      file_column_of_.push_back(static_cast<int>(file_columns_.size()));
      partition_value_of_.emplace_back();
      file_columns_.Add(field);
    }
  }
  auto reader = parquet::ParquetFileReader::Open(current_, file_columns_);
  if (!reader.ok()) return reader.status().WithContext(fmt::format("table '{}'", table_));
  parquet_ = std::move(reader).value();
  next_row_ = 0;
  file_open_ = true;
  return Status::OK();
}

Result<bool> FilesystemSource::PollParquet(RawBatch& out, size_t max_records) {
  while (true) {
    if (!file_open_) {
      if (next_file_ >= files_.size()) return false;
      SLUICE_RETURN_NOT_OK(OpenNextFile());
    }
    Batch read = Batch::Empty(file_columns_);
    Result<size_t> n = parquet_->Read(read, max_records);
    if (!n.ok()) return n.status().WithContext(fmt::format("table '{}'", table_));
    if (*n == 0) {
      CloseFile();
      continue;
    }
    std::vector<VectorPtr> columns;
    for (size_t c = 0; c < physical_->size(); ++c) {
      if (file_column_of_[c] >= 0) {
        columns.push_back(read.shared_column(static_cast<size_t>(file_column_of_[c])));
        continue;
      }
      auto v = std::make_shared<Vector>(physical_->field(c).type);
      for (size_t row = 0; row < *n; ++row) {
        Status s = AppendPartitionValue(partition_value_of_[c], physical_->field(c).type, *v);
        if (!s.ok()) {
          return s.WithContext(fmt::format("table '{}': '{}', column '{}'", table_, current_,
                                           physical_->field(c).name));
        }
      }
      columns.push_back(std::move(v));
    }
    out.set_origin(current_);
    for (size_t row = 0; row < *n; ++row) out.Add({}, current_mtime_ms_, 0, next_row_++);
    out.SetFilled(Batch(std::move(columns), *n));
    return true;
  }
}

Result<bool> FilesystemSource::Poll(RawBatch& out, size_t max_records,
                                    std::chrono::milliseconds) {
  if (!opened_) {
    return Status::Internal("table '{}': filesystem source polled before Open", table_);
  }
  if (format_ == "parquet") return PollParquet(out, max_records);
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
  return fmt::format("filesystem(path={}, format={})", path_, format_);
}

}  // namespace sluice
