#include "function/interval_arithmetic.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "function/cast.h"
#include "function/kernel_loops.h"
#include "function/type_coercion.h"
#include "types/decimal.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

bool IsTime(const DataType& t) { return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp; }
bool IsYearMonth(const DataType& t) { return t.id() == TypeId::kYearMonthInterval; }
// INTERVAL DAY: Spark adds it to a DATE as whole days, giving a DATE.
bool IsDaysOnly(const DataType& t) {
  return t.id() == TypeId::kInterval && t.end_field() == DataType::kDay;
}

std::string Overflow(const std::vector<VectorPtr>& a, size_t row, char op) {
  return fmt::format("[INTERVAL_ARITHMETIC_OVERFLOW] {} {} {} is beyond the interval's range",
                     CastToText(*a[0], row), op, CastToText(*a[1], row));
}

std::optional<int32_t> ToInt32(int64_t v) {
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<int32_t>(v);
}

// A TIMESTAMP moved by calendar months, its time of day kept (UTC).
std::optional<int64_t> AddMonthsToTimestamp(int64_t micros, int64_t months) {
  const int64_t day = FloorDiv(micros, kMicrosPerDay);
  std::optional<int32_t> moved = AddMonthsToDate(static_cast<int32_t>(day), months);
  if (!moved) return std::nullopt;
  return int64_t{*moved} * kMicrosPerDay + (micros - day * kMicrosPerDay);
}

// TIMESTAMP - TIMESTAMP and DATE - DATE.
Result<BoundFunction> BindTimeDifference(const DataType& a, const DataType& b) {
  if (a.id() == TypeId::kDate && b.id() == TypeId::kDate) {
    BoundFunction f{DataType::Interval(DataType::kDay, DataType::kDay),
                    {DataType::Date(), DataType::Date()}, nullptr};
    f.kernel = [](const std::vector<VectorPtr>& v, const KernelContext& ctx, Vector& out) {
      kernel::Binary<int32_t, int32_t, int64_t>(*v[0], *v[1], ctx, out, [](int32_t x, int32_t y) {
        return (int64_t{x} - y) * kMicrosPerDay;
      });
      return Status::OK();
    };
    return f;
  }
  // A DATE counts from its midnight.
  BoundFunction f{DataType::Interval(), {DataType::Timestamp(), DataType::Timestamp()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& v, const KernelContext& ctx, Vector& out) {
    kernel::Binary<int64_t, int64_t, int64_t>(*v[0], *v[1], ctx, out, [](int64_t x, int64_t y) {
      return static_cast<int64_t>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
    });
    return Status::OK();
  };
  return f;
}

// DATE/TIMESTAMP ± interval; `time_at` is the time's argument index (the other is the interval).
Result<BoundFunction> BindTimePlusInterval(char op, const DataType& time, const DataType& interval,
                                           size_t time_at) {
  const size_t interval_at = 1 - time_at;
  const int64_t sign = op == '-' ? -1 : 1;
  auto args_in_order = [&](DataType t, DataType i) {
    std::vector<DataType> types(2);
    types[time_at] = std::move(t);
    types[interval_at] = std::move(i);
    return types;
  };
  if (IsYearMonth(interval)) {
    const bool date = time.id() == TypeId::kDate;
    BoundFunction f{time, args_in_order(time, interval), nullptr};
    f.kernel = [=](const std::vector<VectorPtr>& v, const KernelContext& ctx, Vector& out) {
      auto reason = [&](size_t row) {
        return fmt::format("[DATETIME_OVERFLOW] {} {} {} is beyond the supported dates",
                           CastToText(*v[0], row), op, CastToText(*v[1], row));
      };
      if (date) {
        kernel::EachOrRaise<int32_t>(v, ctx, out, [&](size_t row) {
          return AddMonthsToDate(v[time_at]->Get<int32_t>(row),
                                 sign * v[interval_at]->Get<int32_t>(row));
        }, reason);
      } else {
        kernel::EachOrRaise<int64_t>(v, ctx, out, [&](size_t row) {
          return AddMonthsToTimestamp(v[time_at]->Get<int64_t>(row),
                                      sign * v[interval_at]->Get<int32_t>(row));
        }, reason);
      }
      return Status::OK();
    };
    return f;
  }
  if (time.id() == TypeId::kDate && IsDaysOnly(interval)) {
    BoundFunction f{DataType::Date(), args_in_order(DataType::Date(), interval), nullptr};
    f.kernel = [=](const std::vector<VectorPtr>& v, const KernelContext& ctx, Vector& out) {
      kernel::EachOrRaise<int32_t>(v, ctx, out, [&](size_t row) {
        return ToInt32(v[time_at]->Get<int32_t>(row) +
                       sign * (v[interval_at]->Get<int64_t>(row) / kMicrosPerDay));
      }, [&](size_t row) {
        return fmt::format("[DATETIME_OVERFLOW] {} {} {} is beyond the supported dates",
                           CastToText(*v[0], row), op, CastToText(*v[1], row));
      });
      return Status::OK();
    };
    return f;
  }
  // A DATE with hours, minutes or seconds becomes the TIMESTAMP of its midnight.
  BoundFunction f{DataType::Timestamp(), args_in_order(DataType::Timestamp(), interval), nullptr};
  f.kernel = [=](const std::vector<VectorPtr>& v, const KernelContext& ctx, Vector& out) {
    kernel::Binary<int64_t, int64_t, int64_t>(*v[0], *v[1], ctx, out, [&](int64_t x, int64_t y) {
      const uint64_t delta = static_cast<uint64_t>(time_at == 0 ? y : x);
      const uint64_t t = static_cast<uint64_t>(time_at == 0 ? x : y);
      return static_cast<int64_t>(sign < 0 ? t - delta : t + delta);
    });
    return Status::OK();
  };
  return f;
}

// interval ± interval of the same kind.
Result<BoundFunction> BindIntervalSum(char op, const DataType& a, const DataType& b) {
  const DataType result = WiderInterval(a, b);
  BoundFunction f{result, {a, b}, nullptr};
  f.kernel = [op, year_month = IsYearMonth(a)](const std::vector<VectorPtr>& v,
                                               const KernelContext& ctx, Vector& out) {
    auto reason = [&](size_t row) { return Overflow(v, row, op); };
    if (year_month) {
      kernel::EachOrRaise<int32_t>(v, ctx, out, [&](size_t row) {
        const int64_t x = v[0]->Get<int32_t>(row), y = v[1]->Get<int32_t>(row);
        return ToInt32(op == '-' ? x - y : x + y);
      }, reason);
    } else {
      kernel::EachOrRaise<int64_t>(v, ctx, out, [&](size_t row) -> std::optional<int64_t> {
        int64_t r;
        const int64_t x = v[0]->Get<int64_t>(row), y = v[1]->Get<int64_t>(row);
        if (op == '-' ? __builtin_sub_overflow(x, y, &r) : __builtin_add_overflow(x, y, &r)) {
          return std::nullopt;
        }
        return r;
      }, reason);
    }
    return Status::OK();
  };
  return f;
}

}  // namespace

