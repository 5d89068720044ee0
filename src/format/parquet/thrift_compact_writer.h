#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::parquet {

// Thrift's compact protocol, the encoding of Parquet's metadata (file footer, page headers):
// the few shapes Parquet uses — structs, i32/i64/bool/binary fields, lists — written straight
// into a string, no generated code. Fields are written in rising id order within a struct.
class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(std::string& out) : out_(out) {}

  void BeginStruct() { last_field_.push_back(0); }
  void EndStruct() {
    out_.push_back(0);  // stop
    last_field_.pop_back();
  }

  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldBool(int16_t id, bool value);
  void FieldBinary(int16_t id, std::string_view value);
  // A struct field: call BeginStruct... EndStruct right after.
  void FieldStruct(int16_t id) { FieldHeader(id, kStruct); }
  // A list field of `size` elements of `element_type` (kI32, kBinary, kStruct); the elements
  // follow (I32/Binary/BeginStruct per element).
  void FieldList(int16_t id, uint8_t element_type, size_t size);
  void I32(int32_t value) { Varint(ZigZag(value)); }
  void Binary(std::string_view value);

  static constexpr uint8_t kI32 = 5;
  static constexpr uint8_t kI64 = 6;
  static constexpr uint8_t kBinary = 8;
  static constexpr uint8_t kList = 9;
  static constexpr uint8_t kStruct = 12;

 private:
  static constexpr uint8_t kTrue = 1;
  static constexpr uint8_t kFalse = 2;

  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void Varint(uint64_t v);
  void FieldHeader(int16_t id, uint8_t type);

  std::string& out_;
  std::vector<int16_t> last_field_{0};
};

}  // namespace sluice::parquet
