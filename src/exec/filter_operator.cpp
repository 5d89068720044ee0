#include "exec/filter_operator.h"

namespace sluice {

Status FilterOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  const size_t errors_before = context.row_errors.size();
  SLUICE_ASSIGN_OR_RETURN(VectorPtr mask, predicate_->Evaluate(batch, context));
  const uint8_t* keep = mask->data<uint8_t>();
  SelectionVector without_raised;
  if (context.row_errors.size() > errors_before) {
    SLUICE_ASSIGN_OR_RETURN(without_raised, DivertRaisedRows(batch, context, errors_before));
  }
  const SelectionVector& in = without_raised.IsAll() ? batch.selection() : without_raised;
  std::vector<uint32_t> rows;
  rows.reserve(in.Count(batch.num_rows()));
  const size_t live = in.Count(batch.num_rows());
  if (!mask->MayHaveNulls()) {
    for (size_t i = 0; i < live; ++i) {
      uint32_t row = in[i];
      if (keep[row]) rows.push_back(row);
    }
  } else {
    for (size_t i = 0; i < live; ++i) {
      uint32_t row = in[i];
      if (keep[row] && mask->IsValid(row)) rows.push_back(row);
    }
  }
  Batch out = batch;
  out.set_selection(SelectionVector::Of(std::move(rows)));
  return Emit(out, context);
}

}  // namespace sluice
