#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "exec/operator.h"
#include "types/schema.h"

namespace sluice {

enum class RankFunction { kRowNumber, kRank, kDenseRank };

struct RankSpec {
  RankFunction function = RankFunction::kRowNumber;
  std::vector<ExpressionPtr> partition_keys;
  std::vector<ExpressionPtr> order_keys;
  std::vector<bool> descending;
  int64_t limit = 1;  // rows whose rank is at most this are kept
  // Window Top-N: the partition key holding a window end; a window's ranking is final and
  // emitted once the watermark reaches its end.
  int window_end_key = -1;
  // Deduplication (ROW_NUMBER() ... ORDER BY <event time> = 1): the first row per key passes at
  // once; keys are forgotten once the watermark passes their time. Its order key is the time.
  bool deduplicate = false;
  int64_t retention_us = 0;  // deduplication: keys live until watermark > time + retention
  // Top-N over a whole stream (ROW_NUMBER only): per trigger, the partitions whose top N
  // changed come out whole, for a sink that upserts by (partition keys, rank).
  bool updating = false;
  int64_t trigger_interval_ms = 1000;
  Schema output_schema;  // the input's columns, then the rank (BIGINT)
  std::string text;      // for explain
};

// ROW_NUMBER() / RANK() / DENSE_RANK() OVER (PARTITION BY ... ORDER BY ...) limited by the
// enclosing query's `rn <= N`: per window and partition only the rows that can still rank at
// most N are kept (one comparison rejects the rest), so state is N rows per partition.
class RankOperator final : public Operator {
 public:
  explicit RankOperator(RankSpec spec) : spec_(std::move(spec)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  Status OnWatermark(int64_t watermark, EvalContext& context) override;
  Status OnTick(EvalContext& context) override;
  Status Finish() override;
  void PrepareStop() override;
  std::string Describe() const override;
  StateSize state_size() const override {
    StateSize size{seen_.size(), 0};  // deduplication keys
    for (const auto& [end, partitions] : windows_) size.rows += partitions.size();
    return size;
  }
  std::string_view state_kind() const override { return "rank"; }
  Status SnapshotState(std::string& out) const override;
  Status RestoreState(std::string_view in) override;


 private:
  struct Candidate {
    std::string sort_key;
    uint64_t sequence;  // arrival order breaks ties for ROW_NUMBER
    std::string row;    // every input column, encoded
  };
  using Partitions = absl::flat_hash_map<std::string, std::vector<Candidate>>;

  Status PushDeduplicate(const Batch& batch, const std::vector<VectorPtr>& keys,
                         const Vector& time, EvalContext& context);
  // Inserts a candidate keeping the list sorted and cut to the rows ranked within the limit.
  void Offer(std::vector<Candidate>& rows, Candidate candidate);
  // The rank of each of `rows` (sorted) by the spec's function.
  std::vector<int64_t> Ranks(const std::vector<Candidate>& rows) const;
  // Would a row with this sort key rank within the limit?
  bool Admits(const std::vector<Candidate>& rows, std::string_view sort_key) const;
  Status EmitWindow(const Partitions& partitions, EvalContext& context);
  // Updating Top-N: the partitions that changed since the last trigger.
  Status EmitChanged(EvalContext& context);

  RankSpec spec_;
  std::map<int64_t, Partitions> windows_;  // by window end (INT64_MIN without windows)
  // Deduplication: first time per key, and keys by time for expiry.
  absl::flat_hash_map<std::string, int64_t> seen_;
  std::multimap<int64_t, std::string> expiry_;
  int64_t watermark_ = INT64_MIN;
  uint64_t sequence_ = 0;
  bool stopping_ = false;
  std::string key_, sort_key_;
  std::vector<std::string> changed_;  // updating Top-N: keys whose rows changed, once each
  absl::flat_hash_map<std::string, bool> changed_set_;
  int64_t last_trigger_us_ = 0;
};

}  // namespace sluice
