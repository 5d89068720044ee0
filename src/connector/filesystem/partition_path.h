#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

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

// The Hive partition folders on a path relative to the table's folder, outermost first:
// "dt=2026-12-06/country=France/part-1.parquet" gives (dt, 2026-12-06), (country, France), values
// %-unescaped; '__HIVE_DEFAULT_PARTITION__' gives nullopt (NULL). Segments without '=' are not
// partition folders and are left out.
std::vector<std::pair<std::string, std::optional<std::string>>> PartitionValuesOf(
    std::string_view relative_path);

// Whether a folder's name is a partition folder ('key=value').
bool IsPartitionFolderName(std::string_view name);

// Appends a partition folder's value read as `type` (BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL,
// STRING, DATE, TIMESTAMP) to `out`; an error says which value did not fit.
Status AppendPartitionValue(const std::optional<std::string>& text, const DataType& type,
                            Vector& out);

}  // namespace sluice
