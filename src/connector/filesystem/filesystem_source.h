#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/connector_options.h"
#include "connector/source.h"
#include "format/parquet/parquet_file_reader.h"

namespace sluice {

// Reads records from a file, or from every file of a directory and of its Hive partition folders
// ('dt=2026-12-06/') in path order, then ends (bounded). Hidden files and folders (leading '.' or
// '_', e.g. a sink's in-progress files and its commit log) are skipped.
//
// Options:
//   'path'    required: a file or a directory
//   'format'  'json' (default): JSON lines, one record per line, blank lines skipped;
//             'json-array': the file is one JSON array and each element is a record;
//             'parquet': Parquet files, read into the table's columns by name
//             (parquet::ParquetFileReader); a column named like a partition folder's key takes
//             the folder's value
// The sink's options ('json.*', 'csv.*', 'parquet.*', 'sink.*') are accepted and ignored.
//
// Records: origin = the file path (a batch never spans two files), offset = 1-based line number
// for 'json', 0-based element or row index for 'json-array' and 'parquet'; timestamp_ms = the
// file's modification time. A malformed line is still delivered, so the decoder dead-letters it
// with file:line; a 'json-array' file that is not a well-formed array, or a Parquet file that is
// not readable as the table, is an error naming the file (and element or column).
class FilesystemSource final : public Source {
 public:
  static Result<std::unique_ptr<Source>> Make(const ConnectorOptions& options);
  ~FilesystemSource() override;

  Status Open() override;
  Result<bool> Poll(RawBatch& out, size_t max_records, std::chrono::milliseconds timeout) override;
  Status Close() override;
  Result<bool> FillColumns(const Schema& physical) override;
  std::string Describe() const override;

 private:
  FilesystemSource() = default;
  // Opens files_[next_file_]; for 'json-array' splits it into elements_.
  Status OpenNextFile();
  void CloseFile();
  Status OpenParquetFile();
  Result<bool> PollParquet(RawBatch& out, size_t max_records);

  std::string table_;
  std::string path_;
  std::string format_;
  bool json_array_ = false;
  std::vector<std::string> files_;
  size_t next_file_ = 0;
  bool opened_ = false;

  // The file being read.
  std::string current_;
  int64_t current_mtime_ms_ = 0;
  bool file_open_ = false;
  FILE* lines_ = nullptr;  // 'json'
  int64_t line_number_ = 0;
  char* line_buffer_ = nullptr;  // getline's buffer, reused across lines and files
  size_t line_capacity_ = 0;
  std::string array_text_;  // 'json-array': the whole file, padded for simdjson
  std::vector<std::string_view> elements_;
  size_t next_element_ = 0;

  // 'parquet': the columns to fill, the open file's reader and where each column comes from.
  std::optional<Schema> physical_;
  std::unique_ptr<parquet::ParquetFileReader> parquet_;
  Schema file_columns_;                      // the columns read from the file
  std::vector<int> file_column_of_;          // per physical column: index in file_columns_, or -1
  std::vector<std::optional<std::string>> partition_value_of_;  // for the -1 columns
  int64_t next_row_ = 0;
};

}  // namespace sluice
