#include "format/parquet/column_chunk_writer.h"

#include "types/decimal.h"

#include <snappy-c.h>
#include <zstd.h>

#include <cstring>
#include <limits>
#include <type_traits>

#include "absl/container/flat_hash_map.h"
#include "format/parquet/rle_hybrid.h"

namespace sluice::parquet {
namespace {

// Parquet's enums as written.
constexpr int32_t kPagePlainData = 0;  // PageType DATA_PAGE
constexpr int32_t kPageDictionary = 2;
constexpr int32_t kEncodingPlain = 0;
constexpr int32_t kEncodingRle = 3;
constexpr int32_t kEncodingRleDictionary = 8;
// Text statistics longer than this are left out rather than stored whole in every footer.
constexpr size_t kMaxStatBytes = 64;

template <typename T>
void AppendLittleEndian(T v, std::string& out) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  out.append(bytes, sizeof(T));
}

void AppendLevels(const uint16_t* levels, size_t count, int max_level, std::string& out) {
  const size_t at = out.size();
  out.append(4, '\0');
  EncodeRleHybrid(levels, count, BitWidth(static_cast<uint32_t>(max_level)), out);
  const uint32_t length = static_cast<uint32_t>(out.size() - at - 4);
  std::memcpy(out.data() + at, &length, 4);
}

}  // namespace

void ColumnChunkWriter::AddValue(const Vector& vector, size_t row, uint16_t repetition) {
  definitions_.push_back(static_cast<uint16_t>(leaf_.max_definition));
  if (leaf_.max_repetition > 0) repetitions_.push_back(repetition);
  int64_t number = 0;
  switch (leaf_.type.id()) {
    case TypeId::kBoolean:
      number = vector.data<uint8_t>()[row] ? 1 : 0;
      fixed_.push_back(static_cast<char>(number));
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      number = vector.data<int32_t>()[row];
      AppendLittleEndian(static_cast<int32_t>(number), fixed_);
      break;
    case TypeId::kDecimal:
      if (leaf_.physical == PhysicalType::kByteArray) {
        // Big-endian two's complement in as few bytes as keep the sign (no min/max: Parquet
        // orders these as signed numbers, not as bytes).
        const Int128 unscaled = vector.data<Int128>()[row];
        int bytes = 16;
        while (bytes > 1 && (unscaled >> ((bytes - 1) * 8 - 1)) == (unscaled < 0 ? -1 : 0)) --bytes;
        for (int i = bytes - 1; i >= 0; --i) bytes_.push_back(static_cast<char>(unscaled >> (8 * i)));
        ends_.push_back(static_cast<uint32_t>(bytes_.size()));
        bytes_stats_ok_ = false;
        return;
      }
      number = static_cast<int64_t>(vector.data<Int128>()[row]);
      if (leaf_.physical == PhysicalType::kInt32) {
        AppendLittleEndian(static_cast<int32_t>(number), fixed_);
      } else {
        AppendLittleEndian(number, fixed_);
      }
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      number = vector.data<int64_t>()[row];
      AppendLittleEndian(number, fixed_);
      break;
    case TypeId::kFloat64:
      AppendLittleEndian(vector.data<double>()[row], fixed_);
      ++fixed_count_;
      return;  // no min/max: NaN and -0 make them ambiguous
    case TypeId::kString:
    case TypeId::kBytes: {
      const std::string_view text = vector.data<std::string_view>()[row];
      bytes_.append(text);
      ends_.push_back(static_cast<uint32_t>(bytes_.size()));
      // min/max are found at Flush, over the distinct values when there is a dictionary.
      return;
    }
    default:
      return;
  }
  ++fixed_count_;
  if (!has_minmax_) {
    min_int_ = max_int_ = number;
    has_minmax_ = true;
  } else {
    min_int_ = std::min(min_int_, number);
    max_int_ = std::max(max_int_, number);
  }
}

