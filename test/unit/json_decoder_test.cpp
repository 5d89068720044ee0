// JSON → columns: coercions, per-record errors that leave the batch untouched, hostile input.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "format/json_decoder.h"
#include "format/value_text.h"
#include "types/type_parser.h"
#include "types/decimal.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

Schema CashbackSchema() {
  return Schema({{"transaction_id", DataType::String(), true},
                 {"customer_id", DataType::String(), false},
                 {"timestamp", DataType::Timestamp(), false},
                 {"product_id", DataType::String(), true},
                 {"amount", DataType::Int32(), true},
                 {"merchant_id", DataType::String(), true}});
}

class JsonDecoderTest : public ::testing::Test {
 protected:
  void Use(Schema schema) {
    decoder_ = std::make_unique<JsonDecoder>(schema);
    batch_ = Batch::Empty(schema);
  }
  Status Decode(std::string_view doc) { return decoder_->DecodeRow(doc, batch_); }
  // `reason` ending in '*' is a prefix.
  void ExpectRejected(std::string_view doc, std::string_view reason) {
    size_t rows = batch_.num_rows();
    Status s = Decode(doc);
    ASSERT_FALSE(s.ok()) << doc;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    if (!reason.empty() && reason.back() == '*') {
      reason.remove_suffix(1);
      EXPECT_EQ(s.message().substr(0, reason.size()), reason) << doc;
    } else {
      EXPECT_EQ(s.message(), reason) << doc;
    }
    EXPECT_EQ(batch_.num_rows(), rows);
    for (size_t i = 0; i < batch_.num_columns(); ++i) {
      EXPECT_EQ(batch_.column(i).size(), rows) << "column " << i << " after " << doc;
    }
  }

  std::unique_ptr<JsonDecoder> decoder_;
  Batch batch_;
};

TEST_F(JsonDecoderTest, CashbackRecordInAnyFieldOrder) {
  Use(CashbackSchema());
  ASSERT_TRUE(Decode(R"({"transaction_id":"trans_1","customer_id":"cust_3",)"
                     R"("timestamp":"2024-03-01 12:30:45","product_id":"prod_7","amount":730,)"
                     R"("merchant_id":"merch_1"})")
                  .ok());
  ASSERT_TRUE(Decode(R"({"merchant_id":"merch_2","amount":100,"extra":{"x":[1,2]},)"
                     R"("timestamp":"2024-03-01T00:00:00Z","customer_id":"cust_1"})")
                  .ok());
  ASSERT_EQ(batch_.num_rows(), 2u);
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(0), "trans_1");
  EXPECT_EQ(batch_.column(1).Get<std::string_view>(0), "cust_3");
  EXPECT_EQ(FormatTimestamp(batch_.column(2).Get<int64_t>(0)), "2024-03-01 12:30:45");
  EXPECT_EQ(batch_.column(4).Get<int32_t>(0), 730);
  EXPECT_TRUE(batch_.column(0).IsNull(1));  // missing nullable field
  EXPECT_TRUE(batch_.column(3).IsNull(1));
  EXPECT_EQ(batch_.column(5).Get<std::string_view>(1), "merch_2");
  EXPECT_EQ(batch_.column(2).Get<int64_t>(1), DaysFromCivil(2024, 3, 1) * kMicrosPerDay);
}

