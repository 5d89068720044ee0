// mode(x[, deterministic]): the most frequent non-null value, NULL for none. Of equally frequent
// values Spark returns an arbitrary one (its hash map's order) unless deterministic is TRUE, when
// it returns the lowest; sluice always returns the lowest, so results do not depend on arrival.
#include <absl/container/flat_hash_map.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"
#include "vector/sort_key.h"

namespace sluice::aggregate {
namespace {

class ModeStates final : public AggregateStates {
 public:
  void Resize(size_t count) override { counts_.resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      key_.clear();
      AppendSortKey(x, row, false, key_);
      auto [it, inserted] = counts_[g].try_emplace(key_);
      if (inserted) {
        EncodeValue(x, row, it->second.value);  // the first of values with one sort key (0.0, -0.0)
        bytes_ += key_.size() + it->second.value.size() + kEntryOverhead;
      }
      ++it->second.count;
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const Entry* best = nullptr;
      const std::string* best_key = nullptr;
      for (const auto& [key, entry] : counts_[groups[i]]) {
        if (!best || entry.count > best->count || (entry.count == best->count && key < *best_key)) {
          best = &entry;
          best_key = &key;
        }
      }
      std::string_view encoded = best ? std::string_view(best->value) : std::string_view();
      if (!best || !DecodeValue(encoded, out)) out.AppendNull();
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    const auto& counts = counts_[group];
    WriteRaw(out, static_cast<uint64_t>(counts.size()));
    for (const auto& [key, entry] : counts) {
      WriteBytes(out, key);
      WriteBytes(out, entry.value);
      WriteRaw(out, entry.count);
    }
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    uint64_t size;
    if (!ReadRaw(in, &size)) return false;
    auto& counts = counts_[group];
    for (const auto& [key, entry] : counts) bytes_ -= key.size() + entry.value.size() + kEntryOverhead;
    counts.clear();
    for (uint64_t i = 0; i < size; ++i) {
      std::string_view key, value;
      int64_t count;
      if (!ReadBytes(in, &key) || !ReadBytes(in, &value) || !ReadRaw(in, &count)) return false;
      Entry& entry = counts[std::string(key)];
      entry.value.assign(value);
      entry.count = count;
      bytes_ += key.size() + value.size() + kEntryOverhead;
    }
    return true;
  }
  size_t MemoryUsage() const override { return counts_.capacity() * sizeof(counts_[0]) + bytes_; }

 private:
  static constexpr size_t kEntryOverhead = 80;  // the map slot: two strings and a count
  struct Entry {
    std::string value;  // EncodeValue's bytes
    int64_t count = 0;
  };
  std::vector<absl::flat_hash_map<std::string, Entry>> counts_;  // by sort key
  size_t bytes_ = 0;
  std::string key_;  // scratch
};

}  // namespace

std::unique_ptr<AggregateStates> MakeModeStates() { return std::make_unique<ModeStates>(); }

}  // namespace sluice::aggregate
