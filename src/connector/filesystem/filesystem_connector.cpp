#include "connector/connector_registry.h"
#include "connector/filesystem/filesystem_sink.h"
#include "connector/filesystem/filesystem_source.h"

namespace sluice {

void RegisterFilesystemConnector(ConnectorRegistry& registry) {
  registry.RegisterSource("filesystem", [](const ConnectorOptions& options, const Schema&) {
    return FilesystemSource::Make(options);
  });
  registry.RegisterSink("filesystem", [](const ConnectorOptions& options, const Schema& schema) {
    return FilesystemSink::Make(options, schema);
  });
}

}  // namespace sluice
