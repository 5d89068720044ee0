#include "format/parquet/thrift_compact_writer.h"

namespace sluice::parquet {

void ThriftCompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ThriftCompactWriter::FieldHeader(int16_t id, uint8_t type) {
  const int delta = id - last_field_.back();
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | type));
  } else {
    out_.push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_field_.back() = id;
}

void ThriftCompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, kI32);
  Varint(ZigZag(value));
}

void ThriftCompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, kI64);
  Varint(ZigZag(value));
}

void ThriftCompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? kTrue : kFalse);  // the value is the type
}

void ThriftCompactWriter::FieldBinary(int16_t id, std::string_view value) {
  FieldHeader(id, kBinary);
  Binary(value);
}

void ThriftCompactWriter::Binary(std::string_view value) {
  Varint(value.size());
  out_.append(value);
}

void ThriftCompactWriter::FieldList(int16_t id, uint8_t element_type, size_t size) {
  FieldHeader(id, kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | element_type));
  } else {
    out_.push_back(static_cast<char>(0xF0 | element_type));
    Varint(size);
  }
}

}  // namespace sluice::parquet