TEST_F(JsonDecoderTest, MalformedRecordsAreRejectedWithReasons) {
  Use(CashbackSchema());
  ASSERT_TRUE(Decode(R"({"customer_id":"cust_1","timestamp":"2024-01-01 00:00:00"})").ok());
  ExpectRejected(R"({"timestamp":"2024-01-01 00:00:00","amount":5})",
                 "field 'customer_id' is missing");
  ExpectRejected(R"({"customer_id":null,"timestamp":"2024-01-01 00:00:00"})",
                 "field 'customer_id' is null");
  ExpectRejected(R"({"customer_id":"c","timestamp":"yesterday"})",
                 "field 'timestamp': expected a timestamp like 'YYYY-MM-DD HH:MM:SS', found "
                 "'yesterday'");
  ExpectRejected(R"({"customer_id":"c","timestamp":"2024-02-30 00:00:00"})",
                 "field 'timestamp': expected a timestamp like 'YYYY-MM-DD HH:MM:SS', found "
                 "'2024-02-30 00:00:00'");
  ExpectRejected(R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00","amount":"12"})",
                 "field 'amount': expected an integer, found a string");
  ExpectRejected(R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00","amount":12.5})",
                 "field 'amount': expected an integer, found 12.5");
  ExpectRejected(R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00","amount":3000000000})",
                 "field 'amount': 3000000000 does not fit in INT");
  ExpectRejected("this is not json",
                 "not JSON: unexpected 'this is not json' at byte 0, where a JSON object must "
                 "start");
  ExpectRejected("not json", "not JSON: unexpected 'not json' at byte 0, where a JSON object must start");
  ExpectRejected("  hello world",
                 "not JSON: unexpected 'hello world' at byte 2, where a JSON object must start");
  ExpectRejected("\xEF\xBB\xBF{\"customer_id\":\"c\"}",
                 "not JSON: a UTF-8 byte-order mark (EF BB BF) at byte 0, where a JSON object "
                 "must start");
  ExpectRejected(std::string_view("\0\0", 2), "not JSON: unexpected byte 0x00 at byte 0, where a JSON object must start");
  ExpectRejected("nul", "not JSON: unexpected 'nul' at byte 0, where a JSON object must start");
  ExpectRejected("null", "expected a JSON object, found null");
  ExpectRejected("null x", "not JSON: *");
  // Out of the TIMESTAMP range every sink and Spark take (0001-01-01 to 9999-12-31).
  ExpectRejected(R"({"customer_id":"c","timestamp":"0000-01-01 00:00:00"})",
                 "field 'timestamp': '0000-01-01 00:00:00' is outside the TIMESTAMP range "
                 "0001-01-01 to 9999-12-31");
  ExpectRejected(R"({"customer_id":"c","timestamp":1e300})",
                 "field 'timestamp': 1e300 seconds since 1970 is outside the TIMESTAMP range "
                 "0001-01-01 to 9999-12-31");
  ExpectRejected(R"({"customer_id":"c","timestamp":-1e11})",
                 "field 'timestamp': -1e11 seconds since 1970 is outside the TIMESTAMP range "
                 "0001-01-01 to 9999-12-31");
  ASSERT_TRUE(Decode(R"({"customer_id":"c","timestamp":-62135596800})").ok());  // 0001-01-01
  ASSERT_TRUE(Decode(R"({"customer_id":"c","timestamp":"9999-12-31 23:59:59.999999"})").ok());
  ExpectRejected("{\"customer_id\":", "not JSON: *");
  ExpectRejected("", "not JSON: the message is empty");
  ExpectRejected("[1,2]", "expected a JSON object, found an array");
  ExpectRejected(R"("pizza")", "expected a JSON object, found a string");
  ExpectRejected(R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00"} trailing)",
                 "not JSON: *");
  EXPECT_EQ(batch_.num_rows(), 3u);
  // The batch still decodes after the rejections.
  ASSERT_TRUE(Decode(R"({"customer_id":"cust_9","timestamp":"2024-01-01 00:00:01"})").ok());
  EXPECT_EQ(batch_.column(1).Get<std::string_view>(3), "cust_9");
}

// A key given twice: the last one wins (as in Spark), and every one must be valid, since a
// record with a bad value is malformed however it ends.
TEST_F(JsonDecoderTest, RepeatedKeysLastWinsAndEachMustBeValid) {
  Use(CashbackSchema());
  ASSERT_TRUE(Decode(R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00","amount":600,"amount":700})").ok());
  EXPECT_EQ(batch_.column(4).Get<int32_t>(0), 700);
  ASSERT_TRUE(Decode(R"({"customer_id":"a","customer_id":"b","timestamp":"2024-01-01 00:00:00","amount":null,"amount":5})").ok());
  EXPECT_EQ(batch_.column(1).Get<std::string_view>(1), "b");
  EXPECT_EQ(batch_.column(4).Get<int32_t>(1), 5);
  ExpectRejected(R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00","amount":"x","amount":700})",
                 "field 'amount': expected an integer, found a string");
  ASSERT_TRUE(Decode(R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00","amount":7,"amount":null})").ok());
  EXPECT_TRUE(batch_.column(4).IsNull(2));
  EXPECT_EQ(batch_.num_rows(), 3u);
}

