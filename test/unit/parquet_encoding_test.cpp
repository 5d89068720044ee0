// The encodings under sluice's Parquet writer, against byte strings worked out by hand from the
// specifications (Parquet's Encodings.md and Thrift's compact protocol): RLE runs, bit-packed
// groups, field headers, lists, nested structs. The files as a whole are checked by pyarrow and
// DuckDB (test/readers).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "format/parquet/parquet_schema.h"
#include "format/parquet/rle_hybrid.h"
#include "format/parquet/thrift_compact_reader.h"
#include "format/parquet/thrift_compact_writer.h"

namespace sluice::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::string Rle(const std::vector<uint32_t>& values, int bit_width) {
  std::string out;
  EncodeRleHybrid(values.data(), values.size(), bit_width, out);
  return out;
}

TEST(ParquetRleHybrid, EightDistinctValuesAreOneBitPackedGroup) {
  // Encodings.md's example: 0..7 at bit width 3 pack to 10001000 11000110 11111010.
  EXPECT_EQ(Rle({0, 1, 2, 3, 4, 5, 6, 7}, 3), Bytes({0x03, 0x88, 0xC6, 0xFA}));
}

TEST(ParquetRleHybrid, RepeatsAreRunsWithTheValueInWholeBytes) {
  EXPECT_EQ(Rle(std::vector<uint32_t>(10, 3), 2), Bytes({0x14, 0x03}));
  EXPECT_EQ(Rle(std::vector<uint32_t>(100, 0), 1), Bytes({0xC8, 0x01, 0x00}));
  EXPECT_EQ(Rle(std::vector<uint32_t>(8, 300), 9), Bytes({0x10, 0x2C, 0x01}));
}

TEST(ParquetRleHybrid, ARunThenAShortTailPaddedToAGroup) {
  std::vector<uint32_t> values(10, 1);
  values.push_back(0);
  values.push_back(1);
  EXPECT_EQ(Rle(values, 1), Bytes({0x14, 0x01, 0x03, 0x02}));
}

TEST(ParquetRleHybrid, BitWidths) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
}

TEST(ParquetRleHybrid, DecodingGivesBackWhatWasEncoded) {
  std::mt19937 rng(3);
  for (int bit_width : {0, 1, 2, 3, 7, 8, 13, 16, 20, 31}) {
    const uint32_t mask = bit_width == 0 ? 0 : (bit_width == 32 ? ~0u : (1u << bit_width) - 1);
    std::vector<uint32_t> values;
    for (int i = 0; i < 1000; ++i) {
      const uint32_t v = rng() & mask;
      const int repeat = rng() % 4 == 0 ? 1 + static_cast<int>(rng() % 30) : 1;  // runs, too
      for (int k = 0; k < repeat; ++k) values.push_back(v);
    }
    std::string encoded;
    sluice::parquet::EncodeRleHybrid(values.data(), values.size(), bit_width, encoded);
    std::vector<uint32_t> decoded(values.size());
    ASSERT_TRUE(sluice::parquet::DecodeRleHybrid(encoded, bit_width, values.size(), decoded.data()).ok());
    EXPECT_EQ(decoded, values) << "bit width " << bit_width;
    // Asking for more than is there is an error, not a read past the end.
    std::vector<uint32_t> more(values.size() + 100);
    EXPECT_FALSE(sluice::parquet::DecodeRleHybrid(encoded, bit_width, more.size(), more.data()).ok());
  }
}

