#include "function/number_format.h"

#include <algorithm>
#include <cctype>

namespace sluice {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Java's Character.isWhitespace over ASCII, which to_number skips among digits.
bool IsJavaWhitespace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1C' && c <= '\x1F');
}

// Appends a space; a sign or '<' just before it moves right, next to the digits.
void AppendSpaceAfterSigns(std::string& out) {
  out += ' ';
  for (size_t i = out.size() - 1; i >= 1 && (out[i - 1] == '+' || out[i - 1] == '-' || out[i - 1] == '<');
       --i) {
    std::swap(out[i - 1], out[i]);
  }
}

// Appends c; spaces just before it move right, so c sits next to the digits.
void AppendBeforeSpaces(std::string& out, char c) {
  out += c;
  for (size_t i = out.size() - 1; i >= 1 && out[i - 1] == ' '; --i) std::swap(out[i - 1], out[i]);
}

// A decimal point with no digit after it becomes a space.
void BlankLonePoint(std::string& out) {
  const size_t point = out.find('.');
  if (point != std::string::npos && (point + 1 == out.size() || out[point + 1] == ' ')) out[point] = ' ';
}

Status InvalidFormat(std::string_view what, std::string_view format, std::string_view detail) {
  return Status::Invalid("[INVALID_FORMAT.{}] the number format '{}' is invalid: {}; the format is "
                         "[MI|S] [$] [0|9|G|,]* [.|D] [0|9]* [$] [PR|MI|S]",
                         what, format, detail);
}

}  // namespace

