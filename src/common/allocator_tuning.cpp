#include "common/allocator_tuning.h"

#include <malloc.h>

#include <mutex>

namespace sluice {

void TuneAllocatorForBatches() {
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);  // batches' vectors come from the heap...
    mallopt(M_TRIM_THRESHOLD, 256 << 20);  // ...which keeps up to this much free memory
  });
}

}  // namespace sluice
