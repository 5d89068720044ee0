#include "connector/cassandra/cql_values.h"

#include "types/decimal.h"

#include <arpa/inet.h>

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "format/json_encoder.h"

namespace sluice {
namespace {

using cql::CqlType;

void PutInt(int32_t v, std::string& out) {
  const auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xFF));
}

void PutLong(int64_t v, std::string& out) {
  const auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xFF));
}

int64_t GetSigned(std::string_view bytes) {
  if (bytes.empty()) return 0;
  int64_t v = static_cast<int8_t>(bytes[0]);
  for (size_t i = 1; i < bytes.size(); ++i) v = static_cast<int64_t>((static_cast<uint64_t>(v) << 8) | static_cast<uint8_t>(bytes[i]));
  return v;
}

// Two's complement, big-endian, as few bytes as hold the value (CQL varint).
// A varint (and a decimal's unscaled value): big-endian two's complement, as few bytes as keep
// the sign.
void PutVarint(Int128 v, std::string& out) {
  int bytes = 16;
  while (bytes > 1) {
    const Int128 shifted = v >> ((bytes - 1) * 8 - 1);
    if (shifted != 0 && shifted != -1) break;
    --bytes;
  }
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsIntegerType(uint16_t id) {
  return id == CqlType::kInt || id == CqlType::kBigint || id == CqlType::kSmallint ||
         id == CqlType::kTinyint || id == CqlType::kVarint;
}

// [int length][bytes] of one value, or length -1 for NULL.
void AppendSizedValue(const Vector& v, size_t row, const DataType& type, std::string& out) {
  if (v.IsNull(row)) {
    PutInt(-1, out);
    return;
  }
  const size_t at = out.size();
  PutInt(0, out);
  AppendNaturalValue(v, row, type, out);
  const auto length = static_cast<uint32_t>(out.size() - at - 4);
  for (int k = 0; k < 4; ++k) out[at + k] = static_cast<char>((length >> (24 - 8 * k)) & 0xFF);
}

}  // namespace

void AppendNaturalValue(const Vector& v, size_t row, const DataType& type, std::string& out) {
  switch (type.id()) {
    case TypeId::kBoolean: out.push_back(v.Get<uint8_t>(row) ? 1 : 0); return;
    case TypeId::kInt32: PutInt(v.Get<int32_t>(row), out); return;
    case TypeId::kInt64: PutLong(v.Get<int64_t>(row), out); return;
    case TypeId::kFloat64: {
      int64_t bits;
      const double d = v.Get<double>(row);
      std::memcpy(&bits, &d, 8);
      PutLong(bits, out);
      return;
    }
    case TypeId::kDecimal:
      PutInt(type.scale(), out);
      PutVarint(v.Get<Int128>(row), out);
      return;
    case TypeId::kString:
    case TypeId::kBytes: out.append(v.Get<std::string_view>(row)); return;
    case TypeId::kDate:
      // Days with the epoch at 2^31, unsigned.
      PutInt(static_cast<int32_t>(static_cast<uint32_t>(v.Get<int32_t>(row)) + 0x80000000u), out);
      return;
    case TypeId::kTimestamp: {
      const int64_t micros = v.Get<int64_t>(row);
      PutLong(micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000), out);
      return;
    }
    case TypeId::kList: {
      // list<t>: the count, then each element's bytes; map<k, v>: the count, then each key's
      // and value's bytes. A NULL is length -1 (refused by ConvertValue: collections cannot
      // hold one).
      const uint32_t* offsets = v.offsets();
      const Vector& child = v.list_child();
      PutInt(static_cast<int32_t>(offsets[row + 1] - offsets[row]), out);
      for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
        if (type.IsMap()) {
          AppendSizedValue(child.child(0), i, type.map_key(), out);
          AppendSizedValue(child.child(1), i, type.map_value(), out);
        } else {
          AppendSizedValue(child, i, type.element(), out);
        }
      }
      return;
    }
    case TypeId::kStruct: {
      // A ROW as JSON text, fields by name (Spark's to_json form).
      JsonEncoder encoder(Schema(type.fields()));
      encoder.AppendValue(v, row, out);
      return;
    }
    default:
      return;  // refused when the sink is made (CqlTypeName)
  }
}