template <typename Stored, typename Source>
void ColumnChunkWriter::AddFixed(const Vector& vector, const uint32_t* rows, size_t count) {
  const Source* data = vector.data<Source>();
  const uint16_t present = static_cast<uint16_t>(leaf_.max_definition);
  const size_t first = definitions_.size();
  definitions_.resize(first + count);
  uint16_t* definitions = definitions_.data() + first;
  size_t at = fixed_.size();
  fixed_.resize(at + count * sizeof(Stored));
  const bool nulls = vector.MayHaveNulls();
  int64_t lo = has_minmax_ ? min_int_ : std::numeric_limits<int64_t>::max();
  int64_t hi = has_minmax_ ? max_int_ : std::numeric_limits<int64_t>::min();
  size_t values = 0;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t row = rows[i];
    if (nulls && vector.IsNull(row)) {
      definitions[i] = static_cast<uint16_t>(present - 1);
      continue;
    }
    definitions[i] = present;
    const Stored v = static_cast<Stored>(data[row]);
    std::memcpy(fixed_.data() + at, &v, sizeof(Stored));
    at += sizeof(Stored);
    ++values;
    if constexpr (!std::is_floating_point_v<Stored>) {
      lo = std::min<int64_t>(lo, static_cast<int64_t>(v));
      hi = std::max<int64_t>(hi, static_cast<int64_t>(v));
    }
  }
  fixed_.resize(at);
  fixed_count_ += values;
  nulls_ += count - values;
  if (values > 0 && !std::is_floating_point_v<Stored>) {
    min_int_ = lo;
    max_int_ = hi;
    has_minmax_ = true;
  }
}

void ColumnChunkWriter::AddColumn(const Vector& vector, const uint32_t* rows, size_t count) {
  switch (leaf_.type.id()) {
    case TypeId::kInt32:
    case TypeId::kDate:
      return AddFixed<int32_t, int32_t>(vector, rows, count);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return AddFixed<int64_t, int64_t>(vector, rows, count);
    case TypeId::kDecimal:
      if (leaf_.physical == PhysicalType::kInt32) return AddFixed<int32_t, Int128>(vector, rows, count);
      if (leaf_.physical == PhysicalType::kInt64) return AddFixed<int64_t, Int128>(vector, rows, count);
      break;  // bytes, one by one
    case TypeId::kFloat64:
      return AddFixed<double, double>(vector, rows, count);
    default:
      break;
  }
  for (size_t i = 0; i < count; ++i) {
    if (vector.IsNull(rows[i])) {
      AddNull(static_cast<uint16_t>(leaf_.max_definition - 1), 0);
    } else {
      AddValue(vector, rows[i], 0);
    }
  }
}

std::vector<ColumnChunkWriter::Page> ColumnChunkWriter::CutPages(bool dictionary) const {
  std::vector<Page> pages;
  const size_t value_width = leaf_.physical == PhysicalType::kInt32     ? 4
                             : leaf_.physical == PhysicalType::kBoolean ? 1
                                                                        : 8;
  Page page{0, 0, 0, 0};
  size_t page_bytes = 0;
  size_t value = 0;
  const uint16_t max_def = static_cast<uint16_t>(leaf_.max_definition);
  for (size_t e = 0; e < definitions_.size(); ++e) {
    // Pages start at a record (repetition level 0).
    const bool record_start = leaf_.max_repetition == 0 || repetitions_[e] == 0;
    if (record_start && page_bytes >= options_.page_bytes) {
      page.end_entry = e;
      page.end_value = value;
      pages.push_back(page);
      page = Page{e, 0, value, 0};
      page_bytes = 0;
    }
    if (definitions_[e] == max_def) {
      page_bytes += dictionary ? 4
                    : leaf_.physical == PhysicalType::kByteArray
                        ? 4 + Text(value).size()
                        : value_width;
      ++value;
    }
    page_bytes += 1;  // levels, roughly
  }
  page.end_entry = definitions_.size();
  page.end_value = value;
  pages.push_back(page);
  return pages;
}

