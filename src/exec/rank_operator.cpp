#include "exec/rank_operator.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"
#include "vector/sort_key.h"

namespace sluice {

using aggregate::ReadBytes;
using aggregate::ReadRaw;
using aggregate::WriteBytes;
using aggregate::WriteRaw;

bool RankOperator::Admits(const std::vector<Candidate>& rows, std::string_view sort_key) const {
  if (static_cast<int64_t>(rows.size()) < spec_.limit) return true;
  const std::string& last = rows.back().sort_key;
  // ROW_NUMBER: a tie with the last kept row comes after it (arrival order); RANK and
  // DENSE_RANK keep ties.
  int c = sort_key.compare(last);
  return spec_.function == RankFunction::kRowNumber ? c < 0 : c <= 0;
}

std::vector<int64_t> RankOperator::Ranks(const std::vector<Candidate>& rows) const {
  std::vector<int64_t> ranks;
  ranks.reserve(rows.size());
  int64_t rank = 0, dense = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 0 || rows[i].sort_key != rows[i - 1].sort_key) {  // ties share a rank
      rank = static_cast<int64_t>(i) + 1;
      ++dense;
    }
    ranks.push_back(spec_.function == RankFunction::kRowNumber ? static_cast<int64_t>(i) + 1
                    : spec_.function == RankFunction::kRank    ? rank
                                                               : dense);
  }
  return ranks;
}

void RankOperator::Offer(std::vector<Candidate>& rows, Candidate candidate) {
  auto at = std::upper_bound(rows.begin(), rows.end(), candidate, [](const Candidate& a, const Candidate& b) {
    int c = a.sort_key.compare(b.sort_key);
    return c != 0 ? c < 0 : a.sequence < b.sequence;
  });
  rows.insert(at, std::move(candidate));
  // Cut what no longer ranks within the limit.
  const std::vector<int64_t> ranks = Ranks(rows);
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t value = ranks[i];
    if (value > spec_.limit) {
      rows.resize(i);
      break;
    }
  }
}

Status RankOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  const size_t live = batch.num_live_rows();
  if (live == 0) return Status::OK();
  std::vector<VectorPtr> keys, order;
  for (const auto& k : spec_.partition_keys) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, k->Evaluate(batch, context));
    keys.push_back(std::move(v));
  }
  for (const auto& o : spec_.order_keys) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, o->Evaluate(batch, context));
    order.push_back(std::move(v));
  }
  if (spec_.deduplicate) return PushDeduplicate(batch, keys, *order[0], context);

  const Vector* window_end =
      spec_.window_end_key >= 0 ? keys[static_cast<size_t>(spec_.window_end_key)].get() : nullptr;
  Partitions* partitions = nullptr;
  int64_t current_end = 0;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    int64_t end = INT64_MIN;
    if (window_end) {
      if (window_end->IsNull(row)) continue;
      end = window_end->data<int64_t>()[row];
      if (end <= watermark_) {
        ++metrics_.late_rows;
        continue;
      }
    }
    if (!partitions || end != current_end) {
      partitions = &windows_[end];
      current_end = end;
    }
    key_.clear();
    for (const auto& k : keys) EncodeKeyValue(*k, row, key_);
    sort_key_.clear();
    for (size_t o = 0; o < order.size(); ++o) AppendSortKey(*order[o], row, spec_.descending[o], sort_key_);
    std::vector<Candidate>& rows = (*partitions)[key_];
    if (!Admits(rows, sort_key_)) continue;
    Candidate candidate{sort_key_, sequence_++, {}};
    for (size_t c = 0; c < batch.num_columns(); ++c) EncodeValue(batch.column(c), row, candidate.row);
    Offer(rows, std::move(candidate));
    if (spec_.updating && changed_set_.emplace(key_, true).second) changed_.push_back(key_);
  }
  return Status::OK();
}

Status RankOperator::PushDeduplicate(const Batch& batch, const std::vector<VectorPtr>& keys,
                                     const Vector& time, EvalContext& context) {
  const size_t live = batch.num_live_rows();
  std::vector<uint32_t> keep;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    const int64_t t = time.IsNull(row) ? INT64_MIN : time.data<int64_t>()[row];
    if (!time.IsNull(row) && t < watermark_) {
      ++metrics_.late_rows;
      continue;
    }
    key_.clear();
    for (const auto& k : keys) EncodeKeyValue(*k, row, key_);
    auto [it, inserted] = seen_.emplace(key_, t);
    if (!inserted) {
      ++metrics_.duplicates_removed;
      continue;
    }
    if (t != INT64_MIN) expiry_.emplace(t + spec_.retention_us, key_);
    keep.push_back(row);
  }
  if (keep.empty()) return Status::OK();
  Batch out = batch;
  out.set_selection(SelectionVector::Of(std::move(keep)));
  auto rank = std::make_shared<Vector>(DataType::Int64());
  rank->Resize(batch.num_rows());
  std::fill(rank->data<int64_t>(), rank->data<int64_t>() + batch.num_rows(), int64_t{1});
  out.columns().push_back(std::move(rank));
  return Emit(out, context);
}

Status RankOperator::EmitWindow(const Partitions& partitions, EvalContext& context) {
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < spec_.output_schema.size(); ++c) {
    columns.push_back(std::make_shared<Vector>(spec_.output_schema.field(c).type));
  }
  Vector& rank_column = *columns.back();
  size_t rows_out = 0;
  // Partitions in key order, so a window's rows come out the same way every run.
  std::vector<const std::pair<const std::string, std::vector<Candidate>>*> ordered;
  for (const auto& entry : partitions) ordered.push_back(&entry);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : ordered) {
    const std::vector<Candidate>& rows = entry->second;
    const std::vector<int64_t> ranks = Ranks(rows);
    for (size_t i = 0; i < rows.size(); ++i) {
      std::string_view in = rows[i].row;
      for (size_t c = 0; c + 1 < columns.size(); ++c) {
        if (!DecodeValue(in, *columns[c])) return Status::Internal("rank: corrupt row");
      }
      rank_column.Append(ranks[i]);
      ++rows_out;
    }
  }
  Batch out(std::move(columns), rows_out);
  return Emit(out, context);
}

Status RankOperator::OnWatermark(int64_t watermark, EvalContext& context) {
  if (watermark <= watermark_) return Operator::OnWatermark(watermark, context);
  watermark_ = watermark;
  if (spec_.deduplicate) {
    while (!expiry_.empty() && expiry_.begin()->first < watermark) {
      seen_.erase(expiry_.begin()->second);
      expiry_.erase(expiry_.begin());
    }
  } else if (spec_.window_end_key >= 0) {
    while (!windows_.empty() && windows_.begin()->first <= watermark) {
      SLUICE_RETURN_NOT_OK(EmitWindow(windows_.begin()->second, context));
      windows_.erase(windows_.begin());
    }
  }
  return Operator::OnWatermark(watermark, context);
}

Status RankOperator::EmitChanged(EvalContext& context) {
  if (changed_.empty()) return Status::OK();
  Partitions subset;
  const Partitions& all = windows_[INT64_MIN];
  for (const auto& key : changed_) {
    auto it = all.find(key);
    if (it != all.end()) subset.emplace(key, it->second);
  }
  changed_.clear();
  changed_set_.clear();
  return EmitWindow(subset, context);
}

Status RankOperator::OnTick(EvalContext& context) {
  if (spec_.updating) {
    const int64_t now = context.now_micros;
    if (last_trigger_us_ == 0) last_trigger_us_ = now;
    if (now - last_trigger_us_ >= spec_.trigger_interval_ms * 1000) {
      last_trigger_us_ = now;
      SLUICE_RETURN_NOT_OK(EmitChanged(context));
    }
  }
  return Operator::OnTick(context);
}

void RankOperator::PrepareStop() {
  stopping_ = true;
  Operator::PrepareStop();
}

