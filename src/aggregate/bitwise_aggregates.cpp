// bit_and, bit_or and bit_xor over INT or BIGINT: the result has the input's type and is NULL
// when a group holds no non-null value, as Spark.
#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class BitwiseStates final : public AggregateStates {
 public:
  explicit BitwiseStates(BitOp op) : op_(op) {}

  void Resize(size_t count) override {
    bits_.resize(count, op_ == BitOp::kAnd ? ~int64_t{0} : 0);
    values_.resize(count, 0);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      const int64_t v = ReadInteger(x, row);
      switch (op_) {
        case BitOp::kAnd: bits_[g] &= v; break;
        case BitOp::kOr: bits_[g] |= v; break;
        case BitOp::kXor: bits_[g] ^= v; break;
      }
      ++values_[g];
    });
  }
  // Only bit_xor is retractable: x ^ v ^ v == x.
  void Retract(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
               size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      bits_[g] ^= ReadInteger(x, row);
      --values_[g];
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const uint32_t g = groups[i];
      if (values_[g] <= 0) {
        out.AppendNull();
      } else {
        AppendInteger(out, bits_[g]);
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, bits_[group]);
    WriteRaw(out, values_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    return ReadRaw(in, &bits_[group]) && ReadRaw(in, &values_[group]);
  }
  size_t MemoryUsage() const override { return (bits_.capacity() + values_.capacity()) * 8; }

 private:
  BitOp op_;
  std::vector<int64_t> bits_;
  std::vector<int64_t> values_;  // non-null values folded in
};

}  // namespace

std::unique_ptr<AggregateStates> MakeBitwiseStates(BitOp op) {
  return std::make_unique<BitwiseStates>(op);
}

}  // namespace sluice::aggregate
