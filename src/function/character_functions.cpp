// Character-level string functions with Spark's semantics: ascii, chr, bit_length, octet_length,
// contains, startswith, endswith, substring_index, elt, levenshtein, soundex.
#include <algorithm>
#include <vector>

#include "common/utf8.h"
#include "function/function_registry.h"
#include "function/function_util.h"

namespace sluice {
namespace {

using fnutil::StrAt;

// The code points of UTF-8 text (a stray byte counts as one character).
void CodePoints(std::string_view s, std::vector<uint32_t>& out) {
  out.clear();
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t n = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    n = std::min(n, s.size() - i);
    uint32_t cp = n == 1 ? lead : lead & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
}

// ascii(str): the code point of the first character, 0 for ''.
Result<BoundFunction> BindAscii(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("ascii(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("ascii", "str", args.types[0]));
  BoundFunction f{DataType::Int32(), {DataType::String()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>([](const std::vector<VectorPtr>& a, size_t row) {
    std::vector<uint32_t> points;
    const std::string_view s = StrAt(*a[0], row);
    CodePoints(s.substr(0, std::min<size_t>(4, s.size())), points);
    return std::optional<int32_t>(points.empty() ? 0 : static_cast<int32_t>(points[0]));
  });
  return f;
}

// chr(n): the character whose code is n modulo 256 (Latin-1), '' for a negative n (Spark).
Result<BoundFunction> BindChr(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("chr(n)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("chr", "n", args.types[0]));
  BoundFunction f{DataType::String(), {DataType::Int64()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& out) -> std::optional<std::string_view> {
    const int64_t n = fnutil::IntAt(*a[0], row);
    out.clear();
    if (n >= 0) AppendUtf8(static_cast<uint32_t>(n & 0xFF), out);
    return out;
  });
  return f;
}

// bit_length / octet_length(str): the UTF-8 (or binary) length in bits / bytes.
ScalarFunction ByteLength(const char* name, const char* signature, int32_t per_byte) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "str", args.types[0]));
            BoundFunction f{DataType::Int32(), {fnutil::TextType(args.types[0])}, nullptr};
            f.kernel = fnutil::ValueKernel<int32_t>([per_byte](const std::vector<VectorPtr>& a,
                                                               size_t row) {
              return std::optional<int32_t>(static_cast<int32_t>(StrAt(*a[0], row).size()) * per_byte);
            });
            return f;
          }};
}

// contains / startswith / endswith(left, right): byte-wise tests of strings or binaries.
ScalarFunction Contains(const char* name, const char* signature, char where) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "left", args.types[0]));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "right", args.types[1]));
            const bool bytes = args.types[0].id() == TypeId::kBytes && args.types[1].id() == TypeId::kBytes;
            const DataType t = bytes ? DataType::Bytes() : DataType::String();
            BoundFunction f{DataType::Boolean(), {t, t}, nullptr};
            f.kernel = fnutil::ValueKernel<uint8_t>([where](const std::vector<VectorPtr>& a,
                                                            size_t row) {
              const std::string_view l = StrAt(*a[0], row), r = StrAt(*a[1], row);
              bool yes = where == 'c' ? l.find(r) != std::string_view::npos
                         : where == 's' ? l.starts_with(r)
                                        : l.ends_with(r);
              return std::optional<uint8_t>(yes ? 1 : 0);
            });
            return f;
          }};
}

// substring_index(str, delim, count): the text before the count-th delimiter from the left
// (count > 0) or after the count-th from the right (count < 0); '' for count 0 or an empty
// delimiter; the whole string when there are fewer delimiters.
Result<BoundFunction> BindSubstringIndex(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(
      fnutil::CheckArity("substring_index(str, delim, count)", args.types.size(), 3, 3));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("substring_index", "str", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("substring_index", "delim", args.types[1]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("substring_index", "count", args.types[2]));
  BoundFunction f{DataType::String(), {DataType::String(), DataType::String(), DataType::Int64()},
                  nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string&) -> std::optional<std::string_view> {
    const std::string_view s = StrAt(*a[0], row), delim = StrAt(*a[1], row);
    const int64_t count = fnutil::IntAt(*a[2], row);
    if (delim.empty() || count == 0) return std::string_view();
    if (count > 0) {
      size_t at = std::string_view::npos;
      for (int64_t k = 0; k < count; ++k) {
        at = s.find(delim, at == std::string_view::npos ? 0 : at + 1);
        if (at == std::string_view::npos) return s;
      }
      return s.substr(0, at);
    }
    size_t at = s.size();
    for (int64_t k = count; k < 0; ++k) {
      if (at == 0) return s;
      at = s.rfind(delim, at - 1);
      if (at == std::string_view::npos) return s;
    }
    return s.substr(at + delim.size());
  });
  return f;
}

