// Buffer. Storage is allocated on first use and grows geometrically; the
// front gap left by Consume is reclaimed (memmove) only when an append would
// not fit otherwise, so a pipeline of many small commands does not pay a copy
// per command.

#include "net/buffer.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>

namespace spindle::net {
namespace {

constexpr size_t kMinCapacity = 1024;
constexpr size_t kStackExtra = 64 * 1024;

}  // namespace

void Buffer::Append(const char* data, size_t len) {
  if (len == 0) return;
  EnsureWritable(len);
  memcpy(buf_.get() + write_, data, len);
  write_ += len;
}

void Buffer::Consume(size_t n) {
  if (n >= size()) {
    // Empty: start over at the front for free.
    read_ = write_ = 0;
  } else {
    read_ += n;
  }
}

void Buffer::Reserve(size_t n) { EnsureWritable(n); }
void Buffer::ReserveExact(size_t n) { EnsureWritable(n, true); }

void Buffer::Release() {
  if (!empty()) return;
  buf_.reset();
  cap_ = read_ = write_ = 0;
}

void Buffer::EnsureWritable(size_t n, bool exact) {
  if (cap_ - write_ >= n) return;
  size_t used = size();
  if (cap_ - used >= n && buf_) {
    // Enough room once the consumed front is reclaimed.
    memmove(buf_.get(), buf_.get() + read_, used);
    read_ = 0;
    write_ = used;
    return;
  }
  size_t new_cap = exact ? std::max(used + n, kMinCapacity)
                         : std::max({cap_ * 2, used + n, kMinCapacity});
  std::unique_ptr<char[]> nb(new char[new_cap]);
  if (used > 0) memcpy(nb.get(), buf_.get() + read_, used);
  buf_ = std::move(nb);
  cap_ = new_cap;
  read_ = 0;
  write_ = used;
}

ssize_t Buffer::ReadFd(int fd, int* saved_errno, size_t max_bytes) {
  if (max_bytes == 0) return 0;
  char extra[kStackExtra];
  struct iovec iov[2];
  int iovcnt = 0;
  size_t writable = std::min(cap_ - write_, max_bytes);
  if (writable > 0) {
    iov[iovcnt].iov_base = buf_.get() + write_;
    iov[iovcnt].iov_len = writable;
    ++iovcnt;
  }
  size_t extra_len = std::min(kStackExtra, max_bytes - writable);
  if (extra_len > 0) {
    iov[iovcnt].iov_base = extra;
    iov[iovcnt].iov_len = extra_len;
    ++iovcnt;
  }
  ssize_t n;
  do {
    // The buffer alone can take the whole read (a lent 16 KiB buffer, the
    // usual case): read(2), no iovec array for the kernel to copy in.
    n = iovcnt == 1 && extra_len == 0 ? read(fd, iov[0].iov_base, iov[0].iov_len)
                                      : readv(fd, iov, iovcnt);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    *saved_errno = errno;
    return -1;
  }
  size_t got = static_cast<size_t>(n);
  if (got <= writable) {
    write_ += got;
  } else {
    write_ += writable;
    Append(extra, got - writable);
  }
  return n;
}

}  // namespace spindle::net
