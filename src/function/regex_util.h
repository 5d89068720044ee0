#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <re2/re2.h>

#include "function/scalar_function.h"

namespace sluice {

// Compiles a (Java-flavoured) regular expression with RE2, or says why it is invalid:
// "<fn>: invalid regex '<pattern>': <RE2's message>". RE2 has no backreferences or lookaround;
// such patterns are rejected here.
Result<std::shared_ptr<const RE2>> CompileRegex(std::string_view fn, std::string_view pattern);

// The regex of a call's pattern argument. A literal pattern is compiled once, at bind time (an
// invalid one is a bind error); a pattern computed per row is compiled once per distinct value
// through a small cache, and an invalid one makes that row NULL.
class RegexArgument {
 public:
  static Result<std::shared_ptr<RegexArgument>> Bind(std::string_view fn,
                                                     const BindArguments& args, size_t index);
  // The compiled regex for `pattern` (ignored when the pattern was a literal); nullptr if the
  // pattern does not compile. Shared so a concurrent cache eviction cannot free it in use.
  std::shared_ptr<const RE2> Get(std::string_view pattern);
  // The literal's regex, or nullptr when the pattern is not a literal.
  const RE2* constant() const { return constant_.get(); }

 private:
  std::string fn_;
  std::shared_ptr<const RE2> constant_;
  std::mutex mutex_;  // kernels may run on several threads; the cache is shared
  std::unordered_map<std::string, std::shared_ptr<const RE2>> cache_;
};

}  // namespace sluice
