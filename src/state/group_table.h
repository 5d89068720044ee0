#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "aggregate/aggregate_function.h"
#include "vector/string_arena.h"

namespace sluice {

// The groups of one aggregation (or of one of its windows): encoded group key -> dense group id,
// and the aggregate states indexed by that id. Keys live in an arena owned by the table, so a
// window's whole state goes with one destructor when the window closes.
class GroupTable {
 public:
  explicit GroupTable(const std::vector<AggregateFunction>& functions);

  // The id of `key`'s group, created (with empty states) if new.
  uint32_t FindOrAdd(std::string_view key) {
    bool inserted;
    return FindOrAdd(key, &inserted);
  }
  // The same, telling whether the group is new.
  uint32_t FindOrAdd(std::string_view key, bool* inserted);
  size_t num_groups() const { return keys_.size(); }
  std::string_view key(uint32_t group) const { return keys_[group]; }
  AggregateStates& states(size_t aggregate) { return *states_[aggregate]; }
  const AggregateStates& states(size_t aggregate) const { return *states_[aggregate]; }

  // Update mode: groups changed since the last TakeChanged, in first-change order.
  void MarkChanged(uint32_t group) {
    if (!changed_[group]) {
      changed_[group] = 1;
      changed_list_.push_back(group);
    }
  }
  std::vector<uint32_t> TakeChanged();
  bool has_changes() const { return !changed_list_.empty(); }
  bool changed(uint32_t group) const { return changed_[group] != 0; }

  // The aggregate values last emitted for a group (encoded; empty: none yet), kept by an
  // aggregation that withdraws them when the group changes.
  std::string& emitted(uint32_t group) {
    if (emitted_.size() <= group) emitted_.resize(keys_.size());
    return emitted_[group];
  }
  std::string_view emitted(uint32_t group) const {
    return group < emitted_.size() ? std::string_view(emitted_[group]) : std::string_view();
  }

  size_t MemoryUsage() const;

 private:
  absl::flat_hash_map<std::string_view, uint32_t> index_;
  StringArena key_bytes_;
  std::vector<std::string_view> keys_;
  std::vector<std::unique_ptr<AggregateStates>> states_;
  std::vector<uint8_t> changed_;
  std::vector<uint32_t> changed_list_;
  std::vector<std::string> emitted_;
  size_t capacity_ = 0;  // groups the states have room for
};

}  // namespace sluice
