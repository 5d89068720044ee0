// Rows → JSON objects: types, escaping, invalid UTF-8, nulls, nesting.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <cmath>

#include "format/json_encoder.h"
#include "test_columns.h"

namespace sluice {
namespace {

std::string Encode(const Schema& schema, const Batch& batch, size_t row,
                   JsonEncodeOptions options = {}) {
  JsonEncoder encoder(schema, options);
  std::string out;
  encoder.AppendRow(batch, row, out);
  return out;
}

std::string EscapeOne(std::string_view text) {
  std::string out;
  AppendJsonString(text, out);
  return out;
}

TEST(JsonEncoderTest, FlatRowWithEveryScalarType) {
  Schema schema({{"id", DataType::Int32(), true},
                 {"name", DataType::String(), true},
                 {"cashback", DataType::Decimal(10, 2), true},
                 {"score", DataType::Float64(), true},
                 {"ok", DataType::Boolean(), true},
                 {"big", DataType::Int64(), true}});
  Batch batch = test::MakeBatch({test::Ints({1}), test::Strings({"alice"}),
                                 test::Decimals(10, 2, {9900}), test::Doubles({99}),
                                 test::Bools({1}), test::Longs({1234567890123LL})});
  EXPECT_EQ(Encode(schema, batch, 0),
            R"({"id":1,"name":"alice","cashback":99.00,"score":99.0,"ok":true,)"
            R"("big":1234567890123})");
}

TEST(JsonEncoderTest, NullsAreWrittenOrLeftOut) {
  Schema schema({{"a", DataType::Int32(), true}, {"b", DataType::String(), true}});
  Batch batch = test::MakeBatch({test::Ints({std::nullopt}), test::Strings({"x"})});
  EXPECT_EQ(Encode(schema, batch, 0), R"({"a":null,"b":"x"})");
  JsonEncodeOptions omit;
  omit.omit_null_fields = true;
  EXPECT_EQ(Encode(schema, batch, 0, omit), R"({"b":"x"})");
}

TEST(JsonEncoderTest, StringEscaping) {
  EXPECT_EQ(EscapeOne("plain"), R"("plain")");
  EXPECT_EQ(EscapeOne("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(EscapeOne("back\\slash"), R"("back\\slash")");
  EXPECT_EQ(EscapeOne("a\nb\tc\rd"), R"("a\nb\tc\rd")");
  EXPECT_EQ(EscapeOne(std::string("\x01\x1f\b\f", 4)), R"("\u0001\u001f\b\f")");
  EXPECT_EQ(EscapeOne(std::string("nul\0x", 5)), R"("nul\u0000x")");
  EXPECT_EQ(EscapeOne("/ and \x7f stay"), "\"/ and \x7f stay\"");
}

TEST(JsonEncoderTest, ValidUtf8IsKeptInvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(EscapeOne("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(EscapeOne("a\xff" "b"), "\"a" + fffd + "b\"");
  EXPECT_EQ(EscapeOne("\xc3"), "\"" + fffd + "\"");               // truncated sequence
  EXPECT_EQ(EscapeOne("\xc0\xaf"), "\"" + fffd + fffd + "\"");    // overlong '/'
  EXPECT_EQ(EscapeOne("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\"");  // surrogate
}

TEST(JsonEncoderTest, EveryByteGivesValidJsonThatDecodesBack) {
  simdjson::dom::parser parser;
  for (int b = 0; b < 256; ++b) {
    std::string text = "x";
    text.push_back(static_cast<char>(b));
    text += "y";
    std::string json = EscapeOne(text);
    std::string_view decoded;
    ASSERT_EQ(parser.parse(json).get_string().get(decoded), simdjson::SUCCESS) << "byte " << b;
    if (b < 0x80) {
      EXPECT_EQ(decoded, text) << "byte " << b;
    } else {
      EXPECT_EQ(decoded, "x\xef\xbf\xbdy") << "byte " << b;
    }
  }
}

TEST(JsonEncoderTest, TimestampsInSparkToJsonFormByDefaultOrSqlForm) {
  Schema schema({{"ts", DataType::Timestamp(), true}, {"d", DataType::Date(), true}});
  Batch batch = test::MakeBatch(
      {test::Timestamps({"2024-03-01 12:30:45.5"}), test::Dates({"2024-03-01"})});
  EXPECT_EQ(Encode(schema, batch, 0), R"({"ts":"2024-03-01T12:30:45.500Z","d":"2024-03-01"})");
  JsonEncodeOptions sql;
  sql.timestamp_format = JsonTimestampFormat::kSql;
  EXPECT_EQ(Encode(schema, batch, 0, sql), R"({"ts":"2024-03-01 12:30:45.5","d":"2024-03-01"})");
}

TEST(JsonEncoderTest, NestedStructsAndArrays) {
  DataType item = DataType::Struct({{"name", DataType::String(), true},
                                    {"qty", DataType::Int32(), true}});
  Schema schema({{"items", DataType::List(item), true},
                 {"tags", DataType::List(DataType::String()), true}});
  auto items = std::make_shared<Vector>(DataType::List(item));
  Vector& element = items->list_child();
  element.child(0).AppendString("chair");
  element.child(1).Append<int32_t>(2);
  element.Resize(1);
  element.child(0).AppendString("desk");
  element.child(1).AppendNull();
  element.Resize(2);
  items->AppendListEnd();
  auto tags = std::make_shared<Vector>(DataType::List(DataType::String()));
  tags->list_child().AppendString("a");
  tags->list_child().AppendNull();
  tags->AppendListEnd();
  Batch batch = test::MakeBatch({items, tags});
  EXPECT_EQ(Encode(schema, batch, 0),
            R"({"items":[{"name":"chair","qty":2},{"name":"desk","qty":null}],"tags":["a",null]})");
  JsonEncodeOptions omit;
  omit.omit_null_fields = true;  // inside structs too, but never inside arrays
  EXPECT_EQ(Encode(schema, batch, 0, omit),
            R"({"items":[{"name":"chair","qty":2},{"name":"desk"}],"tags":["a",null]})");
}

TEST(JsonEncoderTest, NonFiniteDoublesAreStrings) {
  Schema schema({{"x", DataType::Float64(), true}});
  Batch batch = test::MakeBatch({test::Doubles({std::nan(""), -HUGE_VAL, 1e-5})});
  EXPECT_EQ(Encode(schema, batch, 0), R"({"x":"NaN"})");
  EXPECT_EQ(Encode(schema, batch, 1), R"({"x":"-Infinity"})");
  EXPECT_EQ(Encode(schema, batch, 2), R"({"x":1.0E-5})");
}

TEST(JsonEncoderTest, BytesAsBase64) {
  Schema schema({{"b", DataType::Bytes(), true}});
  auto bytes = std::make_shared<Vector>(DataType::Bytes());
  bytes->AppendString("hi");
  bytes->AppendString("abc");
  bytes->AppendString("");
  Batch batch = test::MakeBatch({bytes});
  EXPECT_EQ(Encode(schema, batch, 0), R"({"b":"aGk="})");
  EXPECT_EQ(Encode(schema, batch, 1), R"({"b":"YWJj"})");
  EXPECT_EQ(Encode(schema, batch, 2), R"({"b":""})");
}

TEST(JsonEncoderTest, FieldNamesAreEscapedAndRowsAppend) {
  Schema schema({{"we\"ird", DataType::Int32(), true}});
  Batch batch = test::MakeBatch({test::Ints({1, 2})});
  JsonEncoder encoder(schema);
  std::string out;
  encoder.AppendRow(batch, 0, out);
  out.push_back('\n');
  encoder.AppendRow(batch, 1, out);
  EXPECT_EQ(out, "{\"we\\\"ird\":1}\n{\"we\\\"ird\":2}");
}

TEST(JsonEncoderTest, ColumnsOutsideABatch) {
  Schema schema({{"a", DataType::Int32(), true}, {"b", DataType::String(), true}});
  auto a = test::Ints({5});
  auto b = test::Strings({"q"});
  JsonEncoder encoder(schema);
  std::string out;
  encoder.AppendRow({a.get(), b.get()}, 0, out);
  EXPECT_EQ(out, R"({"a":5,"b":"q"})");
}

}  // namespace
}  // namespace sluice
