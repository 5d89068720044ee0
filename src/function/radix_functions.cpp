// Numbers as digits and bits, as Spark writes them: hex, unhex, bin, conv, format_number, and
// the bit functions shiftleft, shiftright, shiftrightunsigned, bit_count.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "types/decimal.h"

namespace sluice {
namespace {

using fnutil::StrAt;

constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// The digit value of c in bases up to 36, or -1.
int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

// An unsigned 64-bit value's digits in `base`, upper case.
void AppendUnsigned(uint64_t v, unsigned base, std::string& out) {
  char buffer[64];
  size_t n = 0;
  do {
    buffer[n++] = kDigits[v % base];
    v /= base;
  } while (v != 0);
  while (n > 0) out += buffer[--n];
}

bool IsTextOrBytes(const DataType& t) { return t.IsStringLike() || t.id() == TypeId::kBytes; }

// hex(x): an integer's two's-complement digits (Long.toHexString), or a string's or binary's
// bytes, two upper-case digits each.
Result<BoundFunction> BindHex(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("hex(x)", args.types.size(), 1, 1));
  const DataType& t = args.types[0];
  if (IsTextOrBytes(t)) {
    BoundFunction f{DataType::String(), {fnutil::TextType(t)}, nullptr};
    f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                       std::string& out) -> std::optional<std::string_view> {
      out.clear();
      for (unsigned char c : StrAt(*a[0], row)) {
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
      }
      return out;
    });
    return f;
  }
  if (!t.IsNumeric() && t.id() != TypeId::kNull) {
    return Status::Invalid("hex(x) expects an integer, a string or a binary, found {}", t.ToString());
  }
  BoundFunction f{DataType::String(), {DataType::Int64()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& out) -> std::optional<std::string_view> {
    out.clear();
    AppendUnsigned(static_cast<uint64_t>(fnutil::IntAt(*a[0], row)), 16, out);
    return out;
  });
  return f;
}

// unhex(str): the bytes two hex digits each stand for (an odd count gets a leading 0); NULL if
// any character is not a hex digit.
Result<BoundFunction> BindUnhex(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("unhex(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("unhex", "str", args.types[0]));
  BoundFunction f{DataType::Bytes(), {DataType::String()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& out) -> std::optional<std::string_view> {
    const std::string_view s = StrAt(*a[0], row);
    out.clear();
    size_t i = 0;
    int high = -1;
    if (s.size() % 2 == 1) high = 0;  // the implicit leading 0
    for (; i < s.size(); ++i) {
      const int d = DigitValue(s[i]);
      if (d < 0 || d > 15) return std::nullopt;
      if (high < 0) {
        high = d;
      } else {
        out += static_cast<char>(high * 16 + d);
        high = -1;
      }
    }
    return out;
  });
  return f;
}

// bin(n): the two's-complement binary digits of a BIGINT (Long.toBinaryString).
Result<BoundFunction> BindBin(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("bin(n)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("bin", "n", args.types[0]));
  BoundFunction f{DataType::String(), {DataType::Int64()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& out) -> std::optional<std::string_view> {
    out.clear();
    AppendUnsigned(static_cast<uint64_t>(fnutil::IntAt(*a[0], row)), 2, out);
    return out;
  });
  return f;
}

// conv(num, from_base, to_base) as Spark's NumberConverter: the digits are read up to the first
// one invalid in from_base, as an unsigned 64-bit number (all ones on overflow); a leading '-'
// negates it. A positive to_base writes the result unsigned, a negative one signed. NULL for a
// base outside 2..36 or an empty string.
Result<BoundFunction> BindConv(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("conv(num, from_base, to_base)", args.types.size(), 3, 3));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("conv", "num", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("conv", "from_base", args.types[1]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("conv", "to_base", args.types[2]));
  BoundFunction f{DataType::String(), {DataType::String(), DataType::Int64(), DataType::Int64()},
                  nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& out) -> std::optional<std::string_view> {
    std::string_view s = StrAt(*a[0], row);
    // Spark trims the spaces around the number.
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    const int64_t from = fnutil::IntAt(*a[1], row), to = fnutil::IntAt(*a[2], row);
    if (from < 2 || from > 36 || to < -36 || to > 36 || s.empty()) return std::nullopt;
    const int64_t to_abs = to < 0 ? -to : to;
    if (to_abs < 2) return std::nullopt;
    bool negative = s[0] == '-';
    uint64_t v = 0;
    for (size_t i = negative ? 1 : 0; i < s.size(); ++i) {
      const int d = DigitValue(s[i]);
      if (d < 0 || d >= from) break;
      const uint64_t base = static_cast<uint64_t>(from);
      if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / base) {
        v = UINT64_MAX;
        break;
      }
      v = v * base + static_cast<uint64_t>(d);
    }
    if (negative && to > 0) {
      v = static_cast<int64_t>(v) < 0 ? UINT64_MAX : 0 - v;
    }
    if (to < 0 && static_cast<int64_t>(v) < 0) {
      v = 0 - v;
      negative = true;
    }
    out.clear();
    if (negative && to < 0) out += '-';
    AppendUnsigned(v, static_cast<unsigned>(to_abs), out);
    return out;
  });
  return f;
}

