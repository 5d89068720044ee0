#include "format/parquet/thrift_compact_reader.h"

namespace sluice::parquet {

void ThriftCompactReader::Fail(std::string_view what) {
  if (status_.ok()) {
    status_ = Status::ParseError("malformed Thrift metadata at byte {}: {}", position_, what);
  }
  position_ = size_;  // every later read sees the end
}

uint8_t ThriftCompactReader::Byte() {
  if (position_ >= size_) {
    Fail("unexpected end");
    return 0;
  }
  return data_[position_++];
}

uint64_t ThriftCompactReader::Varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    const uint8_t b = Byte();
    if (!ok()) return 0;
    value |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return value;
  }
  Fail("varint longer than 10 bytes");
  return 0;
}

void ThriftCompactReader::BeginStruct() {
  if (last_field_.size() >= kMaxDepth) {
    Fail("structs nested too deeply");
    return;
  }
  last_field_.push_back(0);
}

void ThriftCompactReader::EndStruct() {
  if (!last_field_.empty()) last_field_.pop_back();
}

bool ThriftCompactReader::NextField(int16_t& id, uint8_t& type) {
  if (!ok() || last_field_.empty()) return false;
  const uint8_t header = Byte();
  if (!ok()) return false;
  type = header & 0x0F;
  if (type == kStop) return false;
  const int delta = header >> 4;
  if (delta != 0) {
    id = static_cast<int16_t>(last_field_.back() + delta);
  } else {
    id = static_cast<int16_t>(ZigZagVarint());
  }
  if (type > kStruct) {
    Fail("unknown field type");
    return false;
  }
  last_field_.back() = id;
  return ok();
}

std::string_view ThriftCompactReader::Binary() {
  const uint64_t length = Varint();
  if (!ok()) return {};
  if (length > size_ - position_) {
    Fail("string longer than the metadata");
    return {};
  }
  std::string_view bytes(reinterpret_cast<const char*>(data_ + position_), length);
  position_ += length;
  return bytes;
}

size_t ThriftCompactReader::ListBegin(uint8_t& element_type) {
  const uint8_t header = Byte();
  element_type = header & 0x0F;
  uint64_t size = header >> 4;
  if (size == 15) size = Varint();
  // Every element takes at least one byte, except bools packed... which also take one.
  if (!ok() || size > size_ - position_) {
    Fail("list longer than the metadata");
    return 0;
  }
  return size;
}

void ThriftCompactReader::Skip(uint8_t type) {
  if (!ok()) return;
  switch (type) {
    case kTrue:
    case kFalse:
      return;  // a struct field's bool lives in its type
    case kByte:
      Byte();
      return;
    case kI16:
    case kI32:
    case kI64:
      Varint();
      return;
    case kDouble:
      if (size_ - position_ < 8) return Fail("unexpected end");
      position_ += 8;
      return;
    case kBinary:
      Binary();
      return;
    case kList:
    case kSet: {
      uint8_t element;
      const size_t n = ListBegin(element);
      if (last_field_.size() >= kMaxDepth) return Fail("lists nested too deeply");
      last_field_.push_back(0);  // counts depth only
      for (size_t i = 0; i < n && ok(); ++i) {
        if (element == kTrue || element == kFalse) {
          Byte();  // in a list a bool is a byte
        } else {
          Skip(element);
        }
      }
      last_field_.pop_back();
      return;
    }
    case kMap: {
      const uint64_t n = Varint();
      if (n == 0) return;
      if (n > size_ - position_) return Fail("map longer than the metadata");
      const uint8_t types = Byte();
      if (last_field_.size() >= kMaxDepth) return Fail("maps nested too deeply");
      last_field_.push_back(0);
      for (uint64_t i = 0; i < n && ok(); ++i) {
        Skip(types >> 4);
        Skip(types & 0x0F);
      }
      last_field_.pop_back();
      return;
    }
    case kStruct: {
      BeginStruct();
      int16_t id;
      uint8_t field_type;
      while (NextField(id, field_type)) Skip(field_type);
      EndStruct();
      return;
    }
    default:
      Fail("unknown type");
  }
}

}  // namespace sluice::parquet
