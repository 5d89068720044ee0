#include "expr/function_call.h"

#include <optional>

#include <fmt/format.h>

namespace sluice {

namespace {

bool IsTrue(const Vector& v, size_t row) { return !v.IsNull(row) && v.data<uint8_t>()[row] != 0; }
bool IsFalse(const Vector& v, size_t row) { return !v.IsNull(row) && v.data<uint8_t>()[row] == 0; }

// For the conditional forms: whether Spark would have evaluated argument `i` for `row` (a CASE
// branch not taken, the right side of a decided AND/OR, a COALESCE argument after a non-NULL
// one are not evaluated); nullopt for the other functions, which evaluate everything.
std::optional<bool> Evaluates(const std::string& name, const std::vector<VectorPtr>& values,
                              size_t i, size_t row) {
  const size_t n = values.size();
  if (name == "case_when" || name == "if") {
    const size_t pairs = n / 2;
    const size_t reached = i / 2;  // the conditions before this argument's own
    for (size_t k = 0; k < reached && k < pairs; ++k) {
      if (IsTrue(*values[2 * k], row)) return false;
    }
    if (i >= 2 * pairs) return true;                  // ELSE: no condition was TRUE
    if (i % 2 == 0) return true;                       // this condition is reached
    return IsTrue(*values[i - 1], row);               // this branch: its condition is TRUE
  }
  if (name == "coalesce") {
    for (size_t k = 0; k < i; ++k) {
      if (!values[k]->IsNull(row)) return false;
    }
    return true;
  }
  if (name == "and" && i == 1) return !IsFalse(*values[0], row);
  if (name == "or" && i == 1) return !IsTrue(*values[0], row);
  if (name == "nvl2" && i > 0) return (i == 1) == !values[0]->IsNull(row);
  return std::nullopt;
}

}  // namespace

Result<VectorPtr> FunctionCall::Evaluate(const Batch& input, EvalContext& context) const {
  std::vector<VectorPtr> values;
  values.reserve(args_.size());
  std::vector<size_t> first_error(args_.size() + 1);
  for (size_t i = 0; i < args_.size(); ++i) {
    first_error[i] = context.row_errors.size();
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, args_[i]->Evaluate(input, context));
    values.push_back(std::move(v));
  }
  first_error[args_.size()] = context.row_errors.size();
  if (!args_.empty() && first_error[args_.size()] > first_error[0]) {
    // ANSI mode: keep only the errors of arguments Spark evaluates for that row (so
    // CASE WHEN d <> 0 THEN n / d END does not raise where d is 0).
    std::vector<RowError> kept(context.row_errors.begin(),
                               context.row_errors.begin() + static_cast<std::ptrdiff_t>(first_error[0]));
    for (size_t i = 0; i < args_.size(); ++i) {
      for (size_t e = first_error[i]; e < first_error[i + 1]; ++e) {
        const RowError& error = context.row_errors[e];
        if (Evaluates(name_, values, i, error.row).value_or(true)) kept.push_back(error);
      }
    }
    context.row_errors = std::move(kept);
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
