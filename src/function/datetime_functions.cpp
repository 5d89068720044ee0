// Date and time functions with Spark's semantics, all in UTC. DATE, TIMESTAMP and STRING
// arguments convert into one another through the planner's casts (a string is read as a
// timestamp or date; a timestamp's date is its UTC day); unparsable text gives NULL. Format
// arguments are Spark datetime patterns (types/datetime_pattern.h): a literal pattern is compiled
// once at bind time (an invalid one is a bind error); a pattern computed per row is compiled per
// distinct value through a small cache, and an invalid one makes that row NULL.
#include <cctype>
#include <climits>
#include <cmath>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "types/datetime_pattern.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

using fnutil::StrAt;

constexpr std::string_view kDefaultFormat = "yyyy-MM-dd HH:mm:ss";

// ---- argument helpers ----------------------------------------------------------------------

// Arguments read as a DATE or TIMESTAMP: those types, strings and NULL (Spark rejects numbers).
Status ExpectDatetime(std::string_view fn, std::string_view what, const DataType& t) {
  switch (t.id()) {
    case TypeId::kDate: case TypeId::kTimestamp: case TypeId::kString: case TypeId::kBytes:
    case TypeId::kNull:
      return Status::OK();
    default:
      return Status::Invalid("{}: {} must be a date, timestamp or string, found {}", fn, what,
                             t.ToString());
  }
}

class PatternArgument {
 public:
  // `index` is the pattern's argument, or SIZE_MAX for a fixed `fallback` pattern.
  static Result<std::shared_ptr<PatternArgument>> Bind(std::string_view fn,
                                                       const BindArguments& args, size_t index,
                                                       std::string_view fallback = kDefaultFormat) {
    auto arg = std::make_shared<PatternArgument>();
    std::optional<std::string> text;
    if (index >= args.types.size()) {
      text = std::string(fallback);
    } else if (const Value* c = fnutil::Constant(args, index); c && c->type().IsStringLike()) {
      text = c->string();
    }
    if (text) {
      auto p = DatetimePattern::Compile(*text);
      if (!p.ok()) return p.status().WithContext(fn);
      arg->constant_ = std::make_shared<const DatetimePattern>(std::move(*p));
    }
    return arg;
  }

  // The pattern for this row's format text (ignored when the format is fixed); nullptr if it
  // does not compile.
  std::shared_ptr<const DatetimePattern> Get(const std::vector<VectorPtr>& a, size_t index,
                                             size_t row) {
    if (constant_) return constant_;
    std::string text(StrAt(*a[index], row));
    std::lock_guard lock(mutex_);
    auto it = cache_.find(text);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= 256) cache_.clear();  // bounded for columns of ever-new formats
    auto p = DatetimePattern::Compile(text);
    auto compiled = p.ok() ? std::make_shared<const DatetimePattern>(std::move(*p)) : nullptr;
    cache_.emplace(std::move(text), compiled);
    return compiled;
  }

 private:
  std::shared_ptr<const DatetimePattern> constant_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const DatetimePattern>> cache_;
};

int32_t DayOf(int64_t micros) { return static_cast<int32_t>(FloorDiv(micros, kMicrosPerDay)); }

struct Civil {
  int year;
  unsigned month, day;
};
Civil CivilOf(int32_t days) {
  Civil c;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  return c;
}

// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
int DayOfWeek0(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7); }

// ---- formatting and parsing ------------------------------------------------------------------

