#include "common/stop_request.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <thread>

namespace sluice {

std::atomic<bool>& StopRequestedFlag() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {

void OnStopSignal(int) {
  if (StopRequestedFlag().exchange(true)) {
    static const char kMessage[] = "\nsluice: interrupted twice, exiting without a clean stop\n";
    [[maybe_unused]] auto n = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    _exit(130);
  }
}

}  // namespace

void InstallStopSignalHandlers() {
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  // The terminal went away (a closed SSH session): stop as cleanly as on Ctrl-C.
  std::signal(SIGHUP, OnStopSignal);
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
