#include "exec/sink_operator.h"

namespace sluice {

Status SinkOperator::Push(const Batch& batch, EvalContext&) {
  CountIn(batch);
  return sink_->Write(batch).WithContext("writing to sink '" + table_ + "'");
}

Status SinkOperator::Commit() {
  return sink_->Commit().WithContext("committing sink '" + table_ + "'");
}

Status SinkOperator::Finish() {
  if (closed_) return Status::OK();
  closed_ = true;
  SLUICE_RETURN_NOT_OK(Commit());
  return sink_->Close().WithContext("closing sink '" + table_ + "'");
}

}  // namespace sluice
