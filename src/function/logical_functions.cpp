// AND, OR, NOT with SQL's three-valued logic; IS [NOT] NULL.
#include "function/function_registry.h"
#include "function/kernel_loops.h"

namespace sluice {
namespace {

Status ExpectBooleans(std::string_view op, const BindArguments& args) {
  for (const DataType& t : args.types) {
    if (t.id() != TypeId::kBoolean && t.id() != TypeId::kNull) {
      return Status::Invalid("{} expects BOOLEAN operands, found {}", op, t.ToString());
    }
  }
  return Status::OK();
}

// AND: FALSE wins over NULL; OR: TRUE wins over NULL.
Result<BoundFunction> BindAndOr(bool is_and, const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(ExpectBooleans(is_and ? "AND" : "OR", args));
  BoundFunction f{DataType::Boolean(), {DataType::Boolean(), DataType::Boolean()}, nullptr};
  f.kernel = [is_and](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    const Vector& x = *a[0];
    const Vector& y = *a[1];
    const uint8_t* px = x.data<uint8_t>();
    const uint8_t* py = y.data<uint8_t>();
    uint8_t* o = out.data<uint8_t>();
    if (!x.MayHaveNulls() && !y.MayHaveNulls()) {
      kernel::ForEachLive(ctx, [&](size_t r) { o[r] = is_and ? (px[r] & py[r]) : (px[r] | py[r]); });
      return Status::OK();
    }
    kernel::ForEachLive(ctx, [&](size_t r) {
      bool xn = x.IsNull(r), yn = y.IsNull(r);
      bool dominant = is_and ? ((!xn && !px[r]) || (!yn && !py[r]))
                             : ((!xn && px[r]) || (!yn && py[r]));
      if (dominant) {
        o[r] = is_and ? 0 : 1;
      } else if (xn || yn) {
        out.SetNull(r);
      } else {
        o[r] = is_and ? 1 : 0;
      }
    });
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindNot(const BindArguments& args) {
  if (args.types.size() != 1) return Status::Invalid("NOT takes one operand");
  SLUICE_RETURN_NOT_OK(ExpectBooleans("NOT", args));
  BoundFunction f{DataType::Boolean(), {DataType::Boolean()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::Unary<uint8_t, uint8_t>(*a[0], ctx, out, [](uint8_t v) { return uint8_t(!v); });
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindIsNull(bool negated, const BindArguments& args) {
  if (args.types.size() != 1) return Status::Invalid("IS NULL takes one operand");
  BoundFunction f{DataType::Boolean(), {args.types[0]}, nullptr};
  f.kernel = [negated](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    uint8_t* o = out.data<uint8_t>();
    kernel::ForEachLive(ctx, [&](size_t r) { o[r] = a[0]->IsNull(r) != negated; });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterLogicalFunctions(FunctionRegistry& registry) {
  registry.Register({"and", "a AND b", [](const BindArguments& a) { return BindAndOr(true, a); }});
  registry.Register({"or", "a OR b", [](const BindArguments& a) { return BindAndOr(false, a); }});
  registry.Register({"not", "NOT a", BindNot});
  registry.Register(
      {"is_null", "a IS NULL", [](const BindArguments& a) { return BindIsNull(false, a); }});
  registry.Register(
      {"is_not_null", "a IS NOT NULL", [](const BindArguments& a) { return BindIsNull(true, a); }});
  registry.Alias("isnull", "is_null");
  registry.Alias("isnotnull", "is_not_null");
}

}  // namespace sluice
