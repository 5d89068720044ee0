#include "format/json_text_check.h"

#include <fmt/format.h>

#include <cctype>
#include <vector>

namespace sluice {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

class Checker {
 public:
  explicit Checker(std::string_view text) : s_(text) {}

  std::string Run(size_t* offset) {
    enum class Want { kValue, kValueOrEnd, kKey, kKeyOrEnd, kColon, kAfterValue };
    Want want = Want::kValue;
    std::vector<char> open;  // '{' or '[' per enclosing container
    while (true) {
      SkipSpace();
      if (want == Want::kAfterValue) {
        if (open.empty()) {
          if (i_ == s_.size()) return {};
          return Fail("unexpected content after the value", offset);
        }
        if (i_ == s_.size()) return Fail("the value ends early", offset);
        const char c = s_[i_];
        if (c == ',') {
          ++i_;
          want = open.back() == '{' ? Want::kKey : Want::kValue;
        } else if ((c == '}' && open.back() == '{') || (c == ']' && open.back() == '[')) {
          ++i_;
          open.pop_back();
        } else {
          return Fail(fmt::format("expected ',' or '{}', found {}", open.back() == '{' ? '}' : ']',
                                  Found()),
                      offset);
        }
        continue;
      }
      if (i_ == s_.size()) return Fail("the value ends early", offset);
      const char c = s_[i_];
      switch (want) {
        case Want::kKeyOrEnd:
          if (c == '}') {
            ++i_;
            open.pop_back();
            want = Want::kAfterValue;
            continue;
          }
          [[fallthrough]];
        case Want::kKey:
          if (c != '"') return Fail(fmt::format("expected a key, found {}", Found()), offset);
          if (std::string problem = String(); !problem.empty()) return Fail(problem, offset);
          want = Want::kColon;
          continue;
        case Want::kColon:
          if (c != ':') return Fail(fmt::format("expected ':', found {}", Found()), offset);
          ++i_;
          want = Want::kValue;
          continue;
        case Want::kValueOrEnd:
          if (c == ']') {
            ++i_;
            open.pop_back();
            want = Want::kAfterValue;
            continue;
          }
          [[fallthrough]];
        case Want::kValue:
          break;
        case Want::kAfterValue:
          break;  // handled above
      }
      // A value.
      if (c == '{' || c == '[') {
        open.push_back(c);
        ++i_;
        want = c == '{' ? Want::kKeyOrEnd : Want::kValueOrEnd;
        continue;
      }
      std::string problem;
      if (c == '"') {
        problem = String();
      } else if (c == '-' || IsDigit(c)) {
        problem = Number();
      } else if (c == 't' || c == 'f' || c == 'n') {
        problem = Literal(c == 't' ? "true" : c == 'f' ? "false" : "null");
      } else {
        problem = fmt::format("expected a value, found {}", Found());
      }
      if (!problem.empty()) return Fail(problem, offset);
      want = Want::kAfterValue;
    }
  }

 private:
  void SkipSpace() {
    while (i_ < s_.size() && IsSpace(s_[i_])) ++i_;
  }
  std::string Found() const {
    if (i_ >= s_.size()) return "the end";
    const unsigned char c = static_cast<unsigned char>(s_[i_]);
    if (c >= 0x20 && c < 0x7f) return fmt::format("'{}'", static_cast<char>(c));
    return fmt::format("byte 0x{:02X}", c);
  }
  std::string Fail(std::string_view problem, size_t* offset) const {
    if (offset) *offset = i_;
    return fmt::format("{} at byte {}", problem, i_);
  }
  // At the opening quote; leaves i_ after the closing one.
  std::string String() {
    ++i_;
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return {};
      }
      if (c < 0x20) return "a control character inside a string (it must be escaped)";
      if (c != '\\') {
        ++i_;
        continue;
      }
      if (i_ + 1 >= s_.size()) break;
      const char e = s_[i_ + 1];
      if (e == 'u') {
        for (size_t k = 2; k < 6; ++k) {
          if (i_ + k >= s_.size() || !IsHex(s_[i_ + k])) return "an escape \\u without 4 hex digits";
        }
        i_ += 6;
        continue;
      }
      if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' &&
          e != 't') {
        const unsigned char u = static_cast<unsigned char>(e);
        return u >= 0x20 && u < 0x7f ? fmt::format("an invalid escape '\\{}'", e)
                                     : fmt::format("an invalid escape (byte 0x{:02X})", u);
      }
      i_ += 2;
    }
    return "a string that is not closed";
  }
  std::string Number() {
    if (s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !IsDigit(s_[i_])) return "a '-' without digits";
    if (s_[i_] == '0') {
      ++i_;
      if (i_ < s_.size() && IsDigit(s_[i_])) return "a number with a leading zero";
    } else {
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size() || !IsDigit(s_[i_])) return "a number without digits after '.'";
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !IsDigit(s_[i_])) return "a number without digits in its exponent";
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    return {};
  }
  std::string Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) {
      size_t end = i_;
      while (end < s_.size() && end - i_ < 16 && std::isalnum(static_cast<unsigned char>(s_[end]))) ++end;
      return fmt::format("unexpected '{}'", s_.substr(i_, std::max<size_t>(end - i_, 1)));
    }
    i_ += word.size();
    return {};
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::string JsonTextProblem(std::string_view text, size_t* offset) {
  return Checker(text).Run(offset);
}

std::string JsonTextProblem(std::string_view text) { return JsonTextProblem(text, nullptr); }

}  // namespace sluice
