#pragma once

#include <cstdint>
#include <vector>

namespace sluice {

// The live rows of a batch, ascending. A filter narrows the selection instead of copying the
// surviving rows; "all rows" is represented without materialising indices.
class SelectionVector {
 public:
  SelectionVector() = default;

  static SelectionVector All() { return {}; }
  static SelectionVector Of(std::vector<uint32_t> rows) {
    SelectionVector s;
    s.active_ = true;
    s.rows_ = std::move(rows);
    return s;
  }

  bool IsAll() const { return !active_; }
  // Number of live rows given the batch's row count.
  size_t Count(size_t num_rows) const { return active_ ? rows_.size() : num_rows; }
  // The i-th live row.
  uint32_t operator[](size_t i) const { return active_ ? rows_[i] : static_cast<uint32_t>(i); }
  const std::vector<uint32_t>& rows() const { return rows_; }

 private:
  bool active_ = false;
  std::vector<uint32_t> rows_;
};

}  // namespace sluice
