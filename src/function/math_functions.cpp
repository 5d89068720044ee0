// round, abs, floor, ceil, sqrt, power, ln, exp with Spark's semantics (round is HALF_UP).
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

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

// round(double, scale) as Spark computes it: on the double's shortest decimal text (Java's
// BigDecimal of it), half up, then back to the nearest double; so round(2.675, 2) = 2.68 and no
// multiplication can overflow or blur the digits.
double RoundHalfUp(double v, int scale) {
  if (!std::isfinite(v)) return v;
  char text[400];
  auto [end, error] = std::to_chars(text, text + sizeof text, v, std::chars_format::fixed);
  if (error != std::errc()) return v;
  std::string digits(text, end);
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  size_t point = digits.find('.');
  if (point == std::string::npos) {
    point = digits.size();
    digits += '.';
  }
  std::string whole = digits.substr(0, point), fraction = digits.substr(point + 1);
  // Keep `scale` fraction digits (a negative scale keeps fewer whole digits), rounding half up
  // on the digit after them.
  std::string kept;
  int next_digit = 0;
  if (scale >= 0) {
    fraction.resize(std::max(fraction.size(), static_cast<size_t>(scale) + 1), '0');
    next_digit = fraction[static_cast<size_t>(scale)] - '0';
    kept = whole + fraction.substr(0, static_cast<size_t>(scale));
  } else {
    const size_t drop = static_cast<size_t>(-scale);
    if (drop > whole.size()) return 0.0;
    next_digit = whole[whole.size() - drop] - '0';
    kept = whole.substr(0, whole.size() - drop);
    if (kept.empty()) kept = "0";
  }
  if (next_digit >= 5) {  // add one to the last kept digit
    int i = static_cast<int>(kept.size()) - 1;
    while (i >= 0 && kept[static_cast<size_t>(i)] == '9') kept[static_cast<size_t>(i--)] = '0';
    if (i < 0) {
      kept.insert(kept.begin(), '1');
    } else {
      ++kept[static_cast<size_t>(i)];
    }
  }
  std::string result = kept;
  if (scale > 0) {
    result.insert(result.size() - static_cast<size_t>(scale), ".");
  } else if (scale < 0) {
    result.append(static_cast<size_t>(-scale), '0');
  }
  const double rounded = std::strtod(result.c_str(), nullptr);
  if (rounded == 0) return 0.0;  // BigDecimal has no negative zero
  return negative ? -rounded : rounded;
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
          // Near BIGINT's limits the rounded value does not fit: it wraps, as Spark's long does.
          return static_cast<int64_t>(static_cast<uint64_t>(q) * static_cast<uint64_t>(unit));
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

// floor/ceil as in Spark: BIGINT for integers and doubles (a double beyond BIGINT's range gives
// its limit and NaN gives 0, as Java's long conversion does), DECIMAL(p - s + 1, 0) for a
// DECIMAL, computed exactly on the unscaled value.
Result<BoundFunction> BindFloorCeil(bool is_floor, const BindArguments& args) {
  const char* name = is_floor ? "floor" : "ceil";
  if (args.types.size() != 1) return Status::Invalid("{}(number) takes 1 argument", name);
  SLUICE_RETURN_NOT_OK(ExpectNumber(name, args.types[0]));
  const DataType& t = args.types[0];
  if (t.id() == TypeId::kDecimal) {
    const int from_scale = t.scale();
    const int precision = std::min(kMaxDecimalPrecision, t.precision() - t.scale() + 1);
    BoundFunction f{DataType::Decimal(precision, 0), {t}, nullptr};
    f.kernel = [is_floor, from_scale](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                      Vector& out) {
      const int64_t unit = PowerOfTen(from_scale);
      kernel::Unary<int64_t, int64_t>(*a[0], ctx, out, [=](int64_t v) {
        int64_t q = v / unit;
        const int64_t rem = v % unit;
        if (is_floor && rem < 0) --q;
        if (!is_floor && rem > 0) ++q;
        return q;
      });
      return Status::OK();
    };
    return f;
  }
  BoundFunction f{DataType::Int64(), {DataType::Float64()}, nullptr};
  if (t.IsInteger()) f.arg_types = {DataType::Int64()};
  bool integer = t.IsInteger();
  f.kernel = [is_floor, integer](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                 Vector& out) {
    if (integer) {
      kernel::Unary<int64_t, int64_t>(*a[0], ctx, out, [](int64_t v) { return v; });
    } else {
      kernel::Unary<double, int64_t>(*a[0], ctx, out, [is_floor](double v) -> int64_t {
        const double r = is_floor ? std::floor(v) : std::ceil(v);
        if (std::isnan(r)) return 0;
        if (r >= 9.223372036854775807e18) return INT64_MAX;
        if (r <= -9.223372036854775808e18) return INT64_MIN;
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
