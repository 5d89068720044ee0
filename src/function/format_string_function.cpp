// format_string(fmt, args...) and its alias printf: java.util.Formatter (Locale.US) as Spark
// calls it, with the values Spark hands to Java: STRING the text, INT an Integer, BIGINT a Long,
// DOUBLE a Double, BOOLEAN a Boolean, DECIMAL Spark's own Decimal class (not a BigDecimal, so
// %d/%f/%e/%g reject it, as in Spark), NULL a null ("null", or "false" for %b).
//
// The format is %[argument_index$][flags][width][.precision]conversion with the conversions
// b B h H s S c C d o x X e E f g G % n, the flags - # + ' ' 0 , ( and '<' (the previous
// argument again). Java's rules: %x/%o write an INT's 32-bit and a BIGINT's 64-bit two's
// complement; %e/%f/%g round half up the digits of Double.toString (FormattedFloatingDecimal);
// widths and precisions count UTF-16 units, as Java's String does.
//
// Departures: DATE and TIMESTAMP are written by %s/%S as CAST(x AS STRING) writes them (Spark
// prints its internal number there: days since 1970 for a DATE, microseconds for a TIMESTAMP);
// every other conversion sees that number, as in Spark (%d of a DATE is its day number). BINARY,
// INTERVAL and nested arguments are rejected (Spark prints a Java object's identity for BINARY).
// %a/%A and the date/time conversions %t/%T are not supported. A literal format that Java would
// reject is a bind error; a format from a column that Java would reject makes the row NULL, as
// does %c of a value that is not a code point (Spark fails the query in both cases).
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "format/value_text.h"
#include "types/decimal.h"
#include "function/cast.h"
#include "common/utf8.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/unicode_case.h"

