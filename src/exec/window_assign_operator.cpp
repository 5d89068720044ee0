#include "exec/window_assign_operator.h"

#include <fmt/format.h>

#include "vector/take.h"

namespace sluice {
namespace {

std::string DurationText(int64_t us) {
  if (us % 3'600'000'000 == 0) return fmt::format("{} h", us / 3'600'000'000);
  if (us % 60'000'000 == 0) return fmt::format("{} min", us / 60'000'000);
  if (us % 1'000'000 == 0) return fmt::format("{} s", us / 1'000'000);
  return fmt::format("{} ms", static_cast<double>(us) / 1000.0);
}

}  // namespace

Status WindowAssignOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  SLUICE_ASSIGN_OR_RETURN(VectorPtr time, spec_.time->Evaluate(batch, context));
  const size_t live = batch.num_live_rows();
  auto starts = std::make_shared<Vector>(DataType::Timestamp());
  auto ends = std::make_shared<Vector>(DataType::Timestamp());
  starts->Reserve(live);
  ends->Reserve(live);
  const bool tumbling = spec_.slide_us == spec_.size_us;
  std::vector<uint32_t> rows;  // input row of each output row
  rows.reserve(live);
  bool identity = true;  // every live row once, in place: the input columns pass through
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    if (time->IsNull(row)) {
      identity = false;
      continue;
    }
    const int64_t t = time->data<int64_t>()[row];
    int64_t start = LastWindowStart(t, spec_.slide_us, spec_.offset_us);
    if (tumbling) {
      rows.push_back(row);
      starts->Append(start);
      ends->Append(start + spec_.size_us);
      continue;
    }
    identity = false;
    for (; start > t - spec_.size_us; start -= spec_.slide_us) {
      rows.push_back(row);
      starts->Append(start);
      ends->Append(start + spec_.size_us);
    }
  }
  identity = identity && batch.selection().IsAll();
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    columns.push_back(identity ? batch.shared_column(c) : Take(batch.column(c), rows));
  }
  columns.push_back(starts);
  if (spec_.window_time) {
    auto times = std::make_shared<Vector>(DataType::Timestamp());
    times->Reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) times->Append(ends->data<int64_t>()[i] - 1);
    columns.push_back(ends);
    columns.push_back(std::move(times));
  } else {
    columns.push_back(ends);
  }
  Batch out(std::move(columns), rows.size());
  return Emit(out, context);
}

std::string WindowAssignOperator::Describe() const {
  if (spec_.slide_us == spec_.size_us) {
    return fmt::format("Window TUMBLE({}, {})", spec_.time->ToString(), DurationText(spec_.size_us));
  }
  return fmt::format("Window HOP({}, size {}, slide {})", spec_.time->ToString(),
                     DurationText(spec_.size_us), DurationText(spec_.slide_us));
}

}  // namespace sluice
