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
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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
  // They go in front of history in ascending seq, so history reads: the
  // rewritten incrs, the old base (NewBase put it first), the older history
  // (Redis walks the incrs from the tail, each to the head of history).
  void MarkRewrittenIncrsAsHistory() { MarkRewrittenIncrsAsHistory(true); }
  // keep_last false: every incr moves (Redis does so when AOF is off, i.e.
  // a BGREWRITEAOF with appendonly no opened no new incr).
  void MarkRewrittenIncrsAsHistory(bool keep_last);
};

// Where a manifest error is, for Redis's log lines:
//   *** FATAL AOF MANIFEST FILE ERROR ***
//   Reading the manifest file, at line <line>      (only when line > 0)
//   >>> '<content>'                                 (only when line > 0)
//   <the status's message>
struct AofManifestError {
  int line = 0;         // 1-based, counting comment lines; 0 when Redis gives none
  std::string content;  // the line, trimmed of " \t\r\n" as Redis logs it
};

// aofLoadManifestFromFile's parser: Status::Corruption whose message is
// Redis's text ("Found an empty AOF manifest", "The AOF manifest file
// contains too long line", "Invalid AOF manifest file format", "File can't
// be a path, just a filename", "Found duplicate base file information",
// "Found a non-monotonic sequence number", "Unknown AOF file type"); *error,
// when given, says where (the line number where Redis's log gives one).
// Lines are cut as fgets with Redis's 1025-byte buffer cuts them (at most
// 1024 bytes including the '\n'); unknown keys are ignored; a repeated key's
// last value counts; a history line does not move curr_*_seq. *out is
// replaced on success only.
Status ParseAofManifest(std::string_view text, AofManifest* out);
Status ParseAofManifest(std::string_view text, AofManifest* out, AofManifestError* error);

// Reads and parses a manifest file. Missing: Status::NotFound; cannot be
// opened: Status::IOError with strerror's text (Redis's "Fatal error: can't
// open the AOF manifest file %s for reading: %s"); cannot be read:
// Status::Corruption("Read AOF manifest failed") (logged under the FATAL
// banner, as the parse errors).
Status LoadAofManifestFile(const std::string& path, AofManifest* out);
Status LoadAofManifestFile(const std::string& path, AofManifest* out, AofManifestError* error);

// Writes the manifest crash-safely: "<dir>/temp-<manifest name>", fsync,
// rename over "<dir>/<manifest name>", fsync of dir. On failure the
// temporary file is removed, Redis's warning is logged ("Can't open the AOF
// manifest file ...", "Error trying to write the temporary AOF manifest file
// ...", "Fail to fsync the temp AOF file ...", "Error trying to rename the
// temporary AOF manifest file ...", "Fail to fsync AOF directory ...") and
// the status carries strerror's text.
Status PersistAofManifest(const std::string& dir, const std::string& manifest_name,
                          const AofManifest& manifest);

// Redis's file names for an appendfilename (default "appendonly.aof").
std::string AofManifestName(std::string_view appendfilename);  // "<name>.manifest"
std::string AofTempIncrName(std::string_view appendfilename);  // "temp-<name>.incr"

// ---------------------------------------------------------------------------
// Reading commands back (loadSingleAppendOnlyFile's parsing).

// The format is strict: "*<n>\r\n" (n >= 1, decimal digits) then n times
// "$<len>\r\n<len bytes>\r\n"; at a command boundary a line starting with
// '#' is an annotation and skipped whole (one without its '\n' at the end of
// the file ends the file cleanly, as in Redis). Anything else is kBadFormat;
// the file ending anywhere inside a command (its header, a length line, a
// bulk or its CRLF), or a bulk length running past the end of the file, is
// kTruncated. Failures are sticky: Next repeats them.
//
// Memory: the file is read with pread in chunks of kChunk bytes into one
// buffer that holds the current command; the buffer grows beyond kChunk
// only for a command that needs it, never past what the rest of the file
// could fill, and shrinks back once such a command is consumed. A corrupt
// length therefore never allocates more than the file's size.
class AofReader {
 public:
  static constexpr size_t kChunk = 64 * 1024;

  // Over an open file (not owned) of size bytes, from start_offset (after an
  // RDB preamble, or 0). Reads in bounded chunks; an argument is never
  // allocated before the bytes are there to fill it. Reads use pread, so
  // the fd's own offset does not matter and is not moved.
  AofReader(int fd, uint64_t size, uint64_t start_offset)
      : AofReader(fd, size, start_offset, kChunk) {}
  // The same with another chunk size (tests and the fuzzer use tiny ones to
  // put chunk boundaries everywhere).
  AofReader(int fd, uint64_t size, uint64_t start_offset, size_t chunk);

  enum class Result {
    kCommand,    // *argv holds the next command (views valid until Next again)
    kEnd,        // clean end of file
    kTruncated,  // the file ends inside a command (Redis's short read)
    kBadFormat,  // not an AOF ("Bad file format reading the append only file")
    kReadError,  // read(2) failed: read_error() says why ("Unrecoverable error
                 // reading the append only file %s: %s"); never to be cut
  };
  // The next command; '#' annotation lines are skipped.
  Result Next(std::vector<std::string_view>* argv);

  // The offset just past the last complete command (where a truncated file
  // is cut, Redis's valid_up_to); start_offset before the first one.
  uint64_t valid_up_to() const { return valid_up_to_; }
  // The offset of the first byte of the last command returned (where an
  // unfinished MULTI is cut back to); start_offset before the first one.
  uint64_t last_command_offset() const { return last_command_offset_; }
  // After kReadError: strerror's text.
  const std::string& read_error() const { return read_error_; }

 private:
  // Makes at least `want` bytes available from the current command's start
  // (buf_ + begin_), reading more of the file; false when the file ends
  // (or a read fails) first.
  bool Ensure(size_t want) { return end_ - begin_ >= want || Fill(want); }
  bool Fill(size_t want);
  bool FillTo(size_t want);  // one step of Fill
  // What running out of bytes means: kTruncated, or kReadError.
  Result Short() const { return read_error_.empty() ? Result::kTruncated : Result::kReadError; }
  // The line "<c><digits>\r\n" whose first character (already checked) is
  // at *at from begin_: kCommand with *value and *at moved past the line,
  // or the failure.
  Result ReadNumberLine(size_t* at, uint64_t* value);
  Result Fail(Result r) { return sticky_ = r; }

  int fd_;
  size_t chunk_;
  uint64_t size_;
  uint64_t file_pos_;  // next byte pread reads
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t begin_ = 0;       // the current command's first byte
  size_t end_ = 0;         // bytes read into buf_
  uint64_t begin_offset_;  // file offset of buf_[begin_]
  uint64_t valid_up_to_;
  uint64_t last_command_offset_;
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset from begin_, len)
  Result sticky_ = Result::kCommand;              // the failure, once failed
  std::string read_error_;
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
