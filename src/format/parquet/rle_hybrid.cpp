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

}  // namespace sluice::parquet
