#pragma once

#include <string>
#include <vector>

#include "exec/metrics_hub.h"
#include "exec/pipeline_metrics.h"

namespace sluice::server {

// `/api/pipeline`: the plan graph with its live counters, sources and their partitions, sinks,
// checkpoints, the latest dead letters and the reconciliation balance (docs/reference.md
// describes every field). Times are Unix milliseconds; null where unknown.
std::string RenderPipelineJson(const PipelineMetrics& metrics, const MetricsHub::Rates& rates);

// `/api/history`: totals once a second over the last minutes, oldest first.
std::string RenderHistoryJson(const std::vector<MetricsSample>& samples);

}  // namespace sluice::server
