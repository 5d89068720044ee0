#include "plan/call_binder.h"

#include <optional>

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

namespace {

// schema_of_json('...') and schema_of_csv('...') over literals are constants: a binder that
// needs a schema literal (from_json, from_csv) takes them as one, as Spark does.
std::optional<Value> FoldSchemaInference(const Expression& e) {
  auto* call = dynamic_cast<const FunctionCall*>(&e);
  if (!call || (call->name() != "schema_of_json" && call->name() != "schema_of_csv")) return std::nullopt;
  for (const auto& arg : call->args()) {
    if (!dynamic_cast<const Literal*>(arg.get()) && !dynamic_cast<const FunctionCall*>(arg.get())) {
      return std::nullopt;
    }
  }
  EvalContext context;
  Result<VectorPtr> v = call->Evaluate(Batch({}, 1), context);
  if (!v.ok() || (*v)->IsNull(0)) return std::nullopt;
  return Value::String(std::string((*v)->data<std::string_view>()[0]));
}

}  // namespace

Result<ExpressionPtr> BindCall(const FunctionRegistry& registry, const std::string& name,
                               std::vector<ExpressionPtr> args) {
  const ScalarFunction* fn = registry.Find(name);
  if (!fn) return Status::NotFound("unknown function '{}'", name);
  BindArguments bind;
  std::vector<Value> folded;
  folded.reserve(args.size());  // constants point into it
  for (const auto& a : args) {
    bind.types.push_back(a->type());
    bind.expressions.push_back(a.get());
    auto* literal = dynamic_cast<const Literal*>(a.get());
    if (literal) {
      bind.constants.push_back(&literal->value());
      continue;
    }
    std::optional<Value> schema = FoldSchemaInference(*a);
    if (schema) folded.push_back(std::move(*schema));
    bind.constants.push_back(schema ? &folded.back() : nullptr);
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
