#pragma once

#include <optional>

#include "types/decimal.h"

namespace sluice {

// Products and quotients of DECIMAL(38) values need more than 128 bits before they are scaled
// back; these compute them exactly (256-bit intermediates) and round half away from zero, as
// Spark's BigDecimal arithmetic does. nullopt when the result needs more than `precision` digits.

// a (scale sa) + b (scale sb), or a - b when `subtract`, computed exactly at the larger scale and
// then rounded to `scale` (no larger than it): Spark adds first and rounds once, where scaling
// each operand down first could round twice. Scales in [0, 38].
std::optional<Int128> AddDecimal(Int128 a, int sa, Int128 b, int sb, bool subtract, int scale,
                                 int precision);

// a (scale sa) % b (scale sb) at the larger scale, exactly, with a's sign (as Java's
// BigDecimal.remainder); nullopt when b is 0 or the remainder needs more than `precision` digits.
std::optional<Int128> RemainderDecimal(Int128 a, int sa, Int128 b, int sb, int precision);

// a * b / 10^drop, drop in [0, 76].
std::optional<Int128> MultiplyDecimal(Int128 a, Int128 b, int drop, int precision);

// a * 10^shift / b, shift in [0, 76]; nullopt also when b is 0.
std::optional<Int128> DivideDecimal(Int128 a, int shift, Int128 b, int precision);

}  // namespace sluice
