#include "function/cast.h"

#include "function/map_functions.h"

#include "vector/take.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "format/value_text.h"
#include "function/interval_number_cast.h"
#include "function/kernel_loops.h"
#include "types/decimal.h"
#include "types/interval_text.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Spark's UTF8String.toLong(allowDecimal = true): optional sign, digits, and an optional '.'
// followed only by digits (the fraction is dropped, so '12.7' is 12); no exponent ('1e3' is not
// an integer); out of BIGINT's range is not a number either.
std::optional<int64_t> ParseInt(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  bool negative = s.front() == '-';
  if (negative || s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
  }
  // Accumulate negatively: |INT64_MIN| does not fit a positive int64.
  int64_t result = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    if (__builtin_mul_overflow(result, 10, &result) ||
        __builtin_sub_overflow(result, s[i] - '0', &result)) {
      return std::nullopt;
    }
  }
  for (++i; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  if (negative) return result;
  if (result == std::numeric_limits<int64_t>::min()) return std::nullopt;
  return -result;
}

// Java's Double.parseDouble as Spark's CAST uses it: a leading '+' and a trailing d/D/f/F are
// allowed; 'inf', 'infinity' and 'nan' in any case (Spark's special literals).
std::optional<double> ParseDouble(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) return std::nullopt;
  }
  auto is_suffix = [](char c) { return c == 'd' || c == 'D' || c == 'f' || c == 'F'; };
  if (s.size() > 1 && is_suffix(s.back()) &&
      ((s[s.size() - 2] >= '0' && s[s.size() - 2] <= '9') || s[s.size() - 2] == '.')) {
    s.remove_suffix(1);
  }
  double v;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Java's Double.toString, as Spark's CAST(x AS STRING) writes a DOUBLE (one implementation:
// format/value_text's AppendDoubleText).
std::string DoubleText(double v) {
  std::string out;
  AppendDoubleText(v, out);
  return out;
}

// Non-ANSI Spark narrows a DOUBLE to an integer type by saturating (Scala's toInt / toLong);
// NaN becomes 0.
int64_t SaturatingDoubleToInt(double v, int64_t lo, int64_t hi) {
  if (std::isnan(v)) return 0;
  if (v <= static_cast<double>(lo)) return lo;
  if (v >= static_cast<double>(hi)) return hi;
  return static_cast<int64_t>(v);  // truncates toward zero
}

template <typename In>
std::optional<Int128> IntegerToDecimal(In v, const DataType& to) {
  return RescaleDecimal(static_cast<int64_t>(v), 0, to.scale(), to.precision());
}

int64_t Int64At(const Vector& v, size_t row) {
  return v.type().id() == TypeId::kInt32 ? v.Get<int32_t>(row) : v.Get<int64_t>(row);
}

// Numeric value of an integer/decimal/double column as double.
double NumberAt(const Vector& v, size_t row) {
  switch (v.type().id()) {
    case TypeId::kInt32: return v.Get<int32_t>(row);
    case TypeId::kInt64: return static_cast<double>(v.Get<int64_t>(row));
    case TypeId::kFloat64: return v.Get<double>(row);
    case TypeId::kDecimal: return DecimalToDouble(v.Get<Int128>(row), v.type().scale());
    default: return 0;
  }
}

}  // namespace

namespace {

// ARRAY<A> to ARRAY<B>: the elements of the whole batch are cast at once, then the live rows'
// lists are rebuilt from them (an element that does not convert is a NULL element).
Status CastArray(const Vector& in, const DataType& to, const KernelContext& ctx, Vector& out) {
  const Vector& elements = in.list_child();
  const size_t count = in.offsets()[ctx.num_rows];
  Vector cast(to.element());
  const SelectionVector all = SelectionVector::All();
  SLUICE_RETURN_NOT_OK(CastVector(elements, to.element(), KernelContext{all, count, ctx.eval}, cast));
  ShareArenasDeep(cast, out.list_child());
  kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
    if (!live || in.IsNull(row)) {
      out.AppendNull();
      return;
    }
    for (uint32_t i = in.offsets()[row]; i < in.offsets()[row + 1]; ++i) {
      AppendRow(cast, i, out.list_child());
    }
    out.AppendListEnd();
  });
  return Status::OK();
}