// Inserts ',' every three digits into the whole part of a plain decimal text.
void GroupThousands(std::string& text) {
  const size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  size_t end = text.find('.');
  if (end == std::string::npos) end = text.size();
  for (size_t i = end; i > start + 3; i -= 3) text.insert(i - 3, 1, ',');
}

// Rounds a plain decimal text (digits, one optional '.', no sign) to `digits` fraction digits,
// half even; `above_half` decides a tie on the text's own digits (true: the value is really
// above the midpoint, as for a double whose exact binary value is). Pads with zeros.
std::string RoundTextHalfEven(std::string_view text, int digits,
                              const std::function<std::optional<bool>()>& above_half) {
  const size_t point = std::min(text.find('.'), text.size());
  std::string whole(text.substr(0, point));
  std::string fraction(point < text.size() ? text.substr(point + 1) : std::string_view());
  const size_t at = static_cast<size_t>(digits);
  if (fraction.size() > at) {
    const int next = fraction[at] - '0';
    const bool tail = fraction.find_first_not_of('0', at + 1) != std::string::npos;
    std::string kept = whole + fraction.substr(0, at);
    bool up = next > 5 || (next == 5 && tail);
    if (next == 5 && !tail) {
      const std::optional<bool> decided = above_half();
      up = decided ? *decided : (kept.back() - '0') % 2 == 1;
    }
    if (up) IncrementDigits(kept);
    whole = kept.substr(0, kept.size() - at);
    fraction = kept.substr(kept.size() - at);
  } else {
    fraction.resize(at, '0');
  }
  return whole + (digits > 0 ? "." + fraction : "");
}

// A double with `digits` decimals as Java's DecimalFormat writes it: the digits of its shortest
// text (Double.toString's), rounded half even; a tie on those digits is decided by the exact
// binary value. A negative number keeps its sign even when it rounds to zero ("-0.00").
std::string FormatDoubleHalfEven(double v, int digits) {
  char text[400];
  const double magnitude = std::fabs(v);
  // Double.toString's digits in plain notation: the shortest scientific text, its exponent
  // spelled out with zeros (fixed notation would print all of a large double's binary digits).
  auto [end, error] = std::to_chars(text, text + sizeof text, magnitude, std::chars_format::scientific);
  std::string shortest = "0";
  if (error == std::errc()) {
    const std::string_view sci(text, static_cast<size_t>(end - text));
    const size_t e = sci.find('e');
    std::string mantissa(sci.substr(0, e));
    mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
    const int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
    const int point = exponent + 1;  // digits before the decimal point
    if (point <= 0) {
      shortest = "0." + std::string(static_cast<size_t>(-point), '0') + mantissa;
    } else if (static_cast<size_t>(point) >= mantissa.size()) {
      shortest = mantissa + std::string(static_cast<size_t>(point) - mantissa.size(), '0');
    } else {
      shortest = mantissa.substr(0, static_cast<size_t>(point)) + "." + mantissa.substr(static_cast<size_t>(point));
    }
  }
  const std::string rounded = RoundTextHalfEven(shortest, digits, [&]() -> std::optional<bool> {
    char exact[1200];
    std::snprintf(exact, sizeof exact, "%.1100f", magnitude);
    const std::string_view x(exact);
    const std::string_view beyond = x.substr(x.find('.') + 1 + static_cast<size_t>(digits));
    // beyond starts with the midpoint's '5' (or a neighbour digit when the text was rounded).
    if (beyond[0] != '5') return beyond[0] > '5';
    if (beyond.find_first_not_of('0', 1) != std::string_view::npos) return true;
    return std::nullopt;  // exactly the midpoint
  });
  return (std::signbit(v) ? "-" : "") + rounded;
}