// A field no query reads is skipped, but a record that is not JSON is malformed whatever is read
// from it (simdjson's On-Demand API skips without validating; the decoder checks what it skips).
TEST_F(JsonDecoderTest, InvalidJsonInSkippedFieldsIsRejected) {
  Use(CashbackSchema());
  const std::string head = R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00",)";
  ExpectRejected(head + R"("x":tru})",
                 "not JSON: unexpected 'tru' at byte 57 (in field 'x', which no query reads)");
  ExpectRejected(head + R"("x":01})",
                 "not JSON: a number with a leading zero at byte 58 (in field 'x', which no query "
                 "reads)");
  ExpectRejected(head + R"("x":"\q"})",
                 "not JSON: an invalid escape '\\q' at byte 58 (in field 'x', which no query "
                 "reads)");
  ExpectRejected(head + "\"x\":\"a\tb\"}", "not JSON: *");  // simdjson's own check finds it
  ExpectRejected(head + R"("x":{"a":[1,tru]}})",
                 "not JSON: unexpected 'tru' at byte 65 (in field 'x', which no query reads)");
  ExpectRejected(head + R"("x":[1 2]})", "not JSON: *");
  ExpectRejected(head + R"("x":-})", "not JSON: *");
  ExpectRejected(head + R"("x":1.})", "not JSON: *");
  ExpectRejected(head + R"("x":"\u12G4"})", "not JSON: *");
  // Valid JSON of every kind is skipped as before.
  ASSERT_TRUE(Decode(head + R"("x":{"a":[1,-0.5e+10,true,false,null,"\u00e9\n\"",{}],"b":[]},)"
                            R"("y":0,"z":"caf\u00e9 \/ \\"})")
                  .ok());
  std::string deep = head + R"("x":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  ASSERT_TRUE(Decode(deep).ok()) << "deep nesting is checked without recursion";
  EXPECT_EQ(batch_.num_rows(), 2u);
}

// Seed 003's records are JSON strings ("Joe's Pizza"): a table of one STRING column reads them
// as its value; any other table still wants an object.
TEST_F(JsonDecoderTest, AJsonStringFillsATableOfOneStringColumn) {
  Use(Schema({{"name", DataType::String(), true}}));
  ASSERT_TRUE(Decode(R"("Joe's Pizza")").ok());
  ASSERT_TRUE(Decode(R"(  "caf\u00e9 \"Le Bon\"" )").ok());
  ASSERT_TRUE(Decode(R"({"name":"Noodle Bar"})").ok());
  ASSERT_EQ(batch_.num_rows(), 3u);
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(0), "Joe's Pizza");
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(1), "caf\xc3\xa9 \"Le Bon\"");
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(2), "Noodle Bar");
  ExpectRejected(R"("unterminated)", "not JSON: *");
  ExpectRejected(R"("a" "b")", "not JSON: *");
  ExpectRejected("42", "expected a JSON object, found a number");
  Use(Schema({{"n", DataType::Int32(), true}}));
  ExpectRejected(R"("Joe's Pizza")", "expected a JSON object, found a string");
}

TEST_F(JsonDecoderTest, TruncatedDocumentsAreRejected) {
  Use(CashbackSchema());
  std::string doc = R"({"customer_id":"cust_1","timestamp":"2024-01-01 00:00:00","amount":700})";
  for (size_t cut = 1; cut < doc.size(); ++cut) {
    size_t rows = batch_.num_rows();
    Status s = Decode(doc.substr(0, cut));
    EXPECT_FALSE(s.ok()) << doc.substr(0, cut);
    EXPECT_EQ(batch_.num_rows(), rows);
  }
  EXPECT_TRUE(Decode(doc).ok());
}

TEST_F(JsonDecoderTest, InvalidUtf8IsRejected) {
  Use(CashbackSchema());
  std::string doc = "{\"customer_id\":\"cust_\xff\xfe\",\"timestamp\":\"2024-01-01 00:00:00\"}";
  Status s = Decode(doc);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("UTF-8"), std::string::npos) << s.message();
}

