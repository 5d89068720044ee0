// = <> < <= > >= and IN, after coercing both sides to their common type.
#include <cmath>
#include <type_traits>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "vector/sort_key.h"
#include "function/kernel_loops.h"
#include "types/decimal.h"
#include "function/type_coercion.h"

namespace sluice {
namespace {

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

// Spark orders DOUBLEs totally: NaN equals NaN and is above every other value, +Infinity
// included; -0.0 equals 0.0. Other types use their natural order. Every operator is written in
// terms of these two, so NaN is consistent across = <> < <= > >= and IN.
template <typename T>
bool Equal(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) return a == b || (std::isnan(a) && std::isnan(b));
  return a == b;
}
template <typename T>
bool Less(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) return a < b || (!std::isnan(a) && std::isnan(b));
  return a < b;
}

template <typename T>
void CompareColumns(Cmp cmp, const Vector& a, const Vector& b, const KernelContext& ctx,
                    Vector& out) {
  // One loop per operator so the comparison inlines into a tight loop.
  auto run = [&](auto op) { kernel::Binary<T, T, uint8_t>(a, b, ctx, out, op); };
  switch (cmp) {
    case Cmp::kEq: run([](const T& x, const T& y) { return Equal(x, y); }); break;
    case Cmp::kNe: run([](const T& x, const T& y) { return !Equal(x, y); }); break;
    case Cmp::kLt: run([](const T& x, const T& y) { return Less(x, y); }); break;
    case Cmp::kLe: run([](const T& x, const T& y) { return !Less(y, x); }); break;
    case Cmp::kGt: run([](const T& x, const T& y) { return Less(y, x); }); break;
    case Cmp::kGe: run([](const T& x, const T& y) { return !Less(x, y); }); break;
  }
}

// Calls fn.template operator()<T>() with the C++ type a column of `type` stores.
template <typename Fn>
Status DispatchPhysical(const DataType& type, Fn&& fn) {
  switch (type.id()) {
    case TypeId::kBoolean: fn(uint8_t{}); return Status::OK();
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kYearMonthInterval: fn(int32_t{}); return Status::OK();
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kInterval: fn(int64_t{}); return Status::OK();
    case TypeId::kDecimal: fn(Int128{}); return Status::OK();
    case TypeId::kFloat64: fn(double{}); return Status::OK();
    case TypeId::kString:
    case TypeId::kBytes: fn(std::string_view{}); return Status::OK();
    default: return Status::NotImplemented("comparing values of type {}", type.ToString());
  }
}

// Spark compares arrays and rows (element by element, field by field), not maps.
bool Comparable(const DataType& t) {
  if (t.IsMap()) return false;
  if (t.id() == TypeId::kList) return Comparable(t.element());
  if (t.id() == TypeId::kStruct) {
    for (const Field& f : t.fields()) {
      if (!Comparable(f.type)) return false;
    }
  }
  return true;
}

// Arrays and rows compare by their sort keys, whose byte order is Spark's order of them (a NULL
// element first, NaN above every number, -0.0 equal to 0.0).
Status CompareNested(Cmp cmp, const Vector& x, const Vector& y, const KernelContext& ctx,
                     Vector& out) {
  out.Resize(ctx.num_rows);
  uint8_t* o = out.data<uint8_t>();
  std::string left, right;
  kernel::ForEachLive(ctx, [&](size_t row) {
    if (x.IsNull(row) || y.IsNull(row)) {
      out.SetNull(row);
      return;
    }
    left.clear();
    right.clear();
    AppendSortKey(x, row, false, left);
    AppendSortKey(y, row, false, right);
    const int c = left.compare(right);
    bool result = false;
    switch (cmp) {
      case Cmp::kEq: result = c == 0; break;
      case Cmp::kNe: result = c != 0; break;
      case Cmp::kLt: result = c < 0; break;
      case Cmp::kLe: result = c <= 0; break;
      case Cmp::kGt: result = c > 0; break;
      case Cmp::kGe: result = c >= 0; break;
    }
    o[row] = result ? 1 : 0;
  });
  return Status::OK();
}

Result<BoundFunction> BindComparison(Cmp cmp, std::string_view symbol, const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("operator {} takes two operands", symbol);
  auto common = CommonType(args.types[0], args.types[1]);
  if (!common || !Comparable(*common)) {
    return Status::Invalid("cannot compare {} with {} (operator {})", args.types[0].ToString(),
                           args.types[1].ToString(), symbol);
  }
  DataType t = common->id() == TypeId::kNull ? DataType::Boolean() : *common;
  BoundFunction f{DataType::Boolean(), {t, t}, nullptr};
  f.kernel = [cmp, t](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    if (t.IsNested()) return CompareNested(cmp, *a[0], *a[1], ctx, out);
    return DispatchPhysical(t, [&](auto tag) {
      using T = decltype(tag);
      CompareColumns<T>(cmp, *a[0], *a[1], ctx, out);
    });
  };
  return f;
}

// x IN (v1, v2, ...): TRUE on a match; else NULL if x or any candidate is NULL; else FALSE.
Result<BoundFunction> BindIn(const BindArguments& args) {
  if (args.types.size() < 2) return Status::Invalid("IN needs at least one value in its list");
  DataType t = args.types[0];
  for (size_t i = 1; i < args.types.size(); ++i) {
    // Spark's InConversion: a string in the list makes the whole comparison textual.
    auto common = WiderType(t, args.types[i]);
    if (!common || !Comparable(*common) || common->IsNested()) {
      return Status::Invalid("cannot compare {} with {} in an IN list", args.types[0].ToString(),
                             args.types[i].ToString());
    }
    t = *common;
  }
  if (t.id() == TypeId::kNull) t = DataType::Boolean();
  BoundFunction f{DataType::Boolean(), std::vector<DataType>(args.types.size(), t), nullptr};
  f.kernel = [t](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    return DispatchPhysical(t, [&](auto tag) {
      using T = decltype(tag);
      out.Resize(ctx.num_rows);
      uint8_t* o = out.data<uint8_t>();
      const Vector& x = *a[0];
      kernel::ForEachLive(ctx, [&](size_t row) {
        if (x.IsNull(row)) {
          out.SetNull(row);
          return;
        }
        const T& value = x.data<T>()[row];
        bool saw_null = false;
        for (size_t i = 1; i < a.size(); ++i) {
          if (a[i]->IsNull(row)) {
            saw_null = true;
          } else if (Equal(a[i]->data<T>()[row], value)) {
            o[row] = 1;
            return;
          }
        }
        if (saw_null) {
          out.SetNull(row);
        } else {
          o[row] = 0;
        }
      });
    });
  };
  return f;
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry& registry) {
  struct Op {
    const char* name;
    Cmp cmp;
    const char* symbol;
  };
  for (Op op : {Op{"equal", Cmp::kEq, "="}, Op{"not_equal", Cmp::kNe, "<>"},
                Op{"less", Cmp::kLt, "<"}, Op{"less_equal", Cmp::kLe, "<="},
                Op{"greater", Cmp::kGt, ">"}, Op{"greater_equal", Cmp::kGe, ">="}}) {
    registry.Register({op.name, fmt::format("a {} b", op.symbol),
                       [op](const BindArguments& a) { return BindComparison(op.cmp, op.symbol, a); }});
  }
  registry.Register({"in", "x IN (v1, v2, ...)", BindIn});
}

}  // namespace sluice
