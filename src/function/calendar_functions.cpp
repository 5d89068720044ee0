// Calendar arithmetic with Spark's semantics (session time zone UTC): make_date, make_timestamp,
// unix_date, date_from_unix_date, months_between, next_day, timestampadd, timestampdiff, and
// the time-zone shifts from_utc_timestamp / to_utc_timestamp (IANA zones from the system's
// zoneinfo, through Abseil's time-zone library).
#include <absl/time/time.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "types/decimal.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

using fnutil::StrAt;

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool IsIntegerArgument(const DataType& t) {
  return t.IsInteger() || t.id() == TypeId::kNull || t.IsStringLike();
}

// A valid civil date's days since the epoch, or nullopt.
std::optional<int32_t> CheckedDate(int64_t year, int64_t month, int64_t day) {
  if (year < -290000 || year > 290000 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > DaysInMonth(static_cast<int>(year), static_cast<unsigned>(month))) return std::nullopt;
  return DaysFromCivil(static_cast<int>(year), static_cast<unsigned>(month), static_cast<unsigned>(day));
}

// make_date(year, month, day): NULL for a date that does not exist (Spark without ANSI mode).
Result<BoundFunction> BindMakeDate(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("make_date(year, month, day)", args.types.size(), 3, 3));
  for (size_t i = 0; i < 3; ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("make_date", "each part", args.types[i]));
  }
  BoundFunction f{DataType::Date(), std::vector<DataType>(3, DataType::Int64()), nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>([](const std::vector<VectorPtr>& a, size_t row) {
    return CheckedDate(fnutil::IntAt(*a[0], row), fnutil::IntAt(*a[1], row), fnutil::IntAt(*a[2], row));
  });
  return f;
}

// unix_date(date) → INT days since 1970-01-01, and date_from_unix_date(days) → DATE.
Result<BoundFunction> BindUnixDate(const BindArguments& args, bool to_days) {
  const char* signature = to_days ? "unix_date(date)" : "date_from_unix_date(days)";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
  if (!to_days && !IsIntegerArgument(args.types[0])) {
    return Status::Invalid("{}: days must be an integer, found {}", signature, args.types[0].ToString());
  }
  BoundFunction f{to_days ? DataType::Int32() : DataType::Date(),
                  {to_days ? DataType::Date() : DataType::Int32()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::Unary<int32_t, int32_t>(*a[0], ctx, out, [](int32_t d) { return d; });
    return Status::OK();
  };
  return f;
}

// months_between(end, start[, round_off]): whole months apart, plus the remaining days and
// seconds over 31-day months; the same day of month (or both last days) gives whole months.
// Rounded to 8 decimals unless round_off is false. As Spark (and Hive) compute it.
Result<BoundFunction> BindMonthsBetween(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("months_between(end, start[, round_off])", args.types.size(), 2, 3));
  std::vector<DataType> types{DataType::Timestamp(), DataType::Timestamp()};
  if (args.types.size() == 3) types.push_back(DataType::Boolean());
  BoundFunction f{DataType::Float64(), types, nullptr};
  f.kernel = fnutil::ValueKernel<double>([](const std::vector<VectorPtr>& a,
                                            size_t row) -> std::optional<double> {
    const int64_t t1 = a[0]->data<int64_t>()[row], t2 = a[1]->data<int64_t>()[row];
    const bool round_off = a.size() < 3 || a[2]->data<uint8_t>()[row] != 0;
    const int32_t d1 = static_cast<int32_t>(FloorDiv(t1, kMicrosPerDay));
    const int32_t d2 = static_cast<int32_t>(FloorDiv(t2, kMicrosPerDay));
    int y1, y2;
    unsigned m1, m2, day1, day2;
    CivilFromDays(d1, &y1, &m1, &day1);
    CivilFromDays(d2, &y2, &m2, &day2);
    const double month_diff =
        static_cast<double>((int64_t{y1} * 12 + m1) - (int64_t{y2} * 12 + m2));
    const bool last1 = static_cast<int>(day1) == DaysInMonth(y1, m1);
    const bool last2 = static_cast<int>(day2) == DaysInMonth(y2, m2);
    if (day1 == day2 || (last1 && last2)) return month_diff;
    const int64_t seconds1 = (t1 - int64_t{d1} * kMicrosPerDay) / kMicrosPerSecond;
    const int64_t seconds2 = (t2 - int64_t{d2} * kMicrosPerDay) / kMicrosPerSecond;
    const int64_t seconds_diff =
        (static_cast<int64_t>(day1) - static_cast<int64_t>(day2)) * 86400 + seconds1 - seconds2;
    const double diff = month_diff + static_cast<double>(seconds_diff) / (31.0 * 86400);
    if (!round_off) return diff;
    return std::floor(diff * 1e8 + 0.5) / 1e8;  // Java's Math.round, then / 1e8
  });
  return f;
}

