#pragma once
// ChunkedBuffer: an append-only byte queue made of fixed-size chunks, drained
// from the front. It is the reply buffer of a client: handlers append replies,
// the network layer writes the chunks out with writev (see Iov) and Consume()s
// what the kernel took. Appending never moves bytes already queued, so a
// large reply costs one copy, not a reallocation cascade.
//
// Memory: an empty buffer holds no chunk at all, so an idle client costs only
// the object itself. Thread: owned by one thread at a time (the main thread,
// or an I/O thread while it writes for that client).

#include <sys/uio.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace spindle {

class ChunkedBuffer {
 public:
  static constexpr size_t kChunkSize = 16 * 1024;

  ChunkedBuffer() = default;
  ChunkedBuffer(const ChunkedBuffer&) = delete;
  ChunkedBuffer& operator=(const ChunkedBuffer&) = delete;
  ChunkedBuffer(ChunkedBuffer&&) = default;
  ChunkedBuffer& operator=(ChunkedBuffer&&) = default;

  void Append(const char* data, size_t len) {
    while (len > 0) {
      if (chunks_.empty() || chunks_.back().used == chunks_.back().cap) {
        // A big payload gets one chunk of its own size (bounded below by the
        // standard size) so it is copied once and written with one iovec.
        AddChunk(len > kChunkSize ? len : kChunkSize);
      }
      Chunk& c = chunks_.back();
      size_t n = c.cap - c.used;
      if (n > len) n = len;
      std::memcpy(c.data.get() + c.used, data, n);
      c.used += n;
      data += n;
      len -= n;
      size_ += n;
    }
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void Append(char ch) { Append(&ch, 1); }

  // Bytes queued and not yet consumed.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes of memory held by chunks (for output-buffer accounting).
  size_t allocated() const { return allocated_; }

  // Fills up to max_iov iovecs with the queued bytes, front first. Returns
  // the number filled.
  int Iov(struct iovec* iov, int max_iov) const {
    int n = 0;
    for (size_t i = 0; i < chunks_.size() && n < max_iov; ++i) {
      const Chunk& c = chunks_[i];
      size_t start = (i == 0) ? front_offset_ : 0;
      if (c.used == start) continue;
      iov[n].iov_base = c.data.get() + start;
      iov[n].iov_len = c.used - start;
      ++n;
    }
    return n;
  }

  // Drops n bytes from the front (n <= size()). Drained chunks are freed.
  void Consume(size_t n) {
    size_ -= n;
    while (n > 0) {
      Chunk& c = chunks_.front();
      size_t avail = c.used - front_offset_;
      if (n < avail) {
        front_offset_ += n;
        return;
      }
      n -= avail;
      PopFront();
    }
    if (size_ == 0) Clear();
  }

  void Clear() {
    chunks_.clear();
    front_offset_ = 0;
    size_ = 0;
    allocated_ = 0;
  }

  // Copies everything queued into a string (tests and small tools).
  std::string ToString() const {
    std::string s;
    s.reserve(size_);
    for (size_t i = 0; i < chunks_.size(); ++i) {
      size_t start = (i == 0) ? front_offset_ : 0;
      s.append(chunks_[i].data.get() + start, chunks_[i].used - start);
    }
    return s;
  }

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t cap = 0;
    size_t used = 0;
  };
  void AddChunk(size_t cap) {
    Chunk c;
    c.data.reset(new char[cap]);
    c.cap = cap;
    allocated_ += cap;
    chunks_.push_back(std::move(c));
  }
  void PopFront() {
    allocated_ -= chunks_.front().cap;
    chunks_.erase(chunks_.begin());
    front_offset_ = 0;
  }

  std::vector<Chunk> chunks_;
  size_t front_offset_ = 0;
  size_t size_ = 0;
  size_t allocated_ = 0;
};

}  // namespace spindle
