// round, bround, abs, floor, ceil, sqrt, cbrt, power, exp, the logarithms, trigonometry, sign,
// pmod, factorial, width_bucket and NaN tests with Spark's semantics (round is HALF_UP, bround
// HALF_EVEN; a logarithm of a number outside its domain is NULL).
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"
#include <algorithm>

#include <fmt/format.h>

#include "function/type_coercion.h"
#include "types/decimal.h"
#include "types/decimal_arithmetic.h"

namespace sluice {
namespace {

Status ExpectNumber(std::string_view fn, const DataType& t) {
  // A string is cast to DOUBLE, as Spark's implicit casts do (non-numbers become NULL).
  if (t.IsNumeric() || t.IsStringLike() || t.id() == TypeId::kNull) return Status::OK();
  return Status::Invalid("{}() expects a number, found {}", fn, t.ToString());
}

// round(double, scale) as Spark computes it: on the double's shortest decimal text (Java's
// BigDecimal of it), half up (bround: half even), then back to the nearest double; so
// round(2.675, 2) = 2.68 and no multiplication can overflow or blur the digits.
double RoundDecimalText(double v, int scale, bool half_even) {
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
  std::string_view rest;  // the digits after next_digit, for half even
  if (scale >= 0) {
    fraction.resize(std::max(fraction.size(), static_cast<size_t>(scale) + 1), '0');
    next_digit = fraction[static_cast<size_t>(scale)] - '0';
    rest = std::string_view(fraction).substr(static_cast<size_t>(scale) + 1);
    kept = whole + fraction.substr(0, static_cast<size_t>(scale));
  } else {
    const size_t drop = static_cast<size_t>(-scale);
    if (drop > whole.size()) return 0.0;
    next_digit = whole[whole.size() - drop] - '0';
    kept = whole.substr(0, whole.size() - drop);
    if (kept.empty()) kept = "0";
    // The dropped whole digits after next_digit and the fraction, as one run of digits.
    rest = std::string_view(whole).substr(whole.size() - drop + 1);
    if (rest.find_first_not_of('0') == std::string_view::npos) rest = fraction;
  }
  bool round_up = next_digit > 5 || (next_digit == 5 && !half_even);
  if (next_digit == 5 && half_even) {
    const bool tail = rest.find_first_not_of('0') != std::string_view::npos;
    round_up = tail || (kept.back() - '0') % 2 == 1;
  }
  if (round_up) IncrementDigits(kept);
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

// v / unit rounded to an integer, half up or half even.
template <typename T>  // int64_t, or Int128 for decimals
T RoundQuotient(T v, T unit, bool half_even) {
  if (unit == 1) return v;
  T q = v / unit;
  const T rem = v % unit;
  const T magnitude = rem < 0 ? -rem : rem;
  // Compared as rem against unit - rem: twice the remainder could overflow.
  if (magnitude > unit - magnitude ||
      (magnitude == unit - magnitude && (!half_even || q % 2 != 0))) {
    q += v < 0 ? -1 : 1;
  }
  return q;
}

// round(number[, scale]) (half up) and bround (half even): a DECIMAL keeps its type with the
// scale cut to `scale`; integers stay integers (only a negative scale changes them); anything
// else is rounded as a DOUBLE.
Result<BoundFunction> BindRound(const BindArguments& args, bool half_even) {
  const char* name = half_even ? "bround" : "round";
  if (args.types.empty() || args.types.size() > 2) {
    return Status::Invalid("{}(number[, scale]) takes 1 or 2 arguments", name);
  }
  SLUICE_RETURN_NOT_OK(ExpectNumber(name, args.types[0]));
  int scale = 0;
  if (args.types.size() == 2) {
    if (!args.constants[1] || !args.types[1].IsInteger()) {
      return Status::Invalid("{}(number, scale): scale must be an integer constant", name);
    }
    scale = static_cast<int>(std::clamp<int64_t>(args.constants[1]->int64(), -40, 40));
  }
  DataType t = args.types[0].id() == TypeId::kNull || args.types[0].IsStringLike()
                   ? DataType::Float64()
                   : args.types[0];
  std::vector<DataType> arg_types{t};
  if (args.types.size() == 2) arg_types.push_back(args.types[1]);
  switch (t.id()) {
    case TypeId::kDecimal: {
      const int to_scale = std::clamp(scale, 0, t.scale());
      const int precision = std::min(kMaxDecimalPrecision, t.precision() - t.scale() + to_scale + 1);
      const int from_scale = t.scale();
      BoundFunction f{DataType::Decimal(precision, to_scale), arg_types, nullptr};
      f.kernel = [=](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
        // A negative scale rounds to tens, hundreds...: round to the unit, then scale back up.
        const int drop = from_scale - (scale >= 0 ? to_scale : scale);
        const Int128 unit = drop > kMaxDecimalPrecision ? 0 : PowerOfTen(drop);
        const Int128 back = scale >= 0 ? 1 : PowerOfTen(std::min(kMaxDecimalPrecision, -scale));
        kernel::UnaryMaybe<Int128, Int128>(*a[0], ctx, out, [=](Int128 v) -> std::optional<Int128> {
          if (unit == 0) return Int128{0};
          Int128 rounded;
          if (__builtin_mul_overflow(RoundQuotient(v, unit, half_even), back, &rounded) ||
              !FitsPrecision(rounded, precision)) {
            return std::nullopt;
          }
          return rounded;
        });
        return Status::OK();
      };
      return f;
    }
    case TypeId::kFloat64: {
      BoundFunction f{t, arg_types, nullptr};
      f.kernel = [=](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
        kernel::Unary<double, double>(*a[0], ctx, out, [=](double v) {
          return RoundDecimalText(v, scale, half_even);
        });
        return Status::OK();
      };
      return f;
    }
    default: {  // integers keep their type; only a negative scale changes them
      const bool narrow = t.id() == TypeId::kInt32;
      BoundFunction f{narrow ? DataType::Int32() : DataType::Int64(), {DataType::Int64()}, nullptr};
      if (args.types.size() == 2) f.arg_types.push_back(args.types[1]);
      f.kernel = [=](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
        const int64_t unit =
            scale >= 0 ? 1 : -scale > 18 ? 0 : static_cast<int64_t>(PowerOfTen(-scale));
        auto round = [=](int64_t v) {
          if (unit == 0) return int64_t{0};
          const int64_t q = RoundQuotient<int64_t>(v, unit, half_even);
          // A rounded value beyond the type's limits wraps, as Spark's intValue/long do.
          return static_cast<int64_t>(static_cast<uint64_t>(q) * static_cast<uint64_t>(unit));
        };
        if (narrow) {
          kernel::Unary<int64_t, int32_t>(*a[0], ctx, out,
                                          [&](int64_t v) { return static_cast<int32_t>(round(v)); });
        } else {
          kernel::Unary<int64_t, int64_t>(*a[0], ctx, out, round);
        }
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
      case TypeId::kDecimal:  // |v| < 10^38: no overflow
        kernel::Unary<Int128, Int128>(*a[0], ctx, out, [](Int128 v) { return v < 0 ? -v : v; });
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
// floor/ceil(number, scale) as Spark's RoundFloor/RoundCeil: the number as a DECIMAL (a DOUBLE
// as DECIMAL(30, 15), so one beyond it is NULL), rounded down/up to `scale` digits (tens,
// hundreds... when negative), typed DECIMAL(min(p + 1, 38), max(0, min(scale, s))).
Result<BoundFunction> BindFloorCeilToScale(bool is_floor, const BindArguments& args) {
  const char* name = is_floor ? "floor" : "ceil";
  if (!args.constants[1] || args.constants[1]->is_null() || !args.types[1].IsInteger()) {
    return Status::Invalid("{}(number, scale): scale must be an integer constant", name);
  }
  const int64_t scale_arg = args.constants[1]->int64();
  if (scale_arg < -38 || scale_arg > 38) {
    return Status::Invalid("{}(number, scale): scale must be between -38 and 38, found {}", name,
                           scale_arg);
  }
  const int scale = static_cast<int>(scale_arg);
  const DataType& t = args.types[0];
  DataType input = t.id() == TypeId::kDecimal ? t
                   : t.id() == TypeId::kInt32  ? DataType::Decimal(10, 0)
                   : t.id() == TypeId::kInt64  ? DataType::Decimal(20, 0)
                                               : DataType::Decimal(30, 15);
  const int from_scale = input.scale();
  const int to_scale = scale < 0 ? 0 : std::min(scale, from_scale);
  const int precision = std::min(kMaxDecimalPrecision, input.precision() + 1);
  BoundFunction f{DataType::Decimal(precision, to_scale), {input, args.types[1]}, nullptr};
  f.kernel = [=](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const int drop = from_scale - (scale >= 0 ? to_scale : scale);  // digits cut off, >= 0
    const int up = scale >= 0 ? 0 : -scale;                          // zeros put back
    kernel::UnaryMaybe<Int128, Int128>(*a[0], ctx, out, [=](Int128 v) -> std::optional<Int128> {
      Int128 q = 0;
      Int128 rem = v;
      if (drop <= kMaxDecimalPrecision) {
        const Int128 unit = PowerOfTen(drop);
        q = v / unit;
        rem = v % unit;
      }
      if (is_floor && rem < 0) --q;
      if (!is_floor && rem > 0) ++q;
      Int128 rounded;
      if (__builtin_mul_overflow(q, PowerOfTen(std::min(up, kMaxDecimalPrecision)), &rounded) ||
          !FitsPrecision(rounded, precision)) {
        return std::nullopt;
      }
      return rounded;
    });
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindFloorCeil(bool is_floor, const BindArguments& args) {
  const char* name = is_floor ? "floor" : "ceil";
  if (args.types.empty() || args.types.size() > 2) {
    return Status::Invalid("{}(number[, scale]) takes 1 or 2 arguments", name);
  }
  SLUICE_RETURN_NOT_OK(ExpectNumber(name, args.types[0]));
  if (args.types.size() == 2) return BindFloorCeilToScale(is_floor, args);
  const DataType& t = args.types[0];
  if (t.id() == TypeId::kDecimal) {
    const int from_scale = t.scale();
    const int precision = std::min(kMaxDecimalPrecision, t.precision() - t.scale() + 1);
    BoundFunction f{DataType::Decimal(precision, 0), {t}, nullptr};
    f.kernel = [is_floor, from_scale](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                      Vector& out) {
      const Int128 unit = PowerOfTen(from_scale);
      kernel::Unary<Int128, Int128>(*a[0], ctx, out, [=](Int128 v) {
        Int128 q = v / unit;
        const Int128 rem = v % unit;
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

// A function of two numbers as DOUBLEs (atan2, log with a base, hypot).
template <typename Op>
ScalarFunction Double2Function(const char* name, const char* signature, Op op) {
  return {name, signature, [name, signature, op](const BindArguments& args) -> Result<BoundFunction> {
            if (args.types.size() != 2) return Status::Invalid("{} takes 2 arguments", signature);
            SLUICE_RETURN_NOT_OK(ExpectNumber(name, args.types[0]));
            SLUICE_RETURN_NOT_OK(ExpectNumber(name, args.types[1]));
            BoundFunction f{DataType::Float64(), {DataType::Float64(), DataType::Float64()}, nullptr};
            f.kernel = [op](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              kernel::BinaryMaybe<double, double, double>(*a[0], *a[1], ctx, out, op);
              return Status::OK();
            };
            return f;
          }};
}

// A constant of no arguments (pi(), e()).
ScalarFunction DoubleConstant(const char* name, const char* signature, double value) {
  return {name, signature, [name, value](const BindArguments& args) -> Result<BoundFunction> {
            if (!args.types.empty()) return Status::Invalid("{}() takes no arguments", name);
            BoundFunction f{DataType::Float64(), {}, nullptr};
            f.kernel = [value](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
              out.Resize(ctx.num_rows);
              std::fill(out.data<double>(), out.data<double>() + ctx.num_rows, value);
              return Status::OK();
            };
            return f;
          }};
}

// log(x) is ln(x); log(base, x) is ln(x) / ln(base); NULL where either is not positive.
Result<BoundFunction> BindLog(const BindArguments& args) {
  if (args.types.size() == 1) {
    return FunctionRegistry::Builtin().Find("ln")->bind(args);
  }
  static const ScalarFunction with_base = Double2Function(
      "log", "log([base, ]x)", [](double base, double x) -> std::optional<double> {
        if (base <= 0 || x <= 0) return std::nullopt;
        return std::log(x) / std::log(base);
      });
  return with_base.bind(args);
}

// The integer type two integer arguments share (INT unless one is BIGINT).
DataType IntegerResult(const DataType& a, const DataType& b) {
  const bool narrow = [](const DataType& t) {
    return t.id() == TypeId::kInt32 || t.id() == TypeId::kNull;
  }(a) && (b.id() == TypeId::kInt32 || b.id() == TypeId::kNull);
  return narrow ? DataType::Int32() : DataType::Int64();
}

// pmod(a, n): the remainder made non-negative for a positive n, as Spark; NULL for n = 0.
// bit_get(x, pos): bit `pos` of an integer (0 the lowest) as 0 or 1; NULL for a position outside
// the type's bits (where Spark raises).
Result<BoundFunction> BindBitGet(const BindArguments& args) {
  if (args.types.size() != 2 || !args.types[0].IsInteger() || !args.types[1].IsInteger()) {
    return Status::Invalid("bit_get(x, pos) takes two integers");
  }
  const int bits = args.types[0].id() == TypeId::kInt32 ? 32 : 64;
  BoundFunction f{DataType::Int32(), {DataType::Int64(), DataType::Int64()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>(
      [bits](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
        const int64_t pos = fnutil::IntAt(*a[1], row);
        if (pos < 0 || pos >= bits) return std::nullopt;
        return static_cast<int32_t>((static_cast<uint64_t>(fnutil::IntAt(*a[0], row)) >> pos) & 1);
      });
  return f;
}

Result<BoundFunction> BindPmod(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("pmod(a, n) takes 2 arguments");
  SLUICE_RETURN_NOT_OK(ExpectNumber("pmod", args.types[0]));
  SLUICE_RETURN_NOT_OK(ExpectNumber("pmod", args.types[1]));
  const bool integers = (args.types[0].IsInteger() || args.types[0].id() == TypeId::kNull) &&
                        (args.types[1].IsInteger() || args.types[1].id() == TypeId::kNull);
  const Value* c0 = args.constants.size() > 0 ? args.constants[0] : nullptr;
  const Value* c1 = args.constants.size() > 1 ? args.constants[1] : nullptr;
  const std::optional<DataType> remainder = ArithmeticResultType('%', args.types[0], args.types[1], c0, c1);
  if (!integers && remainder && remainder->id() == TypeId::kDecimal) {
    // Decimals stay exact, typed as their remainder (Spark's Pmod): r = a % n, then (r + n) % n
    // when r is negative.
    const DataType da = AsDecimal(args.types[0], c0), dn = AsDecimal(args.types[1], c1);
    const DataType r = *remainder;
    BoundFunction f{r, {da, dn}, nullptr};
    f.kernel = [r, sa = da.scale(), sn = dn.scale()](const std::vector<VectorPtr>& a,
                                                    const KernelContext& ctx, Vector& out) {
      kernel::BinaryMaybe<Int128, Int128, Int128>(
          *a[0], *a[1], ctx, out, [&](Int128 x, Int128 n) -> std::optional<Int128> {
            std::optional<Int128> rem = RemainderDecimal(x, sa, n, sn, kMaxDecimalPrecision);
            if (!rem || *rem >= 0) {
              if (rem && !FitsPrecision(*rem, r.precision())) return std::nullopt;
              return rem;
            }
            const std::optional<Int128> sum =
                AddDecimal(*rem, r.scale(), n, sn, false, r.scale(), kMaxDecimalPrecision);
            if (!sum) return std::nullopt;
            return RemainderDecimal(*sum, r.scale(), n, sn, r.precision());
          });
      return Status::OK();
    };
    return f;
  }
  if (!integers) {
    BoundFunction f{DataType::Float64(), {DataType::Float64(), DataType::Float64()}, nullptr};
    f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
      kernel::BinaryMaybe<double, double, double>(
          *a[0], *a[1], ctx, out, [](double x, double n) -> std::optional<double> {
            if (n == 0) return std::nullopt;
            const double r = std::fmod(x, n);
            return r < 0 ? std::fmod(r + n, n) : r;
          });
      return Status::OK();
    };
    return f;
  }
  const DataType result = IntegerResult(args.types[0], args.types[1]);
  BoundFunction f{result, {DataType::Int64(), DataType::Int64()}, nullptr};
  const bool narrow = result.id() == TypeId::kInt32;
  f.kernel = [narrow](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    auto pmod = [](int64_t x, int64_t n) -> std::optional<int64_t> {
      if (n == 0) return std::nullopt;
      if (n == -1) return 0;  // INT64_MIN % -1 traps
      const int64_t r = x % n;
      return r < 0 ? (r + n) % n : r;
    };
    if (narrow) {
      kernel::BinaryMaybe<int64_t, int64_t, int32_t>(
          *a[0], *a[1], ctx, out, [&](int64_t x, int64_t n) -> std::optional<int32_t> {
            auto r = pmod(x, n);
            if (!r) return std::nullopt;
            return static_cast<int32_t>(*r);
          });
    } else {
      kernel::BinaryMaybe<int64_t, int64_t, int64_t>(*a[0], *a[1], ctx, out, pmod);
    }
    return Status::OK();
  };
  return f;
}

// factorial(n) for 0 <= n <= 20 as BIGINT; NULL otherwise (21! does not fit).
Result<BoundFunction> BindFactorial(const BindArguments& args) {
  if (args.types.size() != 1) return Status::Invalid("factorial(n) takes 1 argument");
  if (!args.types[0].IsInteger() && args.types[0].id() != TypeId::kNull) {
    return Status::Invalid("factorial(n) expects an integer, found {}", args.types[0].ToString());
  }
  BoundFunction f{DataType::Int64(), {DataType::Int64()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::UnaryMaybe<int64_t, int64_t>(*a[0], ctx, out, [](int64_t n) -> std::optional<int64_t> {
      if (n < 0 || n > 20) return std::nullopt;
      int64_t r = 1;
      for (int64_t i = 2; i <= n; ++i) r *= i;
      return r;
    });
    return Status::OK();
  };
  return f;
}

// isnan(x): true only for NaN (false for NULL, as Spark).
Result<BoundFunction> BindIsNan(const BindArguments& args) {
  if (args.types.size() != 1) return Status::Invalid("isnan(x) takes 1 argument");
  SLUICE_RETURN_NOT_OK(ExpectNumber("isnan", args.types[0]));
  BoundFunction f{DataType::Boolean(), {DataType::Float64()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    uint8_t* o = out.data<uint8_t>();
    kernel::ForEachLive(ctx, [&](size_t row) {
      o[row] = !a[0]->IsNull(row) && std::isnan(a[0]->data<double>()[row]) ? 1 : 0;
    });
    return Status::OK();
  };
  return f;
}

// nanvl(a, b): a unless it is NaN, then b.
Result<BoundFunction> BindNanvl(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("nanvl(a, b) takes 2 arguments");
  SLUICE_RETURN_NOT_OK(ExpectNumber("nanvl", args.types[0]));
  SLUICE_RETURN_NOT_OK(ExpectNumber("nanvl", args.types[1]));
  BoundFunction f{DataType::Float64(), {DataType::Float64(), DataType::Float64()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    double* o = out.data<double>();
    kernel::ForEachLive(ctx, [&](size_t row) {
      const bool first_nan = !a[0]->IsNull(row) && std::isnan(a[0]->data<double>()[row]);
      const Vector& pick = first_nan ? *a[1] : *a[0];
      if (pick.IsNull(row)) {
        out.SetNull(row);
      } else {
        o[row] = pick.data<double>()[row];
      }
    });
    return Status::OK();
  };
  return f;
}

// width_bucket(v, min, max, n): the 1-based bucket of v among n equal buckets over [min, max)
// (0 below, n + 1 above; min > max counts down), NULL for n <= 0, min = max or a NaN, as Spark.
Result<BoundFunction> BindWidthBucket(const BindArguments& args) {
  if (args.types.size() != 4) return Status::Invalid("width_bucket(value, min, max, num_buckets) takes 4 arguments");
  for (size_t i = 0; i < 3; ++i) SLUICE_RETURN_NOT_OK(ExpectNumber("width_bucket", args.types[i]));
  if (!args.types[3].IsInteger() && args.types[3].id() != TypeId::kNull) {
    return Status::Invalid("width_bucket: num_buckets must be an integer, found {}", args.types[3].ToString());
  }
  BoundFunction f{DataType::Int64(),
                  {DataType::Float64(), DataType::Float64(), DataType::Float64(), DataType::Int64()},
                  nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    fnutil::RowMaybe<int64_t>(a, ctx, out, [&](size_t row) -> std::optional<int64_t> {
      const double v = a[0]->data<double>()[row], lo = a[1]->data<double>()[row],
                   hi = a[2]->data<double>()[row];
      const int64_t n = a[3]->data<int64_t>()[row];
      if (n <= 0 || n == INT64_MAX || lo == hi || std::isnan(v) || std::isnan(lo) ||
          std::isnan(hi) || !std::isfinite(lo) || !std::isfinite(hi)) {
        return std::nullopt;
      }
      if (lo < hi) {
        if (v < lo) return 0;
        if (v >= hi) return n + 1;
        return static_cast<int64_t>(static_cast<double>(n) * (v - lo) / (hi - lo)) + 1;
      }
      if (v > lo) return 0;
      if (v <= hi) return n + 1;
      return static_cast<int64_t>(static_cast<double>(n) * (lo - v) / (lo - hi)) + 1;
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& registry) {
  registry.Register({"round", "round(number[, scale INT])",
                     [](const BindArguments& a) { return BindRound(a, false); }});
  registry.Register({"bround", "bround(number[, scale INT])",
                     [](const BindArguments& a) { return BindRound(a, true); }});
  registry.Register({"abs", "abs(number)", BindAbs});
  registry.Register(
      {"floor", "floor(number[, scale INT])", [](const BindArguments& a) { return BindFloorCeil(true, a); }});
  registry.Register(
      {"ceil", "ceil(number[, scale INT])", [](const BindArguments& a) { return BindFloorCeil(false, a); }});
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
  registry.Register(DoubleFunction("expm1", "expm1(number)",
                                   [](double v) -> std::optional<double> { return std::expm1(v); }));
  // Java's Math.rint: the nearest integer, ties to even, as a DOUBLE.
  registry.Register(DoubleFunction("rint", "rint(number)",
                                   [](double v) -> std::optional<double> { return std::nearbyint(v); }));
  registry.Register(DoubleFunction("cbrt", "cbrt(number)", [](double v) -> std::optional<double> {
    // glibc's cbrt can be an ulp off (cbrt(-27) = -3.0000000000000004); one Newton step in
    // extended precision rounds it as Java's does.
    const double r = std::cbrt(v);
    if (!std::isfinite(r) || r == 0) return r;
    const long double x = r;
    return static_cast<double>(x - (x * x * x - v) / (3 * x * x));
  }));
  registry.Register({"log", "log([base, ]x)", BindLog});
  registry.Register(DoubleFunction("log10", "log10(x)", [](double v) -> std::optional<double> {
    if (v <= 0) return std::nullopt;
    return std::log10(v);
  }));
  registry.Register(DoubleFunction("log2", "log2(x)", [](double v) -> std::optional<double> {
    if (v <= 0) return std::nullopt;
    return std::log(v) / std::log(2.0);  // Spark's formula, not log2(): the last bit differs
  }));
  registry.Register(DoubleFunction("log1p", "log1p(x)", [](double v) -> std::optional<double> {
    if (v <= -1) return std::nullopt;
    return std::log1p(v);
  }));
  using Unary = double (*)(double);
  struct Named {
    const char* name;
    const char* signature;
    Unary op;
  };
  static const Named kTrigonometry[] = {
      {"sin", "sin(radians)", [](double v) { return std::sin(v); }},
      {"cos", "cos(radians)", [](double v) { return std::cos(v); }},
      {"tan", "tan(radians)", [](double v) { return std::tan(v); }},
      {"cot", "cot(radians)", [](double v) { return 1.0 / std::tan(v); }},
      {"sec", "sec(radians)", [](double v) { return 1.0 / std::cos(v); }},
      {"csc", "csc(radians)", [](double v) { return 1.0 / std::sin(v); }},
      {"asin", "asin(x)", [](double v) { return std::asin(v); }},
      {"acos", "acos(x)", [](double v) { return std::acos(v); }},
      {"atan", "atan(x)", [](double v) { return std::atan(v); }},
      {"sinh", "sinh(x)", [](double v) { return std::sinh(v); }},
      {"cosh", "cosh(x)", [](double v) { return std::cosh(v); }},
      {"tanh", "tanh(x)", [](double v) { return std::tanh(v); }},
      {"asinh", "asinh(x)", [](double v) { return std::asinh(v); }},
      {"acosh", "acosh(x)", [](double v) { return std::acosh(v); }},
      {"atanh", "atanh(x)", [](double v) { return std::atanh(v); }},
      // Java's Math.toDegrees/toRadians multiply by these constants.
      {"degrees", "degrees(radians)", [](double v) { return v * 57.29577951308232; }},
      {"radians", "radians(degrees)", [](double v) { return v * 0.017453292519943295; }},
      // Math.signum: -1.0, 0.0 (keeping -0.0), 1.0 or NaN, as a DOUBLE for every input type.
      {"signum", "signum(number)",
       [](double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v; }},
  };
  for (const Named& f : kTrigonometry) {
    Unary op = f.op;
    registry.Register(DoubleFunction(f.name, f.signature,
                                     [op](double v) -> std::optional<double> { return op(v); }));
  }
  registry.Alias("sign", "signum");
  registry.Register(Double2Function("atan2", "atan2(y, x)",
                                    [](double y, double x) -> std::optional<double> {
                                      return std::atan2(y + 0.0, x + 0.0);  // Spark: no -0.0
                                    }));
  registry.Register(Double2Function("hypot", "hypot(a, b)",
                                    [](double x, double y) -> std::optional<double> {
                                      return std::hypot(x, y);
                                    }));
  registry.Register(DoubleConstant("pi", "pi()", 3.141592653589793));
  registry.Register(DoubleConstant("e", "e()", 2.718281828459045));
  registry.Register({"pmod", "pmod(a, n)", BindPmod});
  registry.Register({"bit_get", "bit_get(x, pos)", BindBitGet});
  registry.Alias("getbit", "bit_get");
  registry.Register({"factorial", "factorial(n)", BindFactorial});
  registry.Register({"isnan", "isnan(x)", BindIsNan});
  registry.Register({"nanvl", "nanvl(a, b)", BindNanvl});
  registry.Register({"width_bucket", "width_bucket(value, min, max, num_buckets)", BindWidthBucket});
}

}  // namespace sluice
