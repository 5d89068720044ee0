// sluice's Parquet files read back by two independent readers, pyarrow and DuckDB (from the
// project's Python environment, scripts/setup): every type, nulls at every level of nesting,
// empty lists, an empty file, many row groups and pages, each compression. The rows are
// generated as JSON lines; parquet_check.py interprets them by the schema on its own and
// compares them with what each reader returns.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "common/base64.h"
#include "format/json_decoder.h"
#include "format/parquet/parquet_file_writer.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using parquet::Compression;
using parquet::ParquetFileWriter;
using parquet::ParquetWriterOptions;

std::string Python() {
  if (const char* p = std::getenv("SLUICE_PYTHON")) return p;
  return std::string(SLUICE_SOURCE_DIR) + "/.deps/python/bin/python";
}

std::string RunCapture(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return "cannot run " + command;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

Schema EveryType() {
  return Schema({
      {"b", DataType::Boolean(), true},
      {"i", DataType::Int32(), true},
      {"l", DataType::Int64(), true},
      {"d", DataType::Float64(), true},
      {"small_dec", DataType::Decimal(9, 3), true},
      {"dec", DataType::Decimal(18, 2), true},
      {"wide_dec", DataType::Decimal(38, 6), true},
      {"s", DataType::String(), true},
      {"raw", DataType::Bytes(), true},
      {"day", DataType::Date(), true},
      {"ts", DataType::Timestamp(), true},
      {"person", DataType::Struct({{"name", DataType::String(), true}, {"age", DataType::Int32(), true}}), true},
      {"scores", DataType::List(DataType::Int64()), true},
      {"visits", DataType::List(DataType::Struct({{"at", DataType::Date(), true},
                                                  {"tags", DataType::List(DataType::String()), true}})),
       true},
      {"counts", DataType::Map(DataType::String(), DataType::Int64()), true},
  });
}

const char* kEveryTypeSpec = R"SPEC({"columns": [
  {"name": "b", "type": "boolean"}, {"name": "i", "type": "int"}, {"name": "l", "type": "bigint"},
  {"name": "d", "type": "double"}, {"name": "small_dec", "type": "decimal(9,3)"},
  {"name": "dec", "type": "decimal(18,2)"}, {"name": "wide_dec", "type": "decimal(38,6)"},
  {"name": "s", "type": "string"},
  {"name": "raw", "type": "bytes"}, {"name": "day", "type": "date"}, {"name": "ts", "type": "timestamp"},
  {"name": "person", "type": {"row": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"}]}},
  {"name": "scores", "type": {"array": "bigint"}},
  {"name": "visits", "type": {"array": {"row": [{"name": "at", "type": "date"},
                                                 {"name": "tags", "type": {"array": "string"}}]}}},
  {"name": "counts", "type": {"map": ["string", "bigint"]}}],
 "arrow_types": {"b": "bool", "i": "int32", "l": "int64", "d": "double",
  "small_dec": "decimal128(9, 3)", "dec": "decimal128(18, 2)", "wide_dec": "decimal128(38, 6)",
  "s": "string", "raw": "binary",
  "day": "date32[day]", "ts": "timestamp[us, tz=UTC]",
  "person": "struct<name: string, age: int32>", "scores": "list<element: int64>",
  "visits": "list<element: struct<at: date32[day], tags: list<element: string>>>",
  "counts": "map<string, int64 ('counts')>"},
 "min_row_groups": MIN_GROUPS})SPEC";

// Row `r` of a deterministic mix: every column null now and then, lists empty or null or with
// null elements, text from a small vocabulary (dictionary pages) or unique (plain pages).
std::string Base64(const std::string& bytes) {
  std::string out;
  AppendBase64(bytes, out);
  return out;
}

