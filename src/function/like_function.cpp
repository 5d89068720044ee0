// `str LIKE pattern [ESCAPE c]`: SQL wildcards (% any run, _ one character) matched over the
// whole string, compiled once into an RE2 program when the pattern is a constant.
#include <memory>

#include <re2/re2.h>

#include "function/function_registry.h"
#include "function/kernel_loops.h"

namespace sluice {
namespace {

// Translates a LIKE pattern into an RE2 pattern; `escape` makes the next character literal.
Result<std::string> LikeToRegex(std::string_view like, char escape) {
  std::string regex = "(?s)";  // % and _ match newlines too
  for (size_t i = 0; i < like.size(); ++i) {
    char c = like[i];
    if (c == escape) {
      if (i + 1 == like.size()) {
        return Status::Invalid("LIKE pattern '{}' ends with the escape character", like);
      }
      regex += RE2::QuoteMeta(std::string_view(&like[++i], 1));
    } else if (c == '%') {
      regex += ".*";
    } else if (c == '_') {
      regex += ".";
    } else {
      regex += RE2::QuoteMeta(std::string_view(&c, 1));
    }
  }
  return regex;
}

Result<std::shared_ptr<const RE2>> CompileLike(std::string_view like, char escape) {
  SLUICE_ASSIGN_OR_RETURN(std::string regex, LikeToRegex(like, escape));
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(regex, options);
  if (!re->ok()) return Status::Invalid("LIKE pattern '{}': {}", like, re->error());
  return std::shared_ptr<const RE2>(re);
}

Result<BoundFunction> BindLike(const BindArguments& args) {
  if (args.types.size() < 2 || args.types.size() > 3) {
    return Status::Invalid("like(str, pattern[, escape]) takes 2 or 3 arguments");
  }
  char escape = '\\';
  if (args.types.size() == 3) {
    const Value* e = args.constants[2];
    if (!e || e->is_null() || e->string().size() != 1) {
      return Status::Invalid("LIKE ... ESCAPE expects a one-character string constant");
    }
    escape = e->string()[0];
  }
  std::vector<DataType> arg_types(args.types.size(), DataType::String());
  BoundFunction f{DataType::Boolean(), arg_types, nullptr};
  std::shared_ptr<const RE2> constant;
  const Value* pattern = args.constants[1];
  if (pattern && !pattern->is_null()) {
    if (pattern->type().id() != TypeId::kString) {
      return Status::Invalid("LIKE expects a string pattern, found {}", pattern->type().ToString());
    }
    SLUICE_ASSIGN_OR_RETURN(constant, CompileLike(pattern->string(), escape));
  }
  f.kernel = [constant, escape](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                Vector& out) {
    out.Resize(ctx.num_rows);
    auto* o = out.data<uint8_t>();
    const auto* text = a[0]->data<std::string_view>();
    const auto* patterns = a[1]->data<std::string_view>();
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a[0]->IsNull(row) || a[1]->IsNull(row)) {
        out.SetNull(row);
        return;
      }
      std::shared_ptr<const RE2> re = constant;
      if (!re) {
        auto compiled = CompileLike(patterns[row], escape);
        if (!compiled.ok()) {  // a bad per-row pattern matches nothing, as NULL
          out.SetNull(row);
          return;
        }
        re = *compiled;
      }
      o[row] = RE2::FullMatch(text[row], *re) ? 1 : 0;
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterLikeFunction(FunctionRegistry& registry) {
  registry.Register({"like", "str LIKE pattern [ESCAPE char]", BindLike});
}

}  // namespace sluice
