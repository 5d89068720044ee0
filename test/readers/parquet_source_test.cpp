// sluice's Parquet reader on files other tools wrote: parquet_make.py generates rows and writes
// them through pyarrow (every page layout and compression it offers, INT96 and nanosecond
// timestamps, decimals as bytes and as integers, narrow and unsigned integers) and DuckDB, plus
// the rows themselves as JSON lines. Every file must read back as exactly those rows. Also: the
// filesystem source over a Hive-partitioned folder end to end, type mismatches and missing
// columns refused with the file and column named, and damaged files never crashing the reader.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "format/json_decoder.h"
#include "format/parquet/parquet_file_reader.h"
#include "format/value_text.h"
#include "types/type_parser.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using parquet::ParquetFileReader;

std::string Python() {
  if (const char* p = std::getenv("SLUICE_PYTHON")) return p;
  return std::string(SLUICE_SOURCE_DIR) + "/.deps/python/bin/python";
}

int RunShell(const std::string& command, std::string* output = nullptr) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

constexpr int kRows = 3000;
constexpr const char* kTableType =
    "ROW<id BIGINT, flag BOOLEAN, tiny INT, small INT, u16 INT, u32 BIGINT, num INT, big BIGINT, "
    "half DOUBLE, real DOUBLE, price DECIMAL(12, 2), word STRING, day DATE, at TIMESTAMP, "
    "at_ms TIMESTAMP, person ROW<name STRING, age INT>, scores ARRAY<BIGINT>, "
    "visits ARRAY<ROW<on DATE, tags ARRAY<STRING>>>, counts MAP<STRING, BIGINT>>";

Schema TableSchema() {
  Result<DataType> type = ParseDataType(kTableType);
  EXPECT_TRUE(type.ok()) << type.status().ToString();
  return Schema(type->fields());
}

class ParquetSource : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / fmt::format("sluice-parquet-source-{}", getpid()));
    fs::remove_all(*dir_);
    std::string output;
    const int code = RunShell(fmt::format("{} {}/test/readers/parquet_make.py {} {}", Python(),
                                     SLUICE_SOURCE_DIR, dir_->string(), kRows),
                         &output);
    ASSERT_EQ(code, 0) << output;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  // Every row of `file` read as `schema`, as text, in batches of `batch_rows`.
  static Result<std::vector<std::string>> ReadAll(const fs::path& file, const Schema& schema,
                                                  size_t batch_rows = 700) {
    SLUICE_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(file.string(), schema));
    std::vector<std::string> rows;
    while (true) {
      Batch batch = Batch::Empty(schema);
      SLUICE_ASSIGN_OR_RETURN(size_t n, reader->Read(batch, batch_rows));
      if (n == 0) break;
      if (batch.num_rows() != n) return Status::Internal("batch of {} rows for {}", batch.num_rows(), n);
      for (size_t r = 0; r < n; ++r) rows.push_back(RowText(batch, r));
    }
    return rows;
  }

  static std::string RowText(const Batch& batch, size_t row) {
    std::string text;
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      text += c ? " | " : "";
      AppendValueText(batch.column(c), row, text);
    }
    return text;
  }

  // The generated rows (expected.jsonl) as text, decoded as `schema`.
  static std::vector<std::string> Expected(const Schema& schema) {
    std::ifstream in(*dir_ / "expected.jsonl");
    JsonDecoder decoder(schema);
    Batch batch = Batch::Empty(schema);
    std::string line;
    while (std::getline(in, line)) {
      Status s = decoder.DecodeRow(line, batch);
      EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << line;
    }
    std::vector<std::string> rows;
    for (size_t r = 0; r < batch.num_rows(); ++r) rows.push_back(RowText(batch, r));
    return rows;
  }

  static void ExpectFileHoldsTheRows(const std::string& name) {
    const Schema schema = TableSchema();
    Result<std::vector<std::string>> rows = ReadAll(*dir_ / name, schema);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    const std::vector<std::string> expected = Expected(schema);
    ASSERT_EQ(expected.size(), static_cast<size_t>(kRows));
    ASSERT_EQ(rows->size(), expected.size()) << name;
    for (size_t r = 0; r < expected.size(); ++r) {
      ASSERT_EQ((*rows)[r], expected[r]) << name << " row " << r;
    }
  }

  static fs::path* dir_;
};

fs::path* ParquetSource::dir_ = nullptr;

