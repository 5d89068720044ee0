// Expected values are what Spark 3.x (spark.sql.ansi.enabled=false) returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "function_test_util.h"

namespace sluice::test {
namespace {

using ::testing::HasSubstr;

TEST(RegexFunction, ExtractGroups) {
  EXPECT_EQ(CallText("regexp_extract", {Str("100-200"), Str("(\\d+)-(\\d+)"), Int(1)}), "100");
  EXPECT_EQ(CallText("regexp_extract", {Str("100-200"), Str("(\\d+)-(\\d+)"), Int(2)}), "200");
  EXPECT_EQ(CallText("regexp_extract", {Str("100-200"), Str("(\\d+)-(\\d+)"), Int(0)}), "100-200");
  EXPECT_EQ(CallText("regexp_extract", {Str("x=42;"), Str("x=(\\d+)")}), "42");  // idx 1
}

TEST(RegexFunction, ExtractWithoutMatchIsEmpty) {
  EXPECT_EQ(CallText("regexp_extract", {Str("foo"), Str("(\\d+)"), Int(1)}), "");
  // A group that took no part in the match.
  EXPECT_EQ(CallText("regexp_extract", {Str("a"), Str("(a)|(b)"), Int(2)}), "");
  EXPECT_EQ(CallText("regexp_extract", {NullOf(DataType::String()), Str("(a)"), Int(1)}), "NULL");
}

TEST(RegexFunction, ExtractGroupIndexChecks) {
  EXPECT_EQ(BindError("regexp_extract", {Lit(Str("a")), Lit(Str("(a)-(b)")), Lit(Int(3))}),
            "regexp_extract: regex '(a)-(b)' has 2 group(s), but the specified group index is 3");
  EXPECT_THAT(BindError("regexp_extract", {Lit(Str("abc")), Lit(Str("b"))}),
              HasSubstr("has 0 group(s), but the specified group index is 1"));
  EXPECT_THAT(BindError("regexp_extract", {Lit(Str("a")), Lit(Str("(a)")), Lit(Int(-1))}),
              HasSubstr("cannot be negative"));
  // A per-row index out of range gives NULL.
  auto r = Evaluate("regexp_extract",
                    {Col({Str("ab"), Str("ab")}), Lit(Str("(a)(b)")), Col({Int(2), Int(5)})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "b");
  EXPECT_TRUE(r->out->IsNull(1));
}

TEST(RegexFunction, ReplaceAll) {
  EXPECT_EQ(CallText("regexp_replace", {Str("100-200"), Str("(\\d+)"), Str("num")}), "num-num");
  EXPECT_EQ(CallText("regexp_replace", {Str("abc"), Str("z"), Str("y")}), "abc");
  EXPECT_EQ(CallText("regexp_replace", {NullOf(DataType::String()), Str("a"), Str("b")}), "NULL");
}

TEST(RegexFunction, ReplaceBackReferences) {
  EXPECT_EQ(CallText("regexp_replace",
                     {Str("2024-03-05"), Str("(\\d+)-(\\d+)-(\\d+)"), Str("$3/$2/$1")}),
            "05/03/2024");
  EXPECT_EQ(CallText("regexp_replace", {Str("ab"), Str("(a)"), Str("[$0$1]")}), "[aa]b");
  // '\$' is a literal dollar; '$12' with one group is group 1 then '2', as in Java.
  EXPECT_EQ(CallText("regexp_replace", {Str("a"), Str("a"), Str("\\$1")}), "$1");
  EXPECT_EQ(CallText("regexp_replace", {Str("a"), Str("(a)"), Str("$12")}), "a2");
  EXPECT_THAT(BindError("regexp_replace", {Lit(Str("a")), Lit(Str("(a)")), Lit(Str("$2"))}),
              HasSubstr("refers to group 2, but the regex has 1 group(s)"));
}

TEST(RegexFunction, ReplaceEmptyMatchesLikeJava) {
  EXPECT_EQ(CallText("regexp_replace", {Str("abc"), Str("x*"), Str("-")}), "-a-b-c-");
  EXPECT_EQ(CallText("regexp_replace", {Str("abc"), Str("b*"), Str("-")}), "-a--c-");
}

TEST(RegexFunction, ReplaceFromPosition) {
  EXPECT_EQ(CallText("regexp_replace", {Str("aaa"), Str("a"), Str("b"), Int(2)}), "abb");
  EXPECT_EQ(CallText("regexp_replace", {Str("aaa"), Str("a"), Str("b"), Int(9)}), "aaa");
}

TEST(RegexFunction, RlikeIsAPartialMatch) {
  EXPECT_EQ(CallText("rlike", {Str("Spark"), Str("ar")}), "true");
  EXPECT_EQ(CallText("rlike", {Str("Spark"), Str("^ar")}), "false");
  EXPECT_EQ(CallText("regexp_like", {Str("Spark"), Str("^Sp.*k$")}), "true");
  EXPECT_EQ(CallText("regexp", {Str("SPARK"), Str("(?i)spark")}), "true");
  EXPECT_EQ(CallText("rlike", {NullOf(DataType::String()), Str("a")}), "NULL");
}

TEST(RegexFunction, InvalidRegexIsABindError) {
  EXPECT_THAT(BindError("rlike", {Lit(Str("a")), Lit(Str("("))}),
              HasSubstr("rlike: invalid regex '(': missing )"));
  // RE2 has no lookaround.
  EXPECT_THAT(BindError("regexp_replace", {Lit(Str("a")), Lit(Str("a(?=b)")), Lit(Str("x"))}),
              HasSubstr("regexp_replace: invalid regex 'a(?=b)'"));
  EXPECT_EQ(BindError("rlike", {Lit(Str("a"))}), "rlike(str, regex) takes 2 arguments, got 1");
}

TEST(RegexFunction, PerRowPatternsAreCompiledAndCached) {
  auto r = Evaluate("rlike", {Col({Str("abc"), Str("abc"), Str("x"), Str("abd")}),
                              Col({Str("b"), Str("("), Str("x"), Str("b")})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).boolean(), true);
  EXPECT_TRUE(r->out->IsNull(1));  // invalid per-row pattern
  EXPECT_EQ(ValueAt(*r->out, 2).boolean(), true);
  EXPECT_EQ(ValueAt(*r->out, 3).boolean(), true);
}

TEST(RegexFunction, PerRowReplacements) {
  auto r = Evaluate("regexp_replace", {Col({Str("ab"), Str("ab"), Str("ab")}), Lit(Str("(a)")),
                                       Col({Str("<$1>"), Str("$"), Str("x")})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "<a>b");
  EXPECT_TRUE(r->out->IsNull(1));  // an invalid per-row replacement
  EXPECT_EQ(ValueAt(*r->out, 2).string(), "xb");
}

TEST(RegexFunction, ExtractWithPerRowPatterns) {
  auto r = Evaluate("regexp_extract", {Col({Str("a1"), Str("b22"), Str("c")}),
                                       Col({Str("(\\d)"), Str("(\\d+)"), Str("(")}),
                                       Lit(Int(1))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "1");
  EXPECT_EQ(ValueAt(*r->out, 1).string(), "22");
  EXPECT_TRUE(r->out->IsNull(2));
}

TEST(RegexFunction, Utf8Characters) {
  EXPECT_EQ(CallText("rlike", {Str("héllo"), Str("^h.llo$")}), "true");
  EXPECT_EQ(CallText("regexp_replace", {Str("é"), Str(""), Str("-")}), "-é-");
  EXPECT_EQ(CallText("regexp_extract", {Str("prix: 12€"), Str("(\\d+)€"), Int(1)}), "12");
}

TEST(RegexFunction, BindErrorsForTypesAndArity) {
  EXPECT_EQ(BindError("regexp_extract", {Lit(Str("a"))}),
            "regexp_extract(str, regex[, idx]) takes 2 or 3 arguments, got 1");
  EXPECT_EQ(BindError("regexp_replace", {Lit(Str("a")), Lit(Str("a"))}),
            "regexp_replace(str, regex, replacement[, position]) takes 3 or 4 arguments, got 2");
  EXPECT_EQ(BindError("rlike", {Vec(MakeStringLists({std::nullopt})), Lit(Str("a"))}),
            "rlike: argument 1 must be a string, found ARRAY<STRING>");
}

}  // namespace
}  // namespace sluice::test
