#pragma once
// RDB files on disk: written so that a crash at any moment leaves either the
// old file or the complete new one, and read back in bounded memory.
//
// Thread: the caller's (the main thread for SAVE and start-up loading, the
// child process for BGSAVE).

#include <string>

#include "common/status.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "storage/keyspace.h"

namespace spindle::persistence {

struct RdbFileOptions {
  // rdb-save-incremental-fsync: fdatasync every 4 MiB while writing, so the
  // final fsync does not stall on gigabytes of dirty pages.
  bool incremental_fsync = true;
};

// The temporary file a save by process `pid` writes before the rename
// (Redis's "temp-<pid>.rdb"), relative to the working directory.
std::string RdbTempFileName(long pid);

// Saves the keyspace to `filename` (relative to the working directory, which
// is the `dir` directive): the bytes go to temp-<pid>.rdb, which is flushed,
// fsynced and closed, then renamed over filename, then the directory is
// fsynced so the rename itself is durable. On failure the temporary file is
// removed, the old file is untouched, and the error is logged in Redis's
// words ("Write error saving DB on disk: ...") and returned.
Status SaveRdbFile(storage::Keyspace& keyspace, const std::string& filename,
                   const RdbSaveOptions& options, const RdbFileOptions& file_options = {});

// Loads filename into keyspace. A missing file gives Status::NotFound (the
// server then starts empty); an unreadable one Status::IOError with
// strerror's text; a malformed one the loader's status, with *error (when
// not null) saying where.
Status LoadRdbFile(const std::string& filename, storage::Keyspace& keyspace,
                   const RdbLoadOptions& options, RdbLoadResult* result, RdbError* error);

}  // namespace spindle::persistence
