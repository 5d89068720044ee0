// skewness and kurtosis over DOUBLE, with Spark's one-pass update (CentralMomentAgg.scala) so
// rounding matches: NULL for no rows, and NULL where Spark's formula divides by zero (all values
// equal), as Spark's non-ANSI divide does. Kept apart from the variance states, whose snapshots
// hold no third and fourth moments.
#include <cmath>

#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class CentralMomentStates final : public AggregateStates {
 public:
  explicit CentralMomentStates(bool kurtosis) : kurtosis_(kurtosis) {}

  void Resize(size_t count) override { stats_.resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      Stats& s = stats_[g];
      const double n1 = s.n + 1.0;
      const double delta = x.data<double>()[row] - s.avg;
      const double delta_n = delta / n1;
      const double delta2 = delta * delta;
      const double delta_n2 = delta_n * delta_n;
      const double m2 = s.m2 + delta * (delta - delta_n);
      const double m3 = s.m3 - 3.0 * delta_n * m2 + delta * (delta2 - delta_n2);
      const double m4 =
          s.m4 - 4.0 * delta_n * m3 - 6.0 * delta_n2 * m2 + delta * (delta * delta2 - delta_n * delta_n2);
      s = Stats{n1, s.avg + delta_n, m2, m3, m4};
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const Stats& s = stats_[groups[i]];
      const double divisor = kurtosis_ ? s.m2 * s.m2 : std::sqrt(s.m2 * s.m2 * s.m2);
      if (s.n == 0 || s.m2 == 0 || divisor == 0) {
        out.AppendNull();
      } else if (kurtosis_) {
        out.Append(s.n * s.m4 / divisor - 3.0);
      } else {
        out.Append(std::sqrt(s.n) * s.m3 / divisor);
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override { WriteRaw(out, stats_[group]); }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    return ReadRaw(in, &stats_[group]);
  }
  size_t MemoryUsage() const override { return stats_.capacity() * sizeof(Stats); }

 private:
  struct Stats {
    double n = 0;
    double avg = 0;
    double m2 = 0;  // sums of the 2nd, 3rd and 4th powers of the deviations from avg
    double m3 = 0;
    double m4 = 0;
  };
  bool kurtosis_;
  std::vector<Stats> stats_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeCentralMomentStates(bool kurtosis) {
  return std::make_unique<CentralMomentStates>(kurtosis);
}

}  // namespace sluice::aggregate
