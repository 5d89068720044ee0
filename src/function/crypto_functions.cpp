// aes_encrypt, aes_decrypt, try_aes_decrypt and hmac through OpenSSL's EVP and HMAC APIs, with
// Spark's byte layouts (the IV before the ciphertext, GCM's 16-byte tag after it), its three
// (mode, padding) pairs and its errors, which raise in either mode as Spark's do; the try_ form
// gives NULL instead.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "function/function_registry.h"
#include "function/function_util.h"

namespace sluice {
namespace {

using fnutil::StrAt;

enum class AesMode { kEcb, kCbc, kGcm };

constexpr size_t kGcmIvBytes = 12;
constexpr size_t kCbcIvBytes = 16;
constexpr size_t kGcmTagBytes = 16;

std::string Upper(std::string_view s) {
  std::string u(s);
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
  return u;
}

// The mode Spark's (mode, padding) pair names, or the reason it is not one of the three.
std::optional<AesMode> ParseAesMode(std::string_view mode_text, std::string_view padding_text,
                                    std::string& error) {
  const std::string mode = Upper(mode_text);
  const std::string padding = Upper(padding_text);
  if (mode == "ECB" && (padding == "PKCS" || padding == "DEFAULT")) return AesMode::kEcb;
  if (mode == "CBC" && (padding == "PKCS" || padding == "DEFAULT")) return AesMode::kCbc;
  if (mode == "GCM" && (padding == "NONE" || padding == "DEFAULT")) return AesMode::kGcm;
  error = fmt::format(
      "[UNSUPPORTED_FEATURE.AES_MODE] AES-{} with the padding {} is not supported: the pairs are "
      "('ECB', 'PKCS'), ('GCM', 'NONE') and ('CBC', 'PKCS'); 'DEFAULT' padding picks the mode's",
      mode_text, padding_text);
  return std::nullopt;
}

const EVP_CIPHER* AesCipher(AesMode mode, size_t key_bytes) {
  switch (mode) {
    case AesMode::kEcb:
      return key_bytes == 16 ? EVP_aes_128_ecb() : key_bytes == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
    case AesMode::kCbc:
      return key_bytes == 16 ? EVP_aes_128_cbc() : key_bytes == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
    case AesMode::kGcm:
      return key_bytes == 16 ? EVP_aes_128_gcm() : key_bytes == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
  }
  return nullptr;
}

bool CheckKey(std::string_view key, std::string& error) {
  if (key.size() == 16 || key.size() == 24 || key.size() == 32) return true;
  error = fmt::format(
      "[INVALID_PARAMETER_VALUE.AES_KEY_LENGTH] the AES key must have 16, 24 or 32 bytes, got {} "
      "bytes",
      key.size());
  return false;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string CryptoError(std::string_view detail) {
  return fmt::format("[INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR] the input or the key is wrong: {}",
                     detail);
}

// One AES operation: `out` gets the cipher's output for `in` (PKCS padding on for ECB/CBC, off
// for GCM, whose tag the caller handles).
bool RunCipher(EVP_CIPHER_CTX* ctx, std::string_view in, std::string& out) {
  const size_t start = out.size();
  out.resize(start + in.size() + 32);
  int n = 0;
  int tail = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data() + start);
  if (EVP_CipherUpdate(ctx, dst, &n, Bytes(in), static_cast<int>(in.size())) != 1) return false;
  if (EVP_CipherFinal_ex(ctx, dst + n, &tail) != 1) return false;
  out.resize(start + static_cast<size_t>(n + tail));
  return true;
}

struct AesEncryptArgs {
  std::string_view input, key, mode, padding, iv, aad;
};

// Spark's aes_encrypt: [IV] ciphertext [tag]; a random IV when none is given.
bool AesEncrypt(EVP_CIPHER_CTX* ctx, const AesEncryptArgs& a, std::string& out, std::string& error) {
  if (!CheckKey(a.key, error)) return false;
  const std::optional<AesMode> mode = ParseAesMode(a.mode, a.padding, error);
  if (!mode) return false;
  if (*mode == AesMode::kEcb && !a.iv.empty()) {
    error = "[UNSUPPORTED_FEATURE.AES_MODE_IV] aes_encrypt with AES-ECB takes no initialization vector";
    return false;
  }
  if (*mode != AesMode::kGcm && !a.aad.empty()) {
    error = fmt::format("[UNSUPPORTED_FEATURE.AES_MODE_AAD] aes_encrypt with AES-{} takes no "
                        "additional authenticated data (only GCM does)",
                        Upper(a.mode));
    return false;
  }
  const size_t iv_bytes = *mode == AesMode::kGcm ? kGcmIvBytes : *mode == AesMode::kCbc ? kCbcIvBytes : 0;
  out.clear();
  if (iv_bytes > 0) {
    if (a.iv.empty()) {
      out.resize(iv_bytes);
      if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(iv_bytes)) != 1) {
        error = CryptoError("no random bytes for the initialization vector");
        return false;
      }
    } else if (a.iv.size() != iv_bytes) {
      error = fmt::format("[INVALID_PARAMETER_VALUE.AES_IV_LENGTH] the initialization vector must "
                          "have 16 bytes for CBC and 12 for GCM, got {} bytes for {}",
                          a.iv.size(), Upper(a.mode));
      return false;
    } else {
      out.assign(a.iv);
    }
  }
  const EVP_CIPHER* cipher = AesCipher(*mode, a.key.size());
  const unsigned char* iv = iv_bytes > 0 ? Bytes(out) : nullptr;
  int ignored = 0;
  const bool ok =
      EVP_CipherInit_ex(ctx, cipher, nullptr, Bytes(a.key), iv, 1) == 1 &&
      (a.aad.empty() ||
       EVP_CipherUpdate(ctx, nullptr, &ignored, Bytes(a.aad), static_cast<int>(a.aad.size())) == 1) &&
      RunCipher(ctx, a.input, out);
  if (!ok) {
    error = CryptoError("encryption failed");
    return false;
  }
  if (*mode == AesMode::kGcm) {
    const size_t at = out.size();
    out.resize(at + kGcmTagBytes);
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, out.data() + at) != 1) {
      error = CryptoError("no GCM tag");
      return false;
    }
  }
  return true;
}

