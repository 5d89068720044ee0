// The filesystem source (JSON lines, JSON arrays, directories) and sink (atomic commits, CSV).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <fstream>
#include <sstream>

#include "connector/connector_registry.h"
#include "connector/filesystem/filesystem_sink.h"
#include "connector/filesystem/filesystem_source.h"
#include "exec/record_decoder.h"
#include "test_columns.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class FilesystemConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("sluice_fs_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  static std::string ReadFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Names in `dir`, sorted; hidden ones only if asked.
  static std::vector<std::string> List(const fs::path& dir, bool hidden = false) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::string name = e.path().filename().string();
      if (hidden || name[0] != '.') names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::unique_ptr<Source> MakeSource(std::map<std::string, std::string> options) {
    auto s = FilesystemSource::Make(ConnectorOptions("events", std::move(options)));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE((*s)->Open().ok());
    return std::move(s).value();
  }
  std::unique_ptr<Sink> MakeSink(std::map<std::string, std::string> options,
                                 const Schema& schema) {
    auto s = FilesystemSink::Make(ConnectorOptions("out", std::move(options)), schema);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE((*s)->Open().ok());
    return std::move(s).value();
  }

  fs::path dir_;
};

TEST_F(FilesystemConnectorTest, JsonLinesSkipBlankLinesAndNumberLinesFromOne) {
  std::string path = WriteFile("a.json", "{\"a\":1}\n{\"a\":2}\r\n\n   \n{\"a\":3}");
  auto source = MakeSource({{"path", path}});
  RawBatch batch;
  auto more = source->Poll(batch, 100, 10ms);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.origin(), path);
  EXPECT_EQ(batch[0].value, "{\"a\":1}");
  EXPECT_EQ(batch[1].value, "{\"a\":2}");
  EXPECT_EQ(batch[2].value, "{\"a\":3}");
  EXPECT_EQ(batch[0].offset, 1);
  EXPECT_EQ(batch[1].offset, 2);
  EXPECT_EQ(batch[2].offset, 5);
}

TEST_F(FilesystemConnectorTest, ByteOrderMarkIsSkipped) {
  std::string lines = WriteFile("bom.json", "\xEF\xBB\xBF{\"a\":1}\n");
  std::string array = WriteFile("bom-array.json", "\xEF\xBB\xBF[{\"a\":2}]");
  RawBatch raw;
  ASSERT_TRUE(MakeSource({{"path", lines}})->Poll(raw, 10, 10ms).ok());
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].value, "{\"a\":1}");
  RawBatch raw_array;
  auto r = MakeSource({{"path", array}, {"format", "json-array"}})->Poll(raw_array, 10, 10ms);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(raw_array.size(), 1u);
  EXPECT_EQ(raw_array[0].value, "{\"a\":2}");
}

TEST_F(FilesystemConnectorTest, MalformedLineBecomesADeadLetterWithFileAndLine) {
  std::string path = WriteFile("bad.json", "{\"a\":1}\n{not json\n{\"a\":3}\n");
  auto source = MakeSource({{"path", path}, {"format", "json"}});
  RawBatch raw;
  ASSERT_TRUE(source->Poll(raw, 100, 10ms).ok());
  ASSERT_EQ(raw.size(), 3u);
  auto decoder = RecordDecoder::Make({{{"a", DataType::Int32(), true}, ""}}, "json");
  ASSERT_TRUE(decoder.ok());
  std::vector<DeadLetter> dead;
  auto rows = (*decoder)->Decode(raw, dead);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->num_rows(), 2u);
  EXPECT_EQ(rows->column(0).Get<int32_t>(1), 3);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, "{not json");
  EXPECT_EQ(dead[0].offset, 2);
  EXPECT_EQ(dead[0].origin, path);
}

