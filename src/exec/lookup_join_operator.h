#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "connector/lookup_table.h"
#include "exec/operator.h"
#include "types/schema.h"

namespace sluice {

struct LookupJoinSpec {
  ExpressionPtr key;  // over the stream's rows, as STRING (the table's key compared as text)
  std::unique_ptr<LookupTable> table;
  Schema table_schema;      // the looked-up table's columns, as declared
  bool left_outer = false;  // LEFT JOIN: a row without a match comes out with NULLs
  ExpressionPtr condition;  // further ON terms over stream ++ table columns (inner joins)
  Schema output_schema;     // stream columns, then the table's
  size_t cache_max_rows = 10000;
  int64_t cache_ttl_ms = 60000;
  int64_t retry_timeout_ms = 30000;  // a table that stays down this long fails the pipeline
  std::string text;
};

// A stream joined with a table by key lookups (Flink's lookup join, Spark's stream-static join):
// per batch one lookup for the keys not in the cache, so a table changing slowly is seen within
// the cache's time to live. While the table's server is down the join waits and retries —
// rows are held, never dropped — and past 'lookup.retry.timeout' the pipeline fails with a
// retryable error (and `sluice run` restarts it from its checkpoint).
class LookupJoinOperator final : public Operator {
 public:
  explicit LookupJoinOperator(LookupJoinSpec spec) : spec_(std::move(spec)) {}

  Status Push(const Batch& batch, EvalContext& context) override;
  std::string Describe() const override;

  uint64_t lookups() const { return lookups_; }
  uint64_t cache_hits() const { return cache_hits_; }

 private:
  struct CacheEntry {
    std::vector<LookupTable::Row> rows;
    int64_t loaded_ms;
    std::list<std::string>::iterator order;  // its place in cache_order_
  };
  // Fetches the keys that are missing or stale, retrying while the table is unavailable.
  Status Load(const std::vector<std::string>& keys);
  // Drops the least recently loaded keys above the cache's size. Called once a batch is
  // joined, never in between: a key the batch needs is never evicted by the batch's own load.
  void EvictOverflow();

  LookupJoinSpec spec_;
  absl::flat_hash_map<std::string, CacheEntry> cache_;
  std::list<std::string> cache_order_;  // least recently loaded first
  uint64_t lookups_ = 0;
  uint64_t cache_hits_ = 0;
};

}  // namespace sluice
