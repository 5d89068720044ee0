#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace sluice {

// Records whose rows a database refused when a sink committed them (a constraint, a value the
// column cannot take), by source position and per sink, kept for the life of the process. The
// sink fails that commit (nothing of it is kept) and the pipeline restarts from its last
// checkpoint; as the source reads the records again, the sink operator dead-letters the ones
// listed here instead of writing them, so the commit goes through and stays exactly-once.
class RejectedRecords {
 public:
  static RejectedRecords& Global();

  // `sink` identifies one sink of one pipeline ("<pipeline>/<table>").
  void Add(const std::string& sink, const std::string& origin, int32_t partition, int64_t offset,
           std::string reason);
  // (partition, offset) -> reason, for one sink and origin.
  using Refused = std::map<std::pair<int32_t, int64_t>, std::string>;
  // Calls `look(refused)` under one lock when `sink` has refusals from `origin`: a batch's rows
  // are looked up together, not one lock each.
  template <typename Look>
  void WithRefused(const std::string& sink, const std::string& origin, Look look) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto s = rejected_.find(sink);
    if (s == rejected_.end()) return;
    auto o = s->second.find(origin);
    if (o != s->second.end()) look(o->second);
  }

 private:
  mutable std::mutex mutex_;
  // sink -> origin -> (partition, offset) -> reason
  std::map<std::string, std::map<std::string, Refused>> rejected_;
};

}  // namespace sluice
