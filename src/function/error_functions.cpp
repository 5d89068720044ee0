// raise_error(msg) and assert_true(cond[, msg]): Spark's functions that raise on purpose, in
// either mode. A raised row becomes a dead letter with the message (or stops the run, as the
// source's 'errors' policy says), like a row ANSI mode raises on.
#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"

namespace sluice {
namespace {

// raise_error(msg): every row raises [USER_RAISED_EXCEPTION] msg; its type is NULL's.
Result<BoundFunction> BindRaiseError(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("raise_error(msg)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("raise_error", "msg", args.types[0]));
  BoundFunction f{DataType::Null(), {DataType::String()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    kernel::ForEachLive(ctx, [&](size_t row) {
      out.SetNull(row);
      const std::string message =
          a[0]->IsNull(row) ? "null" : std::string(fnutil::StrAt(*a[0], row));
      ctx.eval.row_errors.push_back(
          {static_cast<uint32_t>(row), "[USER_RAISED_EXCEPTION] " + message, false});
    });
    return Status::OK();
  };
  return f;
}

// assert_true(cond[, msg]): NULL where cond is TRUE; raises msg (or that the condition is not
// true) where it is FALSE or NULL.
Result<BoundFunction> BindAssertTrue(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("assert_true(condition[, msg])", args.types.size(), 1, 2));
  if (args.types[0].id() != TypeId::kBoolean && args.types[0].id() != TypeId::kNull) {
    return Status::Invalid("assert_true: the condition must be a BOOLEAN, found {}",
                           args.types[0].ToString());
  }
  std::vector<DataType> types{DataType::Boolean()};
  if (args.types.size() == 2) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("assert_true", "msg", args.types[1]));
    types.push_back(DataType::String());
  }
  BoundFunction f{DataType::Null(), types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    kernel::ForEachLive(ctx, [&](size_t row) {
      out.SetNull(row);
      if (!a[0]->IsNull(row) && a[0]->data<uint8_t>()[row] != 0) return;
      std::string message = "the condition of assert_true is not true";
      if (a.size() == 2) {
        message = a[1]->IsNull(row) ? "null" : std::string(fnutil::StrAt(*a[1], row));
      }
      ctx.eval.row_errors.push_back(
          {static_cast<uint32_t>(row), "[USER_RAISED_EXCEPTION] " + message, false});
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterErrorFunctions(FunctionRegistry& registry) {
  registry.Register({"raise_error", "raise_error(msg)", BindRaiseError});
  registry.Register({"assert_true", "assert_true(condition[, msg])", BindAssertTrue});
}

}  // namespace sluice