// The day of week a name means (Spark: 'MO', 'MON' or 'MONDAY', any case): 0 = Sunday.
std::optional<int> WeekdayNamed(std::string_view name) {
  static const char* const kNames[] = {"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
                                       "FRIDAY", "SATURDAY"};
  const std::string upper = Upper(name);
  for (int i = 0; i < 7; ++i) {
    const std::string_view full = kNames[i];
    if (upper == full || upper == full.substr(0, 2) || upper == full.substr(0, 3)) return i;
  }
  return std::nullopt;
}

// next_day(date, day_of_week): the first such weekday after the date; NULL for an unknown name
// (Spark without ANSI mode, even for a literal name).
Result<BoundFunction> BindNextDay(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("next_day(date, day_of_week)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("next_day", "day_of_week", args.types[1]));
  BoundFunction f{DataType::Date(), {DataType::Date(), DataType::String()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>([](const std::vector<VectorPtr>& a,
                                             size_t row) -> std::optional<int32_t> {
    const auto wanted = WeekdayNamed(StrAt(*a[1], row));
    if (!wanted) return std::nullopt;
    const int32_t days = a[0]->data<int32_t>()[row];
    const int today = static_cast<int>(((int64_t{days} + 4) % 7 + 7) % 7);  // 1970-01-01: Thursday
    int ahead = (*wanted - today + 7) % 7;
    if (ahead == 0) ahead = 7;
    if (days > INT32_MAX - ahead) return std::nullopt;  // past the last representable date
    return days + ahead;
  });
  return f;
}

// The units timestampadd / timestampdiff take, in microseconds (0 for the month-based ones).
struct TimeUnit {
  int64_t micros;
  int months;  // MONTH 1, QUARTER 3, YEAR 12
};

std::optional<TimeUnit> TimeUnitNamed(std::string_view name) {
  const std::string u = Upper(name);
  if (u == "MICROSECOND") return TimeUnit{1, 0};
  if (u == "MILLISECOND") return TimeUnit{1000, 0};
  if (u == "SECOND") return TimeUnit{kMicrosPerSecond, 0};
  if (u == "MINUTE") return TimeUnit{60 * kMicrosPerSecond, 0};
  if (u == "HOUR") return TimeUnit{3600 * kMicrosPerSecond, 0};
  if (u == "DAY" || u == "DAYOFYEAR") return TimeUnit{kMicrosPerDay, 0};
  if (u == "WEEK") return TimeUnit{7 * kMicrosPerDay, 0};
  if (u == "MONTH") return TimeUnit{0, 1};
  if (u == "QUARTER") return TimeUnit{0, 3};
  if (u == "YEAR") return TimeUnit{0, 12};
  return std::nullopt;
}

constexpr std::string_view kUnits =
    "MICROSECOND, MILLISECOND, SECOND, MINUTE, HOUR, DAY, DAYOFYEAR, WEEK, MONTH, QUARTER or YEAR";

Result<TimeUnit> BindUnit(std::string_view fn, const BindArguments& args) {
  const Value* unit = fnutil::Constant(args, 0);
  if (!unit || !unit->type().IsStringLike()) {
    return Status::Invalid("{}: the unit must be written as a word, e.g. {}(HOUR, ...)", fn, fn);
  }
  auto named = TimeUnitNamed(unit->string());
  if (!named) return Status::Invalid("{}: unknown unit '{}'; expected {}", fn, unit->string(), kUnits);
  return *named;
}

// Adds months to a timestamp keeping its time of day; a day past the month's end becomes the
// last day (as Spark's plusMonths).
std::optional<int64_t> AddMonths(int64_t micros, int64_t months) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t time = micros - days * kMicrosPerDay;
  const auto moved = AddMonthsToDate(static_cast<int32_t>(days), months);
  if (!moved) return std::nullopt;
  return int64_t{*moved} * kMicrosPerDay + time;
}

// timestampadd(unit, n, ts) (also dateadd(unit, n, ts)): ts moved by n units.
Result<BoundFunction> BindTimestampAdd(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("timestampadd(unit, n, ts)", args.types.size(), 3, 3));
  SLUICE_ASSIGN_OR_RETURN(TimeUnit unit, BindUnit("timestampadd", args));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("timestampadd", "n", args.types[1]));
  BoundFunction f{DataType::Timestamp(), {DataType::String(), DataType::Int64(), DataType::Timestamp()},
                  nullptr};
  f.kernel = fnutil::ValueKernel<int64_t>([unit](const std::vector<VectorPtr>& a,
                                                 size_t row) -> std::optional<int64_t> {
    const int64_t n = fnutil::IntAt(*a[1], row), ts = a[2]->data<int64_t>()[row];
    if (unit.months) {
      int64_t months;
      if (__builtin_mul_overflow(n, int64_t{unit.months}, &months)) return std::nullopt;
      return AddMonths(ts, months);
    }
    int64_t delta, result;
    if (__builtin_mul_overflow(n, unit.micros, &delta) || __builtin_add_overflow(ts, delta, &result)) {
      return std::nullopt;
    }
    return result;
  });
  return f;
}

