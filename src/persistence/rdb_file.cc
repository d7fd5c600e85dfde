#include "persistence/rdb_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "common/logging.h"

namespace spindle::persistence {
namespace {

// Redis's REDIS_AUTOSYNC_BYTES.
constexpr uint64_t kAutosyncBytes = 4 * 1024 * 1024;

std::string Cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof(buf)) ? buf : "unknown";
}

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

// fsync of the directory holding path, so a rename into it is durable.
Status FsyncDirOf(const std::string& path) {
  std::string dir = ".";
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(std::strerror(errno));
  Status st;
  if (fsync(fd) != 0 && errno != EINVAL) st = Status::IOError(std::strerror(errno));
  close(fd);
  return st;
}

}  // namespace

std::string RdbTempFileName(long pid) { return "temp-" + std::to_string(pid) + ".rdb"; }

Status SaveRdbFile(storage::Keyspace& keyspace, const std::string& filename,
                   const RdbSaveOptions& options, const RdbFileOptions& file_options) {
  const std::string tmp = RdbTempFileName(static_cast<long>(getpid()));
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    std::string err = std::strerror(errno);
    LOG_WARNING("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                tmp.c_str(), Cwd().c_str(), err.c_str());
    return Status::IOError(err);
  }
  uint64_t unsynced = 0;
  RdbWriter writer(options, [&](std::string_view bytes) {
    Status st = WriteAll(fd, bytes);
    if (!st.ok()) return st;
    unsynced += bytes.size();
    if (file_options.incremental_fsync && unsynced >= kAutosyncBytes) {
      if (fdatasync(fd) != 0) return Status::IOError(std::strerror(errno));
      unsynced = 0;
    }
    return Status::Ok();
  });
  Status st = WriteRdb(keyspace, writer);
  // Make sure nothing stays in the OS's buffers before the rename publishes
  // the file.
  if (st.ok() && fsync(fd) != 0) st = Status::IOError(std::strerror(errno));
  if (close(fd) != 0 && st.ok()) st = Status::IOError(std::strerror(errno));
  if (!st.ok()) {
    LOG_WARNING("Write error saving DB on disk: %s", st.message().c_str());
    unlink(tmp.c_str());
    return st;
  }
  if (rename(tmp.c_str(), filename.c_str()) != 0) {
    std::string err = std::strerror(errno);
    LOG_WARNING(
        "Error moving temp DB file %s on the final destination %s (in server root dir %s): %s",
        tmp.c_str(), filename.c_str(), Cwd().c_str(), err.c_str());
    unlink(tmp.c_str());
    return Status::IOError(err);
  }
  st = FsyncDirOf(filename);
  if (!st.ok()) {
    LOG_WARNING("Failed to fsync the directory of %s: %s", filename.c_str(), st.message().c_str());
    return st;
  }
  return Status::Ok();
}

Status LoadRdbFile(const std::string& filename, storage::Keyspace& keyspace,
                   const RdbLoadOptions& options, RdbLoadResult* result, RdbError* error) {
  int fd = open(filename.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(std::strerror(errno));
    return Status::IOError(std::strerror(errno));
  }
  struct stat sb;
  uint64_t size = fstat(fd, &sb) == 0 ? static_cast<uint64_t>(sb.st_size) : 0;
  RdbReader reader(fd, size);
  Status st = LoadRdb(reader, keyspace, options, result);
  close(fd);
  if (!st.ok() && error != nullptr && reader.failed()) *error = reader.error();
  return st;
}

}  // namespace spindle::persistence
