#pragma once

#include <cstdint>
#include <vector>

#include "vector/vector.h"

namespace sluice {

// Builds a new vector holding rows `indices` of `in`, in that order (a gather). Works for every
// type, nested ones included; string bytes are shared with `in`, not copied.
VectorPtr Take(const Vector& in, const std::vector<uint32_t>& indices);

// Appends row `row` of `in` to `out` (same type), nested values included. String bytes are not
// copied: call ShareArenasDeep(in, out) once before appending.
void AppendRow(const Vector& in, size_t row, Vector& out);

// Makes `to` and its nested children keep the string arenas of `from` and its children alive.
void ShareArenasDeep(const Vector& from, Vector& to);

}  // namespace sluice
