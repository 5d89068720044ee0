#include "types/decimal.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace sluice {

Int128 PowerOfTen(int n) {
  static const auto kPowers = [] {
    struct Table {
      Int128 values[kMaxDecimalPrecision + 1];
    } table{};
    table.values[0] = 1;
    for (int i = 1; i <= kMaxDecimalPrecision; ++i) table.values[i] = table.values[i - 1] * 10;
    return table;
  }();
  return kPowers.values[n];
}

std::optional<Int128> ParseDecimal(std::string_view s, int precision, int scale) {
  size_t pos = 0;
  bool negative = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) negative = s[pos++] == '-';
  // Collect significant digits and where the decimal point sits.
  std::string digits;
  int point = -1;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '.' && point < 0) {
      point = static_cast<int>(digits.size());
    } else {
      break;
    }
  }
  if (digits.empty()) return std::nullopt;
  long exponent = 0;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    std::string_view digits_of_exponent = s.substr(pos + 1);
    bool negative_exponent = false;
    if (!digits_of_exponent.empty() && (digits_of_exponent[0] == '+' || digits_of_exponent[0] == '-')) {
      negative_exponent = digits_of_exponent[0] == '-';
      digits_of_exponent.remove_prefix(1);
    }
    if (digits_of_exponent.empty()) return std::nullopt;
    for (char c : digits_of_exponent) {  // digits only: no spaces, no NUL
      if (c < '0' || c > '9') return std::nullopt;
      if (exponent < 10'000'000) exponent = exponent * 10 + (c - '0');  // saturates, as clamped below
    }
    if (negative_exponent) exponent = -exponent;
    pos = s.size();
  }
  if (pos != s.size()) return std::nullopt;
  if (point < 0) point = static_cast<int>(digits.size());
  // Value = digits * 10^(point + exponent - len); we want round(value * 10^scale). A huge
  // exponent either overflows (which the digit pushes below find) or rounds to 0 (4.9E-324
  // into DECIMAL(10, 2) is 0.00, as in Spark): clamped, so the arithmetic stays in range.
  const long long wide_shift = static_cast<long long>(scale) + point + std::clamp(exponent, -100000L, 100000L) -
                               static_cast<long long>(digits.size());
  const int shift = static_cast<int>(std::clamp(wide_shift, -1000000LL, 1000000LL));
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  Int128 unscaled = 0;
  bool round_up = false;
  // Past 10^37 one more digit leaves DECIMAL(38) (and checking first keeps 128 bits enough).
  auto push = [&unscaled](int digit) {
    if (unscaled >= PowerOfTen(kMaxDecimalPrecision - 1)) return false;
    unscaled = unscaled * 10 + digit;
    return true;
  };
  if (shift >= 0) {
    for (char c : digits) {
      if (!push(c - '0')) return std::nullopt;
    }
    for (int i = 0; i < shift; ++i) {
      if (!push(0)) return std::nullopt;
    }
  } else {
    int keep = static_cast<int>(digits.size()) + shift;
    for (int i = 0; i < keep; ++i) {
      if (!push(digits[i] - '0')) return std::nullopt;
    }
    round_up = keep >= 0 && digits[keep] >= '5';
  }
  if (round_up) ++unscaled;
  if (unscaled >= PowerOfTen(precision)) return std::nullopt;
  return negative ? -unscaled : unscaled;
}

std::string Int128ToString(Int128 value) {
  if (value >= INT64_MIN && value <= INT64_MAX) return fmt::format("{}", static_cast<int64_t>(value));
  UInt128 magnitude = value < 0 ? 0 - static_cast<UInt128>(value)
                                          : static_cast<UInt128>(value);
  char digits[48];
  char* const end = digits + sizeof digits;
  char* p = end;
  // 19 digits at a time: the divisions stay 64-bit once the rest fits 64 bits.
  while (magnitude > UINT64_MAX) {
    uint64_t part = static_cast<uint64_t>(magnitude % 10000000000000000000ULL);
    magnitude /= 10000000000000000000ULL;
    for (int i = 0; i < 19; ++i, part /= 10) *--p = static_cast<char>('0' + part % 10);
  }
  for (uint64_t rest = static_cast<uint64_t>(magnitude); rest > 0; rest /= 10) {
    *--p = static_cast<char>('0' + rest % 10);
  }
  if (value < 0) *--p = '-';
  return std::string(p, end);
}

std::string FormatDecimal(Int128 unscaled, int scale) {
  std::string text = Int128ToString(unscaled);
  if (scale == 0) return text;
  const bool negative = unscaled < 0;
  std::string digits = negative ? text.substr(1) : std::move(text);
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  return negative ? "-" + digits : digits;
}

double DecimalToDouble(Int128 unscaled, int scale) {
  constexpr Int128 kExact = Int128{1} << 53;
  if (unscaled > -kExact && unscaled < kExact && scale <= 18) {
    // Both exact as doubles (10^18 is): one division, correctly rounded.
    return static_cast<double>(static_cast<int64_t>(unscaled)) /
           static_cast<double>(static_cast<int64_t>(PowerOfTen(scale)));
  }
  const std::string text = FormatDecimal(unscaled, scale);  // strtod rounds correctly
  return std::strtod(text.c_str(), nullptr);
}

std::optional<Int128> RescaleDecimal(Int128 unscaled, int from_scale, int to_scale,
                                     int precision) {
  if (to_scale >= from_scale) {
    const int up = to_scale - from_scale;
    if (unscaled == 0) return Int128{0};
    if (up > precision) return std::nullopt;
    // |v| < 10^(precision - up) keeps the product inside `precision` digits (and 128 bits).
    if (!FitsPrecision(unscaled, precision - up)) return std::nullopt;
    return unscaled * PowerOfTen(up);
  }
  const int down = from_scale - to_scale;
  if (down > kMaxDecimalPrecision) return Int128{0};  // |v| < 10^38: rounds to 0
  const Int128 v = DivideRoundHalfUp(unscaled, PowerOfTen(down));
  if (!FitsPrecision(v, precision)) return std::nullopt;
  return v;
}

Int128 DivideRoundHalfUp(Int128 a, Int128 b) {
  Int128 q = a / b;
  Int128 r = a % b;
  if (r < 0) r = -r;
  const Int128 magnitude = b < 0 ? -b : b;
  if (r >= magnitude - r) q += (a < 0) == (b < 0) ? 1 : -1;  // 2r >= |b|, without overflow
  return q;
}

void IncrementDigits(std::string& digits) {
  size_t i = digits.size();
  while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
  if (i == 0) {
    digits.insert(digits.begin(), '1');
  } else {
    ++digits[i - 1];
  }
}

}  // namespace sluice
