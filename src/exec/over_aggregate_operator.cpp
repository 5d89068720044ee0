#include "exec/over_aggregate_operator.h"

#include <algorithm>

#include <fmt/format.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice {

using aggregate::ReadBytes;
using aggregate::ReadRaw;
using aggregate::WriteBytes;
using aggregate::WriteRaw;

OverAggregateOperator::OverAggregateOperator(OverAggregateSpec spec) : spec_(std::move(spec)) {}

Status OverAggregateOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  if (batch.num_live_rows() == 0) return Status::OK();
  std::vector<VectorPtr> keys;
  for (const auto& k : spec_.partition_keys) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, k->Evaluate(batch, context));
    keys.push_back(std::move(v));
  }
  std::vector<VectorPtr> arguments;
  for (const auto& call : spec_.calls) {
    if (!call.argument) {
      arguments.push_back(nullptr);
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, call.argument->Evaluate(batch, context));
    arguments.push_back(std::move(v));
  }
  std::vector<VectorPtr> results;
  for (const auto& call : spec_.calls) {
    auto v = std::make_shared<Vector>(call.result_type);
    v->Reserve(batch.num_rows());
    results.push_back(std::move(v));
  }
  // Rows in order; those the selection leaves out get NULLs nobody reads.
  const SelectionVector& selection = batch.selection();
  const size_t live = batch.num_live_rows();
  size_t next = 0;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (next >= live || selection[next] != row) {
      for (auto& r : results) r->AppendNull();
      continue;
    }
    ++next;
    key_.clear();
    for (const auto& k : keys) EncodeKeyValue(*k, row, key_);
    auto [it, fresh] = partitions_.try_emplace(key_);
    if (fresh) it->second.resize(spec_.calls.size());
    for (size_t c = 0; c < spec_.calls.size(); ++c) {
      Slot value;
      const Vector* x = arguments[c].get();
      if (!x) {
        value.valid = true;  // count(*)
      } else if (x->IsValid(row)) {
        value.valid = true;
        if (x->type().id() == TypeId::kFloat64) {
          value.real = x->data<double>()[row];
        } else {
          value.integer = aggregate::ReadInteger(*x, row);
          value.real = static_cast<double>(value.integer);
        }
      }
      Advance(spec_.calls[c], it->second[c], value, *results[c]);
    }
  }
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < batch.num_columns(); ++c) columns.push_back(batch.shared_column(c));
  for (auto& r : results) columns.push_back(std::move(r));
  Batch out(std::move(columns), batch.num_rows());
  out.set_selection(batch.selection());
  return Emit(out, context);
}

void OverAggregateOperator::Advance(const OverCall& call, Frame& frame, const Slot& value,
                                    Vector& out) const {
  const bool real = call.argument && call.argument->type().id() == TypeId::kFloat64;
  int64_t count = 0;
  int64_t integer_sum = 0;
  double real_sum = 0;
  Slot min, max;
  auto fold = [&](const Slot& s, int64_t& n, int64_t& isum, double& rsum, Slot& lo, Slot& hi) {
    if (!s.valid) return;
    ++n;
    isum = static_cast<int64_t>(static_cast<uint64_t>(isum) + static_cast<uint64_t>(s.integer));
    rsum += s.real;
    const bool less = real ? s.real < lo.real : s.integer < lo.integer;
    const bool greater = real ? s.real > hi.real : s.integer > hi.integer;
    if (!lo.valid || less) lo = s;
    if (!hi.valid || greater) hi = s;
  };
  if (spec_.preceding < 0) {
    fold(value, frame.count, frame.integer_sum, frame.real_sum, frame.min, frame.max);
    count = frame.count;
    integer_sum = frame.integer_sum;
    real_sum = frame.real_sum;
    min = frame.min;
    max = frame.max;
  } else {
    frame.rows.push_back(value);
    if (frame.rows.size() > static_cast<size_t>(spec_.preceding) + 1) frame.rows.pop_front();
    for (const Slot& s : frame.rows) fold(s, count, integer_sum, real_sum, min, max);
  }
  switch (call.function) {
    case OverCall::Function::kCount: out.Append<int64_t>(count); return;
    case OverCall::Function::kSum:
      if (count == 0) {
        out.AppendNull();
      } else if (real) {
        out.Append<double>(real_sum);
      } else {
        out.Append<int64_t>(integer_sum);
      }
      return;
    case OverCall::Function::kAvg:
      if (count == 0) {
        out.AppendNull();
      } else {
        out.Append<double>((real ? real_sum : static_cast<double>(integer_sum)) /
                           static_cast<double>(count));
      }
      return;
    case OverCall::Function::kMin:
    case OverCall::Function::kMax: {
      const Slot& s = call.function == OverCall::Function::kMin ? min : max;
      if (!s.valid) {
        out.AppendNull();
      } else if (real) {
        out.Append<double>(s.real);
      } else {
        aggregate::AppendInteger(out, s.integer);
      }
      return;
    }
  }
}

