#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/lexer.h"
#include "sql/source_text.h"

namespace sluice::sql {
namespace {

std::vector<Token> Lex(const std::string& text) {
  SourceText source("<input>", text);
  auto tokens = Tokenize(source);
  EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
  return tokens.ok() ? std::move(tokens).value() : std::vector<Token>{};
}

std::vector<TokenKind> Kinds(const std::vector<Token>& tokens) {
  std::vector<TokenKind> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  return kinds;
}

std::string LexError(const std::string& text) {
  SourceText source("q.sql", text);
  auto tokens = Tokenize(source);
  EXPECT_FALSE(tokens.ok());
  return tokens.ok() ? "" : tokens.status().message();
}

TEST(SqlLexer, WordsKeepSpellingAndMatchKeywordsIgnoringCase) {
  auto tokens = Lex("select Amount FROM");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdentifier);
  EXPECT_TRUE(tokens[0].IsKeyword("SELECT"));
  EXPECT_EQ(tokens[1].text, "Amount");
  EXPECT_FALSE(tokens[1].IsKeyword("SELECT"));
  EXPECT_TRUE(tokens[2].IsKeyword("FROM"));
  EXPECT_EQ(tokens[3].kind, TokenKind::kEnd);
}

TEST(SqlLexer, QuotedIdentifiersAreNeverKeywords) {
  auto tokens = Lex("`weird name` \"select\" `a``b`");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(tokens[0].text, "weird name");
  EXPECT_EQ(tokens[1].text, "select");
  EXPECT_FALSE(tokens[1].IsKeyword("SELECT"));
  EXPECT_EQ(tokens[2].text, "a`b");
}

TEST(SqlLexer, StringLiteralsUnescapeDoubledQuotes) {
  auto tokens = Lex("'it''s' '' 'multi\nline'");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kString);
  EXPECT_EQ(tokens[0].text, "it's");
  EXPECT_EQ(tokens[0].length, 7u);
  EXPECT_EQ(tokens[1].text, "");
  EXPECT_EQ(tokens[2].text, "multi\nline");
}

TEST(SqlLexer, Numbers) {
  auto tokens = Lex("42 1.50 1e3 2.5E-2 .5 7.");
  EXPECT_EQ(Kinds(tokens),
            (std::vector<TokenKind>{TokenKind::kInteger, TokenKind::kDecimal, TokenKind::kFloat,
                                    TokenKind::kFloat, TokenKind::kDecimal, TokenKind::kDecimal,
                                    TokenKind::kEnd}));
  EXPECT_EQ(tokens[1].text, "1.50");
  EXPECT_EQ(tokens[3].text, "2.5E-2");
  EXPECT_EQ(tokens[4].text, ".5");
}

TEST(SqlLexer, DotAfterNameIsAnOperator) {
  auto tokens = Lex("t.a arr[1].x");
  EXPECT_EQ(Kinds(tokens),
            (std::vector<TokenKind>{TokenKind::kIdentifier, TokenKind::kDot,
                                    TokenKind::kIdentifier, TokenKind::kIdentifier,
                                    TokenKind::kLBracket, TokenKind::kInteger,
                                    TokenKind::kRBracket, TokenKind::kDot,
                                    TokenKind::kIdentifier, TokenKind::kEnd}));
}

TEST(SqlLexer, Operators) {
  auto tokens = Lex("= <> != < <= > >= + - * / % || . , ; ( ) [ ] : => ==");
  EXPECT_EQ(
      Kinds(tokens),
      (std::vector<TokenKind>{
          TokenKind::kEq,       TokenKind::kNotEq,    TokenKind::kNotEq,    TokenKind::kLt,
          TokenKind::kLe,       TokenKind::kGt,       TokenKind::kGe,       TokenKind::kPlus,
          TokenKind::kMinus,    TokenKind::kStar,     TokenKind::kSlash,    TokenKind::kPercent,
          TokenKind::kConcat,   TokenKind::kDot,      TokenKind::kComma,    TokenKind::kSemicolon,
          TokenKind::kLParen,   TokenKind::kRParen,   TokenKind::kLBracket, TokenKind::kRBracket,
          TokenKind::kColon,    TokenKind::kArrow,    TokenKind::kEq,       TokenKind::kEnd}));
}

TEST(SqlLexer, NestedTypeClosersAreSeparateTokens) {
  auto tokens = Lex("ARRAY<ROW<a INT>>");
  EXPECT_EQ(tokens[6].kind, TokenKind::kGt);
  EXPECT_EQ(tokens[7].kind, TokenKind::kGt);
}

