#include "types/decimal_arithmetic.h"

#include <algorithm>

namespace sluice {
namespace {

// An unsigned 256-bit integer: just what a product of two 128-bit magnitudes and its division
// by a 128-bit divisor need.
struct UInt256 {
  UInt128 hi = 0, lo = 0;
};

UInt128 Magnitude(Int128 v) { return v < 0 ? 0 - static_cast<UInt128>(v) : static_cast<UInt128>(v); }

UInt256 MultiplyFull(UInt128 x, UInt128 y) {
  const UInt128 mask = ~uint64_t{0};
  const UInt128 x0 = x & mask, x1 = x >> 64, y0 = y & mask, y1 = y >> 64;
  const UInt128 p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
  // The middle column: the high half of p00 plus the low halves of p01 and p10 (fits 66 bits).
  const UInt128 middle = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  UInt256 r;
  r.lo = (middle << 64) | (p00 & mask);
  r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
  return r;
}

// n * m, or false when it does not fit 256 bits.
bool MultiplyInPlace(UInt256& n, UInt128 m) {
  const UInt256 low = MultiplyFull(n.lo, m);
  const UInt256 high = MultiplyFull(n.hi, m);
  if (high.hi != 0) return false;
  UInt128 hi;
  if (__builtin_add_overflow(low.hi, high.lo, &hi)) return false;
  n.hi = hi;
  n.lo = low.lo;
  return true;
}

bool AddInPlace(UInt256& n, const UInt256& m) {
  const UInt128 lo = n.lo + m.lo;
  const UInt128 carry = lo < n.lo ? 1 : 0;
  UInt128 hi;
  if (__builtin_add_overflow(n.hi, m.hi, &hi) || __builtin_add_overflow(hi, carry, &hi)) {
    return false;
  }
  n.hi = hi;
  n.lo = lo;
  return true;
}

bool Less(const UInt256& a, const UInt256& b) { return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo; }

// n -= m, m <= n.
void SubtractInPlace(UInt256& n, const UInt256& m) {
  const UInt128 borrow = n.lo < m.lo ? 1 : 0;
  n.lo -= m.lo;
  n.hi = n.hi - m.hi - borrow;
}

// n /= d (d > 0); returns the remainder. Bit by bit: only products beyond 128 bits come here.
UInt128 DivideInPlace(UInt256& n, UInt128 d) {
  if (n.hi == 0) {
    const UInt128 remainder = n.lo % d;
    n.lo /= d;
    return remainder;
  }
  UInt128 remainder = 0;
  UInt256 quotient;
  for (int bit = 255; bit >= 0; --bit) {
    const bool top = (remainder >> 127) != 0;
    const UInt128 word = bit >= 128 ? n.hi : n.lo;
    remainder = (remainder << 1) | ((word >> (bit % 128)) & 1);
    if (top || remainder >= d) {
      remainder -= d;
      (bit >= 128 ? quotient.hi : quotient.lo) |= UInt128{1} << (bit % 128);
    }
  }
  n = quotient;
  return remainder;
}

std::optional<Int128> Signed(const UInt256& magnitude, bool negative, int precision) {
  if (magnitude.hi != 0 || magnitude.lo >= static_cast<UInt128>(PowerOfTen(precision))) {
    return std::nullopt;
  }
  const Int128 v = static_cast<Int128>(magnitude.lo);
  return negative ? -v : v;
}

// Rounds n / 10^drop half up (drop in [0, 38]); false when adding the half overflows.
bool RoundDown(UInt256& n, int drop) {
  if (drop == 0) return true;
  if (!AddInPlace(n, UInt256{0, 5 * static_cast<UInt128>(PowerOfTen(drop - 1))})) return false;
  DivideInPlace(n, static_cast<UInt128>(PowerOfTen(drop)));
  return true;
}

}  // namespace

std::optional<Int128> AddDecimal(Int128 a, int sa, Int128 b, int sb, bool subtract, int scale,
                                 int precision) {
  const int common = std::max(sa, sb);
  UInt256 x = MultiplyFull(Magnitude(a), static_cast<UInt128>(PowerOfTen(common - sa)));
  UInt256 y = MultiplyFull(Magnitude(b), static_cast<UInt128>(PowerOfTen(common - sb)));
  const bool x_negative = a < 0;
  const bool y_negative = (b < 0) != subtract;
  bool negative = x_negative;
  if (x_negative == y_negative) {
    if (!AddInPlace(x, y)) return std::nullopt;
  } else if (Less(x, y)) {  // |y| wins: its sign
    SubtractInPlace(y, x);
    x = y;
    negative = y_negative;
  } else {
    SubtractInPlace(x, y);
  }
  if (!RoundDown(x, common - scale)) return std::nullopt;
  return Signed(x, negative, precision);
}

std::optional<Int128> RemainderDecimal(Int128 a, int sa, Int128 b, int sb, int precision) {
  if (b == 0) return std::nullopt;
  const int common = std::max(sa, sb);
  UInt256 x = MultiplyFull(Magnitude(a), static_cast<UInt128>(PowerOfTen(common - sa)));
  const UInt256 y = MultiplyFull(Magnitude(b), static_cast<UInt128>(PowerOfTen(common - sb)));
  if (y.hi != 0) {
    // A divisor beyond 128 bits was scaled up, so the dividend was not (its scale is the larger)
    // and is below 10^38: smaller than the divisor, it is its own remainder.
    if (!Less(x, y)) return std::nullopt;
  } else {
    x = UInt256{0, DivideInPlace(x, y.lo)};
  }
  return Signed(x, a < 0, precision);
}

std::optional<Int128> MultiplyDecimal(Int128 a, Int128 b, int drop, int precision) {
  const bool negative = (a < 0) != (b < 0);
  UInt256 n = MultiplyFull(Magnitude(a), Magnitude(b));
  if (drop > 0) {
    // Half of 10^drop, added before a floor division, rounds half up: 5 * 10^(drop - 1).
    const int half_digits = drop - 1;
    UInt256 half = MultiplyFull(static_cast<UInt128>(PowerOfTen(std::min(half_digits, 38))),
                                5 * static_cast<UInt128>(PowerOfTen(std::max(0, half_digits - 38))));
    if (!AddInPlace(n, half)) return std::nullopt;
    DivideInPlace(n, static_cast<UInt128>(PowerOfTen(std::min(drop, 38))));
    if (drop > 38) DivideInPlace(n, static_cast<UInt128>(PowerOfTen(drop - 38)));
  }
  return Signed(n, negative, precision);
}

std::optional<Int128> DivideDecimal(Int128 a, int shift, Int128 b, int precision) {
  if (b == 0) return std::nullopt;
  const bool negative = (a < 0) != (b < 0);
  UInt256 n = MultiplyFull(Magnitude(a), static_cast<UInt128>(PowerOfTen(std::min(shift, 38))));
  // Beyond 256 bits the quotient (the divisor is below 2^127) cannot fit 38 digits either.
  if (shift > 38 && !MultiplyInPlace(n, static_cast<UInt128>(PowerOfTen(shift - 38)))) {
    return std::nullopt;
  }
  const UInt128 divisor = Magnitude(b);
  const UInt128 remainder = DivideInPlace(n, divisor);
  if (remainder >= divisor - remainder) {  // 2 * remainder >= divisor: half up
    if (!AddInPlace(n, UInt256{0, 1})) return std::nullopt;
  }
  return Signed(n, negative, precision);
}

}  // namespace sluice
