#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "expr/expression.h"

namespace sluice {

// Spark's higher-order functions over arrays and maps, whose lambdas are bound expressions
// reading their parameters as extra columns: transform, filter, exists, forall, aggregate
// (reduce) and zip_with; map_filter, transform_keys, transform_values and map_zip_with
// (lambda_function_maps.cpp). A lambda runs once over all the elements of a batch's arrays at a time (a batch of
// elements whose parameter columns follow the input's columns, and whose input columns repeat
// each row's values for its elements), not once per element.
class LambdaFunction final : public Expression {
 public:
  enum class Kind {
    kTransform, kFilter, kExists, kForall, kAggregate, kZipWith,
    kMapFilter, kTransformKeys, kTransformValues, kMapZipWith
  };

  struct Lambda {
    ExpressionPtr body;
    std::vector<std::string> params;
    // Where the parameters sit in the batch the body reads: columns base, base + 1, ...
    size_t base = 0;
  };

  // `arrays`: the array or map arguments (two for zip_with and map_zip_with); `zero`: aggregate's start value;
  // `lambdas`: the function's lambdas (aggregate: merge, then an optional finish).
  LambdaFunction(Kind kind, std::string name, DataType type, std::vector<ExpressionPtr> arrays,
                 ExpressionPtr zero, std::vector<Lambda> lambdas)
      : Expression(std::move(type)),
        kind_(kind),
        name_(std::move(name)),
        arrays_(std::move(arrays)),
        zero_(std::move(zero)),
        lambdas_(std::move(lambdas)) {}

  Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const override;
  std::string ToString() const override;
  void CollectColumns(std::vector<int>& columns) const override;

 private:
  // Which rows of the batch are live, as a flag per row.
  static std::vector<uint8_t> LiveRows(const Batch& input);
  static bool IsTrue(const Vector& v, size_t i);
  // Evaluates a lambda over `rows` of the input (an element's row, repeated per element) with
  // its parameters bound to `params`.
  Result<VectorPtr> Apply(const Lambda& lambda, const Batch& input,
                          const std::vector<uint32_t>& rows, std::vector<VectorPtr> params,
                          EvalContext& context) const;
  Result<VectorPtr> EvaluateAggregate(const Batch& input, const Vector& list,
                                      EvalContext& context) const;
  Result<VectorPtr> EvaluateZipWith(const Batch& input, const Vector& left, const Vector& right,
                                    EvalContext& context) const;
  // map_filter, transform_keys, transform_values: the lambda over each entry's key and value.
  Result<VectorPtr> EvaluateMapEntries(const Batch& input, const Vector& map,
                                       EvalContext& context) const;
  Result<VectorPtr> EvaluateMapZipWith(const Batch& input, const Vector& left, const Vector& right,
                                       EvalContext& context) const;

  Kind kind_;
  std::string name_;
  std::vector<ExpressionPtr> arrays_;
  ExpressionPtr zero_;
  std::vector<Lambda> lambdas_;
};

}  // namespace sluice