// MAP<K1, V1> to MAP<K2, V2>: keys and values cast as CastArray casts elements; a key that does
// not convert makes its map NULL, as any NULL key does.
Status CastMap(const Vector& in, const DataType& to, const KernelContext& ctx, Vector& out) {
  const Vector& entries = in.list_child();
  const size_t count = in.offsets()[ctx.num_rows];
  Vector keys(to.map_key()), values(to.map_value());
  const SelectionVector all = SelectionVector::All();
  SLUICE_RETURN_NOT_OK(CastVector(entries.child(0), to.map_key(), KernelContext{all, count, ctx.eval}, keys));
  SLUICE_RETURN_NOT_OK(
      CastVector(entries.child(1), to.map_value(), KernelContext{all, count, ctx.eval}, values));
  ShareArenasDeep(keys, out.list_child().child(0));
  ShareArenasDeep(values, out.list_child().child(1));
  std::vector<uint32_t> rows;
  kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
    if (!live || in.IsNull(row)) {
      out.AppendNull();
      return;
    }
    rows.clear();
    for (uint32_t i = in.offsets()[row]; i < in.offsets()[row + 1]; ++i) rows.push_back(i);
    AppendMapEntries(keys, rows, values, rows, out);
  });
  return Status::OK();
}

}  // namespace

bool CanCast(const DataType& from, const DataType& to) {
  if (from == to || from.id() == TypeId::kNull) return true;
  if (to.id() == TypeId::kString) return true;
  if (from.IsInterval() && from.id() == to.id()) return true;  // another set of fields
  // Spark's interval text, and numbers counting the interval's last field (not DOUBLE).
  auto exact_number = [](const DataType& t) { return t.IsInteger() || t.id() == TypeId::kDecimal; };
  if (to.IsInterval()) return from.IsStringLike() || exact_number(from);
  if (from.IsInterval()) return exact_number(to);
  if (from.IsMap() && to.IsMap()) {
    return CanCast(from.map_key(), to.map_key()) && CanCast(from.map_value(), to.map_value());
  }
  // ARRAY<A> to ARRAY<B> casts each element, as Spark.
  if (from.id() == TypeId::kList && to.id() == TypeId::kList && !from.IsMap() && !to.IsMap()) {
    return CanCast(from.element(), to.element());
  }
  auto is_scalar = [](const DataType& t) { return !t.IsNested() && !t.IsInterval(); };
  if (!is_scalar(from) || !is_scalar(to)) return false;
  if (from.id() == TypeId::kBytes || to.id() == TypeId::kBytes) {
    return from.IsStringLike() && to.IsStringLike();
  }
  if (to.id() == TypeId::kDate) {
    return from.IsStringLike() || from.id() == TypeId::kTimestamp;
  }
  if (from.id() == TypeId::kDate) {
    // A DATE to a number is NULL in Spark without ANSI mode (which refuses it).
    return true;
  }
  return true;  // numeric, boolean, string and timestamp convert among themselves
}

std::string CastToText(const Vector& in, size_t row) {
  switch (in.type().id()) {
    case TypeId::kBoolean: return in.Get<uint8_t>(row) ? "true" : "false";
    case TypeId::kInt32: return fmt::format("{}", in.Get<int32_t>(row));
    case TypeId::kInt64: return fmt::format("{}", in.Get<int64_t>(row));
    case TypeId::kFloat64: return DoubleText(in.Get<double>(row));
    case TypeId::kDecimal: {
      std::string text;
      AppendDecimalSparkText(in.Get<Int128>(row), in.type().scale(), text);
      return text;
    }
    case TypeId::kString:
    case TypeId::kBytes: return std::string(in.Get<std::string_view>(row));
    case TypeId::kDate: return FormatDate(in.Get<int32_t>(row));
    case TypeId::kTimestamp: return FormatTimestamp(in.Get<int64_t>(row));
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval: {
      std::string text;
      AppendAnyIntervalText(in, row, text);
      return text;
    }
    case TypeId::kStruct: {
      std::string out = "{";
      for (size_t i = 0; i < in.num_children(); ++i) {
        out += i ? ", " : "";
        out += in.child(i).IsNull(row) ? "null" : CastToText(in.child(i), row);
      }
      return out + "}";
    }
    case TypeId::kList: {
      if (in.type().IsMap()) {  // Spark's text of a map: {a -> 1, b -> null}
        std::string out = "{";
        const Vector& keys = in.list_child().child(0);
        const Vector& values = in.list_child().child(1);
        for (uint32_t i = in.offsets()[row]; i < in.offsets()[row + 1]; ++i) {
          out += i > in.offsets()[row] ? ", " : "";
          out += CastToText(keys, i) + " -> " + (values.IsNull(i) ? "null" : CastToText(values, i));
        }
        return out + "}";
      }
      std::string out = "[";
      const Vector& child = in.list_child();
      for (uint32_t i = in.offsets()[row]; i < in.offsets()[row + 1]; ++i) {
        out += i > in.offsets()[row] ? ", " : "";
        out += child.IsNull(i) ? "null" : CastToText(child, i);
      }
      return out + "]";
    }
    case TypeId::kNull: return "null";
  }
  return "";
}

