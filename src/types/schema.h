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

 private:
  std::vector<Field> fields_;
};

}  // namespace sluice