void ColumnChunkWriter::EncodeValues(size_t first, size_t end, bool dictionary,
                                     std::string& out) const {
  if (dictionary) {
    const int width = std::max(1, BitWidth(static_cast<uint32_t>(dictionary_.size() - 1)));
    out.push_back(static_cast<char>(width));
    EncodeRleHybrid(indices_.data() + first, end - first, width, out);
    return;
  }
  switch (leaf_.physical) {
    case PhysicalType::kBoolean: {
      // PLAIN booleans are bit-packed, least significant bit first.
      const size_t at = out.size();
      out.append((end - first + 7) / 8, '\0');
      for (size_t i = first; i < end; ++i) {
        if (fixed_[i]) out[at + (i - first) / 8] |= static_cast<char>(1 << ((i - first) % 8));
      }
      return;
    }
    case PhysicalType::kInt32:
      out.append(fixed_, first * 4, (end - first) * 4);
      return;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      out.append(fixed_, first * 8, (end - first) * 8);
      return;
    case PhysicalType::kByteArray:
      for (size_t i = first; i < end; ++i) {
        const std::string_view text = Text(i);
        AppendLittleEndian(static_cast<uint32_t>(text.size()), out);
        out.append(text);
      }
      return;
  }
}

void ColumnChunkWriter::ZstdFree::operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }

Status ColumnChunkWriter::Compress(std::string_view raw, std::string& out) {
  switch (options_.compression) {
    case Compression::kUncompressed:
      out.assign(raw);
      return Status::OK();
    case Compression::kSnappy: {
      size_t length = snappy_max_compressed_length(raw.size());
      out.resize(length);
      if (snappy_compress(raw.data(), raw.size(), out.data(), &length) != SNAPPY_OK) {
        return Status::Internal("snappy could not compress a {}-byte page", raw.size());
      }
      out.resize(length);
      return Status::OK();
    }
    case Compression::kZstd: {
      // One context for every page of the column: setting one up costs as much as a small page.
      if (!zstd_) zstd_.reset(ZSTD_createCCtx());
      out.resize(ZSTD_compressBound(raw.size()));
      const size_t length = ZSTD_compressCCtx(zstd_.get(), out.data(), out.size(), raw.data(),
                                              raw.size(), options_.zstd_level);
      if (ZSTD_isError(length)) {
        return Status::Internal("zstd could not compress a {}-byte page: {}", raw.size(),
                                ZSTD_getErrorName(length));
      }
      out.resize(length);
      return Status::OK();
    }
  }
  return Status::Internal("unknown Parquet compression");
}

void ColumnChunkWriter::AppendPage(int32_t page_type, size_t entries, int32_t encoding,
                                   std::string_view compressed_body, std::string& out,
                                   int64_t& uncompressed_total) {
  std::string header;
  ThriftCompactWriter w(header);
  w.BeginStruct();
  w.FieldI32(1, page_type);
  w.FieldI32(2, static_cast<int32_t>(scratch_.size()));
  w.FieldI32(3, static_cast<int32_t>(compressed_body.size()));
  if (page_type == kPageDictionary) {
    w.FieldStruct(7);
    w.BeginStruct();
    w.FieldI32(1, static_cast<int32_t>(entries));
    w.FieldI32(2, kEncodingPlain);
    w.EndStruct();
  } else {
    w.FieldStruct(5);
    w.BeginStruct();
    w.FieldI32(1, static_cast<int32_t>(entries));
    w.FieldI32(2, encoding);
    w.FieldI32(3, kEncodingRle);
    w.FieldI32(4, kEncodingRle);
    w.EndStruct();
  }
  w.EndStruct();
  uncompressed_total += static_cast<int64_t>(header.size() + scratch_.size());
  out.append(header);
  out.append(compressed_body);
}

