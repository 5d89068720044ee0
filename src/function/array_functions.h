#pragma once

#include <string_view>

#include "function/scalar_function.h"

namespace sluice {

// The array forms of concat and reverse, which the string functions hand arrays to.
Result<BoundFunction> BindArrayConcat(const BindArguments& args);
Result<BoundFunction> BindArrayReverse(const BindArguments& args);
// A value looked for among elements or keys of type `element` must convert to it without loss.
Status ExpectProbe(std::string_view fn, const DataType& element, const DataType& probe);

}  // namespace sluice