TEST_F(ParquetSource, PyarrowSnappyDictionaryPagesManyRowGroups) {
  ExpectFileHoldsTheRows("snappy_dictionary_v1.parquet");
}
TEST_F(ParquetSource, PyarrowZstdPlainDataPageV2) { ExpectFileHoldsTheRows("zstd_plain_v2.parquet"); }
TEST_F(ParquetSource, PyarrowGzipInt96Timestamps) { ExpectFileHoldsTheRows("gzip_int96.parquet"); }
TEST_F(ParquetSource, PyarrowUncompressedIntegerDecimals) {
  ExpectFileHoldsTheRows("uncompressed_integer_decimals.parquet");
}
TEST_F(ParquetSource, PyarrowNanosecondTimestamps) { ExpectFileHoldsTheRows("nanos.parquet"); }
TEST_F(ParquetSource, DuckDbFile) { ExpectFileHoldsTheRows("duckdb.parquet"); }

TEST_F(ParquetSource, EmptyFileHasNoRows) {
  Result<std::vector<std::string>> rows = ReadAll(*dir_ / "empty.parquet", TableSchema());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE(rows->empty());
}

TEST_F(ParquetSource, ColumnsByNameWidenedAndMissingAsNull) {
  // Another order, other case, wider types, a column the file lacks, a struct field it lacks.
  Result<DataType> type = ParseDataType(
      "ROW<NUM BIGINT, day TIMESTAMP, price DECIMAL(16, 4), tiny DOUBLE, nothing STRING, "
      "person ROW<age BIGINT, height INT>>");
  ASSERT_TRUE(type.ok());
  const Schema wide(type->fields());
  Result<std::vector<std::string>> rows = ReadAll(*dir_ / "snappy_dictionary_v1.parquet", wide);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();

  // The expectation: the generated rows' JSON read as these wider types by the JSON decoder.
  std::ifstream in(*dir_ / "expected.jsonl");
  JsonDecoder decoder(wide);
  Batch batch = Batch::Empty(wide);
  std::string line;
  while (std::getline(in, line)) ASSERT_TRUE(decoder.DecodeRow(line, batch).ok()) << line;
  ASSERT_EQ(rows->size(), batch.num_rows());
  for (size_t r = 0; r < batch.num_rows(); ++r) ASSERT_EQ((*rows)[r], RowText(batch, r)) << r;
}

TEST_F(ParquetSource, MismatchesAndMissingNotNullColumnsAreRefusedByName) {
  const fs::path file = *dir_ / "duckdb.parquet";
  auto refused = [&](const std::string& row_type) {
    Result<DataType> type = ParseDataType(row_type);
    EXPECT_TRUE(type.ok());
    auto reader = ParquetFileReader::Open(file.string(), Schema(type->fields()));
    return reader.ok() ? std::string("opened") : reader.status().message();
  };
  std::string e = refused("ROW<word INT>");
  EXPECT_NE(e.find(file.string()), std::string::npos) << e;
  EXPECT_NE(e.find("column 'word' is BYTE_ARRAY (STRING)"), std::string::npos) << e;
  EXPECT_NE(e.find("cannot be read as INT"), std::string::npos) << e;
  e = refused("ROW<price DECIMAL(12, 1)>");  // fewer decimal places would round
  EXPECT_NE(e.find("column 'price'"), std::string::npos) << e;
  e = refused("ROW<big INT>");  // narrower
  EXPECT_NE(e.find("column 'big' is INT64"), std::string::npos) << e;
  e = refused("ROW<person ROW<name INT>>");
  EXPECT_NE(e.find("column 'person.name'"), std::string::npos) << e;
  e = refused("ROW<scores BIGINT>");
  EXPECT_NE(e.find("column 'scores'"), std::string::npos) << e;

  Schema not_null({{"id", DataType::Int64(), true}, {"absent", DataType::String(), false}});
  auto reader = ParquetFileReader::Open(file.string(), not_null);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("no column 'absent', which the table declares NOT NULL"),
            std::string::npos)
      << reader.status().ToString();

  auto text = ParquetFileReader::Open((*dir_ / "expected.jsonl").string(), not_null);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("is not a Parquet file"), std::string::npos);
}

