#include "exec/project_operator.h"

#include "expr/column_reference.h"

namespace sluice {

Status ProjectOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  const size_t errors_before = context.row_errors.size();
  std::vector<VectorPtr> columns;
  columns.reserve(expressions_.size());
  for (const auto& e : expressions_) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr column, e->Evaluate(batch, context));
    columns.push_back(std::move(column));
  }
  Batch out(std::move(columns), batch.num_rows());
  out.set_selection(batch.selection());
  if (context.row_errors.size() > errors_before) {
    SLUICE_ASSIGN_OR_RETURN(SelectionVector kept, DivertRaisedRows(batch, context, errors_before));
    out.set_selection(std::move(kept));
  }
  return Emit(out, context);
}

std::string ProjectOperator::Describe() const {
  std::string out = "Project ";
  for (size_t i = 0; i < expressions_.size(); ++i) {
    std::string text = expressions_[i]->ToString();
    out += i ? ", " : "";
    out += text;
    if (text != schema_.field(i).name) out += " AS " + schema_.field(i).name;
  }
  return out;
}

}  // namespace sluice
