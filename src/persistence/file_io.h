#pragma once
// Durable file writing shared by the RDB and AOF writers: write everything
// (retrying short writes and EINTR), an optional fdatasync every 4 MiB so a
// final fsync never has gigabytes of dirty pages to flush (Redis's
// REDIS_AUTOSYNC_BYTES, rdb-save-incremental-fsync /
// aof-rewrite-incremental-fsync), fsync and close, and the fsync of a
// directory that makes a rename into it durable.
//
// Errors carry strerror's text; logging is the caller's, in its own words.
//
// Thread: the caller's (the main thread, or a child process).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace spindle::persistence {

// Redis's REDIS_AUTOSYNC_BYTES.
inline constexpr uint64_t kAutosyncBytes = 4 * 1024 * 1024;

// write(2) until every byte is written.
Status WriteAll(int fd, std::string_view bytes);

// fsync of a directory (EINVAL, a file system that cannot sync directories,
// counts as success).
Status FsyncDir(const std::string& dir);
// fsync of the directory holding path ("." when path has no slash).
Status FsyncDirOf(const std::string& path);

// One new file, written front to back. The destructor closes a file still
// open but never removes it: the caller decides with Finish or Discard.
class DurableFileWriter {
 public:
  DurableFileWriter() = default;
  DurableFileWriter(const DurableFileWriter&) = delete;
  DurableFileWriter& operator=(const DurableFileWriter&) = delete;
  ~DurableFileWriter();

  // Creates or truncates path (mode 0666 before the umask, as fopen "w").
  // With incremental_fsync, Append fdatasyncs after every kAutosyncBytes.
  Status Open(const std::string& path, bool incremental_fsync);
  Status Append(std::string_view bytes);
  // fsync, then close. The file stays on disk whatever the outcome.
  Status Finish();
  // Closes the file if still open and removes it (after a failure).
  void Discard();

  const std::string& path() const { return path_; }
  uint64_t written() const { return written_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool incremental_fsync_ = false;
  uint64_t written_ = 0;
  uint64_t unsynced_ = 0;
};

}  // namespace spindle::persistence