TEST_F(JsonDecoderTest, TenThousandDeepNestingIsNoCrash) {
  Use(CashbackSchema());
  std::string doc = R"({"customer_id":"c","timestamp":"2024-01-01 00:00:00","x":)";
  // Unbalanced: rejected.
  ExpectRejected(doc + std::string(10000, '[') + std::string(9999, ']') + "}", "not JSON: *");
  // Balanced, in a field nobody asked for: valid JSON, skipped without recursion.
  EXPECT_TRUE(Decode(doc + std::string(10000, '[') + std::string(10000, ']') + "}").ok());
  // Deeply nested objects in a field nobody asked for are valid JSON: skipped, no recursion.
  std::string objects = "{\"customer_id\":\"c\",\"timestamp\":\"2024-01-01 00:00:00\",\"x\":";
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10000, '}') + "}";
  EXPECT_TRUE(Decode(objects).ok());
  EXPECT_EQ(batch_.num_rows(), 2u);
}

TEST_F(JsonDecoderTest, TenMegabyteStringsDecode) {
  Use(CashbackSchema());
  std::string big(10 * 1024 * 1024, 'z');
  ASSERT_TRUE(Decode(R"({"customer_id":")" + big + R"(","timestamp":"2024-01-01 00:00:00"})").ok());
  EXPECT_EQ(batch_.column(1).Get<std::string_view>(0).size(), big.size());
}

TEST_F(JsonDecoderTest, EscapesAreUnescaped) {
  Use(CashbackSchema());
  ASSERT_TRUE(Decode(R"({"customer_id":"a\"b\\c\u00e9\n","timestamp":"2024-01-01 00:00:00",)"
                     R"("merch\u0061nt_id":"m"})")
                  .ok());
  EXPECT_EQ(batch_.column(1).Get<std::string_view>(0), "a\"b\\c\u00e9\n");
  EXPECT_EQ(batch_.column(5).Get<std::string_view>(0), "m");
}

// Keys are remembered per position and compared raw; escaped spellings of a remembered key, and
// keys that themselves hold a backslash or a quote, must still resolve to the right field.
TEST_F(JsonDecoderTest, RememberedKeysMatchEscapedSpellings) {
  Use(Schema({{"ab", DataType::Int32(), true},
              {"a\\", DataType::Int32(), true},
              {"a\"b", DataType::Int32(), true}}));
  ASSERT_TRUE(Decode(R"({"ab":1})").ok());
  ASSERT_TRUE(Decode(R"({"a\u0062":2})").ok());  // "ab" spelled with an escape
  ASSERT_TRUE(Decode(R"({"a\\":3})").ok());      // the key a\ at the remembered position
  ASSERT_TRUE(Decode(R"({"a\"b":4})").ok());     // raw bytes a\" begin like a\ followed by "
  ASSERT_TRUE(Decode(R"({"ab":5})").ok());
  ASSERT_EQ(batch_.num_rows(), 5u);
  const int32_t expected[5][3] = {{1, 0, 0}, {2, 0, 0}, {0, 3, 0}, {0, 0, 4}, {5, 0, 0}};
  for (size_t row = 0; row < 5; ++row) {
    for (size_t c = 0; c < 3; ++c) {
      if (expected[row][c] == 0) {
        EXPECT_TRUE(batch_.column(c).IsNull(row)) << row << " " << c;
      } else {
        ASSERT_FALSE(batch_.column(c).IsNull(row)) << row << " " << c;
        EXPECT_EQ(batch_.column(c).Get<int32_t>(row), expected[row][c]) << row << " " << c;
      }
    }
  }
}

TEST_F(JsonDecoderTest, RepeatedKeyLastOneWins) {
  Use(CashbackSchema());
  ASSERT_TRUE(Decode(R"({"customer_id":"first","timestamp":"2024-01-01 00:00:00",)"
                     R"("customer_id":"second"})")
                  .ok());
  EXPECT_EQ(batch_.column(1).size(), 1u);
  EXPECT_EQ(batch_.column(1).Get<std::string_view>(0), "second");
}

