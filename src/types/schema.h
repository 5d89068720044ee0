#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "types/data_type.h"

namespace sluice {

// The ordered, named columns of a table or of an operator's output.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  const Field& field(size_t i) const { return fields_[i]; }
  const std::vector<Field>& fields() const { return fields_; }
  void Add(Field field) { fields_.push_back(std::move(field)); }
  // Index of a column by case-insensitive name, or -1.
  int IndexOf(std::string_view name) const;
  // "(a INT NOT NULL, b STRING)"
  std::string ToString() const;

  // The PRIMARY KEY columns the table's DDL declared (upsert sinks key on them); empty if none.
  const std::vector<std::string>& primary_key() const { return primary_key_; }
  void set_primary_key(std::vector<std::string> columns) { primary_key_ = std::move(columns); }
  // The PARTITIONED BY columns (file sinks write a folder per value); empty if none.
  const std::vector<std::string>& partition_keys() const { return partition_keys_; }
  void set_partition_keys(std::vector<std::string> columns) { partition_keys_ = std::move(columns); }

 private:
  std::vector<Field> fields_;
  std::vector<std::string> primary_key_;
  std::vector<std::string> partition_keys_;
};

}  // namespace sluice
