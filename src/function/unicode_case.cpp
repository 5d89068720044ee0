#include "function/unicode_case.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace sluice {
namespace {

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

icu::UnicodeString FromUtf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

}  // namespace

void AppendUpper(std::string_view s, std::string& out) {
  if (IsAscii(s)) {
    for (char c : s) out += AsciiUpper(c);
    return;
  }
  FromUtf8(s).toUpper(icu::Locale::getRoot()).toUTF8String(out);
}

void AppendLower(std::string_view s, std::string& out) {
  if (IsAscii(s)) {
    for (char c : s) out += AsciiLower(c);
    return;
  }
  FromUtf8(s).toLower(icu::Locale::getRoot()).toUTF8String(out);
}

void AppendInitcap(std::string_view s, std::string& out) {
  if (IsAscii(s)) {
    for (size_t i = 0; i < s.size(); ++i) {
      out += i == 0 || s[i - 1] == ' ' ? AsciiUpper(s[i]) : AsciiLower(s[i]);
    }
    return;
  }
  icu::UnicodeString lower = FromUtf8(s).toLower(icu::Locale::getRoot());
  icu::UnicodeString result;
  UChar32 previous = ' ';
  for (int32_t i = 0; i < lower.length();) {
    UChar32 c = lower.char32At(i);
    result.append(previous == ' ' ? u_totitle(c) : c);
    previous = c;
    i += U16_LENGTH(c);
  }
  result.toUTF8String(out);
}

}  // namespace sluice
