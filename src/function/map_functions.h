#pragma once

#include <string_view>

#include "function/scalar_function.h"

namespace sluice {

// element_at(map, key) and map[key]: the value under the key, NULL when it is missing.
Result<BoundFunction> BindMapLookup(const BindArguments& args, std::string_view fn);

}  // namespace sluice
