#pragma once
// RespParser: cuts client commands out of a byte stream. It knows nothing of
// sockets: the caller hands it the bytes received so far.
//
// Contract of Parse(data, len, ...):
//  - data[0..len) starts at the first byte of the command being parsed (the
//    caller drops consumed bytes between commands, never mid-command).
//  - Between calls that return kNeedMore the caller may move the bytes (the
//    buffer may be reallocated) and append more, but must not change or drop
//    the bytes already given. The parser remembers how far it got (as
//    offsets, never pointers) so it never rescans a partial frame: a 500 MB
//    bulk arriving in 16 KB reads costs linear time.
//  - On kComplete, *args holds the command's arguments (args[0] is the name)
//    as views into data (or into parser-owned storage for inline commands
//    whose quoting had to be unescaped), valid until the next Parse/Reset or
//    until the caller changes data; *consumed is the number of bytes the
//    command took. An empty args (blank inline line, "*0" or "*-1") means
//    "nothing to run": consume and go on.
//  - On kError, error() holds the exact Redis reply text without the leading
//    '-' (e.g. "ERR Protocol error: invalid multibulk length"); the caller
//    replies with it and closes the client once the reply is written. Parse
//    keeps returning kError until Reset().
//  - BulkHint() tells, while a large bulk is being received, how many bytes
//    the buffer must hold for the current bulk to complete, so the caller can
//    reserve exactly that (as Redis does for bulks >= 32 KB).
//
// Thread: a parser belongs to one client; any one thread at a time.

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spindle::protocol {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = INT_MAX;         // Redis 7.0: "*n" with n > INT_MAX is invalid
  size_t max_inline_len = 64 * 1024;           // PROTO_INLINE_MAX_SIZE
  bool authenticated = true;  // unauthenticated clients get Redis's tighter limits
};

class RespParser {
 public:
  enum class Status { kComplete, kNeedMore, kError };

  RespParser() = default;

  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  const ParserLimits& limits() const { return limits_; }

  Status Parse(const char* data, size_t len, size_t* consumed, std::vector<std::string_view>* args);

  // Forgets any partial command (after the caller dropped its bytes).
  void Reset();

  const std::string& error() const { return error_; }
  // Bytes from the start of the command that must be buffered for the bulk in
  // progress to complete; 0 when no large bulk is in progress.
  size_t BulkHint() const;
  // True while a command has been started but not completed.
  bool InProgress() const;

 private:
  // Implementation state; see resp_parser.cc.
  Status ParseInline(const char* data, size_t len, size_t* consumed,
                     std::vector<std::string_view>* args);
  Status ParseMultibulk(const char* data, size_t len, size_t* consumed,
                        std::vector<std::string_view>* args);
  Status ParseMultibulkFast(const char* data, size_t len, size_t* consumed,
                            std::vector<std::string_view>* args);
  Status Fail(std::string msg);
  // Looks for `terminator` in data[scan_pos_..len) as Redis's strchr would
  // (a NUL byte first means "never"); returns its offset or npos, and records
  // how far it looked so the next call resumes there.
  size_t FindLineEnd(const char* data, size_t len, char terminator);
  void Finish();

  ParserLimits limits_;
  std::string error_;
  enum class Kind { kNone, kInline, kMultibulk } kind_ = Kind::kNone;
  size_t pos_ = 0;             // offset of the next unparsed byte
  size_t scan_pos_ = 0;        // where the search for the current line's end resumes
  bool line_blocked_ = false;  // a NUL came before the line's end: it never ends
  int64_t multibulk_len_ = 0;  // arguments announced and not yet read (0: no header yet)
  int64_t bulk_len_ = -1;      // length of the bulk being read, -1 between bulks
  std::vector<std::pair<size_t, size_t>> arg_spans_;  // (offset, length) per argument
  std::vector<std::string> inline_storage_;
};

}  // namespace spindle::protocol