TEST_F(JsonDecoderTest, CoercionsSparkUsersRelyOn) {
  Use(Schema({{"account_number", DataType::String(), true},
              {"flag", DataType::String(), true},
              {"nested_as_text", DataType::String(), true},
              {"amount", DataType::Decimal(10, 2), true},
              {"transaction_date", DataType::Date(), true},
              {"ts", DataType::Timestamp(), true},
              {"ratio", DataType::Float64(), true},
              {"ok", DataType::Boolean(), true},
              {"big", DataType::Int64(), true}}));
  ASSERT_TRUE(Decode(R"({"account_number":1234567890,"flag":true,"nested_as_text":{"a":[1, 2]},)"
                     R"("amount":1234.565,"transaction_date":"2024-07-04","ts":1700000000,)"
                     R"("ratio":1e-3,"ok":false,"big":-9007199254740993})")
                  .ok());
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(0), "1234567890");
  EXPECT_EQ(batch_.column(1).Get<std::string_view>(0), "true");
  EXPECT_EQ(batch_.column(2).Get<std::string_view>(0), R"({"a":[1, 2]})");
  EXPECT_EQ(FormatDecimal(batch_.column(3).Get<Int128>(0), 2), "1234.57");  // half up
  EXPECT_EQ(FormatDate(batch_.column(4).Get<int32_t>(0)), "2024-07-04");
  EXPECT_EQ(FormatTimestamp(batch_.column(5).Get<int64_t>(0)), "2023-11-14 22:13:20");
  EXPECT_DOUBLE_EQ(batch_.column(6).Get<double>(0), 0.001);
  EXPECT_EQ(batch_.column(7).Get<uint8_t>(0), 0);
  EXPECT_EQ(batch_.column(8).Get<int64_t>(0), -9007199254740993LL);
  ExpectRejected(R"({"amount":123456789012})", "field 'amount': 123456789012 does not fit in DECIMAL(10,2)");
  ExpectRejected(R"({"transaction_date":"04/07/2024"})",
                 "field 'transaction_date': expected a date like 'YYYY-MM-DD', found '04/07/2024'");
}

// JSON carries bytes as base64 (Spark's from_json/to_json, Flink's JSON format); a BYTES column
// once took the text's own bytes, so a row did not survive its own encoding (found by the
// json_decoder fuzz target's round trip).
// The last second of 9999 is the last a number of seconds may name (the json_decoder fuzz target
// found 253402300800 taken as 10000-01-01: the bound, as a double, had rounded up).
TEST_F(JsonDecoderTest, SecondsSince1970EndWithYear9999) {
  Use(Schema({{"ts", DataType::Timestamp(), true}}));
  ASSERT_TRUE(Decode(R"({"ts":253402300799})").ok());
  EXPECT_EQ(FormatTimestamp(batch_.column(0).Get<int64_t>(0)), "9999-12-31 23:59:59");
  ExpectRejected(R"({"ts":253402300800})", "field 'ts': 253402300800 seconds since 1970 is outside*");
  ExpectRejected(R"({"ts":-62135596801})", "field 'ts': -62135596801 seconds since 1970 is outside*");
}

TEST_F(JsonDecoderTest, BytesAreBase64Text) {
  Use(Schema({{"raw", DataType::Bytes(), true}}));
  ASSERT_TRUE(Decode(R"({"raw":"aGVsbG8="})").ok());
  ASSERT_TRUE(Decode(R"({"raw":""})").ok());
  ASSERT_TRUE(Decode(R"({"raw":"AP8="})").ok());
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(0), "hello");
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(1), "");
  EXPECT_EQ(batch_.column(0).Get<std::string_view>(2), std::string_view("\x00\xff", 2));
  ExpectRejected(R"({"raw":"hello"})", "field 'raw': 'hello' is not base64 text");
  ExpectRejected(R"({"raw":12})", "field 'raw': expected a base64 string, found a number*");
}