struct AesDecryptArgs {
  std::string_view input, key, mode, padding, aad;
};

bool AesDecrypt(EVP_CIPHER_CTX* ctx, const AesDecryptArgs& a, std::string& out, std::string& error) {
  if (!CheckKey(a.key, error)) return false;
  const std::optional<AesMode> mode = ParseAesMode(a.mode, a.padding, error);
  if (!mode) return false;
  // Spark's aes_decrypt ignores an AAD outside GCM (aes_encrypt refuses it).
  std::string_view body = a.input;
  std::string_view iv;
  std::string_view tag;
  if (*mode != AesMode::kEcb) {
    const size_t iv_bytes = *mode == AesMode::kGcm ? kGcmIvBytes : kCbcIvBytes;
    const size_t tag_bytes = *mode == AesMode::kGcm ? kGcmTagBytes : 0;
    if (body.size() < iv_bytes + tag_bytes) {
      error = CryptoError(fmt::format("{} bytes are too few for AES-{} (the initialization vector "
                                      "alone has {})",
                                      body.size(), Upper(a.mode), iv_bytes));
      return false;
    }
    iv = body.substr(0, iv_bytes);
    tag = body.substr(body.size() - tag_bytes);
    body = body.substr(iv_bytes, body.size() - iv_bytes - tag_bytes);
  }
  out.clear();
  // Java's cipher, Spark's, gives nothing for no ciphertext where OpenSSL finds no padding.
  if (body.empty() && *mode != AesMode::kGcm) return true;
  const EVP_CIPHER* cipher = AesCipher(*mode, a.key.size());
  int ignored = 0;
  bool ok = EVP_CipherInit_ex(ctx, cipher, nullptr, Bytes(a.key), iv.empty() ? nullptr : Bytes(iv),
                              0) == 1;
  if (ok && *mode == AesMode::kGcm) {
    ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                             const_cast<char*>(tag.data())) == 1 &&
         (a.aad.empty() || EVP_CipherUpdate(ctx, nullptr, &ignored, Bytes(a.aad),
                                            static_cast<int>(a.aad.size())) == 1);
  }
  if (!ok || !RunCipher(ctx, body, out)) {
    error = CryptoError(*mode == AesMode::kGcm ? "the GCM tag does not match (wrong key, data or AAD)"
                                              : "the padding does not check out (wrong key or data)");
    return false;
  }
  return true;
}

// Rows computed by `op(row, out, error)`: false raises `error` as the row's reason (or, with
// `raise` off, leaves the row NULL); NULL arguments give NULL.
template <typename Op>
Status CryptoRows(const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out, bool raise,
                  Op&& op) {
  CipherCtx cipher(EVP_CIPHER_CTX_new());
  if (!cipher) return Status::Internal("EVP_CIPHER_CTX_new failed");
  std::string result;
  std::string error;
  out.Resize(ctx.num_rows);
  auto* o = out.data<std::string_view>();
  kernel::ForEachLive(ctx, [&](size_t row) {
    if (kernel::AnyNull(a, row)) {
      out.SetNull(row);
      return;
    }
    EVP_CIPHER_CTX_reset(cipher.get());
    if (op(cipher.get(), row, result, error)) {
      o[row] = out.arena().Add(result);
      return;
    }
    out.SetNull(row);
    if (raise) ctx.eval.row_errors.push_back({static_cast<uint32_t>(row), error, false});
  });
  return Status::OK();
}

// The argument at `i` as bytes, or its default when the call leaves it out.
std::string_view ArgOr(const std::vector<VectorPtr>& a, size_t i, size_t row, std::string_view fallback) {
  return i < a.size() ? StrAt(*a[i], row) : fallback;
}