TEST_F(FilesystemConnectorTest, DirectoryIsReadInNameOrderSkippingHiddenFiles) {
  WriteFile("in/b.json", "{\"f\":\"b1\"}\n");
  WriteFile("in/a.json", "{\"f\":\"a1\"}\n{\"f\":\"a2\"}\n");
  WriteFile("in/.part-0-0.inprogress", "{\"f\":\"hidden\"}\n");
  WriteFile("in/_SUCCESS", "");
  auto source = MakeSource({{"path", (dir_ / "in").string()}});
  std::vector<std::pair<std::string, std::string>> seen;  // origin file name, value
  bool more = true;
  while (more) {
    RawBatch batch;
    auto r = source->Poll(batch, 100, 10ms);
    ASSERT_TRUE(r.ok());
    more = *r;
    for (const auto& record : batch.records()) {
      seen.emplace_back(fs::path(std::string(batch.origin())).filename().string(),
                        std::string(record.value));
    }
  }
  std::vector<std::pair<std::string, std::string>> expected = {
      {"a.json", "{\"f\":\"a1\"}"}, {"a.json", "{\"f\":\"a2\"}"}, {"b.json", "{\"f\":\"b1\"}"}};
  EXPECT_EQ(seen, expected);
}

TEST_F(FilesystemConnectorTest, PollRespectsMaxRecords) {
  std::string path = WriteFile("n.json", "1\n2\n3\n4\n5\n");
  auto source = MakeSource({{"path", path}});
  std::vector<size_t> sizes;
  bool more = true;
  while (more) {
    RawBatch batch;
    auto r = source->Poll(batch, 2, 10ms);
    ASSERT_TRUE(r.ok());
    more = *r;
    sizes.push_back(batch.size());
  }
  ASSERT_GE(sizes.size(), 3u);
  EXPECT_EQ(sizes[0], 2u);
  EXPECT_EQ(sizes[1], 2u);
  EXPECT_EQ(sizes[2], 1u);
}

TEST_F(FilesystemConnectorTest, JsonArrayElementsAreRecords) {
  std::string path =
      WriteFile("arr.json", " [ {\"a\": 1}, {\"a\":[2, 3]} ,\n 5, \"text\" ]\n");
  auto source = MakeSource({{"path", path}, {"format", "json-array"}});
  RawBatch raw;
  auto more = source->Poll(raw, 100, 10ms);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);
  ASSERT_EQ(raw.size(), 4u);
  EXPECT_EQ(raw[0].value, "{\"a\": 1}");
  EXPECT_EQ(raw[1].value, "{\"a\":[2, 3]}");
  EXPECT_EQ(raw[2].value, "5");
  EXPECT_EQ(raw[3].value, "\"text\"");
  EXPECT_EQ(raw[0].offset, 0);
  EXPECT_EQ(raw[3].offset, 3);
  // Elements that are not objects reach the decoder and are dead-lettered there.
  auto decoder = RecordDecoder::Make({{{"a", DataType::Int32(), true}, ""}}, "json-array");
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  std::vector<DeadLetter> dead;
  auto rows = (*decoder)->Decode(raw, dead);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->num_rows(), 1u);
  EXPECT_EQ(dead.size(), 3u);
}

TEST_F(FilesystemConnectorTest, BrokenJsonArrayIsAnErrorNamingTheFile) {
  std::string path = WriteFile("broken.json", "{\"a\":1}");
  auto source = MakeSource({{"path", path}, {"format", "json-array"}});
  RawBatch raw;
  auto r = source->Poll(raw, 100, 10ms);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("not a JSON array"), std::string::npos);
}

TEST_F(FilesystemConnectorTest, MissingPathAndUnknownOptions) {
  auto missing =
      FilesystemSource::Make(ConnectorOptions("t", {{"path", (dir_ / "nope").string()}}));
  ASSERT_TRUE(missing.ok());
  Status open = (*missing)->Open();
  EXPECT_EQ(open.code(), StatusCode::kIOError);
  EXPECT_NE(open.message().find("nope"), std::string::npos);

  auto typo = FilesystemSource::Make(ConnectorOptions("t", {{"path", "x"}, {"fromat", "json"}}));
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("fromat"), std::string::npos);
  EXPECT_NE(typo.status().message().find("path"), std::string::npos) << "lists known options";

  auto no_path = FilesystemSink::Make(ConnectorOptions("t", {}), Schema());
  EXPECT_FALSE(no_path.ok());
  auto bad_format =
      FilesystemSink::Make(ConnectorOptions("t", {{"path", "x"}, {"format", "xml"}}), Schema());
  EXPECT_FALSE(bad_format.ok());
}

