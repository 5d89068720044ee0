#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "function/scalar_function.h"

namespace sluice {

// element_at(map, key) and map[key]: the value under the key, NULL when it is missing.
Result<BoundFunction> BindMapLookup(const BindArguments& args, std::string_view fn);

// Appends one map row to `out` (a MAP vector) built from parallel key and value rows: a NULL key
// makes the row NULL (Spark raises), a repeated key keeps its last value.
void AppendMapEntries(const Vector& keys, const std::vector<uint32_t>& key_rows,
                      const Vector& values, const std::vector<uint32_t>& value_rows, Vector& out);

}  // namespace sluice
