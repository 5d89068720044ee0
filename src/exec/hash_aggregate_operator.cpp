#include "exec/hash_aggregate_operator.h"

#include <chrono>
#include <utility>

#include <fmt/format.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice {
namespace {

constexpr int64_t kNoWindow = INT64_MIN;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<uint32_t> AllGroups(const GroupTable& table) {
  std::vector<uint32_t> groups;
  groups.reserve(table.num_groups());
  for (uint32_t g = 0; g < table.num_groups(); ++g) groups.push_back(g);
  return groups;
}

}  // namespace

HashAggregateOperator::HashAggregateOperator(HashAggregateSpec spec) : spec_(std::move(spec)) {
  for (const auto& a : spec_.aggregates) functions_.push_back(a.function);
  if (spec_.retract_column >= 0) {
    row_count_ = static_cast<int>(functions_.size());
    AggregateFunction rows;
    rows.name = "count";
    rows.result_type = DataType::Int64();
    rows.retractable = true;
    rows.make_states = [] { return aggregate::MakeCountStates(true); };
    functions_.push_back(std::move(rows));
  }
}

Status HashAggregateOperator::EmitRetractions() {
  if (!spec_.retract_output) return Status::Internal("this aggregation has no '$retract' column");
  emit_retractions_ = true;
  return Status::OK();
}

void RefuseAggregateInput(const AggregateCall& call, const Vector& first_input, const Batch& batch,
                          EvalContext& context) {
  if (!call.function.refuse) return;
  const size_t live = batch.num_live_rows();
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    if (first_input.IsNull(row)) continue;
    std::string reason = call.function.refuse(first_input, row);
    if (!reason.empty()) context.row_errors.push_back({row, std::move(reason), false});
  }
}

