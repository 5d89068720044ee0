#include "exec/lookup_join_operator.h"

#include <chrono>
#include <thread>

#include <absl/container/flat_hash_set.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/stop_request.h"
#include "function/cast.h"
#include "vector/take.h"

namespace sluice {
Status LookupJoinOperator::Load(const std::vector<std::string>& keys) {
  const int64_t started = SteadyMillis();
  int64_t backoff_ms = 100;
  while (true) {
    auto rows = spec_.table->Lookup(keys);
    if (rows.ok()) {
      ++lookups_;
      const int64_t now = SteadyMillis();
      for (const auto& key : keys) {
        auto [it, inserted] = cache_.try_emplace(key);
        CacheEntry& entry = it->second;
        entry.rows.clear();
        entry.loaded_ms = now;
        if (inserted) {
          entry.order = cache_order_.insert(cache_order_.end(), key);
        } else {
          cache_order_.splice(cache_order_.end(), cache_order_, entry.order);  // refreshed
        }
      }
      for (auto& row : *rows) {
        auto it = cache_.find(row.key);
        if (it != cache_.end()) it->second.rows.push_back(std::move(row));
      }
      return Status::OK();
    }
    if (!rows.status().IsRetryable()) return rows.status().WithContext("lookup join");
    if (SteadyMillis() - started >= spec_.retry_timeout_ms) {
      return Status::Unavailable("lookup join: {} has been unavailable for {} s ({}); rows wait in "
                                 "Kafka until it is back",
                                 spec_.table->Describe(), spec_.retry_timeout_ms / 1000,
                                 rows.status().message());
    }
    spdlog::warn("lookup join: {} is unavailable ({}); retrying in {} ms", spec_.table->Describe(),
                 rows.status().message(), backoff_ms);
    if (!SleepUnlessStopped(std::chrono::milliseconds(backoff_ms))) {
      // Stopping: the rows of this batch are not committed and will be read again.
      return Status::Unavailable("lookup join: stopped while {} is unavailable", spec_.table->Describe());
    }
    backoff_ms = std::min<int64_t>(backoff_ms * 2, 2000);
  }
}

Status LookupJoinOperator::Push(const Batch& batch, EvalContext& context) {
  CountIn(batch);
  const size_t live = batch.num_live_rows();
  if (live == 0) return Status::OK();
  SLUICE_ASSIGN_OR_RETURN(VectorPtr keys, spec_.key->Evaluate(batch, context));
  const int64_t now = SteadyMillis();
  absl::flat_hash_set<absl::string_view> missing_set;
  std::vector<std::string> missing;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    if (keys->IsNull(row)) continue;
    std::string_view key = keys->data<std::string_view>()[row];
    auto it = cache_.find(absl::string_view(key.data(), key.size()));
    if (it != cache_.end() && now - it->second.loaded_ms < spec_.cache_ttl_ms) {
      ++cache_hits_;
      continue;
    }
    if (missing_set.insert(absl::string_view(key.data(), key.size())).second) missing.emplace_back(key);
  }
  if (!missing.empty()) SLUICE_RETURN_NOT_OK(Load(missing));

  // Each stream row with each of its matches (or alone, for a LEFT JOIN without one).
  std::vector<uint32_t> rows;
  std::vector<const LookupTable::Row*> matches;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    const CacheEntry* entry = nullptr;
    if (!keys->IsNull(row)) {
      std::string_view key = keys->data<std::string_view>()[row];
      auto it = cache_.find(absl::string_view(key.data(), key.size()));
      if (it != cache_.end()) entry = &it->second;
    }
    if (entry && !entry->rows.empty()) {
      for (const auto& m : entry->rows) {
        rows.push_back(row);
        matches.push_back(&m);
      }
    } else if (spec_.left_outer) {
      rows.push_back(row);
      matches.push_back(nullptr);
    }
  }
  if (rows.empty()) {
    EvictOverflow();
    return Status::OK();
  }
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < batch.num_columns(); ++c) columns.push_back(Take(batch.column(c), rows));
  for (size_t c = 0; c < spec_.table_schema.size(); ++c) {
    Vector text(DataType::String());
    for (const auto* m : matches) {
      if (!m || m->nulls[c]) {
        text.AppendNull();
      } else {
        text.AppendString(m->values[c]);
      }
    }
    const DataType& type = spec_.table_schema.field(c).type;
    auto typed = std::make_shared<Vector>(type);
    if (type.id() == TypeId::kString) {
      typed->ShareArenasOf(text);
      for (size_t r = 0; r < text.size(); ++r) {
        if (text.IsNull(r)) {
          typed->AppendNull();
        } else {
          typed->Append(text.data<std::string_view>()[r]);
        }
      }
    } else {
      SelectionVector all;
      KernelContext kernel{all, text.size(), context};
      SLUICE_RETURN_NOT_OK(CastVector(text, type, kernel, *typed));
    }
    columns.push_back(std::move(typed));
  }
  matches.clear();  // they point into the cache
  EvictOverflow();
  Batch out(std::move(columns), rows.size());
  if (spec_.condition) {
    SLUICE_ASSIGN_OR_RETURN(VectorPtr keep, spec_.condition->Evaluate(out, context));
    std::vector<uint32_t> selected;
    for (uint32_t r = 0; r < out.num_rows(); ++r) {
      if (keep->IsValid(r) && keep->data<uint8_t>()[r]) selected.push_back(r);
    }
    out.set_selection(SelectionVector::Of(std::move(selected)));
  }
  return Emit(out, context);
}

void LookupJoinOperator::EvictOverflow() {
  while (cache_.size() > spec_.cache_max_rows && !cache_order_.empty()) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

std::string LookupJoinOperator::Describe() const {
  return fmt::format("Lookup{} join {} in {} (cache {} rows for {} s)",
                     spec_.left_outer ? " LEFT" : "", spec_.text, spec_.table->Describe(),
                     spec_.cache_max_rows, spec_.cache_ttl_ms / 1000);
}

}  // namespace sluice
