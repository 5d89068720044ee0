#include "expr/lambda_function.h"

#include <algorithm>

#include "vector/take.h"

namespace sluice {

std::vector<uint8_t> LambdaFunction::LiveRows(const Batch& input) {
  std::vector<uint8_t> live(input.num_rows(), input.selection().IsAll() ? 1 : 0);
  if (!input.selection().IsAll()) {
    for (uint32_t row : input.selection().rows()) live[row] = 1;
  }
  return live;
}

bool LambdaFunction::IsTrue(const Vector& v, size_t i) {
  return !v.IsNull(i) && v.data<uint8_t>()[i] != 0;
}

Result<VectorPtr> LambdaFunction::Apply(const Lambda& lambda, const Batch& input,
                                        const std::vector<uint32_t>& rows,
                                        std::vector<VectorPtr> params, EvalContext& context) const {
  std::vector<int> used;
  lambda.body->CollectColumns(used);
  std::vector<VectorPtr> columns(std::max(lambda.base + params.size(), input.num_columns()));
  for (int c : used) {
    const size_t i = static_cast<size_t>(c);
    if (i < lambda.base && !columns[i]) columns[i] = Take(input.column(i), rows);
  }
  for (size_t k = 0; k < params.size(); ++k) columns[lambda.base + k] = std::move(params[k]);
  Batch elements(std::move(columns), rows.size());
  const size_t errors_before = context.row_errors.size();
  auto result = lambda.body->Evaluate(elements, context);
  // An element that raised (ANSI mode) raised for the input row it belongs to.
  for (size_t i = errors_before; i < context.row_errors.size(); ++i) {
    context.row_errors[i].row = rows[context.row_errors[i].row];
  }
  return result;
}

Result<VectorPtr> LambdaFunction::Evaluate(const Batch& input, EvalContext& context) const {
  SLUICE_ASSIGN_OR_RETURN(VectorPtr list, arrays_[0]->Evaluate(input, context));
  if (kind_ == Kind::kAggregate) return EvaluateAggregate(input, *list, context);
  if (kind_ == Kind::kZipWith || kind_ == Kind::kMapZipWith) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr right, arrays_[1]->Evaluate(input, context));
    if (kind_ == Kind::kMapZipWith) return EvaluateMapZipWith(input, *list, *right, context);
    return EvaluateZipWith(input, *list, *right, context);
  }
  if (kind_ == Kind::kMapFilter || kind_ == Kind::kTransformKeys ||
      kind_ == Kind::kTransformValues) {
    return EvaluateMapEntries(input, *list, context);
  }
  const size_t num_rows = input.num_rows();
  const std::vector<uint8_t> live = LiveRows(input);
  const uint32_t* offsets = list->offsets();
  // Every element of the live arrays: its row, its place in the list's elements, its index.
  std::vector<uint32_t> rows, items;
  auto index = std::make_shared<Vector>(DataType::Int32());
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || list->IsNull(row)) continue;
    for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
      rows.push_back(row);
      items.push_back(i);
      index->Append(static_cast<int32_t>(i - offsets[row]));
    }
  }
  const Lambda& lambda = lambdas_[0];
  std::vector<VectorPtr> params{Take(list->list_child(), items)};
  if (lambda.params.size() == 2) params.push_back(index);
  SLUICE_ASSIGN_OR_RETURN(VectorPtr result, Apply(lambda, input, rows, std::move(params), context));

  auto out = std::make_shared<Vector>(type());
  if (kind_ == Kind::kExists || kind_ == Kind::kForall) {
    // exists: TRUE if any element gives TRUE, else NULL if any gives NULL, else FALSE; forall
    // the same with FALSE (Spark's three-valued logic).
    out->Resize(num_rows);
    const bool exists = kind_ == Kind::kExists;
    size_t k = 0;
    for (uint32_t row = 0; row < num_rows; ++row) {
      if (!live[row]) continue;
      if (list->IsNull(row)) {
        out->SetNull(row);
        continue;
      }
      bool decided = false, saw_null = false;
      for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i, ++k) {
        if (result->IsNull(k)) {
          saw_null = true;
        } else if ((result->data<uint8_t>()[k] != 0) == exists) {
          decided = true;
        }
      }
      if (decided) {
        out->data<uint8_t>()[row] = exists ? 1 : 0;
      } else if (saw_null) {
        out->SetNull(row);
      } else {
        out->data<uint8_t>()[row] = exists ? 0 : 1;
      }
    }
    return out;
  }
  // transform: the results; filter: the elements whose result is TRUE.
  const Vector& source = kind_ == Kind::kTransform ? *result : list->list_child();
  ShareArenasDeep(source, out->list_child());
  size_t k = 0;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || list->IsNull(row)) {
      out->AppendNull();
      continue;
    }
    for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i, ++k) {
      if (kind_ == Kind::kTransform) {
        AppendRow(*result, k, out->list_child());
      } else if (IsTrue(*result, k)) {
        AppendRow(list->list_child(), i, out->list_child());
      }
    }
    out->AppendListEnd();
  }
  return out;
}

