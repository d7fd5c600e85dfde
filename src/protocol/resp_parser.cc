#include "protocol/resp_parser.h"

#include <algorithm>
#include <cstring>

#include "common/strings.h"
#include "protocol/errors.h"

// Behaviour follows Redis 7.0's processInlineBuffer / processMultibulkBuffer
// (networking.c); each rule below was checked against redis-server 7.0.15
// over a raw socket.
//
// Request type: a command starting with '*' is multibulk, anything else is
// an inline line.
//
// Inline: the line ends at the first '\n' (an optional '\r' before it is
// dropped), so "\n"-only line endings work. The line is split with
// sdssplitargs semantics (SplitArgs). A blank line yields no arguments.
// Without a '\n', more than max_inline_len buffered bytes is "too big inline
// request". Quotes that do not balance are "unbalanced quotes in request".
//
// Multibulk:
//  - A header line ("*n", "$n") ends at the first '\r'; Redis then needs one
//    more byte and skips it without checking that it is '\n'.
//  - "*n": n must be a strict integer (string2ll: no '+', no leading zeros,
//    no "-0", at most 20 chars) and n <= INT_MAX in 7.0 (6.x capped it at
//    1024*1024); n <= 0 ("*0", "*-1", "*-7") is a command with no arguments,
//    the header is consumed and nothing runs. Unauthenticated: n > 10 fails.
//  - "$n": 0 <= n <= proto-max-bulk-len; unauthenticated: n > 16384 fails.
//    Any other first byte is "expected '$', got 'c'".
//  - The bulk's payload is followed by two bytes that Redis skips without
//    looking at them: "$4\r\nPINGxy" is PING.
//  - Without a '\r', more than max_inline_len bytes from the start of the
//    line fails: "too big mbulk count string" / "too big bulk count string".
//
// Redis looks for line ends with strchr on its NUL-terminated query buffer,
// so a NUL byte before the line end hides the end forever: the client then
// waits until the size limit fails it. We do the same.
//
// Progress is kept as offsets (pos_, scan_pos_) into the caller's buffer, so
// each byte is looked at a bounded number of times however the stream is
// split; bulk payloads are never scanned at all.