// date_format(ts, fmt) and from_unixtime(secs[, fmt]) → STRING.
Result<BoundFunction> BindDateFormat(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("date_format(ts, fmt)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectDatetime("date_format", "ts", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("date_format", "fmt", args.types[1]));
  SLUICE_ASSIGN_OR_RETURN(auto pattern, PatternArgument::Bind("date_format", args, 1));
  BoundFunction f{DataType::String(), {DataType::Timestamp(), DataType::String()}, nullptr};
  f.kernel = fnutil::StringKernel(
      [pattern](const std::vector<VectorPtr>& a, size_t row,
                std::string& buf) -> std::optional<std::string_view> {
        auto p = pattern->Get(a, 1, row);
        if (!p) return std::nullopt;
        buf.clear();
        p->FormatTo(a[0]->Get<int64_t>(row), buf);
        return std::string_view(buf);
      });
  return f;
}

Result<BoundFunction> BindFromUnixtime(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("from_unixtime(seconds[, fmt])", args.types.size(), 1, 2));
  // A string is cast to BIGINT (Spark's implicit cast; not a number: NULL).
  if (!args.types[0].IsNumeric() && !args.types[0].IsStringLike() &&
      args.types[0].id() != TypeId::kNull) {
    return Status::Invalid("from_unixtime: seconds must be a number, found {}",
                           args.types[0].ToString());
  }
  std::vector<DataType> arg_types{DataType::Int64()};
  if (args.types.size() == 2) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("from_unixtime", "fmt", args.types[1]));
    arg_types.push_back(DataType::String());
  }
  SLUICE_ASSIGN_OR_RETURN(auto pattern, PatternArgument::Bind("from_unixtime", args,
                                                             args.types.size() == 2 ? 1 : SIZE_MAX));
  BoundFunction f{DataType::String(), arg_types, nullptr};
  f.kernel = fnutil::StringKernel(
      [pattern](const std::vector<VectorPtr>& a, size_t row,
                std::string& buf) -> std::optional<std::string_view> {
        auto p = pattern->Get(a, 1, row);
        if (!p) return std::nullopt;
        // Spark multiplies the seconds by 10^6 as a Java long, which wraps beyond its range.
        const int64_t micros = static_cast<int64_t>(
            static_cast<uint64_t>(fnutil::IntAt(*a[0], row)) * static_cast<uint64_t>(kMicrosPerSecond));
        buf.clear();
        p->FormatTo(micros, buf);
        return std::string_view(buf);
      });
  return f;
}

// to_timestamp(x[, fmt]) / to_date(x[, fmt]). Without fmt x is cast (strings in the ISO forms
// of types/timestamp.h; numbers as seconds for to_timestamp); with fmt x is parsed as text.
Result<BoundFunction> BindToTimestampOrDate(bool to_date, const BindArguments& args) {
  const char* fn = to_date ? "to_date" : "to_timestamp";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(to_date ? "to_date(str[, fmt])" : "to_timestamp(str[, fmt])",
                                          args.types.size(), 1, 2));
  DataType result = to_date ? DataType::Date() : DataType::Timestamp();
  if (args.types.size() == 1) {
    if (!(!to_date && args.types[0].IsNumeric())) {
      SLUICE_RETURN_NOT_OK(ExpectDatetime(fn, "argument", args.types[0]));
    }
    // The planner's cast does the conversion; the kernel only copies.
    BoundFunction f{result, {result}, nullptr};
    f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
      out.Resize(ctx.num_rows);
      bool wide = a[0]->type().id() == TypeId::kTimestamp;
      kernel::ForEachLive(ctx, [&](size_t row) {
        if (a[0]->IsNull(row)) {
          out.SetNull(row);
        } else if (wide) {
          out.data<int64_t>()[row] = a[0]->Get<int64_t>(row);
        } else {
          out.data<int32_t>()[row] = a[0]->Get<int32_t>(row);
        }
      });
      return Status::OK();
    };
    return f;
  }
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText(fn, "argument", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText(fn, "fmt", args.types[1]));
  SLUICE_ASSIGN_OR_RETURN(auto pattern, PatternArgument::Bind(fn, args, 1));
  BoundFunction f{result, {DataType::String(), DataType::String()}, nullptr};
  if (to_date) {
    f.kernel = fnutil::ValueKernel<int32_t>(
        [pattern](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
          auto p = pattern->Get(a, 1, row);
          if (!p) return std::nullopt;
          auto micros = p->Parse(StrAt(*a[0], row));
          if (!micros) return std::nullopt;
          return DayOf(*micros);
        });
  } else {
    f.kernel = fnutil::ValueKernel<int64_t>(
        [pattern](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int64_t> {
          auto p = pattern->Get(a, 1, row);
          if (!p) return std::nullopt;
          return p->Parse(StrAt(*a[0], row));
        });
  }
  return f;
}

