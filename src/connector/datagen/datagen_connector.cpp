#include "connector/connector_registry.h"
#include "connector/datagen/datagen_source.h"

namespace sluice {

void RegisterDatagenConnector(ConnectorRegistry& registry) {
  registry.RegisterSource("datagen", [](const ConnectorOptions& options, const Schema&) {
    return DatagenSource::Make(options);
  });
}

}  // namespace sluice
