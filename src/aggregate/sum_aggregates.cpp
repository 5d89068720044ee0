// sum and avg.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "aggregate/aggregate_families.h"
#include "types/decimal.h"
#include "types/decimal_arithmetic.h"

namespace sluice::aggregate {
namespace {

// sum over integers in int64, or doubles; NULL when a group holds
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

// sum (and try_sum) and avg over decimals, as Spark's: the unscaled values summed in 128 bits;
// once a running sum leaves its precision (the sum's result type; for avg Spark's buffer,
// DECIMAL(p + 10, s)) the group's result is NULL, and stays NULL until the group holds no value
// again (Spark checks each addition, so a later value that would bring the sum back in range
// does not). avg divides the sum, at the average's scale, rounding half up.
class DecimalSumStates final : public AggregateStates {
 public:
  // `average`: the avg's result type; none for sum.
  DecimalSumStates(int sum_precision, int input_scale, std::optional<DataType> average)
      : sum_precision_(sum_precision), input_scale_(input_scale), average_(std::move(average)) {}
  void Resize(size_t count) override {
    sums_.resize(count, 0);
    values_.resize(count, 0);
    overflowed_.resize(count, 0);
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
      std::optional<Int128> result;
      if (values_[g] > 0 && !overflowed_[g]) {
        result = sums_[g];
        if (average_) {  // sum * 10^(added scale) / count, in 256 bits: a 38-digit sum fits
          result = DivideDecimal(sums_[g], average_->scale() - input_scale_, values_[g],
                                 average_->precision());
        }
      }
      if (result) {
        out.Append(*result);
      } else {
        out.AppendNull();
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, sums_[group]);
    WriteRaw(out, values_[group]);
    WriteRaw(out, overflowed_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    return ReadRaw(in, &sums_[group]) && ReadRaw(in, &values_[group]) &&
           ReadRaw(in, &overflowed_[group]);
  }
  size_t MemoryUsage() const override {
    return sums_.capacity() * sizeof(Int128) + values_.capacity() * 8 + overflowed_.capacity();
  }

 private:
  void Fold(const Vector& x, const uint32_t* rows, const uint32_t* groups, size_t n, int sign) {
    const Int128* values = x.data<Int128>();
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      values_[g] += sign;
      if (values_[g] == 0) {  // empty again: a fresh start
        sums_[g] = 0;
        overflowed_[g] = 0;
        return;
      }
      if (overflowed_[g]) return;
      Int128 sum;
      if (__builtin_add_overflow(sums_[g], sign * values[row], &sum) ||
          !FitsPrecision(sum, sum_precision_)) {
        overflowed_[g] = 1;
        return;
      }
      sums_[g] = sum;
    });
  }

  int sum_precision_;
  int input_scale_;
  std::optional<DataType> average_;
  std::vector<Int128> sums_;
  std::vector<int64_t> values_;  // non-null values summed
  std::vector<uint8_t> overflowed_;
};

// avg over integers and doubles, as Spark's: summed as DOUBLE, with the count.
class DoubleAvgStates final : public AggregateStates {
 public:
  void Resize(size_t count) override {
    sums_.resize(count, 0);
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
      } else {
        out.Append(sums_[g] / static_cast<double>(counts_[g]));
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
  size_t MemoryUsage() const override { return sums_.capacity() * 8 + counts_.capacity() * 8; }

 private:
  // Adds (sign 1) or takes back out (sign -1) the rows' non-null values.
  void Fold(const Vector& x, const uint32_t* rows, const uint32_t* groups, size_t n, int sign) {
    const bool doubles = x.type().id() == TypeId::kFloat64;
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      sums_[g] += sign * (doubles ? x.data<double>()[row] : static_cast<double>(ReadInteger(x, row)));
      counts_[g] += sign;
      if (counts_[g] == 0) sums_[g] = 0;  // no drift left behind
    });
  }

  std::vector<double> sums_;
  std::vector<int64_t> counts_;
};

// sum and avg of an interval, as Spark's: the sum keeps the interval's type, the average is
// the sum divided by the count, rounded half up to a month or a microsecond. Summed in 128 bits;
// a sum beyond the type's range is NULL (Spark fails the query there).
class IntervalSumStates final : public AggregateStates {
 public:
  IntervalSumStates(bool year_month, bool average) : year_month_(year_month), average_(average) {}
  void Resize(size_t count) override {
    sums_.resize(count, 0);
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
    const Int128 low = year_month_ ? std::numeric_limits<int32_t>::min()
                                   : std::numeric_limits<int64_t>::min();
    const Int128 high = year_month_ ? std::numeric_limits<int32_t>::max()
                                    : std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < n; ++i) {
      const uint32_t g = groups[i];
      if (counts_[g] <= 0) {
        out.AppendNull();
        continue;
      }
      const Int128 v = average_ ? DivideRoundHalfUp(sums_[g], counts_[g]) : sums_[g];
      if (v < low || v > high) {
        out.AppendNull();
      } else if (year_month_) {
        out.Append(static_cast<int32_t>(v));
      } else {
        out.Append(static_cast<int64_t>(v));
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
  size_t MemoryUsage() const override {
    return sums_.capacity() * sizeof(Int128) + counts_.capacity() * 8;
  }

 private:
  void Fold(const Vector& x, const uint32_t* rows, const uint32_t* groups, size_t n, int sign) {
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      sums_[g] += sign * Int128{ReadInteger(x, row)};
      counts_[g] += sign;
      if (counts_[g] == 0) sums_[g] = 0;
    });
  }

  bool year_month_;
  bool average_;
  std::vector<Int128> sums_;
  std::vector<int64_t> counts_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeSumStates(const DataType& input, const DataType& result) {
  if (input.IsInterval()) {
    return std::make_unique<IntervalSumStates>(input.id() == TypeId::kYearMonthInterval, false);
  }
  if (input.id() == TypeId::kFloat64) return std::make_unique<SumStates<double>>();
  if (input.id() == TypeId::kDecimal) {
    return std::make_unique<DecimalSumStates>(result.precision(), input.scale(), std::nullopt);
  }
  return std::make_unique<SumStates<int64_t>>();
}

std::unique_ptr<AggregateStates> MakeAvgStates(const DataType& input, const DataType& result) {
  if (input.IsInterval()) {
    return std::make_unique<IntervalSumStates>(input.id() == TypeId::kYearMonthInterval, true);
  }
  if (input.id() == TypeId::kDecimal) {
    return std::make_unique<DecimalSumStates>(
        std::min(kMaxDecimalPrecision, input.precision() + 10), input.scale(), result);
  }
  return std::make_unique<DoubleAvgStates>();
}

}  // namespace sluice::aggregate
