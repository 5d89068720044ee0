#include "expr/make_struct.h"

#include "types/schema.h"

namespace sluice {
namespace {

DataType StructType(const std::vector<std::string>& names, const std::vector<ExpressionPtr>& fields) {
  std::vector<Field> out;
  for (size_t i = 0; i < names.size(); ++i) out.push_back(Field{names[i], fields[i]->type(), true});
  return DataType::Struct(std::move(out));
}

}  // namespace

MakeStruct::MakeStruct(std::vector<std::string> names, std::vector<ExpressionPtr> fields)
    : Expression(StructType(names, fields)), names_(std::move(names)), fields_(std::move(fields)) {}

Result<VectorPtr> MakeStruct::Evaluate(const Batch& input, EvalContext& context) const {
  auto out = std::make_shared<Vector>(type());
  for (size_t i = 0; i < fields_.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr child, fields_[i]->Evaluate(input, context));
    out->SetChild(i, std::move(child));
  }
  out->Resize(input.num_rows());
  return VectorPtr(out);
}

std::string MakeStruct::ToString() const {
  std::string out = "named_struct(";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out += ", ";
    out += "'" + names_[i] + "', " + fields_[i]->ToString();
  }
  return out + ")";
}

}  // namespace sluice
