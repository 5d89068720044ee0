#include "format/parquet/column_chunk_reader.h"

#include <optional>

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "format/parquet/rle_hybrid.h"

namespace sluice::parquet {
namespace {

// Julian day of 1970-01-01, for INT96 timestamps (Impala's and Spark's legacy layout).
constexpr int64_t kJulianEpochDay = 2440588;
constexpr int64_t kMicrosPerDay = 86'400'000'000;

// Floor division, so pre-1970 nanoseconds round down to the microsecond as the clock does.
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

template <typename T>
T LoadLE(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Big-endian two's complement bytes as an integer; nullopt when they need more than 128 bits.
std::optional<Int128> BigEndianSigned(std::string_view bytes) {
  if (bytes.empty()) return Int128{0};
  const bool negative = static_cast<int8_t>(bytes[0]) < 0;
  while (bytes.size() > 16) {  // leading bytes beyond 16 may only repeat the sign
    if (bytes[0] != static_cast<char>(negative ? -1 : 0)) return std::nullopt;
    bytes.remove_prefix(1);
  }
  if ((static_cast<int8_t>(bytes[0]) < 0) != negative) return std::nullopt;  // a 129th bit
  Int128 v = static_cast<int8_t>(bytes[0]);  // sign-extends
  for (size_t i = 1; i < bytes.size(); ++i) {
    v = static_cast<Int128>((static_cast<UInt128>(v) << 8) | static_cast<uint8_t>(bytes[i]));
  }
  return v;
}

// A ZSTD frame that does not say its size may claim at most this much.
constexpr size_t kMaxUnsizedPage = size_t{1} << 28;

Status Decompress(Codec codec, std::string_view in, size_t uncompressed_size, std::string& out) {
  // The page header's size comes from the file: checked against what the compressed bytes say
  // (or can hold) before anything is allocated for it.
  switch (codec) {
    case Codec::kUncompressed:
      if (in.size() != uncompressed_size) {
        return Status::ParseError("an uncompressed page of {} bytes claims {}", in.size(),
                                  uncompressed_size);
      }
      out.assign(in);
      return Status::OK();
    case Codec::kSnappy: {
      size_t length = 0;
      if (snappy_uncompressed_length(in.data(), in.size(), &length) != SNAPPY_OK ||
          length != uncompressed_size) {
        return Status::ParseError("a Snappy page does not decompress to {} bytes",
                                  uncompressed_size);
      }
      out.resize(uncompressed_size);
      if (snappy_uncompress(in.data(), in.size(), out.data(), &length) != SNAPPY_OK) {
        return Status::ParseError("a Snappy page does not decompress to {} bytes",
                                  uncompressed_size);
      }
      return Status::OK();
    }
    case Codec::kZstd: {
      const unsigned long long frame = ZSTD_getFrameContentSize(in.data(), in.size());
      if (frame == ZSTD_CONTENTSIZE_ERROR ||
          (frame != ZSTD_CONTENTSIZE_UNKNOWN && frame != uncompressed_size) ||
          (frame == ZSTD_CONTENTSIZE_UNKNOWN && uncompressed_size > kMaxUnsizedPage)) {
        return Status::ParseError("a ZSTD page does not decompress to {} bytes", uncompressed_size);
      }
      out.resize(uncompressed_size);
      const size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
      if (ZSTD_isError(n) || n != uncompressed_size) {
        return Status::ParseError("a ZSTD page does not decompress to {} bytes{}",
                                  uncompressed_size,
                                  ZSTD_isError(n) ? std::string(": ") + ZSTD_getErrorName(n) : "");
      }
      return Status::OK();
    }
    case Codec::kGzip: {
      // DEFLATE expands at most about 1032 times.
      if (uncompressed_size > in.size() * 1032 + 1024) {
        return Status::ParseError("a GZIP page of {} bytes cannot decompress to {} bytes", in.size(),
                                  uncompressed_size);
      }
      out.resize(uncompressed_size);
      z_stream z{};
      if (inflateInit2(&z, 15 + 32) != Z_OK) return Status::Internal("zlib inflateInit failed");
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(in.size());
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      const int rc = inflate(&z, Z_FINISH);
      const size_t produced = out.size() - z.avail_out;
      inflateEnd(&z);
      if (rc != Z_STREAM_END || produced != uncompressed_size) {
        return Status::ParseError("a GZIP page does not decompress to {} bytes", uncompressed_size);
      }
      return Status::OK();
    }
    default:
      return Status::NotImplemented(
          "compression {} is not supported (sluice reads uncompressed, SNAPPY, GZIP and ZSTD)",
          CodecName(codec));
  }
}

// Decodes `count` PLAIN values into the conversion's lane of `out`.
class ValueSink {
 public:
  ValueSink(const LeafConversion& c, ColumnValues& out) : c_(c), out_(out) {}

  void Int(int64_t v) {
    if (c_.lane == LeafConversion::Lane::kDecimal) return Decimal(v);
    if (c_.multiplier != 1 && __builtin_mul_overflow(v, c_.multiplier, &v)) {
      overflow_ = true;
      v = 0;
    }
    if (c_.divisor != 1) v = FloorDiv(v, c_.divisor);
    if (c_.lane == LeafConversion::Lane::kDouble) {
      out_.doubles.push_back(static_cast<double>(v) / (c_.double_divisor > 0 ? c_.double_divisor : 1));
    } else {
      out_.ints.push_back(v);
    }
  }
  void Double(double v) { out_.doubles.push_back(v); }
  // A value that left the int64 range on its way to the column's unit: only a damaged file
  // or a timestamp far beyond year 294,000 gets there.
  bool overflow() const { return overflow_; }
  void Overflowed() { overflow_ = true; }
  void Bytes(std::string_view v) {
    if (c_.decimal_bytes) {
      const auto unscaled = BigEndianSigned(v);
      if (!unscaled) {
        overflow_ = true;
        return c_.lane == LeafConversion::Lane::kDecimal ? Decimal(0) : Int(0);
      }
      if (c_.lane == LeafConversion::Lane::kDecimal) return Decimal(*unscaled);
      // Read as a DOUBLE (up to 18 digits, so it fits 64 bits).
      return Int(static_cast<int64_t>(*unscaled));
    }
    out_.bytes.push_back(v);
  }
  // An unscaled decimal, to the target's scale; beyond 38 digits only a damaged file gets.
  void Decimal(Int128 v) {
    auto scaled = RescaleDecimal(v, 0, c_.decimal_shift, kMaxDecimalPrecision);
    if (!scaled) {
      overflow_ = true;
      scaled = 0;
    }
    out_.decimals.push_back(*scaled);
  }

 private:
  const LeafConversion& c_;
  ColumnValues& out_;
  bool overflow_ = false;
};

Status DecodePlainInto(ValueSink& sink, std::string_view data, size_t count,
                       const LeafConversion& c) {
  const char* p = data.data();
  const size_t size = data.size();
  auto need = [&](size_t bytes) {
    return bytes <= size ? Status::OK()
                         : Status::ParseError("a page holds {} bytes of values, {} needed", size,
                                              bytes);
  };
  switch (c.physical) {
    case FileType::kBoolean:
      SLUICE_RETURN_NOT_OK(need((count + 7) / 8));
      for (size_t i = 0; i < count; ++i) sink.Int((static_cast<uint8_t>(p[i / 8]) >> (i % 8)) & 1);
      return Status::OK();
    case FileType::kInt32:
      SLUICE_RETURN_NOT_OK(need(count * 4));
      for (size_t i = 0; i < count; ++i) {
        const int32_t v = LoadLE<int32_t>(p + 4 * i);
        sink.Int(c.unsigned_32 ? static_cast<int64_t>(static_cast<uint32_t>(v)) : v);
      }
      return Status::OK();
    case FileType::kInt64:
      SLUICE_RETURN_NOT_OK(need(count * 8));
      for (size_t i = 0; i < count; ++i) sink.Int(LoadLE<int64_t>(p + 8 * i));
      return Status::OK();
    case FileType::kInt96:
      SLUICE_RETURN_NOT_OK(need(count * 12));
      for (size_t i = 0; i < count; ++i) {
        const int64_t nanos_of_day = LoadLE<int64_t>(p + 12 * i);
        const int64_t julian_day = LoadLE<int32_t>(p + 12 * i + 8);
        int64_t micros = 0;
        if (__builtin_mul_overflow(julian_day - kJulianEpochDay, kMicrosPerDay, &micros) ||
            __builtin_add_overflow(micros, FloorDiv(nanos_of_day, 1000), &micros)) {
          sink.Overflowed();
        }
        sink.Int(micros);
      }
      return Status::OK();
    case FileType::kFloat:
      SLUICE_RETURN_NOT_OK(need(count * 4));
      for (size_t i = 0; i < count; ++i) sink.Double(LoadLE<float>(p + 4 * i));
      return Status::OK();
    case FileType::kDouble:
      SLUICE_RETURN_NOT_OK(need(count * 8));
      for (size_t i = 0; i < count; ++i) sink.Double(LoadLE<double>(p + 8 * i));
      return Status::OK();
    case FileType::kByteArray: {
      size_t at = 0;
      for (size_t i = 0; i < count; ++i) {
        if (size - at < 4) return Status::ParseError("a BYTE_ARRAY value's length is cut off");
        const uint32_t length = LoadLE<uint32_t>(p + at);
        at += 4;
        if (length > size - at) return Status::ParseError("a BYTE_ARRAY value is cut off");
        sink.Bytes(std::string_view(p + at, length));
        at += length;
      }
      return Status::OK();
    }
    case FileType::kFixedLenByteArray: {
      const size_t width = static_cast<size_t>(c.type_length);
      if (width == 0) return Status::ParseError("FIXED_LEN_BYTE_ARRAY of length 0");
      SLUICE_RETURN_NOT_OK(need(count * width));
      for (size_t i = 0; i < count; ++i) sink.Bytes(std::string_view(p + width * i, width));
      return Status::OK();
    }
  }
  return Status::ParseError("unknown physical type");
}

Status DecodePlain(std::string_view data, size_t count, const LeafConversion& c,
                   ColumnValues& out) {
  ValueSink sink(c, out);
  SLUICE_RETURN_NOT_OK(DecodePlainInto(sink, data, count, c));
  if (sink.overflow()) return Status::ParseError("a value overflows when converted to microseconds or to the column's scale");
  return Status::OK();
}

// Appends the dictionary's entry for each index to `out`'s lane.
Status TakeFromDictionary(const ColumnValues& dictionary, const std::vector<uint32_t>& indices,
                          const LeafConversion& c, ColumnValues& out) {
  const size_t size = c.lane == LeafConversion::Lane::kInt       ? dictionary.ints.size()
                      : c.lane == LeafConversion::Lane::kDouble  ? dictionary.doubles.size()
                      : c.lane == LeafConversion::Lane::kDecimal ? dictionary.decimals.size()
                                                                 : dictionary.bytes.size();
  for (uint32_t index : indices) {
    if (index >= size) {
      return Status::ParseError("dictionary index {} beyond the dictionary's {} entries", index,
                                size);
    }
  }
  for (uint32_t index : indices) {
    switch (c.lane) {
      case LeafConversion::Lane::kInt: out.ints.push_back(dictionary.ints[index]); break;
      case LeafConversion::Lane::kDouble: out.doubles.push_back(dictionary.doubles[index]); break;
      case LeafConversion::Lane::kBytes: out.bytes.push_back(dictionary.bytes[index]); break;
      case LeafConversion::Lane::kDecimal: out.decimals.push_back(dictionary.decimals[index]); break;
    }
  }
  return Status::OK();
}

// Levels with a 4-byte length prefix (data page v1): consumes them from `data`.
Status ReadPrefixedLevels(std::string_view& data, int max_level, size_t count,
                          std::vector<uint16_t>& out) {
  if (data.size() < 4) return Status::ParseError("a page's levels are cut off");
  const uint32_t length = LoadLE<uint32_t>(data.data());
  if (length > data.size() - 4) return Status::ParseError("a page's levels are cut off");
  const size_t at = out.size();
  out.resize(at + count);
  SLUICE_RETURN_NOT_OK(
      DecodeRleHybrid(data.substr(4, length), BitWidth(static_cast<uint32_t>(max_level)), count,
                      out.data() + at));
  data.remove_prefix(4 + length);
  return Status::OK();
}

Status CheckLevels(const uint16_t* levels, size_t count, int max_level) {
  for (size_t i = 0; i < count; ++i) {
    if (levels[i] > max_level) {
      return Status::ParseError("a level of {} above the column's maximum {}", levels[i],
                                max_level);
    }
  }
  return Status::OK();
}

}  // namespace

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "an unknown encoding";
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return "UNCOMPRESSED";
    case Codec::kSnappy: return "SNAPPY";
    case Codec::kGzip: return "GZIP";
    case Codec::kLzo: return "LZO";
    case Codec::kBrotli: return "BROTLI";
    case Codec::kLz4: return "LZ4";
    case Codec::kZstd: return "ZSTD";
    case Codec::kLz4Raw: return "LZ4_RAW";
  }
  return "an unknown codec";
}