namespace sluice {
namespace {

using fnutil::StrAt;

// ---- the format -------------------------------------------------------------------------------

enum Flag : unsigned {
  kLeft = 1,         // '-'
  kAlternate = 2,    // '#'
  kPlus = 4,         // '+'
  kSpace = 8,        // ' '
  kZeroPad = 16,     // '0'
  kGroup = 32,       // ','
  kParentheses = 64, // '('
  kPrevious = 128,   // '<'
  kUpper = 256,      // an upper-case conversion: S B H C X E G
};

constexpr std::string_view kFlagChars = "-#+ 0,(<";

// A piece of the format: literal text (conversion 0) or one specifier.
struct Spec {
  std::string text;     // the literal text, or the specifier as written (for errors)
  char conversion = 0;  // lower case: b h s c d o x e f g % n
  unsigned flags = 0;
  int width = -1;
  int precision = -1;
  int index = 0;  // as written: 0 ordinary, n for n$ (1-based)
  int arg = -1;   // the 0-based argument after the format it prints; -1 for % and n
};

std::string FlagText(unsigned flags) {
  std::string s;
  for (size_t i = 0; i < kFlagChars.size(); ++i) {
    if (flags & (1u << i)) s += kFlagChars[i];
  }
  return s;
}

// Widths and precisions beyond this are refused: Java would try to build the text (and run out
// of memory for the largest ints); a row should not allocate gigabytes.
constexpr int kMaxWidth = 1 << 20;

// Reads the digits s[begin, end) into an int; false if they overflow it (Java's
// NumberFormatException) or, with `limit`, exceed kMaxWidth.
bool ReadInt(std::string_view s, size_t begin, size_t end, int& value, bool limit = false) {
  auto [ptr, ec] = std::from_chars(s.data() + begin, s.data() + end, value);
  return ec == std::errc() && ptr == s.data() + end && (!limit || value <= kMaxWidth);
}

// Java's checks of a specifier that do not depend on its argument (FormatSpecifier's
// checkGeneral / checkCharacter / checkInteger / checkFloat / checkText); "" when it is valid.
std::string CheckSpec(const Spec& spec) {
  const unsigned f = spec.flags & ~(kUpper | kPrevious);
  const char c = spec.conversion;
  auto bad = [&](unsigned flags) -> std::string {
    if (unsigned b = f & flags) {
      return "the flag '" + FlagText(b & (~b + 1)) + "' does not go with %" + std::string(1, c);
    }
    return "";
  };
  auto missing_width = [&]() -> std::string {
    return "the flag '" + FlagText(f & (kLeft | kZeroPad) & ~((f & (kLeft | kZeroPad)) - 1)) +
           "' needs a width";
  };
  auto numeric = [&]() -> std::string {
    if (spec.width == -1 && (f & (kLeft | kZeroPad))) return missing_width();
    if ((f & kPlus) && (f & kSpace)) return "the flags '+' and ' ' exclude each other";
    if ((f & kLeft) && (f & kZeroPad)) return "the flags '-' and '0' exclude each other";
    return "";
  };
  std::string e;
  switch (c) {
    case 'b': case 'h': case 's':
      if (c != 's' && (f & kAlternate)) return bad(kAlternate);
      if (spec.width == -1 && (f & kLeft)) return missing_width();
      if (!(e = bad(kPlus | kSpace | kZeroPad | kGroup | kParentheses)).empty()) return e;
      // %#s asks a java.util.Formattable to format itself; no SQL value is one.
      if (f & kAlternate) return "the flag '#' does not go with %s (no SQL value is Formattable)";
      return "";
    case 'c':
      if (spec.precision != -1) return "%c takes no precision";
      e = bad(kAlternate | kPlus | kSpace | kZeroPad | kGroup | kParentheses);
      if (!e.empty()) return e;
      if (spec.width == -1 && (f & kLeft)) return missing_width();
      return "";
    case 'd': case 'o': case 'x':
      if (!(e = numeric()).empty()) return e;
      if (spec.precision != -1) return "an integer conversion takes no precision";
      return bad(c == 'd' ? kAlternate : kGroup);
    case 'e': case 'f': case 'g':
      if (!(e = numeric()).empty()) return e;
      if (c == 'e') return bad(kGroup);
      if (c == 'g') return bad(kAlternate);
      return "";
    case '%':
      if (spec.precision != -1) return "%% takes no precision";
      if (spec.flags & kPrevious) return "the flag '<' does not go with %%";
      if (f & ~kLeft) return bad(f & ~kLeft);
      if (spec.width == -1 && (f & kLeft)) return missing_width();
      return "";
    case 'n':
      if (spec.precision != -1) return "%n takes no precision";
      if (spec.width != -1) return "%n takes no width";
      if (spec.flags & kPrevious) return "the flag '<' does not go with %n";
      if (f) return bad(f);
      return "";
  }
  return "";
}

// Splits a format into literal text and specifiers, Java's way (Formatter.parse and its
// specifier pattern %(\d+\$)?([-#+ 0,(\<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%])), then gives each
// specifier the argument it prints. False (with `error`) where Java would throw.
bool ParseFormat(std::string_view s, size_t num_args, std::vector<Spec>& specs,
                 std::string& error) {
  specs.clear();
  auto literal = [&](std::string_view text) {
    Spec spec;
    spec.text = text;
    specs.push_back(std::move(spec));
  };
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = s.find('%', i);
    if (n == std::string_view::npos) {
      literal(s.substr(i));
      break;
    }
    if (n > i) literal(s.substr(i, n - i));
    size_t q = n + 1;
    if (q >= s.size()) {
      error = "the format ends with a lone '%' (write %% for a percent sign)";
      return false;
    }
    Spec spec;
    auto digits_end = [&](size_t from) {
      while (from < s.size() && s[from] >= '0' && s[from] <= '9') ++from;
      return from;
    };
    // The argument index: digits and '$'.
    size_t d = digits_end(q);
    if (d > q && d < s.size() && s[d] == '$') {
      if (!ReadInt(s, q, d, spec.index)) {
        error = "the argument index in '" + std::string(s.substr(n, d + 1 - n)) + "' is too large";
        return false;
      }
      if (spec.index == 0) {
        error = "expects %1$, %2$ and so on, but got %0$";
        return false;
      }
      q = d + 1;
    }
    // The flags.
    while (q < s.size() && kFlagChars.find(s[q]) != std::string_view::npos) {
      const unsigned bit = 1u << kFlagChars.find(s[q]);
      if (spec.flags & bit) {
        error = "the flag '" + std::string(1, s[q]) + "' is repeated in '" +
                std::string(s.substr(n, q + 1 - n)) + "...'";
        return false;
      }
      spec.flags |= bit;
      ++q;
    }
    d = digits_end(q);
    if (d > q) {
      if (!ReadInt(s, q, d, spec.width, true)) {
        error = "the width in '" + std::string(s.substr(n, d - n)) + "...' is too large (at most " +
                std::to_string(kMaxWidth) + ")";
        return false;
      }
      q = d;
    }
    if (q + 1 < s.size() && s[q] == '.' && s[q + 1] >= '0' && s[q + 1] <= '9') {
      d = digits_end(q + 1);
      if (!ReadInt(s, q + 1, d, spec.precision, true)) {
        error = "the precision in '" + std::string(s.substr(n, d - n)) +
                "...' is too large (at most " + std::to_string(kMaxWidth) + ")";
        return false;
      }
      q = d;
    }
    const char c = q < s.size() ? s[q] : '\0';
    const std::string written(s.substr(n, std::min(q + 1, s.size()) - n));
    if (c == 't' || c == 'T') {
      error = "the date/time conversion in '" + written + "...' is not supported";
      return false;
    }
    if (c == 'a' || c == 'A') {
      error = "the hexadecimal floating-point conversion '" + written + "' is not supported";
      return false;
    }
    constexpr std::string_view kConversions = "bBhHsScCdoxXeEfgG%n";
    if (c == '\0' || kConversions.find(c) == std::string_view::npos) {
      error = "unknown conversion in '" + written +
              "' (expected one of b B h H s S c C d o x X e E f g G % n after "
              "%[index$][flags][width][.precision])";
      return false;
    }
    spec.text = written;
    spec.conversion = c;
    if (c >= 'A' && c <= 'Z') {
      spec.flags |= kUpper;
      spec.conversion = static_cast<char>(c - 'A' + 'a');
    }
    const std::string invalid = CheckSpec(spec);
    if (!invalid.empty()) {
      error = "invalid specifier '" + spec.text + "': " + invalid;
      return false;
    }
    specs.push_back(std::move(spec));
    i = q + 1;
  }
  // The arguments, as Formatter.format walks them: an ordinary specifier takes the next one, n$
  // the n-th, '<' the one the previous specifier took.
  int last = -1, ordinary = -1;
  for (Spec& spec : specs) {
    if (spec.conversion == 0 || spec.conversion == '%' || spec.conversion == 'n') continue;
    if (spec.flags & kPrevious) {
      if (last < 0) {
        error = "'" + spec.text + "' refers to the previous argument, but there is none";
        return false;
      }
    } else if (spec.index > 0) {
      last = spec.index - 1;
    } else {
      last = ++ordinary;
    }
    if (static_cast<size_t>(last) >= num_args) {
      error = "'" + spec.text + "' needs argument " + std::to_string(last + 1) +
              " after the format, but " + std::to_string(num_args) +
              (num_args == 1 ? " was" : " were") + " given";
      return false;
    }
    spec.arg = last;
  }
  return true;
}

// ---- the arguments ------------------------------------------------------------------------------

// The Java class Spark hands a value over as.
enum class Kind { kNull, kText, kInt, kLong, kDouble, kDecimal, kBoolean, kDate, kTimestamp };

// Java's check of a specifier against its (non-null) argument; "" if it accepts it, otherwise
// what it expects.
std::string CheckArgument(const Spec& spec, Kind kind) {
  if (kind == Kind::kNull) return "";
  const bool integral = kind == Kind::kInt || kind == Kind::kLong || kind == Kind::kDate ||
                        kind == Kind::kTimestamp;
  switch (spec.conversion) {
    case 'c':
      if (kind == Kind::kInt || kind == Kind::kDate) return "";
      return "an INT (a code point)";
    case 'd': case 'o': case 'x':
      if (!integral) return "an INT or a BIGINT";
      if (spec.conversion != 'd' && (spec.flags & (kPlus | kSpace | kParentheses))) {
        return "no '+', ' ' or '(' flag for an INT or a BIGINT (Java's two's complement form)";
      }
      return "";
    case 'e': case 'f': case 'g':
      if (kind == Kind::kDouble) return "";
      if (kind == Kind::kDecimal) {
        return "a DOUBLE (Spark passes a DECIMAL as its own Decimal class, which Java's "
               "Formatter rejects; cast it to DOUBLE)";
      }
      return "a DOUBLE";
    default:
      return "";
  }
}

std::string KindName(Kind kind, const DataType& type) {
  return kind == Kind::kNull ? "NULL" : type.ToString();
}

// ---- writing ----------------------------------------------------------------------------------

// The length of UTF-8 text in UTF-16 units, as Java's String.length counts it.
size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char b : s) {
    if ((b & 0xC0) != 0x80) n += b >= 0xF0 ? 2 : 1;
  }
  return n;
}

