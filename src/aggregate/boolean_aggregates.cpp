// bool_and / every and bool_or / some: whether every / some non-null BOOLEAN is TRUE; NULL when a
// group holds no non-null value, as Spark. Counts rather than flags, so rows can be retracted.
#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class BoolStates final : public AggregateStates {
 public:
  explicit BoolStates(bool all) : all_(all) {}

  void Resize(size_t count) override {
    values_.resize(count, 0);
    trues_.resize(count, 0);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    Fold(*args[0], rows, groups, n, 1);
  }
  void Retract(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
               size_t n) override {
    Fold(*args[0], rows, groups, n, -1);
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const uint32_t g = groups[i];
      if (values_[g] <= 0) {
        out.AppendNull();
      } else {
        out.Append(static_cast<uint8_t>(all_ ? trues_[g] == values_[g] : trues_[g] > 0));
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, values_[group]);
    WriteRaw(out, trues_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    return ReadRaw(in, &values_[group]) && ReadRaw(in, &trues_[group]);
  }
  size_t MemoryUsage() const override { return (values_.capacity() + trues_.capacity()) * 8; }

 private:
  void Fold(const Vector& x, const uint32_t* rows, const uint32_t* groups, size_t n, int sign) {
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      values_[g] += sign;
      if (x.data<uint8_t>()[row]) trues_[g] += sign;
    });
  }

  bool all_;
  std::vector<int64_t> values_;  // non-null values
  std::vector<int64_t> trues_;   // of which TRUE
};

}  // namespace

std::unique_ptr<AggregateStates> MakeBoolStates(bool all) { return std::make_unique<BoolStates>(all); }

}  // namespace sluice::aggregate
