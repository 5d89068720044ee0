#include "types/datetime_pattern.h"

#include <string>

#include <array>
#include <cctype>

#include "types/timestamp.h"

namespace sluice {
namespace {

using Kind = DatetimePattern::Kind;

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 4> kQuarterNames = {"1st quarter", "2nd quarter",
                                                           "3rd quarter", "4th quarter"};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

bool IsNumeric(const DatetimePattern::Field& f) {
  switch (f.kind) {
    case Kind::kYear: case Kind::kDay: case Kind::kDayOfYear: case Kind::kHour23:
    case Kind::kHour12: case Kind::kHour11: case Kind::kHour24: case Kind::kMinute:
    case Kind::kSecond: case Kind::kFraction:
      return true;
    case Kind::kMonth:
    case Kind::kQuarter:
      return f.count <= 2;
    default:
      return false;
  }
}

void AppendPadded(std::string& out, int64_t v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[--n];
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Matches one of `names` (full, or their first three letters) at text[pos]; returns its index.
template <size_t N>
int MatchName(std::string_view text, size_t& pos, const std::array<std::string_view, N>& names,
              bool full) {
  for (size_t i = 0; i < N; ++i) {
    std::string_view name = full ? names[i] : names[i].substr(0, 3);
    if (EqualsIgnoreCase(text.substr(pos, name.size()), name)) {
      pos += name.size();
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Up to 9 digits at text[pos], at least min_digits; advances pos.
std::optional<int64_t> ReadDigits(std::string_view text, size_t& pos, int min_digits,
                                  int max_digits, int* digits_read = nullptr) {
  int64_t v = 0;
  int n = 0;
  while (n < max_digits && pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    v = v * 10 + (text[pos] - '0');
    ++pos;
    ++n;
  }
  if (n < min_digits) return std::nullopt;
  if (digits_read) *digits_read = n;
  return v;
}

// 'Z', '+HH', '+HHMM', '+HH:MM' (also with seconds) → offset seconds east of UTC.
std::optional<int64_t> ReadOffset(std::string_view text, size_t& pos) {
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
    return 0;
  }
  if (EqualsIgnoreCase(text.substr(pos, 3), "UTC") || EqualsIgnoreCase(text.substr(pos, 3), "GMT")) {
    pos += 3;
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return 0;
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
  int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  auto hours = ReadDigits(text, pos, 1, 2);
  if (!hours || *hours > 18) return std::nullopt;
  int64_t seconds = *hours * 3600;
  for (int64_t unit : {60, 1}) {
    size_t p = pos;
    if (p < text.size() && text[p] == ':') ++p;
    auto part = ReadDigits(text, p, 2, 2);
    if (!part) break;
    if (*part > 59) return std::nullopt;
    seconds += *part * unit;
    pos = p;
  }
  return sign * seconds;
}

}  // namespace

Result<DatetimePattern> DatetimePattern::Compile(std::string_view pattern) {
  DatetimePattern p;
  p.pattern_ = std::string(pattern);
  std::vector<size_t> open;  // indices of unclosed '['
  auto add_literal = [&p](std::string_view text) {
    if (!p.fields_.empty() && p.fields_.back().kind == Kind::kLiteral) {
      p.fields_.back().literal += text;
    } else {
      p.fields_.push_back({Kind::kLiteral, 1, std::string(text), 0});
    }
  };
  auto error = [&pattern](std::string_view what) {
    return Status::Invalid("invalid datetime pattern '{}': {}", pattern, what);
  };
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      std::string text;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= pattern.size()) return error("unterminated quote");
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            text += '\'';
            ++j;
            continue;
          }
          break;
        }
        text += pattern[j];
      }
      if (!text.empty()) add_literal(text);
      i = j + 1;
      continue;
    }
    if (c == '[') {
      open.push_back(p.fields_.size());
      p.fields_.push_back({Kind::kOptionalStart, 1, {}, 0});
      ++i;
      continue;
    }
    if (c == ']') {
      if (open.empty()) return error("']' without '['");
      p.fields_[open.back()].end = p.fields_.size();
      open.pop_back();
      p.fields_.push_back({Kind::kOptionalEnd, 1, {}, 0});
      ++i;
      continue;
    }
    if (c == '#' || c == '{' || c == '}') return error(fmt::format("reserved character '{}'", c));
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      add_literal(std::string_view(&pattern[i], 1));
      ++i;
      continue;
    }
    int count = 0;
    while (i < pattern.size() && pattern[i] == c) {
      ++count;
      ++i;
    }
    Kind kind;
    int max_count = 2;
    switch (c) {
      case 'G': kind = Kind::kEra; max_count = 5; break;
      case 'y': kind = Kind::kYear; max_count = 9; break;
      case 'M': case 'L': kind = Kind::kMonth; max_count = 4; break;
      case 'Q': case 'q': kind = Kind::kQuarter; max_count = 4; break;
      case 'd': kind = Kind::kDay; break;
      case 'D': kind = Kind::kDayOfYear; max_count = 3; break;
      case 'H': kind = Kind::kHour23; break;
      case 'h': kind = Kind::kHour12; break;
      case 'K': kind = Kind::kHour11; break;
      case 'k': kind = Kind::kHour24; break;
      case 'm': kind = Kind::kMinute; break;
      case 's': kind = Kind::kSecond; break;
      case 'S': kind = Kind::kFraction; max_count = 9; break;
      case 'a': kind = Kind::kAmPm; max_count = 1; break;
      case 'E': kind = Kind::kDayName; max_count = 4; break;
      case 'Z': kind = Kind::kOffsetZ; max_count = 5; break;
      case 'X': kind = Kind::kOffsetX; max_count = 5; break;
      case 'x': kind = Kind::kOffsetx; max_count = 5; break;
      default: return error(fmt::format("unsupported pattern letter '{}'", c));
    }
    if (count > max_count) {
      return error(fmt::format("too many pattern letters '{}'", std::string(count, c)));
    }
    p.fields_.push_back({kind, count, {}, 0});
  }
  if (!open.empty()) return error("'[' without ']'");
  return p;
}

