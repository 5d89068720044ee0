#include "aggregate/value_codec.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "types/decimal.h"

namespace sluice {

void EncodeValue(const Vector& v, size_t row, std::string& out) {
  if (v.IsNull(row)) {
    out.push_back('\0');
    return;
  }
  out.push_back('\1');
  if (v.type().id() == TypeId::kStruct) {
    for (size_t i = 0; i < v.num_children(); ++i) EncodeValue(v.child(i), row, out);
    return;
  }
  if (v.type().id() == TypeId::kList) {  // arrays and maps: the count, then each element
    const uint32_t begin = v.offsets()[row];
    const uint32_t count = v.offsets()[row + 1] - begin;
    out.append(reinterpret_cast<const char*>(&count), 4);
    for (uint32_t i = 0; i < count; ++i) EncodeValue(v.list_child(), begin + i, out);
    return;
  }
  if (v.type().IsStringLike()) {
    std::string_view s = v.data<std::string_view>()[row];
    uint32_t size = static_cast<uint32_t>(s.size());
    out.append(reinterpret_cast<const char*>(&size), 4);
    out.append(s);
    return;
  }
  const size_t width = v.type().FixedWidth();
  out.append(reinterpret_cast<const char*>(v.data<uint8_t>() + row * width), width);
}

void EncodeKeyValue(const Vector& v, size_t row, std::string& out) {
  if (v.IsNull(row) || (!v.type().IsNested() && v.type().id() != TypeId::kFloat64)) {
    EncodeValue(v, row, out);
    return;
  }
  if (v.type().id() == TypeId::kStruct) {  // the fields, each normalized
    out.push_back('\1');
    for (size_t i = 0; i < v.num_children(); ++i) EncodeKeyValue(v.child(i), row, out);
    return;
  }
  if (v.type().id() == TypeId::kList) {
    out.push_back('\1');
    const uint32_t begin = v.offsets()[row];
    const uint32_t count = v.offsets()[row + 1] - begin;
    out.append(reinterpret_cast<const char*>(&count), 4);
    for (uint32_t i = 0; i < count; ++i) EncodeKeyValue(v.list_child(), begin + i, out);
    return;
  }
  double d = v.data<double>()[row];
  if (d == 0) d = 0;  // -0.0
  if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
  out.push_back('\1');
  out.append(reinterpret_cast<const char*>(&d), sizeof d);
}

namespace {

template <typename T>
T Load(std::string_view in) {
  T value;
  std::memcpy(&value, in.data(), sizeof value);
  return value;
}

// Bytes of the value after the null flag, or -1 when `in` is too short.
int64_t PayloadSize(std::string_view in, const DataType& type) {
  if (!type.IsStringLike()) return static_cast<int64_t>(type.FixedWidth());
  if (in.size() < 4) return -1;
  uint32_t size;
  std::memcpy(&size, in.data(), 4);
  return 4 + static_cast<int64_t>(size);
}

// How many elements an encoded list holds; false when `in` is too short.
bool ReadCount(std::string_view& in, uint32_t* count) {
  if (in.size() < 4) return false;
  std::memcpy(count, in.data(), 4);
  in.remove_prefix(4);
  return true;
}

}  // namespace

bool SkipValue(std::string_view& in, const DataType& type) {
  if (in.empty()) return false;
  bool valid = in[0] != '\0';
  in.remove_prefix(1);
  if (!valid) return true;
  if (type.id() == TypeId::kStruct) {
    for (const Field& f : type.fields()) {
      if (!SkipValue(in, f.type)) return false;
    }
    return true;
  }
  if (type.id() == TypeId::kList) {
    uint32_t count;
    if (!ReadCount(in, &count)) return false;
    for (uint32_t i = 0; i < count; ++i) {
      if (!SkipValue(in, type.element())) return false;
    }
    return true;
  }
  int64_t size = PayloadSize(in, type);
  if (size < 0 || static_cast<size_t>(size) > in.size()) return false;
  in.remove_prefix(static_cast<size_t>(size));
  return true;
}

bool DecodeValue(std::string_view& in, Vector& out) {
  if (in.empty()) return false;
  bool valid = in[0] != '\0';
  in.remove_prefix(1);
  if (!valid) {
    out.AppendNull();
    return true;
  }
  if (out.type().id() == TypeId::kStruct) {
    const size_t row = out.size();
    for (size_t i = 0; i < out.num_children(); ++i) {
      if (!DecodeValue(in, out.child(i))) {
        out.Truncate(row);  // no half row left behind
        return false;
      }
    }
    out.Resize(row + 1);
    return true;
  }
  if (out.type().id() == TypeId::kList) {
    const size_t elements = out.list_child().size();
    uint32_t count;
    if (!ReadCount(in, &count)) return false;
    for (uint32_t i = 0; i < count; ++i) {
      if (!DecodeValue(in, out.list_child())) {
        out.list_child().Truncate(elements);
        return false;
      }
    }
    out.AppendListEnd();
    return true;
  }
  int64_t size = PayloadSize(in, out.type());
  if (size < 0 || static_cast<size_t>(size) > in.size()) return false;
  if (out.type().IsStringLike()) {
    out.AppendString(in.substr(4, static_cast<size_t>(size) - 4));
  } else {
    switch (size) {
      case 1: out.Append(static_cast<uint8_t>(in[0])); break;
      case 4: out.Append(Load<int32_t>(in)); break;
      case 8: out.Append(Load<int64_t>(in)); break;
      default: out.Append(Load<Int128>(in)); break;
    }
  }
  in.remove_prefix(static_cast<size_t>(size));
  return true;
}

}  // namespace sluice
