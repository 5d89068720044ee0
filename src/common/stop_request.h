#pragma once

#include <atomic>
#include <chrono>

namespace sluice {

// The process was asked to stop (Ctrl-C, SIGTERM). Waits that could last seconds — a sink
// retrying a database that is down, a lookup join waiting for its table — check it, so a stop
// takes effect at once: they hand their rows to the spill folder (or leave them to be read again)
// instead of waiting out their retry period.
std::atomic<bool>& StopRequestedFlag();
inline bool StopRequested() { return StopRequestedFlag().load(std::memory_order_relaxed); }

// Makes SIGINT and SIGTERM request a stop (the flag above); a second one exits at once with
// code 130, for a user who does not want to wait for the clean stop.
void InstallStopSignalHandlers();

// Sleeps for `duration`, in short steps; returns false early when a stop is requested.
bool SleepUnlessStopped(std::chrono::milliseconds duration);

}  // namespace sluice