Status HashAggregateOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  if (batch.num_live_rows() == 0) return Status::OK();
  const size_t errors_before = context.row_errors.size();
  std::vector<VectorPtr> keys;
  keys.reserve(spec_.keys.size());
  for (const auto& k : spec_.keys) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, k->Evaluate(batch, context));
    keys.push_back(std::move(v));
  }
  std::vector<std::vector<VectorPtr>> inputs(spec_.aggregates.size());
  std::vector<std::vector<const Vector*>> input_ptrs(spec_.aggregates.size());
  for (size_t a = 0; a < spec_.aggregates.size(); ++a) {
    for (const auto& e : spec_.aggregates[a].inputs) {
      SLUICE_ASSIGN_OR_RETURN(VectorPtr v, e->Evaluate(batch, context));
      input_ptrs[a].push_back(v.get());
      inputs[a].push_back(std::move(v));
    }
    if (!input_ptrs[a].empty()) RefuseAggregateInput(spec_.aggregates[a], *input_ptrs[a][0], batch, context);
  }
  // Rows whose keys or inputs raised (ANSI casts, raise_error, a refused value) become dead
  // letters when they are source records; the others go on.
  SelectionVector without_raised;
  if (context.row_errors.size() > errors_before) {
    SLUICE_ASSIGN_OR_RETURN(without_raised, DivertRaisedRows(batch, context, errors_before));
  }
  const SelectionVector& selection = without_raised.IsAll() ? batch.selection() : without_raised;
  const size_t live = selection.Count(batch.num_rows());

  // Rows go to the group table of their window; a batch touches a few windows at most.
  struct Part {
    int64_t window_end;
    GroupTable* table;
    std::vector<uint32_t> rows;
    std::vector<uint32_t> groups;
    std::vector<uint32_t> retracted_rows;  // rows withdrawing earlier ones
    std::vector<uint32_t> retracted_groups;
  };
  const uint8_t* retracts =
      spec_.retract_column >= 0
          ? batch.column(static_cast<size_t>(spec_.retract_column)).data<uint8_t>()
          : nullptr;
  std::vector<Part> parts;
  const bool windowed = spec_.window_end_key >= 0;
  const bool drops_late = windowed && spec_.mode != OutputMode::kComplete;
  const bool track_changes = spec_.mode != OutputMode::kAppend;
  const Vector* window_end = windowed ? keys[static_cast<size_t>(spec_.window_end_key)].get() : nullptr;
  Part* part = nullptr;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = selection[i];
    int64_t end = kNoWindow;
    if (windowed) {
      if (window_end->IsNull(row)) continue;  // no event time: in no window (as Spark)
      end = window_end->data<int64_t>()[row];
      if (drops_late && end <= watermark_) {
        ++metrics_.late_rows;
        continue;
      }
    }
    if (!part || part->window_end != end) {
      part = nullptr;
      for (auto& p : parts) {
        if (p.window_end == end) part = &p;
      }
      if (!part) {
        auto& table = tables_[end];
        if (!table) table = std::make_unique<GroupTable>(functions_);
        parts.push_back(Part{end, table.get(), {}, {}, {}, {}});
        part = &parts.back();
      }
    }
    key_.clear();
    for (const auto& k : keys) EncodeKeyValue(*k, row, key_);
    bool inserted = false;
    uint32_t group = part->table->FindOrAdd(key_, &inserted);
    if (inserted && spill_ && spill_->entries() > 0) {  // it may be in RocksDB
      SLUICE_ASSIGN_OR_RETURN(bool found, spill_->Take(end, key_, &spilled_));
      if (found) SLUICE_RETURN_NOT_OK(LoadSpilledGroup(spilled_, *part->table, group));
    }
    if (track_changes) part->table->MarkChanged(group);
    if (retracts && retracts[row]) {
      part->retracted_rows.push_back(row);
      part->retracted_groups.push_back(group);
    } else {
      part->rows.push_back(row);
      part->groups.push_back(group);
    }
  }
  const std::vector<const Vector*> no_inputs;
  for (auto& p : parts) {
    for (size_t a = 0; a < functions_.size(); ++a) {
      const auto& args = a < input_ptrs.size() ? input_ptrs[a] : no_inputs;
      AggregateStates& states = p.table->states(a);
      states.Update(args, p.rows.data(), p.groups.data(), p.rows.size());
      if (!p.retracted_rows.empty()) {
        states.Retract(args, p.retracted_rows.data(), p.retracted_groups.data(),
                       p.retracted_rows.size());
      }
    }
  }
  if (!parts.empty()) changed_since_trigger_ = true;
  // (Groups that remember their emitted row stay in memory.)
  if (spec_.memory_budget > 0 && !emit_retractions_ && ++batches_since_budget_check_ >= 32) {
    batches_since_budget_check_ = 0;
    while (MemoryUsage() > spec_.memory_budget && !tables_.empty()) {
      size_t before = MemoryUsage();
      SLUICE_RETURN_NOT_OK(SpillLargestTable(context));
      if (MemoryUsage() >= before) break;
    }
  }
  return Status::OK();
}

std::string HashAggregateOperator::SpilledGroup(const GroupTable& table, uint32_t group) const {
  std::string value(1, table.changed(group) ? '\1' : '\0');
  for (size_t a = 0; a < functions_.size(); ++a) table.states(a).Serialize(group, value);
  return value;
}

Status HashAggregateOperator::LoadSpilledGroup(std::string_view value, GroupTable& table,
                                               uint32_t group) {
  if (value.empty()) return Status::Internal("spilled group is empty");
  if (value[0]) table.MarkChanged(group);
  value.remove_prefix(1);
  for (size_t a = 0; a < functions_.size(); ++a) {
    if (!table.states(a).Deserialize(group, value)) return Status::Internal("spilled group is damaged");
  }
  return Status::OK();
}

Status HashAggregateOperator::SpillLargestTable(EvalContext& context) {
  if (!spill_) {
    SLUICE_ASSIGN_OR_RETURN(spill_, RocksDbSpill::Open(spec_.spill_dir));
  }
  auto largest = tables_.begin();
  for (auto it = tables_.begin(); it != tables_.end(); ++it) {
    if (it->second->num_groups() > largest->second->num_groups()) largest = it;
  }
  GroupTable& table = *largest->second;
  if (table.num_groups() == 0) return Status::OK();
  // Pending updates go out first, so what is spilled is unchanged.
  if (spec_.mode == OutputMode::kUpdate) SLUICE_RETURN_NOT_OK(EmitGroups(table, table.TakeChanged(), context));
  for (uint32_t g = 0; g < table.num_groups(); ++g) {
    SLUICE_RETURN_NOT_OK(spill_->Put(largest->first, table.key(g), SpilledGroup(table, g)));
  }
  metrics_.groups_spilled = spill_->spilled_total();
  largest->second = std::make_unique<GroupTable>(functions_);
  return Status::OK();
}