Status ReadColumnChunk(std::string_view chunk, const ColumnChunkMeta& meta, LeafLevels levels,
                       const LeafConversion& conversion, ColumnValues& out) {
  ColumnValues dictionary;
  bool has_dictionary = false;
  const auto expected = static_cast<uint64_t>(meta.num_values);
  std::vector<uint32_t> indices;
  while (out.entries < expected) {
    if (chunk.empty()) {
      return Status::ParseError("the column chunk ends after {} of its {} values", out.entries,
                                expected);
    }
    size_t header_size = 0;
    SLUICE_ASSIGN_OR_RETURN(PageHeader page, ParsePageHeader(chunk, header_size));
    chunk.remove_prefix(header_size);
    if (static_cast<size_t>(page.compressed_size) > chunk.size()) {
      return Status::ParseError("a page of {} bytes runs past its column chunk",
                                page.compressed_size);
    }
    std::string_view body = chunk.substr(0, page.compressed_size);
    chunk.remove_prefix(page.compressed_size);
    if (page.type == PageType::kIndexPage) continue;
    if (page.type != PageType::kDictionaryPage && page.type != PageType::kDataPage &&
        page.type != PageType::kDataPageV2) {
      continue;  // a page type from a newer format version: skipped, as readers must
    }

    auto buffer = std::make_unique<std::string>();
    std::string_view levels_bytes;  // v2: the levels, stored uncompressed before the values
    if (page.type == PageType::kDataPageV2) {
      const size_t level_bytes = static_cast<size_t>(page.repetition_levels_bytes) +
                                 static_cast<size_t>(page.definition_levels_bytes);
      if (level_bytes > body.size() ||
          level_bytes > static_cast<size_t>(page.uncompressed_size)) {
        return Status::ParseError("a v2 page's levels are longer than the page");
      }
      levels_bytes = body.substr(0, level_bytes);
      const std::string_view values = body.substr(level_bytes);
      const size_t values_size = static_cast<size_t>(page.uncompressed_size) - level_bytes;
      SLUICE_RETURN_NOT_OK(Decompress(page.values_compressed ? meta.codec : Codec::kUncompressed,
                                      values, values_size, *buffer));
    } else {
      SLUICE_RETURN_NOT_OK(
          Decompress(meta.codec, body, static_cast<size_t>(page.uncompressed_size), *buffer));
    }
    std::string_view data = *buffer;

    if (page.type == PageType::kDictionaryPage) {
      if (has_dictionary) return Status::ParseError("a second dictionary page");
      if (page.encoding != Encoding::kPlain && page.encoding != Encoding::kPlainDictionary) {
        return Status::NotImplemented("a dictionary page encoded {}", EncodingName(page.encoding));
      }
      SLUICE_RETURN_NOT_OK(DecodePlain(data, static_cast<size_t>(page.num_values), conversion,
                                       dictionary));
      dictionary.buffers.push_back(std::move(buffer));
      has_dictionary = true;
      continue;
    }

    const size_t count = static_cast<size_t>(page.num_values);
    if (count > expected - out.entries) {
      return Status::ParseError("the pages hold more values than the chunk's {}", expected);
    }
    const size_t at = out.entries;
    if (page.type == PageType::kDataPageV2) {
      std::string_view rep = levels_bytes.substr(0, page.repetition_levels_bytes);
      std::string_view def = levels_bytes.substr(page.repetition_levels_bytes);
      if (levels.max_repetition > 0) {
        out.repetition.resize(at + count);
        SLUICE_RETURN_NOT_OK(DecodeRleHybrid(
            rep, BitWidth(static_cast<uint32_t>(levels.max_repetition)), count, out.repetition.data() + at));
      }
      if (levels.max_definition > 0) {
        out.definition.resize(at + count);
        SLUICE_RETURN_NOT_OK(DecodeRleHybrid(
            def, BitWidth(static_cast<uint32_t>(levels.max_definition)), count, out.definition.data() + at));
      }
    } else {
      if (levels.max_repetition > 0) {
        SLUICE_RETURN_NOT_OK(ReadPrefixedLevels(data, levels.max_repetition, count, out.repetition));
      }
      if (levels.max_definition > 0) {
        SLUICE_RETURN_NOT_OK(ReadPrefixedLevels(data, levels.max_definition, count, out.definition));
      }
    }
    size_t present = count;
    if (levels.max_definition > 0) {
      SLUICE_RETURN_NOT_OK(CheckLevels(out.definition.data() + at, count, levels.max_definition));
      present = 0;
      for (size_t i = at; i < at + count; ++i) present += out.definition[i] == levels.max_definition;
    }
    if (levels.max_repetition > 0) {
      SLUICE_RETURN_NOT_OK(CheckLevels(out.repetition.data() + at, count, levels.max_repetition));
      if (at == 0 && count > 0 && out.repetition[0] != 0) {
        return Status::ParseError("a column chunk starts in the middle of a row");
      }
    }

    switch (page.encoding) {
      case Encoding::kPlain:
        SLUICE_RETURN_NOT_OK(DecodePlain(data, present, conversion, out));
        break;
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: {
        if (!has_dictionary) return Status::ParseError("dictionary indices without a dictionary");
        indices.resize(present);
        if (present > 0) {
          if (data.empty()) return Status::ParseError("dictionary indices are cut off");
          const int bit_width = static_cast<uint8_t>(data[0]);
          SLUICE_RETURN_NOT_OK(DecodeRleHybrid(data.substr(1), bit_width, present, indices.data()));
        }
        SLUICE_RETURN_NOT_OK(TakeFromDictionary(dictionary, indices, conversion, out));
        break;
      }
      case Encoding::kRle: {
        if (conversion.physical != FileType::kBoolean) {
          return Status::NotImplemented("RLE-encoded values of a non-BOOLEAN column");
        }
        if (data.size() < 4) return Status::ParseError("RLE booleans are cut off");
        const uint32_t length = LoadLE<uint32_t>(data.data());
        if (length > data.size() - 4) return Status::ParseError("RLE booleans are cut off");
        indices.resize(present);
        SLUICE_RETURN_NOT_OK(DecodeRleHybrid(data.substr(4, length), 1, present, indices.data()));
        for (uint32_t v : indices) ValueSink(conversion, out).Int(v);
        break;
      }
      default:
        return Status::NotImplemented(
            "values encoded {} (sluice reads PLAIN, dictionary and RLE booleans; write the file "
            "with data page version 1.0 or without that encoding)",
            EncodingName(page.encoding));
    }
    out.entries += count;
    out.buffers.push_back(std::move(buffer));
  }
  // The dictionary's buffers hold the bytes its entries point at.
  for (auto& b : dictionary.buffers) out.buffers.push_back(std::move(b));
  return Status::OK();
}

}  // namespace sluice::parquet