// The first `units` UTF-16 units of UTF-8 text (String.substring); a surrogate pair cut in half
// leaves a lone surrogate, which Spark's UTF-8 encoding writes as '?'.
std::string_view TruncateUtf16(std::string_view s, size_t units, std::string& scratch) {
  size_t used = 0, i = 0;
  while (i < s.size()) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    const size_t need = b >= 0xF0 ? 2 : 1;
    if (used + need > units) {
      if (used < units) {  // half a surrogate pair
        scratch.assign(s.substr(0, i));
        scratch += '?';
        return scratch;
      }
      break;
    }
    used += need;
    i = std::min(s.size(), i + len);
  }
  return s.substr(0, i);
}

// Formatter's appendJustified: pads to the width with spaces, on the left unless '-'.
void Justify(const Spec& spec, std::string_view s, std::string& out) {
  const size_t length = spec.width < 0 ? 0 : Utf16Length(s);
  const size_t pad = spec.width > 0 && length < static_cast<size_t>(spec.width)
                         ? static_cast<size_t>(spec.width) - length : 0;
  if (!(spec.flags & kLeft)) out.append(pad, ' ');
  out += s;
  if (spec.flags & kLeft) out.append(pad, ' ');
}

// Formatter.print(String): the precision truncates, then upper case, then the width.
void PrintText(const Spec& spec, std::string_view s, std::string& out) {
  std::string truncated, upper;
  if (spec.precision >= 0) s = TruncateUtf16(s, static_cast<size_t>(spec.precision), truncated);
  if (spec.flags & kUpper) {
    AppendUpper(s, upper);
    s = upper;
  }
  Justify(spec, s, out);
}

