#pragma once

#include <string>
#include <string_view>

#include "sql/source_text.h"

namespace sluice::sql {

// Keywords are not a token kind: they lex as kIdentifier and the parser compares them
// case-insensitively, so words like `date`, `key` or `left` stay usable as names where the
// grammar allows it.
enum class TokenKind {
  kIdentifier,        // unquoted word; text keeps its spelling
  kQuotedIdentifier,  // `weird name` or "x"; text is the unescaped name, never a keyword
  kString,            // 'it''s'; text is the unescaped value
  kInteger,           // 42
  kDecimal,           // 1.50, .5
  kFloat,             // 1e3, 2.5E-2
  kEq,                // =
  kNotEq,             // <> or !=
  kLt,                // <
  kLe,                // <=
  kGt,                // >
  kGe,                // >=
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kConcat,     // ||
  kDot,
  kComma,
  kColon,      // STRUCT<name: type>
  kSemicolon,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kArrow,      // => of named arguments
  kLambdaArrow,  // -> of a lambda: x -> x + 1
  kNullSafeEq,   // <=>
  kEnd,        // end of input
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  SourceLocation location;
  size_t length = 0;  // bytes of source text the token spans, quotes included

  bool Is(TokenKind k) const { return kind == k; }
  // An unquoted word equal to `keyword` ignoring case (keyword is given in upper case).
  bool IsKeyword(std::string_view keyword) const;
};

}  // namespace sluice::sql
