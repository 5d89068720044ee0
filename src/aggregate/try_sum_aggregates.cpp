// try_sum over integers: sum's result, but NULL once a running sum overflows BIGINT, and it
// stays NULL (Spark checks each addition, so a later value that would bring the sum back in
// range does not). Not retractable for that reason. Doubles and decimals use sum's states (a
// decimal sum is NULL on overflow already).
#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class TrySumStates final : public AggregateStates {
 public:
  void Resize(size_t count) override {
    sums_.resize(count, 0);
    state_.resize(count, kEmpty);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      if (state_[g] == kOverflow) return;
      int64_t sum;
      if (__builtin_add_overflow(sums_[g], ReadInteger(x, row), &sum)) {
        state_[g] = kOverflow;
        return;
      }
      sums_[g] = sum;
      state_[g] = kValue;
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      if (state_[groups[i]] != kValue) {
        out.AppendNull();
      } else {
        out.Append(sums_[groups[i]]);
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    out.push_back(static_cast<char>(state_[group]));
    WriteRaw(out, sums_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    if (in.empty() || static_cast<uint8_t>(in[0]) > kOverflow) return false;
    state_[group] = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    return ReadRaw(in, &sums_[group]);
  }
  size_t MemoryUsage() const override { return sums_.capacity() * 8 + state_.capacity(); }

 private:
  static constexpr uint8_t kEmpty = 0, kValue = 1, kOverflow = 2;
  std::vector<int64_t> sums_;
  std::vector<uint8_t> state_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeTrySumStates(const DataType& input, const DataType& result) {
  if (input.id() == TypeId::kFloat64 || input.id() == TypeId::kDecimal) {
    return MakeSumStates(input, result);
  }
  return std::make_unique<TrySumStates>();
}

}  // namespace sluice::aggregate