TEST(ThriftCompact, ReaderGivesBackWhatTheWriterWrote) {
  std::string bytes;
  sluice::parquet::ThriftCompactWriter w(bytes);
  w.BeginStruct();
  w.FieldI32(1, -7);
  w.FieldI64(3, int64_t{1} << 40);
  w.FieldBinary(20, "name");
  w.FieldBool(21, true);
  w.FieldList(22, sluice::parquet::ThriftCompactWriter::kI32, 20);
  for (int i = 0; i < 20; ++i) w.I32(i);
  w.EndStruct();
  sluice::parquet::ThriftCompactReader r(bytes);
  r.BeginStruct();
  int16_t id;
  uint8_t type;
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(r.I32(), -7);
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 3);
  EXPECT_EQ(r.I64(), int64_t{1} << 40);
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 20);
  EXPECT_EQ(r.Binary(), "name");
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 21);
  EXPECT_TRUE(r.Bool(type));
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 22);
  r.Skip(type);  // the whole list
  EXPECT_FALSE(r.NextField(id, type));  // stop
  r.EndStruct();
  EXPECT_TRUE(r.ok());

  // Every truncation is an error, never a read past the end.
  for (size_t cut = 0; cut + 1 < bytes.size(); ++cut) {
    sluice::parquet::ThriftCompactReader t(std::string_view(bytes).substr(0, cut));
    t.Skip(sluice::parquet::ThriftCompactReader::kStruct);
    EXPECT_FALSE(t.ok()) << cut;
  }
}

TEST(ThriftCompact, FieldHeadersCarryTheIdDeltaAndType) {
  std::string out;
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, 5);           // 0x15, zigzag 10
  w.FieldI64(2, -1);          // 0x16, zigzag 1
  w.FieldBool(3, true);       // 0x11: the value is the type
  w.FieldBool(4, false);      // 0x12
  w.FieldBinary(5, "ab");     // 0x18, length 2
  w.FieldI32(30, 64);         // a jump of 25: type, then the zigzag id 60, then zigzag 128
  w.EndStruct();
  EXPECT_EQ(out, Bytes({0x15, 0x0A, 0x16, 0x01, 0x11, 0x12, 0x18, 0x02, 'a', 'b', 0x05, 0x3C,
                        0x80, 0x01, 0x00}));
}

TEST(ThriftCompact, ListsAndNestedStructs) {
  std::string out;
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldList(2, ThriftCompactWriter::kI32, 3);  // 0x29, then size 3 of i32: 0x35
  w.I32(0);
  w.I32(-1);
  w.I32(1);
  w.FieldStruct(3);  // 0x1C
  w.BeginStruct();
  w.FieldI32(1, 1);  // ids start over inside: 0x15 0x02
  w.EndStruct();
  w.FieldList(4, ThriftCompactWriter::kBinary, 20);  // 20 elements: 0xF8 then varint 20
  w.EndStruct();
  EXPECT_EQ(out, Bytes({0x29, 0x35, 0x00, 0x01, 0x02, 0x1C, 0x15, 0x02, 0x00, 0x19, 0xF8, 0x14,
                        0x00}));
}

TEST(ParquetSchema, LevelsOfNestedColumnsAndIntervalRefused) {
  Schema schema({{"id", DataType::Int64(), false},
                 {"tags", DataType::List(DataType::String()), true},
                 {"who", DataType::Struct({{"name", DataType::String(), true}}), true}});
  auto parquet = MakeParquetSchema(schema);
  ASSERT_TRUE(parquet.ok()) << parquet.status().message();
  ASSERT_EQ(parquet->leaves.size(), 3u);
  EXPECT_EQ(parquet->leaves[1].path, (std::vector<std::string>{"tags", "list", "element"}));
  EXPECT_EQ(parquet->leaves[0].max_definition, 1);
  EXPECT_EQ(parquet->leaves[1].max_definition, 3);
  EXPECT_EQ(parquet->leaves[1].max_repetition, 1);
  EXPECT_EQ(parquet->leaves[2].max_definition, 2);
  // root, id, tags, list, element, who, name
  EXPECT_EQ(parquet->nodes.size(), 7u);

  auto interval = MakeParquetSchema(Schema({{"gap", DataType::Interval(), true}}));
  ASSERT_FALSE(interval.ok());
  EXPECT_EQ(interval.status().message(),
            "column 'gap' is an INTERVAL DAY TO SECOND, which Parquet has no type for: CAST it "
            "to STRING");
}

}  // namespace
}  // namespace sluice::parquet