std::string Row(std::mt19937& rng, int r) {
  auto maybe = [&](int one_in, const std::string& value) {
    return rng() % static_cast<unsigned>(one_in) == 0 ? std::string("null") : value;
  };
  static const char* kWords[] = {"alpha", "beta", "gamma", "Zürich", "東京", "", "a\"quote", "tab\tx"};
  auto word = [&] { return std::string(kWords[rng() % 8]); };
  auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"') out += "\\\"";
      else if (c == '\t') out += "\\t";
      else out += c;
    }
    return out + "\"";
  };
  const int64_t big = static_cast<int64_t>(rng()) * 1000003 - (int64_t{1} << 40);
  std::string scores = "[";
  const int n = static_cast<int>(rng() % 4);
  for (int k = 0; k < n; ++k) scores += (k ? "," : "") + maybe(5, std::to_string(big + k));
  scores += "]";
  std::string visits = "[";
  const int v = static_cast<int>(rng() % 3);
  for (int k = 0; k < v; ++k) {
    std::string tags = "[";
    const int t = static_cast<int>(rng() % 3);
    for (int j = 0; j < t; ++j) tags += (j ? "," : "") + maybe(4, quoted(word()));
    tags += "]";
    visits += fmt::format("{}{{\"at\": {}, \"tags\": {}}}", k ? "," : "",
                          maybe(5, fmt::format("\"2026-0{}-1{}\"", 1 + rng() % 9, rng() % 10)),
                          maybe(4, tags));
  }
  visits += "]";
  // A map of distinct keys (a repeated key would keep only its last value), values now and
  // then null.
  std::string counts = "{";
  const int c = static_cast<int>(rng() % 4);
  for (int k = 0; k < c; ++k) {
    counts += fmt::format("{}{}: {}", k ? ", " : "", quoted(word() + "-" + std::to_string(k)),
                          maybe(4, std::to_string(static_cast<int32_t>(rng()))));
  }
  counts += "}";
  return fmt::format(
      R"({{"b": {}, "i": {}, "l": {}, "d": {}, "small_dec": {}, "dec": {}, "wide_dec": {}, "s": {}, "raw": {}, "day": {}, "ts": {}, "person": {}, "scores": {}, "visits": {}, "counts": {}}})",
      maybe(7, rng() % 2 ? "true" : "false"),
      maybe(6, std::to_string(static_cast<int32_t>(rng()))),
      maybe(6, std::to_string(big)),
      maybe(6, fmt::format("{:.17g}", static_cast<double>(static_cast<int32_t>(rng())) / 7.0)),
      maybe(6, fmt::format("{}.{:03}", static_cast<int>(rng() % 999999) - 499999, rng() % 1000)),
      maybe(6, fmt::format("{}.{:02}", big / 100, rng() % 100)),
      // Up to 32 integer digits: beyond 64 bits, stored as bytes.
      maybe(6, fmt::format("{}{}{:013}{:06}.{:06}", rng() % 2 ? "-" : "", 1 + rng() % 10000000000000ull,
                           rng() % 10000000000000ull, rng() % 1000000, rng() % 1000000)),
      maybe(5, r % 3 == 0 ? quoted("unique-" + std::to_string(r)) : quoted(word())),
      maybe(5, quoted(Base64("bytes-" + std::to_string(rng() % 50)))),  // JSON carries BYTES as base64
      maybe(6, fmt::format("\"{}-{:02}-{:02}\"", 1900 + rng() % 200, 1 + rng() % 12, 1 + rng() % 28)),
      maybe(6, fmt::format("\"{}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}\"", 1950 + rng() % 100,
                           1 + rng() % 12, 1 + rng() % 28, rng() % 24, rng() % 60, rng() % 60,
                           rng() % 1000000)),
      maybe(5, fmt::format("{{\"name\": {}, \"age\": {}}}", maybe(4, quoted(word())),
                           maybe(4, std::to_string(rng() % 100)))),
      maybe(5, scores), maybe(5, visits), maybe(5, counts));
}

