// to_json, from_json, get_json_object, and the schema strings from_json takes.
#include <gtest/gtest.h>

#include "function/function_registry.h"
#include "test_columns.h"
#include "types/type_parser.h"

namespace sluice {
namespace {

// Binds `name` for the argument columns (with literal values for constants) and runs it.
Result<VectorPtr> Call(const std::string& name, const std::vector<VectorPtr>& args,
                       const std::vector<const Value*>& constants = {},
                       SelectionVector selection = SelectionVector::All()) {
  const ScalarFunction* fn = FunctionRegistry::Builtin().Find(name);
  if (fn == nullptr) return Status::NotFound("no function {}", name);
  BindArguments bind;
  for (const auto& a : args) bind.types.push_back(a->type());
  bind.constants = constants;
  bind.constants.resize(args.size(), nullptr);
  SLUICE_ASSIGN_OR_RETURN(BoundFunction bound, fn->bind(bind));
  auto out = std::make_shared<Vector>(bound.return_type);
  EvalContext eval;
  KernelContext ctx{selection, args.empty() ? 0 : args[0]->size(), eval};
  SLUICE_RETURN_NOT_OK(bound.kernel(args, ctx, *out));
  return out;
}

VectorPtr Repeat(const std::string& text, size_t n) {
  std::vector<std::optional<std::string>> values(n, text);
  return test::Strings(values);
}

VectorPtr PairStruct() {
  auto v = std::make_shared<Vector>(
      DataType::Struct({{"a", DataType::Int32(), true}, {"b", DataType::String(), true}}));
  v->child(0).Append<int32_t>(1);
  v->child(1).AppendString("x");
  v->Resize(1);
  v->child(0).AppendNull();
  v->child(1).AppendString("y");
  v->Resize(2);
  v->AppendNull();  // a NULL struct
  return v;
}

TEST(JsonFunctionsTest, ToJsonOfAStructLeavesOutNullFieldsLikeSpark) {
  auto result = Call("to_json", {PairStruct()});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Vector& out = **result;
  EXPECT_EQ(out.type(), DataType::String());
  EXPECT_EQ(out.Get<std::string_view>(0), R"({"a":1,"b":"x"})");
  EXPECT_EQ(out.Get<std::string_view>(1), R"({"b":"y"})");
  EXPECT_TRUE(out.IsNull(2));
}

TEST(JsonFunctionsTest, ToJsonOfAnArrayAndOfTimestamps) {
  auto list = std::make_shared<Vector>(DataType::List(DataType::Timestamp()));
  list->list_child().Append<int64_t>(*ParseTimestamp("2024-03-01 12:30:45"));
  list->list_child().AppendNull();
  list->AppendListEnd();
  auto result = Call("to_json", {list});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)->Get<std::string_view>(0), R"(["2024-03-01T12:30:45.000Z",null])");
}

TEST(JsonFunctionsTest, ToJsonRejectsScalars) {
  auto result = Call("to_json", {test::Ints({1})});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("ROW or ARRAY"), std::string::npos);
}

TEST(JsonFunctionsTest, FromJsonDecodesIntoAStruct) {
  Value schema = Value::String("a INT, b STRING");
  auto text = test::Strings({R"({"a": 7, "b": "seven"})", R"({"b":"only b"})"});
  auto result = Call("from_json", {text, Repeat("a INT, b STRING", 2)}, {nullptr, &schema});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Vector& out = **result;
  EXPECT_EQ(out.type().ToString(), "ROW<a INT, b STRING>");
  ASSERT_EQ(out.size(), 2u);
  ASSERT_EQ(out.child(0).size(), 2u);
  EXPECT_EQ(out.child(0).Get<int32_t>(0), 7);
  EXPECT_EQ(out.child(1).Get<std::string_view>(0), "seven");
  EXPECT_FALSE(out.IsNull(1));
  EXPECT_TRUE(out.child(0).IsNull(1));
  EXPECT_EQ(out.child(1).Get<std::string_view>(1), "only b");
}