bool CanWriteTo(const DataType& type, const CqlType& column) {
  switch (type.id()) {
    case TypeId::kBoolean: return column.id == CqlType::kBoolean;
    case TypeId::kInt32:
    case TypeId::kInt64: return IsIntegerType(column.id);
    case TypeId::kFloat64: return column.id == CqlType::kDouble || column.id == CqlType::kFloat;
    case TypeId::kDecimal: return column.id == CqlType::kDecimal;
    case TypeId::kString:
      return column.id == CqlType::kVarchar || column.id == CqlType::kAscii ||
             column.id == CqlType::kUuid || column.id == CqlType::kTimeuuid ||
             column.id == CqlType::kInet;
    case TypeId::kBytes: return column.id == CqlType::kBlob;
    case TypeId::kDate: return column.id == CqlType::kDate;
    case TypeId::kTimestamp: return column.id == CqlType::kTimestamp;
    case TypeId::kList:
      if (type.IsMap()) {
        return column.id == CqlType::kMap && column.params.size() == 2 &&
               CanWriteTo(type.map_key(), column.params[0]) &&
               CanWriteTo(type.map_value(), column.params[1]);
      }
      return (column.id == CqlType::kList || column.id == CqlType::kSet) && !column.params.empty() &&
             CanWriteTo(type.element(), column.params[0]);
    case TypeId::kStruct: return column.id == CqlType::kVarchar;
    default: return false;
  }
}

