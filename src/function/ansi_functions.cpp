// Spark's ANSI mode for the functions whose default behaviour hides an error: + - * overflow
// (they wrap by default), / % div by zero (NULL by default), element_at and arr[i] out of range
// (NULL by default). Each ANSI version runs the default kernel (the checked one for + - *, which
// gives NULL on overflow) and raises the row's error where the default gave NULL for
// non-NULL arguments, with Spark's error class in the reason.
#include <fmt/format.h>

#include "function/cast.h"
#include "function/function_registry.h"
#include "function/kernel_loops.h"

namespace sluice {
namespace {

using Reason = std::string (*)(const std::vector<VectorPtr>& args, size_t row);

// `base` (bound by name in the default registry), raising `reason` where it gave NULL although
// no argument was NULL.
ScalarFunction RaiseWhereNull(const std::string& name, const std::string& base, Reason reason) {
  const ScalarFunction* def = FunctionRegistry::Builtin().Find(base);
  return {name, def->signature, [def, reason](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_ASSIGN_OR_RETURN(BoundFunction f, def->bind(args));
            ScalarKernel inner = std::move(f.kernel);
            f.kernel = [inner, reason](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                       Vector& out) -> Status {
              SLUICE_RETURN_NOT_OK(inner(a, ctx, out));
              kernel::ForEachLive(ctx, [&](size_t row) {
                if (!out.IsNull(row) || kernel::AnyNull(a, row)) return;
                ctx.eval.row_errors.push_back({static_cast<uint32_t>(row), reason(a, row)});
              });
              return Status::OK();
            };
            return f;
          }};
}

std::string Operands(const std::vector<VectorPtr>& a, size_t row, const char* op) {
  return fmt::format("{} {} {}", CastToText(*a[0], row), op, CastToText(*a[1], row));
}

// element_at (1-based, negative from the end) and get / arr[i] (0-based): an index outside the
// array raises [INVALID_ARRAY_INDEX].
ScalarFunction CheckedIndex(const std::string& name, bool zero_based) {
  const ScalarFunction* def = FunctionRegistry::Builtin().Find(name);
  return {name, def->signature, [def, zero_based](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_ASSIGN_OR_RETURN(BoundFunction f, def->bind(args));
            if (args.types[0].IsMap()) return f;  // a missing key is NULL in both modes
            ScalarKernel inner = std::move(f.kernel);
            f.kernel = [inner, zero_based](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                           Vector& out) -> Status {
              SLUICE_RETURN_NOT_OK(inner(a, ctx, out));
              const uint32_t* offsets = a[0]->offsets();
              kernel::ForEachLive(ctx, [&](size_t row) {
                if (kernel::AnyNull(a, row)) return;
                const int64_t n = offsets[row + 1] - offsets[row];
                const int64_t i = a[1]->data<int64_t>()[row];
                const bool inside = zero_based ? i >= 0 && i < n : i != 0 && (i > 0 ? i <= n : i >= -n);
                if (inside) return;
                ctx.eval.row_errors.push_back(
                    {static_cast<uint32_t>(row),
                     fmt::format("[INVALID_ARRAY_INDEX] the index {} is out of bounds: the array has {} "
                                 "element{} (use try_element_at for NULL instead)",
                                 i, n, n == 1 ? "" : "s")});
              });
              return Status::OK();
            };
            return f;
          }};
}

}  // namespace

void RegisterAnsiOverrides(FunctionRegistry& registry) {
  registry.Register(RaiseWhereNull("add", "try_add", [](const std::vector<VectorPtr>& a, size_t row) {
    return "[ARITHMETIC_OVERFLOW] " + Operands(a, row, "+") + " overflows (use try_add for NULL instead)";
  }));
  registry.Register(RaiseWhereNull("subtract", "try_subtract", [](const std::vector<VectorPtr>& a, size_t row) {
    return "[ARITHMETIC_OVERFLOW] " + Operands(a, row, "-") +
           " overflows (use try_subtract for NULL instead)";
  }));
  registry.Register(RaiseWhereNull("multiply", "try_multiply", [](const std::vector<VectorPtr>& a, size_t row) {
    return "[ARITHMETIC_OVERFLOW] " + Operands(a, row, "*") +
           " overflows (use try_multiply for NULL instead)";
  }));
  // The operands of / are DOUBLEs by then: the message leaves them out, as Spark's does.
  registry.Register(RaiseWhereNull("divide", "divide", [](const std::vector<VectorPtr>&, size_t) {
    return std::string("[DIVIDE_BY_ZERO] division by zero (use try_divide for NULL instead)");
  }));
  registry.Register(RaiseWhereNull("modulo", "modulo", [](const std::vector<VectorPtr>&, size_t) {
    return std::string("[DIVIDE_BY_ZERO] division by zero in %");
  }));
  registry.Register(RaiseWhereNull("div", "div", [](const std::vector<VectorPtr>&, size_t) {
    return std::string("[DIVIDE_BY_ZERO] division by zero in div");
  }));
  registry.Register(CheckedIndex("element_at", false));
  registry.Register(CheckedIndex("get", true));
}

}  // namespace sluice