TEST(SqlLexer, CommentsAreSkipped) {
  auto tokens = Lex("-- leading\nSELECT /* inline\n comment */ a -- trailing\n, b/**/");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_TRUE(tokens[0].IsKeyword("SELECT"));
  EXPECT_EQ(tokens[1].text, "a");
  EXPECT_EQ(tokens[2].kind, TokenKind::kComma);
  EXPECT_EQ(tokens[3].text, "b");
}

TEST(SqlLexer, MinusMinusIsAComment) {
  auto tokens = Lex("a--b\n- -c");
  EXPECT_EQ(Kinds(tokens),
            (std::vector<TokenKind>{TokenKind::kIdentifier, TokenKind::kMinus, TokenKind::kMinus,
                                    TokenKind::kIdentifier, TokenKind::kEnd}));
}

TEST(SqlLexer, LocationsAreOneBasedLineAndColumn) {
  auto tokens = Lex("SELECT a,\n\t  bee\n");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[1].location.line, 1);
  EXPECT_EQ(tokens[1].location.column, 8);
  EXPECT_EQ(tokens[3].location.line, 2);
  EXPECT_EQ(tokens[3].location.column, 4);
  EXPECT_EQ(tokens[3].location.offset, 13u);
}

TEST(SqlLexer, EndTokenSitsRightAfterTheLastToken) {
  auto tokens = Lex("SELECT a FROM  \n\n-- done\n");
  const Token& end = tokens.back();
  EXPECT_EQ(end.kind, TokenKind::kEnd);
  EXPECT_EQ(end.location.line, 1);
  EXPECT_EQ(end.location.column, 14);
  EXPECT_EQ(Lex("").back().location.offset, 0u);
}

TEST(SqlLexer, UnterminatedStringPointsAtTheOpeningQuote) {
  EXPECT_EQ(LexError("SELECT 'abc"),
            "q.sql:1:8: error: unterminated string literal\n"
            "    1 | SELECT 'abc\n"
            "      |        ^");
}

TEST(SqlLexer, UnterminatedCommentAndQuotedIdentifier) {
  EXPECT_EQ(LexError("SELECT a\n  /* never closed"),
            "q.sql:2:3: error: unterminated comment: '/*' without '*/'\n"
            "    2 |   /* never closed\n"
            "      |   ^");
  EXPECT_NE(LexError("SELECT `abc").find("1:8: error: unterminated quoted identifier"),
            std::string::npos);
}

TEST(SqlLexer, StrayCharacterIsAnError) {
  EXPECT_EQ(LexError("SELECT a # b"),
            "q.sql:1:10: error: unexpected character '#'\n"
            "    1 | SELECT a # b\n"
            "      |          ^");
  EXPECT_NE(LexError("a | b").find("unexpected character '|'"), std::string::npos);
}

TEST(SqlSourceText, CaretCopiesTabsAndHandlesEndOfText) {
  SourceText source("x.sql", "SELECT\n\tround(a FROM t");
  EXPECT_EQ(source.FormatError({2, 10, 16}, "expected ')' but found 'FROM'"),
            "x.sql:2:10: error: expected ')' but found 'FROM'\n"
            "    2 | \tround(a FROM t\n"
            "      | \t        ^");
  // One past the last character of a text without a final newline.
  EXPECT_EQ(source.FormatError({2, 16, 22}, "expected ')' but found end of input"),
            "x.sql:2:16: error: expected ')' but found end of input\n"
            "    2 | \tround(a FROM t\n"
            "      | \t              ^");
  SourceText trailing("y.sql", "a\n");
  EXPECT_EQ(trailing.FormatError({2, 1, 2}, "m"),
            "y.sql:2:1: error: m\n"
            "    2 | \n"
            "      | ^");
}

TEST(SqlSourceText, WideLineNumbersWidenTheGutter) {
  std::string text(123456, '\n');
  text += "x";
  SourceText source("big.sql", text);
  EXPECT_EQ(source.FormatError({123457, 1, 123456}, "m"),
            "big.sql:123457:1: error: m\n"
            "123457 | x\n"
            "       | ^");
}

TEST(SqlSourceText, ErrorIsInvalidArgument) {
  SourceText source("<input>", "x");
  Status s = source.Error({1, 1, 0}, "bad");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "<input>:1:1: error: bad\n    1 | x\n      | ^");
}

}  // namespace
}  // namespace sluice::sql