Status ConvertValue(std::string_view natural, const DataType& type, const CqlType& column,
                    std::string& out) {
  switch (type.id()) {
    case TypeId::kInt32:
    case TypeId::kInt64: {
      const int64_t v = GetSigned(natural);
      switch (column.id) {
        case CqlType::kBigint: PutLong(v, out); return Status::OK();
        case CqlType::kVarint: PutVarint(v, out); return Status::OK();
        case CqlType::kInt:
          if (v < INT32_MIN || v > INT32_MAX) return Status::Invalid("{} does not fit int", v);
          PutInt(static_cast<int32_t>(v), out);
          return Status::OK();
        case CqlType::kSmallint:
          if (v < INT16_MIN || v > INT16_MAX) return Status::Invalid("{} does not fit smallint", v);
          out.push_back(static_cast<char>((v >> 8) & 0xFF));
          out.push_back(static_cast<char>(v & 0xFF));
          return Status::OK();
        case CqlType::kTinyint:
          if (v < INT8_MIN || v > INT8_MAX) return Status::Invalid("{} does not fit tinyint", v);
          out.push_back(static_cast<char>(v & 0xFF));
          return Status::OK();
        default: break;
      }
      break;
    }
    case TypeId::kFloat64:
      if (column.id == CqlType::kFloat) {
        double d;
        const auto bits = static_cast<uint64_t>(GetSigned(natural));
        std::memcpy(&d, &bits, 8);
        const float f = static_cast<float>(d);
        if (std::isfinite(d) && !std::isfinite(f)) return Status::Invalid("{} does not fit float", d);
        uint32_t fbits;
        std::memcpy(&fbits, &f, 4);
        PutInt(static_cast<int32_t>(fbits), out);
        return Status::OK();
      }
      break;
    case TypeId::kString:
      if (column.id == CqlType::kUuid || column.id == CqlType::kTimeuuid) {
        // 8-4-4-4-12 hex digits.
        std::string bytes;
        int high = -1;
        size_t digits = 0;
        for (size_t i = 0; i < natural.size(); ++i) {
          const char c = natural[i];
          if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) continue;
          const int h = HexValue(c);
          if (h < 0) break;
          ++digits;
          if (high < 0) {
            high = h;
          } else {
            bytes.push_back(static_cast<char>(high * 16 + h));
            high = -1;
          }
        }
        if (natural.size() != 36 || digits != 32) {
          return Status::Invalid("'{}' is not a UUID", natural.substr(0, 64));
        }
        if (column.id == CqlType::kTimeuuid && ((static_cast<uint8_t>(bytes[6]) >> 4) != 1)) {
          return Status::Invalid("'{}' is not a time-based (version 1) UUID", natural);
        }
        out += bytes;
        return Status::OK();
      }
      if (column.id == CqlType::kInet) {
        const std::string text(natural);
        unsigned char buffer[16];
        if (inet_pton(AF_INET, text.c_str(), buffer) == 1) {
          out.append(reinterpret_cast<char*>(buffer), 4);
          return Status::OK();
        }
        if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) {
          out.append(reinterpret_cast<char*>(buffer), 16);
          return Status::OK();
        }
        return Status::Invalid("'{}' is not an IPv4 or IPv6 address", natural.substr(0, 64));
      }
      if (column.id == CqlType::kAscii) {
        for (size_t i = 0; i < natural.size(); ++i) {
          if (static_cast<uint8_t>(natural[i]) > 127) {
            return Status::Invalid("a non-ASCII byte at byte {} for an ascii column", i);
          }
        }
      }
      break;
    case TypeId::kList: {
      // Element by element (a map's key then value), into the column's element types.
      const bool map = type.IsMap();
      if (natural.size() < 4) return Status::Invalid("a damaged collection value");
      const auto n = static_cast<int32_t>(GetSigned(natural.substr(0, 4)));
      size_t at = 4;
      PutInt(n, out);
      // One sized value of the natural form converted into `to`, sized again.
      auto convert = [&](const DataType& from, const CqlType& to, int32_t i, bool is_key) -> Status {
        if (natural.size() - at < 4) return Status::Invalid("a damaged collection value");
        const auto length = static_cast<int32_t>(GetSigned(natural.substr(at, 4)));
        at += 4;
        if (length < 0) {
          return map ? Status::Invalid("the {} of entry {} is NULL, which a Cassandra map cannot hold",
                                       is_key ? "key" : "value", i)
                     : Status::Invalid("element {} is NULL, which a Cassandra collection cannot hold", i);
        }
        if (static_cast<size_t>(length) > natural.size() - at) {
          return Status::Invalid("a damaged collection value");
        }
        const size_t header = out.size();
        PutInt(0, out);
        SLUICE_RETURN_NOT_OK(ConvertValue(natural.substr(at, static_cast<size_t>(length)), from, to, out));
        const auto written = static_cast<uint32_t>(out.size() - header - 4);
        for (int k = 0; k < 4; ++k) out[header + k] = static_cast<char>((written >> (24 - 8 * k)) & 0xFF);
        at += static_cast<size_t>(length);
        return Status::OK();
      };
      for (int32_t i = 0; i < n; ++i) {
        if (map) {
          SLUICE_RETURN_NOT_OK(convert(type.map_key(), column.params[0], i, true));
          SLUICE_RETURN_NOT_OK(convert(type.map_value(), column.params[1], i, false));
        } else {
          SLUICE_RETURN_NOT_OK(convert(type.element(), column.params[0], i, false));
        }
      }
      return Status::OK();
    }
    default:
      break;
  }
  out.append(natural);  // the natural form is the column's
  return Status::OK();
}

std::string CqlTypeName(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt32: return "int";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal: return "decimal";
    case TypeId::kString: return "text";
    case TypeId::kBytes: return "blob";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kList: {
      // A collection inside a collection must be frozen.
      auto inner = [](const DataType& t) {
        const std::string name = CqlTypeName(t);
        return name.empty() || t.id() != TypeId::kList ? name : "frozen<" + name + ">";
      };
      if (type.IsMap()) {
        const std::string key = inner(type.map_key()), value = inner(type.map_value());
        if (key.empty() || value.empty()) return {};
        return "map<" + key + ", " + value + ">";
      }
      const std::string element = inner(type.element());
      if (element.empty()) return {};
      return "list<" + element + ">";
    }
    case TypeId::kStruct: return "text";  // JSON
    default: return {};
  }
}

}  // namespace sluice
