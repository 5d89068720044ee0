#include "expr/function_call.h"

#include <fmt/format.h>

namespace sluice {

Result<VectorPtr> FunctionCall::Evaluate(const Batch& input, EvalContext& context) const {
  std::vector<VectorPtr> values;
  values.reserve(args_.size());
  for (const auto& arg : args_) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, arg->Evaluate(input, context));
    values.push_back(std::move(v));
  }
  auto out = std::make_shared<Vector>(type());
  KernelContext kernel_context{input.selection(), input.num_rows(), context};
  SLUICE_RETURN_NOT_OK(function_.kernel(values, kernel_context, *out));
  return out;
}

std::string FunctionCall::ToString() const {
  static const char* kInfix[][2] = {{"add", "+"},   {"subtract", "-"}, {"multiply", "*"},
                                    {"divide", "/"}, {"modulo", "%"},   {"equal", "="},
                                    {"not_equal", "<>"}, {"less", "<"}, {"less_equal", "<="},
                                    {"greater", ">"}, {"greater_equal", ">="}, {"and", "AND"},
                                    {"or", "OR"}};
  if (args_.size() == 2) {
    for (const auto& [fn, op] : kInfix) {
      if (name_ == fn) {
        return fmt::format("({} {} {})", args_[0]->ToString(), op, args_[1]->ToString());
      }
    }
  }
  std::string out = name_ + "(";
  for (size_t i = 0; i < args_.size(); ++i) out += (i ? ", " : "") + args_[i]->ToString();
  return out + ")";
}

}  // namespace sluice
