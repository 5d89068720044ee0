#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/parquet/parquet_schema.h"
#include "format/parquet/thrift_compact_writer.h"
#include "vector/vector.h"

struct ZSTD_CCtx_s;
typedef struct ZSTD_CCtx_s ZSTD_CCtx;

namespace sluice::parquet {

enum class Compression : int32_t { kUncompressed = 0, kSnappy = 1, kZstd = 6 };

struct ColumnWriterOptions {
  Compression compression = Compression::kSnappy;
  int zstd_level = 3;
  size_t page_bytes = 1 << 20;             // a data page is cut after this many value bytes
  size_t dictionary_page_bytes = 1 << 20;  // columns with a larger dictionary go PLAIN
  bool dictionary = true;
};

// The values of one leaf column for the row group being built (levels and values, shredded by
// ParquetFileWriter), then encoded as that row group's column chunk: an optional dictionary page
// (text and integer columns whose distinct values fit), data pages v1 (RLE levels, PLAIN or RLE_DICTIONARY
// values) compressed with the codec, and the chunk's metadata with statistics.
class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const LeafColumn& leaf, const ColumnWriterOptions& options)
      : leaf_(leaf), options_(options) {}

  // One level entry: a value (at definition == max) or a null/empty at a lower level.
  void AddNull(uint16_t definition, uint16_t repetition) {
    definitions_.push_back(definition);
    if (leaf_.max_repetition > 0) repetitions_.push_back(repetition);
    ++nulls_;
  }
  void AddValue(const Vector& vector, size_t row, uint16_t repetition);
  // A top-level column at once (no repetition): the rows `rows[0, count)` of `vector`.
  void AddColumn(const Vector& vector, const uint32_t* rows, size_t count);

  // Bytes buffered, as a row group size estimate.
  size_t buffered_bytes() const {
    return fixed_.size() + bytes_.size() + 4 * ends_.size() + definitions_.size();
  }
  size_t entries() const { return definitions_.size(); }

  // Writes the chunk at file offset `offset` into `out` and its ColumnChunk metadata into
  // `metadata` (a ThriftCompactWriter positioned at a list element); then starts empty.
  Status Flush(int64_t offset, std::string& out, std::string& metadata);

 private:
  template <typename Stored, typename Source>
  void AddFixed(const Vector& vector, const uint32_t* rows, size_t count);
  struct Page {
    size_t first_entry, end_entry, first_value, end_value;
  };
  void Reset();
  std::vector<Page> CutPages(bool dictionary) const;
  // Encodes values [first, end) PLAIN (or as dictionary indices) after the levels.
  void EncodeValues(size_t first, size_t end, bool dictionary, std::string& out) const;
  Status Compress(std::string_view raw, std::string& out);
  void AppendPage(int32_t page_type, size_t entries, int32_t encoding, std::string_view raw,
                  std::string& out, int64_t& uncompressed_total);
  void WriteStatistics(ThriftCompactWriter& w) const;
  // Whether the chunk goes through a dictionary (indices_, dictionary_): text, INT32 and INT64
  // columns whose distinct values fit one dictionary page and are at most about half the values.
  bool BuildDictionary();
  template <typename Key, typename ValueOf>
  bool Dictionary(size_t values, size_t value_bytes, ValueOf value_of);
  size_t FixedWidth() const;  // bytes of a PLAIN value; 0 for byte arrays
  // min/max of a text column: over the dictionary's values when `dictionary`, else all.
  void FindTextStatistics(bool dictionary);
  std::string_view Text(size_t k) const {
    const size_t start = k == 0 ? 0 : ends_[k - 1];
    return std::string_view(bytes_).substr(start, ends_[k] - start);
  }
  size_t values() const {
    return leaf_.physical == PhysicalType::kByteArray ? ends_.size() : fixed_count_;
  }

  const LeafColumn& leaf_;
  const ColumnWriterOptions& options_;
  std::vector<uint16_t> definitions_, repetitions_;
  size_t nulls_ = 0;
  std::string fixed_;              // fixed-width values, PLAIN (booleans one byte each)
  size_t fixed_count_ = 0;
  std::string bytes_;              // text and bytes, back to back
  std::vector<uint32_t> ends_;     // the end of each in bytes_
  // Statistics of the non-null values.
  bool has_minmax_ = false;
  int64_t min_int_ = 0, max_int_ = 0;
  size_t min_text_ = 0, max_text_ = 0;  // value numbers of the least and greatest text
  bool bytes_stats_ok_ = true;  // values longer than kMaxStatBytes leave min/max out
  // Dictionary of the chunk: index per value, distinct values (value numbers) in first-seen order.
  std::vector<uint32_t> indices_;
  std::vector<uint32_t> dictionary_;  // value number of each distinct value
  std::string scratch_, compressed_;
  struct ZstdFree {
    void operator()(ZSTD_CCtx* context) const;
  };
  std::unique_ptr<ZSTD_CCtx, ZstdFree> zstd_;
};

}  // namespace sluice::parquet
