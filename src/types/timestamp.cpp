#include "types/timestamp.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include <fmt/format.h>

namespace sluice {
namespace {

// Reads exactly `n` digits at `pos`, advancing it.
bool Digits(std::string_view s, size_t& pos, int n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  *out = v;
  return true;
}

// Reads 1 or 2 digits (for 'YYYY-M-D' dates).
bool OneOrTwoDigits(std::string_view s, size_t& pos, int* out) {
  if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return false;
  int v = s[pos++] - '0';
  if (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') v = v * 10 + (s[pos++] - '0');
  *out = v;
  return true;
}

int64_t DaysFromCivil64(int64_t year, unsigned month, unsigned day);

// Spark's years: 4 to 7 digits with an optional sign ('+10000-01-01', '-0044-03-15', as
// FormatDate writes them), so every DATE and TIMESTAMP sluice prints reads back.
bool ParseDatePart(std::string_view s, size_t& pos, int32_t* days) {
  int sign = 1;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) sign = s[pos++] == '-' ? -1 : 1;
  int64_t year = 0;
  int digits = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && digits < 8) {
    year = year * 10 + (s[pos++] - '0');
    ++digits;
  }
  if (digits < 4 || digits > 7 || pos >= s.size() || s[pos++] != '-') return false;
  year *= sign;
  int month, day;
  if (!OneOrTwoDigits(s, pos, &month) || pos >= s.size() || s[pos++] != '-') return false;
  if (!OneOrTwoDigits(s, pos, &day)) return false;
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
  const int64_t d = DaysFromCivil64(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max()) return false;
  *days = static_cast<int32_t>(d);
  return true;
}

}  // namespace

// The proleptic Gregorian calendar counted in 400-year eras of 146097 days, with years starting
// on March 1 so the leap day ends a year: plain integer arithmetic, valid for every int32 day
// (std::chrono's year stops at 32767, and Spark's dates reach year 5881580).
int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  return static_cast<int32_t>(DaysFromCivil64(year, month, day));
}

namespace {
int64_t DaysFromCivil64(int64_t year, unsigned month, unsigned day) {
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}
}  // namespace

void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day) {
  const int64_t z = int64_t{days} + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  *day = static_cast<unsigned>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  *month = static_cast<unsigned>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  *year = static_cast<int>(year_of_era + era * 400 + (*month <= 2 ? 1 : 0));
}

int DaysInMonth(int year, unsigned month) {
  const int32_t next = month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
  return next - DaysFromCivil(year, month, 1);
}

std::optional<int32_t> AddMonthsToDate(int32_t days, int64_t months) {
  int year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  int64_t total;
  if (__builtin_add_overflow(int64_t{year} * 12 + (month - 1), months, &total)) return std::nullopt;
  const int64_t new_year = FloorDiv(total, 12);
  if (new_year < -290000 || new_year > 290000) return std::nullopt;
  const auto new_month = static_cast<unsigned>(total - new_year * 12 + 1);
  const auto last = static_cast<unsigned>(DaysInMonth(static_cast<int>(new_year), new_month));
  return DaysFromCivil(static_cast<int>(new_year), new_month, std::min(day, last));
}

std::optional<int32_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(text, pos, &days) || pos != text.size()) return std::nullopt;
  return days;
}

std::optional<int32_t> ParseYearOrMonth(std::string_view text) {
  auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const std::string_view year = text.substr(0, 4);
  if (year.size() != 4 || !digits(year)) return std::nullopt;
  const int y = (year[0] - '0') * 1000 + (year[1] - '0') * 100 + (year[2] - '0') * 10 + (year[3] - '0');
  if (text.size() == 4) return DaysFromCivil(y, 1, 1);
  const std::string_view month = text.substr(5);
  if (text[4] != '-' || month.size() > 2 || !digits(month)) return std::nullopt;
  const unsigned m = month.size() == 1 ? month[0] - '0' : (month[0] - '0') * 10 + (month[1] - '0');
  if (m < 1 || m > 12) return std::nullopt;
  return DaysFromCivil(y, m, 1);
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(s, pos, &days)) return std::nullopt;
  // Beyond about year 294247 a day's microseconds leave int64 (Spark's TIMESTAMP ends there too).
  constexpr int64_t kMaxDays = std::numeric_limits<int64_t>::max() / kMicrosPerDay - 1;
  if (days > kMaxDays || days < -kMaxDays) return std::nullopt;
  int64_t micros = days * kMicrosPerDay;
  if (pos == s.size()) return micros;
  if (s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
  ++pos;
  int hour, minute, second = 0;
  if (!Digits(s, pos, 2, &hour) || pos >= s.size() || s[pos++] != ':') return std::nullopt;
  if (!Digits(s, pos, 2, &minute)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, pos, 2, &second)) return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  micros += (hour * 3600LL + minute * 60LL + second) * kMicrosPerSecond;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t fraction = 0;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) fraction = fraction * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (int i = digits; i < 6; ++i) fraction *= 10;
    micros += fraction;
  }
  if (pos == s.size()) return micros;
  if (s[pos] == 'Z' && pos + 1 == s.size()) return micros;
  if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos++] == '+' ? 1 : -1;
    int oh, om = 0;
    if (!Digits(s, pos, 2, &oh)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (pos < s.size() && !Digits(s, pos, 2, &om)) return std::nullopt;
    if (pos != s.size() || oh > 18 || om > 59) return std::nullopt;
    return micros - sign * (oh * 3600LL + om * 60LL) * kMicrosPerSecond;
  }
  return std::nullopt;
}

std::string FormatDate(int32_t days) {
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  // As Spark writes years outside 0..9999: '+10000-01-01', '-0044-03-15'.
  if (y > 9999) return fmt::format("+{}-{:02}-{:02}", y, m, d);
  if (y < 0) return fmt::format("-{:04}-{:02}-{:02}", -int64_t{y}, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string FormatTimestamp(int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros % kMicrosPerDay;  // not micros - days * ...: that overflows at the limits
  if (rest < 0) rest += kMicrosPerDay;
  int64_t secs = rest / kMicrosPerSecond;
  int64_t frac = rest % kMicrosPerSecond;
  std::string out = fmt::format("{} {:02}:{:02}:{:02}", FormatDate(static_cast<int32_t>(days)),
                                secs / 3600, secs / 60 % 60, secs % 60);
  if (frac) {
    std::string f = fmt::format("{:06}", frac);
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

}  // namespace sluice