void LeadingSign(unsigned flags, bool negative, std::string& sb) {
  if (!negative) {
    if (flags & kPlus) {
      sb += '+';
    } else if (flags & kSpace) {
      sb += ' ';
    }
  } else {
    sb += (flags & kParentheses) ? '(' : '-';
  }
}

void TrailingSign(unsigned flags, bool negative, std::string& sb) {
  if (negative && (flags & kParentheses)) sb += ')';
}

int AdjustWidth(int width, unsigned flags, bool negative) {
  return width != -1 && negative && (flags & kParentheses) ? width - 1 : width;
}

// Formatter.localizedMagnitude (Locale.US): the digits of `value` (with an optional '.') with
// ',' every three integer digits under the ',' flag, then zeros after the sign up to `width`
// under the '0' flag (the width counts what `sb` already holds).
void Magnitude(std::string& sb, std::string_view value, unsigned flags, int width) {
  const size_t begin = sb.size();
  const size_t dot = std::min(value.find('.'), value.size());
  bool group = flags & kGroup;
  for (size_t j = 0; j < value.size(); ++j) {
    if (j == dot) {
      sb += '.';
      group = false;
      continue;
    }
    sb += value[j];
    if (group && j + 1 != dot && (dot - j) % 3 == 1) sb += ',';
  }
  if (width != -1 && (flags & kZeroPad) && sb.size() < static_cast<size_t>(width)) {
    sb.insert(begin, static_cast<size_t>(width) - sb.size(), '0');
  }
}

void AppendUnsigned(uint64_t v, unsigned base, std::string& out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v, static_cast<int>(base));
  out.append(buffer, end);
}

// %d %o %x of an Integer (`narrow`) or a Long.
void PrintInteger(const Spec& spec, int64_t value, bool narrow, std::string& out) {
  std::string sb;
  if (spec.conversion == 'd') {
    const bool negative = value < 0;
    LeadingSign(spec.flags, negative, sb);
    std::string digits;
    AppendUnsigned(negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value), 10,
                   digits);
    Magnitude(sb, digits, spec.flags, AdjustWidth(spec.width, spec.flags, negative));
    TrailingSign(spec.flags, negative, sb);
  } else {
    // Integer's negative values as their 32-bit two's complement (Formatter adds 2^32).
    const uint64_t bits = narrow ? static_cast<uint32_t>(value) : static_cast<uint64_t>(value);
    const bool hex = spec.conversion == 'x';
    std::string digits;
    AppendUnsigned(bits, hex ? 16 : 8, digits);
    const bool upper = spec.flags & kUpper;
    if (upper) {
      for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const bool alternate = spec.flags & kAlternate;
    const size_t length = digits.size() + (alternate ? (hex ? 2 : 1) : 0);
    if (alternate) sb += hex ? (upper ? "0X" : "0x") : "0";
    if ((spec.flags & kZeroPad) && static_cast<size_t>(spec.width) > length) {
      sb.append(static_cast<size_t>(spec.width) - length, '0');
    }
    sb += digits;
  }
  Justify(spec, sb, out);
}

