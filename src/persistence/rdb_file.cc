#include "persistence/rdb_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "common/logging.h"
#include "persistence/file_io.h"

namespace spindle::persistence {
namespace {

std::string Cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof(buf)) ? buf : "unknown";
}

}  // namespace

std::string RdbTempFileName(long pid) { return "temp-" + std::to_string(pid) + ".rdb"; }

Status SaveRdbFile(storage::Keyspace& keyspace, const std::string& filename,
                   const RdbSaveOptions& options, const RdbFileOptions& file_options) {
  const std::string tmp = RdbTempFileName(static_cast<long>(getpid()));
  DurableFileWriter file;
  Status st = file.Open(tmp, file_options.incremental_fsync);
  if (!st.ok()) {
    LOG_WARNING("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                tmp.c_str(), Cwd().c_str(), st.message().c_str());
    return st;
  }
  RdbWriter writer(options, [&](std::string_view bytes) { return file.Append(bytes); });
  st = WriteRdb(keyspace, writer);
  if (st.ok()) st = file.Finish();
  if (!st.ok()) {
    LOG_WARNING("Write error saving DB on disk: %s", st.message().c_str());
    file.Discard();
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
