#pragma once

#include <optional>

#include "types/data_type.h"

namespace sluice {

// Implicit conversions, following Spark: the type two values are compared or combined in.
// NULL goes with anything; INT < BIGINT < DECIMAL < DOUBLE; a string compared with a date,
// timestamp or number is read as that type; DATE with TIMESTAMP is TIMESTAMP.
std::optional<DataType> CommonType(const DataType& a, const DataType& b);

// Integers as decimals, when combined with one: INT is DECIMAL(10,0), BIGINT DECIMAL(18,0).
DataType AsDecimal(const DataType& t);

// Result type of + - * % on two numeric types (/ is always DOUBLE, see arithmetic_functions).
std::optional<DataType> ArithmeticResultType(char op, const DataType& a, const DataType& b);

}  // namespace sluice
