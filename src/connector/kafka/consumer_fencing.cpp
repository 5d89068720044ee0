#include "connector/kafka/consumer_fencing.h"

#include <deque>
#include <map>
#include <mutex>

namespace sluice {

int RecordConsumerFencing(const std::string& group_instance_id) {
  using Clock = std::chrono::steady_clock;
  // Kept across pipeline restarts, which build new sources: the history is the point.
  static std::mutex mutex;
  static std::map<std::string, std::deque<Clock::time_point>> fencings;
  const Clock::time_point now = Clock::now();
  std::lock_guard lock(mutex);
  std::deque<Clock::time_point>& times = fencings[group_instance_id];
  while (!times.empty() && now - times.front() > kFencingWindow) times.pop_front();
  times.push_back(now);
  return static_cast<int>(times.size());
}

}  // namespace sluice