void ColumnChunkWriter::WriteStatistics(ThriftCompactWriter& w) const {
  w.FieldStruct(12);
  w.BeginStruct();
  w.FieldI64(3, static_cast<int64_t>(nulls_));
  std::string min, max;
  bool minmax = has_minmax_;
  switch (leaf_.physical) {
    case PhysicalType::kBoolean:
      min.push_back(static_cast<char>(min_int_));
      max.push_back(static_cast<char>(max_int_));
      break;
    case PhysicalType::kInt32:
      AppendLittleEndian(static_cast<int32_t>(min_int_), min);
      AppendLittleEndian(static_cast<int32_t>(max_int_), max);
      break;
    case PhysicalType::kInt64:
      AppendLittleEndian(min_int_, min);
      AppendLittleEndian(max_int_, max);
      break;
    case PhysicalType::kDouble:
      minmax = false;
      break;
    case PhysicalType::kByteArray:
      minmax = minmax && bytes_stats_ok_;
      if (minmax) {
        min.assign(Text(min_text_));
        max.assign(Text(max_text_));
      }
      break;
  }
  if (minmax) {
    w.FieldBinary(5, max);
    w.FieldBinary(6, min);
  }
  w.EndStruct();
}

template <typename Key, typename ValueOf>
bool ColumnChunkWriter::Dictionary(size_t values, size_t value_bytes, ValueOf value_of) {
  absl::flat_hash_map<Key, uint32_t> index;
  indices_.clear();
  dictionary_.clear();
  indices_.reserve(values);
  size_t dictionary_bytes = 0;
  for (size_t k = 0; k < values; ++k) {
    const Key key = value_of(k);
    auto [it, added] = index.try_emplace(key, static_cast<uint32_t>(dictionary_.size()));
    if (added) {
      dictionary_.push_back(static_cast<uint32_t>(k));
      dictionary_bytes += value_bytes == 0 ? 4 + Text(k).size() : value_bytes;
      if (dictionary_bytes > options_.dictionary_page_bytes) return false;
    }
    indices_.push_back(it->second);
  }
  // A dictionary nearly as large as the values saves nothing.
  return dictionary_.size() * 2 <= values + 16;
}

bool ColumnChunkWriter::BuildDictionary() {
  if (!options_.dictionary) return false;
  const size_t count = values();
  if (count == 0) return false;
  switch (leaf_.physical) {
    case PhysicalType::kByteArray:
      return Dictionary<std::string_view>(count, 0, [this](size_t k) { return Text(k); });
    case PhysicalType::kInt32:
      return Dictionary<int32_t>(count, 4, [this](size_t k) {
        int32_t v;
        std::memcpy(&v, fixed_.data() + k * 4, 4);
        return v;
      });
    case PhysicalType::kInt64:
      return Dictionary<int64_t>(count, 8, [this](size_t k) {
        int64_t v;
        std::memcpy(&v, fixed_.data() + k * 8, 8);
        return v;
      });
    default:
      return false;  // booleans are a bit each; doubles stay PLAIN
  }
}

size_t ColumnChunkWriter::FixedWidth() const {
  switch (leaf_.physical) {
    case PhysicalType::kInt32: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kByteArray: return 0;
  }
  return 0;
}

void ColumnChunkWriter::FindTextStatistics(bool dictionary) {
  if (leaf_.physical != PhysicalType::kByteArray || ends_.empty()) return;
  auto consider = [&](size_t k) {
    const std::string_view text = Text(k);
    if (text.size() > kMaxStatBytes) bytes_stats_ok_ = false;
    if (!has_minmax_) {
      min_text_ = max_text_ = k;
      has_minmax_ = true;
      return;
    }
    // Unsigned byte order, as Parquet orders BYTE_ARRAY.
    if (text < Text(min_text_)) min_text_ = k;
    if (text > Text(max_text_)) max_text_ = k;
  };
  if (dictionary) {
    for (uint32_t k : dictionary_) consider(k);
  } else {
    for (size_t k = 0; k < ends_.size() && bytes_stats_ok_; ++k) consider(k);
  }
}