// unix_timestamp([x[, fmt]]) → BIGINT seconds: now; a date or timestamp; text parsed with fmt
// (default 'yyyy-MM-dd HH:mm:ss', so a bare date string is NULL, as in Spark).
Result<BoundFunction> BindUnixTimestamp(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(
      fnutil::CheckArity("unix_timestamp([ts | str[, fmt]])", args.types.size(), 0, 2));
  if (args.types.empty()) {
    BoundFunction f{DataType::Int64(), {}, nullptr};
    f.kernel = [](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
      out.Resize(ctx.num_rows);
      int64_t seconds = FloorDiv(ctx.eval.now_micros, kMicrosPerSecond);
      kernel::ForEachLive(ctx, [&](size_t row) { out.data<int64_t>()[row] = seconds; });
      return Status::OK();
    };
    return f;
  }
  SLUICE_RETURN_NOT_OK(ExpectDatetime("unix_timestamp", "argument", args.types[0]));
  TypeId t = args.types[0].id();
  if (args.types.size() == 1 && (t == TypeId::kDate || t == TypeId::kTimestamp)) {
    BoundFunction f{DataType::Int64(), {DataType::Timestamp()}, nullptr};
    f.kernel = fnutil::ValueKernel<int64_t>(
        [](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int64_t> {
          // Spark divides the microseconds truncating toward zero (-0.5 s is 0, not -1).
          return a[0]->Get<int64_t>(row) / kMicrosPerSecond;
        });
    return f;
  }
  std::vector<DataType> arg_types{DataType::String()};
  if (args.types.size() == 2) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("unix_timestamp", "fmt", args.types[1]));
    arg_types.push_back(DataType::String());
  }
  SLUICE_ASSIGN_OR_RETURN(auto pattern, PatternArgument::Bind("unix_timestamp", args,
                                                             args.types.size() == 2 ? 1 : SIZE_MAX));
  BoundFunction f{DataType::Int64(), arg_types, nullptr};
  f.kernel = fnutil::ValueKernel<int64_t>(
      [pattern](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int64_t> {
        auto p = pattern->Get(a, 1, row);
        if (!p) return std::nullopt;
        auto micros = p->Parse(StrAt(*a[0], row));
        if (!micros) return std::nullopt;
        return *micros / kMicrosPerSecond;  // toward zero, as Spark
      });
  return f;
}

// timestamp_seconds/millis/micros(n) → TIMESTAMP; overflow gives NULL.
ScalarFunction FromEpoch(const char* name, const char* signature, int64_t unit_micros) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            const DataType& t = args.types[0];
            if (!t.IsNumeric() && t.id() != TypeId::kNull) {
              return Status::Invalid("{}: argument must be a number, found {}", name,
                                     t.ToString());
            }
            // Fractional seconds keep their fraction (timestamp_seconds(1.5)).
            bool fractional = unit_micros == kMicrosPerSecond && !t.IsInteger() &&
                              t.id() != TypeId::kNull;
            BoundFunction f{DataType::Timestamp(),
                            {fractional ? DataType::Float64() : DataType::Int64()}, nullptr};
            if (fractional) {
              f.kernel = fnutil::ValueKernel<int64_t>(
                  [](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int64_t> {
                    // NaN and infinities are NULL; beyond the range the microseconds
                    // saturate, as Spark's (d * 10^6).toLong does.
                    const double seconds = a[0]->Get<double>(row);
                    if (!std::isfinite(seconds)) return std::nullopt;
                    const double micros = seconds * 1e6;
                    if (micros >= 9.223372036854775807e18) return INT64_MAX;
                    if (micros <= -9.223372036854775808e18) return INT64_MIN;
                    return static_cast<int64_t>(micros);
                  });
            } else {
              f.kernel = fnutil::ValueKernel<int64_t>(
                  [unit_micros](const std::vector<VectorPtr>& a,
                                size_t row) -> std::optional<int64_t> {
                    int64_t micros;
                    if (__builtin_mul_overflow(fnutil::IntAt(*a[0], row), unit_micros, &micros)) {
                      return std::nullopt;
                    }
                    return micros;
                  });
            }
            return f;
          }};
}

