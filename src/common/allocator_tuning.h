#pragma once

namespace sluice {

// Keeps freed batch memory in the process instead of returning it to the kernel after every
// batch: glibc serves blocks above 128 KiB with mmap and trims the heap eagerly, so each new
// batch paid page faults and page clearing (about 8% of a decode + filter + project run).
// Idempotent; called when a pipeline is built.
void TuneAllocatorForBatches();

}  // namespace sluice
