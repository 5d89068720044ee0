#include "function/regex_util.h"

namespace sluice {

Result<std::shared_ptr<const RE2>> CompileRegex(std::string_view fn, std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);  // the error goes into the Status, not to stderr
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    return Status::Invalid("{}: invalid regex '{}': {}", fn, pattern, re->error());
  }
  return std::shared_ptr<const RE2>(std::move(re));
}

Result<std::shared_ptr<RegexArgument>> RegexArgument::Bind(std::string_view fn,
                                                           const BindArguments& args,
                                                           size_t index) {
  auto arg = std::make_shared<RegexArgument>();
  arg->fn_ = std::string(fn);
  const Value* c = args.constants[index];
  if (c && !c->is_null() && c->type().IsStringLike()) {
    SLUICE_ASSIGN_OR_RETURN(arg->constant_, CompileRegex(fn, c->string()));
  }
  return arg;
}

std::shared_ptr<const RE2> RegexArgument::Get(std::string_view pattern) {
  if (constant_) return constant_;
  std::lock_guard lock(mutex_);
  auto it = cache_.find(std::string(pattern));
  if (it != cache_.end()) return it->second;
  // Bounded: a column of ever-new patterns recompiles instead of growing without limit.
  if (cache_.size() >= 256) cache_.clear();
  auto re = CompileRegex(fn_, pattern);
  std::shared_ptr<const RE2> compiled = re.ok() ? *re : nullptr;
  cache_.emplace(std::string(pattern), compiled);
  return compiled;
}

}  // namespace sluice
