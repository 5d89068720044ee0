#include "expr/cast_expression.h"

#include <fmt/format.h>

#include "function/cast.h"

namespace sluice {

Result<VectorPtr> CastExpression::Evaluate(const Batch& input, EvalContext& context) const {
  SLUICE_ASSIGN_OR_RETURN(VectorPtr in, child_->Evaluate(input, context));
  if (in->type() == type()) return in;
  auto out = std::make_shared<Vector>(type());
  KernelContext ctx{input.selection(), input.num_rows(), context};
  SLUICE_RETURN_NOT_OK(CastVector(*in, type(), ctx, *out));
  return out;
}

std::string CastExpression::ToString() const {
  return fmt::format("CAST({} AS {})", child_->ToString(), type().ToString());
}

}  // namespace sluice
