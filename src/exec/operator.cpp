#include "exec/operator.h"

namespace sluice {

Status Operator::Finish() {
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->Finish());
  return Status::OK();
}

Status Operator::Emit(const Batch& batch, EvalContext& context) {
  metrics_.rows_out += batch.num_live_rows();
  if (batch.num_live_rows() == 0) return Status::OK();
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->Push(batch, context));
  return Status::OK();
}

Status Operator::OnWatermark(int64_t watermark, EvalContext& context) {
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->OnWatermark(watermark, context));
  return Status::OK();
}

void Operator::PrepareStop() {
  for (auto& out : outputs_) out->PrepareStop();
}

Status Operator::OnTick(EvalContext& context) {
  for (auto& out : outputs_) SLUICE_RETURN_NOT_OK(out->OnTick(context));
  return Status::OK();
}

}  // namespace sluice
