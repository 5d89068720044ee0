#include "format/value_text.h"

#include "types/decimal.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "types/timestamp.h"

namespace sluice {
namespace {

template <typename Int>
void AppendInt(Int value, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, end);
}

// Writes `value` as exactly `width` digits at `at` (value >= 0); returns the end.
char* PutPadded(char* at, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return at + width;
}

// 'YYYY-MM-DD' (years beyond 9999 or before 0 take their sign and digits) at `at`.
char* PutDate(char* at, int32_t days) {
  int year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0) {
    *at++ = '-';
    year = -year;
  }
  int width = 4;
  for (int64_t rest = year / 10000; rest > 0; rest /= 10) ++width;
  at = PutPadded(at, year, width);
  *at++ = '-';
  at = PutPadded(at, month, 2);
  *at++ = '-';
  return PutPadded(at, day, 2);
}

// 'HH:mm:ss' of the seconds within a day at `at`.
char* PutTime(char* at, int64_t seconds) {
  at = PutPadded(at, seconds / 3600, 2);
  *at++ = ':';
  at = PutPadded(at, seconds / 60 % 60, 2);
  *at++ = ':';
  return PutPadded(at, seconds % 60, 2);
}

void AppendHex(uint8_t byte, std::string& out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  out.push_back(kDigits[byte >> 4]);
  out.push_back(kDigits[byte & 0xF]);
}

// Time of day (micros within a day) as HH:mm:ss, plus .ffffff with trailing zeros dropped.
void AppendTimeOfDay(int64_t micros, std::string& out) {
  char buf[16];
  char* end = PutTime(buf, micros / kMicrosPerSecond);
  int64_t fraction = micros % kMicrosPerSecond;
  if (fraction != 0) {
    int digits = 6;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    *end++ = '.';
    end = PutPadded(end, fraction, digits);
  }
  out.append(buf, end);
}

void AppendNested(const Vector& v, size_t row, std::string& out) {
  if (v.IsNull(row)) {
    out += "null";
  } else {
    AppendValueText(v, row, out);
  }
}

}  // namespace

void AppendDoubleText(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (value == 0) {
    out += std::signbit(value) ? "-0.0" : "0.0";
    return;
  }
  // Shortest round-trip digits in scientific form ("1.2345e+06"), then laid out like Java.
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  const size_t e = sci.find('e');
  char digits[24];
  size_t n = 0;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits[n++] = sci[i];
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const size_t int_digits = static_cast<size_t>(exponent) + 1;
      for (size_t i = 0; i < int_digits; ++i) out.push_back(i < n ? digits[i] : '0');
      out.push_back('.');
      if (n > int_digits) {
        out.append(digits + int_digits, n - int_digits);
      } else {
        out.push_back('0');
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out.append(digits, n);
    }
    return;
  }
  if (n == 1) {
    // Java shows at least two significant digits, the two closest to the value: a shortest
    // "5e-324" is 4.9E-324 there (Double.MIN_VALUE), while 1e23 stays 1.0E23.
    char two[40];
    auto [two_end, two_ec] =
        std::to_chars(two, two + sizeof(two), magnitude, std::chars_format::scientific, 1);
    if (two_ec == std::errc()) {
      const std::string_view t(two, static_cast<size_t>(two_end - two));  // "4.9e-324"
      digits[0] = t[0];
      digits[1] = t[2];
      n = 2;
      std::string_view e2 = t.substr(t.find('e') + 1);
      if (e2.front() == '+') e2.remove_prefix(1);
      std::from_chars(e2.data(), e2.data() + e2.size(), exponent);
    }
  }
  out.push_back(digits[0]);
  out.push_back('.');
  out.append(digits + 1, n - 1);
  out.push_back('E');
  AppendInt(exponent, out);
}