std::string DatetimePattern::Format(int64_t micros) const {
  std::string out;
  FormatTo(micros, out);
  return out;
}

void DatetimePattern::FormatTo(int64_t micros, std::string& out) const {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t in_day = micros - days * kMicrosPerDay;
  int year;
  unsigned month, day;
  CivilFromDays(static_cast<int32_t>(days), &year, &month, &day);
  int64_t hour = in_day / (3600 * kMicrosPerSecond);
  int64_t minute = in_day / (60 * kMicrosPerSecond) % 60;
  int64_t second = in_day / kMicrosPerSecond % 60;
  int64_t fraction = in_day % kMicrosPerSecond;
  for (const Field& f : fields_) {
    switch (f.kind) {
      case Kind::kLiteral: out += f.literal; break;
      case Kind::kEra: out += year > 0 ? "AD" : "BC"; break;
      case Kind::kYear:
        if (f.count == 2) {
          AppendPadded(out, ((year % 100) + 100) % 100, 2);
        } else {
          // java.time's 'yyyy' (4 letters or more) signs a year wider than the letters.
          if (f.count >= 4 && year > 0 && std::to_string(year).size() > static_cast<size_t>(f.count)) {
            out += '+';
          }
          AppendPadded(out, year, f.count);
        }
        break;
      case Kind::kQuarter: {
        const unsigned quarter = (month + 2) / 3;
        if (f.count <= 2) {
          AppendPadded(out, quarter, f.count);
        } else if (f.count == 3) {
          out += 'Q';
          out += static_cast<char>('0' + quarter);
        } else {
          out += kQuarterNames[quarter - 1];
        }
        break;
      }
      case Kind::kMonth:
        if (f.count <= 2) {
          AppendPadded(out, month, f.count);
        } else {
          std::string_view name = kMonthNames[month - 1];
          out += f.count == 3 ? name.substr(0, 3) : name;
        }
        break;
      case Kind::kDay: AppendPadded(out, day, f.count); break;
      case Kind::kDayOfYear:
        AppendPadded(out, days - DaysFromCivil(year, 1, 1) + 1, f.count);
        break;
      case Kind::kHour23: AppendPadded(out, hour, f.count); break;
      case Kind::kHour12: AppendPadded(out, hour % 12 == 0 ? 12 : hour % 12, f.count); break;
      case Kind::kHour11: AppendPadded(out, hour % 12, f.count); break;
      case Kind::kHour24: AppendPadded(out, hour == 0 ? 24 : hour, f.count); break;
      case Kind::kMinute: AppendPadded(out, minute, f.count); break;
      case Kind::kSecond: AppendPadded(out, second, f.count); break;
      case Kind::kFraction: {
        // Truncates microseconds to `count` digits; digits past microseconds are zeros.
        char digits[7];
        int64_t v = fraction;
        for (int i = 5; i >= 0; --i) {
          digits[i] = static_cast<char>('0' + v % 10);
          v /= 10;
        }
        for (int i = 0; i < f.count; ++i) out += i < 6 ? digits[i] : '0';
        break;
      }
      case Kind::kAmPm: out += hour < 12 ? "AM" : "PM"; break;
      case Kind::kDayName: {
        std::string_view name = kDayNames[static_cast<size_t>(((days + 4) % 7 + 7) % 7)];
        out += f.count == 4 ? name : name.substr(0, 3);
        break;
      }
      case Kind::kOffsetZ:
        out += f.count <= 3 ? "+0000" : f.count == 4 ? "GMT" : "Z";
        break;
      case Kind::kOffsetX: out += 'Z'; break;
      case Kind::kOffsetx:
        out += f.count == 1 ? "+00" : (f.count == 3 || f.count == 5) ? "+00:00" : "+0000";
        break;
      case Kind::kOptionalStart:
      case Kind::kOptionalEnd:
        break;  // every field of a timestamp is known, so optional sections always print
    }
  }
}

