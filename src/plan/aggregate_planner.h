#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "exec/hash_aggregate_operator.h"
#include "function/function_registry.h"
#include "plan/scope.h"
#include "sql/ast.h"
#include "sql/source_text.h"

namespace sluice {

// A GROUP BY key, bound over the query's input, and how the aggregation's output names it.
struct GroupKey {
  ExpressionPtr bound;
  std::string text;    // how the query writes it ("customer_id", "upper(name)"); may be empty
  ScopeColumn column;  // its column after the aggregation
};

// A query's aggregation: the operator's spec (keys, aggregate calls) and the scope the SELECT
// list and HAVING are bound in afterwards.
struct AggregationPlan {
  HashAggregateSpec spec;
  Scope output_scope;  // the keys, then one column per distinct aggregate call
  std::map<std::string, int> substitutions;  // written key / call text -> output column
  std::vector<int> used_columns;             // input columns the keys and calls read
};

// Whether the SELECT list or HAVING call an aggregate function (outside nested queries).
bool HasAggregates(const sql::SelectStatement& select);

// Binds the aggregate calls of the SELECT list and HAVING over `input` and lays out the
// aggregation's output. Errors point at the call.
Result<AggregationPlan> PlanAggregation(const sql::SourceText& source,
                                        const FunctionRegistry& registry,
                                        const sql::SelectStatement& select, const Scope& input,
                                        std::vector<GroupKey> keys);

}  // namespace sluice
