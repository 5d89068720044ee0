// Rows → RFC 4180 CSV.
#include <gtest/gtest.h>

#include "format/csv_encoder.h"
#include "test_columns.h"

namespace sluice {
namespace {

Schema NameSchema() {
  return Schema({{"id", DataType::Int32(), true}, {"name", DataType::String(), true}});
}

std::string EncodeAll(const Schema& schema, const Batch& batch, CsvEncodeOptions options = {},
                      bool header = true) {
  CsvEncoder encoder(schema, options);
  std::string out;
  if (header) encoder.AppendHeader(out);
  for (size_t r = 0; r < batch.num_rows(); ++r) encoder.AppendRow(batch, r, out);
  return out;
}

TEST(CsvEncoderTest, HeaderAndPlainRows) {
  Batch batch = test::MakeBatch({test::Ints({1, 2}), test::Strings({"alice", "bob"})});
  EXPECT_EQ(EncodeAll(NameSchema(), batch), "id,name\n1,alice\n2,bob\n");
}

TEST(CsvEncoderTest, FieldsWithTheDelimiterAreQuoted) {
  Batch batch = test::MakeBatch({test::Ints({1}), test::Strings({"Smith, John"})});
  EXPECT_EQ(EncodeAll(NameSchema(), batch, {}, false), "1,\"Smith, John\"\n");
}

TEST(CsvEncoderTest, QuotesAreDoubled) {
  Batch batch = test::MakeBatch({test::Ints({1}), test::Strings({"say \"hi\""})});
  EXPECT_EQ(EncodeAll(NameSchema(), batch, {}, false), "1,\"say \"\"hi\"\"\"\n");
}

TEST(CsvEncoderTest, LineBreaksAreQuoted) {
  Batch batch = test::MakeBatch({test::Ints({1, 2}), test::Strings({"two\nlines", "cr\rhere"})});
  EXPECT_EQ(EncodeAll(NameSchema(), batch, {}, false), "1,\"two\nlines\"\n2,\"cr\rhere\"\n");
}

TEST(CsvEncoderTest, NullIsEmptyAndEmptyStringIsQuoted) {
  Batch batch = test::MakeBatch({test::Ints({std::nullopt}), test::Strings({""})});
  EXPECT_EQ(EncodeAll(NameSchema(), batch, {}, false), ",\"\"\n");
  Batch nulls = test::MakeBatch({test::Ints({3}), test::Strings({std::nullopt})});
  EXPECT_EQ(EncodeAll(NameSchema(), nulls, {}, false), "3,\n");
}

TEST(CsvEncoderTest, OtherDelimiter) {
  CsvEncodeOptions options;
  options.delimiter = ';';
  Batch batch = test::MakeBatch({test::Ints({1, 2}), test::Strings({"a,b", "c;d"})});
  EXPECT_EQ(EncodeAll(NameSchema(), batch, options), "id;name\n1;a,b\n2;\"c;d\"\n");
}

TEST(CsvEncoderTest, ValuesInSparkTextForm) {
  Schema schema({{"amount", DataType::Decimal(10, 2), true},
                 {"ts", DataType::Timestamp(), true},
                 {"x", DataType::Float64(), true},
                 {"ok", DataType::Boolean(), true}});
  Batch batch = test::MakeBatch({test::Decimals(10, 2, {9900}),
                                 test::Timestamps({"2024-03-01 12:30:45.25"}),
                                 test::Doubles({2}), test::Bools({0})});
  EXPECT_EQ(EncodeAll(schema, batch, {}, false), "99.00,2024-03-01 12:30:45.25,2.0,false\n");
}

TEST(CsvEncoderTest, HeaderNamesAreQuotedWhenNeeded) {
  Schema schema({{"a,b", DataType::Int32(), true}, {"c", DataType::Int32(), true}});
  CsvEncoder encoder(schema);
  std::string out;
  encoder.AppendHeader(out);
  EXPECT_EQ(out, "\"a,b\",c\n");
}

TEST(CsvEncoderTest, NestedValuesAreQuotedText) {
  Schema schema({{"tags", DataType::List(DataType::String()), true}});
  auto tags = std::make_shared<Vector>(DataType::List(DataType::String()));
  tags->list_child().AppendString("a");
  tags->list_child().AppendString("b");
  tags->AppendListEnd();
  Batch batch = test::MakeBatch({tags});
  EXPECT_EQ(EncodeAll(schema, batch, {}, false), "\"[a, b]\"\n");
}

}  // namespace
}  // namespace sluice
