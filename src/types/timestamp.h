#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// Timestamps are int64 microseconds since the Unix epoch, UTC; dates are int32 days since it.
constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// The range every sink can store and Spark reads: 0001-01-01 00:00:00 to 9999-12-31
// 23:59:59.999999 UTC. A source column declared TIMESTAMP/DATE takes only values inside it.
constexpr int64_t kMinTimestampMicros = -62'135'596'800 * kMicrosPerSecond;
constexpr int64_t kMaxTimestampMicros = 253'402'300'799 * kMicrosPerSecond + 999'999;
constexpr int32_t kMinDateDays = -719'162;  // 0001-01-01
constexpr int32_t kMaxDateDays = 2'932'896;  // 9999-12-31

// Parses 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.f{1,9}]]' or the ISO-8601 form with 'T', each with
// an optional 'Z' or '±HH[:MM]' offset (no offset means UTC). Hot path: no allocation.
std::optional<int64_t> ParseTimestamp(std::string_view text);
// Parses 'YYYY-MM-DD' (also 'YYYY-M-D').
std::optional<int32_t> ParseDate(std::string_view text);
// Parses a year 'YYYY' or a month 'YYYY-[M]M' as its first day, which Spark's CAST from a
// string to DATE or TIMESTAMP also takes.
std::optional<int32_t> ParseYearOrMonth(std::string_view text);

// 'YYYY-MM-DD HH:MM:SS', with '.ffffff' (trailing zeros trimmed) when there are fractions.
std::string FormatTimestamp(int64_t micros);
// 'YYYY-MM-DD'
std::string FormatDate(int32_t days);

// Days since the epoch of a civil date, and back (proleptic Gregorian).
int32_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day);
// Days in a month of the proleptic Gregorian calendar (28..31).
int DaysInMonth(int year, unsigned month);
// The date `months` calendar months after `days` (before, when negative); a day past the new
// month's end becomes its last day (2024-01-31 + 1 month = 2024-02-29), as Spark's add_months.
// nullopt beyond year ±290000.
std::optional<int32_t> AddMonthsToDate(int32_t days, int64_t months);

// Floor division that rounds toward negative infinity (timestamps before 1970 included).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace sluice