TEST_F(JsonDecoderTest, FinanceRecordWithNestedStructAndArray) {
  DataType item = DataType::Struct({{"item_id", DataType::String(), true},
                                    {"product_name", DataType::String(), true},
                                    {"quantity", DataType::Int32(), true},
                                    {"unit_price", DataType::Decimal(10, 2), true}});
  DataType shipping = DataType::Struct({{"address", DataType::String(), true},
                                        {"shipping_method", DataType::String(), true},
                                        {"shipping_cost", DataType::Decimal(10, 2), true}});
  Use(Schema({{"transaction_id", DataType::String(), false},
              {"transaction_items", DataType::List(item), true},
              {"shipping_info", shipping, true}}));
  ASSERT_TRUE(Decode(R"({"transaction_id":"t1","transaction_items":[)"
                     R"({"item_id":"i1","product_name":"Lamp","quantity":2,"unit_price":19.99},)"
                     R"({"item_id":"i2","product_name":"Desk","quantity":1,"unit_price":250}],)"
                     R"("shipping_info":{"address":"1 Main St","shipping_method":"Express",)"
                     R"("shipping_cost":12.5}})")
                  .ok());
  ASSERT_TRUE(Decode(R"({"transaction_id":"t2","transaction_items":[],"shipping_info":null})").ok());
  // A bad element deep inside rolls the whole row back, nested children included.
  ExpectRejected(R"({"transaction_id":"t3","transaction_items":[{"item_id":"i9","quantity":1},)"
                 R"({"item_id":"i10","quantity":"two"}]})",
                 "field 'transaction_items[1].quantity': expected an integer, found a string");
  ASSERT_TRUE(Decode(R"({"transaction_id":"t4","transaction_items":[{"item_id":"i5"}]})").ok());

  ASSERT_EQ(batch_.num_rows(), 3u);
  const Vector& items = batch_.column(1);
  EXPECT_EQ(items.offsets()[0], 0u);
  EXPECT_EQ(items.offsets()[1], 2u);
  EXPECT_EQ(items.offsets()[2], 2u);
  EXPECT_EQ(items.offsets()[3], 3u);
  const Vector& elements = items.list_child();
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements.child(1).Get<std::string_view>(1), "Desk");
  EXPECT_EQ(elements.child(2).Get<int32_t>(0), 2);
  EXPECT_EQ(FormatDecimal(elements.child(3).Get<Int128>(1), 2), "250.00");
  EXPECT_EQ(elements.child(0).Get<std::string_view>(2), "i5");
  EXPECT_TRUE(elements.child(2).IsNull(2));
  const Vector& ship = batch_.column(2);
  EXPECT_EQ(ship.size(), 3u);
  EXPECT_EQ(ship.child(1).Get<std::string_view>(0), "Express");
  EXPECT_TRUE(ship.IsNull(1));
  EXPECT_TRUE(ship.IsNull(2));
  EXPECT_EQ(ship.child(0).size(), 3u);
}

