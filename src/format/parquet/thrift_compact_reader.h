#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::parquet {

// Reads Thrift's compact protocol (Parquet's footer and page headers) from untrusted bytes.
// Errors are sticky: after the first malformed byte every read returns zero or empty and
// status() says what was wrong and at which byte, so a parser reads a whole struct and checks
// once. Nesting depth and list sizes are bounded by the bytes that remain, so a hostile file
// cannot make it recurse or allocate without bound.
class ThriftCompactReader {
 public:
  ThriftCompactReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  ThriftCompactReader(std::string_view bytes)
      : ThriftCompactReader(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) {}

  // Field types of the compact protocol.
  static constexpr uint8_t kStop = 0, kTrue = 1, kFalse = 2, kByte = 3, kI16 = 4, kI32 = 5,
                           kI64 = 6, kDouble = 7, kBinary = 8, kList = 9, kSet = 10, kMap = 11,
                           kStruct = 12;

  void BeginStruct();
  void EndStruct();
  // The next field of the current struct; false at its end (or on an error).
  bool NextField(int16_t& id, uint8_t& type);

  int32_t I32() { return static_cast<int32_t>(ZigZagVarint()); }
  int64_t I64() { return ZigZagVarint(); }
  int8_t I8() { return static_cast<int8_t>(Byte()); }  // a byte is one raw byte
  // A bool field's value is in its type; in a list it is a byte.
  bool Bool(uint8_t field_type) { return field_type == kTrue; }
  std::string_view Binary();
  // A list (or set) header: the element type and count; the elements follow.
  size_t ListBegin(uint8_t& element_type);
  // Skips a value of `type` (a whole struct, list or map included).
  void Skip(uint8_t type);

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  size_t position() const { return position_; }
  void Fail(std::string_view what);

 private:
  static constexpr int kMaxDepth = 64;
  uint64_t Varint();
  int64_t ZigZagVarint() {
    const uint64_t v = Varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  uint8_t Byte();

  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
  std::vector<int16_t> last_field_;
  Status status_;
};

}  // namespace sluice::parquet