Status ExpectTextArgs(std::string_view fn, const BindArguments& args,
                      std::initializer_list<const char*> names) {
  size_t i = 0;
  for (const char* name : names) {
    if (i >= args.types.size()) break;
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText(fn, name, args.types[i++]));
  }
  return Status::OK();
}

std::vector<DataType> TextTypes(const BindArguments& args) {
  std::vector<DataType> types;
  for (const DataType& t : args.types) types.push_back(fnutil::TextType(t));
  return types;
}

constexpr const char* kAesEncryptSignature = "aes_encrypt(expr, key[, mode[, padding[, iv[, aad]]]])";

Result<BoundFunction> BindAesEncrypt(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kAesEncryptSignature, args.types.size(), 2, 6));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("aes_encrypt", args, {"expr", "key", "mode", "padding", "iv", "aad"}));
  BoundFunction f{DataType::Bytes(), TextTypes(args), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    return CryptoRows(a, ctx, out, true, [&](EVP_CIPHER_CTX* c, size_t row, std::string& result,
                                             std::string& error) {
      const AesEncryptArgs call{StrAt(*a[0], row),         StrAt(*a[1], row),
                                ArgOr(a, 2, row, "GCM"),   ArgOr(a, 3, row, "DEFAULT"),
                                ArgOr(a, 4, row, ""),      ArgOr(a, 5, row, "")};
      return AesEncrypt(c, call, result, error);
    });
  };
  return f;
}

ScalarFunction AesDecryptFunction(const char* name, bool raise) {
  const std::string signature = fmt::format("{}(expr, key[, mode[, padding[, aad]]])", name);
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 5));
            SLUICE_RETURN_NOT_OK(ExpectTextArgs(name, args, {"expr", "key", "mode", "padding", "aad"}));
            BoundFunction f{DataType::Bytes(), TextTypes(args), nullptr};
            f.kernel = [raise](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              return CryptoRows(a, ctx, out, raise, [&](EVP_CIPHER_CTX* c, size_t row,
                                                        std::string& result, std::string& error) {
                const AesDecryptArgs call{StrAt(*a[0], row), StrAt(*a[1], row),
                                          ArgOr(a, 2, row, "GCM"), ArgOr(a, 3, row, "DEFAULT"),
                                          ArgOr(a, 4, row, "")};
                return AesDecrypt(c, call, result, error);
              });
            };
            return f;
          }};
}

// hmac's algorithm names, matched as Spark matches them (case and dashes ignored, nothing else).
const EVP_MD* HmacDigest(std::string_view name) {
  std::string key;
  for (char c : name) {
    if (c != '-') key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (key == "SHA224") return EVP_sha224();
  if (key == "SHA256") return EVP_sha256();
  if (key == "SHA384") return EVP_sha384();
  if (key == "SHA512") return EVP_sha512();
  if (key == "SHA1") return EVP_sha1();
  if (key == "MD5") return EVP_md5();
  return nullptr;
}

constexpr const char* kHmacSignature = "hmac(key, message[, algorithm])";

Result<BoundFunction> BindHmac(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kHmacSignature, args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("hmac", args, {"key", "message", "algorithm"}));
  BoundFunction f{DataType::Bytes(), TextTypes(args), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    return CryptoRows(a, ctx, out, true, [&](EVP_CIPHER_CTX*, size_t row, std::string& result,
                                             std::string& error) {
      const std::string_view key = StrAt(*a[0], row);
      const std::string_view message = StrAt(*a[1], row);
      const std::string_view algorithm = ArgOr(a, 2, row, "SHA-256");
      const EVP_MD* md = HmacDigest(algorithm);
      if (!md) {
        error = fmt::format("[INVALID_PARAMETER_VALUE.HMAC_ALGORITHM] hmac's algorithm must be one of "
                            "'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA-1', 'MD5', got '{}'",
                            algorithm);
        return false;
      }
      if (key.empty()) {  // Java's HMAC refuses an empty key; Spark raises it
        error = "[INVALID_PARAMETER_VALUE.HMAC_CRYPTO_ERROR] hmac's key is empty";
        return false;
      }
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      if (!HMAC(md, key.data(), static_cast<int>(key.size()), Bytes(message), message.size(), mac,
                &len)) {
        error = "[INVALID_PARAMETER_VALUE.HMAC_CRYPTO_ERROR] HMAC failed";
        return false;
      }
      result.assign(reinterpret_cast<const char*>(mac), len);
      return true;
    });
  };
  return f;
}

}  // namespace

void RegisterCryptoFunctions(FunctionRegistry& registry) {
  registry.Register({"aes_encrypt", kAesEncryptSignature, BindAesEncrypt});
  registry.Register(AesDecryptFunction("aes_decrypt", true));
  registry.Register(AesDecryptFunction("try_aes_decrypt", false));
  registry.Register({"hmac", kHmacSignature, BindHmac});
}

}  // namespace sluice
