// ResumeFilterOperator: after a restart, replayed rows a sink already holds are dropped per
// partition; everything else passes.
#include <gtest/gtest.h>

#include "exec/record_positions.h"
#include "exec/resume_filter_operator.h"
#include "test_columns.h"

namespace sluice {
namespace {

// Records the ids (column 0) of every live row pushed into it.
class Capture final : public Operator {
 public:
  explicit Capture(std::vector<int32_t>* ids) : ids_(ids) {}
  Status Push(const Batch& batch, EvalContext&) override {
    ++pushes;
    for (size_t i = 0; i < batch.num_live_rows(); ++i) {
      ids_->push_back(batch.column(0).Get<int32_t>(batch.selection()[i]));
    }
    return Status::OK();
  }
  std::string Describe() const override { return "capture"; }
  int pushes = 0;

 private:
  std::vector<int32_t>* ids_;
};

class ResumeFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto capture = std::make_unique<Capture>(&seen_);
    capture_ = capture.get();
    filter_.AddOutput(std::move(capture));
  }

  // Pushes rows with ids 0..n-1 from the given (partition, offset) positions.
  Status Push(const std::vector<std::pair<int32_t, int64_t>>& rows,
              SelectionVector selection = SelectionVector::All()) {
    std::vector<std::optional<int32_t>> ids;
    positions_ = RecordPositions{};
    positions_.origin = "orders";
    for (size_t i = 0; i < rows.size(); ++i) {
      ids.push_back(static_cast<int32_t>(i));
      positions_.partition.push_back(rows[i].first);
      positions_.offset.push_back(rows[i].second);
    }
    Batch batch = test::MakeBatch({test::Ints(ids)});
    batch.set_selection(std::move(selection));
    EvalContext context;
    context.positions = &positions_;
    return filter_.Push(batch, context);
  }

  ResumeFilterOperator filter_;
  Capture* capture_ = nullptr;
  std::vector<int32_t> seen_;
  RecordPositions positions_;
};

TEST_F(ResumeFilterTest, DropsRowsBelowTheResumeOffsetOfTheirPartition) {
  filter_.SetResume({{0, 100}, {1, 50}});
  ASSERT_TRUE(filter_.active());
  // Rows 0, 1: partition 0 below 100; row 2: partition 1 below 50; row 3: partition 2 has no
  // resume point; row 4: partition 1 at 50 (the first record the sink lacks).
  ASSERT_TRUE(Push({{0, 98}, {0, 99}, {1, 49}, {2, 0}, {1, 50}}).ok());
  EXPECT_EQ(seen_, (std::vector<int32_t>{3, 4}));
  EXPECT_EQ(filter_.rows_skipped(), 3u);
  EXPECT_EQ(filter_.rows_in(), 5u);
  EXPECT_EQ(filter_.rows_out(), 2u);
  EXPECT_TRUE(filter_.active());  // partition 0 has not reached 100 yet
}

TEST_F(ResumeFilterTest, OnceAPartitionReachesItsOffsetLaterRowsPass) {
  filter_.SetResume({{0, 10}});
  ASSERT_TRUE(Push({{0, 8}, {0, 9}}).ok());
  EXPECT_TRUE(seen_.empty());
  EXPECT_EQ(capture_->pushes, 0);  // an empty result is not pushed on
  EXPECT_EQ(filter_.rows_skipped(), 2u);

  ASSERT_TRUE(Push({{0, 9}, {0, 11}, {0, 12}}).ok());  // jumps past 10 (a compacted offset)
  EXPECT_EQ(seen_, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(filter_.rows_skipped(), 3u);
  EXPECT_FALSE(filter_.active());  // every partition has passed: a plain pass-through now

  seen_.clear();
  ASSERT_TRUE(Push({{0, 3}, {0, 13}}).ok());  // not filtered any more
  EXPECT_EQ(seen_, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(filter_.rows_skipped(), 3u);
}

TEST_F(ResumeFilterTest, RowsOfOtherPartitionsPassUntouched) {
  filter_.SetResume({{7, 1000}});
  ASSERT_TRUE(Push({{0, 1}, {1, 2}, {2, 3}}).ok());
  EXPECT_EQ(seen_, (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(filter_.rows_skipped(), 0u);
  EXPECT_TRUE(filter_.active());
}

TEST_F(ResumeFilterTest, RespectsTheIncomingSelection) {
  filter_.SetResume({{0, 5}});
  // Row 0 (offset 4) would be dropped, row 1 is not live, rows 2 and 3 are at or past 5.
  ASSERT_TRUE(Push({{0, 4}, {0, 3}, {0, 5}, {0, 6}}, SelectionVector::Of({0, 2, 3})).ok());
  EXPECT_EQ(seen_, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(filter_.rows_skipped(), 1u);
  EXPECT_EQ(filter_.rows_in(), 3u);
}

TEST_F(ResumeFilterTest, WithoutResumePointsEverythingPasses) {
  EXPECT_FALSE(filter_.active());
  ASSERT_TRUE(Push({{0, 0}, {0, 1}}).ok());
  EXPECT_EQ(seen_, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(filter_.rows_skipped(), 0u);
  EXPECT_EQ(filter_.Describe(), "");  // explain leaves it out
}

TEST_F(ResumeFilterTest, WithoutPositionsEverythingPasses) {
  filter_.SetResume({{0, 100}});
  Batch batch = test::MakeBatch({test::Ints({5, 6})});
  EvalContext context;  // no positions: the batch did not come from a positioned source
  ASSERT_TRUE(filter_.Push(batch, context).ok());
  EXPECT_EQ(seen_, (std::vector<int32_t>{5, 6}));
  EXPECT_EQ(filter_.rows_skipped(), 0u);
  EXPECT_TRUE(filter_.active());
}

}  // namespace
}  // namespace sluice
