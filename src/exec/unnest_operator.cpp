#include "exec/unnest_operator.h"

#include "vector/take.h"

namespace sluice {

Status UnnestOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  SLUICE_ASSIGN_OR_RETURN(VectorPtr list, list_->Evaluate(batch, context));
  std::vector<uint32_t> parent_rows;   // input row of each output row
  std::vector<uint32_t> element_rows;  // element index of each output row
  const uint32_t* offsets = list->offsets();
  const size_t live = batch.num_live_rows();
  for (size_t i = 0; i < live; ++i) {
    uint32_t row = batch.selection()[i];
    if (list->IsNull(row)) continue;
    for (uint32_t e = offsets[row]; e < offsets[row + 1]; ++e) {
      parent_rows.push_back(row);
      element_rows.push_back(e);
    }
  }
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (c < needed_.size() && !needed_[c]) {
      auto unused = std::make_shared<Vector>(DataType::Null());
      unused->Resize(parent_rows.size());
      columns.push_back(std::move(unused));
    } else {
      columns.push_back(Take(batch.column(c), parent_rows));
    }
  }
  VectorPtr elements = Take(list->list_child(), element_rows);
  if (expand_struct_) {
    for (size_t f = 0; f < elements->num_children(); ++f) {
      columns.push_back(elements->shared_child(f));
    }
  } else {
    columns.push_back(std::move(elements));
  }
  Batch out(std::move(columns), parent_rows.size());
  return Emit(out, context);
}

}  // namespace sluice
