#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice {

// One bit per row, 1 = valid (not null). Unallocated until the first null, so columns without
// nulls cost nothing and null checks on them are a single branch.
class ValidityBitmap {
 public:
  bool AllValid() const { return words_.empty(); }
  bool IsValid(size_t row) const {
    return words_.empty() || (words_[row >> 6] >> (row & 63)) & 1;
  }
  void SetValid(size_t row) {
    if (!words_.empty()) words_[row >> 6] |= uint64_t{1} << (row & 63);
  }
  // `size` is the vector's current size, so a first null allocates for all rows so far.
  void SetNull(size_t row, size_t size) {
    if (words_.empty()) Materialize(size > row ? size : row + 1);
    EnsureRow(row);
    words_[row >> 6] &= ~(uint64_t{1} << (row & 63));
  }
  void Resize(size_t rows) {
    if (!words_.empty()) EnsureRow(rows ? rows - 1 : 0);
  }
  void Clear() { words_.clear(); }
  size_t CountNulls(size_t size) const;

 private:
  void Materialize(size_t rows) { words_.assign((rows + 63) / 64 + 1, ~uint64_t{0}); }
  void EnsureRow(size_t row) {
    if ((row >> 6) >= words_.size()) words_.resize((row >> 6) + 1, ~uint64_t{0});
  }
  std::vector<uint64_t> words_;
};

}  // namespace sluice
