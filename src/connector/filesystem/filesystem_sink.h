#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/filesystem/file_commit_log.h"
#include "connector/filesystem/partition_path.h"
#include "connector/sink.h"
#include "format/csv_encoder.h"
#include "format/parquet/parquet_file_writer.h"
#include "format/json_encoder.h"

namespace sluice {

// Writes rows as files in a directory, committed atomically: rows go to hidden in-progress files
// '.part-<epoch>-<n>.inprogress'; the epoch's commit fsyncs them and renames each to
// 'part-<epoch>-<n>.<json|csv|parquet>' (then fsyncs the directory), so a reader listing the directory
// sees whole files only. <epoch> counts commits, starting after the highest epoch already in the
// directory so a restarted job never overwrites committed files; <n> numbers the files of one
// epoch. A sink closed without a commit deletes its uncommitted files.
//
// Options:
//   'path'                            required: the directory (created if missing)
//   PARTITIONED BY (a, b)             in the DDL: rows go to Hive-style folders 'a=x/b=y/' under
//                                     it (PartitionPath); the files leave those columns out
//   'format'                          'json' (default; JSON lines) | 'csv' | 'parquet'
//   'csv.header'                      'true' (default): each file starts with the column names
//   'csv.delimiter'                   one character, default ',' ('\t' for tab)
//   'json.ignore-null-fields'         'false' (default): write NULL fields as null
//   'json.timestamp-format.standard'  'ISO-8601' (default, Spark's to_json form) | 'SQL'
//   'sink.rolling-policy.file-size'   start a new file once one reaches this size ('128MB',
//                                     '64kb', bytes); default: one file per commit
//   'sink.rolling-policy.rollover-interval'  start a new file once one has been open this long
//                                     ('10 min'); every checkpoint also ends the open files,
//                                     unless:
//   'sink.rolling-policy.roll-on-checkpoint'  'true' (default) | 'false' (exactly-once only):
//                                     files stay open across checkpoints until they reach the
//                                     file size (default then 128MB) or the rollover interval
//                                     (default then 30 min), or the run ends, so a slow stream
//                                     makes few large files. Each checkpoint makes the rows so
//                                     far durable in the hidden file (a Parquet row group, its
//                                     metadata in a '.footer' file beside it) and records its
//                                     length in the commit log; the rows become visible when
//                                     the file rolls. After a crash the file is cut back to
//                                     its committed length and written on.
//   'sink.delivery-guarantee'         'at-least-once' (default) | 'exactly-once': a commit log
//                                     in '_sluice_log/' records each epoch's files with the
//                                     source positions they cover (FileCommitLog); the folder
//                                     then belongs to this sink alone
//   'parquet.compression'             'snappy' (default, as Spark) | 'zstd' | 'uncompressed'
//   'parquet.compression.level'       zstd's level, default 3
//   'parquet.block.size'              row group size, default '128MB'
//   'parquet.page.size'               data page size, default '1MB'
//   'parquet.enable.dictionary'       'true' (default): text and integer columns
//                                     dictionary-encoded when their distinct values fit a page
class FilesystemSink final : public Sink {
 public:
  static Result<std::unique_ptr<Sink>> Make(const ConnectorOptions& options, const Schema& schema);
  ~FilesystemSink() override;

  Status Open() override;
  Result<SourceOffsets> RecoverPositions(const std::vector<std::string>& origins) override;
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions* positions) override;
  Status Close() override;
  std::string Describe() const override;

 protected:
  Status CommitEpoch(uint64_t epoch, const SourceOffsets& positions) override;

 private:
  struct PendingFile {
    std::string in_progress;
    std::string final_path;
    // Finished but kept open through earlier commits: the commit log holds its committed
    // part, so discarding cuts it back to that instead of deleting it.
    bool in_log = false;
    int64_t committed_bytes = 0;
    int64_t committed_footer_bytes = 0;
  };
  // A file being written: one per partition folder ("" without PARTITIONED BY).
  struct OpenFile {
    int fd = -1;
    PendingFile names;
    int64_t bytes = 0;   // written to it so far (JSON, CSV)
    std::string buffer;  // not yet written
    std::unique_ptr<parquet::ParquetFileWriter> parquet;
    std::chrono::steady_clock::time_point opened;
    // Kept open across commits (roll-on-checkpoint off): the commit log holds its committed
    // part, so it is cut back to that, never deleted, when rows after it are discarded.
    bool in_log = false;
    int64_t committed_bytes = 0;
    int footer_fd = -1;  // Parquet: FileCommitLog::FooterName, the committed row groups' metadata
    int64_t footer_bytes = 0;
    int64_t committed_footer_bytes = 0;
    bool folder_synced = false;  // its directory entry made durable (before the log names it)
    int64_t opened_ms = 0;       // wall clock, for the commit log
  };

  FilesystemSink() = default;
  Status StartFile(const std::string& partition, OpenFile& file);
  Status WriteRows(const Batch& batch);
  // `rows` of `batch` (data columns only) into the partition's open file.
  Status WriteToFile(const std::string& partition, const Batch& batch);
  Status FlushBuffer(OpenFile& file);
  // Where a Parquet writer of `file` sends its bytes.
  parquet::ParquetFileWriter::Output ParquetOutput(OpenFile& file);
  // An I/O error on `path`: a full disk is retryable (Unavailable), anything else not.
  Status FileError(std::string_view what, const std::string& path, int error) const;
  // Flushes, fsyncs and closes the file; it then waits for the commit in pending_.
  Status FinishFile(OpenFile& file);
  Status FinishAllFiles();
  void DiscardUncommitted();
  // Makes the rows of a file that stays open durable (a Parquet row group, its metadata in the
  // footer file) and returns what the commit log records of it.
  Result<FileCommitLog::OpenFile> PersistOpenFile(OpenFile& file);
  // Reopens the files the commit log lists as open, to write on (after Recover).
  Status ReopenLoggedFiles();
  // Appends the entry, publishes its files and removes the footer files of those it finished.
  Status CommitLogEntry(FileCommitLog::Entry& entry);
  std::string Relative(const std::string& path) const;

  std::string table_;
  std::string directory_;
  bool csv_ = false;
  bool parquet_ = false;
  Schema data_schema_;  // the columns written in the files (all but the partition columns)
  std::vector<int> data_columns_;  // their positions in the sink's schema
  std::unique_ptr<PartitionPath> partitions_;  // PARTITIONED BY, or null
  parquet::ParquetWriterOptions parquet_options_;
  std::unique_ptr<FileCommitLog> commit_log_;  // exactly-once only
  bool csv_header_ = true;
  std::optional<int64_t> roll_size_;
  std::optional<std::chrono::milliseconds> roll_interval_;
  // A file open longer than 'sink.rolling-policy.rollover-interval' is finished (then committed
  // at the next checkpoint; every checkpoint finishes every file anyway).
  bool OpenTooLong(const OpenFile& file) const;
  bool roll_on_checkpoint_ = true;
  bool dirty_ = false;  // rows written since the last commit
  std::unique_ptr<JsonEncoder> json_;
  std::unique_ptr<CsvEncoder> csv_encoder_;

  int64_t epoch_ = 0;
  int file_index_ = 0;  // n of the next file in this epoch
  std::map<std::string, OpenFile> open_;
  std::vector<PendingFile> pending_;
  bool opened_ = false;
  // A write failed: the in-progress files may hold part of a batch, so they are never committed.
  bool failed_ = false;
};

}  // namespace sluice