TEST(JsonFunctionsTest, FromJsonOfUnfitTextIsARowOfNulls) {
  // Spark's PERMISSIVE mode: text that is not a JSON object, or whose field does not fit, is a
  // row whose fields are NULL; only NULL or blank text is NULL.
  Value schema = Value::String("a INT");
  auto text = test::Strings({"{not json", std::nullopt, R"({"a":"x"})", "[1]", R"({"a":2})", " "});
  auto result = Call("from_json", {text, Repeat("a INT", 6)}, {nullptr, &schema});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Vector& out = **result;
  for (size_t row : {0, 2, 3}) {
    EXPECT_FALSE(out.IsNull(row)) << row;
    EXPECT_TRUE(out.child(0).IsNull(row)) << row;
  }
  EXPECT_TRUE(out.IsNull(1));
  EXPECT_TRUE(out.IsNull(5));
  EXPECT_FALSE(out.IsNull(4));
  EXPECT_EQ(out.child(0).Get<int32_t>(4), 2);
}

TEST(JsonFunctionsTest, FromJsonNestedTypesAndOnlyLiveRows) {
  Value schema = Value::String("ROW<amount DECIMAL(10,2), tags ARRAY<STRING>, s ROW<x DOUBLE>>");
  auto text = test::Strings({R"({"amount": 12.5, "tags": ["a","b"], "s": {"x": 1.5}})",
                             R"({"amount": 1})", R"({"tags": []})"});
  auto result = Call("from_json", {text, Repeat("", 3)}, {nullptr, &schema},
                     SelectionVector::Of({0, 2}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Vector& out = **result;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.child(0).Get<int64_t>(0), 1250);
  EXPECT_EQ(out.child(1).offsets()[1] - out.child(1).offsets()[0], 2u);
  EXPECT_EQ(out.child(2).child(0).Get<double>(0), 1.5);
  EXPECT_TRUE(out.IsNull(1)) << "not a live row";
  EXPECT_FALSE(out.IsNull(2));
  EXPECT_TRUE(out.child(0).IsNull(2));
  EXPECT_EQ(out.child(2).size(), 3u);
}

TEST(JsonFunctionsTest, FromJsonNeedsALiteralValidSchema) {
  auto text = test::Strings({"{}"});
  auto no_literal = Call("from_json", {text, Repeat("a INT", 1)});
  ASSERT_FALSE(no_literal.ok());
  EXPECT_NE(no_literal.status().message().find("string literal"), std::string::npos);
  Value bad = Value::String("a INTEGR");
  auto bad_type = Call("from_json", {text, Repeat("a INTEGR", 1)}, {nullptr, &bad});
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.status().message(),
            "from_json: type 'a INTEGR': unknown type 'INTEGR' at position 3");
}

TEST(JsonFunctionsTest, ToJsonOfFromJsonRoundTrips) {
  Value schema = Value::String("id INT, name STRING, ts TIMESTAMP");
  auto text = test::Strings({R"({"id":1,"name":"a\"b","ts":"2024-03-01T12:30:45.000Z"})"});
  auto parsed = Call("from_json", {text, Repeat("", 1)}, {nullptr, &schema});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto back = Call("to_json", {*parsed});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->Get<std::string_view>(0),
            R"({"id":1,"name":"a\"b","ts":"2024-03-01T12:30:45.000Z"})");
}

