#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "expr/expression.h"
#include "vector/batch.h"

namespace sluice {

// A push-based physical operator (Velox/Acero style, minus the threads for now): the driver
// pushes batches in; the operator transforms them and pushes the result to its outputs. Several
// outputs are a fan-out (one source shared by several INSERTs). Batches are never mutated in
// place: an operator builds a new Batch, sharing the columns it does not change.
class Operator {
 public:
  virtual ~Operator() = default;

  virtual Status Push(const Batch& batch, EvalContext& context) = 0;
  // A checkpoint or trigger: make everything pushed so far durable downstream.
  virtual Status Commit();
  // End of input: flush and close downstream.
  virtual Status Finish();
  // Event time has advanced: no record with an event time below `watermark` (microseconds)
  // follows. Windowed operators fire and drop the windows that end at or before it.
  virtual Status OnWatermark(int64_t watermark, EvalContext& context);
  // Called by the driver on every turn of its loop, records or not: processing-time work
  // (triggers, idle-partition timeouts) happens here. `context.now_micros` is the time.
  virtual Status OnTick(EvalContext& context);
  // Checkpointed state (windows, groups, watermarks): an operator that keeps any writes it
  // whole and reads it back after a restart, before the first record.
  virtual bool has_state() const { return false; }
  virtual Status SnapshotState(std::string& /*out*/) const { return Status::OK(); }
  virtual Status RestoreState(std::string_view /*in*/) { return Status::OK(); }
  // The pipeline stops before its input ends and its state is checkpointed: Finish must then
  // not emit open windows as if they were final (they continue after the restart).
  virtual void PrepareStop();
  // One line for `sluice explain`.
  virtual std::string Describe() const = 0;

  void AddOutput(std::unique_ptr<Operator> output) { outputs_.push_back(std::move(output)); }
  const std::vector<std::unique_ptr<Operator>>& outputs() const { return outputs_; }

  uint64_t rows_in() const { return rows_in_; }
  uint64_t rows_out() const { return rows_out_; }

 protected:
  // Sends a batch to every output, counting its live rows.
  Status Emit(const Batch& batch, EvalContext& context);
  void CountIn(const Batch& batch) { rows_in_ += batch.num_live_rows(); }

 private:
  std::vector<std::unique_ptr<Operator>> outputs_;
  uint64_t rows_in_ = 0;
  uint64_t rows_out_ = 0;
};

}  // namespace sluice
