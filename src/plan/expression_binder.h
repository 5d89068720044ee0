#pragma once

#include <map>
#include <string>

#include "common/result.h"
#include "expr/expression.h"
#include "function/function_registry.h"
#include "plan/scope.h"
#include "sql/ast.h"
#include "sql/source_text.h"

namespace sluice {

// Turns a parsed expression into a typed, executable one over the columns of `scope`:
// resolves names (`a`, `t.a`, `row.field`), maps operators and SQL forms (IN, BETWEEN, LIKE,
// CASE, IS NULL) onto the function table, inserts implicit casts, and parses typed literals.
// Every error points at the expression's place in the script.
class ExpressionBinder {
 public:
  ExpressionBinder(const sql::SourceText& source, const Scope& scope,
                   const FunctionRegistry& registry)
      : source_(source), scope_(scope), registry_(registry) {}

  // After a GROUP BY: a sub-expression written as `text` of a group key or an aggregate call
  // reads column `substitutions[text]` of the aggregation's output (this binder's scope), and a
  // column found only in `grouped_input` gets an error saying it is not grouped.
  void SetGroupedContext(const std::map<std::string, int>* substitutions,
                         const Scope* grouped_input) {
    substitutions_ = substitutions;
    grouped_input_ = grouped_input;
  }

  // HAVING may name a SELECT item by its alias (as Spark allows): `aliases` maps it to the
  // item's expression, bound in its place.
  void SetAliases(const std::map<std::string, const sql::ParsedExpr*>* aliases) { aliases_ = aliases; }

  Result<ExpressionPtr> Bind(const sql::ParsedExpr& e) const;
  // Binds and checks the result is BOOLEAN (a WHERE or ON condition); `clause` names it.
  Result<ExpressionPtr> BindCondition(const sql::ParsedExpr& e, std::string_view clause) const;

 private:
  Result<ExpressionPtr> BindColumn(const sql::ParsedExpr& e) const;
  Result<ExpressionPtr> BindFunction(const sql::ParsedExpr& e) const;
  Result<ExpressionPtr> BindCase(const sql::ParsedExpr& e) const;
  // a <=> b, equal_null(a, b).
  Result<ExpressionPtr> NullSafeEqual(const sql::ParsedExpr& e, std::vector<ExpressionPtr> args) const;
  // transform, filter, exists, forall, aggregate/reduce, zip_with: their lambdas are bound in a
  // scope of the input's columns plus the lambda's parameters.
  Result<ExpressionPtr> BindHigherOrder(const sql::ParsedExpr& e) const;
  // Binds `lambda` (a kLambda) whose parameters have `types`, or says what was expected.
  Result<ExpressionPtr> BindLambdaBody(const sql::ParsedExpr& call, const sql::ParsedExpr& lambda,
                                       const std::vector<DataType>& types) const;
  // Calls `name` over already bound arguments, reporting errors at `e`.
  Result<ExpressionPtr> Call(const sql::ParsedExpr& e, const std::string& name,
                             std::vector<ExpressionPtr> args) const;
  Result<std::vector<ExpressionPtr>> BindChildren(const sql::ParsedExpr& e, size_t from = 0) const;
  // ": did you mean 'round'?" for an unknown function name, or where to look.
  std::string SuggestFunction(std::string_view name) const;
  Result<ExpressionPtr> AccessField(const sql::ParsedExpr& at, ExpressionPtr base,
                                    const std::string& field) const;

  const sql::SourceText& source_;
  const Scope& scope_;
  const FunctionRegistry& registry_;
  const std::map<std::string, int>* substitutions_ = nullptr;
  const Scope* grouped_input_ = nullptr;
  const std::map<std::string, const sql::ParsedExpr*>* aliases_ = nullptr;
};


// Parses the text of an INTERVAL literal: ('5', "SECOND") or ('10 minutes', "").
Result<int64_t> ParseIntervalMicros(const std::string& text, const std::string& unit);

}  // namespace sluice
