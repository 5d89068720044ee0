#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "format/parquet/column_chunk_reader.h"
#include "format/parquet/parquet_metadata.h"
#include "types/schema.h"
#include "vector/batch.h"

namespace sluice::parquet {

// Reads a Parquet file into batches of a table's schema, row group by row group. Columns are
// matched by name (ASCII case-insensitive, as Spark does); a column or struct field the file
// lacks reads as NULL, unless the table declares it NOT NULL. Only the columns asked for are
// read. Readable: the flat types with their logical types (INT8/16/32/64, UINT8/16/32, FLOAT,
// DOUBLE, DECIMAL in INT32/INT64/FIXED_LEN_BYTE_ARRAY/BYTE_ARRAY up to precision 38 (as a
// DOUBLE up to 18), STRING/
// ENUM/JSON/UUID/unannotated BYTE_ARRAY, DATE, TIMESTAMP in MILLIS/MICROS/NANOS and INT96),
// groups as STRUCT/ROW, LIST (3-level and the legacy 2-level forms) as ARRAY. A value is
// widened where nothing is lost (INT to BIGINT or DOUBLE, DATE to TIMESTAMP, a decimal to a
// larger scale); anything else is an error naming the column, the file's type and the table's.
class ParquetFileReader {
 public:
  static Result<std::unique_ptr<ParquetFileReader>> Open(const std::string& path,
                                                         const Schema& schema);
  ~ParquetFileReader();

  // Appends up to `max_rows` rows to `out` (a batch of the schema); 0 once the file is done.
  Result<size_t> Read(Batch& out, size_t max_rows);

  int64_t num_rows() const { return metadata_.num_rows; }
  size_t num_row_groups() const { return metadata_.row_groups.size(); }

  struct ReadNode;

 private:
  ParquetFileReader() = default;
  Status LoadRowGroup(size_t index);
  void Assemble(const ReadNode& node, Vector& out);
  void SkipValue(const ReadNode& node);
  void AppendLeaf(const ReadNode& node, Vector& out);

  std::string path_;
  int fd_ = -1;
  int64_t file_size_ = 0;
  FileMetadata metadata_;
  std::vector<std::unique_ptr<ReadNode>> columns_;  // per schema column

  // The leaves read (by leaf index in the file), their levels and conversions.
  struct Leaf;
  std::vector<Leaf> leaves_;

  size_t next_row_group_ = 0;
  int64_t rows_left_in_group_ = 0;
};

}  // namespace sluice::parquet
