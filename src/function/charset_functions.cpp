// encode(str, charset) and decode(bin, charset): text to bytes and back in the charsets Java
// guarantees (UTF-8, US-ASCII, ISO-8859-1, UTF-16BE, UTF-16LE, UTF-16); what cannot be
// represented becomes '?' when encoding and U+FFFD when decoding, as Java's String does.
#include "function/charset.h"

#include <algorithm>
#include <cctype>

#include "common/utf8.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"

namespace sluice {
namespace {

using fnutil::StrAt;

enum class Charset { kUtf8, kAscii, kLatin1, kUtf16Be, kUtf16Le, kUtf16 };

std::optional<Charset> CharsetNamed(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "UTF-8" || upper == "UTF8") return Charset::kUtf8;
  if (upper == "US-ASCII" || upper == "ASCII") return Charset::kAscii;
  if (upper == "ISO-8859-1" || upper == "LATIN1") return Charset::kLatin1;
  if (upper == "UTF-16BE") return Charset::kUtf16Be;
  if (upper == "UTF-16LE") return Charset::kUtf16Le;
  if (upper == "UTF-16") return Charset::kUtf16;
  return std::nullopt;
}

constexpr std::string_view kCharsets = "UTF-8, US-ASCII, ISO-8859-1, UTF-16BE, UTF-16LE or UTF-16";

constexpr uint32_t kReplacement = 0xFFFD;

// The next code point of UTF-8 text at `i` (advanced past it); a malformed byte gives U+FFFD.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  size_t n = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return lead < 0x80 ? lead : kReplacement;
  }
  uint32_t cp = n == 1 ? lead : lead & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += n;
  return cp;
}

void Encode(std::string_view text, Charset charset, std::string& out) {
  out.clear();
  if (charset == Charset::kUtf8) {
    out.assign(text);
    return;
  }
  const bool big_endian = charset != Charset::kUtf16Le;
  auto unit = [&](uint32_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? hi : lo;
    out += big_endian ? lo : hi;
  };
  if (charset == Charset::kUtf16) unit(0xFEFF);  // Java writes a byte order mark
  for (size_t i = 0; i < text.size();) {
    const uint32_t cp = NextCodePoint(text, i);
    switch (charset) {
      case Charset::kAscii: out += cp < 0x80 ? static_cast<char>(cp) : '?'; break;
      case Charset::kLatin1: out += cp < 0x100 ? static_cast<char>(cp) : '?'; break;
      default:
        if (cp >= 0x10000) {
          unit(0xD800 + ((cp - 0x10000) >> 10));
          unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
          unit(cp);
        }
    }
  }
}

void Decode(std::string_view bytes, Charset charset, std::string& out) {
  out.clear();
  switch (charset) {
    case Charset::kUtf8:
      for (size_t i = 0; i < bytes.size();) AppendUtf8(NextCodePoint(bytes, i), out);
      return;
    case Charset::kAscii:
      for (unsigned char c : bytes) AppendUtf8(c < 0x80 ? c : kReplacement, out);
      return;
    case Charset::kLatin1:
      for (unsigned char c : bytes) AppendUtf8(c, out);
      return;
    default: break;
  }
  bool big_endian = charset != Charset::kUtf16Le;
  size_t i = 0;
  if (charset == Charset::kUtf16 && bytes.size() >= 2) {
    const auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
    if (b0 == 0xFE && b1 == 0xFF) i = 2;
    if (b0 == 0xFF && b1 == 0xFE) {
      i = 2;
      big_endian = false;
    }
  }
  auto unit_at = [&](size_t k) -> uint32_t {
    const auto hi = static_cast<unsigned char>(bytes[big_endian ? k : k + 1]);
    const auto lo = static_cast<unsigned char>(bytes[big_endian ? k + 1 : k]);
    return static_cast<uint32_t>(hi << 8 | lo);
  };
  for (; i + 1 < bytes.size(); i += 2) {
    const uint32_t u = unit_at(i);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < bytes.size()) {
      const uint32_t low = unit_at(i + 2);
      if (low >= 0xDC00 && low < 0xE000) {
        AppendUtf8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), out);
        i += 2;
        continue;
      }
    }
    AppendUtf8(u >= 0xD800 && u < 0xE000 ? kReplacement : u, out);
  }
  if (i < bytes.size()) AppendUtf8(kReplacement, out);  // an odd last byte
}

