#include "sql/lexer.h"

#include <cctype>

#include <fmt/format.h>

#include "common/utf8.h"

namespace sluice::sql {

namespace {

bool IsIdentifierStart(char c) {
  // Bytes >= 0x80 are parts of UTF-8 characters: let them form names.
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentifierPart(char c) {
  return IsIdentifierStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Lexer {
 public:
  explicit Lexer(const SourceText& source) : source_(source), text_(source.text()) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      SLUICE_RETURN_NOT_OK(SkipSpaceAndComments());
      if (pos_ >= text_.size()) break;
      SLUICE_ASSIGN_OR_RETURN(Token token, Next(tokens.empty() ? nullptr : &tokens.back()));
      tokens.push_back(std::move(token));
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.location = tokens.empty() ? Location(0) : EndOf(tokens.back());
    tokens.push_back(std::move(end));
    return tokens;
  }

 private:
  // Location of a byte offset, computed by walking forward from the last one asked for:
  // tokens are produced in order, so this stays linear.
  SourceLocation Location(size_t offset) {
    if (offset < cursor_.offset) cursor_ = SourceLocation{};
    while (cursor_.offset < offset) {
      if (text_[cursor_.offset] == '\n') {
        ++cursor_.line;
        cursor_.column = 1;
      } else {
        ++cursor_.column;
      }
      ++cursor_.offset;
    }
    return cursor_;
  }

  SourceLocation EndOf(const Token& token) {
    return Location(token.location.offset + token.length);
  }

  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  Status SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '-' && Peek(1) == '-') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && Peek(1) == '*') {
        size_t close = text_.find("*/", pos_ + 2);
        if (close == std::string::npos) {
          return source_.Error(Location(pos_), "unterminated comment: '/*' without '*/'");
        }
        pos_ = close + 2;
      } else {
        break;
      }
    }
    return Status::OK();
  }

  Token Make(TokenKind kind, size_t start, std::string text) {
    Token token;
    token.kind = kind;
    token.text = std::move(text);
    token.location = Location(start);
    token.length = pos_ - start;
    return token;
  }

  Result<Token> Next(const Token* previous) {
    size_t start = pos_;
    char c = text_[pos_];
    if (IsIdentifierStart(c)) {
      while (pos_ < text_.size() && IsIdentifierPart(text_[pos_])) ++pos_;
      return Make(TokenKind::kIdentifier, start, text_.substr(start, pos_ - start));
    }
    // `.5` is a number, but `t.5` after a name or `)` is not: there the dot is an operator.
    bool dot_number = c == '.' && IsDigit(Peek(1)) &&
                      !(previous && (previous->Is(TokenKind::kIdentifier) ||
                                     previous->Is(TokenKind::kQuotedIdentifier) ||
                                     previous->Is(TokenKind::kRParen) ||
                                     previous->Is(TokenKind::kRBracket)));
    if (IsDigit(c) || dot_number) return Number(start);
    switch (c) {
      case '\'': return Quoted(start, '\'', TokenKind::kString, "string literal");
      case '`': return Quoted(start, '`', TokenKind::kQuotedIdentifier, "quoted identifier");
      case '"': return Quoted(start, '"', TokenKind::kQuotedIdentifier, "quoted identifier");
      default: break;
    }
    auto op = [&](TokenKind kind, size_t size) {
      pos_ += size;
      return Make(kind, start, text_.substr(start, size));
    };
    char n = Peek(1);
    switch (c) {
      case '=':
        if (n == '>') return op(TokenKind::kArrow, 2);
        return n == '=' ? op(TokenKind::kEq, 2) : op(TokenKind::kEq, 1);  // Spark's `==`
      case '<':
        if (n == '>') return op(TokenKind::kNotEq, 2);
        if (n == '=' && Peek(2) == '>') return op(TokenKind::kNullSafeEq, 3);
        return n == '=' ? op(TokenKind::kLe, 2) : op(TokenKind::kLt, 1);
      case '>': return n == '=' ? op(TokenKind::kGe, 2) : op(TokenKind::kGt, 1);
      case '!':
        if (n == '=') return op(TokenKind::kNotEq, 2);
        break;
      case '|':
        if (n == '|') return op(TokenKind::kConcat, 2);
        break;
      case '+': return op(TokenKind::kPlus, 1);
      case '-': return n == '>' ? op(TokenKind::kLambdaArrow, 2) : op(TokenKind::kMinus, 1);
      case '*': return op(TokenKind::kStar, 1);
      case '/': return op(TokenKind::kSlash, 1);
      case '%': return op(TokenKind::kPercent, 1);
      case '.': return op(TokenKind::kDot, 1);
      case ',': return op(TokenKind::kComma, 1);
      case ':': return op(TokenKind::kColon, 1);
      case ';': return op(TokenKind::kSemicolon, 1);
      case '(': return op(TokenKind::kLParen, 1);
      case ')': return op(TokenKind::kRParen, 1);
      case '[': return op(TokenKind::kLBracket, 1);
      case ']': return op(TokenKind::kRBracket, 1);
      default: break;
    }
    std::string shown = std::isprint(static_cast<unsigned char>(c))
                            ? fmt::format("'{}'", c)
                            : fmt::format("0x{:02x}", static_cast<unsigned char>(c));
    return source_.Error(Location(start), fmt::format("unexpected character {}", shown));
  }

  // digits [. digits] [e [+-] digits] [suffix]; the parser decides the value's type from the kind
  // and the suffix.
  Token Number(size_t start) {
    TokenKind kind = TokenKind::kInteger;
    while (IsDigit(Peek())) ++pos_;
    if (Peek() == '.' && IsDigit(Peek(1))) {
      kind = TokenKind::kDecimal;
      ++pos_;
      while (IsDigit(Peek())) ++pos_;
    } else if (Peek() == '.' && !IsIdentifierStart(Peek(1)) && Peek(1) != '.') {
      // `1.` is a decimal too; `1.x` is left for the parser to reject.
      kind = TokenKind::kDecimal;
      ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      size_t digits = (Peek(1) == '+' || Peek(1) == '-') ? 2 : 1;
      if (IsDigit(Peek(digits))) {
        kind = TokenKind::kFloat;
        pos_ += digits;
        while (IsDigit(Peek())) ++pos_;
      }
    }
    // Spark's typed number literals keep their suffix in the text: 10L, 1.5D, 2.50BD, 1S, 1Y, 1F.
    const char c = Peek();
    size_t suffix = 0;
    if ((c == 'B' || c == 'b') && (Peek(1) == 'D' || Peek(1) == 'd')) {
      suffix = 2;
    } else if (c != '\0' && std::string_view("LlSsYyDdFf").find(c) != std::string_view::npos) {
      suffix = 1;
    }
    if (suffix > 0 && !IsIdentifierPart(Peek(suffix))) pos_ += suffix;
    return Make(kind, start, text_.substr(start, pos_ - start));
  }

  // A backslash escape in a string literal, as Spark reads them: \n \t \r \b \Z, \0 (NUL)
  // and three octal digits, \uXXXX, \% and \_ kept with their backslash (LIKE patterns), and
  // any other character taken as itself (\\ is a backslash, \' a quote). So '\\d+' is the
  // regex \d+, as in a PySpark job.
  void AppendEscape(std::string& value) {
    const char n = text_[pos_++];
    auto octal = [&](size_t at) { return at < text_.size() && text_[at] >= '0' && text_[at] <= '7'; };
    switch (n) {
      case 'n': value += '\n'; return;
      case 't': value += '\t'; return;
      case 'r': value += '\r'; return;
      case 'b': value += '\b'; return;
      case 'Z': value += '\x1A'; return;
      case '%':
      case '_':
        value += '\\';
        value += n;
        return;
      case 'u': {
        uint32_t code = 0;
        size_t digits = 0;
        for (; digits < 4 && pos_ + digits < text_.size(); ++digits) {
          const char h = text_[pos_ + digits];
          const int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
          if (v < 0) break;
          code = code * 16 + static_cast<uint32_t>(v);
        }
        if (digits < 4) {  // not a \uXXXX: the letter itself, as Spark
          value += 'u';
          return;
        }
        pos_ += 4;
        AppendUtf8(code, value);
        return;
      }
      default:
        if (n >= '0' && n <= '3' && octal(pos_) && octal(pos_ + 1)) {
          value += static_cast<char>(((n - '0') << 6) | ((text_[pos_] - '0') << 3) | (text_[pos_ + 1] - '0'));
          pos_ += 2;
          return;
        }
        value += n == '0' ? '\0' : n;
        return;
    }
  }

  // A quote-delimited token where a doubled quote stands for one: 'it''s', `a``b`.
  Result<Token> Quoted(size_t start, char quote, TokenKind kind, std::string_view what) {
    std::string value;
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        return source_.Error(Location(start), fmt::format("unterminated {}", what));
      }
      char c = text_[pos_++];
      if (c == quote) {
        if (Peek() != quote) break;
        ++pos_;
      }
      if (c == '\\' && kind == TokenKind::kString && pos_ < text_.size()) {
        AppendEscape(value);
        continue;
      }
      value += c;
    }
    if (kind == TokenKind::kQuotedIdentifier && value.empty()) {
      return source_.Error(Location(start), "empty quoted identifier");
    }
    return Make(kind, start, std::move(value));
  }

  const SourceText& source_;
  const std::string& text_;
  size_t pos_ = 0;
  SourceLocation cursor_;
};

}  // namespace

Result<std::vector<Token>> Tokenize(const SourceText& source) { return Lexer(source).Run(); }

}  // namespace sluice::sql
