#include "aggregate/value_codec.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "types/decimal.h"

namespace sluice {

bool IsEncodableType(const DataType& type) { return !type.IsNested(); }

void EncodeValue(const Vector& v, size_t row, std::string& out) {
  if (v.IsNull(row)) {
    out.push_back('\0');
    return;
  }
  out.push_back('\1');
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
  if (v.type().id() != TypeId::kFloat64 || v.IsNull(row)) {
    EncodeValue(v, row, out);
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

}  // namespace

bool SkipValue(std::string_view& in, const DataType& type) {
  if (in.empty()) return false;
  bool valid = in[0] != '\0';
  in.remove_prefix(1);
  if (!valid) return true;
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
