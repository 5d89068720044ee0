#pragma once

#include "expr/expression.h"

namespace sluice {

// CAST(child AS type), also inserted by the planner to coerce arguments.
class CastExpression final : public Expression {
 public:
  CastExpression(ExpressionPtr child, DataType to)
      : Expression(std::move(to)), child_(std::move(child)) {}

  const ExpressionPtr& child() const { return child_; }
  Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const override;
  std::string ToString() const override;
  void CollectColumns(std::vector<int>& columns) const override {
    child_->CollectColumns(columns);
  }

 private:
  ExpressionPtr child_;
};

}  // namespace sluice