TEST(JsonFunctionsTest, GetJsonObject) {
  const std::string doc = R"({"a":{"b":1,"c":"text","d":[10,{"e":true}],"n":null},"k y":2.5})";
  auto text = test::Strings({doc, "{bad", std::nullopt});
  auto get = [&](const std::string& path) -> std::optional<std::string> {
    Value p = Value::String(path);
    auto r = Call("get_json_object", {text, Repeat(path, 3)}, {nullptr, &p});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE((*r)->IsNull(1)) << "invalid JSON";
    EXPECT_TRUE((*r)->IsNull(2)) << "NULL input";
    if ((*r)->IsNull(0)) return std::nullopt;
    return std::string((*r)->Get<std::string_view>(0));
  };
  EXPECT_EQ(get("$.a.b"), "1");
  EXPECT_EQ(get("$.a.c"), "text");
  EXPECT_EQ(get("$.a.d[0]"), "10");
  EXPECT_EQ(get("$.a.d[1]"), R"({"e":true})");
  EXPECT_EQ(get("$.a.d[1].e"), "true");
  EXPECT_EQ(get("$['k y']"), "2.5");
  EXPECT_EQ(get("$.a.n"), std::nullopt);
  EXPECT_EQ(get("$.missing"), std::nullopt);
  EXPECT_EQ(get("$.a.d[5]"), std::nullopt);
  // A path Spark cannot read ('a.b' lacks the '$') is NULL for every row, as in Spark.
  Value bad = Value::String("a.b");
  auto none = Call("get_json_object", {text, Repeat("a.b", 3)}, {nullptr, &bad});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE((*none)->IsNull(0));
}

TEST(TypeParserJsonSchemaTest, ScalarTypes) {
  auto type = [](std::string_view text) {
    auto r = ParseDataType(text);
    return r.ok() ? r->ToString() : "error: " + r.status().message();
  };
  EXPECT_EQ(type("int"), "INT");
  EXPECT_EQ(type("BIGINT"), "BIGINT");
  EXPECT_EQ(type("Decimal(10, 2)"), "DECIMAL(10,2)");
  EXPECT_EQ(type("DECIMAL"), "DECIMAL(10,0)");
  EXPECT_EQ(type("VARCHAR(20)"), "STRING");
  EXPECT_EQ(type("TIMESTAMP(3)"), "TIMESTAMP");
  EXPECT_EQ(type("TIMESTAMP WITHOUT TIME ZONE"), "TIMESTAMP");
  EXPECT_EQ(type("double precision"), "DOUBLE");
  EXPECT_EQ(type("ARRAY<ROW<a INT>>"), "ARRAY<ROW<a INT>>");
  EXPECT_EQ(type("DECIMAL(38,2)"), "DECIMAL(38,2)");
  EXPECT_EQ(type("DECIMAL(39,2)").substr(0, 6), "error:");
}

TEST(TypeParserJsonSchemaTest, StructSpellings) {
  auto a = ParseStructType("a INT, b STRING");
  auto b = ParseStructType("ROW<a INT, b STRING>");
  auto c = ParseStructType("struct<a:int,b:string>");
  auto d = ParseStructType("ROW(a INT, b STRING)");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(*a, *d);
  auto e = ParseStructType("`weird name` INT NOT NULL, `row` STRING");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->fields()[0].name, "weird name");
  EXPECT_FALSE(e->fields()[0].nullable);
  EXPECT_EQ(e->fields()[1].name, "row");
}

TEST(TypeParserJsonSchemaTest, ErrorsSayWhereAndWhat) {
  auto trailing = ParseStructType("a INT b");
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.status().message(),
            "type 'a INT b': expected the end of the type at position 7, found 'b'");
  std::string deep;
  for (int i = 0; i < 33000; ++i) deep += "ARRAY<";
  deep += "INT" + std::string(33000, '>');
  auto too_deep = ParseDataType(deep);  // was a stack overflow
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.status().message(), "type nested more than 100 levels deep at position 601");
  std::string ok;
  for (int i = 0; i < 50; ++i) ok += "ARRAY<";
  EXPECT_TRUE(ParseDataType(ok + "INT" + std::string(50, '>')).ok());
  auto unclosed = ParseDataType("ARRAY<INT");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.status().message(), "type 'ARRAY<INT': expected '>' at the end");
  EXPECT_FALSE(ParseStructType("").ok());
  EXPECT_FALSE(ParseStructType("a INT, a STRING").ok());
  EXPECT_TRUE(ParseDataType("MAP<STRING, INT>").ok());
  auto double_key = ParseDataType("MAP<DOUBLE, INT>");
  ASSERT_FALSE(double_key.ok());
  EXPECT_NE(double_key.status().message().find("keys can be STRING, INT or BIGINT"), std::string::npos);
}

}  // namespace
}  // namespace sluice
