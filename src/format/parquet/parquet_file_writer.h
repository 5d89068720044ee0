#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/parquet/column_chunk_writer.h"
#include "format/parquet/parquet_schema.h"
#include "vector/batch.h"

namespace sluice::parquet {

struct ParquetWriterOptions {
  ColumnWriterOptions columns;
  // A row group is written once its columns hold about this many bytes (Spark's
  // parquet.block.size is 128 MB); Finish writes the rest.
  size_t row_group_bytes = 128 << 20;
};

// Writes one Parquet file: 'PAR1', row groups of column chunks, the footer (FileMetaData in
// Thrift's compact protocol), its length and 'PAR1'. Rows are shredded into each leaf
// column's definition and repetition levels (Dremel) as they arrive, so structs and arrays
// nest to any depth; memory holds one row group. Output goes to `output` in order, a row group
// at a time, so a file of any size streams to disk.
class ParquetFileWriter {
 public:
  using Output = std::function<Status(std::string_view)>;

  // Where a file written across checkpoints stands after a whole row group: enough to go on
  // writing it after a restart, once the file is cut back to `bytes`.
  struct Progress {
    int64_t bytes = 0;  // the file's length: 'PAR1' and the row groups so far
    uint64_t rows = 0;
    size_t row_groups = 0;
    std::string row_groups_metadata;  // the footer's RowGroup structs, in order
  };

  static Result<std::unique_ptr<ParquetFileWriter>> Make(const Schema& schema,
                                                         ParquetWriterOptions options,
                                                         Output output);
  // Goes on writing a file that holds `progress` (nothing is written until more rows come).
  static Result<std::unique_ptr<ParquetFileWriter>> Resume(const Schema& schema,
                                                           ParquetWriterOptions options,
                                                           Output output, Progress progress);
  ~ParquetFileWriter();

  // The live rows of `batch`, whose columns are the schema's.
  Status Write(const Batch& batch);
  // The last row group and the footer; the file is complete afterwards.
  Status Finish();
  // Writes the rows buffered so far as a row group (none when there are none), so that every
  // row written is in the output: a checkpoint of a file that stays open.
  Status EndRowGroup() { return FlushRowGroup(); }
  // After EndRowGroup: the file's length, rows and row-group metadata.
  Progress progress() const { return {offset_, rows_, num_row_groups_, row_groups_}; }

  uint64_t rows() const { return rows_; }
  // Bytes handed to the output so far plus those buffered for the open row group.
  size_t approximate_size() const;

 private:
  struct ShredNode;
  ParquetFileWriter() = default;
  static Result<std::unique_ptr<ParquetFileWriter>> Build(const Schema& schema,
                                                          ParquetWriterOptions options,
                                                          Output output);
  void Shred(const ShredNode& node, const Vector& vector, size_t row, uint16_t repetition);
  void AddNulls(const ShredNode& node, uint16_t definition, uint16_t repetition);
  Status FlushRowGroup();
  Status Emit(std::string_view bytes);

  ParquetWriterOptions options_;
  ParquetSchema schema_;
  Output output_;
  std::vector<std::unique_ptr<ShredNode>> roots_;  // one per top-level column
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  int64_t offset_ = 0;  // bytes written
  uint64_t rows_ = 0;
  uint64_t group_rows_ = 0;
  std::string row_groups_;  // the footer's RowGroup structs so far
  size_t num_row_groups_ = 0;
  std::string chunk_, chunk_metadata_;  // scratch
  std::vector<uint32_t> rows_scratch_;  // the live rows of the batch being written
  bool finished_ = false;
};

}  // namespace sluice::parquet
