#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

// Per row of a freshly decoded batch: the source partition and offset of its record.
struct RecordPositions {
  std::string origin;
  std::vector<int32_t> partition;
  std::vector<int64_t> offset;
};

}  // namespace sluice
