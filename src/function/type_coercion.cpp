#include "function/type_coercion.h"

#include <algorithm>

#include "types/decimal.h"

namespace sluice {

DataType AsDecimal(const DataType& t, const Value* constant) {
  if (!t.IsInteger()) return t;
  if (constant && !constant->is_null()) {
    const int64_t v = constant->int64();
    const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    int digits = 1;
    for (uint64_t rest = magnitude; rest >= 10; rest /= 10) ++digits;
    return DataType::Decimal(digits, 0);
  }
  return DataType::Decimal(t.id() == TypeId::kInt32 ? 10 : 20, 0);
}

DataType BoundedDecimal(int precision, int scale) {
  if (precision <= kMaxDecimalPrecision) return DataType::Decimal(precision, scale);
  const int integral = precision - scale;
  const int min_scale = std::min(scale, 6);
  const int adjusted = std::max(kMaxDecimalPrecision - integral, min_scale);
  return DataType::Decimal(kMaxDecimalPrecision, adjusted);
}

namespace {

int Rank(TypeId id) {
  switch (id) {
    case TypeId::kInt32: return 1;
    case TypeId::kInt64: return 2;
    case TypeId::kDecimal: return 3;
    case TypeId::kFloat64: return 4;
    default: return 0;
  }
}

DataType WiderDecimal(const DataType& a, const DataType& b) {
  DataType da = AsDecimal(a), db = AsDecimal(b);
  int scale = std::max(da.scale(), db.scale());
  int integral = std::max(da.precision() - da.scale(), db.precision() - db.scale());
  int precision = std::min(kMaxDecimalPrecision, integral + scale);
  return DataType::Decimal(precision, std::min(scale, precision));
}

}  // namespace

DataType WiderInterval(const DataType& a, const DataType& b) {
  const int from = std::min(a.start_field(), b.start_field());
  const int to = std::max(a.end_field(), b.end_field());
  return a.id() == TypeId::kInterval ? DataType::Interval(from, to)
                                     : DataType::YearMonthInterval(from, to);
}

std::optional<DataType> CommonType(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.id() == TypeId::kNull) return b;
  if (b.id() == TypeId::kNull) return a;
  if (a.IsNumeric() && b.IsNumeric()) {
    if (a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal) {
      if (a.id() == TypeId::kFloat64 || b.id() == TypeId::kFloat64) return DataType::Float64();
      return WiderDecimal(a, b);
    }
    return Rank(a.id()) >= Rank(b.id()) ? a : b;
  }
  auto temporal = [](TypeId id) { return id == TypeId::kDate || id == TypeId::kTimestamp; };
  if (temporal(a.id()) && temporal(b.id())) return DataType::Timestamp();
  if (a.IsInterval() && a.id() == b.id()) return WiderInterval(a, b);
  if (a.IsStringLike() && b.IsStringLike()) return DataType::String();
  // Maps of keys and values with common types: MAP<STRING, INT> and MAP<STRING, BIGINT> meet as
  // MAP<STRING, BIGINT>.
  if (a.IsMap() && b.IsMap()) {
    auto key = CommonType(a.map_key(), b.map_key());
    auto value = CommonType(a.map_value(), b.map_value());
    if (!key || !value || !CheckMapKey(*key).ok()) return std::nullopt;
    return DataType::Map(*key, *value);
  }
  // Arrays of types with a common type: ARRAY<INT> and ARRAY<BIGINT> meet as ARRAY<BIGINT>.
  if (a.id() == TypeId::kList && b.id() == TypeId::kList && !a.IsMap() && !b.IsMap()) {
    auto element = CommonType(a.element(), b.element());
    if (element) return DataType::List(*element);
    return std::nullopt;
  }
  // No decimal type fits every string, so a string with a DECIMAL compares as DOUBLE.
  auto read_as = [](const DataType& t) {
    return t.id() == TypeId::kDecimal ? DataType::Float64() : t;
  };
  if (a.IsStringLike() && (temporal(b.id()) || b.IsNumeric() || b.id() == TypeId::kBoolean)) {
    return read_as(b);
  }
  if (b.IsStringLike() && (temporal(a.id()) || a.IsNumeric() || a.id() == TypeId::kBoolean)) {
    return read_as(a);
  }
  return std::nullopt;
}

std::optional<DataType> WiderType(const DataType& a, const DataType& b) {
  auto promotes = [](const DataType& t) {
    return t.IsNumeric() || t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp;
  };
  if ((a.IsStringLike() && promotes(b)) || (b.IsStringLike() && promotes(a))) {
    return DataType::String();
  }
  if ((a.IsStringLike() && b.id() == TypeId::kBoolean) ||
      (b.IsStringLike() && a.id() == TypeId::kBoolean)) {
    return std::nullopt;
  }
  return CommonType(a, b);
}

DataType ArithmeticOperandType(const DataType& t) {
  return t.IsStringLike() ? DataType::Float64() : t;
}

std::optional<DataType> ArithmeticResultType(char op, const DataType& left, const DataType& right,
                                             const Value* left_constant,
                                             const Value* right_constant) {
  DataType a = ArithmeticOperandType(left), b = ArithmeticOperandType(right);
  if (!a.IsNumeric() || !b.IsNumeric()) return std::nullopt;
  if (a.id() == TypeId::kFloat64 || b.id() == TypeId::kFloat64) return DataType::Float64();
  if (a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal) {
    // Spark's DecimalPrecision, with allowPrecisionLoss.
    const DataType da = AsDecimal(a, left_constant), db = AsDecimal(b, right_constant);
    const int p1 = da.precision(), s1 = da.scale(), p2 = db.precision(), s2 = db.scale();
    switch (op) {
      case '*': return BoundedDecimal(p1 + p2 + 1, s1 + s2);
      case '/': {
        const int scale = std::max(6, s1 + p2 + 1);
        return BoundedDecimal(p1 - s1 + s2 + scale, scale);
      }
      case '%': {
        const int scale = std::max(s1, s2);
        return BoundedDecimal(std::min(p1 - s1, p2 - s2) + scale, scale);
      }
      default: {
        const int scale = std::max(s1, s2);
        return BoundedDecimal(std::max(p1 - s1, p2 - s2) + scale + 1, scale);
      }
    }
  }
  if (op == '/') return DataType::Float64();
  return Rank(a.id()) >= Rank(b.id()) ? a : b;
}

}  // namespace sluice
