#include "types/decimal.h"

#include <cstdlib>

__extension__ using Int128 = __int128;

#include <fmt/format.h>

namespace sluice {

int64_t PowerOfTen(int n) {
  static constexpr int64_t kPowers[] = {1LL,
                                        10LL,
                                        100LL,
                                        1000LL,
                                        10000LL,
                                        100000LL,
                                        1000000LL,
                                        10000000LL,
                                        100000000LL,
                                        1000000000LL,
                                        10000000000LL,
                                        100000000000LL,
                                        1000000000000LL,
                                        10000000000000LL,
                                        100000000000000LL,
                                        1000000000000000LL,
                                        10000000000000000LL,
                                        100000000000000000LL,
                                        1000000000000000000LL};
  return kPowers[n];
}

std::optional<int64_t> ParseDecimal(std::string_view s, int precision, int scale) {
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
  int exponent = 0;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    char* end = nullptr;
    std::string exp_text(s.substr(pos));
    long e = std::strtol(exp_text.c_str(), &end, 10);
    if (end == exp_text.c_str() || *end != '\0' || e > 100 || e < -100) return std::nullopt;
    exponent = static_cast<int>(e);
    pos = s.size();
  }
  if (pos != s.size()) return std::nullopt;
  if (point < 0) point = static_cast<int>(digits.size());
  point += exponent;  // digits[0..point) are the integer part
  // Value = digits * 10^(point - len); we want round(value * 10^scale).
  int shift = scale + point - static_cast<int>(digits.size());
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  Int128 unscaled = 0;
  bool round_up = false;
  if (shift >= 0) {
    for (char c : digits) {
      unscaled = unscaled * 10 + (c - '0');
      if (unscaled > PowerOfTen(18)) return std::nullopt;
    }
    for (int i = 0; i < shift; ++i) {
      unscaled *= 10;
      if (unscaled > PowerOfTen(18)) return std::nullopt;
    }
  } else {
    int keep = static_cast<int>(digits.size()) + shift;
    for (int i = 0; i < keep; ++i) {
      unscaled = unscaled * 10 + (digits[i] - '0');
      if (unscaled > PowerOfTen(18)) return std::nullopt;
    }
    round_up = keep >= 0 && digits[keep] >= '5';
  }
  if (round_up) ++unscaled;
  if (unscaled >= PowerOfTen(precision)) return std::nullopt;
  return negative ? -static_cast<int64_t>(unscaled) : static_cast<int64_t>(unscaled);
}

std::string FormatDecimal(int64_t unscaled, int scale) {
  if (scale == 0) return fmt::format("{}", unscaled);
  uint64_t magnitude = unscaled < 0 ? 0 - static_cast<uint64_t>(unscaled) : unscaled;
  uint64_t p = static_cast<uint64_t>(PowerOfTen(scale));
  return fmt::format("{}{}.{:0{}}", unscaled < 0 ? "-" : "", magnitude / p, magnitude % p, scale);
}

std::optional<int64_t> RescaleDecimal(int64_t unscaled, int from_scale, int to_scale,
                                      int precision) {
  Int128 v = unscaled;
  if (to_scale >= from_scale) {
    v *= PowerOfTen(to_scale - from_scale);
  } else {
    int64_t p = PowerOfTen(from_scale - to_scale);
    Int128 q = v / p;
    Int128 r = v % p;
    if (r < 0) r = -r;
    if (r * 2 >= p) q += v < 0 ? -1 : 1;
    v = q;
  }
  Int128 limit = PowerOfTen(precision);
  if (v >= limit || v <= -limit) return std::nullopt;
  return static_cast<int64_t>(v);
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
