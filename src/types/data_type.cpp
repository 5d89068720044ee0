#include "types/data_type.h"

#include <cassert>
#include <strings.h>

#include <fmt/format.h>

namespace sluice {

std::string_view TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kNull: return "NULL";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt32: return "INT";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal: return "DECIMAL";
    case TypeId::kString: return "STRING";
    case TypeId::kBytes: return "BYTES";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return "TIMESTAMP";
    case TypeId::kInterval: return "INTERVAL";
    case TypeId::kYearMonthInterval: return "INTERVAL";
    case TypeId::kStruct: return "ROW";
    case TypeId::kList: return "ARRAY";
  }
  return "UNKNOWN";
}

DataType DataType::Decimal(int precision, int scale) {
  assert(precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision);
  DataType t(TypeId::kDecimal);
  t.precision_ = precision;
  t.scale_ = scale;
  return t;
}

DataType DataType::Interval(int start_field, int end_field) {
  assert(kDay <= start_field && start_field <= end_field && end_field <= kSecond);
  DataType t(TypeId::kInterval);
  t.precision_ = start_field;
  t.scale_ = end_field;
  return t;
}

DataType DataType::YearMonthInterval(int start_field, int end_field) {
  assert(kYear <= start_field && start_field <= end_field && end_field <= kMonth);
  DataType t(TypeId::kYearMonthInterval);
  t.precision_ = start_field;
  t.scale_ = end_field;
  return t;
}

DataType DataType::Struct(std::vector<Field> fields) {
  DataType t(TypeId::kStruct);
  t.children_ = std::make_shared<const std::vector<Field>>(std::move(fields));
  return t;
}

DataType DataType::List(DataType element) {
  DataType t(TypeId::kList);
  t.children_ = std::make_shared<const std::vector<Field>>(
      std::vector<Field>{Field{"element", std::move(element), true}});
  return t;
}

Status CheckMapKey(const DataType& key) {
  if (key.id() == TypeId::kString || key.id() == TypeId::kInt32 || key.id() == TypeId::kInt64) {
    return Status::OK();
  }
  return Status::NotImplemented("MAP keys of type {}: keys can be STRING, INT or BIGINT",
                                key.ToString());
}

DataType DataType::Map(DataType key, DataType value) {
  DataType t = List(Struct({Field{"key", std::move(key), false}, Field{"value", std::move(value), true}}));
  t.map_ = true;
  return t;
}

const DataType& DataType::map_key() const {
  assert(map_);
  return element().fields()[0].type;
}

const DataType& DataType::map_value() const {
  assert(map_);
  return element().fields()[1].type;
}

const std::vector<Field>& DataType::fields() const {
  static const std::vector<Field> kNone;
  return id_ == TypeId::kStruct && children_ ? *children_ : kNone;
}

const DataType& DataType::element() const {
  assert(id_ == TypeId::kList && children_);
  return (*children_)[0].type;
}

int DataType::FieldIndex(std::string_view name) const {
  const auto& fs = fields();
  for (size_t i = 0; i < fs.size(); ++i) {
    if (fs[i].name.size() == name.size() &&
        strncasecmp(fs[i].name.data(), name.data(), name.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

bool DataType::IsNumeric() const {
  return id_ == TypeId::kInt32 || id_ == TypeId::kInt64 || id_ == TypeId::kFloat64 ||
         id_ == TypeId::kDecimal;
}

size_t DataType::FixedWidth() const {
  switch (id_) {
    case TypeId::kNull:
    case TypeId::kBoolean: return 1;
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kYearMonthInterval: return 4;
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kInterval: return 8;
    case TypeId::kDecimal: return 16;
    case TypeId::kString:
    case TypeId::kBytes: return sizeof(std::string_view);
    case TypeId::kStruct:
    case TypeId::kList: return 0;
  }
  return 0;
}

namespace {
// A field name as the type parser reads it back: plain identifiers as they are, anything else
// back-quoted with inner back quotes doubled.
std::string FieldNameText(const std::string& name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    plain &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  if (plain) return name;
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}
}  // namespace

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kDecimal: return fmt::format("DECIMAL({},{})", precision_, scale_);
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval: {
      static constexpr std::string_view kDayTime[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
      static constexpr std::string_view kYearMonth[] = {"YEAR", "MONTH"};
      const auto* names = id_ == TypeId::kInterval ? kDayTime : kYearMonth;
      if (precision_ == scale_) return fmt::format("INTERVAL {}", names[precision_]);
      return fmt::format("INTERVAL {} TO {}", names[precision_], names[scale_]);
    }
    case TypeId::kStruct: {
      std::string out = "ROW<";
      for (size_t i = 0; i < fields().size(); ++i) {
        const Field& f = fields()[i];
        out += fmt::format("{}{} {}{}", i ? ", " : "", FieldNameText(f.name), f.type.ToString(),
                           f.nullable ? "" : " NOT NULL");
      }
      return out + ">";
    }
    case TypeId::kList:
      if (map_) return fmt::format("MAP<{}, {}>", map_key().ToString(), map_value().ToString());
      return fmt::format("ARRAY<{}>", element().ToString());
    default: return std::string(TypeIdName(id_));
  }
}

bool DataType::operator==(const DataType& other) const {
  if (id_ != other.id_ || map_ != other.map_) return false;
  if (id_ == TypeId::kDecimal || IsInterval()) {
    return precision_ == other.precision_ && scale_ == other.scale_;
  }
  if (id_ == TypeId::kStruct || id_ == TypeId::kList) {
    if (children_ == other.children_) return true;
    if (!children_ || !other.children_) return false;
    return *children_ == *other.children_;
  }
  return true;
}

}  // namespace sluice
