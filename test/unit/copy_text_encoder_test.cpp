// PostgreSQL COPY text: escaping, NULLs, each type's input form, nested values as JSON, the live
// rows of a batch; and the PostgreSQL column type of each sluice type.
#include <gtest/gtest.h>

#include <cmath>

#include "connector/postgres/copy_text_encoder.h"
#include "test_columns.h"

namespace sluice {
namespace {

std::string Encode(const Schema& schema, const Batch& batch) {
  CopyTextEncoder encoder(schema);
  std::string out;
  size_t rows = encoder.AppendRows(batch, out);
  EXPECT_EQ(rows, batch.num_live_rows());
  return out;
}

std::string EncodeStrings(const std::vector<std::optional<std::string>>& values) {
  Schema schema({{"s", DataType::String(), true}});
  return Encode(schema, test::MakeBatch({test::Strings(values)}));
}

TEST(CopyTextEncoderTest, EscapesBackslashTabNewlineAndCarriageReturn) {
  EXPECT_EQ(EncodeStrings({"plain"}), "plain\n");
  EXPECT_EQ(EncodeStrings({"C:\\dir"}), "C:\\\\dir\n");
  EXPECT_EQ(EncodeStrings({"a\tb"}), "a\\tb\n");
  EXPECT_EQ(EncodeStrings({"line1\nline2"}), "line1\\nline2\n");
  EXPECT_EQ(EncodeStrings({"cr\r"}), "cr\\r\n");
  EXPECT_EQ(EncodeStrings({"\\\t\n\r"}), "\\\\\\t\\n\\r\n");
  // Quotes, commas and the text "\N" itself are not special except for its backslash.
  EXPECT_EQ(EncodeStrings({"say \"hi\", ok"}), "say \"hi\", ok\n");
  EXPECT_EQ(EncodeStrings({"\\N"}), "\\\\N\n");
  EXPECT_EQ(EncodeStrings({"caf\xc3\xa9"}), "caf\xc3\xa9\n");
}

TEST(CopyTextEncoderTest, NullIsBackslashNAndEmptyStringStaysEmpty) {
  EXPECT_EQ(EncodeStrings({std::nullopt, "", "x"}), "\\N\n\nx\n");
  Schema schema({{"i", DataType::Int32(), true},
                 {"b", DataType::Boolean(), true},
                 {"d", DataType::Decimal(10, 2), true},
                 {"ts", DataType::Timestamp(), true}});
  Batch batch = test::MakeBatch({test::Ints({std::nullopt}), test::Bools({std::nullopt}),
                                 test::Decimals(10, 2, {std::nullopt}),
                                 test::Timestamps({std::nullopt})});
  EXPECT_EQ(Encode(schema, batch), "\\N\t\\N\t\\N\t\\N\n");
}

TEST(CopyTextEncoderTest, ScalarTypesInPostgresInputForm) {
  Schema schema({{"id", DataType::Int32(), false},
                 {"big", DataType::Int64(), true},
                 {"ok", DataType::Boolean(), true},
                 {"amount", DataType::Decimal(10, 2), true},
                 {"score", DataType::Float64(), true},
                 {"day", DataType::Date(), true},
                 {"ts", DataType::Timestamp(), true}});
  Batch batch = test::MakeBatch(
      {test::Ints({1, -7}), test::Longs({1234567890123LL, -1}), test::Bools({1, 0}),
       test::Decimals(10, 2, {12345, -5}), test::Doubles({1.5, -0.25}),
       test::Dates({"2024-03-01", "1999-12-31"}),
       test::Timestamps({"2024-03-01 12:30:45", "2024-03-01 00:00:00.123456"})});
  EXPECT_EQ(Encode(schema, batch),
            "1\t1234567890123\tt\t123.45\t1.5\t2024-03-01\t2024-03-01 12:30:45\n"
            "-7\t-1\tf\t-0.05\t-0.25\t1999-12-31\t2024-03-01 00:00:00.123456\n");
}

TEST(CopyTextEncoderTest, DecimalScales) {
  Schema schema({{"s0", DataType::Decimal(5, 0), true}, {"s4", DataType::Decimal(12, 4), true}});
  Batch batch = test::MakeBatch(
      {test::Decimals(5, 0, {42, 0, -3}), test::Decimals(12, 4, {1, 123456789, -10000})});
  EXPECT_EQ(Encode(schema, batch), "42\t0.0001\n0\t12345.6789\n-3\t-1.0000\n");
}

TEST(CopyTextEncoderTest, NonFiniteDoublesUsePostgresSpellings) {
  Schema schema({{"x", DataType::Float64(), true}});
  Batch batch = test::MakeBatch({test::Doubles({std::nan(""), HUGE_VAL, -HUGE_VAL})});
  EXPECT_EQ(Encode(schema, batch), "NaN\nInfinity\n-Infinity\n");
}

TEST(CopyTextEncoderTest, TimestampsBeforeTheEpochAndFractions) {
  Schema schema({{"ts", DataType::Timestamp(), true}});
  // -1 µs is the last microsecond of 1969; 500 ms past the second.
  Batch batch = test::MakeBatch(
      {test::Column<int64_t>(DataType::Timestamp(), {-1, 1'500'000, 86'400'000'000})});
  EXPECT_EQ(Encode(schema, batch),
            "1969-12-31 23:59:59.999999\n1970-01-01 00:00:01.5\n1970-01-02 00:00:00\n");
}

TEST(CopyTextEncoderTest, BytesAsEscapedHex) {
  Schema schema({{"b", DataType::Bytes(), true}});
  Batch batch = test::MakeBatch({test::Column<std::string>(
      DataType::Bytes(), {std::string("\x00\xab\xff\\", 4), std::string(), std::nullopt})});
  // bytea's '\x...' input, its backslash doubled for COPY; empty bytes is '\x'.
  EXPECT_EQ(Encode(schema, batch), "\\\\x00abff5c\n\\\\x\n\\N\n");
}

TEST(CopyTextEncoderTest, IntervalInMicroseconds) {
  Schema schema({{"i", DataType::Interval(), true}});
  Batch batch =
      test::MakeBatch({test::Column<int64_t>(DataType::Interval(), {1'500'000, -42})});
  EXPECT_EQ(Encode(schema, batch), "1500000 microseconds\n-42 microseconds\n");
}

TEST(CopyTextEncoderTest, RowsAndArraysAsEscapedJson) {
  DataType item = DataType::Struct({{"name", DataType::String(), true},
                                    {"qty", DataType::Int32(), true},
                                    {"at", DataType::Timestamp(), true}});
  Schema schema({{"item", item, true}, {"tags", DataType::List(DataType::Int64()), true}});

  auto items = std::make_shared<Vector>(item);
  items->child(0).AppendString("a\tb\\c");  // JSON escapes it, then COPY escapes the backslashes
  items->child(1).Append<int32_t>(2);
  items->child(2).Append<int64_t>(*ParseTimestamp("2024-03-01 12:30:45"));
  items->Resize(1);
  items->AppendNull();

  auto tags = std::make_shared<Vector>(DataType::List(DataType::Int64()));
  tags->list_child().Append<int64_t>(1);
  tags->list_child().AppendNull();
  tags->list_child().Append<int64_t>(3);
  tags->AppendListEnd();
  tags->AppendListEnd();  // an empty array

  Batch batch = test::MakeBatch({items, tags});
  EXPECT_EQ(Encode(schema, batch),
            "{\"name\":\"a\\\\tb\\\\\\\\c\",\"qty\":2,\"at\":\"2024-03-01 12:30:45\"}\t[1,null,3]\n"
            "\\N\t[]\n");
}

TEST(CopyTextEncoderTest, OnlyLiveRowsInSelectionOrder) {
  Schema schema({{"id", DataType::Int32(), true}, {"name", DataType::String(), true}});
  Batch batch = test::MakeBatch(
      {test::Ints({10, 11, 12, 13}), test::Strings({"zero", "one", "two", "three"})});
  batch.set_selection(SelectionVector::Of({1, 3}));
  CopyTextEncoder encoder(schema);
  std::string out = "kept|";  // appends, never clears the caller's buffer
  EXPECT_EQ(encoder.AppendRows(batch, out), 2u);
  EXPECT_EQ(out, "kept|11\tone\n13\tthree\n");

  batch.set_selection(SelectionVector::Of({}));
  out.clear();
  EXPECT_EQ(encoder.AppendRows(batch, out), 0u);
  EXPECT_EQ(out, "");
}

TEST(CopyTextEncoderTest, PostgresColumnTypes) {
  EXPECT_EQ(PostgresColumnType(DataType::Boolean()), "boolean");
  EXPECT_EQ(PostgresColumnType(DataType::Int32()), "integer");
  EXPECT_EQ(PostgresColumnType(DataType::Int64()), "bigint");
  EXPECT_EQ(PostgresColumnType(DataType::Float64()), "double precision");
  EXPECT_EQ(PostgresColumnType(DataType::Decimal(10, 2)), "numeric(10, 2)");
  EXPECT_EQ(PostgresColumnType(DataType::Decimal(18, 0)), "numeric(18, 0)");
  EXPECT_EQ(PostgresColumnType(DataType::String()), "text");
  EXPECT_EQ(PostgresColumnType(DataType::Bytes()), "bytea");
  EXPECT_EQ(PostgresColumnType(DataType::Date()), "date");
  EXPECT_EQ(PostgresColumnType(DataType::Timestamp()), "timestamp");
  EXPECT_EQ(PostgresColumnType(DataType::Interval()), "interval");
  EXPECT_EQ(PostgresColumnType(DataType::List(DataType::Int32())), "jsonb");
  EXPECT_EQ(PostgresColumnType(DataType::Struct({{"a", DataType::Int32(), true}})), "jsonb");
  EXPECT_EQ(PostgresColumnType(DataType::Null()), "text");
}

}  // namespace
}  // namespace sluice
