#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "types/decimal.h"
#include "vector/vector.h"

namespace sluice {

// Renders values as text the way Spark shows them (Dataset.show, CAST(x AS STRING)), appending
// to a caller's buffer so a sink can reuse one std::string for a whole batch:
//   BOOLEAN    true / false
//   DOUBLE     shortest round-trip digits in Java's Double.toString form: 99.0, 0.001, 1.0E7,
//              1.0E-4, NaN, Infinity
//   DECIMAL    with its scale: 99.00
//   DATE       yyyy-MM-dd
//   TIMESTAMP  yyyy-MM-dd HH:mm:ss[.ffffff], trailing zeros of the fraction dropped (UTC)
//   INTERVAL   INTERVAL '[-]d hh:mm:ss[.ffffff]' DAY TO SECOND
//   BYTES      [48 69] (hex bytes, like Spark)
//   ROW        {a, b}     ARRAY  [a, b]     a NULL inside a ROW or ARRAY: null
// A top-level NULL becomes `null_text`: "NULL" for the console, "" for CSV.
void AppendValueText(const Vector& v, size_t row, std::string& out,
                     std::string_view null_text = "NULL");
std::string ValueText(const Vector& v, size_t row, std::string_view null_text = "NULL");

// The pieces, for encoders that need one type's form.
void AppendDoubleText(double value, std::string& out);
void AppendDecimalText(Int128 unscaled, int scale, std::string& out);
// Spark's CAST(decimal AS STRING) (Java's BigDecimal.toString): as above, except that a value
// whose first digit lies more than 6 places after the point is written in scientific notation,
// as 1E-12, 1.23E-10 or 0E-12.
void AppendDecimalSparkText(Int128 unscaled, int scale, std::string& out);
void AppendDateText(int32_t days, std::string& out);
// 'yyyy-MM-dd HH:mm:ss[.ffffff]'
void AppendTimestampText(int64_t micros, std::string& out);
// Spark's to_json form 'yyyy-MM-ddTHH:mm:ss.SSSZ' (UTC, milliseconds, always three digits).
void AppendTimestampIsoText(int64_t micros, std::string& out);
// Spark's ANSI interval text, shaped by the type's fields: INTERVAL '3' DAY,
// INTERVAL '-1 02:03:04.5' DAY TO SECOND, INTERVAL '76' HOUR; INTERVAL '1-6' YEAR TO MONTH,
// INTERVAL '18' MONTH, INTERVAL '1' YEAR (whole years; a rest of months is not shown).
void AppendIntervalText(int64_t micros, const DataType& type, std::string& out);
void AppendYearMonthIntervalText(int32_t months, const DataType& type, std::string& out);
// Either interval type's text; `row` of an INTERVAL vector.
void AppendAnyIntervalText(const Vector& v, size_t row, std::string& out);

}  // namespace sluice
