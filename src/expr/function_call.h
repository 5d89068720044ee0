#pragma once

#include <string>
#include <vector>

#include "expr/expression.h"
#include "function/scalar_function.h"

namespace sluice {

// A call of a bound scalar function: evaluates the arguments, then runs the kernel once over
// the whole batch.
class FunctionCall final : public Expression {
 public:
  FunctionCall(std::string name, BoundFunction function, std::vector<ExpressionPtr> args)
      : Expression(function.return_type),
        name_(std::move(name)),
        function_(std::move(function)),
        args_(std::move(args)) {}

  const std::string& name() const { return name_; }
  const std::vector<ExpressionPtr>& args() const { return args_; }
  Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const override;
  std::string ToString() const override;
  void CollectColumns(std::vector<int>& columns) const override {
    for (const auto& a : args_) a->CollectColumns(columns);
  }

 private:
  std::string name_;
  BoundFunction function_;
  std::vector<ExpressionPtr> args_;
};

}  // namespace sluice
