#pragma once

#include <string>

#include "expr/expression.h"

namespace sluice {

// Reads input column `index` without copying it.
class ColumnReference final : public Expression {
 public:
  ColumnReference(int index, std::string name, DataType type)
      : Expression(std::move(type)), index_(index), name_(std::move(name)) {}

  int index() const { return index_; }
  const std::string& name() const { return name_; }
  Result<VectorPtr> Evaluate(const Batch& input, EvalContext&) const override {
    return input.shared_column(static_cast<size_t>(index_));
  }
  std::string ToString() const override { return name_; }
  void CollectColumns(std::vector<int>& columns) const override { columns.push_back(index_); }

 private:
  int index_;
  std::string name_;
};

}  // namespace sluice
