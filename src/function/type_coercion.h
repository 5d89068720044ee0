#pragma once

#include <optional>

#include "types/data_type.h"
#include "types/value.h"

namespace sluice {

// Implicit conversions, following Spark's non-ANSI TypeCoercion.

// The type two values are compared in (= <> < <= > >=; Spark's PromoteStrings). NULL goes with
// anything; INT < BIGINT < DECIMAL < DOUBLE; DATE with TIMESTAMP is TIMESTAMP; a string is read
// as the other side's type (INT, BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP), except that with a
// DECIMAL both sides become DOUBLE.
std::optional<DataType> CommonType(const DataType& a, const DataType& b);
// Two intervals of one kind meet with every field of both (INTERVAL DAY and INTERVAL HOUR TO
// SECOND: INTERVAL DAY TO SECOND), as Spark's.
DataType WiderInterval(const DataType& a, const DataType& b);

// The type a list of values is unified to (IN, COALESCE, CASE; Spark's findWiderCommonType): as
// CommonType, except that a string with a number, DATE or TIMESTAMP makes everything a STRING
// (coalesce(i, 'none') keeps 'none'), and a string with a BOOLEAN does not mix.
std::optional<DataType> WiderType(const DataType& a, const DataType& b);

// The type a string operand of + - * / % is read as: DOUBLE (Spark's PromoteStrings); other
// types are returned as they are.
DataType ArithmeticOperandType(const DataType& t);

// Integers as decimals, when combined with one (Spark's DecimalPrecision): INT is
// DECIMAL(10,0), BIGINT DECIMAL(20,0), an integer literal (`constant`) just its digits.
DataType AsDecimal(const DataType& t, const Value* constant = nullptr);

// Spark's DecimalType.adjustPrecisionScale (spark.sql.decimalOperations.allowPrecisionLoss):
// a result type beyond 38 digits keeps its integer digits and gives up fraction digits, down to
// 6 (or the scale it had, when less).
DataType BoundedDecimal(int precision, int scale);

// Result type of + - * / % on two numeric types, strings read as DOUBLE, with Spark's decimal
// rules; `constants` are the operands' literal values, when they are literals. `/` of two
// non-decimals is DOUBLE.
std::optional<DataType> ArithmeticResultType(char op, const DataType& a, const DataType& b,
                                             const Value* a_constant = nullptr,
                                             const Value* b_constant = nullptr);

}  // namespace sluice
