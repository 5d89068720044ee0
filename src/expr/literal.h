#pragma once

#include "expr/expression.h"
#include "types/value.h"

namespace sluice {

// A constant, broadcast to every row of the batch.
class Literal final : public Expression {
 public:
  explicit Literal(Value value) : Expression(value.type()), value_(std::move(value)) {}

  const Value& value() const { return value_; }
  Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const override;
  std::string ToString() const override { return value_.ToString(); }

 private:
  Value value_;
};

// Fills `out` (already of the value's type) with `rows` copies of `value`.
void BroadcastValue(const Value& value, size_t rows, Vector& out);

}  // namespace sluice
