#pragma once

#include "expr/expression.h"

namespace sluice {

// CAST(child AS type), also inserted by the planner to coerce arguments.
class CastExpression final : public Expression {
 public:
  // kLenient: Spark's default CAST (a value that does not convert is NULL, '12.7' AS INT is
  // 12, a BIGINT too big for INT wraps). kStrictNull: ANSI conversion rules, and NULL where
  // they fail (TRY_CAST). kStrictRaise: ANSI rules, and the row raises where they fail (CAST
  // in ANSI mode).
  enum class Mode { kLenient, kStrictNull, kStrictRaise };

  CastExpression(ExpressionPtr child, DataType to, Mode mode = Mode::kLenient)
      : Expression(std::move(to)), child_(std::move(child)), mode_(mode) {}

  const ExpressionPtr& child() const { return child_; }
  Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const override;
  std::string ToString() const override;
  void CollectColumns(std::vector<int>& columns) const override {
    child_->CollectColumns(columns);
  }

 private:
  ExpressionPtr child_;
  Mode mode_;
};

}  // namespace sluice
