// State snapshots: what is prepared is only what is read back once committed; a damaged or
// foreign file is refused with a message that says what to do.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "state/state_snapshot.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

StateSnapshot Sample(int64_t checkpoint) {
  StateSnapshot s;
  s.checkpoint = checkpoint;
  s.positions["topic_a"][0] = 100 + checkpoint;
  s.positions["topic_a"][2] = 7;
  s.operators.push_back({"src/0: HashAggregate", std::string("\0\1state", 7)});
  s.operators.push_back({"src/1: Watermark", ""});
  return s;
}

TEST(StateSnapshot, EncodesAndDecodesEverything) {
  auto decoded = StateSnapshotStore::Decode(StateSnapshotStore::Encode(Sample(3)));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->checkpoint, 3);
  EXPECT_EQ(decoded->positions, Sample(3).positions);
  ASSERT_EQ(decoded->operators.size(), 2u);
  EXPECT_EQ(decoded->operators[0].bytes, std::string("\0\1state", 7));
  EXPECT_EQ(decoded->operators[1].id, "src/1: Watermark");
}

TEST(StateSnapshot, OnlyACommittedSnapshotIsRead) {
  fs::path dir = fs::temp_directory_path() / ("sluice_snapshot_" + std::to_string(getpid()));
  fs::remove_all(dir);
  StateSnapshotStore store(dir);
  auto none = store.LoadCommitted();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store.Prepare(Sample(1)).ok());
  EXPECT_FALSE(store.LoadCommitted()->has_value()) << "prepared is not committed";
  ASSERT_TRUE(store.Commit().ok());
  EXPECT_EQ((*store.LoadCommitted())->checkpoint, 1);
  // A crash between Prepare and Commit leaves the previous snapshot in force.
  ASSERT_TRUE(store.Prepare(Sample(2)).ok());
  StateSnapshotStore after_crash(dir);
  EXPECT_EQ((*after_crash.LoadCommitted())->checkpoint, 1);
  fs::remove_all(dir);
}

TEST(StateSnapshot, DamagedAndForeignFilesAreRefusedClearly) {
  std::string bytes = StateSnapshotStore::Encode(Sample(4));
  std::string flipped = bytes;
  flipped[20] = static_cast<char>(flipped[20] ^ 0x40);
  EXPECT_NE(StateSnapshotStore::Decode(flipped).status().message().find("checksum mismatch"),
            std::string::npos);
  EXPECT_NE(StateSnapshotStore::Decode(bytes.substr(0, 10)).status().message().find("damaged"),
            std::string::npos);
  std::string old_version = bytes;
  old_version[13] = '1';  // SLUICE-STATE-1
  EXPECT_NE(StateSnapshotStore::Decode(old_version).status().message().find("written by another version of sluice"),
            std::string::npos);
  EXPECT_NE(StateSnapshotStore::Decode("hello").status().message().find("not a sluice state snapshot"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice
