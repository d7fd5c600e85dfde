#pragma once
// Buffer: a client's query buffer. Contiguous bytes [read, write) with free
// space after them. ReadFd reads with readv into the free space plus a 64 KiB
// stack buffer, so a small or idle client keeps a small buffer and one read
// still takes up to 64 KiB more without an ioctl to size it (muduo's design).
//
// Consumed bytes are dropped from the front; the buffer compacts (memmove)
// only when it needs room, and Release() frees the storage of an empty buffer
// so idle clients hold none.
//
// Thread: one thread at a time (main or the I/O thread serving the client).

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>

namespace spindle::net {

class Buffer {
 public:
  Buffer() = default;

  const char* data() const { return buf_.get() + read_; }
  size_t size() const { return write_ - read_; }
  bool empty() const { return read_ == write_; }
  size_t capacity() const { return cap_; }
  // Free room after the data, without compacting.
  size_t writable() const { return cap_ - write_; }

  void Append(const char* data, size_t len);
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  // Drops n bytes from the front.
  void Consume(size_t n);
  // Makes room for at least n more bytes after the data (e.g. a known bulk).
  // Growing doubles the capacity at least; ReserveExact grows to exactly
  // what the data plus n need (the last step of a bulk of known size).
  void Reserve(size_t n);
  void ReserveExact(size_t n);
  // Frees the storage if the buffer is empty.
  void Release();
  // Exchanges storage and contents with other (lending an empty buffer).
  void Swap(Buffer& other) noexcept {
    buf_.swap(other.buf_);
    std::swap(cap_, other.cap_);
    std::swap(read_, other.read_);
    std::swap(write_, other.write_);
  }

  // Reads once from fd (non-blocking). Returns bytes read, 0 on EOF, -1 on
  // error with *saved_errno set (EAGAIN included). max_bytes caps the read.
  ssize_t ReadFd(int fd, int* saved_errno, size_t max_bytes = 1 << 20);

  // For readers that are not a plain fd (TLS): room for n more bytes after
  // the data, to fill and then Commit() (n' <= n bytes).
  char* PrepareWrite(size_t n) {
    EnsureWritable(n);
    return buf_.get() + write_;
  }
  void Commit(size_t n) { write_ += n; }

 private:
  void EnsureWritable(size_t n, bool exact = false);
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t read_ = 0;
  size_t write_ = 0;
};

}  // namespace spindle::net
