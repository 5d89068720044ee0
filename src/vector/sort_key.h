#pragma once

#include <string>

#include "vector/vector.h"

namespace sluice {

// Appends row `row` of the vector `v` to `out` as bytes whose memcmp order is the SQL order
// of the values (NULLs first when ascending, last when descending, as Spark and Flink sort), so
// a multi-column ORDER BY compares as one byte string. Integers, dates and timestamps are
// big-endian with the sign bit flipped, doubles use the IEEE total order, strings escape their
// zero bytes and end with a terminator; a ROW is its fields in order, an ARRAY its elements
// compared one by one (a prefix first), as Spark orders them; `descending` inverts every byte.
void AppendSortKey(const Vector& v, size_t row, bool descending, std::string& out);

}  // namespace sluice
