#pragma once

#include <string>

#include "exec/pipeline_metrics.h"

namespace sluice::server {

// The metrics in Prometheus' text exposition format (version 0.0.4), for `/metrics`: every
// family with its HELP and TYPE, labels escaped. docs/reference.md lists them all.
std::string RenderPrometheusText(const PipelineMetrics& metrics);

}  // namespace sluice::server
