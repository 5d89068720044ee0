#include "format/parquet/rle_hybrid.h"

#include <algorithm>

namespace sluice::parquet {
namespace {

void Varint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

template <typename T>
size_t RunAt(const T* values, size_t count, size_t i) {
  size_t j = i + 1;
  while (j < count && values[j] == values[i]) ++j;
  return j - i;
}

template <typename T>
void Encode(const T* values, size_t count, int bit_width, std::string& out) {
  const int value_bytes = (bit_width + 7) / 8;
  size_t i = 0;
  while (i < count) {
    const size_t run = RunAt(values, count, i);
    if (run >= 8) {
      Varint(static_cast<uint64_t>(run) << 1, out);
      const uint32_t v = values[i];
      for (int b = 0; b < value_bytes; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
      i += run;
      continue;
    }
    // Groups of 8 up to where a long run starts on a group boundary (or the end).
    const size_t start = i;
    do {
      i += 8;
    } while (i < count && RunAt(values, count, i) < 8);
    const size_t end = std::min(i, count);
    const size_t groups = (i - start) / 8;
    Varint((static_cast<uint64_t>(groups) << 1) | 1, out);
    // Bit-packed, padded with zeros to whole groups.
    uint64_t bits = 0;
    int pending = 0;
    for (size_t k = start; k < start + groups * 8; ++k) {
      bits |= static_cast<uint64_t>(k < end ? static_cast<uint32_t>(values[k]) : 0u) << pending;
      pending += bit_width;
      while (pending >= 8) {
        out.push_back(static_cast<char>(bits & 0xFF));
        bits >>= 8;
        pending -= 8;
      }
    }
    i = end;
  }
}

}  // namespace

int BitWidth(uint32_t max_value) {
  int width = 0;
  while (max_value > 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

void EncodeRleHybrid(const uint32_t* values, size_t count, int bit_width, std::string& out) {
  Encode(values, count, bit_width, out);
}

void EncodeRleHybrid(const uint16_t* values, size_t count, int bit_width, std::string& out) {
  Encode(values, count, bit_width, out);
}

namespace {

template <typename T>
Status Decode(std::string_view bytes, int bit_width, size_t count, T* out) {
  if (bit_width < 0 || bit_width > 32) {
    return Status::ParseError("RLE/bit-packed data with bit width {}", bit_width);
  }
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto* end = p + bytes.size();
  const uint64_t mask = bit_width == 32 ? 0xFFFFFFFFull : ((1ull << bit_width) - 1);
  const int value_bytes = (bit_width + 7) / 8;
  size_t done = 0;
  while (done < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (p == end || shift > 63) return Status::ParseError("RLE/bit-packed data ends early");
      header |= static_cast<uint64_t>(*p & 0x7F) << shift;
      if ((*p++ & 0x80) == 0) break;
    }
    if (header & 1) {  // bit-packed groups of 8 values
      const uint64_t groups = header >> 1;
      const size_t group_bytes = static_cast<size_t>(bit_width);
      if (groups == 0 || groups > (uint64_t{1} << 40)) {
        return Status::ParseError("RLE/bit-packed run of {} groups", groups);
      }
      // Writers may end the last group early: only the values still needed must be there.
      if ((std::min<uint64_t>(groups * 8, count - done) * bit_width + 7) / 8 >
          static_cast<uint64_t>(end - p)) {
        return Status::ParseError("RLE/bit-packed run longer than its data");
      }
      const size_t values = std::min<uint64_t>(groups * 8, count - done);
      uint64_t buffer = 0;
      int buffered = 0;
      for (size_t i = 0; i < values; ++i) {
        while (buffered < bit_width) {
          buffer |= static_cast<uint64_t>(*p++) << buffered;
          buffered += 8;
        }
        out[done++] = static_cast<T>(buffer & mask);
        buffer >>= bit_width;
        buffered -= bit_width;
      }
      if (done == count) break;
      // Skip the rest of the last group (padding).
      const size_t consumed_bits = values * bit_width;
      const size_t run_bytes = groups * group_bytes;
      const size_t consumed_bytes = (consumed_bits + 7) / 8;
      if (run_bytes - consumed_bytes > static_cast<size_t>(end - p)) {
        return Status::ParseError("RLE/bit-packed run longer than its data");
      }
      p += run_bytes - consumed_bytes;
    } else {  // a run of one repeated value
      const uint64_t run = header >> 1;
      if (value_bytes > end - p) return Status::ParseError("RLE/bit-packed data ends early");
      uint64_t value = 0;
      for (int i = 0; i < value_bytes; ++i) value |= static_cast<uint64_t>(*p++) << (8 * i);
      if (value > mask) return Status::ParseError("RLE run value wider than its bit width");
      const size_t n = std::min<uint64_t>(run, count - done);
      std::fill(out + done, out + done + n, static_cast<T>(value));
      done += n;
      if (run == 0) return Status::ParseError("RLE run of length 0");
    }
  }
  return Status::OK();
}

}  // namespace

Status DecodeRleHybrid(std::string_view bytes, int bit_width, size_t count, uint32_t* out) {
  return Decode(bytes, bit_width, count, out);
}

Status DecodeRleHybrid(std::string_view bytes, int bit_width, size_t count, uint16_t* out) {
  return Decode(bytes, bit_width, count, out);
}

}  // namespace sluice::parquet
