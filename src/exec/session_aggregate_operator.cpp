#include "exec/session_aggregate_operator.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"
#include "state/group_table.h"

namespace sluice {

using aggregate::ReadBytes;
using aggregate::ReadRaw;
using aggregate::WriteBytes;
using aggregate::WriteRaw;

SessionAggregateOperator::SessionAggregateOperator(SessionSpec spec) : spec_(std::move(spec)) {
  for (const auto& a : spec_.aggregate.aggregates) {
    functions_.push_back(a.function);
    for (const auto& e : a.inputs) input_types_.push_back(e->type());
  }
}

Status SessionAggregateOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  if (batch.num_live_rows() == 0) return Status::OK();
  const size_t errors_before = context.row_errors.size();
  SLUICE_ASSIGN_OR_RETURN(VectorPtr time, spec_.time->Evaluate(batch, context));
  std::vector<VectorPtr> keys;
  for (size_t k = 0; k < spec_.aggregate.keys.size(); ++k) {
    if (static_cast<int>(k) == spec_.window_start_key || static_cast<int>(k) == spec_.window_end_key) {
      keys.push_back(nullptr);
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, spec_.aggregate.keys[k]->Evaluate(batch, context));
    keys.push_back(std::move(v));
  }
  std::vector<VectorPtr> inputs;
  for (const auto& a : spec_.aggregate.aggregates) {
    for (const auto& e : a.inputs) {
      SLUICE_ASSIGN_OR_RETURN(VectorPtr v, e->Evaluate(batch, context));
      inputs.push_back(std::move(v));
    }
    if (!a.inputs.empty()) RefuseAggregateInput(a, *inputs[inputs.size() - a.inputs.size()], batch, context);
  }
  // Rows that raised become dead letters when they are source records (see HashAggregateOperator).
  SelectionVector without_raised;
  if (context.row_errors.size() > errors_before) {
    SLUICE_ASSIGN_OR_RETURN(without_raised, DivertRaisedRows(batch, context, errors_before));
  }
  const SelectionVector& selection = without_raised.IsAll() ? batch.selection() : without_raised;
  const size_t rows_in = selection.Count(batch.num_rows());
  for (size_t i = 0; i < rows_in; ++i) {
    const uint32_t row = selection[i];
    if (time->IsNull(row)) continue;
    const int64_t t = time->data<int64_t>()[row];
    if (t + spec_.gap_us <= watermark_) {  // would only extend sessions already emitted
      ++metrics_.late_rows;
      continue;
    }
    key_.clear();
    for (const auto& k : keys) {
      if (k) EncodeKeyValue(*k, row, key_);
    }
    std::vector<Session>& list = sessions_[key_];
    Session merged{t, t + spec_.gap_us, {}, 0};
    for (const auto& v : inputs) EncodeValue(*v, row, merged.inputs);
    merged.rows = 1;
    // Every session the row's [t, t + gap) touches merges into one.
    std::vector<Session> kept;
    for (auto& s : list) {
      if (s.start <= t + spec_.gap_us && t <= s.end) {
        merged.start = std::min(merged.start, s.start);
        merged.end = std::max(merged.end, s.end);
        merged.inputs.insert(0, s.inputs);
        merged.rows += s.rows;
      } else {
        kept.push_back(std::move(s));
      }
    }
    ends_.emplace(merged.end, key_);
    kept.push_back(std::move(merged));
    std::sort(kept.begin(), kept.end(), [](const Session& a, const Session& b) { return a.start < b.start; });
    list = std::move(kept);
  }
  return Status::OK();
}