void AppendDecimalSparkText(Int128 unscaled, int scale, std::string& out) {
  std::string digits = FormatDecimal(unscaled < 0 ? -unscaled : unscaled, 0);
  const int adjusted = static_cast<int>(digits.size()) - 1 - scale;
  if (adjusted >= -6) {
    AppendDecimalText(unscaled, scale, out);
    return;
  }
  if (unscaled < 0) out.push_back('-');
  out.push_back(digits[0]);
  if (digits.size() > 1) {
    out.push_back('.');
    out.append(digits, 1);
  }
  out += "E";
  out += std::to_string(adjusted);
}

void AppendDecimalText(Int128 unscaled, int scale, std::string& out) {
  if (unscaled > INT64_MAX || unscaled < -INT64_MAX) {  // beyond 18 digits: the slower way
    out += FormatDecimal(unscaled, scale);
    return;
  }
  const uint64_t magnitude = static_cast<uint64_t>(unscaled < 0 ? -unscaled : unscaled);
  if (unscaled < 0) out.push_back('-');
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), magnitude);
  const size_t len = static_cast<size_t>(end - buf);
  const size_t s = static_cast<size_t>(scale);
  if (s == 0) {
    out.append(buf, len);
    return;
  }
  if (len <= s) {
    out += "0.";
    out.append(s - len, '0');
    out.append(buf, len);
    return;
  }
  out.append(buf, len - s);
  out.push_back('.');
  out.append(buf + len - s, s);
}

void AppendDateText(int32_t days, std::string& out) {
  char buf[16];
  out.append(buf, PutDate(buf, days));
}

void AppendTimestampText(int64_t micros, std::string& out) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  AppendDateText(static_cast<int32_t>(days), out);
  out.push_back(' ');
  AppendTimeOfDay(micros - days * kMicrosPerDay, out);
}

void AppendTimestampIsoText(int64_t micros, std::string& out) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t in_day = micros - days * kMicrosPerDay;
  char buf[40];
  char* end = PutDate(buf, static_cast<int32_t>(days));
  *end++ = 'T';
  end = PutTime(end, in_day / kMicrosPerSecond);
  *end++ = '.';
  end = PutPadded(end, in_day % kMicrosPerSecond / 1000, 3);
  *end++ = 'Z';
  out.append(buf, end);
}

void AppendIntervalText(int64_t micros, const DataType& type, std::string& out) {
  const int from = type.start_field(), to = type.end_field();
  out += "INTERVAL '";
  // The magnitude in unsigned arithmetic, so the most negative value has one too.
  uint64_t rest = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  if (micros < 0) out.push_back('-');
  char buf[32];
  auto padded = [&](uint64_t n) {  // at least two digits: a first field can have more (76 hours)
    if (n < 10) out.push_back('0');
    AppendInt(n, out);
  };
  auto seconds = [&](uint64_t us) {  // 05, 05.5, 100.000001
    if (us < 10 * static_cast<uint64_t>(kMicrosPerSecond)) out.push_back('0');
    AppendInt(us / kMicrosPerSecond, out);
    uint64_t fraction = us % kMicrosPerSecond;
    if (fraction == 0) return;
    int digits = 6;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --digits;
    }
    out.push_back('.');
    out.append(buf, PutPadded(buf, static_cast<int64_t>(fraction), digits));
  };
  constexpr uint64_t kDay = kMicrosPerDay, kHour = kDay / 24, kMinute = kHour / 60;
  switch (from) {  // the first field takes everything above it
    case DataType::kDay: AppendInt(rest / kDay, out); rest %= kDay; break;
    case DataType::kHour: padded(rest / kHour); rest %= kHour; break;
    case DataType::kMinute: padded(rest / kMinute); rest %= kMinute; break;
    default: seconds(rest); break;
  }
  if (from < DataType::kHour && DataType::kHour <= to) {
    out.push_back(' ');
    padded(rest / kHour);
    rest %= kHour;
  }
  if (from < DataType::kMinute && DataType::kMinute <= to) {
    out.push_back(':');
    padded(rest / kMinute);
    rest %= kMinute;
  }
  if (from < DataType::kSecond && DataType::kSecond <= to) {
    out.push_back(':');
    seconds(rest);
  }
  out += "' ";
  out += type.ToString().substr(9);  // the fields: "DAY", "DAY TO SECOND"
}

