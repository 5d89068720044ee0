#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "expr/expression.h"
#include "function/function_registry.h"

namespace sluice {

// Resolves a scalar function call by name over bound arguments: looks the function up, lets it
// pick its argument and result types, and casts each argument that differs. Constant
// arguments are passed to the function's binder (patterns, scales). Errors name the function
// and its signature.
Result<ExpressionPtr> BindCall(const FunctionRegistry& registry, const std::string& name,
                               std::vector<ExpressionPtr> args);

// Casts `e` to `type` unless it already has it; in ANSI mode a value that does not convert
// raises (the row's error) instead of becoming NULL.
ExpressionPtr CastIfNeeded(ExpressionPtr e, const DataType& type, bool ansi = false);

}  // namespace sluice
