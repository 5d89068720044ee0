#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "types/data_type.h"
#include "vector/vector.h"

namespace sluice {

// One value as bytes: a null flag, then the fixed-width value as stored in the vector, a 4-byte
// length and the bytes of a string, a ROW's fields one after another, or an ARRAY's (a MAP's)
// 4-byte count and its elements. Group keys, DISTINCT sets, collected lists and state snapshots
// all store values this way, so equal values have equal bytes.
void EncodeValue(const Vector& v, size_t row, std::string& out);
// The same for a value that is compared as a key (GROUP BY, DISTINCT, join and partition keys):
// a DOUBLE's -0.0 is written as 0.0 and every NaN as one NaN, as Spark normalizes them, so they
// group together. Decodes with DecodeValue.
void EncodeKeyValue(const Vector& v, size_t row, std::string& out);

// Reads one value written by EncodeValue from the front of `in` (which advances) and appends it
// to `out`; false when `in` is too short (a corrupt snapshot).
bool DecodeValue(std::string_view& in, Vector& out);

// Skips one encoded value; false when `in` is too short.
bool SkipValue(std::string_view& in, const DataType& type);

}  // namespace sluice
