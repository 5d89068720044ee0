#include "types/timestamp.h"

#include <chrono>

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

bool ParseDatePart(std::string_view s, size_t& pos, int32_t* days) {
  int year, month, day;
  if (!Digits(s, pos, 4, &year) || pos >= s.size() || s[pos++] != '-') return false;
  if (!OneOrTwoDigits(s, pos, &month) || pos >= s.size() || s[pos++] != '-') return false;
  if (!OneOrTwoDigits(s, pos, &day)) return false;
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return false;
  *days = DaysFromCivil(year, month, day);
  return true;
}

}  // namespace

int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  auto d = std::chrono::sys_days(std::chrono::year_month_day{
      std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)});
  return static_cast<int32_t>(d.time_since_epoch().count());
}

void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day) {
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  *year = static_cast<int>(ymd.year());
  *month = static_cast<unsigned>(ymd.month());
  *day = static_cast<unsigned>(ymd.day());
}

std::optional<int32_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(text, pos, &days) || pos != text.size()) return std::nullopt;
  return days;
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(s, pos, &days)) return std::nullopt;
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
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string FormatTimestamp(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
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
