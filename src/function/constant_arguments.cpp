#include "function/constant_arguments.h"

#include "expr/function_call.h"
#include "expr/literal.h"

namespace sluice {

Result<StringOptions> ConstantStringOptions(std::string_view fn, const BindArguments& args, size_t i) {
  StringOptions options;
  if (i >= args.types.size()) return options;
  const auto refused = [&] {
    return Status::Invalid("{}: the options must be map('key', 'value', ...) of string literals", fn);
  };
  const Expression* e = i < args.expressions.size() ? args.expressions[i] : nullptr;
  auto* call = dynamic_cast<const FunctionCall*>(e);
  if (!call || call->name() != "map") return refused();
  const std::vector<ExpressionPtr>& items = call->args();
  for (size_t k = 0; k + 1 < items.size(); k += 2) {
    auto* key = dynamic_cast<const Literal*>(items[k].get());
    auto* value = dynamic_cast<const Literal*>(items[k + 1].get());
    if (!key || !value || key->value().is_null() || value->value().is_null() ||
        !key->value().type().IsStringLike() || !value->value().type().IsStringLike()) {
      return refused();
    }
    options.emplace_back(key->value().string(), value->value().string());
  }
  return options;
}

}  // namespace sluice
