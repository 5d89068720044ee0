#pragma once

#include "exec/operator.h"

namespace sluice {

// Keeps the rows whose predicate is TRUE (NULL and FALSE drop), by narrowing the selection.
class FilterOperator final : public Operator {
 public:
  explicit FilterOperator(ExpressionPtr predicate) : predicate_(std::move(predicate)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  std::string Describe() const override { return "Filter " + predicate_->ToString(); }
  uint64_t rows_filtered() const { return rows_in() - rows_out(); }

 private:
  ExpressionPtr predicate_;
};

}  // namespace sluice
