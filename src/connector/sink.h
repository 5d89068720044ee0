#pragma once

#include <string>

#include "common/status.h"
#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

// Where rows go. Write receives batches whose live rows (the selection) are the rows to write;
// Commit makes everything written so far durable and visible (a transaction commit, an atomic
// file rename) — the pipeline calls it at checkpoints and at the end. A sink never drops a row
// silently: any row it cannot write is an error returned to the caller.
class Sink {
 public:
  virtual ~Sink() = default;

  virtual Status Open() = 0;
  virtual Status Write(const Batch& batch) = 0;
  virtual Status Commit() = 0;
  virtual Status Close() = 0;
  virtual std::string Describe() const = 0;
  // Rows written so far (committed or not), for the end-of-run summary.
  virtual uint64_t rows_written() const = 0;
};

}  // namespace sluice
