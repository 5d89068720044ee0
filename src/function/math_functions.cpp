// round, abs, floor, ceil, sqrt, power, ln, exp with Spark's semantics (round is HALF_UP).
#include <cmath>

#include "function/function_registry.h"
#include "function/kernel_loops.h"
#include <algorithm>

#include <fmt/format.h>

#include "types/decimal.h"

namespace sluice {
namespace {

Status ExpectNumber(std::string_view fn, const DataType& t) {
  // A string is cast to DOUBLE, as Spark's implicit casts do (non-numbers become NULL).
  if (t.IsNumeric() || t.IsStringLike() || t.id() == TypeId::kNull) return Status::OK();
  return Status::Invalid("{}() expects a number, found {}", fn, t.ToString());
}

double RoundHalfUp(double v, int scale) {
  // Through the decimal text, as Spark does (BigDecimal of the double): round(2.675, 2) = 2.68.
  auto d = ParseDecimal(fmt::format("{}", v), kMaxDecimalPrecision, std::max(0, scale));
  if (scale >= 0 && d) return static_cast<double>(*d) / PowerOfTen(scale);
  double p = std::pow(10.0, scale);
  return std::round(v * p) / p;
}

Result<BoundFunction> BindRound(const BindArguments& args) {
  if (args.types.empty() || args.types.size() > 2) {
    return Status::Invalid("round(number[, scale]) takes 1 or 2 arguments");
  }
  SLUICE_RETURN_NOT_OK(ExpectNumber("round", args.types[0]));
  int scale = 0;
  if (args.types.size() == 2) {
    if (!args.constants[1] || !args.types[1].IsInteger()) {
      return Status::Invalid("round(number, scale): scale must be an integer constant");
    }
    scale = static_cast<int>(args.constants[1]->int64());
  }
  DataType t = args.types[0].id() == TypeId::kNull || args.types[0].IsStringLike()
                   ? DataType::Float64()
                   : args.types[0];
  std::vector<DataType> arg_types{t};
  if (args.types.size() == 2) arg_types.push_back(args.types[1]);
  switch (t.id()) {
    case TypeId::kDecimal: {
      int to_scale = std::clamp(scale, 0, t.scale());
      int precision = std::min(kMaxDecimalPrecision, t.precision() - t.scale() + to_scale + 1);
      DataType r = DataType::Decimal(precision, to_scale);
      int from_scale = t.scale();
      // A negative scale rounds to tens, hundreds...: rescale down then back up.
      BoundFunction f{r, arg_types, nullptr};
      f.kernel = [from_scale, to_scale, scale, precision](const std::vector<VectorPtr>& a,
                                                          const KernelContext& ctx, Vector& out) {
        kernel::UnaryMaybe<int64_t, int64_t>(
            *a[0], ctx, out, [=](int64_t v) -> std::optional<int64_t> {
              if (scale >= 0) return RescaleDecimal(v, from_scale, to_scale, precision);
              auto coarse = RescaleDecimal(v, from_scale, 0, 18);
              if (!coarse) return std::nullopt;
              int64_t unit = PowerOfTen(-scale);
              int64_t q = *coarse / unit, rem = *coarse % unit;
              if ((rem < 0 ? -rem : rem) * 2 >= unit) q += *coarse < 0 ? -1 : 1;
              return q * unit;
            });
        return Status::OK();
      };
      return f;
    }
    case TypeId::kFloat64: {
      BoundFunction f{t, arg_types, nullptr};
      f.kernel = [scale](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
        kernel::Unary<double, double>(*a[0], ctx, out,
                                      [scale](double v) { return RoundHalfUp(v, scale); });
        return Status::OK();
      };
      return f;
    }
    default: {  // integers: only a negative scale changes them
      BoundFunction f{DataType::Int64(), {DataType::Int64()}, nullptr};
      if (args.types.size() == 2) f.arg_types.push_back(args.types[1]);
      f.kernel = [scale](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
        int64_t unit = scale >= 0 ? 1 : PowerOfTen(std::min(18, -scale));
        kernel::Unary<int64_t, int64_t>(*a[0], ctx, out, [unit](int64_t v) {
          if (unit == 1) return v;
          int64_t q = v / unit, rem = v % unit;
          if ((rem < 0 ? -rem : rem) * 2 >= unit) q += v < 0 ? -1 : 1;
          return q * unit;
        });
        return Status::OK();
      };
      return f;
    }
  }
}

Result<BoundFunction> BindAbs(const BindArguments& args) {
  if (args.types.size() != 1) return Status::Invalid("abs(number) takes 1 argument");
  SLUICE_RETURN_NOT_OK(ExpectNumber("abs", args.types[0]));
  DataType t = args.types[0].id() == TypeId::kNull || args.types[0].IsStringLike()
                   ? DataType::Float64()
                   : args.types[0];
  BoundFunction f{t, {t}, nullptr};
  f.kernel = [t](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    switch (t.id()) {
      case TypeId::kInt32:
        kernel::Unary<int32_t, int32_t>(*a[0], ctx, out, [](int32_t v) {
          return v < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(v)) : v;
        });
        break;
      case TypeId::kFloat64:
        kernel::Unary<double, double>(*a[0], ctx, out, [](double v) { return std::fabs(v); });
        break;
      default:
        kernel::Unary<int64_t, int64_t>(*a[0], ctx, out, [](int64_t v) {
          return v < 0 ? static_cast<int64_t>(0ull - static_cast<uint64_t>(v)) : v;
        });
    }
    return Status::OK();
  };
  return f;
}

// floor/ceil return BIGINT, as in Spark.
Result<BoundFunction> BindFloorCeil(bool is_floor, const BindArguments& args) {
  const char* name = is_floor ? "floor" : "ceil";
  if (args.types.size() != 1) return Status::Invalid("{}(number) takes 1 argument", name);
  SLUICE_RETURN_NOT_OK(ExpectNumber(name, args.types[0]));
  BoundFunction f{DataType::Int64(), {DataType::Float64()}, nullptr};
  if (args.types[0].IsInteger()) f.arg_types = {DataType::Int64()};
  bool integer = args.types[0].IsInteger();
  f.kernel = [is_floor, integer](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                 Vector& out) {
    if (integer) {
      kernel::Unary<int64_t, int64_t>(*a[0], ctx, out, [](int64_t v) { return v; });
    } else {
      kernel::UnaryMaybe<double, int64_t>(*a[0], ctx, out,
                                          [is_floor](double v) -> std::optional<int64_t> {
                                            double r = is_floor ? std::floor(v) : std::ceil(v);
                                            if (!(r >= -9.2e18 && r <= 9.2e18)) return std::nullopt;
                                            return static_cast<int64_t>(r);
                                          });
    }
    return Status::OK();
  };
  return f;
}

template <typename Op>
ScalarFunction DoubleFunction(const char* name, const char* signature, Op op) {
  return {name, signature, [name, op](const BindArguments& args) -> Result<BoundFunction> {
            if (args.types.size() != 1) return Status::Invalid("{}() takes 1 argument", name);
            SLUICE_RETURN_NOT_OK(ExpectNumber(name, args.types[0]));
            BoundFunction f{DataType::Float64(), {DataType::Float64()}, nullptr};
            f.kernel = [op](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                            Vector& out) {
              kernel::UnaryMaybe<double, double>(*a[0], ctx, out, op);
              return Status::OK();
            };
            return f;
          }};
}

Result<BoundFunction> BindPower(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("power(base, exponent) takes 2 arguments");
  SLUICE_RETURN_NOT_OK(ExpectNumber("power", args.types[0]));
  SLUICE_RETURN_NOT_OK(ExpectNumber("power", args.types[1]));
  BoundFunction f{DataType::Float64(), {DataType::Float64(), DataType::Float64()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::Binary<double, double, double>(*a[0], *a[1], ctx, out,
                                           [](double x, double y) { return std::pow(x, y); });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& registry) {
  registry.Register({"round", "round(number[, scale INT])", BindRound});
  registry.Register({"abs", "abs(number)", BindAbs});
  registry.Register(
      {"floor", "floor(number)", [](const BindArguments& a) { return BindFloorCeil(true, a); }});
  registry.Register(
      {"ceil", "ceil(number)", [](const BindArguments& a) { return BindFloorCeil(false, a); }});
  registry.Alias("ceiling", "ceil");
  registry.Register({"power", "power(base, exponent)", BindPower});
  registry.Alias("pow", "power");
  registry.Register(DoubleFunction("sqrt", "sqrt(number)", [](double v) -> std::optional<double> {
    return std::sqrt(v);  // NaN below zero, as Spark (only ln is NULL there)
  }));
  registry.Register(DoubleFunction("ln", "ln(number)", [](double v) -> std::optional<double> {
    if (v <= 0) return std::nullopt;
    return std::log(v);
  }));
  registry.Register(DoubleFunction("exp", "exp(number)",
                                   [](double v) -> std::optional<double> { return std::exp(v); }));
}

}  // namespace sluice