Schema PeopleSchema() {
  return Schema({{"id", DataType::Int32(), true},
                 {"name", DataType::String(), true},
                 {"ts", DataType::Timestamp(), true}});
}

Batch PeopleBatch() {
  return test::MakeBatch({test::Ints({1, 2}), test::Strings({"alice", std::nullopt}),
                          test::Timestamps({"2024-03-01 12:30:45", "2024-03-01 00:00:00.5"})});
}

// 'sink.rolling-policy.rollover-interval': a file open that long ends at the next write, so one
// commit publishes two files.
TEST_F(FilesystemConnectorTest, SinkRollsFilesOpenLongerThanTheRolloverInterval) {
  fs::path out = dir_ / "rolled";
  auto sink = MakeSink({{"path", out.string()},
                        {"format", "json"},
                        {"sink.rolling-policy.rollover-interval", "50 ms"}},
                       PeopleSchema());
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());  // the old file ends at this write
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(List(out, true), (std::vector<std::string>{"part-0-0.json", "part-0-1.json"}));
  auto bad = FilesystemSink::Make(
      ConnectorOptions("t", {{"path", "x"}, {"sink.rolling-policy.rollover-interval", "soon"}}),
      PeopleSchema());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("sink.rolling-policy.rollover-interval"), std::string::npos)
      << bad.status().message();
}

TEST_F(FilesystemConnectorTest, SinkFilesAppearOnlyAtCommit) {
  fs::path out = dir_ / "out";
  auto sink = MakeSink({{"path", out.string()}, {"format", "json"}}, PeopleSchema());
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
  EXPECT_TRUE(List(out).empty()) << "nothing visible before Commit";
  EXPECT_EQ(List(out, true), std::vector<std::string>{".part-0-0.inprogress"});
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(List(out, true), std::vector<std::string>{"part-0-0.json"});
  EXPECT_EQ(ReadFile(out / "part-0-0.json"),
            "{\"id\":1,\"name\":\"alice\",\"ts\":\"2024-03-01T12:30:45.000Z\"}\n"
            "{\"id\":2,\"name\":null,\"ts\":\"2024-03-01T00:00:00.500Z\"}\n");
  EXPECT_EQ(sink->rows_written(), 2u);
  ASSERT_TRUE(sink->Close().ok());
}

TEST_F(FilesystemConnectorTest, EachCommitIsANewEpochAndRestartsDoNotOverwrite) {
  fs::path out = dir_ / "out";
  {
    auto sink = MakeSink({{"path", out.string()}}, PeopleSchema());
    ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
    ASSERT_TRUE(sink->Commit().ok());
    ASSERT_TRUE(sink->Commit().ok());  // nothing written: no file
    ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
    ASSERT_TRUE(sink->Commit().ok());
    ASSERT_TRUE(sink->Close().ok());
  }
  EXPECT_EQ(List(out), (std::vector<std::string>{"part-0-0.json", "part-2-0.json"}));
  auto again = MakeSink({{"path", out.string()}}, PeopleSchema());
  ASSERT_TRUE(again->Write(PeopleBatch()).ok());
  ASSERT_TRUE(again->Commit().ok());
  EXPECT_EQ(List(out),
            (std::vector<std::string>{"part-0-0.json", "part-2-0.json", "part-3-0.json"}));
}

TEST_F(FilesystemConnectorTest, CloseWithoutCommitLeavesNothing) {
  fs::path out = dir_ / "out";
  auto sink = MakeSink({{"path", out.string()}}, PeopleSchema());
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
  ASSERT_TRUE(sink->Close().ok());
  EXPECT_TRUE(List(out, true).empty());
}

