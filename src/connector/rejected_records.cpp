#include "connector/rejected_records.h"

namespace sluice {

RejectedRecords& RejectedRecords::Global() {
  static RejectedRecords records;
  return records;
}

void RejectedRecords::Add(const std::string& sink, const std::string& origin, int32_t partition,
                          int64_t offset, std::string reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  rejected_[sink][origin][{partition, offset}] = std::move(reason);
}

bool RejectedRecords::Has(const std::string& sink) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rejected_.count(sink) > 0;
}

std::optional<std::string> RejectedRecords::Find(const std::string& sink,
                                                 const std::string& origin, int32_t partition,
                                                 int64_t offset) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto s = rejected_.find(sink);
  if (s == rejected_.end()) return std::nullopt;
  auto o = s->second.find(origin);
  if (o == s->second.end()) return std::nullopt;
  auto r = o->second.find({partition, offset});
  if (r == o->second.end()) return std::nullopt;
  return r->second;
}

}  // namespace sluice
