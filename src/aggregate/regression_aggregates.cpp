// The linear regression aggregates regr_sxx, regr_syy, regr_sxy, regr_slope, regr_intercept and
// regr_r2 over (y, x) pairs, and regr_avgx/regr_avgy as avg over the pairs. Each keeps the pieces
// Spark's version of it (linearRegression.scala) keeps, updated in Spark's order, so the last
// bits agree: Covariance's co-moment with x first (slope, intercept) and with y first (sxy, r2),
// Corr's moments, CentralMomentAgg's m2 of the pairs' x and y, and the m2 of every non-NULL x,
// which Spark's regr_slope and regr_intercept divide by (a row whose y is NULL counts there).
#include <cmath>
#include <optional>

#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class RegressionStates final : public AggregateStates {
 public:
  explicit RegressionStates(Regression what) : what_(what) {}

  void Resize(size_t count) override { stats_.resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& ys = *args[0];
    const Vector& xs = *args[1];
    for (size_t i = 0; i < n; ++i) {
      const size_t row = rows[i];
      if (xs.IsNull(row)) continue;
      const double x = xs.data<double>()[row];
      Stats& s = stats_[groups[i]];
      {  // VariancePop(x) over every non-NULL x
        const double n1 = s.all_n + 1.0;
        const double delta = x - s.all_x_avg;
        const double delta_n = delta / n1;
        s.all_x_avg += delta_n;
        s.all_x_m2 += delta * (delta - delta_n);
        s.all_n = n1;
      }
      if (ys.IsNull(row)) continue;
      const double y = ys.data<double>()[row];
      const double n1 = s.n + 1.0;
      const double dx = x - s.x_avg;
      const double dy = y - s.y_avg;
      const double dx_n = dx / n1;
      const double dy_n = dy / n1;
      s.x_avg += dx_n;
      s.y_avg += dy_n;
      s.ck_xy += dx * (y - s.y_avg);
      s.ck_yx += dy * (x - s.x_avg);
      s.x_mk += dx * (x - s.x_avg);
      s.y_mk += dy * (y - s.y_avg);
      s.x_m2 += dx * (dx - dx_n);
      s.y_m2 += dy * (dy - dy_n);
      s.n = n1;
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const Stats& s = stats_[groups[i]];
      std::optional<double> v;
      switch (what_) {
        case Regression::kSxx:
          if (s.n > 0) v = s.x_m2;
          break;
        case Regression::kSyy:
          if (s.n > 0) v = s.y_m2;
          break;
        case Regression::kSxy:
          if (s.n > 0) v = s.ck_yx;
          break;
        case Regression::kSlope:
          if (s.all_x_m2 != 0) v = s.ck_xy / s.all_x_m2;
          break;
        case Regression::kIntercept:
          if (s.all_x_m2 != 0) v = s.y_avg - s.ck_xy / s.all_x_m2 * s.x_avg;
          break;
        case Regression::kR2:
          // As Spark: NULL when x does not vary, 1 when y does not.
          if (s.x_mk == 0) break;
          if (s.y_mk == 0) {
            v = 1.0;
          } else {
            const double corr = s.ck_yx / std::sqrt(s.y_mk * s.x_mk);
            v = corr * corr;
          }
          break;
      }
      if (v) {
        out.Append(*v);
      } else {
        out.AppendNull();
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
    double n = 0;                  // pairs
    double x_avg = 0, y_avg = 0;   // the pairs' running averages
    double ck_xy = 0, ck_yx = 0;   // co-moments, x first and y first
    double x_mk = 0, y_mk = 0;     // Corr's sums of squared deviations
    double x_m2 = 0, y_m2 = 0;     // CentralMomentAgg's
    double all_n = 0, all_x_avg = 0, all_x_m2 = 0;  // VariancePop of every non-NULL x
  };
  Regression what_;
  std::vector<Stats> stats_;
};

// regr_avgx / regr_avgy: another aggregate (avg) fed only the rows where both arguments are
// non-NULL, with one of them.
class PairFilterStates final : public AggregateStates {
 public:
  PairFilterStates(std::unique_ptr<AggregateStates> inner, size_t fed) : inner_(std::move(inner)), fed_(fed) {}

  void Resize(size_t count) override { inner_->Resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    rows_.clear();
    groups_.clear();
    for (size_t i = 0; i < n; ++i) {
      if (args[0]->IsNull(rows[i]) || args[1]->IsNull(rows[i])) continue;
      rows_.push_back(rows[i]);
      groups_.push_back(groups[i]);
    }
    inner_->Update({args[fed_]}, rows_.data(), groups_.data(), rows_.size());
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    inner_->Finalize(groups, n, out);
  }
  void Serialize(uint32_t group, std::string& out) const override { inner_->Serialize(group, out); }
  bool Deserialize(uint32_t group, std::string_view& in) override { return inner_->Deserialize(group, in); }
  size_t MemoryUsage() const override { return inner_->MemoryUsage(); }

 private:
  std::unique_ptr<AggregateStates> inner_;
  size_t fed_;
  std::vector<uint32_t> rows_, groups_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeRegressionStates(Regression what) {
  return std::make_unique<RegressionStates>(what);
}

std::unique_ptr<AggregateStates> MakePairFilterStates(std::unique_ptr<AggregateStates> inner,
                                                      size_t fed) {
  return std::make_unique<PairFilterStates>(std::move(inner), fed);
}

}  // namespace sluice::aggregate
