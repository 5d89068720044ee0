#pragma once

#include <string_view>

#include "common/result.h"
#include "types/data_type.h"

namespace sluice {

// Parses a type written in SQL: INT, BIGINT, DOUBLE, DECIMAL(10, 2), STRING, VARCHAR(n),
// BOOLEAN, DATE, TIMESTAMP[(p)], BYTES, ARRAY<T>, ROW<a INT, b STRING>, ROW(a INT, ...) and
// Spark's STRUCT<a: INT, b: STRING>. Keywords are case-insensitive; field names may be
// `back-quoted`; a field may say NOT NULL.
Result<DataType> ParseDataType(std::string_view text);

// Parses a schema as from_json takes it: either one ROW/STRUCT type or a bare field list
// 'a INT, b STRING' (Spark's DDL form). Always a ROW type.
Result<DataType> ParseStructType(std::string_view text);

}  // namespace sluice
