#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/database/table_writer.h"
#include "connector/sink.h"
#include "cql/cql_connection.h"

namespace sluice {

// An Apache Cassandra table for DatabaseSink, written through sluice's own native-protocol
// client (src/cql). Cassandra has no transactions, but every write is an upsert by primary key:
// an epoch's rows are written (prepared INSERTs, UNLOGGED batches of rows that share a partition
// key), and only then its progress rows ((pipeline, sink), topic, partition -> next offset) in
// 'sink.progress-table'. A crash between the two replays the epoch, which writes the same values
// again: the table ends up exactly as if each record had been written once (exactly-once for
// tables with a PRIMARY KEY; an append-only table cannot be, and is refused for exactly-once).
//
// Options (Spark Cassandra connector's names where it has one):
//   'hosts'                     '127.0.0.1' (comma-separated, tried in order); 'port' 9042
//   'keyspace'                  required; 'table' (default the SQL table's name)
//   'username', 'password'      for PasswordAuthenticator (SASL PLAIN)
//   'consistency'               LOCAL_QUORUM (any of Cassandra's levels), for rows and progress
//   'ttl'                       seconds rows live (USING TTL); default none
//   'output.batch.size.rows'    rows per UNLOGGED batch of one partition key, default 32
//   'output.concurrent.writes'  requests in flight on the connection, default 64
//   'connect-timeout'           default 10 s; requests time out after 12 s
//   'sink.create-table'         'true' (default): CREATE TABLE IF NOT EXISTS from the DDL, the
//                               first PRIMARY KEY column the partition key, the others clustering
//   'sink.create-keyspace'      'false' (default) | 'true': CREATE KEYSPACE IF NOT EXISTS with
//                               SimpleStrategy and 'keyspace.replication-factor' (default 1)
//   'sink.column-types'         CQL types for columns sluice creates, overriding the mapping:
//                               'transaction_id uuid, ip inet'
//   'sink.progress-table'       default sluice_progress
class CassandraTableWriter final : public TableWriter {
 public:
  static Result<std::unique_ptr<CassandraTableWriter>> Make(const ConnectorOptions& options,
                                                            const Schema& schema);
  static const std::set<std::string>& OptionNames();

  std::string_view database() const override { return "Cassandra"; }
  const ValueLimits& limits() const override;
  bool upserts() const override { return upsert_; }
  std::string Describe() const override;
  size_t AppendRows(const Batch& batch, std::string& out) const override;
  void FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) const override;
  Status EnsureTables(bool with_progress) override;
  Status Transaction(std::string_view rows, const SourceOffsets* progress) override;
  Result<SourceOffsets> ReadProgress() override;
  Result<std::vector<std::pair<size_t, std::string>>> ProbeLines(std::string_view rows) override;
  void Disconnect() override { connection_.reset(); }

  // The statements it issues (public for tests and explain).
  std::string CreateTableCql() const;
  std::string InsertCql() const;

 private:
  CassandraTableWriter() = default;
  Status Connect();
  // One line's values converted to the table's column types.
  Status LineValues(std::string_view line, std::string& scratch,
                    std::vector<std::optional<std::string_view>>& values) const;
  Status WriteLines(const std::vector<std::string_view>& lines);

  TableSettings settings_;
  Schema schema_;
  cql::Endpoint endpoint_;
  std::string keyspace_;
  cql::Consistency consistency_ = cql::Consistency::kLocalQuorum;
  std::optional<int64_t> ttl_seconds_;
  size_t batch_rows_ = 32;
  bool create_keyspace_ = false;
  int replication_factor_ = 1;
  std::map<std::string, std::string> column_types_;  // 'sink.column-types'
  bool upsert_ = false;
  bool with_progress_ = false;
  // The table's column types as the sink started (pipeline thread), for FindUnwritableRows;
  // columns whose values need a checked conversion (uuid from text, narrower numbers, ...).
  std::vector<cql::CqlType> column_types_at_start_;
  std::vector<size_t> checked_columns_;

  std::unique_ptr<cql::Connection> connection_;
  bool prepared_ = false;  // the statements below, on this connection
  cql::Prepared insert_, progress_insert_, progress_select_;
};

// 'connector' = 'cassandra': a DatabaseSink writing through a CassandraTableWriter.
Result<std::unique_ptr<Sink>> MakeCassandraSink(const ConnectorOptions& options, const Schema& schema);

}  // namespace sluice
