// corr, covar_pop, covar_samp and regr_count over pairs of DOUBLEs; a row where either value is
// NULL is skipped. The one-pass updates and the final formulas are Spark's (Corr.scala,
// Covariance.scala), so rounding matches; a division by zero gives NULL as Spark's non-ANSI
// divide does (corr of a constant column, covar_samp of one row).
#include <cmath>

#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class CovarianceStates final : public AggregateStates {
 public:
  explicit CovarianceStates(PairStat stat) : stat_(stat) {}

  void Resize(size_t count) override { stats_.resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& xs = *args[0];
    const Vector& ys = *args[1];
    for (size_t i = 0; i < n; ++i) {
      const size_t row = rows[i];
      if (xs.IsNull(row) || ys.IsNull(row)) continue;
      const double x = xs.data<double>()[row];
      const double y = ys.data<double>()[row];
      Stats& s = stats_[groups[i]];
      const double n1 = s.n + 1.0;
      const double dx = x - s.x_avg;
      const double dy = y - s.y_avg;
      s.x_avg += dx / n1;
      s.y_avg += dy / n1;
      s.ck += dx * (y - s.y_avg);
      s.x_mk += dx * (x - s.x_avg);
      s.y_mk += dy * (y - s.y_avg);
      s.n = n1;
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const Stats& s = stats_[groups[i]];
      if (stat_ == PairStat::kRegrCount) {
        out.Append(static_cast<int64_t>(s.n));
        continue;
      }
      double divisor = 0;
      double dividend = s.ck;
      switch (stat_) {
        case PairStat::kCorr: divisor = s.n > 1 ? std::sqrt(s.x_mk * s.y_mk) : 0; break;
        case PairStat::kCovarPopulation: divisor = s.n; break;
        case PairStat::kCovarSample: divisor = s.n - 1; break;
        case PairStat::kRegrCount: break;
      }
      if (s.n == 0 || divisor == 0) {
        out.AppendNull();
      } else {
        out.Append(dividend / divisor);
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
    double x_avg = 0;
    double y_avg = 0;
    double ck = 0;    // sum of (x - x_avg)(y - y_avg)
    double x_mk = 0;  // sum of (x - x_avg)^2
    double y_mk = 0;  // sum of (y - y_avg)^2
  };
  PairStat stat_;
  std::vector<Stats> stats_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeCovarianceStates(PairStat stat) {
  return std::make_unique<CovarianceStates>(stat);
}

}  // namespace sluice::aggregate
