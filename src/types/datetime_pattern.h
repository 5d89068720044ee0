#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sluice {

// A Spark (java.time DateTimeFormatter) datetime pattern, compiled once into a list of fields so
// formatting and parsing a value is a walk over that list with no pattern analysis per row.
// Everything is UTC: zone letters print a zero offset and an offset in parsed text is applied.
//
// Letters: G (AD), y/u (year: yy two-digit, base 2000), Q/q (quarter: 1, 01, Q1, 1st quarter;
// checked but not used when parsing), M/L (1, 01, Jan, January), d, D (day of
// year), H (0-23), h (1-12), K (0-11), k (1-24), m, s, S... (fraction, up to 9 digits),
// a (AM/PM), E (Tue, Tuesday), Z/X/x (offset), 'quoted text' ('' is a quote) and [optional
// sections]. Other ASCII letters are rejected, as Spark rejects them.
class DatetimePattern {
 public:
  static Result<DatetimePattern> Compile(std::string_view pattern);

  const std::string& pattern() const { return pattern_; }
  // Text of a timestamp (microseconds since the epoch, UTC).
  std::string Format(int64_t micros) const;
  void FormatTo(int64_t micros, std::string& out) const;
  // The timestamp the whole of `text` spells, or nullopt if it does not match the pattern or
  // names an impossible date/time (Feb 30, hour 25). Fields absent from the pattern default to
  // 1970-01-01 00:00:00. Letters match case-insensitively, as in Spark.
  std::optional<int64_t> Parse(std::string_view text) const;

  enum class Kind : uint8_t {
    kLiteral, kEra, kYear, kQuarter, kMonth, kDay, kDayOfYear, kHour23, kHour12, kHour11, kHour24,
    kMinute, kSecond, kFraction, kAmPm, kDayName, kOffsetZ, kOffsetX, kOffsetx,
    kOptionalStart, kOptionalEnd
  };
  struct Field {
    Kind kind;
    int count = 1;        // how many times the letter was repeated
    std::string literal;  // kLiteral only
    size_t end = 0;       // kOptionalStart: index of the matching kOptionalEnd
  };

 private:
  struct ParseState;
  bool ParseRange(std::string_view text, size_t& pos, size_t begin, size_t end,
                  ParseState& state) const;

  std::string pattern_;
  std::vector<Field> fields_;
};

}  // namespace sluice