struct DatetimePattern::ParseState {
  int64_t year = 1970;
  int64_t month = 1;
  int64_t day = 1;
  int64_t day_of_year = 0;  // 0: not given
  int64_t hour = 0;
  Kind hour_kind = Kind::kHour23;
  int pm = -1;  // -1: no AM/PM in the text
  int64_t minute = 0;
  int64_t second = 0;
  int64_t micros = 0;
  int64_t offset_seconds = 0;
  bool bc = false;
};

bool DatetimePattern::ParseRange(std::string_view text, size_t& pos, size_t begin, size_t end,
                                 ParseState& s) const {
  for (size_t i = begin; i < end; ++i) {
    const Field& f = fields_[i];
    // A variable-width number right before another number takes only its minimum width, so
    // 'yyyyMMdd' splits '20240305' the way java.time's adjacent value parsing does.
    bool adjacent = i + 1 < end && IsNumeric(fields_[i + 1]);
    switch (f.kind) {
      case Kind::kLiteral:
        if (!EqualsIgnoreCase(text.substr(pos, f.literal.size()), f.literal)) return false;
        pos += f.literal.size();
        break;
      case Kind::kOptionalStart: {
        size_t p = pos;
        ParseState saved = s;
        if (ParseRange(text, p, i + 1, f.end, saved)) {
          pos = p;
          s = saved;
        }
        i = f.end;
        break;
      }
      case Kind::kOptionalEnd:
        break;
      case Kind::kEra:
        if (EqualsIgnoreCase(text.substr(pos, 2), "AD")) {
          s.bc = false;
        } else if (EqualsIgnoreCase(text.substr(pos, 2), "BC")) {
          s.bc = true;
        } else {
          return false;
        }
        pos += 2;
        break;
      case Kind::kYear: {
        int min = f.count == 2 ? 2 : f.count;
        int max = f.count == 2 ? 2 : (adjacent ? std::max(f.count, 4) : 9);
        auto v = ReadDigits(text, pos, min, max);
        if (!v) return false;
        s.year = f.count == 2 ? 2000 + *v : *v;
        break;
      }
      case Kind::kMonth:
        if (f.count >= 3) {
          int m = MatchName(text, pos, kMonthNames, f.count == 4);
          if (m < 0) return false;
          s.month = m + 1;
          break;
        }
        [[fallthrough]];
      case Kind::kDay: case Kind::kHour23: case Kind::kHour12: case Kind::kHour11:
      case Kind::kHour24: case Kind::kMinute: case Kind::kSecond: {
        auto v = ReadDigits(text, pos, f.count, adjacent ? f.count : 2);
        if (!v) return false;
        switch (f.kind) {
          case Kind::kMonth: s.month = *v; break;
          case Kind::kDay: s.day = *v; break;
          case Kind::kMinute: s.minute = *v; break;
          case Kind::kSecond: s.second = *v; break;
          default: s.hour = *v; s.hour_kind = f.kind; break;
        }
        break;
      }
      case Kind::kDayOfYear: {
        auto v = ReadDigits(text, pos, f.count, adjacent ? f.count : 3);
        if (!v || *v == 0) return false;
        s.day_of_year = *v;
        break;
      }
      case Kind::kFraction: {
        int n = 0;
        auto v = ReadDigits(text, pos, adjacent ? f.count : 1, f.count, &n);
        if (!v) return false;
        int64_t micros = *v;
        for (; n < 6; ++n) micros *= 10;
        for (; n > 6; --n) micros /= 10;
        s.micros = micros;
        break;
      }
      case Kind::kAmPm:
        if (EqualsIgnoreCase(text.substr(pos, 2), "AM")) {
          s.pm = 0;
        } else if (EqualsIgnoreCase(text.substr(pos, 2), "PM")) {
          s.pm = 1;
        } else {
          return false;
        }
        pos += 2;
        break;
      case Kind::kDayName:
        if (MatchName(text, pos, kDayNames, f.count == 4) < 0) return false;
        break;
      case Kind::kQuarter: {
        // Read and checked, not used: the month fields say where in the year the date is.
        if (f.count <= 2) {
          auto v = ReadDigits(text, pos, f.count, adjacent ? f.count : 2);
          if (!v || *v < 1 || *v > 4) return false;
        } else if (f.count == 3) {
          if (pos + 2 > text.size() || (text[pos] != 'Q' && text[pos] != 'q') ||
              text[pos + 1] < '1' || text[pos + 1] > '4') {
            return false;
          }
          pos += 2;
        } else if (MatchName(text, pos, kQuarterNames, true) < 0) {
          return false;
        }
        break;
      }
      case Kind::kOffsetZ: case Kind::kOffsetX: case Kind::kOffsetx: {
        auto offset = ReadOffset(text, pos);
        if (!offset) return false;
        s.offset_seconds = *offset;
        break;
      }
    }
  }
  return true;
}

