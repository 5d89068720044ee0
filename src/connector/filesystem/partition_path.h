#pragma once

#include <string>
#include <vector>

#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

// Hive-style partition folders, as Spark's partitionBy and Flink's PARTITIONED BY write them and
// pyarrow, DuckDB and Spark read them back: 'dt=2026-12-06/country=France'. A value is written as
// its text, with '/', '=', '%', ':', '#', '?', '*', quotes, '\', brackets, '^', DEL and control
// characters %-escaped (Hive's set); NULL and '' are '__HIVE_DEFAULT_PARTITION__'.
class PartitionPath {
 public:
  PartitionPath(const Schema& schema, const std::vector<std::string>& keys);

  // The folder of `row` of `batch` (whose columns are the schema's).
  std::string Of(const Batch& batch, size_t row) const;
  const std::vector<int>& columns() const { return columns_; }
  // "dt, country", for explain.
  std::string Describe() const;

 private:
  std::vector<int> columns_;
  std::vector<std::string> names_;
};

}  // namespace sluice
