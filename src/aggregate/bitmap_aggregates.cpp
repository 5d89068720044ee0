// bitmap_construct_agg (the bit positions of a group set in one of Spark's 4096-byte bitmaps),
// bitmap_or_agg and bitmap_and_agg (bitmaps combined byte by byte; a shorter input counts as
// zero bytes beyond its end, a longer one is cut at 4096). Never NULL: a group without values
// gives all zeros (all ones for bitmap_and_agg), as Spark.
#include "aggregate/aggregate_families.h"
#include "types/spark_bitmap.h"

#include <fmt/format.h>

namespace sluice::aggregate {
namespace {

class BitmapStates final : public AggregateStates {
 public:
  explicit BitmapStates(BitmapFold fold) : fold_(fold) {}

  void Resize(size_t count) override { bitmaps_.resize(count); }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      std::string& bitmap = Started(g);
      if (fold_ == BitmapFold::kConstruct) {
        // Positions outside the bitmap never get here: BitmapPositionRefused raised for them.
        const int64_t position = x.data<int64_t>()[row];
        if (position < 0 || position >= kBitmapBits) return;
        bitmap[static_cast<size_t>(position / 8)] |= static_cast<char>(1 << (position % 8));
        return;
      }
      const std::string_view in = x.data<std::string_view>()[row];
      const size_t common = std::min(in.size(), bitmap.size());
      if (fold_ == BitmapFold::kOr) {
        for (size_t i = 0; i < common; ++i) bitmap[i] |= in[i];
      } else {
        for (size_t i = 0; i < common; ++i) bitmap[i] &= in[i];
        for (size_t i = common; i < bitmap.size(); ++i) bitmap[i] = 0;
      }
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const std::string& bitmap = bitmaps_[groups[i]];
      out.AppendString(bitmap.empty() ? Empty() : bitmap);
    }
  }
  void Serialize(uint32_t group, std::string& out) const override { WriteBytes(out, bitmaps_[group]); }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    std::string_view bytes;
    if (!ReadBytes(in, &bytes) || (!bytes.empty() && bytes.size() != kBitmapBytes)) return false;
    bitmaps_[group].assign(bytes);
    return true;
  }
  size_t MemoryUsage() const override {
    size_t bytes = bitmaps_.capacity() * sizeof(std::string);
    for (const auto& b : bitmaps_) bytes += b.capacity();
    return bytes;
  }

 private:
  // A group's bitmap as an empty group gives it: zeros, or ones for AND.
  std::string Empty() const {
    return std::string(kBitmapBytes, fold_ == BitmapFold::kAnd ? '\xff' : '\0');
  }
  std::string& Started(uint32_t g) {
    std::string& bitmap = bitmaps_[g];
    if (bitmap.empty()) bitmap = Empty();
    return bitmap;
  }

  BitmapFold fold_;
  std::vector<std::string> bitmaps_;  // per group; empty until its first value
};

}  // namespace

std::unique_ptr<AggregateStates> MakeBitmapStates(BitmapFold fold) {
  return std::make_unique<BitmapStates>(fold);
}

std::string BitmapPositionRefused(const Vector& positions, uint32_t row) {
  const int64_t position = positions.data<int64_t>()[row];
  if (position >= 0 && position < kBitmapBits) return {};
  return fmt::format("[INVALID_BITMAP_POSITION] The 0-indexed bitmap position {} is out of bounds. "
                     "The bitmap has {} bits ({} bytes).",
                     position, kBitmapBits, kBitmapBytes);
}

}  // namespace sluice::aggregate