// A positive finite double as the digits of Double.toString (as AppendDoubleText writes them):
// value = 0.<digits> × 10^exponent, no leading or trailing zeros.
void DoubleDigits(double v, std::string& digits, int& exponent) {
  std::string text;
  AppendDoubleText(v, text);
  const size_t e = text.find('E');
  int power = 0;
  if (e != std::string::npos) power = std::atoi(text.c_str() + e + 1);
  const std::string_view mantissa = std::string_view(text).substr(0, e);
  const size_t dot = std::min(mantissa.find('.'), mantissa.size());
  digits.clear();
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  exponent = static_cast<int>(dot) + power;
  size_t zeros = 0;
  while (zeros + 1 < digits.size() && digits[zeros] == '0') ++zeros;
  digits.erase(0, zeros);
  exponent -= static_cast<int>(zeros);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

// FormattedFloatingDecimal.applyPrecision: keeps `keep` digits, rounding half up on the digits;
// returns the exponent (one more when the rounding carries out). keep < 0 or beyond the digits
// keeps them all; keep 0 leaves "1" (at the next power of ten) or "0".
int ApplyPrecision(std::string& digits, int exponent, int keep) {
  if (keep < 0 || keep >= static_cast<int>(digits.size())) return exponent;
  if (keep == 0) {
    if (digits[0] >= '5') {
      digits = "1";
      return exponent + 1;
    }
    digits = "0";
    return exponent;
  }
  const size_t k = static_cast<size_t>(keep);
  if (digits[k] >= '5') {
    size_t i = k;
    while (i > 0 && digits[i - 1] == '9') --i;
    if (i == 0) {
      digits = "1";
      return exponent + 1;
    }
    ++digits[i - 1];
    digits.resize(i);
  } else {
    digits.resize(k);
  }
  return exponent;
}

// FormattedFloatingDecimal.fillDecimal: the plain text, at most `precision` fraction digits.
std::string FillDecimal(const std::string& digits, int exponent, int precision) {
  const int n = static_cast<int>(digits.size());
  std::string m;
  if (exponent > 0) {
    const size_t whole = static_cast<size_t>(exponent);
    if (n < exponent) {
      m = digits + std::string(whole - digits.size(), '0');
    } else {
      const int t = std::min(n - exponent, precision);
      m = digits.substr(0, whole);
      if (t > 0) m += "." + digits.substr(whole, static_cast<size_t>(t));
    }
  } else {
    const int zeros = std::max(0, std::min(-exponent, precision));
    const int t = std::max(0, std::min(n, precision + exponent));
    if (zeros > 0 || t > 0) {
      m = "0." + std::string(static_cast<size_t>(zeros), '0') +
          digits.substr(0, static_cast<size_t>(t));
    } else {
      m = "0";
    }
  }
  return m;
}

// FormattedFloatingDecimal.fillScientific: d[.ddd] and the exponent's sign and (2+) digits.
void FillScientific(const std::string& digits, int exponent, int precision, std::string& mantissa,
                    std::string& power) {
  const int t = std::max(0, std::min(static_cast<int>(digits.size()) - 1, precision));
  mantissa = digits.substr(0, 1);
  if (t > 0) mantissa += "." + digits.substr(1, static_cast<size_t>(t));
  const int e = exponent <= 0 ? 1 - exponent : exponent - 1;
  power = exponent <= 0 ? "-" : "+";
  if (e <= 9) power += '0';
  power += std::to_string(e);
}

// Formatter.addZeros: pads the fraction with zeros to `precision` digits.
void AddZeros(std::string& mantissa, int precision) {
  const size_t dot = mantissa.find('.');
  const int have = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  if (have >= precision) return;
  if (dot == std::string::npos) mantissa += '.';
  mantissa.append(static_cast<size_t>(precision - have), '0');
}

// %e %f %g of a Double (Formatter.print(double)).
void PrintDouble(const Spec& spec, double value, std::string& out) {
  const bool upper = spec.flags & kUpper;
  std::string sb;
  if (std::isnan(value)) {
    sb = upper ? "NAN" : "NaN";
    Justify(spec, sb, out);
    return;
  }
  const bool negative = std::signbit(value);  // Double.compare(value, 0.0) == -1: -0.0 too
  const double v = std::fabs(value);
  LeadingSign(spec.flags, negative, sb);
  if (std::isinf(v)) {
    sb += upper ? "INFINITY" : "Infinity";
  } else {
    std::string digits = "0";
    int exponent = 0;
    if (v != 0) DoubleDigits(v, digits, exponent);
    const char c = spec.conversion;
    std::string mantissa, power;  // power empty: no exponent
    int precision = spec.precision;
    if (c == 'e') {
      if (precision == -1) precision = 6;
      if (v == 0) {
        mantissa = "0";
        power = "+00";
      } else {
        const int e = ApplyPrecision(digits, exponent, precision + 1);
        FillScientific(digits, e, precision, mantissa, power);
      }
      AddZeros(mantissa, precision);
      if ((spec.flags & kAlternate) && precision == 0) mantissa += '.';
    } else if (c == 'f') {
      if (precision == -1) precision = 6;
      const int e = ApplyPrecision(digits, exponent, exponent + precision);
      mantissa = FillDecimal(digits, e, precision);
      AddZeros(mantissa, precision);
      if ((spec.flags & kAlternate) && precision == 0) mantissa += '.';
    } else {  // 'g'
      precision = precision == -1 ? 6 : precision == 0 ? 1 : precision;
      int rounded = 0;  // the exponent of the rounded value in scientific form
      if (v == 0) {
        mantissa = "0";
      } else {
        const int e = ApplyPrecision(digits, exponent, precision);
        if (e - 1 < -4 || e - 1 >= precision) {
          FillScientific(digits, e, precision - 1, mantissa, power);
        } else {
          mantissa = FillDecimal(digits, e, precision - e);
        }
        rounded = e - 1;
      }
      precision -= power.empty() ? rounded + 1 : 1;
      AddZeros(mantissa, precision);
    }
    int width = spec.width;
    if (width != -1) {
      width = AdjustWidth(power.empty() ? width : width - static_cast<int>(power.size()) - 1,
                          spec.flags, negative);
    }
    Magnitude(sb, mantissa, spec.flags, width);
    if (!power.empty()) {
      sb += upper ? 'E' : 'e';
      sb += power;
    }
  }
  TrailingSign(spec.flags, negative, sb);
  Justify(spec, sb, out);
}

// Java's BigDecimal.toString, which Spark's Decimal.toString is: plain unless the adjusted
// exponent is below -6 (0.0000001 → 1.0E-7, 0 at scale 8 → 0E-8).
void AppendBigDecimalText(Int128 unscaled, int scale, std::string& out) {
  const std::string coefficient = Int128ToString(unscaled < 0 ? -unscaled : unscaled);
  const int adjusted = static_cast<int>(coefficient.size()) - 1 - scale;
  if (scale == 0 || adjusted >= -6) {
    AppendDecimalText(unscaled, scale, out);
    return;
  }
  if (unscaled < 0) out += '-';
  out += coefficient[0];
  if (coefficient.size() > 1) {
    out += '.';
    out.append(coefficient, 1);
  }
  out += 'E';
  out += std::to_string(adjusted);
}

// ---- Java's hashCode, for %h ------------------------------------------------------------------

int32_t LongHash(int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  return static_cast<int32_t>(static_cast<uint32_t>(u ^ (u >> 32)));
}

int32_t DoubleHash(double d) {  // Double.hashCode
  const uint64_t bits = std::isnan(d) ? 0x7ff8000000000000ULL : std::bit_cast<uint64_t>(d);
  return static_cast<int32_t>(static_cast<uint32_t>(bits ^ (bits >> 32)));
}

// Scala's ## of a Double (Statics.doubleHash): an integral value hashes as an Int or a Long, one
// a Float holds exactly as that Float.
int32_t ScalaDoubleHash(double d) {
  if (d >= -2147483648.0 && d <= 2147483647.0 &&
      static_cast<double>(static_cast<int32_t>(d)) == d) {
    return static_cast<int32_t>(d);
  }
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
      static_cast<double>(static_cast<int64_t>(d)) == d) {
    return LongHash(static_cast<int64_t>(d));
  }
  const float f = static_cast<float>(d);
  if (static_cast<double>(f) == d) return std::bit_cast<int32_t>(f);
  return DoubleHash(d);
}

