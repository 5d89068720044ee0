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

}  // namespace sluice
