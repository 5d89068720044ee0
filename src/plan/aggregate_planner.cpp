#include "plan/aggregate_planner.h"

#include <fmt/format.h>

#include "aggregate/aggregate_function.h"
#include "expr/literal.h"
#include "plan/call_binder.h"
#include "plan/expression_binder.h"

namespace sluice {
namespace {

using sql::ExprKind;
using sql::ParsedExpr;

void CollectCalls(const ParsedExpr& e, std::vector<const ParsedExpr*>& out) {
  if (e.kind == ExprKind::kFunction && IsAggregateName(e.name) && !e.has_over) {
    out.push_back(&e);
    return;  // an aggregate inside an aggregate is an error the binder reports
  }
  for (const auto& child : e.children) CollectCalls(*child, out);
}

}  // namespace

bool HasAggregates(const sql::SelectStatement& select) {
  std::vector<const ParsedExpr*> calls;
  for (const auto& item : select.items) CollectCalls(*item.expression, calls);
  if (select.having) CollectCalls(*select.having, calls);
  return !calls.empty();
}

Result<AggregationPlan> PlanAggregation(const sql::SourceText& source,
                                        const FunctionRegistry& registry,
                                        const sql::SelectStatement& select, const Scope& input,
                                        std::vector<GroupKey> keys) {
  AggregationPlan plan;
  for (auto& key : keys) {
    key.bound->CollectColumns(plan.used_columns);
    if (key.bound->type().IsNested()) {
      return Status::Invalid("GROUP BY {}: grouping by a {} is not supported", key.text,
                             key.bound->type().ToString());
    }
    int column = static_cast<int>(plan.output_scope.size());
    if (!key.text.empty()) plan.substitutions.emplace(key.text, column);
    plan.output_scope.Add(key.column);
    plan.spec.output_schema.Add(Field{key.column.name, key.bound->type(), true});
    plan.spec.keys.push_back(std::move(key.bound));
  }

  std::vector<const ParsedExpr*> calls;
  for (const auto& item : select.items) CollectCalls(*item.expression, calls);
  if (select.having) CollectCalls(*select.having, calls);
  ExpressionBinder binder(source, input, registry);
  for (const ParsedExpr* call : calls) {
    std::string text = call->ToString();
    if (plan.substitutions.count(text)) continue;  // the same call written twice is computed once
    std::vector<ExpressionPtr> args;
    std::vector<DataType> types;
    std::vector<const Value*> constants;
    const bool star = call->children.size() == 1 && call->children[0]->kind == ExprKind::kStar;
    if (star && call->name != "count") {
      return source.Error(call->location, fmt::format("{}(*) is not allowed; only count(*)", call->name));
    }
    if (!star) {
      for (const auto& child : call->children) {
        SLUICE_ASSIGN_OR_RETURN(ExpressionPtr arg, binder.Bind(*child));
        types.push_back(arg->type());
        const auto* literal = dynamic_cast<const Literal*>(arg.get());
        constants.push_back(literal ? &literal->value() : nullptr);
        args.push_back(std::move(arg));
      }
    }
    if (call->name == "count" && !call->distinct && args.size() == 1 && constants[0] &&
        !constants[0]->is_null()) {
      args.clear();  // count(1) counts rows, like count(*)
      types.clear();
    }
    std::string name = call->name;
    if (call->filter) {
      // agg(x) FILTER (WHERE c) aggregates CASE WHEN c THEN x END: the aggregates skip NULLs,
      // and count(*) becomes count_if(c).
      if (name == "first" || name == "first_value" || name == "last" || name == "last_value") {
        return source.Error(call->filter->location,
                            fmt::format("FILTER (WHERE ...) is not supported with {}(); use "
                                        "{}(CASE WHEN ... THEN x END, TRUE)",
                                        name, name));
      }
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr condition, binder.Bind(*call->filter));
      if (condition->type().id() != TypeId::kBoolean && condition->type().id() != TypeId::kNull) {
        return source.Error(call->filter->location,
                            fmt::format("FILTER (WHERE ...) expects a BOOLEAN condition, but '{}' is {}",
                                        call->filter->ToString(), condition->type().ToString()));
      }
      if (!constants.empty()) constants[0] = nullptr;  // the guarded value is not a literal any more
      if (args.empty()) {  // count(*) / count(1)
        name = "count_if";
        args.push_back(condition);
        types = {condition->type()};
        constants = {nullptr};
      } else {
        auto guarded = BindCall(registry, "case_when", {condition, args[0]});
        if (!guarded.ok()) return source.Error(call->filter->location, guarded.status().message());
        args[0] = *guarded;
        types[0] = args[0]->type();
      }
    }
    auto function = ResolveAggregate(name, call->distinct, types, constants);
    if (!function.ok()) return source.Error(call->location, function.status().message());
    AggregateCall bound;
    bound.function = std::move(*function);
    bound.text = text;
    for (size_t i = 0; i < bound.function.input_types.size(); ++i) {
      args[i]->CollectColumns(plan.used_columns);
      bound.inputs.push_back(CastIfNeeded(args[i], bound.function.input_types[i]));
    }
    int column = static_cast<int>(plan.output_scope.size());
    plan.substitutions.emplace(text, column);
    plan.output_scope.Add(ScopeColumn{"", text, bound.function.result_type, true});
    plan.spec.output_schema.Add(Field{text, bound.function.result_type, true});
    plan.spec.aggregates.push_back(std::move(bound));
  }
  return plan;
}

}  // namespace sluice
