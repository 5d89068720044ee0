// The lookup join's cache: a batch never loses a key to its own load's eviction, and a refreshed
// key counts as recently loaded (before, a refreshed key could be evicted in the same load and
// its row dropped from an inner join or NULL-padded in a LEFT join, silently).
#include <gtest/gtest.h>

#include <map>

#include "exec/lookup_join_operator.h"
#include "expr/column_reference.h"
#include "operator_test_support.h"

namespace sluice {
namespace {

// A table of `key -> name` in memory, counting lookups.
class MemoryTable final : public LookupTable {
 public:
  explicit MemoryTable(std::map<std::string, std::string> rows) : rows_(std::move(rows)) {}
  Status Open() override { return Status::OK(); }
  Result<std::vector<Row>> Lookup(const std::vector<std::string>& keys) override {
    std::vector<Row> out;
    for (const auto& k : keys) {
      auto it = rows_.find(k);
      if (it != rows_.end()) out.push_back(Row{k, {it->second}, {false}});
    }
    return out;
  }
  std::string Describe() const override { return "memory"; }

 private:
  std::map<std::string, std::string> rows_;
};

std::vector<std::string> Join(LookupJoinOperator& join, std::vector<std::string>& lines,
                              const std::vector<std::pair<std::string, int64_t>>& rows) {
  lines.clear();
  EvalContext context;
  EXPECT_TRUE(join.Push(test::KeyValueRows(rows), context).ok());
  return lines;
}

std::unique_ptr<LookupJoinOperator> MakeJoin(bool left_outer, int64_t ttl_ms,
                                             std::vector<std::string>* lines) {
  LookupJoinSpec spec;
  spec.key = std::make_shared<ColumnReference>(0, "k", DataType::String());
  spec.table = std::make_unique<MemoryTable>(std::map<std::string, std::string>{
      {"a", "Ann"}, {"b", "Bob"}, {"c", "Cid"}, {"d", "Dee"}});
  spec.table_schema = Schema({Field{"name", DataType::String(), true}});
  spec.left_outer = left_outer;
  spec.cache_max_rows = 2;
  spec.cache_ttl_ms = ttl_ms;
  spec.text = "k = name";
  auto join = std::make_unique<LookupJoinOperator>(std::move(spec));
  join->AddOutput(std::make_unique<test::CollectLines>(lines, [](const Batch& b, uint32_t row) {
    const Vector& name = b.column(2);
    return std::string(b.column(0).Get<std::string_view>(row)) + "=" +
           (name.IsNull(row) ? "NULL" : std::string(name.Get<std::string_view>(row)));
  }));
  return join;
}

TEST(LookupJoinCache, ABatchWithMoreKeysThanTheCacheKeepsEveryMatch) {
  for (bool left : {false, true}) {
    std::vector<std::string> lines;
    auto join = MakeJoin(left, 60000, &lines);
    EXPECT_EQ(Join(*join, lines, {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}}),
              (std::vector<std::string>{"a=Ann", "b=Bob", "c=Cid", "d=Dee"}));
    // The cache kept the two loaded last; hits and a new load in one batch all match.
    EXPECT_EQ(Join(*join, lines, {{"c", 5}, {"a", 6}, {"d", 7}, {"b", 8}}),
              (std::vector<std::string>{"c=Cid", "a=Ann", "d=Dee", "b=Bob"}));
  }
}

TEST(LookupJoinCache, RefreshedKeysAreNotEvictedByTheirOwnLoad) {
  for (bool left : {false, true}) {
    std::vector<std::string> lines;
    auto join = MakeJoin(left, /*ttl_ms=*/0, &lines);  // every key is stale at once
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(Join(*join, lines, {{"a", 1}, {"b", 2}}),
                (std::vector<std::string>{"a=Ann", "b=Bob"}))
          << "round " << round;
      EXPECT_EQ(Join(*join, lines, {{"b", 3}, {"c", 4}, {"a", 5}}),
                (std::vector<std::string>{"b=Bob", "c=Cid", "a=Ann"}))
          << "round " << round;
    }
  }
}

}  // namespace
}  // namespace sluice
