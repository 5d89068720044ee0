// count_min_sketch(x, eps, confidence, seed): Spark's Count-Min sketch of a group's integers,
// strings or binaries, serialized as Spark's CountMinSketch.writeTo writes it (big-endian: the
// version 1, the total count, depth, width, the depth hash factors, then the depth x width
// counters), so Spark's CountMinSketch.readFrom reads it and estimates from it. Width is
// ceil(2 / eps), depth ceil(-log2(1 - confidence)); the hash factors come from Java's Random
// seeded with `seed`, an integer hashes by multiply-and-shift modulo 2^31 - 1 and bytes (strings as
// UTF-8) by Spark's Murmur3, all as Spark does, so the counters are Spark's.
#include <cmath>
#include <limits>

#include "aggregate/aggregate_families.h"
#include "common/java_random.h"
#include "common/spark_murmur3.h"

namespace sluice::aggregate {
namespace {

void AppendBigEndian(std::string& out, uint64_t v, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

class CountMinSketchStates final : public AggregateStates {
 public:
  explicit CountMinSketchStates(CountMinSketchShape shape) : shape_(std::move(shape)) {}

  void Resize(size_t count) override {
    tables_.resize(count);
    totals_.resize(count, 0);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    const bool bytes = x.type().IsStringLike();
    const size_t width = static_cast<size_t>(shape_.width);
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      std::vector<int64_t>& table = Started(g);
      if (bytes) {
        const std::string_view b = x.data<std::string_view>()[row];
        const int32_t hash1 = static_cast<int32_t>(SparkMurmur3::Bytes(b, 0));
        const int32_t hash2 = static_cast<int32_t>(SparkMurmur3::Bytes(b, static_cast<uint32_t>(hash1)));
        for (int32_t i = 0; i < shape_.depth; ++i) {
          // Java int arithmetic: the sum wraps, % keeps the dividend's sign, then abs.
          const int32_t combined =
              static_cast<int32_t>(static_cast<uint32_t>(hash1) + static_cast<uint32_t>(i) * static_cast<uint32_t>(hash2));
          const int32_t bucket = combined % shape_.width;
          table[static_cast<size_t>(i) * width + static_cast<size_t>(bucket < 0 ? -bucket : bucket)] += 1;
        }
      } else {
        const int64_t item = x.data<int64_t>()[row];
        for (int32_t i = 0; i < shape_.depth; ++i) {
          // Java long arithmetic: the product wraps, >> is arithmetic.
          int64_t hash = static_cast<int64_t>(static_cast<uint64_t>(shape_.hash_factors[i]) * static_cast<uint64_t>(item));
          hash = static_cast<int64_t>(static_cast<uint64_t>(hash) + static_cast<uint64_t>(hash >> 32));
          hash &= (int64_t{1} << 31) - 1;
          table[static_cast<size_t>(i) * width + static_cast<size_t>(static_cast<int32_t>(hash) % shape_.width)] += 1;
        }
      }
      ++totals_[g];
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    std::string bytes;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t g = groups[i];
      bytes.clear();
      AppendBigEndian(bytes, 1, 4);  // the format's version
      AppendBigEndian(bytes, static_cast<uint64_t>(totals_[g]), 8);
      AppendBigEndian(bytes, static_cast<uint32_t>(shape_.depth), 4);
      AppendBigEndian(bytes, static_cast<uint32_t>(shape_.width), 4);
      for (int64_t factor : shape_.hash_factors) AppendBigEndian(bytes, static_cast<uint64_t>(factor), 8);
      const std::vector<int64_t>& table = tables_[g];
      const size_t counters = shape_.Counters();
      for (size_t c = 0; c < counters; ++c) {
        AppendBigEndian(bytes, table.empty() ? 0 : static_cast<uint64_t>(table[c]), 8);
      }
      out.AppendString(bytes);
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, totals_[group]);
    const std::vector<int64_t>& table = tables_[group];
    WriteBytes(out, std::string_view(reinterpret_cast<const char*>(table.data()), table.size() * 8));
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    std::string_view table;
    if (!ReadRaw(in, &totals_[group]) || !ReadBytes(in, &table)) return false;
    if (!table.empty() && table.size() != shape_.Counters() * 8) return false;
    tables_[group].resize(table.size() / 8);
    if (!table.empty()) std::memcpy(tables_[group].data(), table.data(), table.size());
    return true;
  }
  size_t MemoryUsage() const override {
    size_t bytes = tables_.capacity() * sizeof(std::vector<int64_t>) + totals_.capacity() * 8;
    for (const auto& t : tables_) bytes += t.capacity() * 8;
    return bytes;
  }

 private:
  std::vector<int64_t>& Started(uint32_t g) {
    std::vector<int64_t>& table = tables_[g];
    if (table.empty()) table.assign(shape_.Counters(), 0);
    return table;
  }

  CountMinSketchShape shape_;
  std::vector<std::vector<int64_t>> tables_;  // per group, depth x width; empty until its first value
  std::vector<int64_t> totals_;
};

}  // namespace

Result<CountMinSketchShape> CountMinSketchShape::Make(double eps, double confidence, int32_t seed) {
  if (!(eps > 0) || eps > std::numeric_limits<double>::max()) {
    return Status::Invalid("count_min_sketch: eps must be above 0 and finite, got {}", eps);
  }
  if (!(confidence > 0 && confidence <= 1)) {
    return Status::Invalid("count_min_sketch: confidence must be in (0, 1], got {}", confidence);
  }
  const double width = std::ceil(2 / eps);
  const double depth = std::ceil(-std::log(1 - confidence) / std::log(2));
  // Spark would build whatever the JVM's memory allows; a counter table beyond 16M counters
  // (128 MB per group) is refused here rather than exhausting memory group by group.
  constexpr double kMaxCounters = 16 * 1024 * 1024;
  // A confidence so small that 1 - confidence rounds to 1 gives no rows at all (Spark's JVM then
  // fails allocating the sketch).
  if (!(depth >= 1)) {
    return Status::Invalid("count_min_sketch: confidence {} is too small to give the sketch a row", confidence);
  }
  if (!(width <= kMaxCounters && width * depth <= kMaxCounters)) {
    return Status::Invalid("count_min_sketch: eps {} and confidence {} need {} x {} counters per group, "
                           "more than the {} sluice allows (128 MB): use a larger eps or a smaller confidence",
                           eps, confidence, depth, width, kMaxCounters);
  }
  CountMinSketchShape shape;
  shape.width = static_cast<int32_t>(width);  // both in [1, kMaxCounters] here
  shape.depth = static_cast<int32_t>(depth);
  JavaRandom random(static_cast<uint64_t>(static_cast<int64_t>(seed)));
  for (int32_t i = 0; i < shape.depth; ++i) shape.hash_factors.push_back(random.NextInt(INT32_MAX));
  return shape;
}

std::unique_ptr<AggregateStates> MakeCountMinSketchStates(CountMinSketchShape shape) {
  return std::make_unique<CountMinSketchStates>(std::move(shape));
}

}  // namespace sluice::aggregate
