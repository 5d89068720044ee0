// to_char / to_varchar and to_number / try_to_number with Spark's number formats
// (function/number_format.h). to_char also takes dates and timestamps (a datetime pattern, as
// date_format) and BYTES ('base64', 'hex' or 'utf-8'), as Spark's does.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/number_format.h"

namespace sluice {
namespace {

// The format argument: a string literal (Spark requires a constant), nullopt for NULL.
Result<std::optional<std::string>> FormatLiteral(std::string_view fn, const BindArguments& args) {
  if (args.types[1].id() == TypeId::kNull) return std::optional<std::string>();
  const Value* v = fnutil::Constant(args, 1);
  if (!v || !v->type().IsStringLike()) {
    return Status::Invalid("{}: the format must be a string literal, e.g. '999G999D99'", fn);
  }
  return std::optional<std::string>(v->string());
}

// A function that is NULL for every row (a NULL format).
BoundFunction AlwaysNull(DataType result, std::vector<DataType> arg_types) {
  return {std::move(result), std::move(arg_types),
          [](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
            out.Resize(ctx.num_rows);
            kernel::ForEachLive(ctx, [&](size_t row) { out.SetNull(row); });
            return Status::OK();
          }};
}

// The DECIMAL Spark turns a number into before formatting it.
std::optional<DataType> DecimalFor(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
    case TypeId::kInt32: return DataType::Decimal(10, 0);
    case TypeId::kInt64: return DataType::Decimal(20, 0);
    case TypeId::kFloat64: return DataType::Decimal(30, 15);
    case TypeId::kDecimal: return t;
    case TypeId::kString: return DataType::Decimal(38, 18);
    default: return std::nullopt;
  }
}

Result<BoundFunction> BindBinaryToChar(const BindArguments& args, const std::string& format) {
  std::string lower = format;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const FunctionRegistry& registry = FunctionRegistry::Builtin();
  BindArguments bytes{{args.types[0]}, {fnutil::Constant(args, 0)}};
  Result<BoundFunction> bound = Status::Invalid(
      "to_char: a binary value's format is 'base64', 'hex' or 'utf-8', got '{}'", format);
  if (lower == "base64") bound = registry.Find("base64")->bind(bytes);
  if (lower == "hex") bound = registry.Find("hex")->bind(bytes);
  const Value utf8 = Value::String("UTF-8");
  if (lower == "utf-8") {
    bound = registry.Find("decode")->bind(
        BindArguments{{args.types[0], DataType::String()}, {bytes.constants[0], &utf8}});
  }
  SLUICE_ASSIGN_OR_RETURN(BoundFunction f, std::move(bound));
  ScalarKernel inner = std::move(f.kernel);
  const bool with_charset = f.arg_types.size() == 2;
  f.arg_types = {args.types[0], DataType::String()};
  f.kernel = [inner, with_charset](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    std::vector<VectorPtr> input{a[0]};
    if (with_charset) input.push_back(fnutil::ConstantStringColumn(ctx, "UTF-8"));
    return inner(input, ctx, out);
  };
  return f;
}

Result<BoundFunction> BindToChar(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("to_char(expr, format)", args.types.size(), 2, 2));
  const DataType& input = args.types[0];
  if (input.id() == TypeId::kDate || input.id() == TypeId::kTimestamp) {
    return FunctionRegistry::Builtin().Find("date_format")->bind(args);
  }
  SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> format, FormatLiteral("to_char", args));
  if (input.id() == TypeId::kBytes) {
    if (!format) return AlwaysNull(DataType::String(), {input, DataType::String()});
    return BindBinaryToChar(args, *format);
  }
  const std::optional<DataType> decimal = DecimalFor(input);
  if (!decimal) {
    return Status::Invalid("to_char: expects a number, a date, a timestamp or BYTES, found {}",
                           input.ToString());
  }
  if (!format) return AlwaysNull(DataType::String(), {*decimal, DataType::String()});
  SLUICE_ASSIGN_OR_RETURN(NumberFormat number_format, NumberFormat::Compile(*format));
  BoundFunction f{DataType::String(), {*decimal, DataType::String()}, nullptr};
  f.kernel = [number_format, scale = decimal->scale()](const std::vector<VectorPtr>& a,
                                                       const KernelContext& ctx, Vector& out) {
    const Int128* values = a[0]->data<Int128>();
    std::string text;
    kernel::StringResult(a, ctx, out, [&](size_t row) -> std::optional<std::string_view> {
      text = number_format.Format(FormatDecimal(values[row], scale));
      return std::string_view(text);
    });
    return Status::OK();
  };
  return f;
}

ScalarFunction ToNumber(const char* name, bool raise) {
  const std::string signature = fmt::format("{}(str, format)", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "str", args.types[0]));
            SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> format, FormatLiteral(name, args));
            if (!format) return AlwaysNull(DataType::Decimal(10, 0), {DataType::String(), DataType::String()});
            SLUICE_ASSIGN_OR_RETURN(NumberFormat number_format, NumberFormat::Compile(*format));
            BoundFunction f{DataType::Decimal(number_format.precision(), number_format.scale()),
                            {DataType::String(), DataType::String()}, nullptr};
            f.kernel = [number_format, raise, text_format = *format](
                           const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              auto parse = [&](size_t row) { return number_format.Parse(fnutil::StrAt(*a[0], row)); };
              if (!raise) {
                fnutil::RowMaybe<Int128>(a, ctx, out, parse);
                return Status::OK();
              }
              kernel::EachOrRaise<Int128>(a, ctx, out, parse, [&](size_t row) {
                return fmt::format("[INVALID_FORMAT.MISMATCH_INPUT] '{}' does not match the number "
                                   "format '{}' (try_to_number gives NULL instead)",
                                   fnutil::StrAt(*a[0], row), text_format);
              });
              return Status::OK();
            };
            return f;
          }};
}

}  // namespace

void RegisterNumberFormatFunctions(FunctionRegistry& registry) {
  registry.Register({"to_char", "to_char(expr, format)", BindToChar});
  registry.Alias("to_varchar", "to_char");
  registry.Register(ToNumber("to_number", true));
  registry.Register(ToNumber("try_to_number", false));
}

}  // namespace sluice