Result<NumberFormat> NumberFormat::Compile(std::string_view original) {
  std::string format(original);
  std::transform(format.begin(), format.end(), format.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  NumberFormat f;
  std::vector<Token>& tokens = f.tokens_;
  auto digits_token = [&]() -> Token& {
    if (tokens.empty() || tokens.back().kind != Kind::kDigits) tokens.push_back({Kind::kDigits, {}});
    return tokens.back();
  };
  bool after_point = false;
  int brackets = 0;
  for (size_t i = 0; i < format.size();) {
    const char c = format[i];
    if (c == '0' || c == '9') {
      const size_t start = i;
      while (i < format.size() && (format[i] == '0' || format[i] == '9')) ++i;
      digits_token().items.push_back({static_cast<int>(i - start), c == '0' && !after_point});
      continue;
    }
    const bool pair = i + 1 < format.size();
    if (c == '.' || c == 'D') {
      tokens.push_back({Kind::kPoint, {}});
      after_point = true;
    } else if (c == ',' || c == 'G') {
      digits_token().items.push_back({});
    } else if (c == '$') {
      tokens.push_back({Kind::kDollar, {}});
    } else if (c == 'S') {
      tokens.push_back({Kind::kPlusOrMinus, {}});
    } else if (c == 'M' && pair && format[i + 1] == 'I') {
      tokens.push_back({Kind::kMinus, {}});
      ++i;
    } else if (c == 'P' && pair && format[i + 1] == 'R') {
      ++brackets;  // PR: a '<' before everything, a '>' here
      tokens.push_back({Kind::kCloseBracket, {}});
      ++i;
    } else {
      tokens.push_back({Kind::kUnknown, {}, original[i]});
    }
    ++i;
  }

  if (brackets > 0) {
    std::vector<Token> bracketed(static_cast<size_t>(brackets), Token{Kind::kOpenBracket, {}});
    bracketed.insert(bracketed.end(), std::make_move_iterator(tokens.begin()),
                     std::make_move_iterator(tokens.end()));
    tokens = std::move(bracketed);
  }

  // Spark's checks, in its order.
  if (format.empty()) return InvalidFormat("EMPTY", original, "it is empty");
  auto index_of = [&](Kind kind) -> int {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].kind == kind) return static_cast<int>(i);
    }
    return -1;
  };
  const int first_digits = index_of(Kind::kDigits);
  const int first_dollar = index_of(Kind::kDollar);
  const int point = index_of(Kind::kPoint);
  if (first_digits < 0) return InvalidFormat("WRONG_NUM_DIGIT", original, "it has no digit (0 or 9)");
  if (first_digits < first_dollar) {
    return InvalidFormat("CUR_MUST_BEFORE_DIGIT", original, "'$' must come before the digits");
  }
  if (point >= 0 && point < first_dollar) {
    return InvalidFormat("CUR_MUST_BEFORE_DEC", original, "'$' must come before the decimal point");
  }
  for (size_t t = 0; t < tokens.size(); ++t) {
    if (tokens[t].kind != Kind::kDigits) continue;
    const std::vector<DigitItem>& items = tokens[t].items;
    const bool after = point >= 0 && static_cast<int>(t) > point;
    for (size_t j = 0; j < items.size(); ++j) {
      if (!items[j].separator()) continue;
      if (after) {
        return InvalidFormat("THOUSANDS_SEPS_MUST_BEFORE_DEC", original,
                             "a grouping separator (, or G) after the decimal point");
      }
      if (j == 0 || j + 1 == items.size() || items[j - 1].separator() || items[j + 1].separator()) {
        return InvalidFormat("CONT_THOUSANDS_SEPS", original,
                             "each grouping separator (, or G) needs a digit on both sides");
      }
    }
  }
  for (auto [kind, name] : {std::pair{Kind::kPoint, ". or D"}, std::pair{Kind::kPlusOrMinus, "S"},
                            std::pair{Kind::kMinus, "MI"}, std::pair{Kind::kDollar, "$"},
                            std::pair{Kind::kCloseBracket, "PR"}}) {
    if (std::count_if(tokens.begin(), tokens.end(), [&](const Token& t) { return t.kind == kind; }) > 1) {
      return InvalidFormat("WRONG_NUM_TOKEN", original, fmt::format("{} may appear only once", name));
    }
  }
  // The order: [PR's '<'] [MI|S] [$] [digits] [.] [digits] [$] [MI|S|PR's '>'], each optional.
  const std::vector<std::vector<Kind>> slots = {
      {Kind::kOpenBracket}, {Kind::kMinus, Kind::kPlusOrMinus}, {Kind::kDollar}, {Kind::kDigits},
      {Kind::kPoint},       {Kind::kDigits},                    {Kind::kDollar},
      {Kind::kMinus, Kind::kPlusOrMinus, Kind::kCloseBracket}};
  size_t next = 0;
  for (const std::vector<Kind>& slot : slots) {
    if (next < tokens.size() && std::find(slot.begin(), slot.end(), tokens[next].kind) != slot.end()) ++next;
  }
  if (next < tokens.size()) {
    const Token& t = tokens[next];
    std::string what;
    switch (t.kind) {
      case Kind::kDigits: what = "digits"; break;
      case Kind::kPoint: what = "decimal point"; break;
      case Kind::kDollar: what = "'$'"; break;
      case Kind::kPlusOrMinus: what = "'S'"; break;
      case Kind::kMinus: what = "'MI'"; break;
      case Kind::kOpenBracket: case Kind::kCloseBracket: what = "'PR'"; break;
      case Kind::kUnknown: what = fmt::format("character '{}'", t.unknown); break;
    }
    return InvalidFormat("UNEXPECTED_TOKEN", original, fmt::format("unexpected {} there", what));
  }

  for (size_t t = 0; t < tokens.size(); ++t) {
    for (const DigitItem& item : tokens[t].items) {
      f.precision_ += item.count;
      if (point >= 0 && static_cast<int>(t) > point) f.scale_ += item.count;
    }
  }
  if (f.precision_ > 38) {
    return InvalidFormat("WRONG_NUM_DIGIT", original, "more than 38 digits (DECIMAL's most)");
  }
  return f;
}

bool NumberFormat::ParseDigits(const Token& token, std::string_view text, size_t& at,
                               bool after_point, std::string& before, std::string& after) const {
  // Digits and separators as they come (whitespace skipped), then each run of digits checked
  // against the format's runs, right-aligned: leading runs of 9s may be missing.
  std::vector<int> runs{0};
  for (; at < text.size(); ++at) {
    const char c = text[at];
    if (IsJavaWhitespace(c)) continue;
    if (IsAsciiDigit(c)) {
      ++runs.back();
      (after_point ? after : before) += c;
    } else if (c == ',') {
      runs.push_back(0);
    } else {
      break;
    }
  }
  std::vector<DigitItem> expected;
  for (const DigitItem& item : token.items) {
    if (!item.separator()) expected.push_back(item);
  }
  if (runs.size() > expected.size()) return false;
  for (size_t k = 0; k < expected.size(); ++k) {
    const DigitItem& want = expected[expected.size() - 1 - k];
    const int got = k < runs.size() ? runs[runs.size() - 1 - k] : 0;
    if (want.exact ? got != want.count : got > want.count) return false;
  }
  return true;
}

