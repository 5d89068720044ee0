#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "exec/hash_aggregate_operator.h"

namespace sluice {

// Session windows (Flink's SESSION table function, Spark's session_window): per key, rows closer
// than `gap` in event time form one session [first, last + gap). A row may bridge two sessions,
// which then merge. A session is final once the watermark passes its end: its aggregates are
// computed then, from the inputs it buffered, and emitted (append mode).
struct SessionSpec {
  HashAggregateSpec aggregate;  // keys include the two window columns, filled from the session
  ExpressionPtr time;           // the event time (TIMESTAMP)
  int64_t gap_us = 0;
  int window_start_key = -1;
  int window_end_key = -1;
};

class SessionAggregateOperator final : public Operator {
 public:
  explicit SessionAggregateOperator(SessionSpec spec);

  Status Push(const Batch& batch, EvalContext& context) override;
  Status OnWatermark(int64_t watermark, EvalContext& context) override;
  Status Finish() override;
  void PrepareStop() override;
  std::string Describe() const override;
  StateSize state_size() const override { return {sessions_.size(), 0}; }  // keys with sessions
  std::string_view state_kind() const override { return "session-aggregate"; }
  Status SnapshotState(std::string& out) const override;
  Status RestoreState(std::string_view in) override;


 private:
  struct Session {
    int64_t start;
    int64_t end;         // last row's time + gap
    std::string inputs;  // per row, every aggregate input value, encoded
    uint64_t rows = 0;
  };
  // Emits (and forgets) the sessions that end at or before `until`.
  Status EmitClosed(int64_t until, EvalContext& context);

  SessionSpec spec_;
  std::vector<AggregateFunction> functions_;
  std::vector<DataType> input_types_;  // every aggregate input, in order
  absl::flat_hash_map<std::string, std::vector<Session>> sessions_;  // by key, sorted by start
  std::multimap<int64_t, std::string> ends_;  // session end -> key (may hold stale entries)
  int64_t watermark_ = INT64_MIN;
  bool stopping_ = false;
  std::string key_;
};

}  // namespace sluice