// elt(n, str1, str2, ...): the n-th string (1-based); NULL when n is out of range.
Result<BoundFunction> BindElt(const BindArguments& args) {
  if (args.types.size() < 2) {
    return Status::Invalid("elt(n, str1, str2, ...) takes at least 2 arguments, got {}", args.types.size());
  }
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("elt", "n", args.types[0]));
  std::vector<DataType> types{DataType::Int64()};
  for (size_t i = 1; i < args.types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("elt", "each value", args.types[i]));
    types.push_back(DataType::String());
  }
  BoundFunction f{DataType::String(), types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    for (const auto& v : a) out.ShareArenasOf(*v);
    kernel::ForEachLive(ctx, [&](size_t row) {
      const int64_t n = a[0]->IsNull(row) ? 0 : fnutil::IntAt(*a[0], row);
      if (n < 1 || n >= static_cast<int64_t>(a.size()) || a[static_cast<size_t>(n)]->IsNull(row)) {
        out.SetNull(row);
      } else {
        out.data<std::string_view>()[row] = StrAt(*a[static_cast<size_t>(n)], row);
      }
    });
    return Status::OK();
  };
  return f;
}

// levenshtein(a, b[, threshold]): the edit distance in characters; with a threshold, -1 when
// the distance is above it.
Result<BoundFunction> BindLevenshtein(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("levenshtein(a, b[, threshold])", args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("levenshtein", "a", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("levenshtein", "b", args.types[1]));
  std::vector<DataType> types{DataType::String(), DataType::String()};
  if (args.types.size() == 3) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("levenshtein", "threshold", args.types[2]));
    types.push_back(DataType::Int64());
  }
  BoundFunction f{DataType::Int32(), types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    std::vector<uint32_t> x, y;
    std::vector<int32_t> previous, current;
    fnutil::RowMaybe<int32_t>(a, ctx, out, [&](size_t row) -> std::optional<int32_t> {
      CodePoints(StrAt(*a[0], row), x);
      CodePoints(StrAt(*a[1], row), y);
      previous.resize(y.size() + 1);
      current.resize(y.size() + 1);
      for (size_t j = 0; j <= y.size(); ++j) previous[j] = static_cast<int32_t>(j);
      for (size_t i = 1; i <= x.size(); ++i) {
        current[0] = static_cast<int32_t>(i);
        for (size_t j = 1; j <= y.size(); ++j) {
          const int32_t substitute = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
          current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
        }
        previous.swap(current);
      }
      const int32_t distance = previous[y.size()];
      if (a.size() == 3 && distance > fnutil::IntAt(*a[2], row)) return -1;
      return distance;
    });
    return Status::OK();
  };
  return f;
}

// soundex(str): the American Soundex code ('R163'); text not starting with a letter is
// returned unchanged, as Spark.
Result<BoundFunction> BindSoundex(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("soundex(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("soundex", "str", args.types[0]));
  BoundFunction f{DataType::String(), {DataType::String()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& out) -> std::optional<std::string_view> {
    // The code of A..Z; '7' (H, W) neither counts nor separates equal codes.
    static constexpr char kCodes[] = "01230127022455012623017202";
    const std::string_view s = StrAt(*a[0], row);
    if (s.empty()) return s;
    auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
    const char first = upper(s[0]);
    if (first < 'A' || first > 'Z') return s;
    out.assign({first, '0', '0', '0'});
    size_t filled = 1;
    char last = kCodes[first - 'A'];
    for (size_t i = 1; i < s.size() && filled < 4; ++i) {
      const char c = upper(s[i]);
      if (c < 'A' || c > 'Z') {
        last = '0';
        continue;
      }
      const char code = kCodes[c - 'A'];
      if (code == '7') continue;
      if (code != '0' && code != last) out[filled++] = code;
      last = code;
    }
    return out;
  });
  return f;
}

}  // namespace

void RegisterCharacterFunctions(FunctionRegistry& registry) {
  registry.Register({"ascii", "ascii(str)", BindAscii});
  registry.Register({"chr", "chr(n)", BindChr});
  registry.Alias("char", "chr");
  registry.Register(ByteLength("bit_length", "bit_length(str)", 8));
  registry.Register(ByteLength("octet_length", "octet_length(str)", 1));
  registry.Register(Contains("contains", "contains(left, right)", 'c'));
  registry.Register(Contains("startswith", "startswith(left, right)", 's'));
  registry.Register(Contains("endswith", "endswith(left, right)", 'e'));
  registry.Register({"substring_index", "substring_index(str, delim, count)", BindSubstringIndex});
  registry.Register({"elt", "elt(n, str1, str2, ...)", BindElt});
  registry.Register({"levenshtein", "levenshtein(a, b[, threshold])", BindLevenshtein});
  registry.Register({"soundex", "soundex(str)", BindSoundex});
}

}  // namespace sluice