// aggregate(arr, zero, (acc, x) -> merge[, acc -> finish]): folds each array from the left. The
// fold runs element position by element position: step j merges the j-th element of every
// array that has one, all rows at once.
Result<VectorPtr> LambdaFunction::EvaluateAggregate(const Batch& input, const Vector& list,
                                                    EvalContext& context) const {
  const size_t num_rows = input.num_rows();
  const std::vector<uint8_t> live = LiveRows(input);
  const uint32_t* offsets = list.offsets();
  SLUICE_ASSIGN_OR_RETURN(VectorPtr zero, zero_->Evaluate(input, context));
  std::vector<uint32_t> active;  // the rows folded, in order
  uint32_t longest = 0;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || list.IsNull(row)) continue;
    active.push_back(row);
    longest = std::max(longest, offsets[row + 1] - offsets[row]);
  }
  VectorPtr acc = Take(*zero, active);
  const Lambda& merge = lambdas_[0];
  for (uint32_t j = 0; j < longest; ++j) {
    std::vector<uint32_t> positions, rows, items;  // positions: indexes into `active`
    for (uint32_t p = 0; p < active.size(); ++p) {
      const uint32_t row = active[p];
      if (offsets[row + 1] - offsets[row] <= j) continue;
      positions.push_back(p);
      rows.push_back(row);
      items.push_back(offsets[row] + j);
    }
    std::vector<VectorPtr> params{Take(*acc, positions), Take(list.list_child(), items)};
    SLUICE_ASSIGN_OR_RETURN(VectorPtr merged, Apply(merge, input, rows, std::move(params), context));
    // The merged values replace those positions' accumulators; the others keep theirs.
    auto next = std::make_shared<Vector>(acc->type());
    ShareArenasDeep(*acc, *next);
    ShareArenasDeep(*merged, *next);
    size_t k = 0;
    for (uint32_t p = 0; p < active.size(); ++p) {
      if (k < positions.size() && positions[k] == p) {
        AppendRow(*merged, k++, *next);
      } else {
        AppendRow(*acc, p, *next);
      }
    }
    acc = std::move(next);
  }
  VectorPtr result = acc;
  if (lambdas_.size() == 2) {
    SLUICE_ASSIGN_OR_RETURN(result, Apply(lambdas_[1], input, active, {acc}, context));
  }
  auto out = std::make_shared<Vector>(type());
  ShareArenasDeep(*result, *out);
  size_t k = 0;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (k < active.size() && active[k] == row) {
      AppendRow(*result, k++, *out);
    } else {
      out->AppendNull();
    }
  }
  return out;
}

// zip_with(a, b, (x, y) -> f): f over the pairs of elements at the same index; the shorter
// array is padded with NULLs. NULL when either array is.
Result<VectorPtr> LambdaFunction::EvaluateZipWith(const Batch& input, const Vector& left,
                                                  const Vector& right, EvalContext& context) const {
  const size_t num_rows = input.num_rows();
  const std::vector<uint8_t> live = LiveRows(input);
  const uint32_t* lo = left.offsets();
  const uint32_t* ro = right.offsets();
  auto xs = std::make_shared<Vector>(left.list_child().type());
  auto ys = std::make_shared<Vector>(right.list_child().type());
  ShareArenasDeep(left.list_child(), *xs);
  ShareArenasDeep(right.list_child(), *ys);
  std::vector<uint32_t> rows;
  std::vector<uint32_t> lengths(num_rows, 0);
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || left.IsNull(row) || right.IsNull(row)) continue;
    const uint32_t nl = lo[row + 1] - lo[row], nr = ro[row + 1] - ro[row];
    lengths[row] = std::max(nl, nr);
    for (uint32_t k = 0; k < lengths[row]; ++k) {
      rows.push_back(row);
      if (k < nl) {
        AppendRow(left.list_child(), lo[row] + k, *xs);
      } else {
        xs->AppendNull();
      }
      if (k < nr) {
        AppendRow(right.list_child(), ro[row] + k, *ys);
      } else {
        ys->AppendNull();
      }
    }
  }
  SLUICE_ASSIGN_OR_RETURN(VectorPtr result, Apply(lambdas_[0], input, rows, {xs, ys}, context));
  auto out = std::make_shared<Vector>(type());
  ShareArenasDeep(*result, out->list_child());
  size_t k = 0;
  for (uint32_t row = 0; row < num_rows; ++row) {
    if (!live[row] || left.IsNull(row) || right.IsNull(row)) {
      out->AppendNull();
      continue;
    }
    for (uint32_t i = 0; i < lengths[row]; ++i) AppendRow(*result, k++, out->list_child());
    out->AppendListEnd();
  }
  return out;
}

std::string LambdaFunction::ToString() const {
  std::string out = name_ + "(";
  for (size_t i = 0; i < arrays_.size(); ++i) out += (i ? ", " : "") + arrays_[i]->ToString();
  if (zero_) out += ", " + zero_->ToString();
  for (const Lambda& lambda : lambdas_) {
    std::string params;
    for (size_t i = 0; i < lambda.params.size(); ++i) params += (i ? ", " : "") + lambda.params[i];
    out += ", " + (lambda.params.size() == 1 ? params : "(" + params + ")") + " -> " +
           lambda.body->ToString();
  }
  return out + ")";
}

void LambdaFunction::CollectColumns(std::vector<int>& columns) const {
  for (const auto& a : arrays_) a->CollectColumns(columns);
  if (zero_) zero_->CollectColumns(columns);
  // Only the input's columns: the parameters are the lambda's own.
  for (const Lambda& lambda : lambdas_) {
    std::vector<int> used;
    lambda.body->CollectColumns(used);
    for (int c : used) {
      if (static_cast<size_t>(c) < lambda.base) columns.push_back(c);
    }
  }
}

}  // namespace sluice