TEST_F(FilesystemConnectorTest, CsvWithHeaderAndQuoting) {
  fs::path out = dir_ / "csv";
  auto sink = MakeSink({{"path", out.string()}, {"format", "csv"}}, PeopleSchema());
  Batch batch = test::MakeBatch({test::Ints({1, 2}), test::Strings({"Smith, \"J\"", ""}),
                                 test::Timestamps({"2024-03-01 12:30:45.25", std::nullopt})});
  ASSERT_TRUE(sink->Write(batch).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(ReadFile(out / "part-0-0.csv"),
            "id,name,ts\n1,\"Smith, \"\"J\"\"\",2024-03-01 12:30:45.25\n2,\"\",\n");
}

TEST_F(FilesystemConnectorTest, CsvWithoutHeaderAndOtherDelimiter) {
  fs::path out = dir_ / "csv";
  auto sink = MakeSink({{"path", out.string()},
                        {"format", "csv"},
                        {"csv.header", "false"},
                        {"csv.delimiter", ";"}},
                       PeopleSchema());
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(ReadFile(out / "part-0-0.csv"),
            "1;alice;2024-03-01 12:30:45\n2;;2024-03-01 00:00:00.5\n");
  auto bad = FilesystemSink::Make(
      ConnectorOptions("t", {{"path", "x"}, {"format", "csv"}, {"csv.delimiter", ";;"}}),
      PeopleSchema());
  EXPECT_FALSE(bad.ok());
}

TEST_F(FilesystemConnectorTest, RollingPolicyStartsNewFiles) {
  fs::path out = dir_ / "roll";
  auto sink = MakeSink({{"path", out.string()}, {"sink.rolling-policy.file-size", "1b"}},
                       PeopleSchema());
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
  EXPECT_TRUE(List(out).empty());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(List(out, true), (std::vector<std::string>{"part-0-0.json", "part-0-1.json"}));
  auto bad = FilesystemSink::Make(
      ConnectorOptions("t", {{"path", "x"}, {"sink.rolling-policy.file-size", "big"}}),
      PeopleSchema());
  EXPECT_FALSE(bad.ok());
}

TEST_F(FilesystemConnectorTest, SinkWritesOnlySelectedRows) {
  fs::path out = dir_ / "sel";
  auto sink = MakeSink({{"path", out.string()}, {"format", "csv"}, {"csv.header", "false"}},
                       PeopleSchema());
  Batch batch = PeopleBatch();
  batch.set_selection(SelectionVector::Of({1}));
  ASSERT_TRUE(sink->Write(batch).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(ReadFile(out / "part-0-0.csv"), "2,,2024-03-01 00:00:00.5\n");
}

TEST_F(FilesystemConnectorTest, RoundTripThroughSinkAndSource) {
  fs::path out = dir_ / "rt";
  auto sink = MakeSink({{"path", out.string()}, {"json.timestamp-format.standard", "SQL"}},
                       PeopleSchema());
  ASSERT_TRUE(sink->Write(PeopleBatch()).ok());
  ASSERT_TRUE(sink->Commit().ok());
  auto source = MakeSource({{"path", out.string()}});
  RawBatch raw;
  ASSERT_TRUE(source->Poll(raw, 100, 10ms).ok());
  std::vector<ScanColumn> columns;
  const Schema schema = PeopleSchema();
  for (const Field& f : schema.fields()) columns.push_back({f, ""});
  auto decoder = RecordDecoder::Make(columns, "json");
  ASSERT_TRUE(decoder.ok());
  std::vector<DeadLetter> dead;
  auto rows = (*decoder)->Decode(raw, dead);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(dead.empty());
  ASSERT_EQ(rows->num_rows(), 2u);
  EXPECT_EQ(rows->column(1).Get<std::string_view>(0), "alice");
  EXPECT_TRUE(rows->column(1).IsNull(1));
  EXPECT_EQ(rows->column(2).Get<int64_t>(1), *ParseTimestamp("2024-03-01 00:00:00.5"));
}

TEST_F(FilesystemConnectorTest, BuiltinRegistryHasTheEmbeddedConnectors) {
  const ConnectorRegistry& r = ConnectorRegistry::Builtin();
  EXPECT_TRUE(r.HasSource("filesystem"));
  EXPECT_TRUE(r.HasSink("filesystem"));
  EXPECT_TRUE(r.HasSink("print"));
  EXPECT_TRUE(r.HasSink("sqlite"));
  EXPECT_FALSE(r.HasSource("print"));
  // The factories validate options through the registry too.
  Schema schema({{"n", DataType::Int32(), true}});
  EXPECT_TRUE(r.MakeSink("print", ConnectorOptions("c", {{"format", "json"}}), schema).ok());
  auto typo = r.MakeSource("filesystem", ConnectorOptions("c", {{"paht", "x"}}), schema);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("known options: format, path"), std::string::npos)
      << typo.status().ToString();
}

}  // namespace
}  // namespace sluice
