#include "connector/filesystem/filesystem_sink.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <tuple>

#include <fmt/format.h>

#include "common/durable_file.h"

namespace sluice {
namespace fs = std::filesystem;

namespace {

constexpr size_t kFlushBytes = 256 * 1024;

// '128MB', '64 kb', '1gb', '4096' (bytes), as Flink's MemorySize spells them.
std::optional<int64_t> ParseMemorySize(std::string_view text) {
  int64_t amount = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec != std::errc() || amount <= 0) return std::nullopt;
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  auto is = [&](std::string_view u) {
    return unit.size() == u.size() && strncasecmp(unit.data(), u.data(), u.size()) == 0;
  };
  if (unit.empty() || is("b") || is("bytes")) return amount;
  if (is("k") || is("kb")) return amount << 10;
  if (is("m") || is("mb")) return amount << 20;
  if (is("g") || is("gb")) return amount << 30;
  return std::nullopt;
}

// The epoch of 'part-<epoch>-<n>.<ext>' or '.part-<epoch>-<n>.inprogress', or -1.
int64_t EpochOf(const std::string& name) {
  std::string_view s(name);
  if (s.starts_with(".")) s.remove_prefix(1);
  if (!s.starts_with("part-")) return -1;
  s.remove_prefix(5);
  int64_t epoch = -1;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), epoch);
  if (ec != std::errc() || end == s.data() + s.size() || *end != '-') return -1;
  return epoch;
}

}  // namespace

Result<std::unique_ptr<Sink>> FilesystemSink::Make(const ConnectorOptions& options,
                                                   const Schema& schema) {
  SLUICE_RETURN_NOT_OK(options.CheckKnown(
      "filesystem",
      {"path", "format", "csv.header", "csv.delimiter", "json.ignore-null-fields",
       "json.timestamp-format.standard", "sink.rolling-policy.file-size", "parquet.compression",
       "parquet.compression.level", "parquet.block.size", "parquet.page.size",
       "parquet.enable.dictionary", "sink.delivery-guarantee"}));
  std::unique_ptr<FilesystemSink> s(new FilesystemSink());
  s->table_ = options.table_name();
  SLUICE_ASSIGN_OR_RETURN(s->directory_, options.GetRequired("path"));
  SLUICE_ASSIGN_OR_RETURN(std::string format,
                          options.GetEnum("format", "json", {"json", "csv", "parquet"}));
  s->csv_ = format == "csv";
  s->parquet_ = format == "parquet";
  SLUICE_ASSIGN_OR_RETURN(std::string guarantee,
                          options.GetEnum("sink.delivery-guarantee", "at-least-once",
                                          {"at-least-once", "exactly-once"}));
  s->capabilities_.exactly_once = guarantee == "exactly-once";
  if (s->parquet_) {
    SLUICE_RETURN_NOT_OK(parquet::MakeParquetSchema(schema).status().WithContext(
        "table '" + s->table_ + "' ('format' = 'parquet')"));
    s->schema_ = schema;
    parquet::ParquetWriterOptions& p = s->parquet_options_;
    SLUICE_ASSIGN_OR_RETURN(std::string codec,
                            options.GetEnum("parquet.compression", "snappy",
                                            {"snappy", "zstd", "uncompressed", "none"}));
    p.columns.compression = codec == "snappy" ? parquet::Compression::kSnappy
                            : codec == "zstd" ? parquet::Compression::kZstd
                                              : parquet::Compression::kUncompressed;
    SLUICE_ASSIGN_OR_RETURN(int64_t level, options.GetPositiveInt("parquet.compression.level", 3));
    p.columns.zstd_level = static_cast<int>(std::min<int64_t>(level, 22));
    SLUICE_ASSIGN_OR_RETURN(p.columns.dictionary, options.GetBool("parquet.enable.dictionary", true));
    for (auto [key, target, fallback] :
         {std::tuple{"parquet.block.size", &p.row_group_bytes, size_t{128} << 20},
          std::tuple{"parquet.page.size", &p.columns.page_bytes, size_t{1} << 20}}) {
      const std::string text = options.GetString(key, "");
      if (text.empty()) {
        *target = fallback;
        continue;
      }
      auto bytes = ParseMemorySize(text);
      if (!bytes) {
        return Status::Invalid("table '{}': option '{}' expects a size such as '128MB', '1mb' "
                               "or a number of bytes, found '{}'",
                               s->table_, key, text);
      }
      *target = static_cast<size_t>(*bytes);
    }
  }
  SLUICE_ASSIGN_OR_RETURN(s->csv_header_, options.GetBool("csv.header", true));

  CsvEncodeOptions csv;
  std::string delimiter = options.GetString("csv.delimiter", ",");
  if (delimiter == "\\t") delimiter = "\t";
  if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r") {
    return Status::Invalid(
        "table '{}': option 'csv.delimiter' expects one character other than a quote or a line "
        "break, found '{}'",
        s->table_, delimiter);
  }
  csv.delimiter = delimiter[0];

  JsonEncodeOptions json;
  SLUICE_ASSIGN_OR_RETURN(json.omit_null_fields, options.GetBool("json.ignore-null-fields", false));
  SLUICE_ASSIGN_OR_RETURN(
      std::string standard,
      options.GetEnum("json.timestamp-format.standard", "ISO-8601", {"ISO-8601", "SQL"}));
  json.timestamp_format =
      standard == "SQL" ? JsonTimestampFormat::kSql : JsonTimestampFormat::kIso8601;

  if (options.Has("sink.rolling-policy.file-size")) {
    std::string text = options.GetString("sink.rolling-policy.file-size", "");
    s->roll_size_ = ParseMemorySize(text);
    if (!s->roll_size_) {
      return Status::Invalid(
          "table '{}': option 'sink.rolling-policy.file-size' expects a size such as '128MB', "
          "'64kb' or a number of bytes, found '{}'",
          s->table_, text);
    }
  }
  if (s->csv_) {
    s->csv_encoder_ = std::make_unique<CsvEncoder>(schema, csv);
  } else {
    s->json_ = std::make_unique<JsonEncoder>(schema, json);
  }
  return std::unique_ptr<Sink>(std::move(s));
}

