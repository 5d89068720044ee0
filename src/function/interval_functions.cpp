// make_ym_interval and make_dt_interval: intervals built from their parts, as Spark's (a result
// beyond the interval's range raises, in either mode); EXTRACT of an interval's fields.
#include "function/interval_functions.h"

#include <limits>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"
#include "types/decimal.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

// make_ym_interval([years[, months]]) → INTERVAL YEAR TO MONTH.
Result<BoundFunction> BindMakeYmInterval(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(
      fnutil::CheckArity("make_ym_interval([years[, months]])", args.types.size(), 0, 2));
  for (const DataType& t : args.types) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("make_ym_interval", "years and months", t));
  }
  BoundFunction f{DataType::YearMonthInterval(),
                  std::vector<DataType>(args.types.size(), DataType::Int64()), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    auto part = [&](size_t i, size_t row) { return i < a.size() ? fnutil::IntAt(*a[i], row) : 0; };
    kernel::EachOrRaise<int32_t>(a, ctx, out, [&](size_t row) -> std::optional<int32_t> {
      const Int128 months = Int128{part(0, row)} * 12 + part(1, row);
      if (months < std::numeric_limits<int32_t>::min() ||
          months > std::numeric_limits<int32_t>::max()) {
        return std::nullopt;
      }
      return static_cast<int32_t>(months);
    }, [&](size_t row) {
      return fmt::format("[INTERVAL_ARITHMETIC_OVERFLOW] make_ym_interval({}, {}) is beyond the "
                         "interval's range", part(0, row), part(1, row));
    });
    return Status::OK();
  };
  return f;
}

// make_dt_interval([days[, hours[, mins[, secs]]]]) → INTERVAL DAY TO SECOND; secs a
// DECIMAL(18, 6), so microseconds.
Result<BoundFunction> BindMakeDtInterval(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("make_dt_interval([days[, hours[, mins[, secs]]]])",
                                          args.types.size(), 0, 4));
  std::vector<DataType> types;
  for (size_t i = 0; i < args.types.size(); ++i) {
    if (i < 3) {
      SLUICE_RETURN_NOT_OK(
          fnutil::ExpectInteger("make_dt_interval", "days, hours and mins", args.types[i]));
      types.push_back(DataType::Int64());
    } else {
      if (!args.types[i].IsNumeric() && !args.types[i].IsStringLike() &&
          args.types[i].id() != TypeId::kNull) {
        return Status::Invalid("make_dt_interval: secs must be a number, found {}",
                               args.types[i].ToString());
      }
      types.push_back(DataType::Decimal(18, 6));
    }
  }
  BoundFunction f{DataType::Interval(), types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    auto part = [&](size_t i, size_t row) { return i < a.size() ? fnutil::IntAt(*a[i], row) : 0; };
    auto micros_of_secs = [&](size_t row) -> Int128 {
      return a.size() > 3 ? a[3]->Get<Int128>(row) : 0;
    };
    kernel::EachOrRaise<int64_t>(a, ctx, out, [&](size_t row) -> std::optional<int64_t> {
      const Int128 micros = Int128{part(0, row)} * kMicrosPerDay +
                            Int128{part(1, row)} * 3'600'000'000 +
                            Int128{part(2, row)} * 60'000'000 + micros_of_secs(row);
      if (micros < std::numeric_limits<int64_t>::min() ||
          micros > std::numeric_limits<int64_t>::max()) {
        return std::nullopt;
      }
      return static_cast<int64_t>(micros);
    }, [&](size_t row) {
      return fmt::format("[INTERVAL_ARITHMETIC_OVERFLOW] make_dt_interval({}, {}, {}, ...) is "
                         "beyond the interval's range", part(0, row), part(1, row), part(2, row));
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

Result<BoundFunction> BindIntervalField(std::string_view field, const DataType& type) {
  static constexpr std::string_view kDayTime[] = {"day", "hour", "minute", "second"};
  static constexpr std::string_view kYearMonth[] = {"year", "month"};
  const bool year_month = type.id() == TypeId::kYearMonthInterval;
  int index = -1;
  for (int i = 0; i < (year_month ? 2 : 4); ++i) {
    if ((year_month ? kYearMonth : kDayTime)[i] == field) index = i;
  }
  if (index < type.start_field() || index > type.end_field()) {
    return Status::Invalid("cannot extract {} from an {}: its fields are {}", field,
                           type.ToString(), type.ToString().substr(9));
  }
  // Spark's: YEAR and DAY whole (INT), MONTH, HOUR and MINUTE the rest below the field above
  // (its sign kept), SECOND with its fraction as a DECIMAL(8, 6).
  const DataType result = index == DataType::kSecond && !year_month ? DataType::Decimal(8, 6)
                                                                    : DataType::Int32();
  BoundFunction f{result, {type}, nullptr};
  f.kernel = [year_month, index](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                 Vector& out) {
    if (year_month) {
      kernel::Unary<int32_t, int32_t>(*a[0], ctx, out, [index](int32_t months) {
        return index == DataType::kYear ? months / 12 : months % 12;
      });
      return Status::OK();
    }
    constexpr int64_t kHour = 3'600'000'000, kMinute = 60'000'000;
    if (index == DataType::kSecond) {
      kernel::Unary<int64_t, Int128>(*a[0], ctx, out,
                                     [](int64_t micros) { return Int128{micros % kMinute}; });
      return Status::OK();
    }
    kernel::Unary<int64_t, int32_t>(*a[0], ctx, out, [index](int64_t micros) {
      switch (index) {
        case DataType::kDay: return static_cast<int32_t>(micros / kMicrosPerDay);
        case DataType::kHour: return static_cast<int32_t>(micros % kMicrosPerDay / kHour);
        default: return static_cast<int32_t>(micros % kHour / kMinute);
      }
    });
    return Status::OK();
  };
  return f;
}

void RegisterIntervalFunctions(FunctionRegistry& registry) {
  registry.Register({"make_ym_interval", "make_ym_interval([years[, months]])", BindMakeYmInterval});
  registry.Register(
      {"make_dt_interval", "make_dt_interval([days[, hours[, mins[, secs]]]])", BindMakeDtInterval});
}

}  // namespace sluice
