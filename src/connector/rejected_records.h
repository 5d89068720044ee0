#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
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
  bool Has(const std::string& sink) const;
  // The database's reason, if it refused the record at origin/partition/offset.
  std::optional<std::string> Find(const std::string& sink, const std::string& origin,
                                  int32_t partition, int64_t offset) const;

 private:
  mutable std::mutex mutex_;
  // sink -> origin -> (partition, offset) -> reason
  std::map<std::string, std::map<std::string, std::map<std::pair<int32_t, int64_t>, std::string>>>
      rejected_;
};

}  // namespace sluice