FilesystemSink::~FilesystemSink() { DiscardUncommitted(); }

Status FilesystemSink::Open() {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec) {
    return Status::IOError("table '{}': cannot create directory '{}': {}", table_, directory_,
                           ec.message());
  }
  int64_t max_epoch = -1;
  for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
    max_epoch = std::max(max_epoch, EpochOf(it->path().filename().string()));
  }
  if (ec) {
    return Status::IOError("table '{}': cannot list directory '{}': {}", table_, directory_,
                           ec.message());
  }
  if (exactly_once()) {
    commit_log_ = std::make_unique<FileCommitLog>(directory_);
    SLUICE_RETURN_NOT_OK(commit_log_->Recover().WithContext("table '" + table_ + "'"));
    max_epoch = std::max(max_epoch, commit_log_->last_epoch());
  }
  epoch_ = max_epoch + 1;
  file_index_ = 0;
  opened_ = true;
  return Status::OK();
}

Result<SourceOffsets> FilesystemSink::RecoverPositions(const std::vector<std::string>& /*origins*/) {
  return commit_log_ ? commit_log_->positions() : SourceOffsets{};
}

Status FilesystemSink::StartFile() {
  const std::string name = fmt::format("part-{}-{}{}", epoch_, file_index_++,
                                       parquet_ ? ".parquet" : csv_ ? ".csv" : ".json");
  current_.in_progress = (fs::path(directory_) / FileCommitLog::HiddenName(name)).string();
  current_.final_path = (fs::path(directory_) / name).string();
  fd_ = ::open(current_.in_progress.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return Status::IOError("table '{}': cannot create '{}': {}", table_, current_.in_progress,
                           strerror(errno));
  }
  file_bytes_ = 0;
  if (parquet_) {
    SLUICE_ASSIGN_OR_RETURN(parquet_file_, parquet::ParquetFileWriter::Make(
                                               schema_, parquet_options_, [this](std::string_view bytes) {
                                                 buffer_.append(bytes);
                                                 return buffer_.size() >= kFlushBytes ? FlushBuffer()
                                                                                      : Status::OK();
                                               }));
  }
  if (csv_ && csv_header_) {
    const size_t before = buffer_.size();
    csv_encoder_->AppendHeader(buffer_);
    file_bytes_ += static_cast<int64_t>(buffer_.size() - before);
  }
  return Status::OK();
}

