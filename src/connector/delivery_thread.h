#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "common/status.h"

namespace sluice {

// Runs a sink's deliveries on a thread of their own, one at a time and in order, so the
// pipeline decodes and encodes the next rows while earlier ones travel to the database, and a
// slow commit does not stall every record behind it. At most `max_queued` jobs wait; Submit
// blocks beyond that (backpressure, which pauses the source). After a job fails, later jobs are
// dropped and the error is returned by every further Submit and WaitIdle: the pipeline stops
// (or restarts from its last checkpoint), so nothing is acknowledged that was not delivered.
class DeliveryThread {
 public:
  explicit DeliveryThread(size_t max_queued);
  ~DeliveryThread();  // runs what is queued, then stops
  DeliveryThread(const DeliveryThread&) = delete;
  DeliveryThread& operator=(const DeliveryThread&) = delete;

  Status Submit(std::function<Status()> job);
  // Waits until every submitted job has run; the first error, if any.
  Status WaitIdle();
  // Jobs submitted / finished so far: a caller that noted submitted() knows its jobs are done
  // once finished() reaches it (no waiting).
  uint64_t submitted();
  uint64_t finished();
  // Waits at most `max_wait` until the first `ticket` jobs have run (true), waking as soon as
  // they have; the first error, if any job failed.
  Result<bool> WaitFinished(uint64_t ticket, std::chrono::milliseconds max_wait);
  Status error();

 private:
  void Loop();

  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<Status()>> jobs_;
  bool running_job_ = false;
  uint64_t submitted_ = 0;
  uint64_t finished_ = 0;
  bool stopping_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace sluice
