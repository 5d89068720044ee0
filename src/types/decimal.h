#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// DECIMAL(p, s) values are 128-bit unscaled integers: 12.50 in DECIMAL(10,2) is 1250. Spark's
// range: up to 38 digits.
__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;
constexpr int kMaxDecimalPrecision = 38;

// 10^n for n in [0, 38].
Int128 PowerOfTen(int n);

// Whether `unscaled` has at most `precision` digits.
inline bool FitsPrecision(Int128 unscaled, int precision) {
  const Int128 limit = PowerOfTen(precision);
  return unscaled < limit && unscaled > -limit;
}

// Parses a decimal number ('-12.5', '3', '1e2', '.5') into an unscaled value of the given scale,
// rounding half away from zero like Spark; nullopt if it is not a number or needs more than
// `precision` digits.
std::optional<Int128> ParseDecimal(std::string_view text, int precision, int scale);

// A 128-bit integer's decimal digits, with a '-' when negative.
std::string Int128ToString(Int128 value);

// Unscaled value to text with exactly `scale` fraction digits: (1250, 2) -> "12.50".
std::string FormatDecimal(Int128 unscaled, int scale);

// The nearest double of a decimal (correctly rounded, as Spark's BigDecimal.doubleValue).
double DecimalToDouble(Int128 unscaled, int scale);

// Adds one to a run of decimal digits ("129" -> "130", "99" -> "100"): rounding up on text.
void IncrementDigits(std::string& digits);

// Rescales with rounding half away from zero; nullopt on overflow of `precision` digits.
std::optional<Int128> RescaleDecimal(Int128 unscaled, int from_scale, int to_scale,
                                     int precision);

// a / b rounded half away from zero (b != 0).
Int128 DivideRoundHalfUp(Int128 a, Int128 b);

}  // namespace sluice
