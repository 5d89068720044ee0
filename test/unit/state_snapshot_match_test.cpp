// Which checkpointed state each stateful operator restores: stable ids from the planner match
// whatever the order; snapshots from before stable ids match by place; any other plan is
// refused with both sides' ids named.
#include <gtest/gtest.h>

#include "state/state_snapshot_match.h"

namespace sluice {
namespace {

StateSnapshot WithIds(const std::vector<std::string>& ids) {
  StateSnapshot s;
  for (const auto& id : ids) s.operators.push_back({id, "bytes of " + id});
  return s;
}

TEST(StateSnapshotMatch, StableIdsMatchInAnyOrder) {
  const StateSnapshot snapshot = WithIds({"cashback/watermark", "per_second/aggregate",
                                          "per_second/late-row-filter"});
  auto match = MatchOperatorStates(
      snapshot, {"per_second/late-row-filter", "cashback/watermark", "per_second/aggregate"},
      {"cashback/1/0", "cashback", "cashback/1/0/0"}, "/state/p");
  ASSERT_TRUE(match.ok()) << match.status().message();
  EXPECT_EQ(*match, (std::vector<size_t>{2, 0, 1}));
}

TEST(StateSnapshotMatch, SnapshotsFromBeforeStableIdsMatchByPlace) {
  // The old ids: the place in the tree, then the explain line (whatever its wording was).
  const StateSnapshot snapshot = WithIds({"cashback: Watermark on `timestamp`",
                                          "cashback/0/0: HashAggregate keys=[customer_id]"});
  auto match = MatchOperatorStates(snapshot, {"cashback/watermark", "per_second/aggregate"},
                                   {"cashback", "cashback/0/0"}, "/state/p");
  ASSERT_TRUE(match.ok()) << match.status().message();
  EXPECT_EQ(*match, (std::vector<size_t>{0, 1}));
}

TEST(StateSnapshotMatch, AnotherPlanIsRefusedNamingBothSides) {
  const StateSnapshot snapshot = WithIds({"cashback/watermark", "per_second/aggregate"});
  auto match = MatchOperatorStates(snapshot, {"cashback/watermark", "per_minute/aggregate"},
                                   {"cashback", "cashback/0/0"}, "/state/p");
  ASSERT_FALSE(match.ok());
  const std::string& m = match.status().message();
  EXPECT_NE(m.find("/state/p was written by a different plan"), std::string::npos) << m;
  EXPECT_NE(m.find("it holds state for 'per_second/aggregate', which this plan lacks"),
            std::string::npos) << m;
  EXPECT_NE(m.find("it has no state for 'per_minute/aggregate'"), std::string::npos) << m;
  EXPECT_NE(m.find("delete that folder"), std::string::npos) << m;
}

TEST(StateSnapshotMatch, AStatefulQueryAddedOrRemovedIsAnotherPlan) {
  const StateSnapshot snapshot = WithIds({"cashback/watermark", "per_second/aggregate"});
  auto added = MatchOperatorStates(
      snapshot, {"cashback/watermark", "per_second/aggregate", "per_minute/aggregate"},
      {"cashback", "cashback/0/0", "cashback/1/0"}, "/state/p");
  ASSERT_FALSE(added.ok());
  EXPECT_NE(added.status().message().find("no state for 'per_minute/aggregate'"), std::string::npos)
      << added.status().message();
  auto removed = MatchOperatorStates(snapshot, {"cashback/watermark"}, {"cashback"}, "/state/p");
  ASSERT_FALSE(removed.ok());
  EXPECT_NE(removed.status().message().find("holds state for 'per_second/aggregate'"),
            std::string::npos)
      << removed.status().message();
}

TEST(StateSnapshotMatch, AnOldSnapshotOfAnotherTreeIsRefused) {
  const StateSnapshot snapshot = WithIds({"cashback/0/0: HashAggregate keys=[customer_id]"});
  auto match = MatchOperatorStates(snapshot, {"per_second/aggregate"}, {"cashback/1/0"}, "/state/p");
  ASSERT_FALSE(match.ok());
  EXPECT_NE(match.status().message().find("'cashback/0/0: HashAggregate keys=[customer_id]'"),
            std::string::npos)
      << match.status().message();
}

}  // namespace
}  // namespace sluice