std::optional<int64_t> DatetimePattern::Parse(std::string_view text) const {
  ParseState s;
  size_t pos = 0;
  if (!ParseRange(text, pos, 0, fields_.size(), s) || pos != text.size()) return std::nullopt;
  int64_t year = s.bc ? 1 - s.year : s.year;
  if (year < -290000 || year > 290000) return std::nullopt;
  int64_t days;
  if (s.day_of_year > 0) {
    if (s.day_of_year > (IsLeap(year) ? 366 : 365)) return std::nullopt;
    days = DaysFromCivil(static_cast<int>(year), 1, 1) + s.day_of_year - 1;
  } else {
    if (s.month < 1 || s.month > 12) return std::nullopt;
    if (s.day < 1 || s.day > DaysInMonth(year, static_cast<int>(s.month))) return std::nullopt;
    days = DaysFromCivil(static_cast<int>(year), static_cast<unsigned>(s.month),
                         static_cast<unsigned>(s.day));
  }
  int64_t hour = s.hour;
  switch (s.hour_kind) {
    case Kind::kHour12:
      if (hour < 1 || hour > 12) return std::nullopt;
      hour = hour % 12 + (s.pm == 1 ? 12 : 0);
      break;
    case Kind::kHour11:
      if (hour > 11) return std::nullopt;
      hour += s.pm == 1 ? 12 : 0;
      break;
    case Kind::kHour24:
      if (hour < 1 || hour > 24) return std::nullopt;
      hour %= 24;
      break;
    default:
      if (hour > 23) return std::nullopt;
  }
  if (s.minute > 59 || s.second > 59) return std::nullopt;
  return days * kMicrosPerDay + (hour * 3600 + s.minute * 60 + s.second) * kMicrosPerSecond +
         s.micros - s.offset_seconds * kMicrosPerSecond;
}

}  // namespace sluice
