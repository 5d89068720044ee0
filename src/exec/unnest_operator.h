#pragma once

#include <string>
#include <vector>

#include "exec/operator.h"

namespace sluice {

// CROSS JOIN UNNEST(list) and Spark's explode family: one output row per element of the list
// column, carrying the input columns along. The element becomes one column, or, for a list of
// ROWs with `expand_struct`, one column per field (Flink's `UNNEST(items) AS t(a, b, c)`, Spark's
// inline). With `position` an INT column of the element's 0-based index comes first (posexplode).
// Rows with a NULL or empty list produce nothing, as in an inner join, unless `outer`: then one
// row whose element (and position) is NULL (explode_outer, LATERAL VIEW OUTER).
struct UnnestShape {
  bool expand_struct = false;
  bool position = false;
  bool outer = false;
};

class UnnestOperator final : public Operator {
 public:
  UnnestOperator(ExpressionPtr list, UnnestShape shape, std::string description)
      : list_(std::move(list)), shape_(shape), description_(std::move(description)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  std::string Describe() const override { return description_; }
  // Only these input columns are read downstream; the others are not copied per element but
  // replaced by an empty placeholder (nested arrays make that copy the dominant cost).
  void KeepOnly(std::vector<bool> needed) { needed_ = std::move(needed); }

 private:
  ExpressionPtr list_;
  UnnestShape shape_;
  std::string description_;
  std::vector<bool> needed_;  // empty: every input column
};

}  // namespace sluice
