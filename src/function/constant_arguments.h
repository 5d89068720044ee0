// Arguments a binder reads whole at bind time, beyond plain literals.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "function/scalar_function.h"

namespace sluice {

using StringOptions = std::vector<std::pair<std::string, std::string>>;

// The pairs of argument i when it is map('key', 'value', ...) of string literals (Spark's way of
// passing options to from_csv, to_csv, ...); empty when the call has no argument i; an error
// naming `fn` when the argument is anything else.
Result<StringOptions> ConstantStringOptions(std::string_view fn, const BindArguments& args, size_t i);

}  // namespace sluice
