#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "function/scalar_function.h"

namespace sluice {

// The array forms of concat and reverse, which the string functions hand arrays to.
Result<BoundFunction> BindArrayConcat(const BindArguments& args);
Result<BoundFunction> BindArrayReverse(const BindArguments& args);
// arrays_zip(a, b, ...): an array of rows whose fields, named `names`, hold the arrays' elements
// at one index (the shorter arrays padded with NULLs). The binder names the fields after the
// columns given, as Spark does; called by name, they are "0", "1", ...
Result<BoundFunction> BindArraysZip(const BindArguments& args, const std::vector<std::string>& names);
// A value looked for among elements or keys of type `element` must convert to it without loss.
Status ExpectProbe(std::string_view fn, const DataType& element, const DataType& probe);

}  // namespace sluice
