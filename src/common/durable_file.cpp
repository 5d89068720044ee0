#include "common/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice {

namespace {

// A full disk (or quota) is ResourceExhausted, so a caller can wait for space; the partial file
// is removed, leaving what space it took to others.
Status WriteFailure(const std::filesystem::path& path, std::string_view what, int error) {
  if (error == ENOSPC || error == EDQUOT) {
    ::unlink(path.c_str());
    return Status::ResourceExhausted("{} {}: {}", what, path.string(), std::strerror(error));
  }
  return Status::IOError("{} {}: {}", what, path.string(), std::strerror(error));
}

}  // namespace

Status WriteFileDurably(const std::filesystem::path& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return WriteFailure(path, "cannot create", errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return WriteFailure(path, "writing", e);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return WriteFailure(path, "fsync of", e);
  }
  ::close(fd);
  return Status::OK();
}

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open {}: {}", dir.string(), std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync of {}: {}", dir.string(), std::strerror(errno));
  return Status::OK();
}

}  // namespace sluice
