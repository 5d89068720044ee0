#include "types/value.h"

#include <fmt/format.h>

#include "types/decimal.h"
#include "types/timestamp.h"

namespace sluice {

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  switch (type_.id()) {
    case TypeId::kBoolean: return boolean() ? "TRUE" : "FALSE";
    case TypeId::kInt32:
    case TypeId::kInt64: return fmt::format("{}", int64());
    case TypeId::kFloat64: return fmt::format("{}", float64());
    case TypeId::kDecimal: return FormatDecimal(decimal(), type_.scale());
    case TypeId::kBytes: {
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string out = "X'";
      for (unsigned char c : string()) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return out + "'";
    }
    case TypeId::kString: {
      std::string out = "'";
      for (char c : string()) {
        out += c;
        if (c == '\'') out += '\'';
      }
      return out + "'";
    }
    case TypeId::kDate: return fmt::format("DATE '{}'", FormatDate(static_cast<int32_t>(int64())));
    case TypeId::kTimestamp: return fmt::format("TIMESTAMP '{}'", FormatTimestamp(int64()));
    case TypeId::kInterval: return fmt::format("INTERVAL '{}' SECOND", int64() / 1e6);
    case TypeId::kYearMonthInterval: return fmt::format("INTERVAL '{}' MONTH", int64());
    default: return "<value>";
  }
}

}  // namespace sluice
