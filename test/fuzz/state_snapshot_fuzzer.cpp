// A checkpoint's state snapshot file as a damaged disk or another version may leave it. The
// input is tried twice: as the whole file, and as the body between the format line and a
// correct checksum (so the fuzzer gets past the checksum to the decoding). Property: Decode
// accepts or refuses with a Status; what it accepts encodes and decodes to the same snapshot.
#include <xxhash.h>

#include <cstring>
#include <string>

#include "fuzz_target.h"
#include "state/state_snapshot.h"

namespace sluice {
namespace {

bool Same(const StateSnapshot& a, const StateSnapshot& b) {
  if (a.checkpoint != b.checkpoint || a.positions != b.positions ||
      a.operators.size() != b.operators.size()) {
    return false;
  }
  for (size_t i = 0; i < a.operators.size(); ++i) {
    if (a.operators[i].id != b.operators[i].id || a.operators[i].bytes != b.operators[i].bytes) return false;
  }
  return true;
}

void Check(std::string_view file) {
  auto snapshot = StateSnapshotStore::Decode(file);
  if (!snapshot.ok()) return;
  auto again = StateSnapshotStore::Decode(StateSnapshotStore::Encode(*snapshot));
  if (!again.ok()) fuzz::Fail("an encoded snapshot does not decode", again.status().ToString());
  if (!Same(*snapshot, *again)) fuzz::Fail("a snapshot changes through encoding");
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(state_snapshot) {
  using namespace sluice;
  std::string_view input = fuzz::AsText(data, size);
  Check(input);
  // The format line, from an empty snapshot's encoding.
  static const std::string format = [] {
    std::string empty = StateSnapshotStore::Encode(StateSnapshot{});
    return empty.substr(0, empty.find('\n') + 1);
  }();
  std::string file = format + std::string(input);
  const uint64_t checksum = XXH3_64bits(file.data(), file.size());
  char bytes[8];
  std::memcpy(bytes, &checksum, 8);
  file.append(bytes, 8);
  Check(file);
  return 0;
}