Status HashAggregateOperator::EmitCold(int64_t window, bool drain, bool changed_only,
                                       EvalContext& context) {
  if (!spill_ || spill_->entries() == 0) return Status::OK();
  auto chunk = std::make_unique<GroupTable>(functions_);
  auto flush = [&]() -> Status {
    std::vector<uint32_t> groups = changed_only ? chunk->TakeChanged() : AllGroups(*chunk);
    SLUICE_RETURN_NOT_OK(EmitGroups(*chunk, groups, context));
    chunk = std::make_unique<GroupTable>(functions_);
    return Status::OK();
  };
  auto each = [&](std::string_view key, std::string_view value) -> Status {
    uint32_t g = chunk->FindOrAdd(key);
    SLUICE_RETURN_NOT_OK(LoadSpilledGroup(value, *chunk, g));
    return chunk->num_groups() >= 4096 ? flush() : Status::OK();
  };
  SLUICE_RETURN_NOT_OK(drain ? spill_->Drain(window, each) : spill_->Scan(window, each));
  return flush();
}

Status HashAggregateOperator::EmitGroups(GroupTable& table, const std::vector<uint32_t>& groups,
                                         EvalContext& context) {
  if (groups.empty()) return Status::OK();
  const size_t num_keys = spec_.keys.size();
  const size_t num_aggregates = spec_.aggregates.size();
  // Which groups withdraw their previous row, and which give a row now: not a group whose rows
  // were all withdrawn (it has none), except to an upsert sink in update mode, which would keep
  // the stale row otherwise.
  std::vector<uint32_t> withdrawn;
  std::vector<uint32_t> current;
  Vector rows(DataType::Int64());
  if (row_count_ >= 0) {
    table.states(static_cast<size_t>(row_count_)).Finalize(groups.data(), groups.size(), rows);
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    const uint32_t g = groups[i];
    if (emit_retractions_ && !table.emitted(g).empty()) withdrawn.push_back(g);
    const bool empty = row_count_ >= 0 && rows.data<int64_t>()[i] <= 0;
    if (!empty || (spec_.mode == OutputMode::kUpdate && !emit_retractions_)) {
      current.push_back(g);
    } else if (emit_retractions_) {
      table.emitted(g).clear();
    }
  }
  const size_t n = withdrawn.size() + current.size();
  if (n == 0) return Status::OK();
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < spec_.output_schema.size(); ++c) {
    auto v = std::make_shared<Vector>(spec_.output_schema.field(c).type);
    v->Reserve(n);
    columns.push_back(std::move(v));
  }
  const Status corrupt = Status::Internal("corrupt aggregation state");
  auto append_keys = [&](uint32_t g) {
    std::string_view in = table.key(g);
    for (size_t k = 0; k < num_keys; ++k) {
      if (!DecodeValue(in, *columns[k])) return false;
    }
    return true;
  };
  // The withdrawn rows first, as they were emitted.
  for (uint32_t g : withdrawn) {
    if (!append_keys(g)) return corrupt;
    std::string_view in = table.emitted(g);
    in.remove_prefix(1);  // the marker
    for (size_t a = 0; a < num_aggregates; ++a) {
      if (!DecodeValue(in, *columns[num_keys + a])) return corrupt;
    }
  }
  for (uint32_t g : current) {
    if (!append_keys(g)) return corrupt;
  }
  for (size_t a = 0; a < num_aggregates; ++a) {
    table.states(a).Finalize(current.data(), current.size(), *columns[num_keys + a]);
  }
  if (spec_.retract_output) {
    Vector& flags = *columns.back();
    for (size_t i = 0; i < n; ++i) flags.Append(static_cast<uint8_t>(i < withdrawn.size()));
  }
  if (emit_retractions_) {
    for (size_t i = 0; i < current.size(); ++i) {
      std::string& emitted = table.emitted(current[i]);
      emitted.assign(1, '\1');  // a marker: a group without aggregates emitted something too
      for (size_t a = 0; a < num_aggregates; ++a) {
        EncodeValue(*columns[num_keys + a], withdrawn.size() + i, emitted);
      }
    }
  }
  Batch out(std::move(columns), n);
  return Emit(out, context);
}

