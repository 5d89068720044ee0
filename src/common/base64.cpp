#include "common/base64.h"

#include <openssl/evp.h>

#include <cstdint>

namespace sluice {

void AppendBase64(std::string_view bytes, std::string& out) {
  const size_t start = out.size();
  out.resize(start + 4 * ((bytes.size() + 2) / 3) + 1);  // EVP_EncodeBlock writes a NUL too
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + start),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(start + static_cast<size_t>(n < 0 ? 0 : n));
}

bool DecodeBase64(std::string_view text, std::string& out) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (text.size() % 4 != 0) return false;
  out.resize(text.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  // EVP_DecodeBlock counts the padding's bytes as data: drop one per '='.
  size_t length = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && length > 0; --i) --length;
  out.resize(length);
  return true;
}

bool DecodeBase64Lenient(std::string_view text, std::string& out) {
  // Not OpenSSL's: its decoder refuses any byte outside the alphabet but whitespace.
  auto digit = [](unsigned char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  out.clear();
  uint32_t bits = 0;
  int pending = 0;  // characters of the current 4-character unit
  size_t i = 0;
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '=') {
      // "xx==" or "xxx=" end the data; a unit of 0 or 1 characters cannot be padded, and
      // after two characters both '=' must be there.
      if (pending < 2) return false;
      if (pending == 2 && (i + 1 == text.size() || text[++i] != '=')) return false;
      ++i;
      break;
    }
    const int d = digit(c);
    if (d < 0) continue;
    bits = (bits << 6) | static_cast<uint32_t>(d);
    if (++pending == 4) {
      out.push_back(static_cast<char>(bits >> 16));
      out.push_back(static_cast<char>(bits >> 8));
      out.push_back(static_cast<char>(bits));
      bits = 0;
      pending = 0;
    }
  }
  if (pending == 1) return false;
  if (pending == 2) out.push_back(static_cast<char>(bits >> 4));
  if (pending == 3) {
    out.push_back(static_cast<char>(bits >> 10));
    out.push_back(static_cast<char>(bits >> 2));
  }
  for (; i < text.size(); ++i) {
    if (digit(static_cast<unsigned char>(text[i])) >= 0) return false;
  }
  return true;
}

}  // namespace sluice
