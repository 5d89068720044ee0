// SpillStore: segments appended, read and removed in order; the manifest restores them after a
// restart; debris and damage are detected; the room limit and the progress the segments cover.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "connector/spill/spill_store.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class SpillStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("sluice_spill_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SpillStore> Open(uint64_t max_bytes = 1 << 20) {
    auto store = SpillStore::Open(dir_, max_bytes);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::string ReadFile(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

SourceOffsets Offsets(const std::string& origin, PartitionOffsets partitions) {
  return {{origin, std::move(partitions)}};
}

TEST_F(SpillStoreTest, OpenCreatesAnEmptyFolder) {
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_TRUE(store->empty());
  EXPECT_EQ(store->bytes(), 0u);
  EXPECT_EQ(store->rows(), 0u);
  EXPECT_TRUE(store->Progress().empty());
  // Nothing to deliver: reading is an error, popping a no-op.
  EXPECT_FALSE(store->ReadFront().ok());
  EXPECT_TRUE(store->PopFront().ok());
}

TEST_F(SpillStoreTest, AppendedSegmentsAreReadBackInOrder) {
  auto store = Open();
  ASSERT_TRUE(store);
  const std::string binary("a\0b\xff\n", 5);  // segments are bytes, not text
  ASSERT_TRUE(store->Append(binary, 2, Offsets("orders", {{0, 10}})).ok());
  ASSERT_TRUE(store->Append("second", 3, Offsets("orders", {{0, 20}})).ok());

  ASSERT_EQ(store->segments().size(), 2u);
  EXPECT_EQ(store->segments()[0].sequence, 1u);
  EXPECT_EQ(store->segments()[0].file, "0000000001.spill");
  EXPECT_EQ(store->segments()[0].bytes, 5u);
  EXPECT_EQ(store->segments()[0].rows, 2u);
  EXPECT_EQ(store->segments()[1].sequence, 2u);
  EXPECT_EQ(store->segments()[1].file, "0000000002.spill");
  EXPECT_EQ(store->bytes(), 11u);
  EXPECT_EQ(store->rows(), 5u);
  EXPECT_EQ(ReadFile("0000000001.spill"), binary);

  auto front = store->ReadFront();
  ASSERT_TRUE(front.ok()) << front.status().ToString();
  EXPECT_EQ(*front, binary);
}

TEST_F(SpillStoreTest, PopFrontRemovesTheFileAndUpdatesTheManifest) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append("first", 1, {}).ok());
  ASSERT_TRUE(store->Append("second", 2, {}).ok());
  ASSERT_TRUE(store->PopFront().ok());

  EXPECT_FALSE(fs::exists(dir_ / "0000000001.spill"));
  EXPECT_TRUE(fs::exists(dir_ / "0000000002.spill"));
  EXPECT_EQ(store->bytes(), 6u);
  EXPECT_EQ(store->rows(), 2u);
  auto front = store->ReadFront();
  ASSERT_TRUE(front.ok());
  EXPECT_EQ(*front, "second");

  auto listed = SpillStore::ReadManifest(dir_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].file, "0000000002.spill");

  ASSERT_TRUE(store->PopFront().ok());
  EXPECT_TRUE(store->empty());
  EXPECT_EQ(store->bytes(), 0u);
  EXPECT_FALSE(fs::exists(dir_ / "0000000002.spill"));
  listed = SpillStore::ReadManifest(dir_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(SpillStoreTest, ReopeningRestoresSegmentsInOrderAndContinuesTheSequence) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append("a", 1, Offsets("t", {{0, 5}})).ok());
    ASSERT_TRUE(store->Append("bb", 2, Offsets("t", {{0, 9}, {1, 4}})).ok());
    ASSERT_TRUE(store->Append("ccc", 4, Offsets("u", {{3, 100}})).ok());
    ASSERT_TRUE(store->PopFront().ok());  // sequence 1 is gone; 2 and 3 remain
  }
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_EQ(store->segments().size(), 2u);
  const SpillSegment& second = store->segments()[0];
  const SpillSegment& third = store->segments()[1];
  EXPECT_EQ(second.sequence, 2u);
  EXPECT_EQ(second.file, "0000000002.spill");
  EXPECT_EQ(second.rows, 2u);
  EXPECT_EQ(second.bytes, 2u);
  EXPECT_EQ(second.progress, Offsets("t", {{0, 9}, {1, 4}}));
  EXPECT_EQ(third.sequence, 3u);
  EXPECT_EQ(third.rows, 4u);
  EXPECT_EQ(third.bytes, 3u);
  EXPECT_EQ(third.progress, Offsets("u", {{3, 100}}));
  EXPECT_EQ(store->bytes(), 5u);
  EXPECT_EQ(store->rows(), 6u);

  // The next segment follows the highest listed one, never reusing a live name.
  ASSERT_TRUE(store->Append("dddd", 1, {}).ok());
  EXPECT_EQ(store->segments().back().sequence, 4u);
  EXPECT_EQ(store->segments().back().file, "0000000004.spill");

  auto front = store->ReadFront();
  ASSERT_TRUE(front.ok());
  EXPECT_EQ(*front, "bb");
  ASSERT_TRUE(store->PopFront().ok());
  front = store->ReadFront();
  ASSERT_TRUE(front.ok());
  EXPECT_EQ(*front, "ccc");
  ASSERT_TRUE(store->PopFront().ok());
  front = store->ReadFront();
  ASSERT_TRUE(front.ok());
  EXPECT_EQ(*front, "dddd");
}