Status HashAggregateOperator::OnWatermark(int64_t watermark, EvalContext& context) {
  if (watermark <= watermark_) return Operator::OnWatermark(watermark, context);
  watermark_ = watermark;
  if (spec_.window_end_key >= 0 && spec_.mode != OutputMode::kComplete) {
    // Windows that end at or before the watermark are final: emit (append) or flush their last
    // changes (update), then forget them, so state stays as large as the open windows.
    while (!tables_.empty() && tables_.begin()->first <= watermark) {
      GroupTable& table = *tables_.begin()->second;
      std::vector<uint32_t> groups;
      if (spec_.mode == OutputMode::kAppend) {
        groups = AllGroups(table);
      } else {
        groups = table.TakeChanged();
      }
      SLUICE_RETURN_NOT_OK(EmitGroups(table, groups, context));
      SLUICE_RETURN_NOT_OK(EmitCold(tables_.begin()->first, /*drain=*/true,
                                    spec_.mode == OutputMode::kUpdate, context));
      tables_.erase(tables_.begin());
    }
  }
  return Operator::OnWatermark(watermark, context);
}

Status HashAggregateOperator::EmitTrigger(EvalContext& context) {
  for (auto& [end, table] : tables_) {
    std::vector<uint32_t> groups;
    if (spec_.mode == OutputMode::kUpdate) {
      groups = table->TakeChanged();
    } else {
      groups = AllGroups(*table);
    }
    SLUICE_RETURN_NOT_OK(EmitGroups(*table, groups, context));
    if (spec_.mode == OutputMode::kComplete) {
      SLUICE_RETURN_NOT_OK(EmitCold(end, /*drain=*/false, /*changed_only=*/false, context));
    }
  }
  changed_since_trigger_ = false;
  context.commit_requested = true;
  return Status::OK();
}

Status HashAggregateOperator::OnTick(EvalContext& context) {
  if (spec_.mode != OutputMode::kAppend) {
    const int64_t now = context.now_micros;
    if (last_trigger_us_ == 0) last_trigger_us_ = now;
    if (now - last_trigger_us_ >= spec_.trigger_interval_ms * 1000) {
      last_trigger_us_ = now;
      if (changed_since_trigger_) SLUICE_RETURN_NOT_OK(EmitTrigger(context));
    }
  }
  return Operator::OnTick(context);
}

void HashAggregateOperator::PrepareStop() {
  stopping_ = true;
  Operator::PrepareStop();
}

Status HashAggregateOperator::Finish() {
  if (stopping_) return Operator::Finish();
  // End of input: every window is final.
  EvalContext context;
  context.now_micros = NowMicros();
  if (spec_.mode == OutputMode::kAppend) {
    for (auto& [end, table] : tables_) {
      SLUICE_RETURN_NOT_OK(EmitGroups(*table, AllGroups(*table), context));
      SLUICE_RETURN_NOT_OK(EmitCold(end, /*drain=*/true, /*changed_only=*/false, context));
    }
    tables_.clear();
  } else if (changed_since_trigger_) {
    SLUICE_RETURN_NOT_OK(EmitTrigger(context));
  }
  return Operator::Finish();
}

