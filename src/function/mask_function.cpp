// mask(str[, upper_char[, lower_char[, digit_char[, other_char]]]]), as Spark's: each character
// is replaced by the mask of its Unicode general category: an upper-case letter (Lu) by
// upper_char ('X' by default), a lower-case letter (Ll) by lower_char ('x'), a decimal digit (Nd)
// by digit_char ('n'), anything else by other_char (by default kept). A NULL mask keeps its
// characters. Malformed UTF-8 counts as U+FFFD.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>

#include "common/utf8.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"

namespace sluice {
namespace {

constexpr int64_t kKeep = -1;

// `s` with each character replaced by its kind's mask (kKeep: unchanged), into `out`.
void Mask(std::string_view s, const std::array<int64_t, 4>& masks, std::string& out);

Result<BoundFunction> BindMask(const BindArguments& args) {
  const char* signature = "mask(str[, upper_char[, lower_char[, digit_char[, other_char]]]])";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 5));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("mask", "str", args.types[0]));
  // The masks, fixed when the script is planned: literals of one character or NULL.
  std::array<int64_t, 4> masks{'X', 'x', 'n', kKeep};
  for (size_t i = 1; i < args.types.size(); ++i) {
    const Value* given = fnutil::Constant(args, i);
    if (args.types[i].id() == TypeId::kNull) {
      masks[i - 1] = kKeep;
      continue;
    }
    if (!given) return Status::Invalid("mask: the masks must be literals of one character or NULL");
    if (given->is_null()) {
      masks[i - 1] = kKeep;
      continue;
    }
    const std::string text = given->type().IsStringLike() ? given->string() : "";
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t length = text.empty() ? 0 : Utf8SequenceLength(p, text.size());
    if (length == 0 || length != text.size()) {
      return Status::Invalid("mask: a mask must be one character or NULL, found {}", given->ToString());
    }
    UChar32 c;
    int32_t at = 0;
    U8_NEXT(p, at, static_cast<int32_t>(text.size()), c);
    masks[i - 1] = c;
  }
  BoundFunction f{DataType::String(), std::vector<DataType>(args.types.size(), DataType::String()),
                  nullptr};
  // NULL only for a NULL str: a NULL mask keeps its characters (StringKernel would make it NULL).
  f.kernel = [masks](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& result) {
    result.Resize(ctx.num_rows);
    std::string out;
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a[0]->IsNull(row)) {
        result.SetNull(row);
        return;
      }
      Mask(fnutil::StrAt(*a[0], row), masks, out);
      result.SetString(row, out);
    });
    return Status::OK();
  };
  return f;
}

void Mask(std::string_view s, const std::array<int64_t, 4>& masks, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  out.clear();
  for (size_t i = 0; i < s.size();) {
    const size_t length = Utf8SequenceLength(p + i, s.size() - i);
    UChar32 c = 0xFFFD;
    if (length > 0) {
      int32_t at = 0;
      U8_NEXT(p + i, at, static_cast<int32_t>(length), c);
    }
    int64_t mask;
    switch (u_charType(c)) {
      case U_UPPERCASE_LETTER: mask = masks[0]; break;
      case U_LOWERCASE_LETTER: mask = masks[1]; break;
      case U_DECIMAL_DIGIT_NUMBER: mask = masks[2]; break;
      default: mask = masks[3]; break;
    }
    if (mask == kKeep) {
      if (length > 0) {
        out.append(s.substr(i, length));
      } else {
        AppendUtf8(0xFFFD, out);
      }
    } else {
      AppendUtf8(static_cast<uint32_t>(mask), out);
    }
    i += length > 0 ? length : 1;
  }
}

}  // namespace

void RegisterMaskFunctions(FunctionRegistry& registry) {
  registry.Register(
      {"mask", "mask(str[, upper_char[, lower_char[, digit_char[, other_char]]]])", BindMask});
}

}  // namespace sluice
