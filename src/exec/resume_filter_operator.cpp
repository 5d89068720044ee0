#include "exec/resume_filter_operator.h"

#include "exec/record_positions.h"

namespace sluice {

Status ResumeFilterOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  if (resume_.empty() || context.positions == nullptr) return Emit(batch, context);
  const RecordPositions& positions = *context.positions;
  const SelectionVector& selection = batch.selection();
  const size_t live = batch.num_live_rows();
  std::vector<uint32_t> kept;
  kept.reserve(live);
  for (size_t i = 0; i < live; ++i) {
    uint32_t row = selection[i];
    auto it = resume_.find(positions.partition[row]);
    if (it == resume_.end()) {
      kept.push_back(row);
    } else if (positions.offset[row] >= it->second) {
      kept.push_back(row);
      resume_.erase(it);  // offsets rise within a partition: the rest of it is new
    } else {
      ++rows_skipped_;
    }
  }
  if (kept.size() == live) return Emit(batch, context);
  Batch narrowed = batch;
  narrowed.set_selection(SelectionVector::Of(std::move(kept)));
  return Emit(narrowed, context);
}

}  // namespace sluice
