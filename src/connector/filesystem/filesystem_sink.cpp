#include "connector/filesystem/filesystem_sink.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

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

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
       "sink.rolling-policy.rollover-interval", "sink.rolling-policy.roll-on-checkpoint"}));
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
  SLUICE_ASSIGN_OR_RETURN(s->roll_on_checkpoint_,
                          options.GetBool("sink.rolling-policy.roll-on-checkpoint", true));
  if (!s->roll_on_checkpoint_) {
    if (!s->exactly_once()) {
      return Status::Invalid(
          "table '{}': 'sink.rolling-policy.roll-on-checkpoint' = 'false' needs "
          "'sink.delivery-guarantee' = 'exactly-once': files kept open across checkpoints are "
          "recovered through the commit log",
          s->table_);
    }
    if (!s->roll_size_) s->roll_size_ = int64_t{128} << 20;  // Flink's defaults
    if (!s->roll_interval_) s->roll_interval_ = std::chrono::minutes(30);
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
  return commit_log_ ? ReopenLoggedFiles() : Status::OK();
}

std::string FilesystemSink::Relative(const std::string& path) const {
  return fs::path(path).lexically_relative(directory_).string();
}

Status FilesystemSink::ReopenLoggedFiles() {
  // (With roll-on-checkpoint back on, such files are finished at the first commit.)
  for (const FileCommitLog::OpenFile& logged : commit_log_->open_files()) {
    const std::string partition = fs::path(logged.file).parent_path().string();
    OpenFile& file = open_[partition];
    file.names.final_path = (fs::path(directory_) / logged.file).string();
    file.names.in_progress = (fs::path(directory_) / FileCommitLog::HiddenName(logged.file)).string();
    file.fd = ::open(file.names.in_progress.c_str(), O_WRONLY | O_CLOEXEC);
    if (file.fd < 0) return FileError("cannot reopen", file.names.in_progress, errno);
    if (::lseek(file.fd, 0, SEEK_END) < 0) return FileError("cannot seek in", file.names.in_progress, errno);
    file.bytes = file.committed_bytes = logged.bytes;
    // Its age goes on from when it was started, so a pipeline that keeps restarting still rolls.
    file.opened_ms = logged.opened_ms;
    file.opened = std::chrono::steady_clock::now() -
                  std::chrono::milliseconds(std::max<int64_t>(0, WallClockMs() - logged.opened_ms));
    file.in_log = true;
    file.folder_synced = true;
    if (parquet_) {
      const std::string footer = (fs::path(directory_) / FileCommitLog::FooterName(logged.file)).string();
      parquet::ParquetFileWriter::Progress progress;
      progress.bytes = logged.bytes;
      progress.rows = logged.rows;
      progress.row_groups = static_cast<size_t>(logged.row_groups);
      if (logged.footer_bytes > 0) {
        std::ifstream in(footer, std::ios::binary);
        std::ostringstream metadata;
        metadata << in.rdbuf();
        progress.row_groups_metadata = std::move(metadata).str();
        if (!in || static_cast<int64_t>(progress.row_groups_metadata.size()) != logged.footer_bytes) {
          return Status::IOError("table '{}': '{}' holds {} bytes, the commit log says {}", table_,
                                 footer, progress.row_groups_metadata.size(), logged.footer_bytes);
        }
      }
      file.footer_fd = ::open(footer.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (file.footer_fd < 0) return FileError("cannot reopen", footer, errno);
      file.footer_bytes = file.committed_footer_bytes = logged.footer_bytes;
      SLUICE_ASSIGN_OR_RETURN(
          file.parquet,
          parquet::ParquetFileWriter::Resume(data_schema_, parquet_options_, ParquetOutput(file),
                                             std::move(progress)));
    }
  }
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
  file.opened_ms = WallClockMs();
  file.in_log = false;
  file.committed_bytes = file.footer_bytes = file.committed_footer_bytes = 0;
  file.footer_fd = -1;
  file.folder_synced = false;
  if (parquet_) {
    SLUICE_ASSIGN_OR_RETURN(file.parquet, parquet::ParquetFileWriter::Make(
                                              data_schema_, parquet_options_, ParquetOutput(file)));
  }
  if (csv_ && csv_header_) {
    const size_t before = file.buffer.size();
    csv_encoder_->AppendHeader(file.buffer);
    file.bytes += static_cast<int64_t>(file.buffer.size() - before);
  }
  return Status::OK();
}

parquet::ParquetFileWriter::Output FilesystemSink::ParquetOutput(OpenFile& file) {
  // The file's buffer, written out once it holds kFlushBytes (OpenFile lives in a std::map: its
  // address is stable).
  return [this, &file](std::string_view bytes) {
    file.buffer.append(bytes);
    return file.buffer.size() >= kFlushBytes ? FlushBuffer(file) : Status::OK();
  };
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
  if (file.footer_fd >= 0) ::close(file.footer_fd);  // removed once the file is published
  file.footer_fd = -1;
  file.names.in_log = file.in_log;
  file.names.committed_bytes = file.committed_bytes;
  file.names.committed_footer_bytes = file.committed_footer_bytes;
  file.in_log = false;
  pending_.push_back(std::move(file.names));
  file.names = {};
  return Status::OK();
}

Result<FileCommitLog::OpenFile> FilesystemSink::PersistOpenFile(OpenFile& file) {
  FileCommitLog::OpenFile state;
  state.file = Relative(file.names.final_path);
  state.opened_ms = file.opened_ms;
  if (file.parquet) {
    SLUICE_RETURN_NOT_OK(file.parquet->EndRowGroup());
    const parquet::ParquetFileWriter::Progress progress = file.parquet->progress();
    const std::string footer =
        (fs::path(directory_) / FileCommitLog::FooterName(state.file)).string();
    if (file.footer_fd < 0) {
      file.footer_fd = ::open(footer.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
      if (file.footer_fd < 0) return FileError("cannot create", footer, errno);
    }
    std::string_view added = std::string_view(progress.row_groups_metadata).substr(
        static_cast<size_t>(file.footer_bytes));
    while (!added.empty()) {
      const ssize_t n = ::write(file.footer_fd, added.data(), added.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return FileError("writing", footer, errno);
      added.remove_prefix(static_cast<size_t>(n));
      file.footer_bytes += n;
    }
    if (::fsync(file.footer_fd) != 0) return FileError("fsync of", footer, errno);
    state.bytes = progress.bytes;
    state.rows = progress.rows;
    state.row_groups = progress.row_groups;
    state.footer_bytes = file.footer_bytes;
  } else {
    state.bytes = file.bytes;
  }
  SLUICE_RETURN_NOT_OK(FlushBuffer(file));
  if (::fsync(file.fd) != 0) return FileError("fsync of", file.names.in_progress, errno);
  if (!file.folder_synced) {
    SLUICE_RETURN_NOT_OK(SyncDirectory(fs::path(file.names.in_progress).parent_path().string())
                             .WithContext("table '" + table_ + "'"));
    file.folder_synced = true;
  }
  return state;
}

Status FilesystemSink::CommitLogEntry(FileCommitLog::Entry& entry) {
  const std::string context = "table '" + table_ + "'";
  SLUICE_RETURN_NOT_OK(commit_log_->Append(entry).WithContext(context));
  std::vector<PendingFile> published = std::move(pending_);
  pending_.clear();
  SLUICE_RETURN_NOT_OK(commit_log_->Publish(entry).WithContext(context));
  for (const PendingFile& file : published) {
    // A file that was kept open leaves its footer file behind; the log no longer needs it.
    ::unlink((fs::path(directory_) / FileCommitLog::FooterName(Relative(file.final_path))).c_str());
  }
  ++epoch_;
  file_index_ = 0;
  dirty_ = false;
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
  if (batch.num_live_rows() > 0) dirty_ = true;
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
  if (roll_on_checkpoint_) {
    SLUICE_RETURN_NOT_OK(FinishAllFiles());
  } else {
    // Files roll by size (as they are written) and by age (checked here too, so a file of a
    // stream that went quiet still rolls); the others stay open.
    for (auto it = open_.begin(); it != open_.end();) {
      if (it->second.fd >= 0 && OpenTooLong(it->second)) SLUICE_RETURN_NOT_OK(FinishFile(it->second));
      it = it->second.fd < 0 ? open_.erase(it) : std::next(it);
    }
  }
  if (commit_log_) {
    // Exactly-once: the log entry is the commit point, the renames follow (FileCommitLog).
    FileCommitLog::Entry entry;
    entry.epoch = epoch_;
    bool changed = !pending_.empty() || positions != commit_log_->positions();
    for (const PendingFile& file : pending_) entry.files.push_back(Relative(file.final_path));
    for (auto& [partition, file] : open_) {
      SLUICE_ASSIGN_OR_RETURN(FileCommitLog::OpenFile state, PersistOpenFile(file));
      changed = changed || !file.in_log || state.bytes != file.committed_bytes;
      entry.open.push_back(std::move(state));
    }
    if (!changed) return Status::OK();
    entry.positions = positions;
    SLUICE_RETURN_NOT_OK(CommitLogEntry(entry));
    size_t i = 0;
    for (auto& [partition, file] : open_) {
      file.in_log = true;
      file.committed_bytes = entry.open[i].bytes;
      file.committed_footer_bytes = entry.open[i].footer_bytes;
      ++i;
    }
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
    if (file.fd < 0) continue;
    ::close(file.fd);
    if (file.footer_fd >= 0) ::close(file.footer_fd);
    file.names.in_log = file.in_log;
    file.names.committed_bytes = file.committed_bytes;
    file.names.committed_footer_bytes = file.committed_footer_bytes;
    pending_.push_back(std::move(file.names));
  }
  open_.clear();
  for (const PendingFile& file : pending_) {
    if (!file.in_log) {
      ::unlink(file.in_progress.c_str());
      continue;
    }
    // Committed rows are in it: cut back to them and keep it for the next run (Recover does the
    // same after a crash, so a failure here only postpones it).
    const std::string footer =
        (fs::path(directory_) / FileCommitLog::FooterName(Relative(file.final_path))).string();
    if (::truncate(file.in_progress.c_str(), file.committed_bytes) != 0 ||
        (file.committed_footer_bytes > 0 &&
         ::truncate(footer.c_str(), file.committed_footer_bytes) != 0)) {
      spdlog::warn("table '{}': cannot cut '{}' back to its committed bytes: {}; the next start "
                   "will",
                   table_, file.in_progress, strerror(errno));
    }
  }
  pending_.clear();
}

Status FilesystemSink::Close() {
  bool logged_open = false;
  for (const auto& [partition, file] : open_) logged_open = logged_open || (file.fd >= 0 && file.in_log);
  if (commit_log_ && opened_ && !failed_ && !dirty_ && logged_open) {
    // The run ends right after a commit: the files kept open hold only committed rows, so
    // they are finished and published under the same positions.
    Status finished = FinishAllFiles();
    if (finished.ok()) {
      FileCommitLog::Entry entry;
      entry.epoch = epoch_;
      for (const PendingFile& file : pending_) entry.files.push_back(Relative(file.final_path));
      entry.positions = commit_log_->positions();
      finished = CommitLogEntry(entry);
    }
    if (!finished.ok()) {
      // The log still lists them as open: the next start cuts them back and writes on.
      pending_.clear();
      opened_ = false;
      return finished;
    }
  }
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
