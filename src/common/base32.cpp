#include "common/base32.h"

#include <algorithm>
#include <cstdint>

namespace sluice {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// The 5-bit value of an alphabet character, -1 for any other byte.
int Base32Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

void AppendBase32(std::string_view bytes, std::string& out) {
  // 5 bytes (40 bits) become 8 characters; a short last group is padded to 8 with '='.
  for (size_t i = 0; i < bytes.size(); i += 5) {
    const size_t n = std::min<size_t>(5, bytes.size() - i);
    uint64_t bits = 0;
    for (size_t k = 0; k < 5; ++k) {
      bits = (bits << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0);
    }
    const size_t chars = (n * 8 + 4) / 5;
    for (size_t k = 0; k < 8; ++k) {
      out += k < chars ? kAlphabet[(bits >> (35 - 5 * k)) & 31] : '=';
    }
  }
}

void DecodeBase32Lenient(std::string_view text, std::string& out) {
  out.clear();
  uint64_t bits = 0;
  int digits = 0;
  for (char c : text) {
    if (c == '=') break;
    const int d = Base32Digit(c);
    if (d < 0) continue;
    bits = (bits << 5) | static_cast<uint64_t>(d);
    if (++digits == 8) {
      for (int k = 4; k >= 0; --k) out += static_cast<char>((bits >> (8 * k)) & 0xFF);
      bits = 0;
      digits = 0;
    }
  }
  if (digits == 0) return;
  if (digits == 1) {  // five bits cannot fill a byte; Spark's decoder still gives one
    out += static_cast<char>(bits >> 2);
    return;
  }
  const int whole = digits * 5 / 8;
  bits >>= digits * 5 - whole * 8;
  for (int k = whole - 1; k >= 0; --k) out += static_cast<char>((bits >> (8 * k)) & 0xFF);
}

}  // namespace sluice
