#pragma once

#include "function/scalar_function.h"

namespace sluice {

// The array forms of concat and reverse, which the string functions hand arrays to.
Result<BoundFunction> BindArrayConcat(const BindArguments& args);
Result<BoundFunction> BindArrayReverse(const BindArguments& args);

}  // namespace sluice