// Binds encode (to bytes) or decode (to text); a literal charset is checked at bind time.
Result<BoundFunction> BindCharset(const BindArguments& args, bool encode) {
  const char* signature = encode ? "encode(str, charset)" : "decode(bin, charset)";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText(signature, "the first argument", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText(signature, "charset", args.types[1]));
  if (const Value* name = fnutil::Constant(args, 1)) {
    if (!CharsetNamed(name->string())) {
      return Status::Invalid("{}: unknown charset '{}'; expected {}", signature, name->string(),
                             kCharsets);
    }
  }
  BoundFunction f{encode ? DataType::Bytes() : DataType::String(),
                  {encode ? DataType::String() : DataType::Bytes(), DataType::String()}, nullptr};
  f.kernel = fnutil::StringKernel([encode](const std::vector<VectorPtr>& a, size_t row,
                                           std::string& out) -> std::optional<std::string_view> {
    const auto charset = CharsetNamed(StrAt(*a[1], row));
    if (!charset) return std::nullopt;
    if (encode) {
      Encode(StrAt(*a[0], row), *charset, out);
    } else {
      Decode(StrAt(*a[0], row), *charset, out);
    }
    return out;
  });
  return f;
}

// is_valid_utf8(str), make_valid_utf8(str) (each malformed byte becomes U+FFFD) and
// try_validate_utf8(str) (NULL for malformed text), over text that may hold any bytes (a BYTES
// value cast to STRING, a Kafka record).
enum class Utf8Check { kIsValid, kMakeValid, kTryValidate, kValidate };

ScalarFunction Utf8Function(const char* name, Utf8Check check) {
  return {name, fmt::format("{}(str)", name), [name, check](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(fmt::format("{}(str)", name), args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectText(name, "str", args.types[0]));
            if (check == Utf8Check::kIsValid) {
              BoundFunction f{DataType::Boolean(), {DataType::String()}, nullptr};
              f.kernel = fnutil::ValueKernel<uint8_t>(
                  [](const std::vector<VectorPtr>& a, size_t row) -> std::optional<uint8_t> {
                    return IsValidUtf8(fnutil::StrAt(*a[0], row)) ? 1 : 0;
                  });
              return f;
            }
            BoundFunction f{DataType::String(), {DataType::String()}, nullptr};
            if (check == Utf8Check::kValidate) {  // raises for malformed text, in either mode
              f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
                out.ShareArenasOf(*a[0]);
                kernel::EachOrRaise<std::string_view>(a, ctx, out, [&](size_t row) -> std::optional<std::string_view> {
                  const std::string_view s = fnutil::StrAt(*a[0], row);
                  if (!IsValidUtf8(s)) return std::nullopt;
                  return s;
                }, [&](size_t row) {
                  std::string shown;
                  AppendValidUtf8(fnutil::StrAt(*a[0], row), shown);
                  return fmt::format("[INVALID_UTF8_STRING] invalid UTF-8 byte sequence in '{}' (U+FFFD "
                                     "marks the bytes; try_validate_utf8 gives NULL instead)", shown);
                });
                return Status::OK();
              };
              return f;
            }
            f.kernel = fnutil::StringKernel([check](const std::vector<VectorPtr>& a, size_t row,
                                                    std::string& buf) -> std::optional<std::string_view> {
              const std::string_view s = fnutil::StrAt(*a[0], row);
              if (IsValidUtf8(s)) return s;
              if (check == Utf8Check::kTryValidate) return std::nullopt;
              buf.clear();
              AppendValidUtf8(s, buf);
              return std::string_view(buf);
            });
            return f;
          }};
}

}  // namespace

Result<BoundFunction> BindCharsetDecode(const BindArguments& args) { return BindCharset(args, false); }

void RegisterCharsetFunctions(FunctionRegistry& registry) {
  registry.Register({"encode", "encode(str, charset)",
                     [](const BindArguments& args) { return BindCharset(args, true); }});
  registry.Register(Utf8Function("is_valid_utf8", Utf8Check::kIsValid));
  registry.Register(Utf8Function("make_valid_utf8", Utf8Check::kMakeValid));
  registry.Register(Utf8Function("try_validate_utf8", Utf8Check::kTryValidate));
  registry.Register(Utf8Function("validate_utf8", Utf8Check::kValidate));
}

}  // namespace sluice
