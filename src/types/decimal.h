#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// DECIMAL(p, s) values are int64 unscaled integers: 12.50 in DECIMAL(10,2) is 1250.
constexpr int kMaxDecimalPrecision = 18;

// 10^n for n in [0, 18].
int64_t PowerOfTen(int n);

// Parses a decimal number ('-12.5', '3', '1e2', '.5') into an unscaled value of the given scale,
// rounding half away from zero like Spark; nullopt if it is not a number or needs more than
// `precision` digits.
std::optional<int64_t> ParseDecimal(std::string_view text, int precision, int scale);

// Unscaled value to text with exactly `scale` fraction digits: (1250, 2) -> "12.50".
std::string FormatDecimal(int64_t unscaled, int scale);

// Adds one to a run of decimal digits ("129" -> "130", "99" -> "100"): rounding up on text.
void IncrementDigits(std::string& digits);

// Rescales with rounding half away from zero; nullopt on overflow of `precision` digits.
std::optional<int64_t> RescaleDecimal(int64_t unscaled, int from_scale, int to_scale,
                                      int precision);

}  // namespace sluice
