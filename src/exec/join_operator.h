#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "exec/operator.h"
#include "types/schema.h"

namespace sluice {

// One input of a stream-stream join.
struct JoinSide {
  std::vector<ExpressionPtr> keys;  // equi-join keys over this side's rows
  Schema schema;                    // this side's columns
  // When a stored row can no longer match (its state is dropped): once the watermark reaches
  // row[expiry_column] + expiry_offset_us (at or past it when `expire_at_equal`). -1: kept for
  // ever (a regular join).
  int expiry_column = -1;
  int64_t expiry_offset_us = 0;
  bool expire_at_equal = false;
};

struct JoinSpec {
  JoinSide sides[2];             // left, right
  ExpressionPtr condition;       // the whole ON condition over left ++ right (may be null)
  Schema output_schema;          // left columns, then right columns
  std::string text;              // for explain
};

// An inner join of two streams by hashing: each row is stored under its key and matched with
// the rows the other side stored so far, so every pair is emitted once, when its second row
// arrives. Interval joins (time bounds between the sides) and window joins (both sides keyed by
// the same window) drop rows the watermark has made unmatchable, so state stays bounded.
class JoinOperator final : public Operator {
 public:
  explicit JoinOperator(JoinSpec spec) : spec_(std::move(spec)) {}

  Status PushSide(int side, const Batch& batch, EvalContext& context);
  Status WatermarkSide(int side, int64_t watermark, EvalContext& context);
  Status FinishSide(int side);

  Status Push(const Batch&, EvalContext&) override { return Status::Internal("join: push to a side"); }
  std::string Describe() const override;
  StateSize state_size() const override { return {state_[0].stored + state_[1].stored, 0}; }
  std::string_view state_kind() const override { return "join"; }
  Status SnapshotState(std::string& out) const override;
  Status RestoreState(std::string_view in) override;

 private:
  struct StoredRow {
    std::string row;  // this side's columns, encoded
    int64_t expiry;   // INT64_MAX: never
  };
  struct SideState {
    absl::flat_hash_map<std::string, std::vector<StoredRow>> rows;
    std::multimap<int64_t, std::string> expiries;  // expiry -> key, for eviction
    int64_t watermark = INT64_MIN;
    bool finished = false;
    size_t stored = 0;
  };
  void Evict(int side, int64_t watermark);

  JoinSpec spec_;
  SideState state_[2];
  int64_t watermark_ = INT64_MIN;
  std::string key_;
};

// The end of one side's operator chain: hands its batches, watermarks and end to the join. The
// left input owns the join (as its output); the right one only points at it.
class JoinInputOperator final : public Operator {
 public:
  JoinInputOperator(int side, JoinOperator* join) : side_(side), join_(join) {}

  Status Push(const Batch& batch, EvalContext& context) override {
    CountIn(batch);
    return join_->PushSide(side_, batch, context);
  }
  Status OnWatermark(int64_t watermark, EvalContext& context) override {
    return join_->WatermarkSide(side_, watermark, context);
  }
  Status OnTick(EvalContext& context) override {
    return side_ == 0 ? Operator::OnTick(context) : Status::OK();
  }
  Status Finish() override { return join_->FinishSide(side_); }
  std::string Describe() const override {
    return side_ == 0 ? "" : "(right input of the join above)";
  }
  // Marks the side's query as stateful, so a restart skips what the join's state covers.
  std::string_view state_kind() const override { return "join-input"; }

 private:
  int side_;
  JoinOperator* join_;
};

}  // namespace sluice
