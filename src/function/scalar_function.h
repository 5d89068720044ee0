#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "expr/expression.h"
#include "types/value.h"
#include "vector/selection_vector.h"

namespace sluice {

// What a kernel sees besides its argument columns.
struct KernelContext {
  const SelectionVector& selection;
  size_t num_rows;
  EvalContext& eval;
};

// Computes a function over whole columns: `args` hold num_rows rows each (already cast to the
// argument types the binder asked for); the kernel fills `out` (empty, of the return type) with
// num_rows rows, defined at the selected ones.
using ScalarKernel =
    std::function<Status(const std::vector<VectorPtr>& args, const KernelContext&, Vector& out)>;

// The argument types a call was written with, and the constant value of each literal argument
// (so e.g. a regex or a date pattern is compiled once, at bind time).
struct BindArguments {
  std::vector<DataType> types;
  std::vector<const Value*> constants;  // nullptr where the argument is not a literal
  // The argument expressions where the caller has them (empty otherwise), for arguments a binder
  // reads whole, such as a map('key', 'value', ...) of options.
  std::vector<const Expression*> expressions = {};
};

// A function resolved for concrete argument types.
struct BoundFunction {
  DataType return_type;
  std::vector<DataType> arg_types;  // the planner casts each argument to these
  ScalarKernel kernel;
};

// Resolves a call, or says what arguments the function takes.
using FunctionBinder = std::function<Result<BoundFunction>(const BindArguments&)>;

struct ScalarFunction {
  std::string name;       // lower-case SQL name
  std::string signature;  // for errors and docs: "round(number[, scale INT])"
  FunctionBinder bind;
};

}  // namespace sluice