// unix_seconds/millis/micros(ts) → BIGINT, rounding down.
ScalarFunction ToEpoch(const char* name, const char* signature, int64_t unit_micros) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectDatetime(name, "argument", args.types[0]));
            BoundFunction f{DataType::Int64(), {DataType::Timestamp()}, nullptr};
            f.kernel = fnutil::ValueKernel<int64_t>(
                [unit_micros](const std::vector<VectorPtr>& a,
                              size_t row) -> std::optional<int64_t> {
                  return FloorDiv(a[0]->Get<int64_t>(row), unit_micros);
                });
            return f;
          }};
}

// current_timestamp()/now() and current_date(): the batch's one evaluation time.
ScalarFunction Now(const char* name, bool date) {
  return {name, fmt::format("{}()", name),
          [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(
                fnutil::CheckArity(fmt::format("{}()", name), args.types.size(), 0, 0));
            BoundFunction f{date ? DataType::Date() : DataType::Timestamp(), {}, nullptr};
            f.kernel = [date](const std::vector<VectorPtr>&, const KernelContext& ctx,
                              Vector& out) {
              out.Resize(ctx.num_rows);
              int64_t now = ctx.eval.now_micros;
              kernel::ForEachLive(ctx, [&](size_t row) {
                if (date) {
                  out.data<int32_t>()[row] = DayOf(now);
                } else {
                  out.data<int64_t>()[row] = now;
                }
              });
              return Status::OK();
            };
            return f;
          }};
}

// ---- fields ----------------------------------------------------------------------------------

// A field of the date part: year(d), month(d), ... → INT.
template <typename Op>
ScalarFunction DateField(const char* name, Op op) {
  std::string signature = fmt::format("{}(date)", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectDatetime(name, "argument", args.types[0]));
            BoundFunction f{DataType::Int32(), {DataType::Date()}, nullptr};
            f.kernel = [op](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                            Vector& out) {
              kernel::Unary<int32_t, int32_t>(*a[0], ctx, out, op);
              return Status::OK();
            };
            return f;
          }};
}

// dayname(date) ('Mon') and monthname(date) ('Jan'), in English as Spark writes them.
ScalarFunction DateName(const char* name, bool month) {
  std::string signature = fmt::format("{}(date)", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectDatetime(name, "argument", args.types[0]));
            BoundFunction f{DataType::String(), {DataType::Date()}, nullptr};
            f.kernel = fnutil::StringKernel([month](const std::vector<VectorPtr>& a, size_t row,
                                                    std::string&) -> std::optional<std::string_view> {
              static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
              static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
              const int32_t d = a[0]->Get<int32_t>(row);
              return month ? kMonths[CivilOf(d).month - 1] : kDays[DayOfWeek0(d)];
            });
            return f;
          }};
}

// current_timezone(): the session time zone, which is UTC in sluice.
Result<BoundFunction> BindCurrentTimezone(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("current_timezone()", args.types.size(), 0, 0));
  BoundFunction f{DataType::String(), {}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    kernel::ForEachLive(ctx, [&](size_t row) { out.SetString(row, "UTC"); });
    return Status::OK();
  };
  return f;
}

// hour(ts), minute(ts), second(ts) → INT.
ScalarFunction TimeField(const char* name, int64_t unit_micros, int64_t modulo) {
  std::string signature = fmt::format("{}(timestamp)", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectDatetime(name, "argument", args.types[0]));
            BoundFunction f{DataType::Int32(), {DataType::Timestamp()}, nullptr};
            f.kernel = [=](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                           Vector& out) {
              kernel::Unary<int64_t, int32_t>(*a[0], ctx, out, [=](int64_t micros) {
                int64_t r = FloorDiv(micros, unit_micros) % modulo;
                return static_cast<int32_t>(r < 0 ? r + modulo : r);
              });
              return Status::OK();
            };
            return f;
          }};
}