Status ColumnChunkWriter::Flush(int64_t offset, std::string& out, std::string& metadata) {
  const bool dictionary = BuildDictionary();
  FindTextStatistics(dictionary);
  const size_t chunk_start = out.size();
  int64_t uncompressed = 0;
  int64_t dictionary_offset = -1;
  if (dictionary) {
    scratch_.clear();
    const size_t width = FixedWidth();
    for (uint32_t k : dictionary_) {
      if (width == 0) {
        const std::string_view text = Text(k);
        AppendLittleEndian(static_cast<uint32_t>(text.size()), scratch_);
        scratch_.append(text);
      } else {
        scratch_.append(fixed_, k * width, width);
      }
    }
    SLUICE_RETURN_NOT_OK(Compress(scratch_, compressed_));
    dictionary_offset = offset + static_cast<int64_t>(out.size() - chunk_start);
    AppendPage(kPageDictionary, dictionary_.size(), kEncodingPlain, compressed_, out, uncompressed);
  }
  const int64_t data_offset = offset + static_cast<int64_t>(out.size() - chunk_start);
  const int32_t encoding = dictionary ? kEncodingRleDictionary : kEncodingPlain;
  for (const Page& page : CutPages(dictionary)) {
    scratch_.clear();
    const size_t entries = page.end_entry - page.first_entry;
    if (leaf_.max_repetition > 0) {
      AppendLevels(repetitions_.data() + page.first_entry, entries, leaf_.max_repetition, scratch_);
    }
    if (leaf_.max_definition > 0) {
      AppendLevels(definitions_.data() + page.first_entry, entries, leaf_.max_definition, scratch_);
    }
    EncodeValues(page.first_value, page.end_value, dictionary, scratch_);
    SLUICE_RETURN_NOT_OK(Compress(scratch_, compressed_));
    AppendPage(kPagePlainData, entries, encoding, compressed_, out, uncompressed);
  }
  const int64_t compressed_total = static_cast<int64_t>(out.size() - chunk_start);

  // ColumnChunk { 2: file_offset, 3: meta_data }
  ThriftCompactWriter w(metadata);
  w.BeginStruct();
  w.FieldI64(2, 0);
  w.FieldStruct(3);
  w.BeginStruct();
  w.FieldI32(1, static_cast<int32_t>(leaf_.physical));
  const bool levels = leaf_.max_definition > 0 || leaf_.max_repetition > 0;
  w.FieldList(2, ThriftCompactWriter::kI32, (levels ? 1 : 0) + (dictionary ? 2 : 1));
  if (dictionary) {
    w.I32(kEncodingPlain);  // the dictionary page
    w.I32(kEncodingRleDictionary);
  } else {
    w.I32(kEncodingPlain);
  }
  if (levels) w.I32(kEncodingRle);
  w.FieldList(3, ThriftCompactWriter::kBinary, leaf_.path.size());
  for (const auto& part : leaf_.path) w.Binary(part);
  w.FieldI32(4, static_cast<int32_t>(options_.compression));
  w.FieldI64(5, static_cast<int64_t>(definitions_.size()));
  w.FieldI64(6, uncompressed);
  w.FieldI64(7, compressed_total);
  w.FieldI64(9, data_offset);
  if (dictionary_offset >= 0) w.FieldI64(11, dictionary_offset);
  WriteStatistics(w);
  w.EndStruct();
  w.EndStruct();
  Reset();
  return Status::OK();
}

void ColumnChunkWriter::Reset() {
  definitions_.clear();
  repetitions_.clear();
  nulls_ = 0;
  fixed_.clear();
  fixed_count_ = 0;
  bytes_.clear();
  ends_.clear();
  has_minmax_ = false;
  bytes_stats_ok_ = true;
  indices_.clear();
  dictionary_.clear();
}

}  // namespace sluice::parquet
