#include "plan/call_binder.h"

#include <fmt/format.h>

#include "expr/cast_expression.h"
#include "expr/function_call.h"
#include "expr/literal.h"

namespace sluice {

ExpressionPtr CastIfNeeded(ExpressionPtr e, const DataType& type, bool ansi) {
  if (e->type() == type) return e;
  return std::make_shared<CastExpression>(
      std::move(e), type, ansi ? CastExpression::Mode::kStrictRaise : CastExpression::Mode::kLenient);
}

Result<ExpressionPtr> BindCall(const FunctionRegistry& registry, const std::string& name,
                               std::vector<ExpressionPtr> args) {
  const ScalarFunction* fn = registry.Find(name);
  if (!fn) return Status::NotFound("unknown function '{}'", name);
  BindArguments bind;
  for (const auto& a : args) {
    bind.types.push_back(a->type());
    auto* literal = dynamic_cast<const Literal*>(a.get());
    bind.constants.push_back(literal ? &literal->value() : nullptr);
  }
  auto bound = fn->bind(bind);
  if (!bound.ok()) return bound.status();
  if (bound->arg_types.size() != args.size()) {
    return Status::Internal("function {} bound {} argument types for {} arguments", name,
                            bound->arg_types.size(), args.size());
  }
  for (size_t i = 0; i < args.size(); ++i) {
    args[i] = CastIfNeeded(std::move(args[i]), bound->arg_types[i], registry.ansi());
  }
  return ExpressionPtr(std::make_shared<FunctionCall>(fn->name, std::move(*bound), std::move(args)));
}

}  // namespace sluice
