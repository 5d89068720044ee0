// histogram_numeric(x, nb): Spark's streaming histogram (Ben-Haim and Tom-Tov's algorithm, by way
// of Hive): at most nb bins, each a centre x and a count y. A value equal to a centre adds to its
// count; any other value gets a bin of its own, and while there are more than nb bins the two
// closest merge into their count-weighted mean. Equally close pairs are chosen between as Spark
// does, with Java's java.util.Random seeded 31183, so the bins are Spark's.
#include <climits>
#include <cmath>

#include "aggregate/aggregate_families.h"
#include "common/java_random.h"
#include "format/value_text.h"

namespace sluice::aggregate {
namespace {

// Spark's generator for choosing between equally close pairs of bins.
constexpr uint64_t kSparkHistogramSeed = 31183;

struct Bin {
  double x;
  double y;
};

struct Histogram {
  std::vector<Bin> bins;  // ordered by x
  JavaRandom random{kSparkHistogramSeed};

  void Add(double v, size_t max_bins) {
    // The first bin whose centre is not below v.
    auto at = std::lower_bound(bins.begin(), bins.end(), v, [](const Bin& b, double x) { return b.x < x; });
    if (at != bins.end() && at->x == v) {
      at->y += 1;
      return;
    }
    bins.insert(at, Bin{v, 1});
    while (bins.size() > max_bins) MergeClosest();
  }

  void MergeClosest() {
    size_t closest = 0;
    double smallest = bins[1].x - bins[0].x;
    int ties = 1;
    for (size_t i = 1; i + 1 < bins.size(); ++i) {
      const double gap = bins[i + 1].x - bins[i].x;
      if (gap < smallest) {
        smallest = gap;
        closest = i;
        ties = 1;
      } else if (gap == smallest && random.NextDouble() <= 1.0 / ++ties) {
        closest = i;  // each of the equally close pairs alike likely, as Spark picks
      }
    }
    Bin& left = bins[closest];
    const Bin& right = bins[closest + 1];
    const double count = left.y + right.y;
    left.x *= left.y / count;
    left.x += right.x / count * right.y;
    left.y = count;
    bins.erase(bins.begin() + static_cast<std::ptrdiff_t>(closest) + 1);
  }
};

class HistogramStates final : public AggregateStates {
 public:
  HistogramStates(DataType input, size_t max_bins) : input_(std::move(input)), max_bins_(max_bins) {}

  void Resize(size_t count) override { histograms_.resize(count); }

  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t group) {
      std::vector<Bin>& bins = histograms_[group].bins;
      const size_t before = bins.capacity();
      histograms_[group].Add(AsDouble(x, row), max_bins_);
      bytes_ += (bins.capacity() - before) * sizeof(Bin);
    });
  }

  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    Vector& entries = out.list_child();
    for (size_t i = 0; i < n; ++i) {
      const std::vector<Bin>& bins = histograms_[groups[i]].bins;
      if (bins.empty()) {
        out.AppendNull();
        continue;
      }
      for (const Bin& bin : bins) {
        AppendCentre(bin.x, entries.child(0));
        entries.child(1).Append(bin.y);
        entries.Resize(entries.size() + 1);
      }
      out.AppendListEnd();
    }
  }

  void Serialize(uint32_t group, std::string& out) const override {
    const Histogram& h = histograms_[group];
    WriteRaw(out, h.random.state());
    WriteRaw(out, static_cast<uint32_t>(h.bins.size()));
    for (const Bin& bin : h.bins) {
      WriteRaw(out, bin.x);
      WriteRaw(out, bin.y);
    }
  }

  bool Deserialize(uint32_t group, std::string_view& in) override {
    Histogram& h = histograms_[group];
    uint64_t state = 0;
    uint32_t count = 0;
    if (!ReadRaw(in, &state) || !ReadRaw(in, &count)) return false;
    if (count > in.size() / (2 * sizeof(double))) return false;  // more bins than bytes
    h.random.set_state(state);
    h.bins.resize(count);
    for (Bin& bin : h.bins) {
      if (!ReadRaw(in, &bin.x) || !ReadRaw(in, &bin.y)) return false;
    }
    bytes_ += count * sizeof(Bin);
    return true;
  }

  size_t MemoryUsage() const override { return histograms_.capacity() * sizeof(Histogram) + bytes_; }

 private:
  // The value as Spark's histogram sees it: the number, or the days, microseconds or months a
  // date, timestamp or interval is stored as.
  static double AsDouble(const Vector& x, size_t row) {
    switch (x.type().id()) {
      case TypeId::kFloat64: return x.data<double>()[row];
      case TypeId::kDecimal: return DecimalToDouble(x.data<Int128>()[row], x.type().scale());
      default: return static_cast<double>(ReadInteger(x, row));
    }
  }

  // A centre in the input's type, as Spark casts it back: whole-number types truncate toward
  // zero, DECIMAL rounds half up to its scale (NULL beyond its precision, where Spark keeps a
  // value the type cannot hold).
  void AppendCentre(double x, Vector& out) const {
    switch (input_.id()) {
      case TypeId::kFloat64:
        out.Append(x);
        return;
      case TypeId::kDecimal: {
        std::string text;
        AppendDoubleText(x, text);
        const std::optional<Int128> v = ParseDecimal(text, input_.precision(), input_.scale());
        if (v) {
          out.Append(*v);
        } else {
          out.AppendNull();
        }
        return;
      }
      default: {
        // Java's (long) / (int) of a double: toward zero, saturating at the type's ends.
        const bool narrow = out.type().FixedWidth() == 4;
        const double lo = narrow ? -2147483648.0 : -9223372036854775808.0;
        const double hi = narrow ? 2147483647.0 : 9223372036854775807.0;
        const int64_t lo_int = narrow ? INT32_MIN : INT64_MIN;
        const int64_t hi_int = narrow ? INT32_MAX : INT64_MAX;
        const int64_t v = std::isnan(x) ? 0 : x <= lo ? lo_int : x >= hi ? hi_int : static_cast<int64_t>(std::trunc(x));
        AppendInteger(out, v);
      }
    }
  }

  DataType input_;
  size_t max_bins_;
  std::vector<Histogram> histograms_;
  size_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeHistogramStates(const DataType& input, size_t max_bins) {
  return std::make_unique<HistogramStates>(input, max_bins);
}

}  // namespace sluice::aggregate