// format_number(x, d): x rounded half even to d decimals with thousands separators
// ('12,345.68'), as Java's DecimalFormat; NULL for a negative d.
Result<BoundFunction> BindFormatNumber(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("format_number(x, d)", args.types.size(), 2, 2));
  const DataType& t = args.types[0];
  if (!t.IsNumeric() && t.id() != TypeId::kNull) {
    return Status::Invalid("format_number(x, d) expects a number, found {}", t.ToString());
  }
  if (!args.types[1].IsInteger() && args.types[1].id() != TypeId::kNull) {
    return Status::Invalid("format_number(x, d): d must be an integer (a format pattern is not "
                           "supported yet), found {}",
                           args.types[1].ToString());
  }
  const bool decimal = t.id() == TypeId::kDecimal;
  const bool integer = t.IsInteger();
  const int from_scale = decimal ? t.scale() : 0;
  const DataType value_type = decimal ? t : integer ? DataType::Int64() : DataType::Float64();
  BoundFunction f{DataType::String(), {value_type, DataType::Int64()}, nullptr};
  f.kernel = fnutil::StringKernel([decimal, integer, from_scale](const std::vector<VectorPtr>& a,
                                                                 size_t row, std::string& out)
                                      -> std::optional<std::string_view> {
    const int64_t d = fnutil::IntAt(*a[1], row);
    if (d < 0) return std::nullopt;
    const int digits = static_cast<int>(std::min<int64_t>(d, 340));
    if (integer) {
      out = std::to_string(fnutil::IntAt(*a[0], row));
      if (digits > 0) out += "." + std::string(static_cast<size_t>(digits), '0');
    } else if (decimal) {
      std::string text = FormatDecimal(a[0]->data<Int128>()[row], from_scale);
      const bool negative = text[0] == '-';
      if (negative) text.erase(0, 1);
      out = RoundTextHalfEven(text, digits, [] { return std::optional<bool>(); });
      if (negative) out.insert(0, "-");  // kept when it rounds to zero, as DecimalFormat does
    } else {
      const double v = a[0]->data<double>()[row];
      if (std::isnan(v)) return "NaN";
      if (std::isinf(v)) return v > 0 ? "\u221E" : "-\u221E";
      out = FormatDoubleHalfEven(v, digits);
    }
    GroupThousands(out);
    return out;
  });
  return f;
}

// shiftleft / shiftright / shiftrightunsigned(a, n): Java's shifts of an INT or a BIGINT (the
// distance taken modulo the width).
ScalarFunction Shift(const char* name, const char* signature, char kind) {
  return {name, signature, [name, signature, kind](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger(name, "a", args.types[0]));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger(name, "n", args.types[1]));
            const bool narrow = args.types[0].id() == TypeId::kInt32 ||
                                args.types[0].id() == TypeId::kNull;
            BoundFunction f{narrow ? DataType::Int32() : DataType::Int64(),
                            {DataType::Int64(), DataType::Int64()}, nullptr};
            f.kernel = [narrow, kind](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                      Vector& out) {
              if (narrow) {
                kernel::Binary<int64_t, int64_t, int32_t>(
                    *a[0], *a[1], ctx, out, [kind](int64_t x, int64_t n) {
                      const uint32_t u = static_cast<uint32_t>(x);
                      const unsigned s = static_cast<unsigned>(n) & 31;
                      if (kind == '<') return static_cast<int32_t>(u << s);
                      if (kind == '>') return static_cast<int32_t>(x) >> s;
                      return static_cast<int32_t>(u >> s);
                    });
              } else {
                kernel::Binary<int64_t, int64_t, int64_t>(
                    *a[0], *a[1], ctx, out, [kind](int64_t x, int64_t n) {
                      const uint64_t u = static_cast<uint64_t>(x);
                      const unsigned s = static_cast<unsigned>(n) & 63;
                      if (kind == '<') return static_cast<int64_t>(u << s);
                      if (kind == '>') return x >> s;
                      return static_cast<int64_t>(u >> s);
                    });
              }
              return Status::OK();
            };
            return f;
          }};
}

// bit_count(x): the number of one bits of an integer's 64-bit two's complement (Spark counts an
// INT's sign-extended bits: bit_count(-1) is 64).
Result<BoundFunction> BindBitCount(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("bit_count(x)", args.types.size(), 1, 1));
  const DataType& t = args.types[0];
  if (!t.IsInteger() && t.id() != TypeId::kBoolean && t.id() != TypeId::kNull) {
    return Status::Invalid("bit_count(x) expects an integer or a boolean, found {}", t.ToString());
  }
  BoundFunction f{DataType::Int32(), {DataType::Int64()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::Unary<int64_t, int32_t>(*a[0], ctx, out, [](int64_t v) {
      return std::popcount(static_cast<uint64_t>(v));
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterRadixFunctions(FunctionRegistry& registry) {
  registry.Register({"hex", "hex(x)", BindHex});
  registry.Register({"unhex", "unhex(str)", BindUnhex});
  registry.Register({"bin", "bin(n)", BindBin});
  registry.Register({"conv", "conv(num, from_base, to_base)", BindConv});
  registry.Register({"format_number", "format_number(x, d)", BindFormatNumber});
  registry.Register(Shift("shiftleft", "shiftleft(a, n)", '<'));
  registry.Register(Shift("shiftright", "shiftright(a, n)", '>'));
  registry.Register(Shift("shiftrightunsigned", "shiftrightunsigned(a, n)", 'u'));
  registry.Register({"bit_count", "bit_count(x)", BindBitCount});
}

}  // namespace sluice