// Spark's Decimal.hashCode, which is Scala's BigDecimal.hashCode: a whole number hashes as its
// BigInt (an Int or a Long), one a Double holds exactly (Double.toString's digits) as that
// Double, the rest as MurmurHash3.mixLast(BigInteger.hashCode of the unscaled digits, scale).
int32_t DecimalHash(Int128 unscaled, int scale) {
  Int128 u = unscaled;
  int s = scale;
  while (s > 0 && u % 10 == 0) {
    u /= 10;
    --s;
  }
  if (u == 0 || s == 0) {
    if (u >= INT32_MIN && u <= INT32_MAX) return static_cast<int32_t>(u);
    if (u >= INT64_MIN && u <= INT64_MAX) return LongHash(static_cast<int64_t>(u));
  }
  const UInt128 magnitude =
      u < 0 ? 0 - static_cast<UInt128>(u) : static_cast<UInt128>(u);
  if (s != 0) {
    std::string text;
    AppendDecimalText(unscaled, scale, text);
    const double d = std::strtod(text.c_str(), nullptr);  // BigDecimal.doubleValue, correctly rounded
    if (!std::isinf(d)) {
      std::string digits;
      int exponent = 0;
      DoubleDigits(std::fabs(d), digits, exponent);
      const std::string own = Int128ToString(static_cast<Int128>(magnitude));
      if (digits == own && exponent == static_cast<int>(own.size()) - s) return ScalaDoubleHash(d);
    }
  }
  // BigInteger.hashCode: 31 * h + each 32-bit word of the magnitude (most significant first),
  // times the sign; a whole number beyond a Long (Scala's BigInt) hashes the same way, mixed
  // with its scale of 0.
  uint32_t h = 0;
  bool started = false;
  for (int word = 3; word >= 0; --word) {
    const uint32_t bits = static_cast<uint32_t>(magnitude >> (32 * word));
    started = started || bits != 0;
    if (started) h = 31 * h + bits;
  }
  if (u < 0) h = 0 - h;
  uint32_t k = static_cast<uint32_t>(s) * 0xcc9e2d51u;
  k = std::rotl(k, 15) * 0x1b873593u;
  return static_cast<int32_t>(h ^ k);
}

// ---- the kernel --------------------------------------------------------------------------------