TEST(Timestamp, ParsesTheFormatsSparkUsersSend) {
  EXPECT_EQ(ParseTimestamp("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:01.5Z"), 1'500'000);
  EXPECT_EQ(ParseTimestamp("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseTimestamp("1969-12-31 23:59:59"), -1'000'000);
  EXPECT_EQ(ParseTimestamp("2024-02-29"), int64_t{DaysFromCivil(2024, 2, 29)} * kMicrosPerDay);
  EXPECT_FALSE(ParseTimestamp("2023-02-29 00:00:00"));
  EXPECT_FALSE(ParseTimestamp("2024-01-01 24:00:00"));
  EXPECT_FALSE(ParseTimestamp("2024-01-01 10:00:00 junk"));
  EXPECT_FALSE(ParseTimestamp(""));
  EXPECT_EQ(FormatTimestamp(-1'000'000), "1969-12-31 23:59:59");
  EXPECT_EQ(FormatTimestamp(1'500'000), "1970-01-01 00:00:01.5");
}

// Years as Spark reads and writes them outside 0000..9999: a sign and 4 to 7 digits. What sluice
// prints reads back (the value_text fuzz target found '+10000-01-01 00:30:00' did not).
TEST(Timestamp, SignedYearsReadBackAsPrinted) {
  const int64_t after_9999 = *ParseTimestamp("9999-12-31 23:30:00-01:00");
  EXPECT_EQ(FormatTimestamp(after_9999), "+10000-01-01 00:30:00");
  EXPECT_EQ(ParseTimestamp("+10000-01-01 00:30:00"), after_9999);
  EXPECT_EQ(ParseDate("-0044-03-15"), DaysFromCivil(-44, 3, 15));
  EXPECT_EQ(FormatDate(*ParseDate("-0044-03-15")), "-0044-03-15");
  EXPECT_EQ(ParseDate("+5881580-07-11"), std::numeric_limits<int32_t>::max());  // Spark's last DATE
  EXPECT_FALSE(ParseDate("+5881580-07-12"));
  EXPECT_FALSE(ParseDate("12345678-01-01"));
  EXPECT_FALSE(ParseDate("999-01-01"));
  EXPECT_FALSE(ParseTimestamp("+294248-01-01 00:00:00"));  // beyond int64 microseconds
  EXPECT_FALSE(ParseDate("+10000-02-30"));
}

TEST(Decimal, ParsesExactlyAndRoundsHalfAwayFromZero) {
  EXPECT_EQ(ParseDecimal("105", 10, 2), 10500);
  EXPECT_EQ(ParseDecimal("-0.005", 10, 2), -1);
  EXPECT_EQ(ParseDecimal("0.004", 10, 2), 0);
  EXPECT_EQ(ParseDecimal("1.5e2", 10, 0), 150);
  EXPECT_EQ(ParseDecimal(".25", 3, 2), 25);
  EXPECT_FALSE(ParseDecimal("1000", 3, 0));
  EXPECT_FALSE(ParseDecimal("1.2.3", 10, 2));
  EXPECT_FALSE(ParseDecimal("abc", 10, 2));
  EXPECT_EQ(FormatDecimal(-1, 2), "-0.01");
  EXPECT_EQ(RescaleDecimal(12345, 3, 1, 10), 123);
  EXPECT_EQ(RescaleDecimal(-12355, 3, 2, 10), -1236);
}

// from_json's options: an unfit field is NULL at whatever depth it is (an unfit element nulls
// the array's field), keys match exactly, values read into STRING are written back as Spark's
// Jackson does; syntax errors and NOT NULL fields still reject the document.
TEST(JsonDecoderOptionsTest, FromJsonReadsPermissivelyAsSpark) {
  auto type = ParseStructType(
      "a INT, r ROW<x INT, y STRING>, arr ARRAY<INT>, s STRING, t STRING, d DOUBLE, k INT NOT NULL");
  ASSERT_TRUE(type.ok()) << type.status().ToString();
  const Schema schema(type->fields());
  JsonDecoder decoder(schema, {.null_unfit_fields = true, .spark_value_text = true,
                               .exact_field_names = true});
  Batch batch = Batch::Empty(schema);
  ASSERT_TRUE(decoder
                  .DecodeRow(R"({"a": "7", "r": {"x": 1.5, "y": 2.50}, "arr": [1, "x"],)"
                             R"( "s": {"p": [1, 2.0e1, "é"]}, "T": "other", "d": "-Infinity",)"
                             R"( "k": 3})",
                             batch)
                  .ok());
  auto text = [&](size_t column) { return ValueText(batch.column(column), 0); };
  EXPECT_EQ(text(0), "NULL");           // a string is not an INT
  EXPECT_EQ(text(1), "{null, 2.5}");    // the unfit x only; 2.50 as Java's double text
  EXPECT_EQ(text(2), "NULL");           // one unfit element: the whole array
  EXPECT_EQ(text(3), "{\"p\":[1,20.0,\"é\"]}");
  EXPECT_EQ(text(4), "NULL");           // 'T' is not 't'
  EXPECT_EQ(text(5), "-Infinity");
  EXPECT_EQ(text(6), "3");
  EXPECT_FALSE(decoder.DecodeRow(R"({"a": 1, "k": "x"})", batch).ok());  // NOT NULL k unfit
  EXPECT_FALSE(decoder.DecodeRow(R"({"a": 1, "r": {"x": 1 "y"}, "k": 1})", batch).ok());
  EXPECT_EQ(batch.num_rows(), 1u);
  for (size_t c = 0; c < batch.num_columns(); ++c) EXPECT_EQ(batch.column(c).size(), 1u) << c;
  // Broken syntax anywhere makes the whole document malformed, never a partial row: a literal
  // that only starts like one, the unread rest of an abandoned array, a bad value under a key no
  // field has.
  for (const char* broken : {R"({"a": 1, "k": 1, "d": tru})", R"({"arr": [1, "x", tru], "k": 1})",
                             R"({"r": {"zz": tru}, "k": 1})"}) {
    EXPECT_FALSE(decoder.DecodeRow(broken, batch).ok()) << broken;
  }
  EXPECT_EQ(batch.num_rows(), 1u);
  // The strict default rejects the first document whole.
  JsonDecoder strict(schema);
  Batch none = Batch::Empty(schema);
  EXPECT_FALSE(strict.DecodeRow(R"({"a": "7", "k": 3})", none).ok());
}

}  // namespace
}  // namespace sluice
