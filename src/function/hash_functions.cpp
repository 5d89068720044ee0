// md5, sha1, sha2 (lower-case hex, like Spark), base64 and unbase64 through OpenSSL's EVP API,
// to_base32 and from_base32, and uuid().
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "common/base32.h"
#include "common/base64.h"
#include "function/function_registry.h"
#include "function/function_util.h"

namespace sluice {
namespace {

using fnutil::StrAt;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Hex digest of `in`, written into `hex`; false if OpenSSL fails (the row becomes NULL).
bool HexDigest(EVP_MD_CTX* ctx, const EVP_MD* md, std::string_view in, std::string& hex) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx, md, nullptr) != 1 || EVP_DigestUpdate(ctx, in.data(), in.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, digest, &len) != 1) {
    return false;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  hex.resize(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return true;
}

// The digest sha2(str, bits) uses: 0 means 256; other sizes give NULL, as in Spark.
const EVP_MD* Sha2Digest(int64_t bits) {
  switch (bits) {
    case 0: case 256: return EVP_sha256();
    case 224: return EVP_sha224();
    case 384: return EVP_sha384();
    case 512: return EVP_sha512();
    default: return nullptr;
  }
}

// Strings and BYTES are hashed as their bytes; other scalars as their text (CAST AS STRING).
Status ExpectHashInput(std::string_view fn, const BindArguments& args) {
  return fnutil::ExpectText(fn, "argument", args.types[0]);
}

ScalarFunction Digest(const char* name, const char* signature, const EVP_MD* (*md)()) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectHashInput(name, args));
            BoundFunction f{DataType::String(), {fnutil::TextType(args.types[0])}, nullptr};
            const EVP_MD* digest = md();
            f.kernel = [digest](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                                Vector& out) {
              MdCtx md_ctx(EVP_MD_CTX_new());
              if (!md_ctx) return Status::Internal("EVP_MD_CTX_new failed");
              std::string hex;
              kernel::StringResult(a, ctx, out, [&](size_t row) -> std::optional<std::string_view> {
                if (!HexDigest(md_ctx.get(), digest, StrAt(*a[0], row), hex)) return std::nullopt;
                return std::string_view(hex);
              });
              return Status::OK();
            };
            return f;
          }};
}

// The arity error quotes the signature the registry lists, as every other function's does.
constexpr std::string_view kSha2Signature = "sha2(str, bits 224|256|384|512, 0 = 256)";

Result<BoundFunction> BindSha2(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kSha2Signature, args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectHashInput("sha2", args));
  if (!args.types[1].IsInteger() && args.types[1].id() != TypeId::kNull) {
    return Status::Invalid("sha2: bits must be an integer (224, 256, 384 or 512), found {}",
                           args.types[1].ToString());
  }
  BoundFunction f{DataType::String(), {fnutil::TextType(args.types[0]), DataType::Int64()},
                  nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    MdCtx md_ctx(EVP_MD_CTX_new());
    if (!md_ctx) return Status::Internal("EVP_MD_CTX_new failed");
    std::string hex;
    kernel::StringResult(a, ctx, out, [&](size_t row) -> std::optional<std::string_view> {
      const EVP_MD* md = Sha2Digest(fnutil::IntAt(*a[1], row));
      if (!md || !HexDigest(md_ctx.get(), md, StrAt(*a[0], row), hex)) return std::nullopt;
      return std::string_view(hex);
    });
    return Status::OK();
  };
  return f;
}

// uuid(): a random (version 4) UUID per row, 'xxxxxxxx-xxxx-4xxx-Yxxx-xxxxxxxxxxxx'.
Result<BoundFunction> BindUuid(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("uuid()", args.types.size(), 0, 0));
  BoundFunction f{DataType::String(), {}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    size_t live = ctx.selection.Count(ctx.num_rows);
    std::vector<unsigned char> random(16 * live);
    // One call per batch: OpenSSL's CSPRNG, so UUIDs never repeat across processes.
    if (live > 0 && RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
      return Status::Internal("uuid(): RAND_bytes failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    size_t i = 0;
    kernel::ForEachLive(ctx, [&](size_t row) {
      unsigned char* b = &random[16 * i++];
      b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
      b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
      char text[36];
      size_t t = 0;
      for (int k = 0; k < 16; ++k) {
        if (k == 4 || k == 6 || k == 8 || k == 10) text[t++] = '-';
        text[t++] = kHex[b[k] >> 4];
        text[t++] = kHex[b[k] & 15];
      }
      out.SetString(row, std::string_view(text, sizeof text));
    });
    return Status::OK();
  };
  return f;
}

// base64(bin): the bytes (a STRING's UTF-8) as base64 text without line breaks, as Spark 3.3+.
Result<BoundFunction> BindBase64(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("base64(bin)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectHashInput("base64", args));
  BoundFunction f{DataType::String(), {fnutil::TextType(args.types[0])}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    buf.clear();
    AppendBase64(StrAt(*a[0], row), buf);
    return std::string_view(buf);
  });
  return f;
}

// unbase64(str): the bytes base64 text stands for, read as leniently as Spark (bytes outside the
// alphabet skipped, padding optional); NULL for text that no decoder can read, where Spark fails
// the query.
Result<BoundFunction> BindUnbase64(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("unbase64(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectHashInput("unbase64", args));
  BoundFunction f{DataType::Bytes(), {DataType::String()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    if (!DecodeBase64Lenient(StrAt(*a[0], row), buf)) return std::nullopt;
    return std::string_view(buf);
  });
  return f;
}

// to_base32(bin): RFC 4648 base32 text, '=' padded, as Spark 4.3.
Result<BoundFunction> BindToBase32(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("to_base32(bin)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectHashInput("to_base32", args));
  BoundFunction f{DataType::String(), {fnutil::TextType(args.types[0])}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    buf.clear();
    AppendBase32(StrAt(*a[0], row), buf);
    return std::string_view(buf);
  });
  return f;
}

// from_base32(str): the bytes base32 text stands for, read as leniently as Spark.
Result<BoundFunction> BindFromBase32(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("from_base32(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectHashInput("from_base32", args));
  BoundFunction f{DataType::Bytes(), {fnutil::TextType(args.types[0])}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    DecodeBase32Lenient(StrAt(*a[0], row), buf);
    return std::string_view(buf);
  });
  return f;
}

}  // namespace

void RegisterHashFunctions(FunctionRegistry& registry) {
  registry.Register({"base64", "base64(bin)", BindBase64});
  registry.Register({"unbase64", "unbase64(str)", BindUnbase64});
  registry.Register({"to_base32", "to_base32(bin)", BindToBase32});
  registry.Register({"from_base32", "from_base32(str)", BindFromBase32});
  registry.Register(Digest("md5", "md5(str)", EVP_md5));
  registry.Register(Digest("sha1", "sha1(str)", EVP_sha1));
  registry.Alias("sha", "sha1");
  registry.Register({"sha2", std::string(kSha2Signature), BindSha2});
  registry.Register({"uuid", "uuid()", BindUuid});
}

}  // namespace sluice
