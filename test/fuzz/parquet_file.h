// A scratch file for the Parquet fuzz targets: the reader opens a path, so each input is
// written to one file per process (on tmpfs where there is one).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_target.h"

namespace sluice::fuzz {

inline const std::string& ScratchParquetPath() {
  static const std::string path = [] {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    return (base / ("sluice-fuzz-" + std::to_string(::getpid()) + ".parquet")).string();
  }();
  return path;
}

inline const std::string& WriteScratchParquet(std::string_view bytes) {
  const std::string& path = ScratchParquetPath();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) Fail("cannot write the scratch Parquet file", path);
  return path;
}

}  // namespace sluice::fuzz
