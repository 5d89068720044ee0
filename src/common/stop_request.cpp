#include "common/stop_request.h"

#include <algorithm>
#include <thread>

namespace sluice {

std::atomic<bool>& StopRequestedFlag() {
  static std::atomic<bool> flag{false};
  return flag;
}

bool SleepUnlessStopped(std::chrono::milliseconds duration) {
  const auto step = std::chrono::milliseconds(50);
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (StopRequested()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(step, until - std::chrono::steady_clock::now()));
  }
  return !StopRequested();
}

}  // namespace sluice
