#pragma once

#include <cstdint>

namespace sluice {

// java.util.Random's 48-bit linear congruential generator, for results that must equal what
// Spark computes with it (histogram_numeric's tie-breaking, count_min_sketch's hash factors).
class JavaRandom {
 public:
  explicit JavaRandom(uint64_t seed) : state_((seed ^ kMultiplier) & kMask) {}

  double NextDouble() {
    const uint64_t high = Next(26);
    const uint64_t low = Next(27);
    return static_cast<double>((high << 27) + low) * 0x1.0p-53;
  }
  // Uniform in [0, bound), bound > 0, drawn as Java draws it (rejecting the biased tail).
  int32_t NextInt(int32_t bound) {
    const int32_t m = bound - 1;
    if ((bound & m) == 0) {  // a power of two: the high bits
      return static_cast<int32_t>((static_cast<int64_t>(bound) * static_cast<int64_t>(Next(31))) >> 31);
    }
    int32_t r = 0;
    for (int32_t u = static_cast<int32_t>(Next(31));; u = static_cast<int32_t>(Next(31))) {
      r = u % bound;
      // Java's test u - r + m < 0 is an int overflow: the draw falls in the incomplete last range.
      if (static_cast<int64_t>(u) - r + m <= INT32_MAX) break;
    }
    return r;
  }
  uint64_t state() const { return state_; }
  void set_state(uint64_t state) { state_ = state & kMask; }

 private:
  static constexpr uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr uint64_t kMask = (uint64_t{1} << 48) - 1;

  uint64_t Next(int bits) {
    state_ = (state_ * kMultiplier + 0xB) & kMask;
    return state_ >> (48 - bits);
  }

  uint64_t state_;
};

}  // namespace sluice
