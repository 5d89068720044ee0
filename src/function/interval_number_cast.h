#pragma once

#include <cstdint>
#include <optional>

#include "types/data_type.h"
#include "types/decimal.h"

// Spark's casts between numbers and the ANSI interval types: a number counts units of the
// interval's last field (CAST(90 AS INTERVAL MINUTE) is 90 minutes, CAST(1 AS INTERVAL DAY TO
// SECOND) one second), a DECIMAL rounded half away from zero to microseconds or months; back, an
// interval counts whole units of its last field, truncated toward zero (one ending in SECOND
// keeps its microseconds in a DECIMAL, rounded half away from zero to the DECIMAL's scale).
// nullopt: the result is out of its type's range (Spark raises CAST_OVERFLOW in either mode;
// try_cast gives NULL).
namespace sluice {

// The interval (microseconds, or months for a year-month type `to`) of an integer.
std::optional<int64_t> IntegerToInterval(int64_t value, const DataType& to);
// The same of a DECIMAL's unscaled value at `scale`.
std::optional<int64_t> DecimalToInterval(Int128 unscaled, int scale, const DataType& to);
// The number of `from`'s last field in an interval value, truncated toward zero.
int64_t IntervalToInteger(int64_t value, const DataType& from);
// The same as a DECIMAL of type `to` (its unscaled value).
std::optional<Int128> IntervalToDecimal(int64_t value, const DataType& from, const DataType& to);

}  // namespace sluice
