#include "function/interval_number_cast.h"

#include <limits>

namespace sluice {
namespace {

// Microseconds per DAY, HOUR, MINUTE, SECOND; months per YEAR, MONTH.
int64_t UnitOf(const DataType& t) {
  if (t.id() == TypeId::kYearMonthInterval) return t.end_field() == DataType::kYear ? 12 : 1;
  constexpr int64_t kMicros[] = {86'400'000'000, 3'600'000'000, 60'000'000, 1'000'000};
  return kMicros[t.end_field()];
}

std::optional<int64_t> InRange(Int128 value, const DataType& to) {
  const bool months = to.id() == TypeId::kYearMonthInterval;
  const Int128 lo = months ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
  const Int128 hi = months ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
  if (value < lo || value > hi) return std::nullopt;
  return static_cast<int64_t>(value);
}

// Fraction digits multiplied by a unit at once: 10^27 times a unit fits 128 bits.
constexpr int kMaxExactScale = 27;

}  // namespace

std::optional<int64_t> IntegerToInterval(int64_t value, const DataType& to) {
  return InRange(static_cast<Int128>(value) * UnitOf(to), to);
}

std::optional<int64_t> DecimalToInterval(Int128 unscaled, int scale, const DataType& to) {
  const int64_t unit = UnitOf(to);
  const Int128 whole = unscaled / PowerOfTen(scale);
  const Int128 fraction = unscaled % PowerOfTen(scale);
  if (whole > std::numeric_limits<int64_t>::max() / unit ||
      whole < std::numeric_limits<int64_t>::min() / unit) {
    return std::nullopt;
  }
  // fraction * unit / 10^scale rounded half away from zero, exactly: fraction is split into
  // its first 27 digits (head) and the rest (tail, `extra` digits), so no product leaves 128 bits.
  const int extra = scale > kMaxExactScale ? scale - kMaxExactScale : 0;
  const Int128 head = fraction / PowerOfTen(extra);
  const Int128 tail = fraction % PowerOfTen(extra);
  const Int128 head_units = head * unit;  // < 10^27 * 8.64e10
  const Int128 head_scale = PowerOfTen(scale - extra);
  // What is left below a unit, in units of 10^-scale: < 10^38.
  const Int128 below = head_units % head_scale * PowerOfTen(extra) + tail * unit;
  Int128 units = head_units / head_scale + below / PowerOfTen(scale);
  const Int128 rest = below % PowerOfTen(scale);
  const Int128 magnitude = rest < 0 ? -rest : rest;
  if (magnitude >= PowerOfTen(scale) - magnitude) units += rest < 0 ? -1 : 1;
  return InRange(whole * unit + units, to);
}

int64_t IntervalToInteger(int64_t value, const DataType& from) { return value / UnitOf(from); }

std::optional<Int128> IntervalToDecimal(int64_t value, const DataType& from, const DataType& to) {
  // Spark keeps the microseconds of an interval ending in SECOND and cuts any other to whole
  // units of its last field first (CAST(CAST(1.5 AS INTERVAL HOUR TO MINUTE) AS DECIMAL(5, 1))
  // is 1.0).
  if (from.id() == TypeId::kInterval && from.end_field() == DataType::kSecond) {
    return RescaleDecimal(value, 6, to.scale(), to.precision());
  }
  return RescaleDecimal(IntervalToInteger(value, from), 0, to.scale(), to.precision());
}

}  // namespace sluice
