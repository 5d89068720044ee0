// One fuzz target per *_fuzzer.cpp. The same source builds two ways:
//   - with SLUICE_LIBFUZZER (the clang build, scripts/fuzz): a libFuzzer binary that mutates
//     inputs, guided by coverage;
//   - otherwise: an entry in sluice_fuzz_replay, which runs every file of the target's corpus
//     (test/fuzz/corpus/<target>/) once, so the seeds and every crash ever found stay
//     regression cases in the ordinary unit tests (under ASan + UBSan there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sluice::fuzz {

using TargetFunction = int (*)(const uint8_t* data, size_t size);
bool RegisterTarget(const char* name, TargetFunction function);

// A property a target checks (say, a round trip) failed: report it as a crash.
[[noreturn]] inline void Fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::fwrite(detail.data(), 1, detail.size(), stderr);  // (printf's %.*s of an empty view is UB)
  std::fputc('\n', stderr);
  std::abort();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace sluice::fuzz

#ifdef SLUICE_LIBFUZZER
#define SLUICE_FUZZ_TARGET(name) \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
#else
#define SLUICE_FUZZ_TARGET(name)                                                              \
  static int name##_fuzz_target(const uint8_t* data, size_t size);                           \
  [[maybe_unused]] static const bool name##_fuzz_registered =                                 \
      ::sluice::fuzz::RegisterTarget(#name, &name##_fuzz_target);                             \
  static int name##_fuzz_target(const uint8_t* data, size_t size)
#endif
