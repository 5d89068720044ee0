#include "connector/filesystem/filesystem_sink.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <set>
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
       "parquet.enable.dictionary", "sink.delivery-guarantee",
       "sink.rolling-policy.rollover-interval"}));
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
  if (!schema.partition_keys().empty()) {
    s->partitions_ = std::make_unique<PartitionPath>(schema, schema.partition_keys());
  }
  for (size_t i = 0; i < schema.size(); ++i) {
    const bool partition =
        s->partitions_ && std::find(s->partitions_->columns().begin(), s->partitions_->columns().end(),
                                    static_cast<int>(i)) != s->partitions_->columns().end();
    if (partition) continue;
    s->data_columns_.push_back(static_cast<int>(i));
    s->data_schema_.Add(schema.field(i));
  }
  if (s->parquet_) {
    SLUICE_RETURN_NOT_OK(parquet::MakeParquetSchema(s->data_schema_).status().WithContext(
        "table '" + s->table_ + "' ('format' = 'parquet')"));
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
  if (options.Has("sink.rolling-policy.rollover-interval")) {
    SLUICE_ASSIGN_OR_RETURN(int64_t ms,
                            options.GetPositiveDurationMs("sink.rolling-policy.rollover-interval", 0));
    s->roll_interval_ = std::chrono::milliseconds(ms);
  }
  if (s->csv_) {
    s->csv_encoder_ = std::make_unique<CsvEncoder>(s->data_schema_, csv);
  } else {
    s->json_ = std::make_unique<JsonEncoder>(s->data_schema_, json);
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
  // File names go on from the highest epoch in the folder, partition folders included, so a
  // restarted job never overwrites committed files.
  int64_t max_epoch = -1;
  for (fs::recursive_directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory() && it->path().filename() == "_sluice_log") {
      it.disable_recursion_pending();
      continue;
    }
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

Status FilesystemSink::StartFile(const std::string& partition, OpenFile& file) {
  const std::string name = fmt::format("part-{}-{}{}", epoch_, file_index_++,
                                       parquet_ ? ".parquet" : csv_ ? ".csv" : ".json");
  const fs::path folder = partition.empty() ? fs::path(directory_) : fs::path(directory_) / partition;
  if (!partition.empty()) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) {
      return Status::IOError("table '{}': cannot create '{}': {}", table_, folder.string(),
                             ec.message());
    }
  }
  file.names.in_progress = (folder / FileCommitLog::HiddenName(name)).string();
  file.names.final_path = (folder / name).string();
  file.fd = ::open(file.names.in_progress.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file.fd < 0) return FileError("cannot create", file.names.in_progress, errno);
  file.bytes = 0;
  file.opened = std::chrono::steady_clock::now();
  if (parquet_) {
    SLUICE_ASSIGN_OR_RETURN(file.parquet,
                            parquet::ParquetFileWriter::Make(
                                data_schema_, parquet_options_, [this, &file](std::string_view bytes) {
                                  file.buffer.append(bytes);
                                  return file.buffer.size() >= kFlushBytes ? FlushBuffer(file)
                                                                           : Status::OK();
                                }));
  }
  if (csv_ && csv_header_) {
    const size_t before = file.buffer.size();
    csv_encoder_->AppendHeader(file.buffer);
    file.bytes += static_cast<int64_t>(file.buffer.size() - before);
  }
  return Status::OK();
}

Status FilesystemSink::FileError(std::string_view what, const std::string& path, int error) const {
  if (error == ENOSPC || error == EDQUOT) {
    // Retryable: the uncommitted files are deleted (DiscardUncommitted), which frees what they
    // took, and the pipeline restarts from its last checkpoint; nothing half-written is visible.
    return Status::Unavailable("table '{}': {} '{}': {}: the disk is full; its uncommitted files "
                               "are deleted and the rows since the last checkpoint will be "
                               "written again",
                               table_, what, path, strerror(error));
  }
  return Status::IOError("table '{}': {} '{}': {}", table_, what, path, strerror(error));
}

