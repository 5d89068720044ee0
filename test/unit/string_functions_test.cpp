// Expected values are what Spark 3.x (spark.sql.ansi.enabled=false) returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "function_test_util.h"

namespace sluice::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(StringFunction, LowerUpperOverUnicode) {
  EXPECT_EQ(CallText("lower", {Str("SpArK Sql")}), "spark sql");
  EXPECT_EQ(CallText("upper", {Str("Spark")}), "SPARK");
  EXPECT_EQ(CallText("ucase", {Str("abc")}), "ABC");
  // Java's full mappings, as Spark uses them: 'ß' is "SS", a word-final 'Σ' is 'ς'.
  EXPECT_EQ(CallText("upper", {Str("ab-é straße")}), "AB-É STRASSE");
  EXPECT_EQ(CallText("lower", {Str("ΣΑΣ Ä")}), "σας ä");
  EXPECT_EQ(CallText("initcap", {Str("éCOLE ärger")}), "École Ärger");
  EXPECT_EQ(CallText("upper", {Int(123)}), "123");  // implicit cast to string
}

TEST(StringFunction, NullPropagatesPerRow) {
  auto r = Evaluate("upper", {Col({Str("a"), Null(), Str("b")})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "A");
  EXPECT_TRUE(r->out->IsNull(1));
  EXPECT_EQ(ValueAt(*r->out, 2).string(), "B");
  EXPECT_EQ(CallText("lower", {NullOf(DataType::String())}), "NULL");
  EXPECT_EQ(CallText("length", {Null()}), "NULL");
}

TEST(StringFunction, OnlySelectedRowsAreComputed) {
  auto r = Evaluate("concat", {Col({Str("a"), Str("b"), Str("c")}), Lit(Str("!"))}, 0,
                    SelectionVector::Of({0, 2}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "a!");
  EXPECT_EQ(ValueAt(*r->out, 2).string(), "c!");
}

TEST(StringFunction, Initcap) {
  EXPECT_EQ(CallText("initcap", {Str("hELLO wORLD")}), "Hello World");
  EXPECT_EQ(CallText("initcap", {Str("sPARK  sql")}), "Spark  Sql");
  // Only ' ' separates words.
  EXPECT_EQ(CallText("initcap", {Str("a-b c_d")}), "A-b C_d");
}

TEST(StringFunction, TrimOnlySpacesByDefault) {
  EXPECT_EQ(CallText("trim", {Str("  x y  ")}), "x y");
  EXPECT_EQ(CallText("ltrim", {Str("  x y  ")}), "x y  ");
  EXPECT_EQ(CallText("rtrim", {Str("  x y  ")}), "  x y");
  EXPECT_EQ(CallText("trim", {Str("\tx\t")}), "\tx\t");
  EXPECT_EQ(CallText("trim", {Str("   ")}), "");
}

// Spark's two-argument trim/ltrim/rtrim take the characters first (what TRIM(chars FROM str)
// means; PySpark 4.3 gives trim('hello world', ' é') = 'é'); btrim takes the string first.
TEST(StringFunction, TrimCharacters) {
  EXPECT_EQ(CallText("trim", {Str("SL"), Str("SSparkSQLS")}), "parkSQ");
  EXPECT_EQ(CallText("ltrim", {Str("xyz"), Str("zzzytest")}), "test");
  EXPECT_EQ(CallText("rtrim", {Str("xyz"), Str("testxxzx")}), "test");
  EXPECT_EQ(CallText("trim", {Str("é"), Str("ééaé")}), "a");
  EXPECT_EQ(CallText("trim", {Str("hello world"), Str(" é")}), "é");
  EXPECT_EQ(CallText("btrim", {Str("SSparkSQLS"), Str("SL")}), "parkSQ");
}

TEST(StringFunction, ConcatIsNullIfAnyArgumentIs) {
  EXPECT_EQ(CallText("concat", {Str("Spark"), Str("SQL")}), "SparkSQL");
  EXPECT_EQ(CallText("concat", {Str("a"), NullOf(DataType::String())}), "NULL");
  EXPECT_EQ(CallText("concat", {Str("a"), Int(1), Value::Float64(2.5)}), "a12.5");
  EXPECT_EQ(CallText("concat", {Str("d="), Day("2024-01-02")}), "d=2024-01-02");
  EXPECT_EQ(CallText("concat", {}), "");
}

TEST(StringFunction, ConcatWsSkipsNulls) {
  EXPECT_EQ(CallText("concat_ws", {Str(" "), Str("Spark"), Str("SQL")}), "Spark SQL");
  EXPECT_EQ(CallText("concat_ws", {Str(","), Str("a"), NullOf(DataType::String()), Str("b")}),
            "a,b");
  EXPECT_EQ(CallText("concat_ws", {NullOf(DataType::String()), Str("a")}), "NULL");
  EXPECT_EQ(CallText("concat_ws", {Str(",")}), "");
  EXPECT_EQ(CallText("concat_ws", {Str("/"), Int(1), Int(2)}), "1/2");
}

TEST(StringFunction, ConcatWsFlattensArrays) {
  auto lists = MakeStringLists({std::vector<std::optional<std::string>>{"a", std::nullopt, "b"},
                                std::nullopt, std::vector<std::optional<std::string>>{}});
  auto r = Evaluate("concat_ws", {Lit(Str(",")), Vec(lists), Lit(Str("c"))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "a,b,c");
  EXPECT_EQ(ValueAt(*r->out, 1).string(), "c");  // a NULL array is skipped
  EXPECT_EQ(ValueAt(*r->out, 2).string(), "c");
}

std::optional<std::vector<std::string>> Split(std::vector<Value> args) {
  std::vector<Arg> lits;
  for (auto& v : args) lits.push_back(Lit(v));
  auto r = Evaluate("split", lits);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return std::nullopt;
  EXPECT_EQ(r->out->type().ToString(), "ARRAY<STRING>");
  return ListAt(*r->out, 0);
}

TEST(StringFunction, SplitKeepsTrailingEmptyStrings) {
  EXPECT_THAT(*Split({Str("oneAtwoBthreeC"), Str("[ABC]")}), ElementsAre("one", "two", "three", ""));
  EXPECT_THAT(*Split({Str("a,b,,"), Str(",")}), ElementsAre("a", "b", "", ""));
  EXPECT_THAT(*Split({Str(",a"), Str(",")}), ElementsAre("", "a"));
  EXPECT_THAT(*Split({Str(""), Str(",")}), ElementsAre(""));
  EXPECT_THAT(*Split({Str("a.b"), Str("\\.")}), ElementsAre("a", "b"));
}

TEST(StringFunction, SplitWithLimit) {
  EXPECT_THAT(*Split({Str("oneAtwoBthreeC"), Str("[ABC]"), Int(2)}),
              ElementsAre("one", "twoBthreeC"));
  EXPECT_THAT(*Split({Str("oneAtwoBthreeC"), Str("[ABC]"), Int(-1)}),
              ElementsAre("one", "two", "three", ""));
  EXPECT_THAT(*Split({Str("oneAtwoBthreeC"), Str("[ABC]"), Int(0)}),
              ElementsAre("one", "two", "three", ""));
  EXPECT_THAT(*Split({Str("a b"), Str(" "), Int(1)}), ElementsAre("a b"));
}

TEST(StringFunction, SplitOnEmptyMatches) {
  EXPECT_THAT(*Split({Str("abc"), Str("")}), ElementsAre("a", "b", "c"));
  EXPECT_THAT(*Split({Str("abc"), Str(""), Int(2)}), ElementsAre("a", "bc"));
  // Java's String.split: no leading empty piece for a zero-width match at 0.
  EXPECT_THAT(*Split({Str("abc"), Str("x*")}), ElementsAre("a", "b", "c", ""));
}

TEST(StringFunction, SplitNullsAndBadRegex) {
  EXPECT_FALSE(Split({NullOf(DataType::String()), Str(",")}).has_value());
  EXPECT_THAT(BindError("split", {Lit(Str("a")), Lit(Str("("))}),
              HasSubstr("split: invalid regex '('"));
  // A per-row pattern that does not compile makes that row NULL.
  auto r = Evaluate("split", {Col({Str("a,b"), Str("a")}), Col({Str(","), Str("(")})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(*ListAt(*r->out, 0), ElementsAre("a", "b"));
  EXPECT_TRUE(r->out->IsNull(1));
}

TEST(StringFunction, SubstringSparkPositions) {
  EXPECT_EQ(CallText("substring", {Str("Spark SQL"), Int(5)}), "k SQL");
  EXPECT_EQ(CallText("substring", {Str("Spark SQL"), Int(-3)}), "SQL");
  EXPECT_EQ(CallText("substring", {Str("Spark SQL"), Int(5), Int(1)}), "k");
  EXPECT_EQ(CallText("substring", {Str("Spark SQL"), Int(0), Int(3)}), "Spa");
  EXPECT_EQ(CallText("substring", {Str("Spark SQL"), Int(1), Int(3)}), "Spa");
  EXPECT_EQ(CallText("substr", {Str("Spark SQL"), Int(-3), Int(2)}), "SQ");
  EXPECT_EQ(CallText("substring", {Str("Spark"), Int(-10), Int(3)}), "");
  EXPECT_EQ(CallText("substring", {Str("Spark"), Int(-7), Int(4)}), "Sp");
  EXPECT_EQ(CallText("substring", {Str("Spark"), Int(10)}), "");
  EXPECT_EQ(CallText("substring", {Str("abc"), Int(2), Int(-1)}), "");
  EXPECT_EQ(CallText("substring", {Str("héllo"), Int(2), Int(3)}), "éll");
  EXPECT_EQ(CallText("substring", {Str("abc"), NullOf(DataType::Int32())}), "NULL");
}

TEST(StringFunction, LeftAndRight) {
  EXPECT_EQ(CallText("left", {Str("Spark SQL"), Int(3)}), "Spa");
  EXPECT_EQ(CallText("right", {Str("Spark SQL"), Int(3)}), "SQL");
  EXPECT_EQ(CallText("left", {Str("abc"), Int(-1)}), "");
  EXPECT_EQ(CallText("right", {Str("abc"), Int(0)}), "");
  EXPECT_EQ(CallText("right", {Str("abc"), Int(10)}), "abc");
}

TEST(StringFunction, LengthCountsCharacters) {
  EXPECT_EQ(CallText("length", {Str("Spark SQL ")}), "10");
  EXPECT_EQ(CallText("char_length", {Str("héllo")}), "5");
  EXPECT_EQ(CallText("character_length", {Str("")}), "0");
  EXPECT_EQ(CallText("length", {Int(12345)}), "5");
  auto bound = Bind("length", {Lit(Str("x"))});
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->return_type, DataType::Int32());
}

TEST(StringFunction, Replace) {
  EXPECT_EQ(CallText("replace", {Str("ABCabc"), Str("abc"), Str("DEF")}), "ABCDEF");
  EXPECT_EQ(CallText("replace", {Str("aaa"), Str("a")}), "");
  EXPECT_EQ(CallText("replace", {Str("abc"), Str(""), Str("x")}), "abc");
  EXPECT_EQ(CallText("replace", {Str("aaaa"), Str("aa"), Str("b")}), "bb");
}

TEST(StringFunction, PadTruncatesOrPads) {
  EXPECT_EQ(CallText("lpad", {Str("hi"), Int(5), Str("??")}), "???hi");
  EXPECT_EQ(CallText("lpad", {Str("hi"), Int(1), Str("??")}), "h");
  EXPECT_EQ(CallText("lpad", {Str("hi"), Int(5)}), "   hi");
  EXPECT_EQ(CallText("rpad", {Str("hi"), Int(5), Str("??")}), "hi???");
  EXPECT_EQ(CallText("rpad", {Str("hi"), Int(1)}), "h");
  EXPECT_EQ(CallText("lpad", {Str("hi"), Int(-1), Str("x")}), "");
  EXPECT_EQ(CallText("lpad", {Str("hi"), Int(5), Str("")}), "hi");
  EXPECT_EQ(CallText("rpad", {Str("é"), Int(3), Str("ü")}), "éüü");
}

TEST(StringFunction, ReverseAndRepeat) {
  EXPECT_EQ(CallText("reverse", {Str("Spark SQL")}), "LQS krapS");
  EXPECT_EQ(CallText("reverse", {Str("héllo")}), "olléh");
  EXPECT_EQ(CallText("repeat", {Str("123"), Int(2)}), "123123");
  EXPECT_EQ(CallText("repeat", {Str("a"), Int(0)}), "");
  EXPECT_EQ(CallText("repeat", {Str("a"), Int(-1)}), "");
}

TEST(StringFunction, InstrAndLocate) {
  EXPECT_EQ(CallText("instr", {Str("SparkSQL"), Str("SQL")}), "6");
  EXPECT_EQ(CallText("instr", {Str("abc"), Str("z")}), "0");
  EXPECT_EQ(CallText("instr", {Str("héllo"), Str("l")}), "3");
  EXPECT_EQ(CallText("instr", {Str("abc"), Str("")}), "1");
  EXPECT_EQ(CallText("locate", {Str("bar"), Str("foobarbar")}), "4");
  EXPECT_EQ(CallText("locate", {Str("bar"), Str("foobarbar"), Int(5)}), "7");
  EXPECT_EQ(CallText("position", {Str("bar"), Str("foobarbar"), Int(0)}), "0");
  // A NULL start position gives 0, not NULL (Spark follows Hive here).
  EXPECT_EQ(CallText("locate", {Str("bar"), Str("foobarbar"), NullOf(DataType::Int32())}), "0");
  EXPECT_EQ(CallText("locate", {NullOf(DataType::String()), Str("foobarbar")}), "NULL");
}

TEST(StringFunction, BindErrors) {
  EXPECT_EQ(BindError("substring", {Lit(Str("a"))}),
            "substring(str, pos[, len]) takes 2 or 3 arguments, got 1");
  EXPECT_EQ(BindError("lower", {Lit(Str("a")), Lit(Str("b"))}),
            "lower(str) takes 1 argument, got 2");
  EXPECT_EQ(BindError("lower", {Vec(MakeStringLists({std::nullopt}))}),
            "lower: argument 1 must be a string, found ARRAY<STRING>");
  EXPECT_EQ(BindError("substring", {Lit(Str("abc")), Lit(Day("2024-01-01"))}),
            "substring: pos must be an integer, found DATE");
  EXPECT_EQ(BindError("concat_ws", {}),
            "concat_ws(sep, str | array<str>, ...) takes at least 1 argument, got 0");
  EXPECT_THAT(BindError("concat", {Lit(Str("a")), Vec(MakeStringLists({std::nullopt}))}),
              HasSubstr("concat: argument 2 must be a string"));
}

TEST(StringFunction, SplitRespectsSelection) {
  auto r = Evaluate("split", {Col({Str("a,b"), Str("skip"), Str("c")}), Lit(Str(","))}, 0,
                    SelectionVector::Of({0, 2}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(*ListAt(*r->out, 0), ElementsAre("a", "b"));
  EXPECT_THAT(*ListAt(*r->out, 2), ElementsAre("c"));
}

TEST(StringFunction, SplitUnicodeOnEmptyRegex) {
  EXPECT_THAT(*Split({Str("hé!"), Str("")}), ElementsAre("h", "é", "!"));
}

TEST(StringFunction, ConcatWsArrayOfNumbers) {
  auto list = std::make_shared<Vector>(DataType::List(DataType::Int32()));
  list->list_child().Append<int32_t>(1);
  list->list_child().AppendNull();
  list->list_child().Append<int32_t>(3);
  list->AppendListEnd();
  auto r = Evaluate("concat_ws", {Lit(Str("+")), Vec(list)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "1+3");
}

TEST(StringFunction, LengthOfBytesCountsBytes) {
  auto r = Evaluate("length", {Col({Str("hé")}, DataType::Bytes())});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).int64(), 3);
}

TEST(StringFunction, SubstringWithPerRowPositions) {
  auto r = Evaluate("substring", {Lit(Str("Spark SQL")), Col({Int(1), Int(-3), Null()}),
                                  Col({Int(5), Int(2), Int(1)})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "Spark");
  EXPECT_EQ(ValueAt(*r->out, 1).string(), "SQ");
  EXPECT_TRUE(r->out->IsNull(2));
}

TEST(StringFunction, PadRepeatsAPartialPad) {
  EXPECT_EQ(CallText("lpad", {Str("abc"), Int(8), Str("xy")}), "xyxyxabc");
  EXPECT_EQ(CallText("rpad", {Str("abc"), Int(6), Str("xy")}), "abcxyx");
  EXPECT_EQ(CallText("lpad", {Str("abc"), NullOf(DataType::Int32())}), "NULL");
}

TEST(StringFunction, NullSecondArgumentsPropagate) {
  EXPECT_EQ(CallText("trim", {Str("abc"), NullOf(DataType::String())}), "NULL");
  EXPECT_EQ(CallText("replace", {Str("abc"), Str("b"), NullOf(DataType::String())}), "NULL");
  EXPECT_EQ(CallText("repeat", {Str("abc"), NullOf(DataType::Int32())}), "NULL");
  EXPECT_EQ(CallText("instr", {Str("abc"), NullOf(DataType::String())}), "NULL");
}

TEST(StringFunction, EmptyStrings) {
  EXPECT_EQ(CallText("initcap", {Str("")}), "");
  EXPECT_EQ(CallText("reverse", {Str("")}), "");
  EXPECT_EQ(CallText("substring", {Str(""), Int(1), Int(2)}), "");
  EXPECT_EQ(CallText("upper", {Str("")}), "");
}

}  // namespace
}  // namespace sluice::test
