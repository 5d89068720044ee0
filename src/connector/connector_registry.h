#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "connector/connector_options.h"
#include "connector/lookup_table.h"
#include "connector/sink.h"
#include "connector/source.h"
#include "types/schema.h"

namespace sluice {

// Maps 'connector' = '<name>' to factories. The options a factory receives are the table's WITH
// options minus 'connector' and the error-handling options the pipeline applies itself
// ('errors', 'errors.*'). 'format' and its options ('json.*', 'csv.*') are passed on: a source
// of raw bytes accepts and ignores them (the pipeline decodes), a sink encodes with them.
// A factory rejects every other key it does not know (ConnectorOptions::CheckKnown).
class ConnectorRegistry {
 public:
  using SourceFactory =
      std::function<Result<std::unique_ptr<Source>>(const ConnectorOptions&, const Schema&)>;
  using SinkFactory =
      std::function<Result<std::unique_ptr<Sink>>(const ConnectorOptions&, const Schema&)>;
  // A table streams look rows up in: the schema, and the column the lookups match on.
  using LookupFactory = std::function<Result<std::unique_ptr<LookupTable>>(
      const ConnectorOptions&, const Schema&, const std::string& key_column)>;

  // The registry with every built-in connector.
  static const ConnectorRegistry& Builtin();

  void RegisterSource(std::string name, SourceFactory factory);
  void RegisterSink(std::string name, SinkFactory factory);
  void RegisterLookup(std::string name, LookupFactory factory) { lookups_[std::move(name)] = std::move(factory); }

  bool HasSource(const std::string& name) const { return sources_.count(name) > 0; }
  bool HasSink(const std::string& name) const { return sinks_.count(name) > 0; }
  bool HasLookup(const std::string& name) const { return lookups_.count(name) > 0; }
  Result<std::unique_ptr<LookupTable>> MakeLookup(const std::string& name,
                                                  const ConnectorOptions& options,
                                                  const Schema& schema,
                                                  const std::string& key_column) const {
    return lookups_.at(name)(options, schema, key_column);
  }
  Result<std::unique_ptr<Source>> MakeSource(const std::string& name,
                                             const ConnectorOptions& options,
                                             const Schema& schema) const;
  Result<std::unique_ptr<Sink>> MakeSink(const std::string& name, const ConnectorOptions& options,
                                         const Schema& schema) const;
  std::string SourceNames() const;
  std::string SinkNames() const;

 private:
  std::map<std::string, SourceFactory> sources_;
  std::map<std::string, SinkFactory> sinks_;
  std::map<std::string, LookupFactory> lookups_;
};

// Each connector folder defines one of these; Builtin() calls them all.
void RegisterDatagenConnector(ConnectorRegistry& registry);
void RegisterFilesystemConnector(ConnectorRegistry& registry);
void RegisterKafkaConnector(ConnectorRegistry& registry);
void RegisterPrintConnector(ConnectorRegistry& registry);
void RegisterBlackholeConnector(ConnectorRegistry& registry);
void RegisterSqliteConnector(ConnectorRegistry& registry);
void RegisterPostgresConnector(ConnectorRegistry& registry);
void RegisterMysqlConnector(ConnectorRegistry& registry);
void RegisterCassandraConnector(ConnectorRegistry& registry);

}  // namespace sluice
