// MergeMax: offsets only move forward; new origins and partitions are added.
#include <gtest/gtest.h>

#include "connector/source_offsets.h"

namespace sluice {
namespace {

TEST(SourceOffsetsTest, MergeMaxKeepsTheHigherOffsetPerPartition) {
  SourceOffsets into = {{"orders", {{0, 100}, {1, 50}}}};
  MergeMax(into, {{"orders", {{0, 90}, {1, 60}, {2, 7}}}});
  SourceOffsets expected = {{"orders", {{0, 100}, {1, 60}, {2, 7}}}};
  EXPECT_EQ(into, expected);
}

TEST(SourceOffsetsTest, MergeMaxAddsOriginsAndLeavesOthersAlone) {
  SourceOffsets into = {{"orders", {{0, 5}}}};
  MergeMax(into, {{"payments", {{3, 1}}}});
  SourceOffsets expected = {{"orders", {{0, 5}}}, {"payments", {{3, 1}}}};
  EXPECT_EQ(into, expected);
}

TEST(SourceOffsetsTest, MergeMaxIntoEmptyCopiesAndFromEmptyChangesNothing) {
  SourceOffsets from = {{"t", {{0, -1}, {4, 0}}}};  // -1 is a real value, not "absent"
  SourceOffsets into;
  MergeMax(into, from);
  EXPECT_EQ(into, from);
  MergeMax(into, {});
  EXPECT_EQ(into, from);
}

TEST(SourceOffsetsTest, MergeMaxIsIdempotentAndOrderIndependent) {
  SourceOffsets a = {{"t", {{0, 10}, {1, 3}}}};
  SourceOffsets b = {{"t", {{0, 4}, {1, 8}}}, {"u", {{0, 2}}}};
  SourceOffsets ab = a, ba = b;
  MergeMax(ab, b);
  MergeMax(ba, a);
  SourceOffsets expected = {{"t", {{0, 10}, {1, 8}}}, {"u", {{0, 2}}}};
  EXPECT_EQ(ab, expected);
  EXPECT_EQ(ba, expected);
  MergeMax(ab, b);
  EXPECT_EQ(ab, expected);
}

}  // namespace
}  // namespace sluice
