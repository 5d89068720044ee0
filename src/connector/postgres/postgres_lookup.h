#pragma once

#include <memory>
#include <string>

#include "connector/connector_options.h"
#include "connector/lookup_table.h"
#include "connector/postgres/postgres_connection.h"
#include "types/schema.h"

namespace sluice {

// A PostgreSQL table as the right side of a lookup join: one query per batch for the keys the
// join's cache does not hold, `SELECT cols FROM table WHERE key::text = ANY($1)`.
// Options: 'url', 'username', 'password', 'table-name' (as the sink), and the join's
// 'lookup.cache.max-rows', 'lookup.cache.ttl', 'lookup.retry.timeout'.
class PostgresLookup final : public LookupTable {
 public:
  static Result<std::unique_ptr<LookupTable>> Make(const ConnectorOptions& options,
                                                   const Schema& schema,
                                                   const std::string& key_column);

  Status Open() override;
  Result<std::vector<Row>> Lookup(const std::vector<std::string>& keys) override;
  std::string Describe() const override;

 private:
  explicit PostgresLookup(PostgresTarget target) : connection_(std::move(target)) {}

  PostgresConnection connection_;
  std::string table_;
  std::string query_;
};

}  // namespace sluice
