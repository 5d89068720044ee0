#pragma once

#include <string>
#include <vector>

#include "exec/operator.h"

namespace sluice {

// CROSS JOIN UNNEST(list): one output row per element of the list column, carrying the input
// columns along. The element becomes one column, or, for a list of ROWs, one column per field
// (Flink's `UNNEST(items) AS t(a, b, c)`). Rows with a NULL or empty list produce nothing, as
// in an inner join.
class UnnestOperator final : public Operator {
 public:
  UnnestOperator(ExpressionPtr list, bool expand_struct, std::string description)
      : list_(std::move(list)), expand_struct_(expand_struct), description_(std::move(description)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  std::string Describe() const override { return description_; }
  // Only these input columns are read downstream; the others are not copied per element but
  // replaced by an empty placeholder (nested arrays make that copy the dominant cost).
  void KeepOnly(std::vector<bool> needed) { needed_ = std::move(needed); }

 private:
  ExpressionPtr list_;
  bool expand_struct_;
  std::string description_;
  std::vector<bool> needed_;  // empty: every input column
};

}  // namespace sluice