// timestampdiff(unit, start, end): whole units from start to end, truncated toward zero; months,
// quarters and years count whole calendar months (ChronoUnit.between).
Result<BoundFunction> BindTimestampDiff(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("timestampdiff(unit, start, end)", args.types.size(), 3, 3));
  SLUICE_ASSIGN_OR_RETURN(TimeUnit unit, BindUnit("timestampdiff", args));
  BoundFunction f{DataType::Int64(), {DataType::String(), DataType::Timestamp(), DataType::Timestamp()},
                  nullptr};
  f.kernel = fnutil::ValueKernel<int64_t>([unit](const std::vector<VectorPtr>& a,
                                                 size_t row) -> std::optional<int64_t> {
    const int64_t start = a[1]->data<int64_t>()[row], end = a[2]->data<int64_t>()[row];
    if (!unit.months) {
      int64_t diff;
      if (__builtin_sub_overflow(end, start, &diff)) return std::nullopt;
      return diff / unit.micros;
    }
    auto split = [](int64_t micros, int64_t* months, int64_t* rest) {
      const int64_t days = FloorDiv(micros, kMicrosPerDay);
      int year;
      unsigned month, day;
      CivilFromDays(static_cast<int32_t>(days), &year, &month, &day);
      *months = int64_t{year} * 12 + month - 1;
      *rest = int64_t{day} * kMicrosPerDay + (micros - days * kMicrosPerDay);  // day and time
    };
    int64_t m1, r1, m2, r2;
    split(start, &m1, &r1);
    split(end, &m2, &r2);
    int64_t months = m2 - m1;
    if (months > 0 && r2 < r1) --months;
    if (months < 0 && r2 > r1) ++months;
    return months / unit.months;
  });
  return f;
}

// A time zone by IANA name ('Europe/Paris'), 'UTC'/'GMT'/'Z', or a fixed offset ('+08:00',
// 'GMT+8', 'UTC-05:30'); loaded once per name.
std::optional<absl::TimeZone> ZoneNamed(std::string_view name) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::optional<absl::TimeZone>> zones;
  std::lock_guard lock(mutex);
  auto it = zones.find(std::string(name));
  if (it != zones.end()) return it->second;
  if (zones.size() > 1024) zones.clear();
  std::optional<absl::TimeZone> zone;
  std::string_view offset = name;
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (offset.starts_with(prefix) && offset.size() > prefix.size() &&
        (offset[prefix.size()] == '+' || offset[prefix.size()] == '-')) {
      offset.remove_prefix(prefix.size());
      break;
    }
  }
  if (name == "Z" || name == "UTC" || name == "GMT" || name == "UT") {
    zone = absl::UTCTimeZone();
  } else if (!offset.empty() && (offset[0] == '+' || offset[0] == '-')) {
    // ±H, ±HH, ±HH:MM, ±HHMM
    const int sign = offset[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : offset.substr(1)) {
      if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
      else if (c != ':') digits = "x";
    }
    if (!digits.empty() && digits.size() <= 4 && digits.find('x') == std::string::npos) {
      const int hours = std::stoi(digits.size() <= 2 ? digits : digits.substr(0, digits.size() - 2));
      const int minutes = digits.size() <= 2 ? 0 : std::stoi(digits.substr(digits.size() - 2));
      if (hours <= 18 && minutes < 60) zone = absl::FixedTimeZone(sign * (hours * 3600 + minutes * 60));
    }
  } else {
    absl::TimeZone loaded;
    if (absl::LoadTimeZone(std::string(name), &loaded)) zone = loaded;
  }
  zones.emplace(std::string(name), zone);
  return zone;
}

