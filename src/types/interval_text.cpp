#include "types/interval_text.h"

#include <cctype>
#include <limits>
#include <string>

#include "types/decimal.h"

namespace sluice {
namespace {

constexpr int64_t kDayTimeMicros[] = {86'400'000'000, 3'600'000'000, 60'000'000, 1'000'000};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Reads the text of INTERVAL [-]'...' <fields> when `text` is that literal: the quoted part
// (with the outer sign folded in as a leading '-'), if the fields are the type's.
std::optional<std::string> UnwrapLiteral(std::string_view text, bool year_month, int start, int end) {
  if (text.size() < 8 || !EqualsIgnoreCase(text.substr(0, 8), "INTERVAL")) return std::string(text);
  text = Trim(text.substr(8));
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text = Trim(text.substr(1));
  }
  if (text.empty() || (text[0] != '\'' && text[0] != '"')) return std::nullopt;
  const size_t close = text.find(text[0], 1);
  if (close == std::string_view::npos) return std::nullopt;
  std::string inner(text.substr(1, close - 1));
  std::string fields(IntervalFieldName(year_month, start));
  if (end != start) {
    fields += " TO ";
    fields += IntervalFieldName(year_month, end);
  }
  // The words after the quotes, with single spaces, must name the type's fields.
  std::string words;
  for (char c : Trim(text.substr(close + 1))) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!words.empty() && words.back() != ' ') words += ' ';
    } else {
      words += c;
    }
  }
  if (!EqualsIgnoreCase(words, fields)) return std::nullopt;
  if (negative) {
    if (!inner.empty() && inner[0] == '-') {
      inner.erase(0, 1);
    } else {
      inner.insert(0, "-");
    }
  }
  return inner;
}

struct SignedText {
  std::string digits;  // the fields' numbers and separators
  bool negative = false;
};

// The text inside a literal's quotes (or the text itself), its leading sign taken off.
std::optional<SignedText> Body(std::string_view raw, bool year_month, int start, int end) {
  const std::optional<std::string> unwrapped = UnwrapLiteral(Trim(raw), year_month, start, end);
  if (!unwrapped) return std::nullopt;
  std::string_view s = Trim(*unwrapped);
  SignedText body;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    body.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  body.digits = s;
  return body;
}

// Digits at `pos` as a number (at most 18 digits); advances pos.
std::optional<int64_t> Digits(std::string_view s, size_t& pos) {
  const size_t start = pos;
  int64_t v = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    if (pos - start >= 18) return std::nullopt;
    v = v * 10 + (s[pos++] - '0');
  }
  if (pos == start) return std::nullopt;
  return v;
}

}  // namespace

std::string_view IntervalFieldName(bool year_month, int field) {
  static constexpr std::string_view kDayTime[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
  static constexpr std::string_view kYearMonth[] = {"YEAR", "MONTH"};
  return year_month ? kYearMonth[field] : kDayTime[field];
}

std::optional<int64_t> ParseDayTimeIntervalText(std::string_view raw, int start, int end) {
  const std::optional<SignedText> body = Body(raw, false, start, end);
  if (!body) return std::nullopt;
  const std::string_view s = body->digits;
  const bool negative = body->negative;
  size_t pos = 0;
  Int128 total = 0;
  for (int field = start; field <= end; ++field) {
    if (field > start) {
      const char separator = field == 1 ? ' ' : ':';
      if (pos >= s.size() || s[pos] != separator) return std::nullopt;
      ++pos;
    }
    const std::optional<int64_t> n = Digits(s, pos);
    if (!n) return std::nullopt;
    static constexpr int64_t kLimit[] = {0, 23, 59, 59};
    if (field > start && *n > kLimit[field]) return std::nullopt;
    total += static_cast<Int128>(*n) * kDayTimeMicros[field];
    if (field == 3 && pos < s.size() && s[pos] == '.') {
      const size_t from = ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
      if (pos - from > 9) return std::nullopt;  // Spark reads up to nanoseconds
      int64_t fraction = 0;
      for (size_t k = 0; k < 6; ++k) fraction = fraction * 10 + (from + k < pos ? s[from + k] - '0' : 0);
      total += fraction;
    }
  }
  if (pos != s.size()) return std::nullopt;
  if (negative) total = -total;
  if (total > std::numeric_limits<int64_t>::max() || total < std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  return static_cast<int64_t>(total);
}

std::optional<int32_t> ParseYearMonthIntervalText(std::string_view raw, int start, int end) {
  const std::optional<SignedText> body = Body(raw, true, start, end);
  if (!body) return std::nullopt;
  const std::string_view s = body->digits;
  const bool negative = body->negative;
  size_t pos = 0;
  const std::optional<int64_t> first = Digits(s, pos);
  if (!first) return std::nullopt;
  if (*first > std::numeric_limits<int32_t>::max()) return std::nullopt;
  int64_t months = start == 0 ? *first * 12 : *first;
  if (start == 0 && end == 1) {
    if (pos >= s.size() || s[pos] != '-') return std::nullopt;
    ++pos;
    const std::optional<int64_t> m = Digits(s, pos);
    if (!m || *m > 11) return std::nullopt;
    months += *m;
  }
  // -2^31 months is in range, +2^31 is not.
  if (pos != s.size() || months > int64_t{std::numeric_limits<int32_t>::max()} + (negative ? 1 : 0)) {
    return std::nullopt;
  }
  return static_cast<int32_t>(negative ? -months : months);
}

}  // namespace sluice
