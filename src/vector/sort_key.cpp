#include "vector/sort_key.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "types/decimal.h"

namespace sluice {
namespace {

void AppendBigEndian(uint64_t bits, size_t bytes, std::string& out) {
  for (size_t i = bytes; i-- > 0;) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

}  // namespace

void AppendSortKey(const Vector& v, size_t row, bool descending, std::string& out) {
  const size_t start = out.size();
  if (v.IsNull(row)) {
    out.push_back('\0');
  } else if (v.type().id() == TypeId::kStruct) {
    out.push_back('\1');
    for (size_t i = 0; i < v.num_children(); ++i) AppendSortKey(v.child(i), row, false, out);
  } else if (v.type().id() == TypeId::kList) {
    // Element by element, each after a 1 byte, then a 0 byte: a list that is a prefix of
    // another sorts first, as Spark orders arrays.
    out.push_back('\1');
    for (uint32_t i = v.offsets()[row]; i < v.offsets()[row + 1]; ++i) {
      out.push_back('\1');
      AppendSortKey(v.list_child(), i, false, out);
    }
    out.push_back('\0');
  } else {
    out.push_back('\1');
    switch (v.type().id()) {
      case TypeId::kBoolean:
        out.push_back(static_cast<char>(v.data<uint8_t>()[row] ? 1 : 0));
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
      case TypeId::kYearMonthInterval:
        AppendBigEndian(static_cast<uint32_t>(v.data<int32_t>()[row]) ^ 0x80000000u, 4, out);
        break;
      case TypeId::kFloat64: {
        uint64_t bits;
        double d = v.data<double>()[row];
        if (d == 0) d = 0;  // -0.0 sorts as 0.0
        if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();  // one NaN, above all
        std::memcpy(&bits, &d, 8);
        bits = (bits & 0x8000000000000000ull) ? ~bits : bits | 0x8000000000000000ull;
        AppendBigEndian(bits, 8, out);
        break;
      }
      case TypeId::kString:
      case TypeId::kBytes:
        for (char c : v.data<std::string_view>()[row]) {
          out.push_back(c);
          if (c == '\0') out.push_back('\xff');
        }
        out.push_back('\0');
        out.push_back('\0');
        break;
      case TypeId::kDecimal: {  // same scale within a column: the 128-bit integer's order
        const UInt128 bits =
            static_cast<UInt128>(v.data<Int128>()[row]) ^ (static_cast<UInt128>(1) << 127);
        AppendBigEndian(static_cast<uint64_t>(bits >> 64), 8, out);
        AppendBigEndian(static_cast<uint64_t>(bits), 8, out);
        break;
      }
      default:  // BIGINT, TIMESTAMP, INTERVAL
        AppendBigEndian(static_cast<uint64_t>(v.data<int64_t>()[row]) ^ 0x8000000000000000ull, 8, out);
        break;
    }
  }
  if (descending) {
    for (size_t i = start; i < out.size(); ++i) out[i] = static_cast<char>(~out[i]);
  }
}

}  // namespace sluice
