#pragma once

#include <filesystem>
#include <string_view>

#include "common/status.h"

namespace sluice {

// Writes `data` to `path` (created or truncated) and fsyncs it: once this returns OK the bytes
// survive a crash of the process or the machine.
Status WriteFileDurably(const std::filesystem::path& path, std::string_view data);

// Fsyncs a directory, so a file created or renamed in it survives a crash.
Status SyncDirectory(const std::filesystem::path& dir);

}  // namespace sluice
