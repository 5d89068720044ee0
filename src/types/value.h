#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "types/data_type.h"
#include "types/decimal.h"

namespace sluice {

// A single typed value, for literals and constant folding (never on a per-row hot path).
// Payload by type: BOOLEAN bool; INT/BIGINT/DATE/TIMESTAMP/INTERVAL (both kinds) int64_t; DECIMAL Int128
// (unscaled); DOUBLE double; STRING/BYTES std::string.
class Value {
 public:
  Value() = default;  // NULL of type NULL
  static Value Null(DataType type) { return Value(std::move(type), std::monostate{}); }
  static Value Boolean(bool v) { return Value(DataType::Boolean(), v); }
  static Value Int32(int32_t v) { return Value(DataType::Int32(), int64_t{v}); }
  static Value Int64(int64_t v) { return Value(DataType::Int64(), v); }
  static Value Float64(double v) { return Value(DataType::Float64(), v); }
  static Value Decimal(Int128 unscaled, int precision, int scale) {
    return Value(DataType::Decimal(precision, scale), unscaled);
  }
  static Value String(std::string v) { return Value(DataType::String(), std::move(v)); }
  static Value Bytes(std::string v) { return Value(DataType::Bytes(), std::move(v)); }
  static Value Date(int32_t days) { return Value(DataType::Date(), int64_t{days}); }
  static Value Timestamp(int64_t micros) { return Value(DataType::Timestamp(), micros); }
  static Value Interval(int64_t micros, DataType type = DataType::Interval()) {
    return Value(std::move(type), micros);
  }
  static Value YearMonthInterval(int32_t months, DataType type = DataType::YearMonthInterval()) {
    return Value(std::move(type), int64_t{months});
  }

  const DataType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(payload_); }
  bool boolean() const { return std::get<bool>(payload_); }
  int64_t int64() const { return std::get<int64_t>(payload_); }
  Int128 decimal() const { return std::get<Int128>(payload_); }
  double float64() const { return std::get<double>(payload_); }
  const std::string& string() const { return std::get<std::string>(payload_); }

  // SQL literal spelling for plans and errors: 'text', 105.00, TIMESTAMP '...', NULL.
  std::string ToString() const;

 private:
  using Payload = std::variant<std::monostate, bool, int64_t, Int128, double, std::string>;
  Value(DataType type, Payload payload) : type_(std::move(type)), payload_(std::move(payload)) {}

  DataType type_;
  Payload payload_;
};

}  // namespace sluice
