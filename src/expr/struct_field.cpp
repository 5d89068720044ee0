#include "expr/struct_field.h"

#include <numeric>

#include "vector/take.h"

namespace sluice {

StructField::StructField(ExpressionPtr base, int field_index)
    : Expression(base->type().fields()[static_cast<size_t>(field_index)].type),
      base_(std::move(base)),
      field_index_(field_index) {}

Result<VectorPtr> StructField::Evaluate(const Batch& input, EvalContext& context) const {
  SLUICE_ASSIGN_OR_RETURN(VectorPtr base, base_->Evaluate(input, context));
  VectorPtr child = base->shared_child(static_cast<size_t>(field_index_));
  if (!base->MayHaveNulls()) return child;
  // A NULL row has a child slot whose value means nothing: copy and mask it.
  std::vector<uint32_t> rows(base->size());
  std::iota(rows.begin(), rows.end(), 0u);
  VectorPtr out = Take(*child, rows);
  for (size_t r = 0; r < base->size(); ++r) {
    if (base->IsNull(r)) out->SetNull(r);
  }
  return out;
}

std::string StructField::ToString() const {
  return base_->ToString() + "." + base_->type().fields()[static_cast<size_t>(field_index_)].name;
}

}  // namespace sluice
