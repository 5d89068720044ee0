// to_binary(str[, fmt]) and try_to_binary: text to BYTES in the format Spark names, 'hex' (the
// default), 'utf-8' / 'utf8' or 'base64', through unhex, encode and unbase64. Text that does
// not fit the format raises for to_binary in either mode, as Spark's; try_to_binary gives NULL.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"

namespace sluice {
namespace {

// Spark's to_binary(str, 'base64') reads only base64 text: the alphabet (A-Z a-z 0-9 + /), '='
// padding at the end only, spaces and line breaks skipped; unbase64 alone is more lenient.
bool IsBase64Text(std::string_view s) {
  bool padding = false;
  for (char c : s) {
    if (c == ' ' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/';
    if (!letter || padding) return false;
  }
  return true;
}

ScalarFunction ToBinary(const char* name, bool raise) {
  const std::string signature = fmt::format("{}(str[, fmt])", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 2));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "str", args.types[0]));
            std::string format = "hex";
            if (args.types.size() == 2) {
              const Value* given = fnutil::Constant(args, 1);
              if (!given || given->is_null() || !given->type().IsStringLike()) {
                return Status::Invalid("{}: fmt must be a string literal: 'hex', 'utf-8' or 'base64'",
                                       name);
              }
              format = given->string();
              std::transform(format.begin(), format.end(), format.begin(),
                             [](unsigned char c) { return std::tolower(c); });
            }
            BindArguments text{{args.types[0]}, {fnutil::Constant(args, 0)}};
            const Value utf8_name = Value::String("UTF-8");
            auto bind = [&]() -> Result<BoundFunction> {
              if (format == "hex") return FunctionRegistry::Builtin().Find("unhex")->bind(text);
              if (format == "base64") return FunctionRegistry::Builtin().Find("unbase64")->bind(text);
              if (format == "utf-8" || format == "utf8") {
                return FunctionRegistry::Builtin().Find("encode")->bind(
                    BindArguments{{args.types[0], DataType::String()}, {text.constants[0], &utf8_name}});
              }
              return Status::Invalid("{}: unknown format '{}': expected 'hex', 'utf-8' or 'base64'",
                                     name, format);
            };
            SLUICE_ASSIGN_OR_RETURN(BoundFunction f, bind());
            // The format is the binder's; the kernel reads the text only.
            ScalarKernel inner = std::move(f.kernel);
            const bool with_charset = f.arg_types.size() == 2;
            f.arg_types.resize(1);
            f.arg_types.resize(args.types.size(), DataType::String());
            f.kernel = [inner, raise, with_charset, format](const std::vector<VectorPtr>& a,
                                                            const KernelContext& ctx,
                                                            Vector& out) -> Status {
              std::vector<VectorPtr> input{a[0]};
              if (with_charset) input.push_back(fnutil::ConstantStringColumn(ctx, "UTF-8"));
              SLUICE_RETURN_NOT_OK(inner(input, ctx, out));
              if (format == "base64") {
                kernel::ForEachLive(ctx, [&](size_t row) {
                  if (!a[0]->IsNull(row) && !IsBase64Text(fnutil::StrAt(*a[0], row))) out.SetNull(row);
                });
              }
              if (!raise) return Status::OK();
              kernel::ForEachLive(ctx, [&](size_t row) {
                if (!out.IsNull(row) || a[0]->IsNull(row)) return;
                ctx.eval.row_errors.push_back(
                    {static_cast<uint32_t>(row),
                     fmt::format("[CONVERSION_INVALID_INPUT] '{}' is not {} text (try_to_binary "
                                 "gives NULL instead)",
                                 fnutil::StrAt(*a[0], row), format),
                     false});
              });
              return Status::OK();
            };
            return f;
          }};
}

}  // namespace

void RegisterBinaryConversionFunctions(FunctionRegistry& registry) {
  registry.Register(ToBinary("to_binary", true));
  registry.Register(ToBinary("try_to_binary", false));
}

}  // namespace sluice