TEST_F(SpillStoreTest, UnlistedSpillFilesAreRemovedOnOpen) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append("kept", 1, {}).ok());
  }
  // A segment being written when the process died, and a file that is not a segment.
  WriteFile("0000000099.spill", "half a seg");
  WriteFile("notes.txt", "not ours");
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_FALSE(fs::exists(dir_ / "0000000099.spill"));
  EXPECT_TRUE(fs::exists(dir_ / "0000000001.spill"));
  EXPECT_TRUE(fs::exists(dir_ / "notes.txt"));
  ASSERT_EQ(store->segments().size(), 1u);
  EXPECT_EQ(store->bytes(), 4u);
  // The debris' number is not taken into account: the next segment is 2.
  ASSERT_TRUE(store->Append("next", 1, {}).ok());
  EXPECT_EQ(store->segments().back().file, "0000000002.spill");
}

TEST_F(SpillStoreTest, DebrisWithoutAManifestIsRemoved) {
  fs::create_directories(dir_);
  WriteFile("0000000001.spill", "orphan");
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->empty());
  EXPECT_FALSE(fs::exists(dir_ / "0000000001.spill"));
}

TEST_F(SpillStoreTest, ASegmentOfTheWrongSizeIsAnIOErrorNamingTheFile) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append("twelve bytes", 1, {}).ok());
  }
  WriteFile("0000000001.spill", "short");
  auto store = Open();
  ASSERT_TRUE(store);
  auto front = store->ReadFront();
  ASSERT_FALSE(front.ok());
  EXPECT_EQ(front.status().code(), StatusCode::kIOError);
  EXPECT_NE(front.status().message().find("0000000001.spill"), std::string::npos)
      << front.status().message();
}

TEST_F(SpillStoreTest, AMissingSegmentIsAnIOErrorNamingTheFile) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append("data", 1, {}).ok());
  fs::remove(dir_ / "0000000001.spill");
  auto front = store->ReadFront();
  ASSERT_FALSE(front.ok());
  EXPECT_EQ(front.status().code(), StatusCode::kIOError);
  EXPECT_NE(front.status().message().find("0000000001.spill"), std::string::npos);
}

TEST_F(SpillStoreTest, AMalformedManifestIsAnIOError) {
  const std::vector<std::string> manifests = {
      "{\"segments\":[",                                   // cut short
      "not json at all",                                   // not JSON
      "{\"other\":[]}",                                    // no segment list
      "{\"segments\":[{\"sequence\":1,\"file\":\"0000000001.spill\"}]}",  // fields missing
      "{\"segments\":[{\"sequence\":\"one\",\"file\":\"0000000001.spill\",\"rows\":1,"
      "\"bytes\":1,\"progress\":{}}]}",  // a number as text
      // A partition that is not a number.
      "{\"segments\":[{\"sequence\":1,\"file\":\"0000000001.spill\",\"rows\":1,\"bytes\":1,"
      "\"progress\":{\"t\":{\"zero\":5}}}]}",
      // A partition beyond int32.
      "{\"segments\":[{\"sequence\":1,\"file\":\"0000000001.spill\",\"rows\":1,\"bytes\":1,"
      "\"progress\":{\"t\":{\"99999999999\":5}}}]}",
  };
  for (const auto& manifest : manifests) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    WriteFile("manifest.json", manifest);
    auto store = SpillStore::Open(dir_, 1 << 20);
    ASSERT_FALSE(store.ok()) << manifest;
    EXPECT_EQ(store.status().code(), StatusCode::kIOError) << manifest;
    EXPECT_NE(store.status().message().find("manifest.json"), std::string::npos)
        << store.status().message();
  }
}

// A damaged or edited manifest must not make the store read or delete a file outside its folder
// (found by the spill_manifest fuzz target): a segment's file is the name its sequence gives.
TEST_F(SpillStoreTest, AManifestNamingAnotherFileIsRefusedAndTheFileKept) {
  const fs::path outside = dir_.string() + "_outside.spill";
  std::ofstream(outside) << "x";
  const std::vector<std::string> files = {"../" + outside.filename().string(), outside.string(),
                                          "0000000002.spill", "1.spill"};
  for (const auto& file : files) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    WriteFile("manifest.json", "{\"segments\":[{\"sequence\":1,\"file\":\"" + file +
                                   "\",\"rows\":1,\"bytes\":1,\"progress\":{}}]}");
    auto store = SpillStore::Open(dir_, 1 << 20);
    ASSERT_FALSE(store.ok()) << file;
    EXPECT_EQ(store.status().code(), StatusCode::kIOError) << file;
    EXPECT_NE(store.status().message().find("under another name"), std::string::npos)
        << store.status().message();
  }
  EXPECT_TRUE(fs::exists(outside));
  fs::remove(outside);
}

