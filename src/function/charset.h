#pragma once

#include "function/scalar_function.h"

namespace sluice {

// decode(bin, charset): bytes to text in a named charset; decode's two-argument form.
Result<BoundFunction> BindCharsetDecode(const BindArguments& args);

}  // namespace sluice
