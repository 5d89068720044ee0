#pragma once

#include "exec/operator.h"

namespace sluice {

// Keeps the rows whose predicate is TRUE (NULL and FALSE drop), by narrowing the selection.
class FilterOperator final : public Operator {
 public:
  explicit FilterOperator(ExpressionPtr predicate) : predicate_(std::move(predicate)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  RowFlow row_flow() const override { return RowFlow::kFilters; }
  std::string_view dropped_as() const override { return "filtered"; }
  std::string Describe() const override { return "Filter " + predicate_->ToString(); }
  uint64_t rows_filtered() const { return rows_in() - rows_out(); }

 private:
  ExpressionPtr predicate_;
};

}  // namespace sluice
