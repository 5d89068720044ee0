// + - * / % and unary minus, with Spark's result types (type_coercion.h). Integer overflow wraps
// as in Spark; a DECIMAL result that does not fit its precision, and division by zero, are NULL.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/interval_arithmetic.h"
#include "function/kernel_loops.h"
#include "function/type_coercion.h"
#include "types/decimal.h"
#include "vector/copy_value.h"
#include "types/decimal_arithmetic.h"

namespace sluice {
namespace {

template <typename T>
T WrapAdd(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}
template <typename T>
T WrapSub(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
}
template <typename T>
T WrapMul(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
}

// The literal value of argument i, or null when it is not a literal.
const Value* Constant(const BindArguments& args, size_t i) {
  return i < args.constants.size() ? args.constants[i] : nullptr;
}

Status ArgumentError(std::string_view op, const BindArguments& args) {
  return Status::Invalid("operator {} expects numbers, found {} and {}", op,
                         args.types[0].ToString(), args.types[1].ToString());
}

// Binds + - % : both arguments are cast to the result type (decimals to its scale, with
// headroom), so the kernel is one typed loop. Intervals and times: interval_arithmetic.h.
Result<BoundFunction> BindAdditive(char op, const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("operator {} takes two operands", op);
  if (auto time = BindIntervalAdditive(op, args)) return std::move(*time);
  auto result = ArithmeticResultType(op, args.types[0], args.types[1], Constant(args, 0),
                                     Constant(args, 1));
  if (!result) return ArgumentError(std::string(1, op), args);
  DataType r = *result;
  if (r.id() == TypeId::kDecimal) {
    const DataType da = AsDecimal(args.types[0], Constant(args, 0));
    const DataType db = AsDecimal(args.types[1], Constant(args, 1));
    if (op == '%') {
      // Exactly at the larger scale: a 38-digit integer does not fit that scale as an operand.
      BoundFunction f{r, {da, db}, nullptr};
      f.kernel = [r, sa = da.scale(), sb = db.scale()](const std::vector<VectorPtr>& a,
                                                      const KernelContext& ctx, Vector& out) {
        kernel::BinaryMaybe<Int128, Int128, Int128>(*a[0], *a[1], ctx, out, [&](Int128 p, Int128 q) {
          return RemainderDecimal(p, sa, q, sb, r.precision());
        });
        return Status::OK();
      };
      return f;
    }
    // When the result's scale is below an operand's (precision loss), or an operand at the
    // result's scale would need more than 38 digits (DECIMAL(38, 0) - DECIMAL(38, 2)), the
    // operands are added exactly at their own scales and the sum rounded once, as Spark does.
    auto fits_result_scale = [&](const DataType& d) {
      return d.precision() - d.scale() + r.scale() <= kMaxDecimalPrecision;
    };
    if (r.scale() < std::max(da.scale(), db.scale()) || !fits_result_scale(da) ||
        !fits_result_scale(db)) {
      BoundFunction f{r, {da, db}, nullptr};
      f.kernel = [op, r, sa = da.scale(), sb = db.scale()](const std::vector<VectorPtr>& a,
                                                           const KernelContext& ctx, Vector& out) {
        kernel::BinaryMaybe<Int128, Int128, Int128>(
            *a[0], *a[1], ctx, out, [&](Int128 p, Int128 q) {
              return AddDecimal(p, sa, q, sb, op == '-', r.scale(), r.precision());
            });
        return Status::OK();
      };
      return f;
    }
  }
  DataType operand = r.id() == TypeId::kDecimal ? DataType::Decimal(kMaxDecimalPrecision, r.scale())
                                                : r;
  BoundFunction f{r, {operand, operand}, nullptr};
  f.kernel = [op, r](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                     Vector& out) -> Status {
    const Vector& x = *a[0];
    const Vector& y = *a[1];
    switch (r.id()) {
      case TypeId::kInt32:
        if (op == '%') {
          kernel::BinaryMaybe<int32_t, int32_t, int32_t>(
              x, y, ctx, out, [](int32_t p, int32_t q) -> std::optional<int32_t> {
                if (q == 0) return std::nullopt;
                if (q == -1) return 0;
                return p % q;
              });
        } else {
          kernel::Binary<int32_t, int32_t, int32_t>(x, y, ctx, out, [op](int32_t p, int32_t q) {
            return op == '+' ? WrapAdd(p, q) : WrapSub(p, q);
          });
        }
        return Status::OK();
      case TypeId::kInt64:
        if (op == '%') {
          kernel::BinaryMaybe<int64_t, int64_t, int64_t>(
              x, y, ctx, out, [](int64_t p, int64_t q) -> std::optional<int64_t> {
                if (q == 0) return std::nullopt;
                if (q == -1) return 0;
                return p % q;
              });
        } else {
          kernel::Binary<int64_t, int64_t, int64_t>(x, y, ctx, out, [op](int64_t p, int64_t q) {
            return op == '+' ? WrapAdd(p, q) : WrapSub(p, q);
          });
        }
        return Status::OK();
      case TypeId::kFloat64:
        if (op == '%') {
          kernel::BinaryMaybe<double, double, double>(
              x, y, ctx, out, [](double p, double q) -> std::optional<double> {
                if (q == 0) return std::nullopt;
                return std::fmod(p, q);
              });
        } else {
          kernel::Binary<double, double, double>(x, y, ctx, out, [op](double p, double q) {
            return op == '+' ? p + q : p - q;
          });
        }
        return Status::OK();
      case TypeId::kDecimal:
        kernel::BinaryMaybe<Int128, Int128, Int128>(
            x, y, ctx, out, [op, precision = r.precision()](Int128 p, Int128 q) -> std::optional<Int128> {
              Int128 v;
              if (op == '+' ? __builtin_add_overflow(p, q, &v) : __builtin_sub_overflow(p, q, &v)) {
                return std::nullopt;
              }
              if (!FitsPrecision(v, precision)) return std::nullopt;
              return v;
            });
        return Status::OK();
      default:
        return Status::Internal("arithmetic on {}", r.ToString());
    }
  };
  return f;
}

Result<BoundFunction> BindMultiply(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("operator * takes two operands");
  if (auto interval = BindIntervalScaling('*', args)) return std::move(*interval);
  auto result = ArithmeticResultType('*', args.types[0], args.types[1], Constant(args, 0),
                                     Constant(args, 1));
  if (!result) return ArgumentError("*", args);
  DataType r = *result;
  if (r.id() != TypeId::kDecimal) {
    BoundFunction f{r, {r, r}, nullptr};
    f.kernel = [r](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                   Vector& out) -> Status {
      if (r.id() == TypeId::kInt32) {
        kernel::Binary<int32_t, int32_t, int32_t>(*a[0], *a[1], ctx, out, WrapMul<int32_t>);
      } else if (r.id() == TypeId::kInt64) {
        kernel::Binary<int64_t, int64_t, int64_t>(*a[0], *a[1], ctx, out, WrapMul<int64_t>);
      } else {
        kernel::Binary<double, double, double>(*a[0], *a[1], ctx, out,
                                               [](double p, double q) { return p * q; });
      }
      return Status::OK();
    };
    return f;
  }
  // Decimals multiply their unscaled values; the scales add up, and what the result's scale has
  // no room for is rounded away.
  DataType da = AsDecimal(args.types[0], Constant(args, 0));
  DataType db = AsDecimal(args.types[1], Constant(args, 1));
  const int drop = da.scale() + db.scale() - r.scale();
  BoundFunction f{r, {da, db}, nullptr};
  f.kernel = [drop, precision = r.precision()](const std::vector<VectorPtr>& a,
                                               const KernelContext& ctx, Vector& out) -> Status {
    kernel::BinaryMaybe<Int128, Int128, Int128>(
        *a[0], *a[1], ctx, out, [drop, precision](Int128 p, Int128 q) -> std::optional<Int128> {
          Int128 v;
          if (drop == 0 && !__builtin_mul_overflow(p, q, &v)) {  // the common case, in 128 bits
            if (!FitsPrecision(v, precision)) return std::nullopt;
            return v;
          }
          return MultiplyDecimal(p, q, drop, precision);
        });
    return Status::OK();
  };
  return f;
}

// '/' is DOUBLE division for integers and doubles, as in Spark. With a DECIMAL operand (and no
// DOUBLE) it is Spark's decimal division: scale max(6, s1 + p2 + 1), precision
// p1 - s1 + s2 + scale (bounded to 38 digits as Spark bounds it), rounded half up; an integer
// operand is DECIMAL(10, 0) or (20, 0), an integer literal just its digits. x / 0 is NULL.
Result<BoundFunction> BindDivide(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("operator / takes two operands");
  if (auto interval = BindIntervalScaling('/', args)) return std::move(*interval);
  for (const DataType& t : args.types) {
    DataType operand = ArithmeticOperandType(t);  // '10' / '4' is 2.5
    if (!operand.IsNumeric() && operand.id() != TypeId::kNull) return ArgumentError("/", args);
  }
  DataType l = ArithmeticOperandType(args.types[0]), r = ArithmeticOperandType(args.types[1]);
  if ((l.id() == TypeId::kDecimal || r.id() == TypeId::kDecimal) && l.id() != TypeId::kFloat64 &&
      r.id() != TypeId::kFloat64) {
    // A bare NULL divides as the other side's DECIMAL (the result is NULL either way).
    if (l.id() == TypeId::kNull) l = r;
    if (r.id() == TypeId::kNull) r = l;
    const DataType a = AsDecimal(l, Constant(args, 0));
    const DataType b = AsDecimal(r, Constant(args, 1));
    const DataType result = *ArithmeticResultType('/', a, b);
    // a / b at the result's scale: a * 10^(scale - s1 + s2) / b. The shift is never negative:
    // unbounded, scale > s1; bounded, scale >= 38 - (p1 - s1 + s2), so shift >= 38 - p1.
    const int shift = result.scale() - a.scale() + b.scale();
    BoundFunction f{result, {a, b}, nullptr};
    f.kernel = [shift, precision = result.precision()](const std::vector<VectorPtr>& v,
                                                       const KernelContext& ctx, Vector& out) {
      kernel::BinaryMaybe<Int128, Int128, Int128>(
          *v[0], *v[1], ctx, out, [=](Int128 p, Int128 q) -> std::optional<Int128> {
            return DivideDecimal(p, shift, q, precision);
          });
      return Status::OK();
    };
    return f;
  }
  BoundFunction f{DataType::Float64(), {DataType::Float64(), DataType::Float64()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::BinaryMaybe<double, double, double>(
        *a[0], *a[1], ctx, out, [](double p, double q) -> std::optional<double> {
          if (q == 0) return std::nullopt;
          return p / q;
        });
    return Status::OK();
  };
  return f;
}

// positive(x): x itself (a string as DOUBLE, as unary minus takes it).
Result<BoundFunction> BindPositive(const BindArguments& args) {
  if (args.types.size() != 1 ||
      !(ArithmeticOperandType(args.types[0]).IsNumeric() || args.types[0].IsInterval())) {
    return Status::Invalid("positive(number) expects a number or an interval, found {}",
                           args.types.empty() ? "nothing" : args.types[0].ToString());
  }
  const DataType t = ArithmeticOperandType(args.types[0]);
  BoundFunction f{t, {t}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    out.ShareArenasOf(*a[0]);
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a[0]->IsNull(row)) {
        out.SetNull(row);
      } else {
        CopyFlatValue(*a[0], row, out, row);
      }
    });
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindNegate(const BindArguments& args) {
  if (auto interval = BindIntervalNegate(args)) return std::move(*interval);
  if (args.types.size() != 1 || !ArithmeticOperandType(args.types[0]).IsNumeric()) {
    return Status::Invalid("unary minus expects a number, found {}",
                           args.types.empty() ? "nothing" : args.types[0].ToString());
  }
  DataType t = ArithmeticOperandType(args.types[0]);  // -'1' is -1.0
  BoundFunction f{t, {t}, nullptr};
  f.kernel = [t](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    switch (t.id()) {
      case TypeId::kInt32:
        kernel::Unary<int32_t, int32_t>(*a[0], ctx, out,
                                        [](int32_t v) { return WrapSub<int32_t>(0, v); });
        break;
      case TypeId::kFloat64:
        kernel::Unary<double, double>(*a[0], ctx, out, [](double v) { return -v; });
        break;
      case TypeId::kDecimal:  // |v| < 10^38: no overflow
        kernel::Unary<Int128, Int128>(*a[0], ctx, out, [](Int128 v) { return -v; });
        break;
      default:
        kernel::Unary<int64_t, int64_t>(*a[0], ctx, out,
                                        [](int64_t v) { return WrapSub<int64_t>(0, v); });
    }
    return Status::OK();
  };
  return f;
}

// a div b: the integral part of a / b as a BIGINT (truncated toward zero); NULL when b is 0.
// Integers divide exactly; other numbers divide as DOUBLE.
Result<BoundFunction> BindIntegralDivide(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("operator div takes two operands");
  for (const DataType& t : args.types) {
    if (!t.IsNumeric() && t.id() != TypeId::kNull) return ArgumentError("div", args);
  }
  const bool integers = std::all_of(args.types.begin(), args.types.end(), [](const DataType& t) {
    return t.IsInteger() || t.id() == TypeId::kNull;
  });
  const DataType operand = integers ? DataType::Int64() : DataType::Float64();
  BoundFunction f{DataType::Int64(), {operand, operand}, nullptr};
  f.kernel = [integers](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    if (integers) {
      kernel::BinaryMaybe<int64_t, int64_t, int64_t>(
          *a[0], *a[1], ctx, out, [](int64_t x, int64_t y) -> std::optional<int64_t> {
            if (y == 0) return std::nullopt;
            if (y == -1) return WrapSub<int64_t>(0, x);  // LONG_MIN div -1 wraps, as Java's
            return x / y;
          });
    } else {
      kernel::BinaryMaybe<double, double, int64_t>(
          *a[0], *a[1], ctx, out, [](double x, double y) -> std::optional<int64_t> {
            const double q = std::trunc(x / y);
            if (y == 0 || !std::isfinite(q) || std::fabs(q) >= 9.2e18) return std::nullopt;
            return static_cast<int64_t>(q);
          });
    }
    return Status::OK();
  };
  return f;
}

// try_add / try_subtract / try_multiply / try_divide: the operator, except that an integer
// result that overflows is NULL (the operators wrap, as Spark's do without ANSI mode). Division
// and DECIMAL results are NULL on overflow or division by zero already.
template <typename T>
std::optional<T> CheckedArithmetic(char op, T a, T b) {
  T r;
  const bool overflow = op == '+'   ? __builtin_add_overflow(a, b, &r)
                        : op == '-' ? __builtin_sub_overflow(a, b, &r)
                                    : __builtin_mul_overflow(a, b, &r);
  if (overflow) return std::nullopt;
  return r;
}

ScalarFunction TryArithmetic(const char* name, const char* signature, const char* op_name, char op) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            if (args.types.size() != 2) return Status::Invalid("{} takes 2 arguments", signature);
            SLUICE_ASSIGN_OR_RETURN(BoundFunction f, FunctionRegistry::Builtin().Find(op_name)->bind(args));
            if (op == '/' || !f.return_type.IsInteger()) return f;
            // Integer + - * take both operands in the result type.
            f.arg_types = {f.return_type, f.return_type};
            const bool narrow = f.return_type.id() == TypeId::kInt32;
            f.kernel = [op, narrow](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              if (narrow) {
                kernel::BinaryMaybe<int32_t, int32_t, int32_t>(
                    *a[0], *a[1], ctx, out, [op](int32_t x, int32_t y) { return CheckedArithmetic(op, x, y); });
              } else {
                kernel::BinaryMaybe<int64_t, int64_t, int64_t>(
                    *a[0], *a[1], ctx, out, [op](int64_t x, int64_t y) { return CheckedArithmetic(op, x, y); });
              }
              return Status::OK();
            };
            return f;
          }};
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& registry) {
  registry.Register({"add", "a + b", [](const BindArguments& a) { return BindAdditive('+', a); }});
  registry.Register(
      {"subtract", "a - b", [](const BindArguments& a) { return BindAdditive('-', a); }});
  registry.Register({"modulo", "a % b", [](const BindArguments& a) { return BindAdditive('%', a); }});
  // Spark's mod(a, b) is a % b (the sign follows a; pmod is the positive one).
  registry.Register({"mod", "mod(a, b)", [](const BindArguments& a) { return BindAdditive('%', a); }});
  registry.Alias("try_mod", "mod");  // NULL for a zero divisor, in ANSI mode too
  registry.Register({"multiply", "a * b", BindMultiply});
  registry.Register({"divide", "a / b", BindDivide});
  registry.Register({"negate", "-a", BindNegate});
  registry.Alias("negative", "negate");
  registry.Register({"positive", "positive(number)", BindPositive});
  registry.Register({"div", "a div b", BindIntegralDivide});
  registry.Register(TryArithmetic("try_add", "try_add(a, b)", "add", '+'));
  registry.Register(TryArithmetic("try_subtract", "try_subtract(a, b)", "subtract", '-'));
  registry.Register(TryArithmetic("try_multiply", "try_multiply(a, b)", "multiply", '*'));
  registry.Register(TryArithmetic("try_divide", "try_divide(a, b)", "divide", '/'));
}

}  // namespace sluice