namespace spindle::protocol {
namespace {

// Redis's fixed limits for clients that have not authenticated yet.
constexpr int64_t kUnauthMaxMultibulk = 10;
constexpr int64_t kUnauthMaxBulk = 16384;
// PROTO_MBULK_BIG_ARG: from this size on, Redis reserves room for the whole
// bulk in the query buffer; BulkHint() tells the caller to do the same.
constexpr int64_t kBigArg = 32 * 1024;

// Redis's string2ll: strict decimal, optional '-', no leading zeros except
// "0", no "-0", fewer than 21 characters, no overflow.
bool ParseLongLong(const char* s, size_t len, int64_t* out) {
  if (len == 0 || len >= 21) return false;
  if (len == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == len) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// Unquoted separators of sdssplitargs: leading blanks are isspace(), an
// argument ends at one of these four.
bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool EndsArg(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

void RespParser::Reset() {
  error_.clear();
  kind_ = Kind::kNone;
  pos_ = 0;
  scan_pos_ = 0;
  line_blocked_ = false;
  multibulk_len_ = 0;
  bulk_len_ = -1;
  arg_spans_.clear();
  inline_storage_.clear();
}

void RespParser::Finish() {
  kind_ = Kind::kNone;
  pos_ = 0;
  scan_pos_ = 0;
  line_blocked_ = false;
  multibulk_len_ = 0;
  bulk_len_ = -1;
}

size_t RespParser::BulkHint() const {
  if (kind_ != Kind::kMultibulk || bulk_len_ < kBigArg) return 0;
  return pos_ + static_cast<size_t>(bulk_len_) + 2;
}

bool RespParser::InProgress() const { return kind_ != Kind::kNone; }

RespParser::Status RespParser::Fail(std::string msg) {
  error_ = std::move(msg);
  return Status::kError;
}

size_t RespParser::FindLineEnd(const char* data, size_t len, char terminator) {
  if (line_blocked_) return std::string_view::npos;
  size_t from = std::max(scan_pos_, pos_);
  if (from >= len) {
    scan_pos_ = from;
    return std::string_view::npos;
  }
  const char* base = data + from;
  size_t span = len - from;
  const char* end = static_cast<const char*>(std::memchr(base, terminator, span));
  size_t limit = end ? static_cast<size_t>(end - base) : span;
  if (std::memchr(base, '\0', limit) != nullptr) {
    // strchr would stop at the NUL: this line can never end.
    line_blocked_ = true;
    return std::string_view::npos;
  }
  if (end == nullptr) {
    scan_pos_ = len;
    return std::string_view::npos;
  }
  scan_pos_ = from + limit;
  return scan_pos_;
}

RespParser::Status RespParser::Parse(const char* data, size_t len, size_t* consumed,
                                     std::vector<std::string_view>* args) {
  *consumed = 0;
  args->clear();
  if (!error_.empty()) return Status::kError;
  if (kind_ == Kind::kNone) {
    if (len == 0) return Status::kNeedMore;
    // The previous command's arguments are no longer needed.
    arg_spans_.clear();
    inline_storage_.clear();
    Finish();
    kind_ = data[0] == '*' ? Kind::kMultibulk : Kind::kInline;
    if (kind_ == Kind::kMultibulk) {
      Status fast = ParseMultibulkFast(data, len, consumed, args);
      if (fast == Status::kComplete) return fast;
      args->clear();  // not the common case: the general path starts over
    }
  }
  // The caller must not drop bytes of a command in progress; if it does
  // anyway, wait rather than read outside the buffer.
  if (len < pos_) return Status::kNeedMore;
  if (kind_ == Kind::kInline) return ParseInline(data, len, consumed, args);
  return ParseMultibulk(data, len, consumed, args);
}

RespParser::Status RespParser::ParseInline(const char* data, size_t len, size_t* consumed,
                                           std::vector<std::string_view>* args) {
  size_t nl = FindLineEnd(data, len, '\n');
  if (nl == std::string_view::npos) {
    if (len > limits_.max_inline_len) return Fail(std::string(kErrProtoTooBigInline));
    return Status::kNeedMore;
  }
  size_t line_len = (nl > 0 && data[nl - 1] == '\r') ? nl - 1 : nl;
  std::string_view line(data, line_len);

  if (line.find_first_of("\"'") == std::string_view::npos) {
    // No quoting: the arguments are plain slices of the line, no copy needed.
    size_t p = 0;
    while (true) {
      while (p < line.size() && IsCSpace(line[p])) ++p;
      if (p >= line.size()) break;
      size_t start = p;
      while (p < line.size() && !EndsArg(line[p])) ++p;
      args->emplace_back(line.substr(start, p - start));
    }
  } else {
    std::optional<std::vector<std::string>> split = SplitArgs(line);
    if (!split) {
      args->clear();
      return Fail(std::string(kErrProtoUnbalancedQuotes));
    }
    inline_storage_ = std::move(*split);
    args->reserve(inline_storage_.size());
    for (const std::string& s : inline_storage_) args->emplace_back(s);
  }
  *consumed = nl + 1;
  Finish();
  return Status::kComplete;
}

namespace {

// The digits of a header line, up to its '\r', for the fast path: a strict
// positive decimal (first digit 1-9) of at most 18 digits, or "0". Returns
// the offset of the '\r', or npos for anything else (a sign, a leading
// zero, a NUL or other byte, no '\r' yet), which the general path handles.
inline size_t FastHeaderNumber(const char* data, size_t p, size_t len, int64_t* out) {
  if (p >= len) return std::string_view::npos;
  if (data[p] == '0') {
    if (p + 1 < len && data[p + 1] == '\r') {
      *out = 0;
      return p + 1;
    }
    return std::string_view::npos;
  }
  int64_t v = 0;
  size_t start = p;
  while (p < len && p - start < 18) {
    unsigned d = static_cast<unsigned char>(data[p]) - '0';
    if (d > 9) break;
    v = v * 10 + d;
    ++p;
  }
  if (p == start || p >= len || data[p] != '\r') return std::string_view::npos;
  *out = v;
  return p;
}

}  // namespace

RespParser::Status RespParser::ParseMultibulkFast(const char* data, size_t len, size_t* consumed,
                                                  std::vector<std::string_view>* args) {
  // A whole, well-formed command from an authenticated client with
  // arguments under PROTO_MBULK_BIG_ARG, parsed in one pass over its
  // headers (payloads are skipped, never scanned). Anything else returns
  // kNeedMore having changed nothing but *args, and Parse goes the general,
  // incremental way, which is also where every error is produced. It runs
  // at most once per command (at its first byte), so a command that
  // arrives in pieces costs one extra header pass, not one per piece.
  if (!limits_.authenticated) return Status::kNeedMore;
  constexpr size_t npos = std::string_view::npos;
  int64_t n = 0;
  size_t cr = FastHeaderNumber(data, 1, len, &n);
  if (cr == npos || n <= 0 || n > limits_.max_multibulk_len || n > 1024) return Status::kNeedMore;
  size_t p = cr + 2;  // the byte after '\r' is skipped unchecked, as Redis does
  args->reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (p >= len || data[p] != '$') return Status::kNeedMore;
    int64_t blen = 0;
    cr = FastHeaderNumber(data, p + 1, len, &blen);
    if (cr == npos || blen >= kBigArg || blen > limits_.max_bulk_len) return Status::kNeedMore;
    p = cr + 2;
    // The payload and the two bytes after it (normally CRLF, never checked).
    if (p > len || len - p < static_cast<size_t>(blen) + 2) return Status::kNeedMore;
    args->emplace_back(data + p, static_cast<size_t>(blen));
    p += static_cast<size_t>(blen) + 2;
  }
  *consumed = p;
  Finish();
  return Status::kComplete;
}

RespParser::Status RespParser::ParseMultibulk(const char* data, size_t len, size_t* consumed,
                                              std::vector<std::string_view>* args) {
  if (multibulk_len_ == 0) {
    size_t cr = FindLineEnd(data, len, '\r');
    if (cr == std::string_view::npos) {
      if (len > limits_.max_inline_len) return Fail(std::string(kErrProtoTooBigMbulkCount));
      return Status::kNeedMore;
    }
    if (cr + 2 > len) return Status::kNeedMore;  // the byte after '\r' is not here yet
    int64_t n = 0;
    if (!ParseLongLong(data + 1, cr - 1, &n) || n > limits_.max_multibulk_len) {
      return Fail(std::string(kErrProtoInvalidMultibulkLen));
    }
    if (n > kUnauthMaxMultibulk && !limits_.authenticated) {
      return Fail(std::string(kErrProtoUnauthMultibulkLen));
    }
    pos_ = cr + 2;
    scan_pos_ = pos_;
    if (n <= 0) {
      *consumed = pos_;
      Finish();
      return Status::kComplete;
    }
    multibulk_len_ = n;
    // A client may announce 2^31-1 arguments and send none: grow as they come.
    arg_spans_.reserve(static_cast<size_t>(std::min<int64_t>(n, 1024)));
  }

  while (multibulk_len_ > 0) {
    if (bulk_len_ == -1) {
      size_t cr = FindLineEnd(data, len, '\r');
      if (cr == std::string_view::npos) {
        if (len - pos_ > limits_.max_inline_len) {
          return Fail(std::string(kErrProtoTooBigBulkCount));
        }
        return Status::kNeedMore;
      }
      if (cr + 2 > len) return Status::kNeedMore;
      if (data[pos_] != '$') return Fail(ExpectedDollarError(data[pos_]));
      int64_t n = 0;
      if (!ParseLongLong(data + pos_ + 1, cr - pos_ - 1, &n) || n < 0 || n > limits_.max_bulk_len) {
        return Fail(std::string(kErrProtoInvalidBulkLen));
      }
      if (n > kUnauthMaxBulk && !limits_.authenticated) {
        return Fail(std::string(kErrProtoUnauthBulkLen));
      }
      pos_ = cr + 2;
      scan_pos_ = pos_;
      bulk_len_ = n;
    }
    // The payload and the two bytes after it (normally CRLF, never checked).
    size_t need = static_cast<size_t>(bulk_len_) + 2;
    if (len - pos_ < need) return Status::kNeedMore;
    arg_spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += need;
    scan_pos_ = pos_;
    bulk_len_ = -1;
    --multibulk_len_;
  }

  args->reserve(arg_spans_.size());
  for (const auto& [offset, length] : arg_spans_) args->emplace_back(data + offset, length);
  *consumed = pos_;
  Finish();
  return Status::kComplete;
}

}  // namespace spindle::protocol
