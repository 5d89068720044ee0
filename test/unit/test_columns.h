#pragma once
// Builders for small test batches: one column from a list of optional values.

#include <optional>
#include <string>
#include <vector>

#include "types/decimal.h"
#include "types/timestamp.h"
#include "vector/batch.h"

namespace sluice::test {

template <typename T>
VectorPtr Column(DataType type, const std::vector<std::optional<T>>& values) {
  auto v = std::make_shared<Vector>(std::move(type));
  for (const auto& value : values) {
    if (!value) {
      v->AppendNull();
    } else if constexpr (std::is_same_v<T, std::string>) {
      v->AppendString(*value);
    } else {
      v->Append<T>(*value);
    }
  }
  return v;
}

inline VectorPtr Ints(const std::vector<std::optional<int32_t>>& values) {
  return Column(DataType::Int32(), values);
}
inline VectorPtr Longs(const std::vector<std::optional<int64_t>>& values) {
  return Column(DataType::Int64(), values);
}
inline VectorPtr Doubles(const std::vector<std::optional<double>>& values) {
  return Column(DataType::Float64(), values);
}
inline VectorPtr Strings(const std::vector<std::optional<std::string>>& values) {
  return Column(DataType::String(), values);
}
inline VectorPtr Bools(const std::vector<std::optional<uint8_t>>& values) {
  return Column(DataType::Boolean(), values);
}
inline VectorPtr Decimals(int precision, int scale,
                          const std::vector<std::optional<int64_t>>& unscaled) {
  std::vector<std::optional<Int128>> wide;  // DECIMALs are stored as 128-bit integers
  for (const auto& v : unscaled) wide.push_back(v ? std::optional<Int128>(*v) : std::nullopt);
  return Column(DataType::Decimal(precision, scale), wide);
}
// Timestamps from 'YYYY-MM-DD HH:MM:SS[.f]' text (UTC).
inline VectorPtr Timestamps(const std::vector<std::optional<std::string>>& texts) {
  std::vector<std::optional<int64_t>> micros;
  for (const auto& t : texts) micros.push_back(t ? ParseTimestamp(*t) : std::nullopt);
  return Column(DataType::Timestamp(), micros);
}
inline VectorPtr Dates(const std::vector<std::optional<std::string>>& texts) {
  std::vector<std::optional<int32_t>> days;
  for (const auto& t : texts) days.push_back(t ? ParseDate(*t) : std::nullopt);
  return Column(DataType::Date(), days);
}

inline Batch MakeBatch(std::vector<VectorPtr> columns) {
  size_t rows = columns.empty() ? 0 : columns[0]->size();
  return Batch(std::move(columns), rows);
}

}  // namespace sluice::test
