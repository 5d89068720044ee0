#include "connector/connector_registry.h"

#include <fmt/format.h>

namespace sluice {
namespace {

template <typename Map>
std::string Names(const Map& map) {
  std::string out;
  for (const auto& [name, factory] : map) out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

}  // namespace

const ConnectorRegistry& ConnectorRegistry::Builtin() {
  static const ConnectorRegistry registry = [] {
    ConnectorRegistry r;
    RegisterDatagenConnector(r);
    RegisterFilesystemConnector(r);
    RegisterKafkaConnector(r);
    RegisterPrintConnector(r);
    RegisterBlackholeConnector(r);
    RegisterSqliteConnector(r);
    RegisterPostgresConnector(r);
    RegisterMysqlConnector(r);
    RegisterCassandraConnector(r);
    return r;
  }();
  return registry;
}

void ConnectorRegistry::RegisterSource(std::string name, SourceFactory factory) {
  sources_[std::move(name)] = std::move(factory);
}

void ConnectorRegistry::RegisterSink(std::string name, SinkFactory factory) {
  sinks_[std::move(name)] = std::move(factory);
}

Result<std::unique_ptr<Source>> ConnectorRegistry::MakeSource(const std::string& name,
                                                              const ConnectorOptions& options,
                                                              const Schema& schema) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) {
    return Status::Invalid("table '{}': '{}' cannot be read from; source connectors are {}",
                           options.table_name(), name, SourceNames());
  }
  return it->second(options, schema);
}

Result<std::unique_ptr<Sink>> ConnectorRegistry::MakeSink(const std::string& name,
                                                          const ConnectorOptions& options,
                                                          const Schema& schema) const {
  auto it = sinks_.find(name);
  if (it == sinks_.end()) {
    return Status::Invalid("table '{}': '{}' cannot be written to; sink connectors are {}",
                           options.table_name(), name, SinkNames());
  }
  return it->second(options, schema);
}

std::string ConnectorRegistry::SourceNames() const { return Names(sources_); }
std::string ConnectorRegistry::SinkNames() const { return Names(sinks_); }

}  // namespace sluice