struct Argument {
  Kind kind;
  DataType type;
};

// The argument columns of one batch, with the Spark hash of text columns computed on first use
// (a UTF8String's hashCode is Murmur3 with seed 42: Spark's hash(s)).
class Arguments {
 public:
  Arguments(const std::vector<VectorPtr>& columns, const std::vector<Argument>& kinds,
            const KernelContext& ctx)
      : columns_(columns), kinds_(kinds), ctx_(ctx), hashes_(kinds.size()) {}

  const Vector& column(int i) const { return *columns_[static_cast<size_t>(i) + 1]; }
  Kind kind(int i) const { return kinds_[static_cast<size_t>(i)].kind; }

  Result<int32_t> TextHash(int i, size_t row) {
    VectorPtr& hashes = hashes_[static_cast<size_t>(i)];
    if (!hashes) {
      const ScalarFunction* hash = FunctionRegistry::Builtin().Find("hash");
      if (!hash) return Status::Invalid("format_string: %h needs the hash function");
      SLUICE_ASSIGN_OR_RETURN(BoundFunction bound,
                              hash->bind(BindArguments{{DataType::String()}, {nullptr}}));
      hashes = std::make_shared<Vector>(bound.return_type);
      SLUICE_RETURN_NOT_OK(bound.kernel({columns_[static_cast<size_t>(i) + 1]}, ctx_, *hashes));
    }
    return hashes->data<int32_t>()[row];
  }

 private:
  const std::vector<VectorPtr>& columns_;
  const std::vector<Argument>& kinds_;
  const KernelContext& ctx_;
  std::vector<VectorPtr> hashes_;
};

// The text Java's String.valueOf gives the argument (%s).
void AppendArgumentText(const Vector& v, Kind kind, size_t row, std::string& out) {
  switch (kind) {
    case Kind::kText: out += StrAt(v, row); break;
    case Kind::kInt: out += std::to_string(v.data<int32_t>()[row]); break;
    case Kind::kLong: out += std::to_string(v.data<int64_t>()[row]); break;
    case Kind::kDouble: AppendDoubleText(v.data<double>()[row], out); break;
    case Kind::kDecimal: AppendBigDecimalText(v.data<Int128>()[row], v.type().scale(), out); break;
    case Kind::kBoolean: out += v.data<uint8_t>()[row] ? "true" : "false"; break;
    case Kind::kDate:
    case Kind::kTimestamp: out += CastToText(v, row); break;
    case Kind::kNull: out += "null"; break;
  }
}

// The integer Spark hands over for an INT, BIGINT, DATE (days) or TIMESTAMP (microseconds).
int64_t IntegerAt(const Vector& v, Kind kind, size_t row) {
  if (kind == Kind::kInt || kind == Kind::kDate) return v.data<int32_t>()[row];
  return v.data<int64_t>()[row];
}

// Writes one row; false where Java would throw (a mismatched argument when the format was not
// checked at bind time, a %c of a value that is not a code point).
Result<bool> FormatRow(const std::vector<Spec>& specs, Arguments& args, size_t row, bool check,
                       std::string& out) {
  std::string text;
  for (const Spec& spec : specs) {
    const char c = spec.conversion;
    if (c == 0) {
      out += spec.text;
      continue;
    }
    if (c == '%') {
      Justify(spec, "%", out);
      continue;
    }
    if (c == 'n') {
      out += '\n';
      continue;
    }
    const Kind kind = args.kind(spec.arg);
    const Vector& v = args.column(spec.arg);
    const bool null = kind == Kind::kNull || v.IsNull(row);
    if (null) {
      PrintText(spec, c == 'b' ? "false" : "null", out);
      continue;
    }
    if (check && !CheckArgument(spec, kind).empty()) return false;
    text.clear();
    switch (c) {
      case 'b':
        PrintText(spec, kind != Kind::kBoolean || v.data<uint8_t>()[row] ? "true" : "false", out);
        break;
      case 's':
        AppendArgumentText(v, kind, row, text);
        PrintText(spec, text, out);
        break;
      case 'h': {
        int32_t h = 0;
        switch (kind) {
          case Kind::kText: {
            SLUICE_ASSIGN_OR_RETURN(h, args.TextHash(spec.arg, row));
            break;
          }
          case Kind::kInt:
          case Kind::kDate: h = static_cast<int32_t>(IntegerAt(v, kind, row)); break;
          case Kind::kLong: case Kind::kTimestamp: h = LongHash(IntegerAt(v, kind, row)); break;
          case Kind::kDouble: h = DoubleHash(v.data<double>()[row]); break;
          case Kind::kDecimal: h = DecimalHash(v.data<Int128>()[row], v.type().scale()); break;
          case Kind::kBoolean: h = v.data<uint8_t>()[row] ? 1231 : 1237; break;
          case Kind::kNull: break;
        }
        AppendUnsigned(static_cast<uint32_t>(h), 16, text);
        PrintText(spec, text, out);
        break;
      }
      case 'c': {
        const int64_t code = IntegerAt(v, kind, row);
        if (code < 0 || code > 0x10FFFF) return false;  // IllegalFormatCodePointException
        const uint32_t cp = static_cast<uint32_t>(code);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
          text = "?";  // a lone surrogate, as Spark's UTF-8 encoding writes it
        } else {
          AppendUtf8(cp, text);
        }
        PrintText(spec, text, out);
        break;
      }
      case 'd': case 'o': case 'x':
        PrintInteger(spec, IntegerAt(v, kind, row), kind == Kind::kInt || kind == Kind::kDate, out);
        break;
      default:  // e f g
        PrintDouble(spec, v.data<double>()[row], out);
        break;
    }
  }
  return true;
}