// ISO-8601 week of year: weeks start on Monday, week 1 holds the year's first Thursday.
int32_t IsoWeek(int32_t days) {
  int iso_weekday = (DayOfWeek0(days) + 6) % 7 + 1;  // Monday = 1 ... Sunday = 7
  int32_t thursday = days - iso_weekday + 4;
  int32_t year_start = DaysFromCivil(CivilOf(thursday).year, 1, 1);
  return (thursday - year_start) / 7 + 1;
}

// ---- arithmetic --------------------------------------------------------------------------------

// date_add(start, n) / date_sub(start, n) → DATE.
ScalarFunction DateAdd(const char* name, int sign) {
  std::string signature = fmt::format("{}(start_date, days)", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
            SLUICE_RETURN_NOT_OK(ExpectDatetime(name, "start_date", args.types[0]));
            const DataType& n = args.types[1];
            if (!n.IsInteger() && !n.IsStringLike() && n.id() != TypeId::kNull) {
              return Status::Invalid("{}: days must be an integer, found {}", name, n.ToString());
            }
            BoundFunction f{DataType::Date(), {DataType::Date(), DataType::Int64()}, nullptr};
            f.kernel = fnutil::ValueKernel<int32_t>(
                [sign](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
                  int64_t days = a[0]->Get<int32_t>(row) + sign * fnutil::IntAt(*a[1], row);
                  if (days < std::numeric_limits<int32_t>::min() ||
                      days > std::numeric_limits<int32_t>::max()) {
                    return std::nullopt;
                  }
                  return static_cast<int32_t>(days);
                });
            return f;
          }};
}