TEST_F(ParquetSource, DamagedFilesFailWithoutCrashing) {
  std::ifstream in(*dir_ / "snappy_dictionary_v1.parquet", std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  const std::string original = std::move(content).str();
  const fs::path damaged = *dir_ / "damaged.bin";
  std::mt19937 rng(7);
  int failed = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    if (trial % 10 == 0) bytes.resize(rng() % bytes.size());  // cut short
    std::ofstream(damaged, std::ios::binary | std::ios::trunc) << bytes;
    // Any outcome but a crash (or a sanitizer report) is acceptable: damage in values reads as
    // other values; damage in structure must be an error.
    Result<std::vector<std::string>> rows = ReadAll(damaged, TableSchema(), 1000);
    failed += rows.ok() ? 0 : 1;
  }
  EXPECT_GT(failed, 0);
}

TEST_F(ParquetSource, HivePartitionedFolderThroughThePipeline) {
  const fs::path sql = *dir_ / "partitioned.sql";
  const fs::path out = *dir_ / "partitioned-out";
  std::ofstream(sql) << fmt::format(R"SQL(
CREATE TABLE people (id BIGINT, word STRING, person ROW<name STRING, age INT>, region STRING)
  WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'parquet');
CREATE TABLE counted (region STRING, n BIGINT, ids BIGINT)
  WITH ('connector' = 'filesystem', 'path' = '{}', 'format' = 'json');
INSERT INTO counted SELECT region, count(*), sum(id) FROM people GROUP BY region;
)SQL",
                                   (*dir_ / "partitioned").string(), out.string());
  std::string output;
  ASSERT_EQ(RunShell(fmt::format("{} run {}", SLUICE_BINARY, sql.string()), &output), 0) << output;
  // Each folder holds rows 0..9 of the generated rows: 10 rows, ids summing to 45.
  std::multiset<std::string> lines;
  for (const auto& entry : fs::directory_iterator(out)) {
    if (entry.path().filename().string()[0] == '.' || entry.path().filename().string()[0] == '_') continue;
    std::ifstream f(entry.path());
    std::string line;
    while (std::getline(f, line)) lines.insert(line);
  }
  const std::multiset<std::string> expected = {
      R"({"region":"north","n":10,"ids":45})", R"({"region":"south/east","n":10,"ids":45})",
      R"({"region":null,"n":10,"ids":45})"};
  EXPECT_EQ(lines, expected) << output;
}

TEST_F(ParquetSource, NullInANotNullColumnIsADeadLetterWithFileAndRow) {
  // The rows whose 'flag' is null, from the generated rows.
  std::set<std::string> want;
  {
    std::ifstream in(*dir_ / "expected.jsonl");
    std::string line;
    for (int row = 0; std::getline(in, line); ++row) {
      if (line.find("\"flag\": null") != std::string::npos) want.insert(std::to_string(row));
    }
  }
  ASSERT_GT(want.size(), 0u);
  const fs::path file = *dir_ / "zstd_plain_v2.parquet";
  const fs::path sql = *dir_ / "not_null.sql";
  const fs::path out = *dir_ / "not-null-out";
  std::ofstream(sql) << fmt::format(R"SQL(
CREATE TABLE flagged (id BIGINT, flag BOOLEAN NOT NULL)
  WITH ('connector' = 'filesystem', 'path' = '{0}', 'format' = 'parquet', 'errors.table' = 'bad');
CREATE TABLE bad (`topic` STRING, `offset` BIGINT, reason STRING)
  WITH ('connector' = 'filesystem', 'path' = '{1}/bad', 'format' = 'csv', 'csv.header' = 'false');
CREATE TABLE good (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '{1}/good', 'format' = 'csv',
  'csv.header' = 'false');
INSERT INTO good SELECT id FROM flagged;
)SQL",
                                    file.string(), out.string());
  std::string output;
  ASSERT_EQ(RunShell(fmt::format("{} run {}", SLUICE_BINARY, sql.string()), &output), 0) << output;
  auto lines = [](const fs::path& folder) {
    std::vector<std::string> all;
    for (const auto& entry : fs::directory_iterator(folder)) {
      std::ifstream f(entry.path());
      for (std::string line; std::getline(f, line);) all.push_back(line);
    }
    return all;
  };
  std::set<std::string> got;
  for (const std::string& line : lines(out / "bad")) {
    EXPECT_EQ(line.rfind(file.string() + ",", 0), 0u) << line;
    EXPECT_NE(line.find("column 'flag' is NULL, but the table declares it NOT NULL"), std::string::npos) << line;
    const size_t a = line.find(','), b = line.find(',', a + 1);
    got.insert(line.substr(a + 1, b - a - 1));
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(lines(out / "good").size() + want.size(), static_cast<size_t>(kRows));
}

}  // namespace
}  // namespace sluice