namespace {

template <typename Slot>
void WriteSlot(std::string& out, const Slot& s) {
  WriteRaw(out, static_cast<uint8_t>(s.valid));
  WriteRaw(out, s.integer);
  WriteRaw(out, s.real);
}

template <typename Slot>
bool ReadSlot(std::string_view& in, Slot* s) {
  uint8_t valid;
  if (!ReadRaw(in, &valid) || !ReadRaw(in, &s->integer) || !ReadRaw(in, &s->real)) return false;
  s->valid = valid != 0;
  return true;
}

}  // namespace

// Layout: the partition count, then per partition its key and per call its frame: the rows
// held (count, then each), the running count and sums, min and max.
Status OverAggregateOperator::SnapshotState(std::string& out) const {
  WriteRaw(out, static_cast<uint64_t>(partitions_.size()));
  for (const auto& [key, frames] : partitions_) {
    WriteBytes(out, key);
    for (const Frame& f : frames) {
      WriteRaw(out, static_cast<uint64_t>(f.rows.size()));
      for (const Slot& s : f.rows) WriteSlot(out, s);
      WriteRaw(out, f.count);
      WriteRaw(out, f.integer_sum);
      WriteRaw(out, f.real_sum);
      WriteSlot(out, f.min);
      WriteSlot(out, f.max);
    }
  }
  return Status::OK();
}

Status OverAggregateOperator::RestoreState(std::string_view in) {
  const Status damaged = Status::Invalid("OVER aggregation state is damaged");
  partitions_.clear();
  uint64_t partitions;
  if (!ReadRaw(in, &partitions)) return damaged;
  for (uint64_t p = 0; p < partitions; ++p) {
    std::string_view key;
    if (!ReadBytes(in, &key)) return damaged;
    std::vector<Frame>& frames = partitions_[std::string(key)];
    frames.resize(spec_.calls.size());
    for (Frame& f : frames) {
      uint64_t rows;
      if (!ReadRaw(in, &rows) || rows > in.size()) return damaged;
      for (uint64_t i = 0; i < rows; ++i) {
        Slot s;
        if (!ReadSlot(in, &s)) return damaged;
        f.rows.push_back(s);
      }
      if (!ReadRaw(in, &f.count) || !ReadRaw(in, &f.integer_sum) || !ReadRaw(in, &f.real_sum) ||
          !ReadSlot(in, &f.min) || !ReadSlot(in, &f.max)) {
        return damaged;
      }
    }
  }
  if (!in.empty()) return damaged;
  return Status::OK();
}

std::string OverAggregateOperator::Describe() const {
  std::string calls, keys;
  for (const auto& c : spec_.calls) calls += (calls.empty() ? "" : ", ") + c.text;
  for (const auto& k : spec_.partition_keys) keys += (keys.empty() ? "" : ", ") + k->ToString();
  return fmt::format("OverAggregate [{}] by [{}], frame: {} and the current row", calls, keys,
                     spec_.preceding < 0 ? std::string("every earlier row")
                                         : fmt::format("{} preceding rows", spec_.preceding));
}

}  // namespace sluice
