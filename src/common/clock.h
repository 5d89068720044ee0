#pragma once

#include <chrono>
#include <cstdint>

namespace sluice {

// Milliseconds on the monotonic clock: for intervals and deadlines, never for dates.
inline int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice
