#include "exec/join_operator.h"

#include <fmt/format.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"
#include "vector/take.h"

namespace sluice {

using aggregate::ReadBytes;
using aggregate::ReadRaw;
using aggregate::WriteBytes;
using aggregate::WriteRaw;

Status JoinOperator::PushSide(int side, const Batch& batch, EvalContext& context) {
  const size_t live = batch.num_live_rows();
  if (live == 0) return Status::OK();
  const JoinSide& mine = spec_.sides[side];
  const int other = 1 - side;
  std::vector<VectorPtr> keys;
  for (const auto& k : mine.keys) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr v, k->Evaluate(batch, context));
    keys.push_back(std::move(v));
  }
  // Matches: this batch's row and the other side's stored row.
  std::vector<uint32_t> match_rows;
  std::vector<const std::string*> match_others;
  SideState& state = state_[side];
  const auto& other_rows = state_[other].rows;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    key_.clear();
    bool null_key = false;
    for (const auto& k : keys) {
      null_key = null_key || k->IsNull(row);
      EncodeKeyValue(*k, row, key_);
    }
    if (null_key) continue;  // NULL never equals anything
    if (auto it = other_rows.find(key_); it != other_rows.end()) {
      for (const auto& stored : it->second) {
        match_rows.push_back(row);
        match_others.push_back(&stored.row);
      }
    }
    int64_t expiry = INT64_MAX;
    if (mine.expiry_column >= 0) {
      const Vector& t = batch.column(static_cast<size_t>(mine.expiry_column));
      if (t.IsNull(row)) continue;  // without a time it can never be dropped: not kept
      expiry = t.data<int64_t>()[row] + mine.expiry_offset_us;
      if (expiry < watermark_ || (mine.expire_at_equal && expiry == watermark_)) continue;
    }
    StoredRow stored{{}, expiry};
    for (size_t c = 0; c < batch.num_columns(); ++c) EncodeValue(batch.column(c), row, stored.row);
    auto& list = state.rows[key_];
    list.push_back(std::move(stored));
    if (expiry != INT64_MAX) state.expiries.emplace(expiry, key_);
    ++state.stored;
  }
  if (match_rows.empty()) return Status::OK();

  // left columns then right columns: this batch's by gather, the other side's decoded.
  std::vector<VectorPtr> mine_columns, other_columns;
  for (size_t c = 0; c < batch.num_columns(); ++c) mine_columns.push_back(Take(batch.column(c), match_rows));
  const Schema& other_schema = spec_.sides[other].schema;
  for (size_t c = 0; c < other_schema.size(); ++c) {
    auto v = std::make_shared<Vector>(other_schema.field(c).type);
    v->Reserve(match_rows.size());
    other_columns.push_back(std::move(v));
  }
  for (const std::string* row : match_others) {
    std::string_view in = *row;
    for (auto& v : other_columns) {
      if (!DecodeValue(in, *v)) return Status::Internal("join: corrupt stored row");
    }
  }
  std::vector<VectorPtr> columns = side == 0 ? mine_columns : other_columns;
  const auto& second = side == 0 ? other_columns : mine_columns;
  columns.insert(columns.end(), second.begin(), second.end());
  Batch out(std::move(columns), match_rows.size());
  if (spec_.condition) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr keep, spec_.condition->Evaluate(out, context));
    std::vector<uint32_t> selected;
    for (uint32_t r = 0; r < out.num_rows(); ++r) {
      if (keep->IsValid(r) && keep->data<uint8_t>()[r]) selected.push_back(r);
    }
    if (selected.size() != out.num_rows()) out.set_selection(SelectionVector::Of(std::move(selected)));
  }
  return Emit(out, context);
}

void JoinOperator::Evict(int side, int64_t watermark) {
  SideState& state = state_[side];
  const bool at_equal = spec_.sides[side].expire_at_equal;
  while (!state.expiries.empty()) {
    auto first = state.expiries.begin();
    if (!(first->first < watermark || (at_equal && first->first == watermark))) break;
    auto it = state.rows.find(first->second);
    if (it != state.rows.end()) {
      auto& list = it->second;
      size_t before = list.size();
      std::erase_if(list, [&](const StoredRow& r) {
        return r.expiry < watermark || (at_equal && r.expiry == watermark);
      });
      state.stored -= before - list.size();
      if (list.empty()) state.rows.erase(it);
    }
    state.expiries.erase(first);
  }
}

Status JoinOperator::WatermarkSide(int side, int64_t watermark, EvalContext& context) {
  state_[side].watermark = std::max(state_[side].watermark, watermark);
  const int64_t joined = std::min(state_[0].watermark, state_[1].watermark);
  if (joined <= watermark_) return Status::OK();
  watermark_ = joined;
  Evict(0, joined);
  Evict(1, joined);
  return OnWatermark(joined, context);
}

Status JoinOperator::FinishSide(int side) {
  state_[side].finished = true;
  if (!state_[0].finished || !state_[1].finished) return Status::OK();
  return Finish();
}

Status JoinOperator::SnapshotState(std::string& out) const {
  WriteRaw(out, watermark_);
  for (const auto& state : state_) {
    WriteRaw(out, state.watermark);
    WriteRaw(out, static_cast<uint64_t>(state.rows.size()));
    for (const auto& [key, rows] : state.rows) {
      WriteBytes(out, key);
      WriteRaw(out, static_cast<uint64_t>(rows.size()));
      for (const auto& r : rows) {
        WriteBytes(out, r.row);
        WriteRaw(out, r.expiry);
      }
    }
  }
  return Status::OK();
}

Status JoinOperator::RestoreState(std::string_view in) {
  const Status damaged = Status::Invalid("join state is damaged");
  if (!ReadRaw(in, &watermark_)) return damaged;
  for (auto& state : state_) {
    uint64_t keys = 0;
    if (!ReadRaw(in, &state.watermark) || !ReadRaw(in, &keys)) return damaged;
    for (uint64_t k = 0; k < keys; ++k) {
      std::string_view key;
      uint64_t rows = 0;
      if (!ReadBytes(in, &key) || !ReadRaw(in, &rows)) return damaged;
      auto& list = state.rows[std::string(key)];
      for (uint64_t r = 0; r < rows; ++r) {
        std::string_view row;
        StoredRow stored;
        if (!ReadBytes(in, &row) || !ReadRaw(in, &stored.expiry)) return damaged;
        stored.row = std::string(row);
        if (stored.expiry != INT64_MAX) state.expiries.emplace(stored.expiry, std::string(key));
        list.push_back(std::move(stored));
        ++state.stored;
      }
    }
  }
  return in.empty() ? Status::OK() : damaged;
}

std::string JoinOperator::Describe() const {
  auto bounds = [](const JoinSide& s) -> std::string {
    if (s.expiry_column < 0) return "kept";
    return fmt::format("dropped when the watermark passes {}{}", s.schema.field(static_cast<size_t>(s.expiry_column)).name,
                       s.expiry_offset_us == 0 ? "" : fmt::format(" {:+} s", static_cast<double>(s.expiry_offset_us) / 1e6));
  };
  return fmt::format("Join {} (left rows {}, right rows {})", spec_.text, bounds(spec_.sides[0]),
                     bounds(spec_.sides[1]));
}

}  // namespace sluice
