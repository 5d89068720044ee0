#pragma once

#include "exec/operator.h"

namespace sluice {

// The root of a source's operator tree: hands every decoded batch to each INSERT reading the
// source, so a source shared by several statements is read and decoded once.
class FanOutOperator final : public Operator {
 public:
  explicit FanOutOperator(std::string description) : description_(std::move(description)) {}

  RowFlow row_flow() const override { return RowFlow::kPasses; }
  Status Push(const Batch& batch, EvalContext& context) override {
    CountIn(batch);
    return Emit(batch, context);
  }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
};

}  // namespace sluice