Status FilesystemSink::FlushBuffer(OpenFile& file) {
  const char* p = file.buffer.data();
  size_t left = file.buffer.size();
  while (left > 0) {
    ssize_t n = ::write(file.fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("writing", file.names.in_progress, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  file.buffer.clear();
  return Status::OK();
}

Status FilesystemSink::FinishFile(OpenFile& file) {
  if (file.parquet) {
    SLUICE_RETURN_NOT_OK(file.parquet->Finish());  // its output errors name the table
    file.parquet.reset();
  }
  SLUICE_RETURN_NOT_OK(FlushBuffer(file));
  if (::fsync(file.fd) != 0) return FileError("fsync of", file.names.in_progress, errno);
  ::close(file.fd);
  file.fd = -1;
  pending_.push_back(std::move(file.names));
  file.names = {};
  return Status::OK();
}

Status FilesystemSink::FinishAllFiles() {
  for (auto& [partition, file] : open_) {
    if (file.fd >= 0) SLUICE_RETURN_NOT_OK(FinishFile(file));
  }
  open_.clear();
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
  if (live == 0) return Status::OK();
  std::vector<VectorPtr> columns;
  for (int c : data_columns_) columns.push_back(batch.shared_column(static_cast<size_t>(c)));
  Batch data(std::move(columns), batch.num_rows());
  if (!partitions_) {
    data.set_selection(batch.selection());
    return WriteToFile("", data);
  }
  // Rows grouped by their partition folder, each group written as one selection.
  std::map<std::string, std::vector<uint32_t>> groups;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    groups[partitions_->Of(batch, row)].push_back(row);
  }
  for (auto& [partition, rows] : groups) {
    data.set_selection(SelectionVector::Of(std::move(rows)));
    SLUICE_RETURN_NOT_OK(WriteToFile(partition, data));
  }
  return Status::OK();
}

bool FilesystemSink::OpenTooLong(const OpenFile& file) const {
  return roll_interval_ && std::chrono::steady_clock::now() - file.opened >= *roll_interval_;
}

Status FilesystemSink::WriteToFile(const std::string& partition, const Batch& batch) {
  OpenFile& file = open_[partition];
  const size_t live = batch.num_live_rows();
  if (parquet_) {
    // Columns at a time; a file rolls after the batch that takes it past the size.
    if (file.fd < 0) SLUICE_RETURN_NOT_OK(StartFile(partition, file));
    SLUICE_RETURN_NOT_OK(file.parquet->Write(batch));  // its output errors name the table
    CountWritten(live);
    if ((roll_size_ && static_cast<int64_t>(file.parquet->approximate_size()) >= *roll_size_) ||
        OpenTooLong(file)) {
      SLUICE_RETURN_NOT_OK(FinishFile(file));
    }
    return Status::OK();
  }
  const SelectionVector& selection = batch.selection();
  for (size_t i = 0; i < live; ++i) {
    if (file.fd < 0) SLUICE_RETURN_NOT_OK(StartFile(partition, file));
    const size_t before = file.buffer.size();
    if (csv_) {
      csv_encoder_->AppendRow(batch, selection[i], file.buffer);
    } else {
      json_->AppendRow(batch, selection[i], file.buffer);
      file.buffer.push_back('\n');
    }
    file.bytes += static_cast<int64_t>(file.buffer.size() - before);
    CountWritten(1);
    if ((roll_size_ && file.bytes >= *roll_size_) || OpenTooLong(file)) {
      SLUICE_RETURN_NOT_OK(FinishFile(file));
    } else if (file.buffer.size() >= kFlushBytes) {
      SLUICE_RETURN_NOT_OK(FlushBuffer(file));
    }
  }
  return Status::OK();
}

Status FilesystemSink::CommitEpoch(uint64_t /*epoch*/, const SourceOffsets& positions) {
  if (failed_) {
    return Status::Invalid("table '{}': not committing: an earlier write failed", table_);
  }
  SLUICE_RETURN_NOT_OK(FinishAllFiles());
  if (commit_log_) {
    // Exactly-once: the log entry is the commit point, the renames follow (FileCommitLog).
    if (pending_.empty() && positions == commit_log_->positions()) return Status::OK();
    FileCommitLog::Entry entry;
    entry.epoch = epoch_;
    for (const PendingFile& file : pending_) {
      entry.files.push_back(fs::path(file.final_path).lexically_relative(directory_).string());
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
  std::set<std::string> folders;
  for (const PendingFile& file : pending_) {
    if (::rename(file.in_progress.c_str(), file.final_path.c_str()) != 0) {
      return Status::IOError("table '{}': renaming '{}' to '{}': {}", table_, file.in_progress,
                             file.final_path, strerror(errno));
    }
    folders.insert(fs::path(file.final_path).parent_path().string());
  }
  if (!pending_.empty()) {
    pending_.clear();
    if (partitions_) folders.insert(directory_);  // new partition folders in it
    for (const auto& folder : folders) {
      SLUICE_RETURN_NOT_OK(SyncDirectory(folder).WithContext("table '" + table_ + "'"));
    }
  }
  ++epoch_;
  file_index_ = 0;
  return Status::OK();
}

void FilesystemSink::DiscardUncommitted() {
  for (auto& [partition, file] : open_) {
    file.parquet.reset();
    if (file.fd >= 0) {
      ::close(file.fd);
      pending_.push_back(std::move(file.names));
    }
  }
  open_.clear();
  for (const PendingFile& file : pending_) ::unlink(file.in_progress.c_str());
  pending_.clear();
}

Status FilesystemSink::Close() {
  DiscardUncommitted();
  opened_ = false;
  return Status::OK();
}

std::string FilesystemSink::Describe() const {
  return fmt::format("filesystem(path={}, format={}{}{})", directory_,
                     parquet_ ? "parquet" : csv_ ? "csv" : "json",
                     partitions_ ? ", partitioned by " + partitions_->Describe() : "",
                     exactly_once() ? ", exactly-once" : "");
}

}  // namespace sluice
