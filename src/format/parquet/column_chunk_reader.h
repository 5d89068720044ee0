#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/parquet/parquet_metadata.h"
#include "types/decimal.h"

namespace sluice::parquet {

// How a leaf column's stored values become values of the sluice type it is read as. Integers,
// booleans, dates and timestamps travel as int64 (then * multiplier / divisor, e.g.
// milliseconds to microseconds), unscaled decimals as 128-bit integers (then * 10^decimal_shift,
// to a larger scale), floating point as double (integers and decimals read as DOUBLE are divided
// by `double_divisor`), text and bytes as views.
struct LeafConversion {
  enum class Lane { kInt, kDouble, kBytes, kDecimal };
  Lane lane = Lane::kInt;
  FileType physical = FileType::kInt32;
  int32_t type_length = 0;       // FIXED_LEN_BYTE_ARRAY
  bool decimal_bytes = false;    // a decimal stored as big-endian two's complement bytes
  bool unsigned_32 = false;      // UINT_32 stored in INT32
  int64_t multiplier = 1;
  int64_t divisor = 1;           // floor division
  double double_divisor = 0;     // > 0: an integer or decimal read as DOUBLE
  int decimal_shift = 0;         // the decimal lane: digits the target's scale adds
};

// One column chunk of a row group, decoded: its levels and its non-null values in order.
struct ColumnValues {
  std::vector<uint16_t> definition;  // one per entry; empty when the maximum level is 0
  std::vector<uint16_t> repetition;  // one per entry; empty when the maximum level is 0
  size_t entries = 0;
  std::vector<int64_t> ints;
  std::vector<Int128> decimals;
  std::vector<double> doubles;
  std::vector<std::string_view> bytes;        // into `buffers`
  std::vector<std::unique_ptr<std::string>> buffers;  // decompressed pages the views point into
};

struct LeafLevels {
  int max_definition = 0;
  int max_repetition = 0;
};

// Decodes the pages of one column chunk (`chunk` holds its bytes, dictionary page first):
// data pages v1 and v2; PLAIN, dictionary (PLAIN_DICTIONARY, RLE_DICTIONARY) and RLE booleans;
// uncompressed, Snappy, GZIP and ZSTD. Anything else, or bytes that do not add up, is an error
// saying what (the caller adds the file and column).
Status ReadColumnChunk(std::string_view chunk, const ColumnChunkMeta& meta, LeafLevels levels,
                       const LeafConversion& conversion, ColumnValues& out);

std::string_view EncodingName(Encoding encoding);
std::string_view CodecName(Codec codec);

}  // namespace sluice::parquet
