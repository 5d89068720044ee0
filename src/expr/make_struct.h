#pragma once

#include <string>
#include <vector>

#include "expr/expression.h"

namespace sluice {

// ROW(a, b) with named fields: a struct whose children are the evaluated fields (shared, not
// copied). Spark's window column {start, end} is one.
class MakeStruct final : public Expression {
 public:
  MakeStruct(std::vector<std::string> names, std::vector<ExpressionPtr> fields);

  Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const override;
  std::string ToString() const override;
  void CollectColumns(std::vector<int>& columns) const override {
    for (const auto& f : fields_) f->CollectColumns(columns);
  }

 private:
  std::vector<std::string> names_;
  std::vector<ExpressionPtr> fields_;
};

}  // namespace sluice