std::optional<Int128> NumberFormat::Parse(std::string_view text) const {
  std::string before;
  std::string after;
  bool after_point = false;
  bool opened = false;
  bool closed = false;
  bool negative = false;
  size_t at = 0;
  for (const Token& token : tokens_) {
    const bool more = at < text.size();
    const char c = more ? text[at] : '\0';
    switch (token.kind) {
      case Kind::kDigits:
        if (!ParseDigits(token, text, at, after_point, before, after)) return std::nullopt;
        break;
      case Kind::kPoint:
        if (more && c == '.') {
          after_point = true;
          ++at;
        }
        break;
      case Kind::kDollar:
        if (more) {
          if (c != '$') return std::nullopt;
          ++at;
        }
        break;
      case Kind::kPlusOrMinus:
        if (more && (c == '+' || c == '-')) {
          negative ^= c == '-';
          ++at;
        }
        break;
      case Kind::kMinus:
        if (more && c == '-') {
          negative = !negative;
          ++at;
        }
        break;
      case Kind::kOpenBracket:
        if (more && c == '<') {
          if (opened) return std::nullopt;
          opened = true;
          ++at;
        }
        break;
      case Kind::kCloseBracket:
        if (more && c == '>') {
          if (!opened) return std::nullopt;
          closed = true;
          negative = !negative;
          ++at;
        }
        break;
      case Kind::kUnknown:
        return std::nullopt;  // Compile refuses such formats
    }
  }
  if (at < text.size() || opened != closed || (before.empty() && after.empty())) return std::nullopt;
  std::string number = negative ? "-" : "";
  number += before.empty() ? "0" : before;
  if (scale_ > 0) {
    after.resize(static_cast<size_t>(scale_), '0');
    number += '.';
    number += after;
  }
  return ParseDecimal(number, precision_, scale_);
}

std::string NumberFormat::Format(std::string_view decimal) const {
  const bool negative = !decimal.empty() && decimal[0] == '-';
  if (negative) decimal.remove_prefix(1);
  const size_t dot = decimal.find('.');
  std::string before(decimal.substr(0, dot));
  std::string after(dot == std::string_view::npos ? std::string_view() : decimal.substr(dot + 1));
  before.erase(0, before.find_first_not_of('0') == std::string::npos ? before.size()
                                                                      : before.find_first_not_of('0'));
  while (!after.empty() && after.back() == '0') after.pop_back();

  size_t format_before = 0;
  size_t format_after = 0;
  bool past_point = false;
  for (const Token& token : tokens_) {
    if (token.kind == Kind::kPoint) past_point = true;
    for (const DigitItem& item : token.items) (past_point ? format_after : format_before) += item.count;
  }
  if (before.size() > format_before || after.size() > format_after) {
    before.assign(format_before, '#');
    after.assign(format_after, '#');
  }
  before.insert(0, format_before - before.size(), ' ');
  after.append(format_after - after.size(), '0');

  std::string out;
  size_t next_before = 0;
  size_t next_after = 0;
  past_point = false;
  for (const Token& token : tokens_) {
    switch (token.kind) {
      case Kind::kDigits:
        for (const DigitItem& item : token.items) {
          if (item.separator()) {
            if (!out.empty() && IsAsciiDigit(out.back())) {
              out += ',';
            } else {
              AppendSpaceAfterSigns(out);
            }
            continue;
          }
          for (int k = 0; k < item.count; ++k) {
            if (past_point) {
              out += after[next_after++];
              continue;
            }
            const char digit = before[next_before++];
            if (digit != ' ') {
              out += digit;
            } else if (item.exact) {
              out += '0';  // a run that starts with 0 pads with zeros
            } else {
              AppendSpaceAfterSigns(out);
            }
          }
        }
        break;
      case Kind::kPoint:
        if (!out.empty() && out.back() == ' ') out.back() = '0';  // no integer part: "0.5"
        out += '.';
        past_point = true;
        break;
      case Kind::kDollar:
        out += '$';
        break;
      case Kind::kPlusOrMinus:
        BlankLonePoint(out);
        AppendBeforeSpaces(out, negative ? '-' : '+');
        break;
      case Kind::kMinus:
        if (negative) {
          BlankLonePoint(out);
          AppendBeforeSpaces(out, '-');
        } else {
          out += ' ';
        }
        break;
      case Kind::kOpenBracket:
        if (negative) out += '<';
        break;
      case Kind::kCloseBracket:
        BlankLonePoint(out);
        if (negative) {
          AppendBeforeSpaces(out, '>');
        } else {
          out += "  ";
        }
        break;
      case Kind::kUnknown:
        break;
    }
  }
  BlankLonePoint(out);
  if (out.empty() || out == "+" || out == "-") return "0";
  return out;
}

}  // namespace sluice
