#pragma once

#include <string>
#include <vector>

#include "exec/operator.h"
#include "types/schema.h"

namespace sluice {

// Computes the output columns; keeps the input's selection, so no row is copied.
class ProjectOperator final : public Operator {
 public:
  ProjectOperator(std::vector<ExpressionPtr> expressions, Schema output_schema)
      : expressions_(std::move(expressions)), schema_(std::move(output_schema)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  RowFlow row_flow() const override { return RowFlow::kPasses; }
  std::string Describe() const override;
  const Schema& schema() const { return schema_; }

 private:
  std::vector<ExpressionPtr> expressions_;
  Schema schema_;
};

}  // namespace sluice
