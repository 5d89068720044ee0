// count(*), count(x), count(x, y) and count(DISTINCT x).
#include <cstring>

#include <absl/container/flat_hash_set.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice::aggregate {
namespace {

// count(*) counts rows, count(x, ...) the rows where no argument is NULL, count_if(b) those
// where b is TRUE.
enum class CountMode { kRows, kNonNull, kTrue };

class CountStates final : public AggregateStates {
 public:
  explicit CountStates(CountMode mode) : mode_(mode) {}
  void Resize(size_t count) override { counts_.resize(count, 0); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    Add(args, rows, groups, n, 1);
  }
  void Retract(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
               size_t n) override {
    Add(args, rows, groups, n, -1);
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) out.Append(counts_[groups[i]]);
  }
  void Serialize(uint32_t group, std::string& out) const override { WriteRaw(out, counts_[group]); }
  bool Deserialize(uint32_t group, std::string_view& in) override { return ReadRaw(in, &counts_[group]); }
  size_t MemoryUsage() const override { return counts_.capacity() * 8; }

 private:
  void Add(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
           size_t n, int64_t sign) {
    if (mode_ == CountMode::kRows) {
      for (size_t i = 0; i < n; ++i) counts_[groups[i]] += sign;
      return;
    }
    const Vector& x = *args[0];
    if (mode_ == CountMode::kTrue) {
      const uint8_t* values = x.data<uint8_t>();
      for (size_t i = 0; i < n; ++i) {
        counts_[groups[i]] += x.IsValid(rows[i]) && values[rows[i]] ? sign : 0;
      }
      return;
    }
    if (args.size() > 1) {  // count(a, b): the rows where none is NULL, as Spark
      for (size_t i = 0; i < n; ++i) {
        bool valid = true;
        for (const Vector* arg : args) valid = valid && arg->IsValid(rows[i]);
        counts_[groups[i]] += valid ? sign : 0;
      }
      return;
    }
    if (!x.MayHaveNulls()) {
      for (size_t i = 0; i < n; ++i) counts_[groups[i]] += sign;
      return;
    }
    for (size_t i = 0; i < n; ++i) counts_[groups[i]] += x.IsValid(rows[i]) ? sign : 0;
  }

  CountMode mode_;
  std::vector<int64_t> counts_;
};

// The distinct non-null values seen per group, as encoded bytes.
class CountDistinctStates final : public AggregateStates {
 public:
  void Resize(size_t count) override { sets_.resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      key_.clear();
      bool any_null = false;
      for (const Vector* a : args) {
        if (a->IsNull(rows[i])) any_null = true;
        EncodeKeyValue(*a, rows[i], key_);
      }
      if (any_null) continue;  // count(DISTINCT a, b) skips rows where any is NULL, as Spark
      auto [it, inserted] = sets_[groups[i]].insert(key_);
      if (inserted) bytes_ += key_.size() + 32;
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) out.Append(static_cast<int64_t>(sets_[groups[i]].size()));
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, static_cast<uint32_t>(sets_[group].size()));
    for (const auto& value : sets_[group]) WriteBytes(out, value);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    uint32_t size;
    if (!ReadRaw(in, &size)) return false;
    for (uint32_t i = 0; i < size; ++i) {
      std::string_view value;
      if (!ReadBytes(in, &value)) return false;
      sets_[group].insert(std::string(value));
      bytes_ += value.size() + 32;
    }
    return true;
  }
  size_t MemoryUsage() const override { return sets_.capacity() * sizeof(sets_[0]) + bytes_; }

 private:
  std::vector<absl::flat_hash_set<std::string>> sets_;
  std::string key_;
  size_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeCountStates(bool count_star) {
  return std::make_unique<CountStates>(count_star ? CountMode::kRows : CountMode::kNonNull);
}

std::unique_ptr<AggregateStates> MakeCountIfStates() {
  return std::make_unique<CountStates>(CountMode::kTrue);
}

std::unique_ptr<AggregateStates> MakeCountDistinctStates() {
  return std::make_unique<CountDistinctStates>();
}

}  // namespace sluice::aggregate
