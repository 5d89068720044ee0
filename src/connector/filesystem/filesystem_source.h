#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connector/connector_options.h"
#include "connector/source.h"

namespace sluice {

// Reads records from a file, or from every file of a directory in name order, then ends
// (bounded). Hidden files (leading '.' or '_', e.g. a sink's in-progress files) are skipped.
//
// Options:
//   'path'    required: a file or a directory
//   'format'  'json' (default): JSON lines, one record per line, blank lines skipped;
//             'json-array': the file is one JSON array and each element is a record
// 'json.*' options are accepted and ignored: the pipeline decodes.
//
// Records: origin = the file path (a batch never spans two files), offset = 1-based line number
// for 'json', 0-based element index for 'json-array'; timestamp_ms = the file's modification
// time. A malformed line is still delivered, so the decoder dead-letters it with file:line; a
// 'json-array' file that is not a well-formed array is an error naming the file and element.
class FilesystemSource final : public Source {
 public:
  static Result<std::unique_ptr<Source>> Make(const ConnectorOptions& options);
  ~FilesystemSource() override;

  Status Open() override;
  Result<bool> Poll(RawBatch& out, size_t max_records, std::chrono::milliseconds timeout) override;
  Status Close() override;
  std::string Describe() const override;

 private:
  FilesystemSource() = default;
  // Opens files_[next_file_]; for 'json-array' splits it into elements_.
  Status OpenNextFile();
  void CloseFile();

  std::string table_;
  std::string path_;
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
};

}  // namespace sluice
