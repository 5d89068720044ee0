#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "connector/source.h"

namespace sluice {

// Counts the records a consumer group has not consumed and committed yet, by reading them
// (isolation.level=read_committed): transaction markers and aborted records, which offsets
// alone would count, are not records a pipeline can read. Neither joins the group nor commits
// anything. At most `cap` records are read per partition and the whole takes at most `timeout`.
Result<std::vector<PartitionBacklog>> MeasureKafkaBacklog(
    const std::string& table, const std::map<std::string, std::string>& properties,
    const std::string& topic, const std::string& group, int64_t cap,
    std::chrono::milliseconds timeout);

}  // namespace sluice
