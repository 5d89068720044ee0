#pragma once

#include <cstdint>

// The layout of Spark's bitmaps (bitmap_* functions): each bucket of 32,768 integers is a BINARY
// of 4096 bytes, bit i at byte i / 8, bit i % 8 (least significant first).
namespace sluice {

constexpr int64_t kBitmapBits = 32768;
constexpr int64_t kBitmapBytes = kBitmapBits / 8;

// The bucket of v: (v - 1) / 32768 + 1 for v > 0, else v / 32768 (truncating, as Java).
constexpr int64_t BitmapBucketNumber(int64_t v) {
  return v > 0 ? (v - 1) / kBitmapBits + 1 : v / kBitmapBits;
}

// The bit of v in its bucket: (v - 1) % 32768 for v > 0, else -v % 32768. Computed unsigned:
// -v overflows for the smallest BIGINT, whose bit Spark gives as 0 (2^63 % 32768).
constexpr int64_t BitmapBitPosition(int64_t v) {
  const uint64_t magnitude = v > 0 ? static_cast<uint64_t>(v) - 1 : 0 - static_cast<uint64_t>(v);
  return static_cast<int64_t>(magnitude % kBitmapBits);
}

}  // namespace sluice
