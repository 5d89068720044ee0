// approx_count_distinct: a HyperLogLog sketch per group (2^p one-byte registers), with linear
// counting for small cardinalities. Spark's relative standard deviation `rsd` picks p the same
// way: p = ceil(2 * log2(1.106 / rsd)).
#include <cmath>
#include <cstring>

#include <xxhash.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice::aggregate {
namespace {

class ApproxDistinctStates final : public AggregateStates {
 public:
  explicit ApproxDistinctStates(int p) : p_(p), m_(size_t{1} << p) {}

  void Resize(size_t count) override { registers_.resize(count * m_, 0); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    for (size_t i = 0; i < n; ++i) {
      if (x.IsNull(rows[i])) continue;
      value_.clear();
      EncodeValue(x, rows[i], value_);
      uint64_t hash = XXH3_64bits(value_.data(), value_.size());
      size_t index = hash >> (64 - p_);
      uint64_t rest = (hash << p_) | (uint64_t{1} << (p_ - 1));  // a stop bit bounds the rank
      uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
      uint8_t& reg = registers_[groups[i] * m_ + index];
      if (rank > reg) reg = rank;
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    const double m = static_cast<double>(m_);
    const double alpha = m_ == 16 ? 0.673 : m_ == 32 ? 0.697 : m_ == 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* reg = &registers_[groups[i] * m_];
      double sum = 0;
      size_t zeros = 0;
      for (size_t j = 0; j < m_; ++j) {
        sum += std::ldexp(1.0, -reg[j]);
        zeros += reg[j] == 0;
      }
      double estimate = alpha * m * m / sum;
      if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
      out.Append(static_cast<int64_t>(std::llround(estimate)));
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    out.append(reinterpret_cast<const char*>(&registers_[group * m_]), m_);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    if (in.size() < m_) return false;
    std::memcpy(&registers_[group * m_], in.data(), m_);
    in.remove_prefix(m_);
    return true;
  }
  size_t MemoryUsage() const override { return registers_.capacity(); }

 private:
  int p_;
  size_t m_;
  std::vector<uint8_t> registers_;
  std::string value_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeApproxDistinctStates(int precision_bits) {
  return std::make_unique<ApproxDistinctStates>(precision_bits);
}

}  // namespace sluice::aggregate
