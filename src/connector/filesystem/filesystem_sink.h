#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/filesystem/file_commit_log.h"
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
//   'format'                          'json' (default; JSON lines) | 'csv' | 'parquet'
//   'csv.header'                      'true' (default): each file starts with the column names
//   'csv.delimiter'                   one character, default ',' ('\t' for tab)
//   'json.ignore-null-fields'         'false' (default): write NULL fields as null
//   'json.timestamp-format.standard'  'ISO-8601' (default, Spark's to_json form) | 'SQL'
//   'sink.rolling-policy.file-size'   start a new file once one reaches this size ('128MB',
//                                     '64kb', bytes); default: one file per commit
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
  };

  FilesystemSink() = default;
  Status StartFile();
  Status WriteRows(const Batch& batch);
  Status FlushBuffer();
  // Flushes, fsyncs and closes the current file; it then waits for Commit in pending_.
  Status FinishFile();
  void DiscardUncommitted();

  std::string table_;
  std::string directory_;
  bool csv_ = false;
  bool parquet_ = false;
  Schema schema_;  // parquet: the file schema
  parquet::ParquetWriterOptions parquet_options_;
  std::unique_ptr<parquet::ParquetFileWriter> parquet_file_;  // the open file's writer
  std::unique_ptr<FileCommitLog> commit_log_;                  // exactly-once only
  bool csv_header_ = true;
  std::optional<int64_t> roll_size_;
  std::unique_ptr<JsonEncoder> json_;
  std::unique_ptr<CsvEncoder> csv_encoder_;

  int64_t epoch_ = 0;
  int file_index_ = 0;  // n of the next file in this epoch
  int fd_ = -1;
  PendingFile current_;
  int64_t file_bytes_ = 0;
  std::string buffer_;
  std::vector<PendingFile> pending_;
  bool opened_ = false;
  // A write failed: the in-progress files may hold part of a batch, so they are never committed.
  bool failed_ = false;
};

}  // namespace sluice
