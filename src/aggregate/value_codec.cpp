#include "aggregate/value_codec.h"

#include <cstring>

namespace sluice {

bool IsEncodableType(const DataType& type) { return !type.IsNested(); }

void EncodeValue(const Vector& v, size_t row, std::string& out) {
  if (v.IsNull(row)) {
    out.push_back('\0');
    return;
  }
  out.push_back('\1');
  switch (v.type().FixedWidth()) {
    case 1: out.push_back(static_cast<char>(v.data<uint8_t>()[row])); break;
    case 4: out.append(reinterpret_cast<const char*>(v.data<int32_t>() + row), 4); break;
    case 8: out.append(reinterpret_cast<const char*>(v.data<int64_t>() + row), 8); break;
    case sizeof(std::string_view): {
      std::string_view s = v.data<std::string_view>()[row];
      uint32_t size = static_cast<uint32_t>(s.size());
      out.append(reinterpret_cast<const char*>(&size), 4);
      out.append(s);
      break;
    }
    default: break;
  }
}

namespace {

// Bytes of the value after the null flag, or -1 when `in` is too short.
int64_t PayloadSize(std::string_view in, const DataType& type) {
  size_t width = type.FixedWidth();
  if (width != sizeof(std::string_view)) return static_cast<int64_t>(width);
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
  switch (out.type().FixedWidth()) {
    case 1: out.Append(static_cast<uint8_t>(in[0])); break;
    case 4: {
      int32_t value;
      std::memcpy(&value, in.data(), 4);
      out.Append(value);
      break;
    }
    case 8: {
      int64_t value;
      std::memcpy(&value, in.data(), 8);
      out.Append(value);
      break;
    }
    default:
      out.AppendString(in.substr(4, static_cast<size_t>(size) - 4));
      break;
  }
  in.remove_prefix(static_cast<size_t>(size));
  return true;
}

}  // namespace sluice
