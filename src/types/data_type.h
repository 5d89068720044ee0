#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice {

// The logical types a column can have. Physical layout per type is documented on Vector.
enum class TypeId : uint8_t {
  kNull,       // the type of an untyped NULL literal
  kBoolean,    // uint8_t 0/1
  kInt32,      // int32_t
  kInt64,      // int64_t
  kFloat64,    // double
  kDecimal,    // Int128 (types/decimal.h) unscaled value; precision <= 38, scale in the type
  kString,     // std::string_view into the vector's arena (UTF-8)
  kBytes,      // std::string_view into the vector's arena (raw bytes)
  kDate,       // int32_t days since 1970-01-01
  kTimestamp,  // int64_t microseconds since 1970-01-01T00:00:00Z
  kInterval,   // int64_t microseconds: a day-time interval (fields DAY .. SECOND in the type)
  kYearMonthInterval,  // int32_t months (fields YEAR .. MONTH in the type)
  kStruct,     // child vectors, one per field
  kList,       // uint32_t offsets (size + 1) into one child vector
};

std::string_view TypeIdName(TypeId id);

class DataType;
// A MAP's key type must be STRING, INT or BIGINT (what a JSON object's member names become).
Status CheckMapKey(const DataType& key);

struct Field;

// A column type: a TypeId plus decimal parameters or the children of nested types.
// Cheap to copy: nested children are shared and immutable.
class DataType {
 public:
  DataType() = default;
  explicit DataType(TypeId id) : id_(id) {}

  static DataType Null() { return DataType(TypeId::kNull); }
  static DataType Boolean() { return DataType(TypeId::kBoolean); }
  static DataType Int32() { return DataType(TypeId::kInt32); }
  static DataType Int64() { return DataType(TypeId::kInt64); }
  static DataType Float64() { return DataType(TypeId::kFloat64); }
  static DataType Decimal(int precision, int scale);
  static DataType String() { return DataType(TypeId::kString); }
  static DataType Bytes() { return DataType(TypeId::kBytes); }
  static DataType Date() { return DataType(TypeId::kDate); }
  static DataType Timestamp() { return DataType(TypeId::kTimestamp); }
  // Spark's interval types keep their first and last field, which only shape their text
  // (INTERVAL '3' DAY, INTERVAL '1-6' YEAR TO MONTH): day-time fields are kDay .. kSecond,
  // year-month fields kYear .. kMonth.
  enum IntervalField : int { kDay = 0, kHour = 1, kMinute = 2, kSecond = 3, kYear = 0, kMonth = 1 };
  static DataType Interval(int start_field = kDay, int end_field = kSecond);
  static DataType YearMonthInterval(int start_field = kYear, int end_field = kMonth);
  static DataType Struct(std::vector<Field> fields);
  static DataType List(DataType element);
  // MAP<key, value>: stored as a list of ROW<key, value> entries (so every list routine works on
  // it), marked as a map for its text, JSON, functions and type checks.
  static DataType Map(DataType key, DataType value);

  TypeId id() const { return id_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  // An interval type's first and last field (IntervalField).
  int start_field() const { return precision_; }
  int end_field() const { return scale_; }
  bool IsInterval() const { return id_ == TypeId::kInterval || id_ == TypeId::kYearMonthInterval; }
  // Struct fields; empty for other types.
  const std::vector<Field>& fields() const;
  // List element type; only valid for kList (for a map: the ROW<key, value> entry).
  const DataType& element() const;
  bool IsMap() const { return map_; }
  // A map's key and value types; only valid when IsMap().
  const DataType& map_key() const;
  const DataType& map_value() const;
  // Index of a struct field by case-insensitive name, or -1.
  int FieldIndex(std::string_view name) const;

  bool IsNumeric() const;
  bool IsInteger() const { return id_ == TypeId::kInt32 || id_ == TypeId::kInt64; }
  bool IsStringLike() const { return id_ == TypeId::kString || id_ == TypeId::kBytes; }
  bool IsNested() const { return id_ == TypeId::kStruct || id_ == TypeId::kList; }
  // Bytes per value in the vector's data buffer (0 for nested types).
  size_t FixedWidth() const;

  // SQL spelling: INT, DECIMAL(10,2), ROW<a INT, b STRING>, ARRAY<STRING>.
  std::string ToString() const;

  bool operator==(const DataType& other) const;
  bool operator!=(const DataType& other) const { return !(*this == other); }

 private:
  TypeId id_ = TypeId::kNull;
  int precision_ = 0;  // DECIMAL's precision, an interval's start field
  int scale_ = 0;      // DECIMAL's scale, an interval's end field
  std::shared_ptr<const std::vector<Field>> children_;  // struct fields, or one list element
  bool map_ = false;
};

// A named, typed column of a schema or a struct.
struct Field {
  std::string name;
  DataType type;
  bool nullable = true;

  bool operator==(const Field& other) const = default;
};

}  // namespace sluice
