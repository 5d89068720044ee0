// sum and avg.
#include <cmath>
#include <cstring>

#include "aggregate/aggregate_families.h"
#include "types/decimal.h"

namespace sluice::aggregate {
namespace {

// Decimal sums of many rows outgrow 64 bits before the division brings them back.
__extension__ typedef __int128 Int128;

// sum over integers (and decimals' unscaled values) in int64, or doubles; NULL when a group holds
// no non-null value (counted, so that retracting the last one brings NULL back). Integer overflow
// wraps, as Spark's non-ANSI sum of BIGINT does.
template <typename T>
class SumStates final : public AggregateStates {
 public:
  void Resize(size_t count) override {
    sums_.resize(count, T{});
    values_.resize(count, 0);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      if constexpr (std::is_same_v<T, double>) {
        sums_[g] += x.data<double>()[row];
      } else {
        sums_[g] = static_cast<int64_t>(static_cast<uint64_t>(sums_[g]) +
                                        static_cast<uint64_t>(ReadInteger(x, row)));
      }
      ++values_[g];
    });
  }
  void Retract(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
               size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      if constexpr (std::is_same_v<T, double>) {
        sums_[g] -= x.data<double>()[row];
      } else {
        sums_[g] = static_cast<int64_t>(static_cast<uint64_t>(sums_[g]) -
                                        static_cast<uint64_t>(ReadInteger(x, row)));
      }
      if (--values_[g] == 0) sums_[g] = T{};  // no drift left behind by doubles
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      if (values_[groups[i]] <= 0) {
        out.AppendNull();
      } else {
        out.Append(sums_[groups[i]]);
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, sums_[group]);
    WriteRaw(out, values_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    return ReadRaw(in, &sums_[group]) && ReadRaw(in, &values_[group]);
  }
  size_t MemoryUsage() const override { return sums_.capacity() * sizeof(T) + values_.capacity() * 8; }

 private:
  std::vector<T> sums_;
  std::vector<int64_t> values_;  // non-null values summed
};

// avg: the sum (int64 for integers, 128 bits for decimals, double for doubles) and the count.
template <typename Sum>
class AvgStates final : public AggregateStates {
 public:
  AvgStates(int input_scale, DataType result) : input_scale_(input_scale), result_(std::move(result)) {}
  void Resize(size_t count) override {
    sums_.resize(count, Sum{});
    counts_.resize(count, 0);
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
      if (counts_[g] <= 0) {
        out.AppendNull();
        continue;
      }
      if constexpr (std::is_same_v<Sum, double>) {
        out.Append(sums_[g] / static_cast<double>(counts_[g]));
      } else {
        // Rescale to the result's scale, then divide rounding half away from zero.
        Int128 scaled = sums_[g];
        for (int s = input_scale_; s < result_.scale(); ++s) scaled *= 10;
        Int128 quotient = scaled / counts_[g];
        Int128 remainder = scaled % counts_[g];
        if (remainder * 2 >= counts_[g]) ++quotient;
        if (-remainder * 2 >= counts_[g]) --quotient;
        const Int128 limit = PowerOfTen(result_.precision());
        if (quotient >= limit || quotient <= -limit) {
          out.AppendNull();  // cannot happen with the resolver's type; never a wrapped value
        } else {
          out.Append(static_cast<int64_t>(quotient));
        }
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, sums_[group]);
    WriteRaw(out, counts_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    return ReadRaw(in, &sums_[group]) && ReadRaw(in, &counts_[group]);
  }
  size_t MemoryUsage() const override { return sums_.capacity() * sizeof(Sum) + counts_.capacity() * 8; }

 private:
  // Adds (sign 1) or takes back out (sign -1) the rows' non-null values.
  void Fold(const Vector& x, const uint32_t* rows, const uint32_t* groups, size_t n, int sign) {
    const bool doubles = x.type().id() == TypeId::kFloat64;
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      if constexpr (std::is_same_v<Sum, double>) {
        sums_[g] += sign * (doubles ? x.data<double>()[row] : static_cast<double>(ReadInteger(x, row)));
      } else {
        sums_[g] += sign * ReadInteger(x, row);
      }
      counts_[g] += sign;
      if (counts_[g] == 0) sums_[g] = Sum{};  // no drift left behind by doubles
    });
  }

  int input_scale_;
  DataType result_;
  std::vector<Sum> sums_;
  std::vector<int64_t> counts_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeSumStates(const DataType& input, const DataType&) {
  if (input.id() == TypeId::kFloat64) return std::make_unique<SumStates<double>>();
  return std::make_unique<SumStates<int64_t>>();
}

std::unique_ptr<AggregateStates> MakeAvgStates(const DataType& input, const DataType& result) {
  if (input.id() == TypeId::kDecimal) {
    return std::make_unique<AvgStates<Int128>>(input.scale(), result);
  }
  return std::make_unique<AvgStates<double>>(0, result);
}

}  // namespace sluice::aggregate