void AppendYearMonthIntervalText(int32_t months, const DataType& type, std::string& out) {
  out += "INTERVAL '";
  const int64_t m = months;
  const int64_t magnitude = m < 0 ? -m : m;
  if (type.start_field() == type.end_field()) {
    if (type.start_field() == DataType::kMonth) {
      AppendInt(m, out);
    } else {
      if (m < 0) out.push_back('-');
      AppendInt(magnitude / 12, out);
    }
  } else {
    if (m < 0) out.push_back('-');
    AppendInt(magnitude / 12, out);
    out.push_back('-');
    AppendInt(magnitude % 12, out);
  }
  out += "' ";
  out += type.ToString().substr(9);  // "YEAR", "MONTH", "YEAR TO MONTH"
}

void AppendAnyIntervalText(const Vector& v, size_t row, std::string& out) {
  if (v.type().id() == TypeId::kYearMonthInterval) {
    AppendYearMonthIntervalText(v.Get<int32_t>(row), v.type(), out);
  } else {
    AppendIntervalText(v.Get<int64_t>(row), v.type(), out);
  }
}

void AppendValueText(const Vector& v, size_t row, std::string& out, std::string_view null_text) {
  if (v.IsNull(row)) {
    out += null_text;
    return;
  }
  switch (v.type().id()) {
    case TypeId::kNull: out += null_text; break;
    case TypeId::kBoolean: out += v.Get<uint8_t>(row) ? "true" : "false"; break;
    case TypeId::kInt32: AppendInt(v.Get<int32_t>(row), out); break;
    case TypeId::kInt64: AppendInt(v.Get<int64_t>(row), out); break;
    case TypeId::kFloat64: AppendDoubleText(v.Get<double>(row), out); break;
    case TypeId::kDecimal: AppendDecimalText(v.Get<Int128>(row), v.type().scale(), out); break;
    case TypeId::kString: out += v.Get<std::string_view>(row); break;
    case TypeId::kBytes: {
      std::string_view bytes = v.Get<std::string_view>(row);
      out.push_back('[');
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0) out.push_back(' ');
        AppendHex(static_cast<uint8_t>(bytes[i]), out);
      }
      out.push_back(']');
      break;
    }
    case TypeId::kDate: AppendDateText(v.Get<int32_t>(row), out); break;
    case TypeId::kTimestamp: AppendTimestampText(v.Get<int64_t>(row), out); break;
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval: AppendAnyIntervalText(v, row, out); break;
    case TypeId::kStruct:
      out.push_back('{');
      for (size_t i = 0; i < v.num_children(); ++i) {
        if (i > 0) out += ", ";
        AppendNested(v.child(i), row, out);
      }
      out.push_back('}');
      break;
    case TypeId::kList: {
      const uint32_t begin = v.offsets()[row];
      const uint32_t end = v.offsets()[row + 1];
      if (v.type().IsMap()) {  // {a -> 1, b -> null}, as Spark writes a map
        out.push_back('{');
        for (uint32_t i = begin; i < end; ++i) {
          if (i > begin) out += ", ";
          AppendNested(v.list_child().child(0), i, out);
          out += " -> ";
          AppendNested(v.list_child().child(1), i, out);
        }
        out.push_back('}');
        break;
      }
      out.push_back('[');
      for (uint32_t i = begin; i < end; ++i) {
        if (i > begin) out += ", ";
        AppendNested(v.list_child(), i, out);
      }
      out.push_back(']');
      break;
    }
  }
}

std::string ValueText(const Vector& v, size_t row, std::string_view null_text) {
  std::string out;
  AppendValueText(v, row, out, null_text);
  return out;
}

}  // namespace sluice
