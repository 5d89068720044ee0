#include "exec/unnest_operator.h"

#include "vector/take.h"

namespace sluice {

Status UnnestOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  SLUICE_ASSIGN_OR_RETURN(VectorPtr list, list_->Evaluate(batch, context));
  constexpr uint32_t kNoElement = UINT32_MAX;  // an outer row of a NULL or empty list
  std::vector<uint32_t> parent_rows;   // input row of each output row
  std::vector<uint32_t> element_rows;  // element index of each output row
  bool any_outer = false;
  const uint32_t* offsets = list->offsets();
  const size_t live = batch.num_live_rows();
  for (size_t i = 0; i < live; ++i) {
    uint32_t row = batch.selection()[i];
    const bool empty = list->IsNull(row) || offsets[row] == offsets[row + 1];
    if (empty) {
      if (shape_.outer) {
        parent_rows.push_back(row);
        element_rows.push_back(kNoElement);
        any_outer = true;
      }
      continue;
    }
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
  if (shape_.position) {
    auto position = std::make_shared<Vector>(DataType::Int32());
    position->Reserve(parent_rows.size());
    for (size_t i = 0; i < parent_rows.size(); ++i) {
      if (element_rows[i] == kNoElement) {
        position->AppendNull();
      } else {
        position->Append<int32_t>(static_cast<int32_t>(element_rows[i] - offsets[parent_rows[i]]));
      }
    }
    columns.push_back(std::move(position));
  }
  VectorPtr elements;
  if (!any_outer) {
    elements = Take(list->list_child(), element_rows);
  } else {
    elements = std::make_shared<Vector>(list->list_child().type());
    ShareArenasDeep(list->list_child(), *elements);
    for (uint32_t e : element_rows) {
      if (e == kNoElement) {
        elements->AppendNull();
      } else {
        AppendRow(list->list_child(), e, *elements);
      }
    }
  }
  if (shape_.expand_struct) {
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