// The UTC instant of the wall-clock time `micros` in `zone` (a time in a gap or an overlap takes
// the offset before the transition, as java.time does).
int64_t WallTimeToUtc(int64_t micros, const absl::TimeZone& zone) {
  const int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  const absl::CivilSecond wall = absl::CivilSecond(1970, 1, 1, 0, 0, 0) + seconds;
  return absl::ToUnixSeconds(zone.At(wall).pre) * kMicrosPerSecond + (micros - seconds * kMicrosPerSecond);
}

// The wall-clock time in `zone` at the UTC instant `micros`.
int64_t UtcToWallTime(int64_t micros, const absl::TimeZone& zone) {
  const int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  return (seconds + zone.At(absl::FromUnixSeconds(seconds)).offset) * kMicrosPerSecond +
         (micros - seconds * kMicrosPerSecond);
}

Status ExpectZone(std::string_view name, const BindArguments& args, size_t i) {
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "timezone", args.types[i]));
  if (const Value* zone = fnutil::Constant(args, i); zone && !zone->is_null() && !ZoneNamed(zone->string())) {
    return Status::Invalid("{}: unknown time zone '{}'; expected a region such as "
                           "'Europe/Paris' or an offset such as '+08:00'",
                           name, zone->string());
  }
  return Status::OK();
}

// from_utc_timestamp(ts, zone): the wall-clock time in `zone` at the UTC instant ts;
// to_utc_timestamp(ts, zone): the UTC instant of the wall-clock time ts in `zone` (a time in a
// gap or an overlap takes the offset before the transition, as java.time does).
ScalarFunction ShiftZone(const char* name, const char* signature, bool from_utc) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
            SLUICE_RETURN_NOT_OK(ExpectZone(name, args, 1));
            BoundFunction f{DataType::Timestamp(), {DataType::Timestamp(), DataType::String()}, nullptr};
            f.kernel = fnutil::ValueKernel<int64_t>([from_utc](const std::vector<VectorPtr>& a,
                                                               size_t row) -> std::optional<int64_t> {
              const auto zone = ZoneNamed(StrAt(*a[1], row));
              if (!zone) return std::nullopt;
              const int64_t micros = a[0]->data<int64_t>()[row];
              return from_utc ? UtcToWallTime(micros, *zone) : WallTimeToUtc(micros, *zone);
            });
            return f;
          }};
}

// make_timestamp(year, month, day, hour, min, sec[, timezone]) and its _ltz, _ntz and try_
// forms: sec has microseconds; 60 seconds (with no fraction) is the next minute; anything
// invalid is NULL (the try_ forms in ANSI mode too). With a timezone the parts are a wall-clock
// time there; without, in the session time zone (UTC). TIMESTAMP_NTZ is a TIMESTAMP here.
ScalarFunction MakeTimestamp(const char* name, bool zone_allowed) {
  const std::string signature = fmt::format("{}(year, month, day, hour, min, sec{})", name,
                                            zone_allowed ? "[, timezone]" : "");
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(
                fnutil::CheckArity(signature, args.types.size(), 6, zone_allowed ? 7 : 6));
            for (size_t i = 0; i < 5; ++i) {
              SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger(name, "each part", args.types[i]));
            }
            if (!args.types[5].IsNumeric() && !args.types[5].IsStringLike() &&
                args.types[5].id() != TypeId::kNull) {
              return Status::Invalid("{}: sec must be a number, found {}", name,
                                     args.types[5].ToString());
            }
            std::vector<DataType> types(5, DataType::Int64());
            types.push_back(DataType::Decimal(16, 6));
            if (args.types.size() == 7) {
              SLUICE_RETURN_NOT_OK(ExpectZone(name, args, 6));
              types.push_back(DataType::String());
            }
            BoundFunction f{DataType::Timestamp(), types, nullptr};
            f.kernel = fnutil::ValueKernel<int64_t>([](const std::vector<VectorPtr>& a,
                                                       size_t row) -> std::optional<int64_t> {
              const auto date = CheckedDate(fnutil::IntAt(*a[0], row), fnutil::IntAt(*a[1], row),
                                            fnutil::IntAt(*a[2], row));
              const int64_t hour = fnutil::IntAt(*a[3], row), minute = fnutil::IntAt(*a[4], row);
              // DECIMAL(16, 6): microseconds (16 digits fit 64 bits).
              const int64_t micros = static_cast<int64_t>(a[5]->data<Int128>()[row]);
              if (!date || hour < 0 || hour > 23 || minute < 0 || minute > 59 || micros < 0) {
                return std::nullopt;
              }
              if (micros > 60 * kMicrosPerSecond) return std::nullopt;
              const int64_t wall =
                  *date * kMicrosPerDay + (hour * 3600 + minute * 60) * kMicrosPerSecond + micros;
              if (a.size() < 7) return wall;
              const auto zone = ZoneNamed(StrAt(*a[6], row));
              if (!zone) return std::nullopt;
              return WallTimeToUtc(wall, *zone);
            });
            return f;
          }};
}

