#pragma once

#include <string>

#include "expr/expression.h"

namespace sluice {

// `base.field` on a ROW value: the field's child vector, NULL where the row itself is NULL.
class StructField final : public Expression {
 public:
  StructField(ExpressionPtr base, int field_index);

  Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const override;
  std::string ToString() const override;
  void CollectColumns(std::vector<int>& columns) const override { base_->CollectColumns(columns); }

 private:
  ExpressionPtr base_;
  int field_index_;
};

}  // namespace sluice