Status SessionAggregateOperator::EmitClosed(int64_t until, EvalContext& context) {
  const Schema& schema = spec_.aggregate.output_schema;
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < schema.size(); ++c) columns.push_back(std::make_shared<Vector>(schema.field(c).type));
  const size_t num_keys = spec_.aggregate.keys.size();
  size_t rows_out = 0;
  while (!ends_.empty() && ends_.begin()->first <= until) {
    const std::string key = ends_.begin()->second;
    ends_.erase(ends_.begin());
    auto it = sessions_.find(key);
    if (it == sessions_.end()) continue;
    auto& list = it->second;
    for (auto s = list.begin(); s != list.end();) {
      if (s->end > until) {
        ++s;
        continue;
      }
      // Keys: the partition values, and the session's bounds as window_start / window_end.
      std::string_view in = key;
      for (size_t k = 0; k < num_keys; ++k) {
        if (static_cast<int>(k) == spec_.window_start_key) {
          columns[k]->Append(s->start);
        } else if (static_cast<int>(k) == spec_.window_end_key) {
          columns[k]->Append(s->end);
        } else if (!DecodeValue(in, *columns[k])) {
          return Status::Internal("session: corrupt key");
        }
      }
      // Aggregates over the buffered inputs, as one group.
      std::vector<VectorPtr> values;
      for (const auto& type : input_types_) values.push_back(std::make_shared<Vector>(type));
      std::string_view buffered = s->inputs;
      for (uint64_t r = 0; r < s->rows; ++r) {
        for (auto& v : values) {
          if (!DecodeValue(buffered, *v)) return Status::Internal("session: corrupt inputs");
        }
      }
      GroupTable table(functions_);
      uint32_t group = table.FindOrAdd("");
      std::vector<uint32_t> rows, groups;
      rows.reserve(s->rows);
      for (uint32_t r = 0; r < s->rows; ++r) {
        rows.push_back(r);
        groups.push_back(group);
      }
      size_t next_input = 0;
      for (size_t a = 0; a < functions_.size(); ++a) {
        std::vector<const Vector*> args;
        for (size_t j = 0; j < spec_.aggregate.aggregates[a].inputs.size(); ++j) args.push_back(values[next_input++].get());
        table.states(a).Update(args, rows.data(), groups.data(), rows.size());
        table.states(a).Finalize(&group, 1, *columns[num_keys + a]);
      }
      ++rows_out;
      s = list.erase(s);
    }
    if (list.empty()) sessions_.erase(it);
  }
  if (rows_out == 0) return Status::OK();
  Batch out(std::move(columns), rows_out);
  return Emit(out, context);
}

Status SessionAggregateOperator::OnWatermark(int64_t watermark, EvalContext& context) {
  if (watermark <= watermark_) return Operator::OnWatermark(watermark, context);
  watermark_ = watermark;
  SLUICE_RETURN_NOT_OK(EmitClosed(watermark, context));
  return Operator::OnWatermark(watermark, context);
}

void SessionAggregateOperator::PrepareStop() {
  stopping_ = true;
  Operator::PrepareStop();
}

Status SessionAggregateOperator::Finish() {
  if (!stopping_) {
    EvalContext context;
    context.now_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    SLUICE_RETURN_NOT_OK(EmitClosed(INT64_MAX, context));
  }
  return Operator::Finish();
}

Status SessionAggregateOperator::SnapshotState(std::string& out) const {
  WriteRaw(out, watermark_);
  WriteRaw(out, static_cast<uint64_t>(sessions_.size()));
  for (const auto& [key, list] : sessions_) {
    WriteBytes(out, key);
    WriteRaw(out, static_cast<uint64_t>(list.size()));
    for (const auto& s : list) {
      WriteRaw(out, s.start);
      WriteRaw(out, s.end);
      WriteRaw(out, s.rows);
      WriteBytes(out, s.inputs);
    }
  }
  return Status::OK();
}

Status SessionAggregateOperator::RestoreState(std::string_view in) {
  const Status damaged = Status::Invalid("session state is damaged");
  uint64_t keys = 0;
  if (!ReadRaw(in, &watermark_) || !ReadRaw(in, &keys)) return damaged;
  for (uint64_t k = 0; k < keys; ++k) {
    std::string_view key;
    uint64_t count = 0;
    if (!ReadBytes(in, &key) || !ReadRaw(in, &count)) return damaged;
    auto& list = sessions_[std::string(key)];
    for (uint64_t i = 0; i < count; ++i) {
      Session s;
      std::string_view inputs;
      if (!ReadRaw(in, &s.start) || !ReadRaw(in, &s.end) || !ReadRaw(in, &s.rows) || !ReadBytes(in, &inputs)) {
        return damaged;
      }
      s.inputs = std::string(inputs);
      ends_.emplace(s.end, std::string(key));
      list.push_back(std::move(s));
    }
  }
  return in.empty() ? Status::OK() : damaged;
}

std::string SessionAggregateOperator::Describe() const {
  std::string aggregates;
  for (const auto& a : spec_.aggregate.aggregates) aggregates += (aggregates.empty() ? "" : ", ") + a.text;
  return fmt::format("SessionAggregate [{}] with a gap of {} s, a session emitted when the "
                     "watermark passes its end",
                     aggregates, static_cast<double>(spec_.gap_us) / 1e6);
}

}  // namespace sluice
