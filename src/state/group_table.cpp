#include "state/group_table.h"

namespace sluice {

GroupTable::GroupTable(const std::vector<AggregateFunction>& functions)
    : key_bytes_(16 * 1024) {
  for (const auto& f : functions) states_.push_back(f.make_states());
}

uint32_t GroupTable::FindOrAdd(std::string_view key, bool* inserted) {
  auto it = index_.find(key);
  *inserted = it == index_.end();
  if (!*inserted) return it->second;
  uint32_t group = static_cast<uint32_t>(keys_.size());
  std::string_view stored = key_bytes_.Add(key);
  index_.emplace(stored, group);
  keys_.push_back(stored);
  changed_.push_back(0);
  // States grow geometrically with the groups, not one group at a time.
  if (keys_.size() > capacity_) {
    capacity_ = capacity_ == 0 ? 16 : capacity_ * 2;
    for (auto& s : states_) s->Resize(capacity_);
  }
  return group;
}

std::vector<uint32_t> GroupTable::TakeChanged() {
  for (uint32_t g : changed_list_) changed_[g] = 0;
  return std::exchange(changed_list_, {});
}

size_t GroupTable::MemoryUsage() const {
  size_t bytes = key_bytes_.bytes_used() + index_.capacity() * (sizeof(std::string_view) + 8) +
                 keys_.capacity() * sizeof(std::string_view) + changed_.capacity();
  for (const auto& s : states_) bytes += s->MemoryUsage();
  for (const auto& e : emitted_) bytes += sizeof(std::string) + (e.size() > 15 ? e.capacity() : 0);
  return bytes;
}

}  // namespace sluice