Status RankOperator::Finish() {
  if (!stopping_) {
    EvalContext context;
    context.now_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    if (spec_.updating) {
      SLUICE_RETURN_NOT_OK(EmitChanged(context));
    } else {
      for (auto& [end, partitions] : windows_) SLUICE_RETURN_NOT_OK(EmitWindow(partitions, context));
      windows_.clear();
    }
  }
  return Operator::Finish();
}

Status RankOperator::SnapshotState(std::string& out) const {
  WriteRaw(out, watermark_);
  WriteRaw(out, sequence_);
  WriteRaw(out, static_cast<uint64_t>(seen_.size()));
  for (const auto& [key, time] : seen_) {
    WriteBytes(out, key);
    WriteRaw(out, time);
  }
  WriteRaw(out, static_cast<uint64_t>(changed_.size()));
  for (const auto& key : changed_) WriteBytes(out, key);
  WriteRaw(out, static_cast<uint64_t>(windows_.size()));
  for (const auto& [end, partitions] : windows_) {
    WriteRaw(out, end);
    WriteRaw(out, static_cast<uint64_t>(partitions.size()));
    for (const auto& [key, rows] : partitions) {
      WriteBytes(out, key);
      WriteRaw(out, static_cast<uint64_t>(rows.size()));
      for (const auto& r : rows) {
        WriteBytes(out, r.sort_key);
        WriteRaw(out, r.sequence);
        WriteBytes(out, r.row);
      }
    }
  }
  return Status::OK();
}

Status RankOperator::RestoreState(std::string_view in) {
  const Status damaged = Status::Invalid("rank state is damaged");
  uint64_t seen = 0, windows = 0;
  if (!ReadRaw(in, &watermark_) || !ReadRaw(in, &sequence_) || !ReadRaw(in, &seen)) return damaged;
  for (uint64_t i = 0; i < seen; ++i) {
    std::string_view key;
    int64_t time;
    if (!ReadBytes(in, &key) || !ReadRaw(in, &time)) return damaged;
    seen_.emplace(std::string(key), time);
    if (time != INT64_MIN) expiry_.emplace(time + spec_.retention_us, std::string(key));
  }
  uint64_t changed = 0;
  if (!ReadRaw(in, &changed)) return damaged;
  for (uint64_t i = 0; i < changed; ++i) {
    std::string_view key;
    if (!ReadBytes(in, &key)) return damaged;
    changed_.emplace_back(key);
    changed_set_.emplace(std::string(key), true);
  }
  if (!ReadRaw(in, &windows)) return damaged;
  for (uint64_t w = 0; w < windows; ++w) {
    int64_t end;
    uint64_t partitions;
    if (!ReadRaw(in, &end) || !ReadRaw(in, &partitions)) return damaged;
    Partitions& target = windows_[end];
    for (uint64_t p = 0; p < partitions; ++p) {
      std::string_view key;
      uint64_t rows;
      if (!ReadBytes(in, &key) || !ReadRaw(in, &rows)) return damaged;
      auto& list = target[std::string(key)];
      for (uint64_t r = 0; r < rows; ++r) {
        std::string_view sort_key, row;
        Candidate c;
        if (!ReadBytes(in, &sort_key) || !ReadRaw(in, &c.sequence) || !ReadBytes(in, &row)) return damaged;
        c.sort_key = std::string(sort_key);
        c.row = std::string(row);
        list.push_back(std::move(c));
      }
    }
  }
  return in.empty() ? Status::OK() : damaged;
}

std::string RankOperator::Describe() const {
  if (spec_.deduplicate) {
    return fmt::format("Deduplicate {} (first row per key; a key is forgotten once the watermark "
                       "passes its time + {} s)",
                       spec_.text, static_cast<double>(spec_.retention_us) / 1e6);
  }
  return fmt::format("Top-{} {}{}", spec_.limit, spec_.text,
                     spec_.window_end_key >= 0 ? " per window, emitted when the watermark passes its end"
                     : spec_.updating
                         ? fmt::format(", changed partitions emitted every {} ms (update mode)",
                                       spec_.trigger_interval_ms)
                         : "");
}

}  // namespace sluice