class ParquetReaders : public ::testing::Test {
 protected:
  ParquetReaders() : dir_(fs::temp_directory_path() / ("sluice_parquet_" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~ParquetReaders() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Writes `rows` generated rows in batches of 700 with `options`, then checks the file.
  void WriteAndCheck(const std::string& name, int rows, ParquetWriterOptions options,
                     int min_row_groups) {
    const Schema schema = EveryType();
    const fs::path jsonl = dir_ / (name + ".jsonl"), file = dir_ / (name + ".parquet");
    std::ofstream json_out(jsonl);
    std::FILE* out = std::fopen(file.c_str(), "wb");
    ASSERT_NE(out, nullptr);
    auto writer = ParquetFileWriter::Make(schema, options, [&](std::string_view bytes) {
      return std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size()
                 ? Status::OK()
                 : Status::IOError("short write");
    });
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    JsonDecoder decoder(schema);
    std::mt19937 rng(static_cast<unsigned>(rows) * 7919u + static_cast<unsigned>(name.size()));
    Batch batch = Batch::Empty(schema);
    for (int r = 0; r < rows; ++r) {
      const std::string doc = Row(rng, r);
      json_out << doc << "\n";
      Status s = decoder.DecodeRow(doc, batch);
      ASSERT_TRUE(s.ok()) << s.message() << "\n" << doc;
      if (batch.num_rows() == 700) {
        ASSERT_TRUE((*writer)->Write(batch).ok());
        batch = Batch::Empty(schema);
      }
    }
    ASSERT_TRUE((*writer)->Write(batch).ok());
    ASSERT_TRUE((*writer)->Finish().ok());
    std::fclose(out);
    json_out.close();
    EXPECT_EQ((*writer)->rows(), static_cast<uint64_t>(rows));

    std::string spec = kEveryTypeSpec;
    spec.replace(spec.find("MIN_GROUPS"), 10, std::to_string(min_row_groups));
    std::ofstream(dir_ / (name + ".spec.json")) << spec;
    const std::string result =
        RunCapture(Python() + " " + SLUICE_SOURCE_DIR + "/test/readers/parquet_check.py " +
                   (dir_ / (name + ".spec.json")).string() + " " + jsonl.string() + " " +
                   file.string());
    EXPECT_NE(result.find("\"ok\": true"), std::string::npos) << result;
    EXPECT_NE(result.find(fmt::format("\"rows\": {},", rows)), std::string::npos) << result;
  }

  fs::path dir_;
};

TEST_F(ParquetReaders, EveryTypeWithNullsSnappy) {
  WriteAndCheck("snappy", 3000, ParquetWriterOptions{}, 1);
}

TEST_F(ParquetReaders, ManyRowGroupsAndPagesZstd) {
  ParquetWriterOptions options;
  options.columns.compression = Compression::kZstd;
  options.columns.page_bytes = 2048;
  options.row_group_bytes = 64 << 10;
  WriteAndCheck("zstd_groups", 20000, options, 10);
}

TEST_F(ParquetReaders, UncompressedWithoutDictionaries) {
  ParquetWriterOptions options;
  options.columns.compression = Compression::kUncompressed;
  options.columns.dictionary = false;
  WriteAndCheck("plain", 2500, options, 1);
}

TEST_F(ParquetReaders, AnEmptyFileHasTheSchemaAndNoRows) {
  WriteAndCheck("empty", 0, ParquetWriterOptions{}, 0);
}

// `sluice run` from JSON lines into the filesystem sink as Parquet, rolling files at 64 KB: the
// folder's files together hold every row once, and no in-progress file is left.
TEST_F(ParquetReaders, FilesystemSinkWritesParquetFilesThatHoldEveryRow) {
  const Schema schema = EveryType();
  std::mt19937 rng(42);
  {
    std::ofstream json_out(dir_ / "in.jsonl");
    for (int r = 0; r < 6000; ++r) json_out << Row(rng, r) << "\n";
  }
  const std::string columns =
      "b BOOLEAN, i INT, l BIGINT, d DOUBLE, small_dec DECIMAL(9, 3), dec DECIMAL(18, 2), "
      "wide_dec DECIMAL(38, 6), s STRING, raw BYTES, day DATE, ts TIMESTAMP, person ROW<name STRING, age INT>, "
      "scores ARRAY<BIGINT>, visits ARRAY<ROW<at DATE, tags ARRAY<STRING>>>, counts MAP<STRING, BIGINT>";
  std::ofstream(dir_ / "to_parquet.sql")
      << "CREATE TABLE src (" << columns << ") WITH ('connector' = 'filesystem', 'path' = '"
      << (dir_ / "in.jsonl").string() << "', 'format' = 'json');\n"
      << "CREATE TABLE out (" << columns << ") WITH ('connector' = 'filesystem', 'path' = '"
      << (dir_ / "out").string()
      << "', 'format' = 'parquet', 'parquet.compression' = 'zstd', "
         "'sink.rolling-policy.file-size' = '64kb');\n"
      << "INSERT INTO out SELECT * FROM src;\n";
  const std::string run = RunCapture("cd " + dir_.string() + " && " + SLUICE_BINARY +
                                     " run to_parquet.sql");
  ASSERT_NE(run.find("sink out: 6000 rows written"), std::string::npos) << run;
  for (const auto& entry : fs::directory_iterator(dir_ / "out")) {
    EXPECT_EQ(entry.path().extension(), ".parquet") << entry.path();
  }
  std::string spec = kEveryTypeSpec;
  spec.replace(spec.find("MIN_GROUPS"), 10, "2");  // rolled after each batch of 4096 rows
  std::ofstream(dir_ / "folder.spec.json") << spec;
  const std::string result =
      RunCapture(Python() + " " + SLUICE_SOURCE_DIR + "/test/readers/parquet_check.py " +
                 (dir_ / "folder.spec.json").string() + " " + (dir_ / "in.jsonl").string() + " " +
                 (dir_ / "out").string());
  EXPECT_NE(result.find("\"ok\": true"), std::string::npos) << result;
  EXPECT_NE(result.find("\"rows\": 6000,"), std::string::npos) << result;
}

// PARTITIONED BY (k): a Hive-style folder per value ('k=b%2Fc' for 'b/c', NULL and '' in
// '__HIVE_DEFAULT_PARTITION__'), the files without k; pyarrow and DuckDB, reading the folders with
// hive partitioning, give back every row with its k.
TEST_F(ParquetReaders, PartitionedFoldersAreHiveStyle) {
  const char* kKeys[] = {"a", "b/c", nullptr, "x=y", "", "Zürich", "50%", "dot.ted"};
  std::vector<std::string> want;
  {
    std::ofstream json_out(dir_ / "keyed.jsonl");
    for (int r = 0; r < 4000; ++r) {
      const char* key = kKeys[r % 8];
      json_out << "{\"k\": " << (key ? "\"" + std::string(key) + "\"" : std::string("null"))
               << ", \"n\": " << r << "}\n";
      // Hive, Spark and pyarrow read the empty string's folder back as NULL.
      want.push_back((key && *key ? std::string(key) : "None") + "|" + std::to_string(r));
    }
  }
  std::ofstream(dir_ / "partitioned.sql")
      << "CREATE TABLE src (k STRING, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '"
      << (dir_ / "keyed.jsonl").string() << "');\n"
      << "CREATE TABLE out (n BIGINT, k STRING) PARTITIONED BY (k) WITH ('connector' = "
         "'filesystem', 'path' = '" << (dir_ / "keyed").string() << "', 'format' = 'parquet');\n"
      << "INSERT INTO out SELECT n, k FROM src;\n";
  const std::string run = RunCapture("cd " + dir_.string() + " && " + SLUICE_BINARY +
                                     " run partitioned.sql");
  ASSERT_NE(run.find("sink out: 4000 rows written"), std::string::npos) << run;
  EXPECT_TRUE(fs::is_directory(dir_ / "keyed" / "k=b%2Fc")) << run;
  EXPECT_TRUE(fs::is_directory(dir_ / "keyed" / "k=x%3Dy"));
  EXPECT_TRUE(fs::is_directory(dir_ / "keyed" / "k=__HIVE_DEFAULT_PARTITION__"));
  std::ofstream(dir_ / "read_keyed.py")
      << "import sys, pyarrow.dataset as ds, duckdb\n"
         "t = ds.dataset(sys.argv[1], format='parquet', partitioning='hive').to_table()\n"
         "assert t.schema.names == ['n', 'k'], t.schema.names\n"
         "a = sorted(f\"{r['k']}|{r['n']}\" for r in t.to_pylist())\n"
         "rows = duckdb.sql(f\"SELECT k, n FROM read_parquet('{sys.argv[1]}/*/*.parquet', "
         "hive_partitioning = true)\").fetchall()\n"
         "d = sorted(f'{k}|{n}' for k, n in rows)\n"
         "print('pyarrow', len(a)); print('\\n'.join(a))\n"
         "print('duckdb', len(d)); print('\\n'.join(d))\n";
  const std::string read = RunCapture(Python() + " " + (dir_ / "read_keyed.py").string() + " " +
                                      (dir_ / "keyed").string());
  std::sort(want.begin(), want.end());
  std::string expected;
  for (const auto& line : want) expected += line + "\n";
  const std::string both = "pyarrow 4000\n" + expected + "duckdb 4000\n" + expected;
  EXPECT_EQ(read, both);
}

}  // namespace
}  // namespace sluice