std::optional<Result<BoundFunction>> BindIntervalAdditive(char op, const BindArguments& args) {
  const DataType& a = args.types[0];
  const DataType& b = args.types[1];
  if (op == '-' && IsTime(a) && IsTime(b)) return BindTimeDifference(a, b);
  if (!a.IsInterval() && !b.IsInterval()) return std::nullopt;
  if (op != '%') {
    if (IsTime(a) && b.IsInterval()) return BindTimePlusInterval(op, a, b, 0);
    if (op == '+' && a.IsInterval() && IsTime(b)) return BindTimePlusInterval(op, b, a, 1);
    if (a.IsInterval() && a.id() == b.id()) return BindIntervalSum(op, a, b);
    // A bare NULL takes the interval's type.
    if (a.IsInterval() && b.id() == TypeId::kNull) return BindIntervalSum(op, a, a);
    if (b.IsInterval() && a.id() == TypeId::kNull) return BindIntervalSum(op, b, b);
  }
  return Result<BoundFunction>(Status::Invalid(
      "operator {} is not defined for {} and {}: intervals add to and subtract from intervals "
      "of their kind (day-time or year-month), DATEs and TIMESTAMPs",
      op, a.ToString(), b.ToString()));
}

std::optional<Result<BoundFunction>> BindIntervalScaling(char op, const BindArguments& args) {
  const DataType& a = args.types[0];
  const DataType& b = args.types[1];
  if (!a.IsInterval() && !b.IsInterval()) return std::nullopt;
  const size_t interval_at = a.IsInterval() ? 0 : 1;
  const DataType& interval = args.types[interval_at];
  DataType number = ArithmeticOperandType(args.types[1 - interval_at]);
  if (number.id() == TypeId::kNull) number = DataType::Int64();
  if ((op == '/' && interval_at == 1) || !number.IsNumeric()) {
    return Result<BoundFunction>(Status::Invalid(
        "operator {} is not defined for {} and {}: an interval can be multiplied by a number "
        "and divided by one",
        op, a.ToString(), b.ToString()));
  }
  if (number.IsInteger()) number = DataType::Int64();
  const bool year_month = IsYearMonth(interval);
  const DataType result = year_month ? DataType::YearMonthInterval() : DataType::Interval();
  std::vector<DataType> types(2);
  types[interval_at] = interval;
  types[1 - interval_at] = number;
  BoundFunction f{result, types, nullptr};
  f.kernel = [=](const std::vector<VectorPtr>& v, const KernelContext& ctx, Vector& out) {
    const Vector& x = *v[interval_at];
    const Vector& n = *v[1 - interval_at];
    auto reason = [&](size_t row) {
      const bool by_zero = op == '/' && (number.id() == TypeId::kInt64 ? n.Get<int64_t>(row) == 0
                                         : number.id() == TypeId::kFloat64
                                             ? n.Get<double>(row) == 0
                                             : n.Get<Int128>(row) == 0);
      if (by_zero) {
        return fmt::format("[INTERVAL_DIVIDED_BY_ZERO] {} / 0: an interval divided by zero",
                           CastToText(x, row));
      }
      return Overflow(v, row, op);
    };
    // The exact result in months or microseconds, rounded half up; nullopt beyond the range.
    auto compute = [&](size_t row) -> std::optional<int64_t> {
      const int64_t value = year_month ? x.Get<int32_t>(row) : x.Get<int64_t>(row);
      Int128 exact;
      if (number.id() == TypeId::kFloat64) {
        const double d = n.Get<double>(row);
        const double r = std::round(op == '*' ? static_cast<double>(value) * d
                                              : static_cast<double>(value) / d);
        // 2^63: the doubles below it convert exactly.
        if (!std::isfinite(r) || std::fabs(r) >= 9223372036854775808.0) return std::nullopt;
        exact = static_cast<int64_t>(r);
      } else {
        const Int128 p = number.id() == TypeId::kInt64 ? Int128{n.Get<int64_t>(row)}
                                                       : n.Get<Int128>(row);
        const int scale = number.id() == TypeId::kDecimal ? number.scale() : 0;
        if (op == '*') {
          if (__builtin_mul_overflow(Int128{value}, p, &exact)) return std::nullopt;
          exact = DivideRoundHalfUp(exact, PowerOfTen(scale));
        } else {
          if (p == 0) return std::nullopt;
          // value (below 2^63) * 10^scale (up to 10^38) may not fit 128 bits: then the
          // divisor's scale is past 19 digits, and long double division is as close as it gets.
          Int128 shifted;
          if (!__builtin_mul_overflow(Int128{value}, PowerOfTen(scale), &shifted)) {
            exact = DivideRoundHalfUp(shifted, p);
          } else {
            const long double r = std::round(static_cast<long double>(value) /
                                             (static_cast<long double>(p) /
                                              static_cast<long double>(PowerOfTen(scale))));
            if (!(std::fabs(r) < 9223372036854775808.0L)) return std::nullopt;
            exact = static_cast<int64_t>(r);
          }
        }
      }
      const Int128 low = year_month ? std::numeric_limits<int32_t>::min()
                                    : std::numeric_limits<int64_t>::min();
      const Int128 high = year_month ? std::numeric_limits<int32_t>::max()
                                     : std::numeric_limits<int64_t>::max();
      if (exact < low || exact > high) return std::nullopt;
      return static_cast<int64_t>(exact);
    };
    if (year_month) {
      kernel::EachOrRaise<int32_t>(v, ctx, out, [&](size_t row) -> std::optional<int32_t> {
        std::optional<int64_t> r = compute(row);
        if (!r) return std::nullopt;
        return static_cast<int32_t>(*r);
      }, reason);
    } else {
      kernel::EachOrRaise<int64_t>(v, ctx, out, compute, reason);
    }
    return Status::OK();
  };
  return f;
}

std::optional<Result<BoundFunction>> BindIntervalNegate(const BindArguments& args) {
  if (args.types.size() != 1 || !args.types[0].IsInterval()) return std::nullopt;
  const DataType t = args.types[0];
  BoundFunction f{t, {t}, nullptr};
  f.kernel = [year_month = IsYearMonth(t)](const std::vector<VectorPtr>& v,
                                           const KernelContext& ctx, Vector& out) {
    auto reason = [&](size_t row) {
      return fmt::format("[INTERVAL_ARITHMETIC_OVERFLOW] -({}) is beyond the interval's range",
                         CastToText(*v[0], row));
    };
    if (year_month) {
      kernel::EachOrRaise<int32_t>(v, ctx, out, [&](size_t row) {
        return ToInt32(-int64_t{v[0]->Get<int32_t>(row)});
      }, reason);
    } else {
      kernel::EachOrRaise<int64_t>(v, ctx, out, [&](size_t row) -> std::optional<int64_t> {
        const int64_t x = v[0]->Get<int64_t>(row);
        if (x == std::numeric_limits<int64_t>::min()) return std::nullopt;
        return -x;
      }, reason);
    }
    return Status::OK();
  };
  return f;
}

}  // namespace sluice
