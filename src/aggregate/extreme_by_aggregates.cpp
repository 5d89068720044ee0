// max_by(x, y) and min_by(x, y): the x of the row with the largest / smallest y (rows whose y is
// NULL are skipped; of equal y the first row's x is kept), as Spark.
#include <string>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"
#include "vector/sort_key.h"

namespace sluice::aggregate {
namespace {

class ExtremeByStates final : public AggregateStates {
 public:
  explicit ExtremeByStates(bool max) : max_(max) {}

  void Resize(size_t count) override {
    keys_.resize(count);
    values_.resize(count);
    state_.resize(count, kEmpty);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    const Vector& y = *args[1];
    for (size_t i = 0; i < n; ++i) {
      const size_t row = rows[i];
      if (y.IsNull(row)) continue;
      const uint32_t g = groups[i];
      key_.clear();
      AppendSortKey(y, row, false, key_);
      if (state_[g] != kEmpty && (max_ ? !(keys_[g] < key_) : !(key_ < keys_[g]))) continue;
      keys_[g] = key_;
      if (x.IsNull(row)) {
        state_[g] = kNull;
        values_[g].clear();
      } else {
        state_[g] = kValue;
        values_[g].clear();
        EncodeValue(x, row, values_[g]);
      }
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const uint32_t g = groups[i];
      std::string_view encoded = values_[g];
      if (state_[g] != kValue || !DecodeValue(encoded, out)) out.AppendNull();
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    out.push_back(static_cast<char>(state_[group]));
    if (state_[group] == kEmpty) return;
    WriteBytes(out, keys_[group]);
    WriteBytes(out, values_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    if (in.empty()) return false;
    state_[group] = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    if (state_[group] == kEmpty) return true;
    if (state_[group] > kValue) return false;
    std::string_view key, value;
    if (!ReadBytes(in, &key) || !ReadBytes(in, &value)) return false;
    keys_[group].assign(key);
    values_[group].assign(value);
    return true;
  }
  size_t MemoryUsage() const override {
    size_t bytes = state_.capacity() + (keys_.capacity() + values_.capacity()) * sizeof(std::string);
    for (size_t g = 0; g < keys_.size(); ++g) bytes += keys_[g].capacity() + values_[g].capacity();
    return bytes;
  }

 private:
  static constexpr uint8_t kEmpty = 0, kNull = 1, kValue = 2;
  bool max_;
  std::vector<std::string> keys_;    // the sort key of the best y so far
  std::vector<std::string> values_;  // its row's x, encoded (EncodeValue)
  std::vector<uint8_t> state_;
  std::string key_;  // scratch
};

}  // namespace

std::unique_ptr<AggregateStates> MakeExtremeByStates(bool max) {
  return std::make_unique<ExtremeByStates>(max);
}

}  // namespace sluice::aggregate