// convert_timezone([source_tz, ]target_tz, ts): the wall-clock time ts in source_tz (the
// session's, UTC, when left out) as a wall-clock time in target_tz.
Result<BoundFunction> BindConvertTimezone(const BindArguments& args) {
  const char* signature = "convert_timezone([source_tz, ]target_tz, ts)";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 3));
  const size_t zones = args.types.size() - 1;
  for (size_t i = 0; i < zones; ++i) SLUICE_RETURN_NOT_OK(ExpectZone("convert_timezone", args, i));
  std::vector<DataType> types(zones, DataType::String());
  types.push_back(DataType::Timestamp());
  BoundFunction f{DataType::Timestamp(), types, nullptr};
  f.kernel = fnutil::ValueKernel<int64_t>([zones](const std::vector<VectorPtr>& a,
                                                  size_t row) -> std::optional<int64_t> {
    const auto source = zones == 2 ? ZoneNamed(StrAt(*a[0], row)) : absl::UTCTimeZone();
    const auto target = ZoneNamed(StrAt(*a[zones - 1], row));
    if (!source || !target) return std::nullopt;
    return UtcToWallTime(WallTimeToUtc(a[zones]->data<int64_t>()[row], *source), *target);
  });
  return f;
}

}  // namespace

void RegisterCalendarFunctions(FunctionRegistry& registry) {
  registry.Register({"make_date", "make_date(year, month, day)", BindMakeDate});
  registry.Register(MakeTimestamp("make_timestamp", true));
  registry.Register(MakeTimestamp("make_timestamp_ltz", true));
  registry.Register(MakeTimestamp("make_timestamp_ntz", false));
  registry.Register(MakeTimestamp("try_make_timestamp", true));
  registry.Register(MakeTimestamp("try_make_timestamp_ltz", true));
  registry.Register(MakeTimestamp("try_make_timestamp_ntz", false));
  registry.Register({"convert_timezone", "convert_timezone([source_tz, ]target_tz, ts)",
                     BindConvertTimezone});
  registry.Register({"unix_date", "unix_date(date)",
                     [](const BindArguments& a) { return BindUnixDate(a, true); }});
  registry.Register({"date_from_unix_date", "date_from_unix_date(days)",
                     [](const BindArguments& a) { return BindUnixDate(a, false); }});
  registry.Register({"months_between", "months_between(end, start[, round_off])", BindMonthsBetween});
  registry.Register({"next_day", "next_day(date, day_of_week)", BindNextDay});
  registry.Register({"timestampadd", "timestampadd(unit, n, ts)", BindTimestampAdd});
  registry.Register({"timestampdiff", "timestampdiff(unit, start, end)", BindTimestampDiff});
  // dateadd(start_date, days) is date_add; dateadd(unit, n, ts) is timestampadd. Likewise
  // datediff(end, start) and datediff(unit, start, end).
  registry.Register({"dateadd", "dateadd(start_date, days) | dateadd(unit, n, ts)",
                     [](const BindArguments& a) {
                       if (a.types.size() == 3) return BindTimestampAdd(a);
                       return FunctionRegistry::Builtin().Find("date_add")->bind(a);
                     }});
  registry.Register({"date_diff", "date_diff(end_date, start_date) | date_diff(unit, start, end)",
                     [](const BindArguments& a) {
                       if (a.types.size() == 3) return BindTimestampDiff(a);
                       return FunctionRegistry::Builtin().Find("datediff")->bind(a);
                     }});
  registry.Register(ShiftZone("from_utc_timestamp", "from_utc_timestamp(ts, timezone)", true));
  registry.Register(ShiftZone("to_utc_timestamp", "to_utc_timestamp(ts, timezone)", false));
}

}  // namespace sluice
