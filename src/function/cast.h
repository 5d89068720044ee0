#pragma once

#include <string>

#include "function/scalar_function.h"

namespace sluice {

// Whether CAST(from AS to) is defined.
bool CanCast(const DataType& from, const DataType& to);

// Casts the live rows of `in` to `to` with Spark's (non-ANSI) semantics: a value that does not
// convert — 'abc' to INT, an overflow, an unparsable timestamp — becomes NULL.
Status CastVector(const Vector& in, const DataType& to, const KernelContext& ctx, Vector& out);

// The text of one value as CAST(x AS STRING) gives it: 105.00, 2024-01-01 10:00:00, true, 1.5.
std::string CastToText(const Vector& in, size_t row);

}  // namespace sluice