Result<BoundFunction> BindDateDiff(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("datediff(end_date, start_date)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectDatetime("datediff", "end_date", args.types[0]));
  SLUICE_RETURN_NOT_OK(ExpectDatetime("datediff", "start_date", args.types[1]));
  BoundFunction f{DataType::Int32(), {DataType::Date(), DataType::Date()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::Binary<int32_t, int32_t, int32_t>(*a[0], *a[1], ctx, out,
                                              [](int32_t end, int32_t start) { return end - start; });
    return Status::OK();
  };
  return f;
}

// add_months(start, n) → DATE; a day past the target month's end becomes its last day.
Result<BoundFunction> BindAddMonths(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("add_months(start_date, months)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectDatetime("add_months", "start_date", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("add_months", "months", args.types[1]));
  BoundFunction f{DataType::Date(), {DataType::Date(), DataType::Int64()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>(
      [](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
        return AddMonthsToDate(a[0]->Get<int32_t>(row), fnutil::IntAt(*a[1], row));
      });
  return f;
}

Result<BoundFunction> BindLastDay(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("last_day(date)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectDatetime("last_day", "argument", args.types[0]));
  BoundFunction f{DataType::Date(), {DataType::Date()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::Unary<int32_t, int32_t>(*a[0], ctx, out, [](int32_t days) {
      const Civil c = CivilOf(days);
      return days + (DaysInMonth(c.year, c.month) - static_cast<int>(c.day));
    });
    return Status::OK();
  };
  return f;
}

// ---- truncation ----------------------------------------------------------------------------------

enum class TruncUnit { kInvalid, kYear, kQuarter, kMonth, kWeek, kDay, kHour, kMinute, kSecond,
                       kMillisecond, kMicrosecond };

TruncUnit ParseTruncUnit(std::string_view text) {
  std::string u;
  for (char c : text) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u == "YEAR" || u == "YYYY" || u == "YY") return TruncUnit::kYear;
  if (u == "QUARTER") return TruncUnit::kQuarter;
  if (u == "MONTH" || u == "MM" || u == "MON") return TruncUnit::kMonth;
  if (u == "WEEK") return TruncUnit::kWeek;
  if (u == "DAY" || u == "DD") return TruncUnit::kDay;
  if (u == "HOUR") return TruncUnit::kHour;
  if (u == "MINUTE") return TruncUnit::kMinute;
  if (u == "SECOND") return TruncUnit::kSecond;
  if (u == "MILLISECOND") return TruncUnit::kMillisecond;
  if (u == "MICROSECOND") return TruncUnit::kMicrosecond;
  return TruncUnit::kInvalid;
}

// The first day of the year/quarter/month/week (Monday) holding `days`.
int32_t TruncDays(int32_t days, TruncUnit unit) {
  Civil c = CivilOf(days);
  switch (unit) {
    case TruncUnit::kYear: return DaysFromCivil(c.year, 1, 1);
    case TruncUnit::kQuarter: return DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
    case TruncUnit::kMonth: return DaysFromCivil(c.year, c.month, 1);
    case TruncUnit::kWeek: return days - (DayOfWeek0(days) + 6) % 7;
    default: return days;
  }
}

std::optional<int64_t> TruncMicros(int64_t micros, TruncUnit unit) {
  auto floor_to = [micros](int64_t unit_micros) { return FloorDiv(micros, unit_micros) * unit_micros; };
  switch (unit) {
    case TruncUnit::kInvalid: return std::nullopt;
    case TruncUnit::kHour: return floor_to(3600 * kMicrosPerSecond);
    case TruncUnit::kMinute: return floor_to(60 * kMicrosPerSecond);
    case TruncUnit::kSecond: return floor_to(kMicrosPerSecond);
    case TruncUnit::kMillisecond: return floor_to(1000);
    case TruncUnit::kMicrosecond: return micros;
    default: return int64_t{TruncDays(DayOf(micros), unit)} * kMicrosPerDay;
  }
}

// date_trunc(unit, ts) → TIMESTAMP and trunc(date, unit) → DATE; an unknown unit gives NULL.
Result<BoundFunction> BindTrunc(bool date_trunc, const BindArguments& args) {
  const char* fn = date_trunc ? "date_trunc" : "trunc";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(date_trunc ? "date_trunc(unit, ts)" : "trunc(date, unit)",
                                          args.types.size(), 2, 2));
  size_t unit_index = date_trunc ? 0 : 1;
  size_t value_index = 1 - unit_index;
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText(fn, "unit", args.types[unit_index]));
  SLUICE_RETURN_NOT_OK(ExpectDatetime(fn, "argument", args.types[value_index]));
  std::optional<TruncUnit> fixed;
  if (const Value* c = fnutil::Constant(args, unit_index); c && c->type().IsStringLike()) {
    fixed = ParseTruncUnit(c->string());
  }
  std::vector<DataType> arg_types(2, DataType::String());
  arg_types[value_index] = date_trunc ? DataType::Timestamp() : DataType::Date();
  BoundFunction f{arg_types[value_index], arg_types, nullptr};
  if (date_trunc) {
    f.kernel = fnutil::ValueKernel<int64_t>(
        [fixed](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int64_t> {
          TruncUnit unit = fixed ? *fixed : ParseTruncUnit(StrAt(*a[0], row));
          return TruncMicros(a[1]->Get<int64_t>(row), unit);
        });
  } else {
    f.kernel = fnutil::ValueKernel<int32_t>(
        [fixed](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
          TruncUnit unit = fixed ? *fixed : ParseTruncUnit(StrAt(*a[1], row));
          // trunc only knows the date units.
          if (unit < TruncUnit::kYear || unit > TruncUnit::kWeek) return std::nullopt;
          return TruncDays(a[0]->Get<int32_t>(row), unit);
        });
  }
  return f;
}

}  // namespace

void RegisterDatetimeFunctions(FunctionRegistry& registry) {
  registry.Register({"date_format",
                     "date_format(ts, fmt); fmt not a literal: compiled per distinct value "
                     "(invalid: NULL)",
                     BindDateFormat});
  registry.Register({"from_unixtime", "from_unixtime(seconds[, fmt='yyyy-MM-dd HH:mm:ss'])",
                     BindFromUnixtime});
  registry.Register({"to_timestamp", "to_timestamp(str[, fmt])", [](const BindArguments& a) {
                       return BindToTimestampOrDate(false, a);
                     }});
  registry.Register({"to_date", "to_date(str[, fmt])", [](const BindArguments& a) {
                       return BindToTimestampOrDate(true, a);
                     }});
  registry.Register({"unix_timestamp", "unix_timestamp([ts | str[, fmt='yyyy-MM-dd HH:mm:ss']])",
                     BindUnixTimestamp});
  registry.Alias("to_unix_timestamp", "unix_timestamp");
  // sluice's timestamps are UTC instants, so Spark's NTZ and LTZ forms read the same; to_timestamp
  // is NULL for text that does not parse in every mode, as try_to_timestamp is.
  registry.Alias("to_timestamp_ntz", "to_timestamp");
  registry.Alias("to_timestamp_ltz", "to_timestamp");
  registry.Alias("try_to_timestamp", "to_timestamp");
  registry.Register(FromEpoch("timestamp_seconds", "timestamp_seconds(seconds)", kMicrosPerSecond));
  registry.Register(FromEpoch("timestamp_millis", "timestamp_millis(millis)", 1000));
  registry.Register(FromEpoch("timestamp_micros", "timestamp_micros(micros)", 1));
  registry.Register(ToEpoch("unix_seconds", "unix_seconds(ts)", kMicrosPerSecond));
  registry.Register(ToEpoch("unix_millis", "unix_millis(ts)", 1000));
  registry.Register(ToEpoch("unix_micros", "unix_micros(ts)", 1));
  registry.Register(Now("current_timestamp", false));
  registry.Alias("now", "current_timestamp");
  registry.Register({"current_timezone", "current_timezone()", BindCurrentTimezone});
  registry.Register(Now("localtimestamp", false));  // a TIMESTAMP_NTZ in Spark: the same in UTC
  registry.Register(Now("current_date", true));
  registry.Alias("curdate", "current_date");

  registry.Register(DateField("year", [](int32_t d) { return CivilOf(d).year; }));
  registry.Register(DateField("quarter", [](int32_t d) {
    return static_cast<int32_t>((CivilOf(d).month - 1) / 3 + 1);
  }));
  registry.Register(
      DateField("month", [](int32_t d) { return static_cast<int32_t>(CivilOf(d).month); }));
  registry.Register(
      DateField("day", [](int32_t d) { return static_cast<int32_t>(CivilOf(d).day); }));
  registry.Alias("dayofmonth", "day");
  // Spark: dayofweek is 1 = Sunday ... 7 = Saturday; weekday is 0 = Monday ... 6 = Sunday.
  registry.Register(DateField("dayofweek", [](int32_t d) { return DayOfWeek0(d) + 1; }));
  registry.Register(DateField("weekday", [](int32_t d) { return (DayOfWeek0(d) + 6) % 7; }));
  registry.Register(DateField("dayofyear", [](int32_t d) {
    return d - DaysFromCivil(CivilOf(d).year, 1, 1) + 1;
  }));
  registry.Register(DateField("weekofyear", IsoWeek));
  registry.Register(DateName("dayname", false));
  registry.Register(DateName("monthname", true));
  registry.Register(TimeField("hour", 3600 * kMicrosPerSecond, 24));
  registry.Register(TimeField("minute", 60 * kMicrosPerSecond, 60));
  registry.Register(TimeField("second", kMicrosPerSecond, 60));

  registry.Register(DateAdd("date_add", 1));
  registry.Register(DateAdd("date_sub", -1));
  registry.Register({"datediff", "datediff(end_date, start_date)", BindDateDiff});
  registry.Register({"add_months", "add_months(start_date, months)", BindAddMonths});
  registry.Register({"last_day", "last_day(date)", BindLastDay});
  registry.Register({"date_trunc", "date_trunc(unit, ts)",
                     [](const BindArguments& a) { return BindTrunc(true, a); }});
  registry.Register({"trunc", "trunc(date, unit)",
                     [](const BindArguments& a) { return BindTrunc(false, a); }});
}

}  // namespace sluice
