// A sink's spill folder as a crash, a full disk or a hand edit may leave it: the manifest is the
// input, beside segment files 1 to 4 (of 1 to 4 bytes) and an unlisted one. Open must accept it
// or refuse it with a Status; every segment it then lists reads back (or fails as damaged) and
// is delivered in order, after which the folder reopens empty. A new segment appended after
// Open is listed after every older one when the folder is reopened.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "connector/spill/spill_store.h"
#include "fuzz_target.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

// The folder goes when the process ends normally (a crash leaves it for the reproducer).
struct ScratchFolder {
  fs::path path;
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const fs::path& Folder() {
  static const ScratchFolder folder{[] {
    // tmpfs where there is one: the store fsyncs every change, which a disk makes slow.
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string pattern = (base / "sluice-fuzz-spill.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) fuzz::Fail("cannot make a temporary folder");
    return fs::path(pattern);
  }()};
  return folder.path;
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(spill_manifest) {
  using namespace sluice;
  const fs::path& dir = Folder();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove(entry.path(), ec);
  WriteFile(dir / "manifest.json", fuzz::AsText(data, size));
  for (uint64_t sequence = 1; sequence <= 4; ++sequence) {
    WriteFile(dir / SpillStore::SegmentFileName(sequence), std::string(sequence, 'x'));
  }
  WriteFile(dir / SpillStore::SegmentFileName(9), "unlisted");

  uint64_t appended_sequence = 0;
  {
    auto store = SpillStore::Open(dir, 1 << 20);
    if (!store.ok()) return 0;
    if ((*store)->segments().empty() && fs::exists(dir / SpillStore::SegmentFileName(9), ec)) {
      fuzz::Fail("Open left an unlisted segment file behind");
    }
    SourceOffsets progress;
    progress["fuzz"][0] = 1;
    if ((*store)->Append("appended", 1, progress).ok()) {
      appended_sequence = (*store)->segments().back().sequence;
    }
  }
  auto store = SpillStore::Open(dir, 1 << 20);
  if (!store.ok()) fuzz::Fail("a folder Open wrote cannot be reopened", store.status().ToString());
  if (appended_sequence != 0 &&
      ((*store)->segments().empty() || (*store)->segments().back().sequence != appended_sequence)) {
    fuzz::Fail("the appended segment is not the newest after reopening");
  }
  while (!(*store)->empty()) {
    auto bytes = (*store)->ReadFront();
    if (bytes.ok() && bytes->size() != (*store)->segments().front().bytes) {
      fuzz::Fail("a segment read back with another length");
    }
    if (!(*store)->PopFront().ok()) fuzz::Fail("a delivered segment cannot be forgotten");
  }
  store->reset();
  auto reopened = SpillStore::Open(dir, 1 << 20);
  if (!reopened.ok() || !(*reopened)->empty()) fuzz::Fail("a drained folder does not reopen empty");
  return 0;
}
