#include "persistence/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace spindle::persistence {

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status FsyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(std::strerror(errno));
  Status st;
  if (fsync(fd) != 0 && errno != EINVAL) st = Status::IOError(std::strerror(errno));
  close(fd);
  return st;
}

Status FsyncDirOf(const std::string& path) {
  std::string dir = ".";
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  return FsyncDir(dir);
}

DurableFileWriter::~DurableFileWriter() {
  if (fd_ >= 0) close(fd_);
}

Status DurableFileWriter::Open(const std::string& path, bool incremental_fsync) {
  path_ = path;
  incremental_fsync_ = incremental_fsync;
  written_ = unsynced_ = 0;
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) return Status::IOError(std::strerror(errno));
  return Status::Ok();
}

Status DurableFileWriter::Append(std::string_view bytes) {
  if (fd_ < 0) return Status::IOError(std::strerror(EBADF));
  Status st = WriteAll(fd_, bytes);
  if (!st.ok()) return st;
  written_ += bytes.size();
  unsynced_ += bytes.size();
  if (incremental_fsync_ && unsynced_ >= kAutosyncBytes) {
    if (fdatasync(fd_) != 0) return Status::IOError(std::strerror(errno));
    unsynced_ = 0;
  }
  return Status::Ok();
}

Status DurableFileWriter::Finish() {
  if (fd_ < 0) return Status::IOError(std::strerror(EBADF));
  // Nothing may stay in the OS's buffers once the caller publishes the file
  // (by a rename, or a manifest naming it).
  Status st;
  if (fsync(fd_) != 0) st = Status::IOError(std::strerror(errno));
  if (close(fd_) != 0 && st.ok()) st = Status::IOError(std::strerror(errno));
  fd_ = -1;
  return st;
}

void DurableFileWriter::Discard() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!path_.empty()) unlink(path_.c_str());
}

}  // namespace spindle::persistence
