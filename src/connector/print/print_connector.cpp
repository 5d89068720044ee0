#include "connector/connector_registry.h"
#include "connector/print/print_sink.h"

namespace sluice {

void RegisterPrintConnector(ConnectorRegistry& registry) {
  registry.RegisterSink("print", [](const ConnectorOptions& options, const Schema& schema) {
    return PrintSink::Make(options, schema);
  });
}

}  // namespace sluice
