#pragma once

#include <string>

#include "common/result.h"

namespace sluice {

// An exclusive lock on a file, held while the object lives and released by the kernel when the
// process dies (kill -9 included): one process per pipeline and working folder, since its spill
// and state folders are there. The file holds the owner's PID, for the message of the next one.
class ProcessLock {
 public:
  // AlreadyExists, naming the PID that holds it, when another process has the lock.
  static Result<ProcessLock> Acquire(const std::string& path, const std::string& what);

  ProcessLock(ProcessLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ProcessLock& operator=(ProcessLock&& other) noexcept;
  ProcessLock(const ProcessLock&) = delete;
  ProcessLock& operator=(const ProcessLock&) = delete;
  ~ProcessLock();

 private:
  explicit ProcessLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace sluice