Status CastVector(const Vector& in, const DataType& to, const KernelContext& ctx, Vector& out) {
  const TypeId from_id = in.type().id();
  const TypeId to_id = to.id();
  if (in.type().IsMap() && to.IsMap()) return CastMap(in, to, ctx, out);
  if (from_id == TypeId::kList && to_id == TypeId::kList) return CastArray(in, to, ctx, out);
  out.Resize(ctx.num_rows);

  // Row-at-a-time fallback for every pair; the hot pairs below get typed loops.
  auto each = [&](auto&& convert) {
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (in.IsNull(row) || !convert(row)) out.SetNull(row);
    });
  };

  // A DATE has no number (Spark without ANSI mode gives NULL).
  const bool date_to_number = from_id == TypeId::kDate && to_id != TypeId::kDate &&
                              to_id != TypeId::kTimestamp && !to.IsStringLike();
  if (from_id == TypeId::kNull || date_to_number) {
    kernel::ForEachLive(ctx, [&](size_t row) { out.SetNull(row); });
    return Status::OK();
  }

  if (in.type().IsInterval() && from_id == to_id) {
    // To other fields: a finer value is cut to the last field, toward zero, as Spark's cast.
    constexpr int64_t kDayTimeUnit[] = {86'400'000'000, 3'600'000'000, 60'000'000, 1};
    const int64_t unit = from_id == TypeId::kInterval ? kDayTimeUnit[to.end_field()]
                                                       : (to.end_field() == DataType::kYear ? 12 : 1);
    each([&](size_t row) {
      if (from_id == TypeId::kInterval) {
        const int64_t v = in.Get<int64_t>(row);
        out.data<int64_t>()[row] = v - v % unit;
      } else {
        const int32_t v = in.Get<int32_t>(row);
        out.data<int32_t>()[row] = static_cast<int32_t>(v - v % unit);
      }
      return true;
    });
    return Status::OK();
  }

  if (to.IsInterval() && (in.type().IsInteger() || from_id == TypeId::kDecimal)) {
    each([&](size_t row) {
      const std::optional<int64_t> v =
          from_id == TypeId::kDecimal
              ? DecimalToInterval(in.Get<Int128>(row), in.type().scale(), to)
              : IntegerToInterval(Int64At(in, row), to);
      if (!v) return false;
      if (to_id == TypeId::kInterval) {
        out.data<int64_t>()[row] = *v;
      } else {
        out.data<int32_t>()[row] = static_cast<int32_t>(*v);
      }
      return true;
    });
    return Status::OK();
  }
  if (in.type().IsInterval() && (to.IsInteger() || to_id == TypeId::kDecimal)) {
    each([&](size_t row) {
      const int64_t v = from_id == TypeId::kInterval ? in.Get<int64_t>(row) : in.Get<int32_t>(row);
      if (to_id == TypeId::kDecimal) {
        const std::optional<Int128> d = IntervalToDecimal(v, in.type(), to);
        if (d) out.data<Int128>()[row] = *d;
        return d.has_value();
      }
      const int64_t n = IntervalToInteger(v, in.type());
      if (to_id == TypeId::kInt64) {
        out.data<int64_t>()[row] = n;
        return true;
      }
      if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max()) return false;
      out.data<int32_t>()[row] = static_cast<int32_t>(n);
      return true;
    });
    return Status::OK();
  }

  if (to.IsInterval() && in.type().IsStringLike()) {
    each([&](size_t row) {
      const std::string_view text = in.Get<std::string_view>(row);
      if (to_id == TypeId::kInterval) {
        const std::optional<int64_t> v = ParseDayTimeIntervalText(text, to.start_field(), to.end_field());
        if (v) out.data<int64_t>()[row] = *v;
        return v.has_value();
      }
      const std::optional<int32_t> v = ParseYearMonthIntervalText(text, to.start_field(), to.end_field());
      if (v) out.data<int32_t>()[row] = *v;
      return v.has_value();
    });
    return Status::OK();
  }

  switch (to_id) {
    case TypeId::kString:
    case TypeId::kBytes:
      each([&](size_t row) {
        out.data<std::string_view>()[row] = out.arena().Add(CastToText(in, row));
        return true;
      });
      return Status::OK();

    case TypeId::kBoolean:
      each([&](size_t row) {
        if (in.type().IsStringLike()) {
          // Spark's StringUtils.isTrueString / isFalseString, case-insensitive.
          std::string s(Trim(in.Get<std::string_view>(row)));
          for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (s == "t" || s == "true" || s == "y" || s == "yes" || s == "1") {
            out.data<uint8_t>()[row] = 1;
            return true;
          }
          if (s == "f" || s == "false" || s == "n" || s == "no" || s == "0") {
            out.data<uint8_t>()[row] = 0;
            return true;
          }
          return false;
        }
        out.data<uint8_t>()[row] = NumberAt(in, row) != 0 ? 1 : 0;
        return true;
      });
      return Status::OK();

    case TypeId::kInt32:
    case TypeId::kInt64: {
      const int64_t lo = to_id == TypeId::kInt32 ? std::numeric_limits<int32_t>::min()
                                                 : std::numeric_limits<int64_t>::min();
      const int64_t hi = to_id == TypeId::kInt32 ? std::numeric_limits<int32_t>::max()
                                                 : std::numeric_limits<int64_t>::max();
      auto store = [&](size_t row, int64_t v) {
        if (v < lo || v > hi) return false;
        if (to_id == TypeId::kInt32) {
          out.data<int32_t>()[row] = static_cast<int32_t>(v);
        } else {
          out.data<int64_t>()[row] = v;
        }
        return true;
      };
      if (from_id == TypeId::kInt32 && to_id == TypeId::kInt64) {
        kernel::Unary<int32_t, int64_t>(in, ctx, out, [](int32_t v) { return int64_t{v}; });
        return Status::OK();
      }
      // Numbers narrow as in non-ANSI Spark: integers and decimals keep their low-order bits
      // (Long.toInt), doubles saturate; only text out of range is NULL.
      auto narrow = [&](size_t row, int64_t v) {
        if (to_id == TypeId::kInt32) {
          out.data<int32_t>()[row] = static_cast<int32_t>(static_cast<uint32_t>(v));
        } else {
          out.data<int64_t>()[row] = v;
        }
        return true;
      };
      each([&](size_t row) {
        switch (from_id) {
          case TypeId::kBoolean: return store(row, in.Get<uint8_t>(row));
          case TypeId::kInt32:
          case TypeId::kInt64: return narrow(row, Int64At(in, row));
          case TypeId::kFloat64:
            return store(row, SaturatingDoubleToInt(in.Get<double>(row), lo, hi));
          case TypeId::kDecimal:  // truncates toward zero, then keeps the low-order 64 bits
            return narrow(row, static_cast<int64_t>(static_cast<uint64_t>(
                                   in.Get<Int128>(row) / PowerOfTen(in.type().scale()))));
          case TypeId::kTimestamp:
            return narrow(row, FloorDiv(in.Get<int64_t>(row), kMicrosPerSecond));
          case TypeId::kString:
          case TypeId::kBytes: {
            // '12.7' → 12 as Spark does; '1e3' and out-of-range text are NULL.
            auto v = ParseInt(in.Get<std::string_view>(row));
            return v && store(row, *v);
          }
          default: return false;
        }
      });
      return Status::OK();
    }

    case TypeId::kFloat64:
      each([&](size_t row) {
        if (in.type().IsStringLike()) {
          auto d = ParseDouble(in.Get<std::string_view>(row));
          if (!d) return false;
          out.data<double>()[row] = *d;
          return true;
        }
        if (from_id == TypeId::kTimestamp) {
          out.data<double>()[row] = static_cast<double>(in.Get<int64_t>(row)) / 1e6;
          return true;
        }
        out.data<double>()[row] = from_id == TypeId::kBoolean ? in.Get<uint8_t>(row)
                                                              : NumberAt(in, row);
        return true;
      });
      return Status::OK();

    case TypeId::kDecimal:
      each([&](size_t row) {
        std::optional<Int128> v;
        switch (from_id) {
          case TypeId::kBoolean: v = IntegerToDecimal(in.Get<uint8_t>(row), to); break;
          case TypeId::kInt32:
          case TypeId::kInt64: v = IntegerToDecimal(Int64At(in, row), to); break;
          case TypeId::kDecimal:
            v = RescaleDecimal(in.Get<Int128>(row), in.type().scale(), to.scale(),
                               to.precision());
            break;
          case TypeId::kFloat64: {
            double d = in.Get<double>(row);
            if (!std::isfinite(d)) break;
            v = ParseDecimal(fmt::format("{}", d), to.precision(), to.scale());
            break;
          }
          case TypeId::kString:
          case TypeId::kBytes:
            v = ParseDecimal(Trim(in.Get<std::string_view>(row)), to.precision(), to.scale());
            break;
          default: break;
        }
        if (!v) return false;
        out.data<Int128>()[row] = *v;
        return true;
      });
      return Status::OK();

    case TypeId::kDate:
      each([&](size_t row) {
        if (from_id == TypeId::kTimestamp) {
          out.data<int32_t>()[row] =
              static_cast<int32_t>(FloorDiv(in.Get<int64_t>(row), kMicrosPerDay));
          return true;
        }
        std::string_view s = Trim(in.Get<std::string_view>(row));
        // Spark's CAST to DATE also takes a timestamp string and keeps its date.
        const std::string_view date = s.substr(0, s.find_first_of(" T"));
        auto days = ParseDate(date);
        if (!days) days = ParseYearOrMonth(s);
        if (!days) return false;
        out.data<int32_t>()[row] = *days;
        return true;
      });
      return Status::OK();

    case TypeId::kTimestamp:
      each([&](size_t row) {
        std::optional<int64_t> micros;
        switch (from_id) {
          case TypeId::kDate: micros = int64_t{in.Get<int32_t>(row)} * kMicrosPerDay; break;
          case TypeId::kInt32:
          case TypeId::kInt64: {
            // Seconds beyond the microsecond range saturate, as Spark's SECONDS.toMicros.
            const int64_t seconds = Int64At(in, row);
            constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
            micros = seconds > kLimit    ? std::numeric_limits<int64_t>::max()
                     : seconds < -kLimit ? std::numeric_limits<int64_t>::min()
                                         : seconds * kMicrosPerSecond;
            break;
          }
          case TypeId::kFloat64: {
            // Spark: (d * 1e6).toLong, truncating toward zero; NaN and infinities are NULL.
            double d = in.Get<double>(row);
            if (std::isfinite(d)) {
              micros = SaturatingDoubleToInt(d * 1e6, std::numeric_limits<int64_t>::min(),
                                             std::numeric_limits<int64_t>::max());
            }
            break;
          }
          case TypeId::kDecimal: {
            // Exact: unscaled * 10^6 / 10^scale, truncating toward zero (in two parts, so
            // 38 digits do not overflow 128 bits).
            const Int128 unscaled = in.Get<Int128>(row);
            const int scale = in.type().scale();
            const Int128 whole = unscaled / PowerOfTen(scale), fraction = unscaled % PowerOfTen(scale);
            const Int128 fraction_micros = scale >= 6 ? fraction / PowerOfTen(scale - 6)
                                                      : fraction * PowerOfTen(6 - scale);
            constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
            if (whole <= kLimit && whole >= -kLimit) {  // then the sum below fits 128 bits
              const Int128 sum = whole * kMicrosPerSecond + fraction_micros;
              if (sum >= std::numeric_limits<int64_t>::min() &&
                  sum <= std::numeric_limits<int64_t>::max()) {
                micros = static_cast<int64_t>(sum);
              }
            }
            break;
          }
          case TypeId::kString:
          case TypeId::kBytes: {
            const std::string_view text = Trim(in.Get<std::string_view>(row));
            micros = ParseTimestamp(text);
            if (!micros) {
              if (auto days = ParseYearOrMonth(text)) micros = int64_t{*days} * kMicrosPerDay;
            }
            break;
          }
          default: break;
        }
        if (!micros) return false;
        out.data<int64_t>()[row] = *micros;
        return true;
      });
      return Status::OK();

    default:
      break;
  }
  return Status::NotImplemented("CAST from {} to {}", in.type().ToString(), to.ToString());
}

}  // namespace sluice
