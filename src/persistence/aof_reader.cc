// AofReader: loadSingleAppendOnlyFile's parsing, without its fgets / fread
// pitfalls (a corrupt bulk length there allocates whatever it claims before
// reading a byte).

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "persistence/aof.h"

namespace spindle::persistence {
namespace {

// A length line has at most this many digits (UINT64_MAX has 20); more is
// not an AOF Redis could have written.
constexpr int kMaxDigits = 20;

}  // namespace

AofReader::AofReader(int fd, uint64_t size, uint64_t start_offset, size_t chunk)
    : fd_(fd),
      chunk_(chunk == 0 ? 1 : chunk),
      size_(size),
      file_pos_(start_offset),
      begin_offset_(start_offset),
      valid_up_to_(start_offset),
      last_command_offset_(start_offset) {}

bool AofReader::Fill(size_t want) {
  // In steps: room for at most twice what has arrived (or a chunk) at a
  // time, so a length that the file's size allows but its bytes do not back
  // (a file shrinking under us, a lying size) costs no more memory than the
  // bytes that really came.
  for (;;) {
    const size_t have = end_ - begin_;
    if (have >= want) return true;
    const uint64_t remaining = size_ > file_pos_ ? size_ - file_pos_ : 0;
    if (want - have > remaining) return false;  // the file cannot supply it
    const size_t step = std::min(want, std::max(have * 2, chunk_));
    if (!FillTo(std::max(step, have + 1))) return false;
  }
}

bool AofReader::FillTo(size_t want) {
  if (!read_error_.empty()) return false;
  const size_t have = end_ - begin_;
  const uint64_t remaining = size_ > file_pos_ ? size_ - file_pos_ : 0;
  // The file cannot supply it: do not read (nor allocate) for nothing.
  if (want - have > remaining) return false;
  if (begin_ + want > cap_) {
    // Room from the command's start: at least a chunk (or the whole rest of
    // a smaller file), at least want, doubling when growing so a command of
    // many large arguments is copied O(log n) times, never beyond what the
    // file can still fill.
    const uint64_t most = have + remaining;
    size_t target = static_cast<size_t>(std::min<uint64_t>(chunk_, most));
    target = std::max(target, want);
    if (target > cap_) {
      target = std::max<size_t>(target, std::min<uint64_t>(cap_ * 2, most));
    } else if (cap_ <= chunk_ || target > chunk_) {
      target = cap_;  // big enough: just move the bytes to the front
    }
    if (target != cap_) {
      auto fresh = std::make_unique_for_overwrite<char[]>(target);
      if (have > 0) std::memcpy(fresh.get(), buf_.get() + begin_, have);
      buf_ = std::move(fresh);
      cap_ = target;
    } else if (have > 0) {
      std::memmove(buf_.get(), buf_.get() + begin_, have);
    }
    begin_ = 0;
    end_ = have;
  }
  while (end_ - begin_ < want) {
    const size_t room = static_cast<size_t>(
        std::min<uint64_t>(cap_ - end_, size_ > file_pos_ ? size_ - file_pos_ : 0));
    if (room == 0) return false;
    ssize_t n = pread(fd_, buf_.get() + end_, room, static_cast<off_t>(file_pos_));
    if (n < 0) {
      if (errno == EINTR) continue;
      read_error_ = std::strerror(errno);
      return false;
    }
    if (n == 0) {
      size_ = file_pos_;  // the file is shorter than we were told
      return false;
    }
    end_ += static_cast<size_t>(n);
    file_pos_ += static_cast<uint64_t>(n);
  }
  return true;
}

AofReader::Result AofReader::ReadNumberLine(size_t* at, uint64_t* value) {
  size_t p = *at + 1;
  uint64_t v = 0;
  int digits = 0;
  while (true) {
    if (!Ensure(p + 1)) return Short();
    const char c = buf_[begin_ + p];
    if (c >= '0' && c <= '9') {
      if (++digits > kMaxDigits) return Result::kBadFormat;
      const uint64_t d = static_cast<uint64_t>(c - '0');
      v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
      ++p;
      continue;
    }
    if (c != '\r' || digits == 0) return Result::kBadFormat;
    if (!Ensure(p + 2)) return Short();
    if (buf_[begin_ + p + 1] != '\n') return Result::kBadFormat;
    *at = p + 2;
    *value = v;
    return Result::kCommand;
  }
}

AofReader::Result AofReader::Next(std::vector<std::string_view>* argv) {
  argv->clear();
  if (sticky_ != Result::kCommand) return sticky_;
  while (true) {
    if (begin_ == end_) {
      // Nothing buffered: start over at the front, and give back the memory
      // a big command needed.
      begin_ = end_ = 0;
      if (cap_ > chunk_) {
        buf_.reset();
        cap_ = 0;
      }
    }
    if (!Ensure(1)) return read_error_.empty() ? Result::kEnd : Fail(Result::kReadError);
    if (buf_[begin_] != '#') break;
    // An annotation: skip through its '\n', dropping what was scanned as we
    // go, so a long one costs no memory. Missing '\n' at the end of the file
    // is a clean end (Redis's fgets returns the partial line, then EOF).
    size_t from = 1;
    while (true) {
      const char* base = buf_.get() + begin_;
      const void* nl = std::memchr(base + from, '\n', end_ - begin_ - from);
      if (nl != nullptr) {
        const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - base) + 1;
        begin_ += len;
        begin_offset_ += len;
        break;
      }
      begin_offset_ += end_ - begin_;
      begin_ = end_;
      from = 0;
      if (!Ensure(1)) return read_error_.empty() ? Result::kEnd : Fail(Result::kReadError);
    }
  }

  if (buf_[begin_] != '*') return Fail(Result::kBadFormat);
  size_t at = 0;
  uint64_t argc = 0;
  Result r = ReadNumberLine(&at, &argc);
  if (r != Result::kCommand) return Fail(r);
  if (argc < 1 || argc > INT_MAX) return Fail(Result::kBadFormat);
  spans_.clear();
  for (uint64_t i = 0; i < argc; ++i) {
    if (!Ensure(at + 1)) return Fail(Short());
    if (buf_[begin_ + at] != '$') return Fail(Result::kBadFormat);
    uint64_t len = 0;
    r = ReadNumberLine(&at, &len);
    if (r != Result::kCommand) return Fail(r);
    // Checked against what the file still holds before anything is read or
    // allocated for it: a length past the end is a truncated file.
    const uint64_t left = (end_ - begin_ - at) + (size_ > file_pos_ ? size_ - file_pos_ : 0);
    if (len > left || left - len < 2) return Fail(Result::kTruncated);
    if (!Ensure(at + static_cast<size_t>(len) + 2)) return Fail(Short());
    const char* crlf = buf_.get() + begin_ + at + len;
    if (crlf[0] != '\r' || crlf[1] != '\n') return Fail(Result::kBadFormat);
    spans_.emplace_back(at, static_cast<size_t>(len));
    at += static_cast<size_t>(len) + 2;
  }
  argv->reserve(spans_.size());
  for (const auto& [off, len] : spans_) argv->emplace_back(buf_.get() + begin_ + off, len);
  last_command_offset_ = begin_offset_;
  valid_up_to_ = begin_offset_ + at;
  begin_ += at;
  begin_offset_ += at;
  return Result::kCommand;
}

bool StartsWithRdbPreamble(std::string_view first_bytes) {
  return first_bytes.size() >= 5 && first_bytes.substr(0, 5) == "REDIS";
}

}  // namespace spindle::persistence
