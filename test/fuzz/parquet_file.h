// A scratch file for the Parquet fuzz targets: the reader opens a path, so each input goes into
// an in-memory file (memfd) that the reader opens as /proc/self/fd/N: nothing is left on disk.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "fuzz_target.h"

namespace sluice::fuzz {

inline const std::string& WriteScratchParquet(std::string_view bytes) {
  static const int fd = ::memfd_create("sluice-fuzz-parquet", MFD_CLOEXEC);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0) Fail("memfd_create failed");
  if (::ftruncate(fd, 0) != 0) Fail("cannot empty the scratch Parquet file");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n <= 0) Fail("cannot write the scratch Parquet file");
    done += static_cast<size_t>(n);
  }
  return path;
}

}  // namespace sluice::fuzz
