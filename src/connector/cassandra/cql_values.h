#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "cql/cql_type.h"
#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// sluice values in CQL's binary form. A row is first encoded in the form of its sluice type
// ("natural": BOOLEAN boolean, INT int, BIGINT bigint, DOUBLE double, DECIMAL decimal, STRING
// text, BYTES blob, DATE date, TIMESTAMP timestamp in milliseconds, ARRAY<t> list<t>, MAP<k, v>
// map<k, v>, ROW as JSON text), without knowing the table; when the table's column types are known (a prepared
// statement's markers), each value is converted to its column's type where they differ: INT and
// BIGINT to bigint, int, smallint, tinyint or varint (range-checked), DOUBLE to float, STRING to
// uuid, timeuuid, inet or ascii (checked), ARRAY to set, element by element (a collection holding
// a NULL is refused: Cassandra's cannot).
void AppendNaturalValue(const Vector& v, size_t row, const DataType& type, std::string& out);

// Whether a value of `type` can be written to a column of `column` type.
bool CanWriteTo(const DataType& type, const cql::CqlType& column);

// Converts one natural value (not NULL) to `column`'s form into `out`; an error says why the
// value does not fit (a text that is not a UUID, an INT out of smallint's range).
Status ConvertValue(std::string_view natural, const DataType& type, const cql::CqlType& column,
                    std::string& out);

// The CQL type a column of `type` gets in a table sluice creates.
std::string CqlTypeName(const DataType& type);

}  // namespace sluice
