#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "types/schema.h"
#include "vector/selection_vector.h"
#include "vector/vector.h"

namespace sluice {

// A set of rows as columns of equal length, plus the selection of rows still live. Columns are
// shared so that a projection passing a column through does not copy it.
class Batch {
 public:
  Batch() = default;
  Batch(std::vector<VectorPtr> columns, size_t num_rows)
      : columns_(std::move(columns)), num_rows_(num_rows) {}

  // Empty columns of the schema's types.
  static Batch Empty(const Schema& schema);

  size_t num_columns() const { return columns_.size(); }
  size_t num_rows() const { return num_rows_; }
  void set_num_rows(size_t rows) { num_rows_ = rows; }
  // Rows that survive the selection.
  size_t num_live_rows() const { return selection_.Count(num_rows_); }

  Vector& column(size_t i) { return *columns_[i]; }
  const Vector& column(size_t i) const { return *columns_[i]; }
  const VectorPtr& shared_column(size_t i) const { return columns_[i]; }
  std::vector<VectorPtr>& columns() { return columns_; }
  std::vector<VectorPtr> columns_copy() const { return columns_; }

  const SelectionVector& selection() const { return selection_; }
  void set_selection(SelectionVector selection) { selection_ = std::move(selection); }

  size_t MemoryUsage() const;

 private:
  std::vector<VectorPtr> columns_;
  size_t num_rows_ = 0;
  SelectionVector selection_;
};

}  // namespace sluice