TEST_F(SpillStoreTest, AManifestWithSequencesOutOfOrderIsRefused) {
  fs::create_directories(dir_);
  WriteFile("manifest.json",
            "{\"segments\":[{\"sequence\":2,\"file\":\"0000000002.spill\",\"rows\":1,\"bytes\":1,"
            "\"progress\":{}},{\"sequence\":1,\"file\":\"0000000001.spill\",\"rows\":1,\"bytes\":1,"
            "\"progress\":{}}]}");
  auto store = SpillStore::Open(dir_, 1 << 20);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("out of order"), std::string::npos) << store.status().message();
}

TEST_F(SpillStoreTest, HasRoomForRespectsMaxBytesButAlwaysAllowsTheFirstSegment) {
  auto store = Open(10);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->max_bytes(), 10u);
  // A batch larger than the whole folder must still be able to spill, or the sink would wait
  // forever.
  EXPECT_TRUE(store->HasRoomFor(100));
  ASSERT_TRUE(store->Append("123456", 1, {}).ok());
  EXPECT_TRUE(store->HasRoomFor(0));
  EXPECT_TRUE(store->HasRoomFor(4));   // 6 + 4 = 10, exactly full
  EXPECT_FALSE(store->HasRoomFor(5));  // 11 > 10
  ASSERT_TRUE(store->PopFront().ok());
  EXPECT_TRUE(store->HasRoomFor(11));
}

TEST_F(SpillStoreTest, ExtendProgressOnlyMovesTheNewestSegmentForward) {
  auto store = Open();
  ASSERT_TRUE(store);
  // Nothing spilled: nothing to extend, and no segment appears.
  ASSERT_TRUE(store->ExtendProgress(Offsets("t", {{0, 50}})).ok());
  EXPECT_TRUE(store->empty());
  EXPECT_TRUE(store->Progress().empty());

  ASSERT_TRUE(store->Append("old", 1, Offsets("t", {{0, 3}})).ok());
  ASSERT_TRUE(store->Append("new", 1, Offsets("t", {{0, 10}, {1, 5}})).ok());
  // Partition 0 moves back (ignored), 1 forward, 2 is new.
  ASSERT_TRUE(store->ExtendProgress(Offsets("t", {{0, 8}, {1, 7}, {2, 3}})).ok());
  EXPECT_EQ(store->segments().size(), 2u);
  EXPECT_EQ(store->rows(), 2u);
  EXPECT_EQ(store->segments()[0].progress, Offsets("t", {{0, 3}}));
  EXPECT_EQ(store->segments()[1].progress, Offsets("t", {{0, 10}, {1, 7}, {2, 3}}));

  store.reset();
  store = Open();
  ASSERT_TRUE(store);
  ASSERT_EQ(store->segments().size(), 2u);
  EXPECT_EQ(store->segments()[0].progress, Offsets("t", {{0, 3}}));
  EXPECT_EQ(store->segments()[1].progress, Offsets("t", {{0, 10}, {1, 7}, {2, 3}}));
}

TEST_F(SpillStoreTest, ProgressIsTheHighestOffsetOverAllSegments) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Append("a", 1, Offsets("t", {{0, 10}})).ok());
  ASSERT_TRUE(store->Append("b", 1, Offsets("t", {{0, 7}, {1, 4}})).ok());
  SourceOffsets u = Offsets("u", {{0, 1}});
  ASSERT_TRUE(store->Append("c", 1, u).ok());
  SourceOffsets expected = {{"t", {{0, 10}, {1, 4}}}, {"u", {{0, 1}}}};
  EXPECT_EQ(store->Progress(), expected);
  ASSERT_TRUE(store->PopFront().ok());  // the segment with t/0 = 10 is delivered
  expected = {{"t", {{0, 7}, {1, 4}}}, {"u", {{0, 1}}}};
  EXPECT_EQ(store->Progress(), expected);
}

TEST_F(SpillStoreTest, OriginNamesNeedingJsonEscapesSurviveAReopen) {
  SourceOffsets odd = Offsets("we\"ird\\topic", {{-1, 0}, {2, 9007199254740993}});
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Append("x", 1, odd).ok());
  }
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_EQ(store->segments().size(), 1u);
  EXPECT_EQ(store->segments()[0].progress, odd);
}

TEST_F(SpillStoreTest, OpenFailsWhenTheFolderCannotBeCreated) {
  fs::create_directories(dir_);
  WriteFile("file", "x");
  auto store = SpillStore::Open(dir_ / "file" / "sub", 1 << 20);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace sluice