// Layout: watermark, then per group table its window end, its group count and per group the
// key, the changed flag, every aggregate's state (the hidden row count last) and, when it emits
// retractions, the row it emitted last.
Status HashAggregateOperator::SnapshotState(std::string& out) const {
  using aggregate::WriteBytes;
  using aggregate::WriteRaw;
  WriteRaw(out, watermark_);
  WriteRaw(out, static_cast<uint8_t>(changed_since_trigger_));
  WriteRaw(out, static_cast<uint64_t>(tables_.size()));
  for (const auto& [end, table] : tables_) {
    WriteRaw(out, end);
    // Groups in memory, then those in RocksDB (counted first: the count comes before them).
    uint64_t cold = 0;
    if (spill_) {
      SLUICE_RETURN_NOT_OK(spill_->Scan(end, [&](std::string_view, std::string_view) {
        ++cold;
        return Status::OK();
      }));
    }
    WriteRaw(out, static_cast<uint64_t>(table->num_groups()) + cold);
    for (uint32_t g = 0; g < table->num_groups(); ++g) {
      WriteBytes(out, table->key(g));
      WriteRaw(out, static_cast<uint8_t>(table->changed(g)));
      for (size_t a = 0; a < functions_.size(); ++a) table->states(a).Serialize(g, out);
      if (emit_retractions_) WriteBytes(out, std::as_const(*table).emitted(g));
    }
    if (cold > 0) {
      SLUICE_RETURN_NOT_OK(spill_->Scan(end, [&](std::string_view key, std::string_view value) {
        WriteBytes(out, key);
        out.append(value);  // the changed flag, then the states: the same layout
        return Status::OK();
      }));
    }
  }
  return Status::OK();
}

Status HashAggregateOperator::RestoreState(std::string_view in) {
  using aggregate::ReadBytes;
  using aggregate::ReadRaw;
  const Status damaged = Status::Invalid("aggregation state is damaged");
  uint8_t changed = 0;
  uint64_t tables = 0;
  if (!ReadRaw(in, &watermark_) || !ReadRaw(in, &changed) || !ReadRaw(in, &tables)) return damaged;
  changed_since_trigger_ = changed != 0;
  tables_.clear();
  for (uint64_t t = 0; t < tables; ++t) {
    int64_t end;
    uint64_t groups;
    if (!ReadRaw(in, &end) || !ReadRaw(in, &groups)) return damaged;
    auto table = std::make_unique<GroupTable>(functions_);
    for (uint64_t i = 0; i < groups; ++i) {
      std::string_view key;
      uint8_t group_changed;
      if (!ReadBytes(in, &key) || !ReadRaw(in, &group_changed)) return damaged;
      uint32_t g = table->FindOrAdd(key);
      if (group_changed) table->MarkChanged(g);
      for (size_t a = 0; a < functions_.size(); ++a) {
        if (!table->states(a).Deserialize(g, in)) return damaged;
      }
      if (emit_retractions_) {
        std::string_view emitted;
        if (!ReadBytes(in, &emitted)) return damaged;
        table->emitted(g).assign(emitted);
      }
    }
    tables_[end] = std::move(table);
  }
  if (!in.empty()) return damaged;
  return Status::OK();
}

StateSize HashAggregateOperator::state_size() const {
  StateSize size;
  for (const auto& [end, table] : tables_) size.rows += table->num_groups();
  size.bytes = MemoryUsage();
  return size;
}

size_t HashAggregateOperator::MemoryUsage() const {
  size_t bytes = 0;
  for (const auto& [end, table] : tables_) bytes += table->MemoryUsage();
  return bytes;
}

std::string HashAggregateOperator::Describe() const {
  std::string keys;
  for (const auto& k : spec_.keys) keys += (keys.empty() ? "" : ", ") + k->ToString();
  std::string aggregates;
  for (const auto& a : spec_.aggregates) aggregates += (aggregates.empty() ? "" : ", ") + a.text;
  std::string out = fmt::format("HashAggregate [{}] by [{}], {} mode", aggregates, keys,
                                OutputModeName(spec_.mode));
  if (spec_.window_end_key >= 0) {
    out += spec_.mode == OutputMode::kComplete
               ? ", state per window (all kept: complete mode)"
               : ", state per window, dropped when the watermark passes its end";
  }
  if (spec_.mode != OutputMode::kAppend) {
    out += fmt::format(", trigger every {} ms", spec_.trigger_interval_ms);
  }
  if (spec_.retract_column >= 0) out += ", input rows may withdraw earlier ones";
  if (emit_retractions_) out += ", a changed group withdraws its previous row";
  return out;
}

}  // namespace sluice
