// stddev / stddev_samp / stddev_pop and variance / var_samp / var_pop over DOUBLE.
#include <cmath>
#include <cstring>

#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class MomentStates final : public AggregateStates {
 public:
  explicit MomentStates(Moment moment) : moment_(moment) {}
  void Resize(size_t count) override { stats_.resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    for (size_t i = 0; i < n; ++i) {
      if (x.IsNull(rows[i])) continue;
      // Welford's update, stable for large values with a small spread, written as Spark's
      // CentralMomentAgg writes it so the last bits agree too.
      Stats& s = stats_[groups[i]];
      const double delta = x.data<double>()[rows[i]] - s.mean;
      s.count += 1;
      const double delta_n = delta / s.count;
      s.mean += delta_n;
      s.m2 += delta * (delta - delta_n);
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const Stats& s = stats_[groups[i]];
      bool sample = moment_ == Moment::kVarianceSample || moment_ == Moment::kStddevSample;
      if (s.count == 0 || (sample && s.count == 1)) {
        out.AppendNull();
        continue;
      }
      double variance = s.m2 / (sample ? s.count - 1 : s.count);
      bool root = moment_ == Moment::kStddevSample || moment_ == Moment::kStddevPopulation;
      out.Append(root ? std::sqrt(variance) : variance);
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    out.append(reinterpret_cast<const char*>(&stats_[group]), sizeof(Stats));
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    if (in.size() < sizeof(Stats)) return false;
    std::memcpy(&stats_[group], in.data(), sizeof(Stats));
    in.remove_prefix(sizeof(Stats));
    return true;
  }
  size_t MemoryUsage() const override { return stats_.capacity() * sizeof(Stats); }

 private:
  struct Stats {
    double count = 0;
    double mean = 0;
    double m2 = 0;
  };
  Moment moment_;
  std::vector<Stats> stats_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeMomentStates(Moment moment) {
  return std::make_unique<MomentStates>(moment);
}

}  // namespace sluice::aggregate