Status FilesystemSink::FlushBuffer() {
  const char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("table '{}': writing '{}': {}", table_, current_.in_progress,
                             strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  buffer_.clear();
  return Status::OK();
}

Status FilesystemSink::FinishFile() {
  if (parquet_file_) {
    SLUICE_RETURN_NOT_OK(parquet_file_->Finish().WithContext("table '" + table_ + "'"));
    parquet_file_.reset();
  }
  SLUICE_RETURN_NOT_OK(FlushBuffer());
  if (::fsync(fd_) != 0) {
    return Status::IOError("table '{}': fsync of '{}': {}", table_, current_.in_progress,
                           strerror(errno));
  }
  ::close(fd_);
  fd_ = -1;
  pending_.push_back(std::move(current_));
  current_ = {};
  return Status::OK();
}

Status FilesystemSink::Write(const Batch& batch, const RecordPositions* /*positions*/) {
  if (!opened_) return Status::Internal("table '{}': filesystem sink written before Open", table_);
  if (failed_) return Status::Invalid("table '{}': an earlier write failed", table_);
  Status status = WriteRows(batch);
  if (!status.ok()) {
    failed_ = true;
    DiscardUncommitted();
  }
  return status;
}

Status FilesystemSink::WriteRows(const Batch& batch) {
  const size_t live = batch.num_live_rows();
  if (parquet_) {
    // Columns at a time; a file rolls after the batch that takes it past the size.
    if (live == 0) return Status::OK();
    if (fd_ < 0) SLUICE_RETURN_NOT_OK(StartFile());
    SLUICE_RETURN_NOT_OK(parquet_file_->Write(batch).WithContext("table '" + table_ + "'"));
    CountWritten(live);
    if (roll_size_ && static_cast<int64_t>(parquet_file_->approximate_size()) >= *roll_size_) {
      SLUICE_RETURN_NOT_OK(FinishFile());
    }
    return Status::OK();
  }
  const SelectionVector& selection = batch.selection();
  for (size_t i = 0; i < live; ++i) {
    if (fd_ < 0) SLUICE_RETURN_NOT_OK(StartFile());
    const size_t before = buffer_.size();
    if (csv_) {
      csv_encoder_->AppendRow(batch, selection[i], buffer_);
    } else {
      json_->AppendRow(batch, selection[i], buffer_);
      buffer_.push_back('\n');
    }
    file_bytes_ += static_cast<int64_t>(buffer_.size() - before);
    CountWritten(1);
    if (roll_size_ && file_bytes_ >= *roll_size_) {
      SLUICE_RETURN_NOT_OK(FinishFile());
    } else if (buffer_.size() >= kFlushBytes) {
      SLUICE_RETURN_NOT_OK(FlushBuffer());
    }
  }
  return Status::OK();
}

Status FilesystemSink::CommitEpoch(uint64_t /*epoch*/, const SourceOffsets& positions) {
  if (failed_) {
    return Status::Invalid("table '{}': not committing: an earlier write failed", table_);
  }
  if (fd_ >= 0) SLUICE_RETURN_NOT_OK(FinishFile());
  if (commit_log_) {
    // Exactly-once: the log entry is the commit point, the renames follow (FileCommitLog).
    if (pending_.empty() && positions == commit_log_->positions()) return Status::OK();
    FileCommitLog::Entry entry;
    entry.epoch = epoch_;
    for (const PendingFile& file : pending_) {
      entry.files.push_back(fs::path(file.final_path).filename().string());
    }
    entry.positions = positions;
    const std::string context = "table '" + table_ + "'";
    SLUICE_RETURN_NOT_OK(commit_log_->Append(entry).WithContext(context));
    pending_.clear();
    SLUICE_RETURN_NOT_OK(commit_log_->Publish(entry).WithContext(context));
    ++epoch_;
    file_index_ = 0;
    return Status::OK();
  }
  for (const PendingFile& file : pending_) {
    if (::rename(file.in_progress.c_str(), file.final_path.c_str()) != 0) {
      return Status::IOError("table '{}': renaming '{}' to '{}': {}", table_, file.in_progress,
                             file.final_path, strerror(errno));
    }
  }
  if (!pending_.empty()) {
    pending_.clear();
    SLUICE_RETURN_NOT_OK(SyncDirectory(directory_).WithContext("table '" + table_ + "'"));
  }
  ++epoch_;
  file_index_ = 0;
  return Status::OK();
}

void FilesystemSink::DiscardUncommitted() {
  parquet_file_.reset();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    pending_.push_back(std::move(current_));
    current_ = {};
  }
  for (const PendingFile& file : pending_) ::unlink(file.in_progress.c_str());
  pending_.clear();
  buffer_.clear();
}

Status FilesystemSink::Close() {
  DiscardUncommitted();
  opened_ = false;
  return Status::OK();
}

std::string FilesystemSink::Describe() const {
  return fmt::format("filesystem(path={}, format={})", directory_,
                     parquet_ ? "parquet" : csv_ ? "csv" : "json");
}

}  // namespace sluice
