#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace sluice {

// Where a pipeline is in its input: per origin (a Kafka topic), per partition, the offset of the
// next record to read. An exactly-once sink commits these with its rows, so after a crash the
// pipeline resumes exactly after the last record each sink holds.
using PartitionOffsets = std::map<int32_t, int64_t>;
using SourceOffsets = std::map<std::string, PartitionOffsets>;

// Raises every offset of `into` to at least the one in `from` (a sink's progress never moves
// back while a replay catches up to it).
inline void MergeMax(SourceOffsets& into, const SourceOffsets& from) {
  for (const auto& [origin, partitions] : from) {
    auto& target = into[origin];
    for (const auto& [partition, offset] : partitions) {
      auto [it, inserted] = target.emplace(partition, offset);
      if (!inserted && it->second < offset) it->second = offset;
    }
  }
}

}  // namespace sluice
