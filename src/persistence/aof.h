#pragma once
// The append-only file's formats (Redis 7.0's aof.c, the file side only):
// commands as RESP multibulks, timestamp annotations, the multi-part AOF
// manifest, reading commands back from a file (tolerating a truncated tail
// where Redis does), and the base file a rewrite writes (an RDB preamble, or
// the dataset as commands).
//
// Everything here is about bytes and files; executing loaded commands,
// fsync policies, the rewrite child and the manifest's life cycle are the
// server's (server/aof.h).
//
// Thread: the caller's (the main thread, the fsync thread for nothing here,
// or a rewrite child).

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "persistence/rdb_writer.h"
#include "storage/keyspace.h"

namespace spindle::persistence {

// ---------------------------------------------------------------------------
// Commands (catAppendOnlyGenericCommand)

// Appends argv as "*<n>\r\n" then "$<len>\r\n<bytes>\r\n" per argument.
void AppendAofCommand(std::string* out, std::span<const std::string_view> argv);
// "*2\r\n$6\r\nSELECT\r\n$<n>\r\n<db>\r\n".
void AppendAofSelect(std::string* out, int db);
// aof-timestamp-enabled: "#TS:<unix seconds>\r\n".
void AppendAofTimestamp(std::string* out, int64_t unix_seconds);

// ---------------------------------------------------------------------------
// The manifest of a multi-part AOF (Redis 7's aofManifest): one base file,
// the incremental files written after it in sequence order, and the history
// files (old bases and incrs a rewrite replaced, deleted once the new
// manifest is durable).
//
// Text form, one line per file (getAofManifestAsString):
//   file appendonly.aof.1.base.rdb seq 1 type b\n
//   file appendonly.aof.1.incr.aof seq 1 type i\n
// A file name that needs quoting is written as Redis's sdscatrepr does;
// lines are split as sdssplitargs splits them; '#' starts a comment line.

enum class AofFileType : char { kBase = 'b', kHistory = 'h', kIncr = 'i' };

struct AofFileInfo {
  std::string name;
  int64_t seq = 0;
  AofFileType type = AofFileType::kIncr;
  bool operator==(const AofFileInfo&) const = default;
};

struct AofManifest {
  std::optional<AofFileInfo> base;
  std::vector<AofFileInfo> incrs;    // ascending seq
  std::vector<AofFileInfo> history;  // to be deleted
  int64_t curr_base_seq = 0;         // highest base seq ever used
  int64_t curr_incr_seq = 0;         // highest incr seq ever used

  // getAofManifestAsString: base first, then history, then incrs (Redis's
  // order).
  std::string ToString() const;

  // getNewBaseFileNameAndMarkPreAsHistory: the next base's name
  // ("<prefix>.<seq>.base.rdb" with an RDB preamble, ".base.aof" without),
  // which becomes the base; the old base moves to history.
  std::string NewBase(std::string_view prefix, bool rdb_preamble);
  // getNewIncrAofName: the next incr's name ("<prefix>.<seq>.incr.aof"),
  // appended to incrs.
  std::string NewIncr(std::string_view prefix);
  // markRewrittenIncrAofAsHistory: after a rewrite, every incr but the last
  // (the one the parent opened when the rewrite started) moves to history.
  void MarkRewrittenIncrsAsHistory();
};

// aofLoadManifestFromFile's parser. Errors carry Redis's texts ("Invalid AOF
// manifest file format", "Found duplicate base file information",
// "Found a non-monotonic sequence number", "The AOF manifest file is
// invalid format" ...) and the line number where Redis's log gives one.
Status ParseAofManifest(std::string_view text, AofManifest* out);

// Reads and parses a manifest file. Missing: Status::NotFound.
Status LoadAofManifestFile(const std::string& path, AofManifest* out);

// Writes the manifest crash-safely: "<dir>/temp-<manifest name>", fsync,
// rename over "<dir>/<manifest name>", fsync of dir.
Status PersistAofManifest(const std::string& dir, const std::string& manifest_name,
                          const AofManifest& manifest);

// Redis's file names for an appendfilename (default "appendonly.aof").
std::string AofManifestName(std::string_view appendfilename);  // "<name>.manifest"
std::string AofTempIncrName(std::string_view appendfilename);  // "temp-<name>.incr"

// ---------------------------------------------------------------------------
// Reading commands back (loadSingleAppendOnlyFile's parsing).

class AofReader {
 public:
  // Over an open file (not owned) of size bytes, from start_offset (after an
  // RDB preamble, or 0). Reads in bounded chunks; an argument is never
  // allocated before the bytes are there to fill it.
  AofReader(int fd, uint64_t size, uint64_t start_offset);

  enum class Result {
    kCommand,    // *argv holds the next command (views valid until Next again)
    kEnd,        // clean end of file
    kTruncated,  // the file ends inside a command (Redis's short read)
    kBadFormat,  // not an AOF ("Bad file format reading the append only file")
  };
  // The next command; '#' annotation lines are skipped.
  Result Next(std::vector<std::string_view>* argv);

  // The offset just past the last complete command (where a truncated file
  // is cut, Redis's valid_up_to).
  uint64_t valid_up_to() const;
  // The offset of the first byte of the last command returned (where an
  // unfinished MULTI is cut back to).
  uint64_t last_command_offset() const;

 private:
  // (implementation's choice)
};

// Whether a file's first bytes are an RDB preamble ("REDIS").
bool StartsWithRdbPreamble(std::string_view first_bytes);

// ---------------------------------------------------------------------------
// Writing a base file (rewriteAppendOnlyFile in the child).

struct AofBaseOptions {
  // aof-use-rdb-preamble: the base is an RDB file (with the aux field
  // aof-base 1); otherwise the dataset as commands (rewriteAppendOnlyFileRio):
  // per database SELECT, per key SET / RPUSH / SADD / ZADD / HMSET in
  // batches of 64 elements (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for a
  // key with a TTL.
  bool rdb_preamble = true;
  RdbSaveOptions rdb;  // for the preamble
  // aof-timestamp-enabled: a "#TS:" annotation first (command form only).
  bool timestamp = false;
  int64_t now_unix_s = 0;
  // aof-rewrite-incremental-fsync: fdatasync every 4 MiB.
  bool incremental_fsync = true;
};

// Writes the base to path (the caller picks a temporary name and renames),
// fsyncs and closes it. On failure the file is removed and the status says
// why (Redis's "Write error writing append only file on disk: ...").
Status WriteAofBaseFile(storage::Keyspace& keyspace, const std::string& path,
                        const AofBaseOptions& options);

// The command form alone, handed to sink in chunks (for tests and for the
// file writer).
Status WriteAofCommands(storage::Keyspace& keyspace, const AofBaseOptions& options,
                        const std::function<Status(std::string_view)>& sink);

}  // namespace spindle::persistence