ScalarFunction FormatStringFunction(std::string name) {
  const std::string signature = name + "(format, arg, ...)";
  return {name, signature, [name, signature](const BindArguments& args) -> Result<BoundFunction> {
    SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, SIZE_MAX));
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "the format", args.types[0]));
    std::vector<DataType> types{DataType::String()};
    std::vector<Argument> kinds;
    for (size_t i = 1; i < args.types.size(); ++i) {
      const DataType& t = args.types[i];
      Kind kind;
      switch (t.id()) {
        case TypeId::kNull: kind = Kind::kNull; break;
        case TypeId::kString: kind = Kind::kText; break;
        case TypeId::kInt32: kind = Kind::kInt; break;
        case TypeId::kInt64: kind = Kind::kLong; break;
        case TypeId::kFloat64: kind = Kind::kDouble; break;
        case TypeId::kDecimal: kind = Kind::kDecimal; break;
        case TypeId::kBoolean: kind = Kind::kBoolean; break;
        case TypeId::kDate: kind = Kind::kDate; break;
        case TypeId::kTimestamp: kind = Kind::kTimestamp; break;
        default:
          return Status::Invalid(
              "{}: argument {} is {}, which is not supported (cast it to STRING)", name, i + 1,
              t.ToString());
      }
      kinds.push_back({kind, t});
      types.push_back(kind == Kind::kNull ? DataType::String() : t);
    }
    // A literal format is parsed and checked against the argument types once, here.
    std::optional<std::vector<Spec>> literal;
    if (const Value* format = fnutil::Constant(args, 0);
        format && format->type().IsStringLike()) {
      std::vector<Spec> specs;
      std::string error;
      if (!ParseFormat(format->string(), kinds.size(), specs, error)) {
        return Status::Invalid("{}: {}", name, error);
      }
      for (const Spec& spec : specs) {
        if (spec.arg < 0) continue;
        const Argument& a = kinds[static_cast<size_t>(spec.arg)];
        const std::string expected = CheckArgument(spec, a.kind);
        if (!expected.empty()) {
          return Status::Invalid("{}: '{}' expects {}, but argument {} is {}", name, spec.text,
                                 expected, spec.arg + 2, KindName(a.kind, a.type));
        }
      }
      literal = std::move(specs);
    }
    BoundFunction f{DataType::String(), types, nullptr};
    f.kernel = [literal, kinds](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                Vector& out) -> Status {
      out.Resize(ctx.num_rows);
      Arguments arguments(a, kinds, ctx);
      std::string buffer, error, last_format;
      std::vector<Spec> parsed;
      bool have_parsed = false, parsed_ok = false;
      Status status = Status::OK();
      kernel::ForEachLive(ctx, [&](size_t row) {
        if (!status.ok()) return;
        if (a[0]->IsNull(row)) {
          out.SetNull(row);
          return;
        }
        const std::vector<Spec>* specs = literal ? &*literal : nullptr;
        if (!specs) {
          const std::string_view format = StrAt(*a[0], row);
          if (!have_parsed || format != last_format) {
            last_format = format;
            parsed_ok = ParseFormat(format, kinds.size(), parsed, error);
            have_parsed = true;
          }
          if (!parsed_ok) {
            out.SetNull(row);
            return;
          }
          specs = &parsed;
        }
        buffer.clear();
        Result<bool> written = FormatRow(*specs, arguments, row, !literal, buffer);
        if (!written.ok()) {
          status = written.status();
          return;
        }
        if (*written) {
          out.SetString(row, buffer);
        } else {
          out.SetNull(row);
        }
      });
      return status;
    };
    return f;
  }};
}

}  // namespace

void RegisterFormatStringFunction(FunctionRegistry& registry) {
  registry.Register(FormatStringFunction("format_string"));
  registry.Register(FormatStringFunction("printf"));
}

}  // namespace sluice
