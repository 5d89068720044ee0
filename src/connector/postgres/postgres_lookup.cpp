#include "connector/postgres/postgres_lookup.h"

#include <fmt/format.h>

namespace sluice {
namespace {

// A text[] literal for libpq: {"a","b"} with quotes and backslashes escaped.
std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

Result<std::unique_ptr<LookupTable>> PostgresLookup::Make(const ConnectorOptions& options,
                                                          const Schema& schema,
                                                          const std::string& key_column) {
  SLUICE_RETURN_NOT_OK(options.CheckKnown(
      "postgres", {"url", "username", "password", "connect-timeout", "table-name",
                   "lookup.cache.max-rows", "lookup.cache.ttl", "lookup.retry.timeout"}));
  SLUICE_ASSIGN_OR_RETURN(PostgresTarget target, PostgresTarget::FromOptions(options));
  std::unique_ptr<PostgresLookup> lookup(new PostgresLookup(std::move(target)));
  lookup->table_ = options.GetString("table-name", options.table_name());
  std::string columns;
  for (const auto& f : schema.fields()) {
    columns += (columns.empty() ? "" : ", ") + QuoteIdentifier(f.name) + "::text";
  }
  lookup->query_ = fmt::format("SELECT {}::text, {} FROM {} WHERE {}::text = ANY($1::text[])",
                               QuoteIdentifier(key_column), columns,
                               QuoteTableName(lookup->table_), QuoteIdentifier(key_column));
  return std::unique_ptr<LookupTable>(std::move(lookup));
}

Status PostgresLookup::Open() { return connection_.Connect(); }

Result<std::vector<LookupTable::Row>> PostgresLookup::Lookup(const std::vector<std::string>& keys) {
  if (!connection_.connected()) SLUICE_RETURN_NOT_OK(connection_.Connect());
  SLUICE_ASSIGN_OR_RETURN(PgResult result, connection_.Query(query_, {TextArray(keys)}));
  std::vector<Row> rows;
  const int n = PQntuples(result.get());
  const int columns = PQnfields(result.get());
  rows.reserve(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    Row row;
    row.key = PQgetvalue(result.get(), r, 0);
    for (int c = 1; c < columns; ++c) {
      bool null = PQgetisnull(result.get(), r, c);
      row.nulls.push_back(null);
      row.values.emplace_back(null ? "" : PQgetvalue(result.get(), r, c));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string PostgresLookup::Describe() const {
  return fmt::format("postgres lookup in {} ({})", table_, connection_.where());
}

}  // namespace sluice
