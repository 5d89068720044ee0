// EncodeValue/DecodeValue: every value, nested ones included, comes back as it went in, and a
// truncated encoding is refused without leaving a half value behind.
#include <gtest/gtest.h>

#include <string>

#include "aggregate/value_codec.h"
#include "format/json_decoder.h"
#include "format/value_text.h"
#include "types/type_parser.h"

namespace sluice {
namespace {

Batch Rows(const Schema& schema, const std::vector<std::string>& documents) {
  JsonDecoder decoder(schema);
  Batch batch = Batch::Empty(schema);
  for (const auto& d : documents) EXPECT_TRUE(decoder.DecodeRow(d, batch).ok()) << d;
  return batch;
}

TEST(ValueCodecTest, NestedValuesRoundTrip) {
  auto type = ParseStructType(
      "r ROW<a INT, tags ARRAY<STRING>, m MAP<STRING, BIGINT>>, arr ARRAY<ARRAY<DOUBLE>>");
  ASSERT_TRUE(type.ok()) << type.status().ToString();
  const Schema schema(type->fields());
  Batch batch = Rows(schema, {
      R"({"r": {"a": 1, "tags": ["x", null, ""], "m": {"k": 5, "n": null}}, "arr": [[1.5], [], null]})",
      R"({"r": null, "arr": null})",
      R"({"r": {"a": null, "tags": [], "m": {}}, "arr": [[-0.0, 2]]})"});
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const Vector& column = batch.column(c);
    std::string encoded;
    for (size_t row = 0; row < batch.num_rows(); ++row) EncodeValue(column, row, encoded);
    Vector decoded(column.type());
    std::string_view in = encoded;
    for (size_t row = 0; row < batch.num_rows(); ++row) ASSERT_TRUE(DecodeValue(in, decoded)) << row;
    EXPECT_TRUE(in.empty());
    ASSERT_EQ(decoded.size(), column.size());
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      EXPECT_EQ(ValueText(decoded, row), ValueText(column, row)) << "column " << c << " row " << row;
    }
    // SkipValue walks the same bytes.
    std::string_view skip = encoded;
    for (size_t row = 0; row < batch.num_rows(); ++row) ASSERT_TRUE(SkipValue(skip, column.type()));
    EXPECT_TRUE(skip.empty());
  }
}

TEST(ValueCodecTest, TruncatedNestedValueIsRefusedWhole) {
  auto type = ParseDataType("ROW<a INT, tags ARRAY<STRING>>");
  ASSERT_TRUE(type.ok());
  const Schema schema({Field{"r", *type, true}});
  Batch batch = Rows(schema, {R"({"r": {"a": 7, "tags": ["one", "two"]}})"});
  std::string encoded;
  EncodeValue(batch.column(0), 0, encoded);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    Vector decoded(*type);
    std::string_view in(encoded.data(), cut);
    EXPECT_FALSE(DecodeValue(in, decoded)) << cut;
    EXPECT_EQ(decoded.size(), 0u) << cut;
    EXPECT_EQ(decoded.child(0).size(), 0u) << cut;
    EXPECT_EQ(decoded.child(1).size(), 0u) << cut;
    EXPECT_EQ(decoded.child(1).list_child().size(), 0u) << cut;
    std::string_view skip(encoded.data(), cut);
    EXPECT_FALSE(SkipValue(skip, *type)) << cut;
  }
}

}  // namespace
}  // namespace sluice
