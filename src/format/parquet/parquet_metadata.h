#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sluice::parquet {

// Parquet's enums as its Thrift definition numbers them.
enum class FileType : int32_t {
  kBoolean = 0, kInt32 = 1, kInt64 = 2, kInt96 = 3, kFloat = 4, kDouble = 5, kByteArray = 6,
  kFixedLenByteArray = 7
};
enum class Codec : int32_t {
  kUncompressed = 0, kSnappy = 1, kGzip = 2, kLzo = 3, kBrotli = 4, kLz4 = 5, kZstd = 6,
  kLz4Raw = 7
};
enum class Encoding : int32_t {
  kPlain = 0, kPlainDictionary = 2, kRle = 3, kBitPacked = 4, kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6, kDeltaByteArray = 7, kRleDictionary = 8, kByteStreamSplit = 9
};
enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

// What a column's values mean, from the logical type or the older converted type.
struct LogicalMeaning {
  enum Kind {
    kNone, kString, kEnum, kJson, kBson, kUuid, kDecimal, kDate, kTime, kTimestamp, kInteger,
    kList, kMap, kInterval, kUnknown
  } kind = kNone;
  int32_t scale = 0, precision = 0;  // kDecimal
  int time_unit = 0;                 // kTimestamp/kTime: 1 millis, 2 micros, 3 nanos
  bool utc_adjusted = true;          // kTimestamp
  int bit_width = 0;                 // kInteger
  bool is_signed = true;             // kInteger
};

struct FileSchemaElement {
  std::string name;
  std::optional<FileType> type;  // leaves only
  int32_t type_length = 0;       // FIXED_LEN_BYTE_ARRAY
  int32_t repetition = 0;        // 0 required, 1 optional, 2 repeated
  int32_t num_children = 0;
  LogicalMeaning meaning;
};

struct ColumnChunkMeta {
  FileType type{};
  std::vector<std::string> path;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  int64_t dictionary_page_offset = -1;  // -1: none
  bool external = false;  // the chunk lives in another file (ColumnChunk.file_path)
};

struct RowGroupMeta {
  int64_t num_rows = 0;
  std::vector<ColumnChunkMeta> columns;
};

struct FileMetadata {
  std::vector<FileSchemaElement> schema;  // depth first, the root first
  int64_t num_rows = 0;
  std::vector<RowGroupMeta> row_groups;
  std::string created_by;
};

// Parses the footer (FileMetaData) of a Parquet file.
Result<FileMetadata> ParseFileMetadata(std::string_view footer);

struct PageHeader {
  PageType type{};
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  int32_t num_values = 0;
  Encoding encoding{};
  // DATA_PAGE_V2: level bytes (never compressed) before the values.
  int32_t definition_levels_bytes = 0;
  int32_t repetition_levels_bytes = 0;
  bool values_compressed = true;
};

// Parses one page header from the start of `bytes`; `header_size` receives its length.
Result<PageHeader> ParsePageHeader(std::string_view bytes, size_t& header_size);

}  // namespace sluice::parquet
