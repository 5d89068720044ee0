#pragma once

#include <memory>
#include <string>

#include "format/json_encoder.h"
#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

// Encodes rows in PostgreSQL COPY's text format (tab-separated, \N for NULL, backslash
// escapes), the fastest way into a table. Values use PostgreSQL's input forms: TIMESTAMP as
// 'yyyy-MM-dd HH:mm:ss.ffffff' (UTC, into `timestamp`), BYTES as '\x...' hex, INTERVAL as
// microseconds, ROW and ARRAY as JSON (into jsonb).
class CopyTextEncoder {
 public:
  explicit CopyTextEncoder(const Schema& schema);

  // Appends every live row of `batch`, one line each; returns how many.
  size_t AppendRows(const Batch& batch, std::string& out) const;

 private:
  void AppendValue(const Vector& v, size_t row, std::string& out) const;

  Schema schema_;
  std::unique_ptr<JsonEncoder> json_;
};

// The PostgreSQL column type for a sluice type: BOOLEAN boolean, INT integer, BIGINT bigint,
// DOUBLE double precision, DECIMAL(p,s) numeric(p,s), STRING text, BYTES bytea, DATE date,
// TIMESTAMP timestamp (UTC), INTERVAL interval, ROW/ARRAY jsonb.
std::string PostgresColumnType(const DataType& type);

}  // namespace sluice
