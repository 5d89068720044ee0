#pragma once

#include <cstdint>
#include <string>

#include "exec/operator.h"

namespace sluice {

// Event-time windows of fixed size: TUMBLE (slide = size) and HOP (slide < size, so a row is in
// size/slide windows), as Flink's window table functions and Spark's window(ts, size[, slide]).
struct WindowSpec {
  ExpressionPtr time;  // a TIMESTAMP expression over the input
  int64_t size_us = 0;
  int64_t slide_us = 0;
  int64_t offset_us = 0;  // windows start at offset + k * slide
  bool window_time = false;  // also add window_time (= window_end - 1 µs), as Flink's TVFs
};

// Appends window_start and window_end (TIMESTAMP) to every row, once per window it falls in;
// rows whose time is NULL belong to no window and are left out.
class WindowAssignOperator final : public Operator {
 public:
  explicit WindowAssignOperator(WindowSpec spec) : spec_(std::move(spec)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  // A tumbling window puts each row in one window (or none, when its time is NULL); a hopping
  // window repeats rows.
  RowFlow row_flow() const override {
    return spec_.slide_us == spec_.size_us ? RowFlow::kFilters : RowFlow::kTransforms;
  }
  std::string_view dropped_as() const override { return "null-time"; }
  std::string Describe() const override;

 private:
  WindowSpec spec_;
};

// The start of the last window of `slide` (offset by `offset`) that contains `t`.
inline int64_t LastWindowStart(int64_t t, int64_t slide, int64_t offset) {
  int64_t shifted = t - offset;
  int64_t k = shifted / slide;
  if (shifted % slide < 0) --k;  // floor, also before 1970
  return k * slide + offset;
}

}  // namespace sluice
