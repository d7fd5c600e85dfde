#pragma once
// ChunkedBuffer: an append-only byte queue made of chunks, drained from the
// front. It is the reply buffer of a client: handlers append replies, the
// network layer writes the chunks out with writev (see Iov) and Consume()s
// what the kernel took. Appending never moves bytes already queued, so a
// large reply costs one copy, not a reallocation cascade.
//
// Two kinds of chunk sit in one queue, in append order:
//  - owned chunks (kChunkSize, or a big payload's own size) that Append
//    copies into;
//  - shared chunks (AppendShared): an immutable, reference-counted block
//    queued by reference, never copied. PUBLISH builds a message once and queues the same
//    block on every subscriber; each buffer drops its reference when the
//    block is consumed (or the buffer cleared), and the last one frees it.
// writev sees no difference between them. size() and allocated() count a
// shared block in full in every buffer holding it: that is what the client
// would hold with its own copy, and what output-buffer limits must see.
//
// Memory: an empty buffer holds no chunk at all, so an idle client costs only
// the object itself. Thread: owned by one thread at a time (the main thread,
// or an I/O thread while it writes for that client). A shared block's
// reference count is atomic (std::shared_ptr), so buffers on different
// threads may hold and release the same block.

#include <sys/uio.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spindle {

// An immutable block several buffers may queue at once.
using SharedBytes = std::shared_ptr<const std::string>;

class ChunkedBuffer {
 public:
  static constexpr size_t kChunkSize = 16 * 1024;
  // An owned chunk opened right after a shared one, or for a small copied
  // block, starts this small (unless the payload is bigger): interleaved
  // small replies between large shared messages must not pin 16 KiB each.
  static constexpr size_t kChunkAfterShared = 1024;
  // The first chunk of an empty buffer, for a small payload: most replies
  // are a few bytes, and a block this size comes from glibc's per-thread
  // cache (tcache serves requests up to 1032 bytes) in a few dozen
  // instructions, where a 16 KiB block goes through the bins on malloc and
  // free (callgrind: 15% of the instructions of a GET at pipeline 1).
  static constexpr size_t kFirstChunk = 1000;

  ChunkedBuffer() = default;
  ChunkedBuffer(const ChunkedBuffer&) = delete;
  ChunkedBuffer& operator=(const ChunkedBuffer&) = delete;
  ChunkedBuffer(ChunkedBuffer&&) = default;
  ChunkedBuffer& operator=(ChunkedBuffer&&) = default;

  void Append(const char* data, size_t len) {
    while (len > 0) {
      if (chunks_.size() == first_ || chunks_.back().used == chunks_.back().cap) {
        if (allocated_ >= grow_limit_) [[unlikely]] {
          truncated_ = true;
          return;
        }
        // A big payload gets one chunk of its own size (bounded below by the
        // standard size) so it is copied once and written with one iovec.
        size_t cap = kChunkSize;
        if (len > kChunkSize) {
          cap = len;
        } else if (chunks_.size() == first_ && len <= kFirstChunk) {
          cap = kFirstChunk;
        } else if (chunks_.size() > first_ && chunks_.back().shared) {
          cap = len > kChunkAfterShared ? len : kChunkAfterShared;
        }
        AddChunk(cap);
      }
      Chunk& c = chunks_.back();
      size_t n = c.cap - c.used;
      if (n > len) n = len;
      std::memcpy(c.owned.get() + c.used, data, n);
      c.used += n;
      data += n;
      len -= n;
      size_ += n;
    }
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void Append(char ch) { Append(&ch, 1); }

  // A block smaller than copy_below is copied, unless the last chunk is a
  // shared one (then it is shared too: copying would open a chunk for a few
  // bytes between two shared blocks). Into an empty buffer it is copied into
  // a kChunkAfterShared-sized chunk, not 16 KiB, as it may be all this write
  // sends. A larger block is queued by reference. Measured with
  // bench/micro/fanout_bench.cc: below a few hundred bytes a memcpy beats a
  // shared chunk's reference count, entry and iovec.
  void AppendSharedOrCopy(const SharedBytes& block, size_t copy_below) {
    if (!block) return;
    size_t len = block->size();
    if (len >= copy_below || (chunks_.size() > first_ && chunks_.back().shared)) {
      AppendShared(block);
      return;
    }
    if (chunks_.size() == first_) AddChunk(len > kChunkAfterShared ? len : kChunkAfterShared);
    Append(block->data(), len);
  }

  // Queues block by reference after everything appended so far. An empty
  // or null block queues nothing.
  void AppendShared(SharedBytes block) {
    if (!block || block->empty()) return;
    if (allocated_ >= grow_limit_) [[unlikely]] {
      truncated_ = true;
      return;
    }
    size_t len = block->size();
    Chunk c;
    c.cap = c.used = len;
    c.shared = std::move(block);
    allocated_ += len;
    size_ += len;
    chunks_.push_back(std::move(c));
  }

  // A bound on growth (Redis stops adding to a client's output once the
  // client is over its output-buffer hard limit): once allocated() has
  // reached limit, appends that need a new chunk are dropped and the buffer
  // is marked truncated. The chunk that crosses the limit is still added,
  // so allocated() >= limit afterwards and the owner's limit check, which
  // runs after the command, sees it over. A truncated buffer holds a cut
  // reply and must never be written out: its owner closes it. Checked only
  // where a chunk is opened, never on the per-byte path. SIZE_MAX: none.
  void set_grow_limit(size_t limit) { grow_limit_ = limit; }
  size_t grow_limit() const { return grow_limit_; }
  bool truncated() const { return truncated_; }

  // Bytes queued and not yet consumed.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes of memory held by chunks, shared blocks in full (for output-buffer
  // accounting).
  size_t allocated() const { return allocated_; }

  // Fills up to max_iov iovecs with the queued bytes, front first. Returns
  // the number filled.
  int Iov(struct iovec* iov, int max_iov) const {
    int n = 0;
    for (size_t i = first_; i < chunks_.size() && n < max_iov; ++i) {
      const Chunk& c = chunks_[i];
      size_t start = (i == first_) ? front_offset_ : 0;
      if (c.used == start) continue;
      iov[n].iov_base = const_cast<char*>(c.data() + start);
      iov[n].iov_len = c.used - start;
      ++n;
    }
    return n;
  }

  // Drops n bytes from the front (n <= size()). Drained chunks are freed
  // (a shared block loses this buffer's reference).
  void Consume(size_t n) {
    size_ -= n;
    while (n > 0) {
      Chunk& c = chunks_[first_];
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
    // A long queue (a slow subscriber's messages) gives its entry array back.
    if (chunks_.capacity() > 64) {
      std::vector<Chunk>().swap(chunks_);
    } else {
      chunks_.clear();
    }
    first_ = 0;
    front_offset_ = 0;
    size_ = 0;
    allocated_ = 0;
    truncated_ = false;
  }

  // Copies everything queued into a string (tests and small tools).
  std::string ToString() const {
    std::string s;
    s.reserve(size_);
    for (size_t i = first_; i < chunks_.size(); ++i) {
      size_t start = (i == first_) ? front_offset_ : 0;
      s.append(chunks_[i].data() + start, chunks_[i].used - start);
    }
    return s;
  }

 private:
  // Small first chunks are recycled through a per-thread free list: a
  // server builds the replies of a whole batch of clients before it writes
  // (and frees) any of them, which overflows glibc's tcache (7 blocks per
  // size) and sends every malloc and free of a 1000-byte block through the
  // bins. A chunk freed on another thread (an I/O thread draining the
  // buffer) goes to that thread's list. At most kSmallCacheMax blocks are
  // kept per thread.
  static constexpr size_t kSmallCacheMax = 512;
  struct SmallCache {
    std::vector<char*> free;
    ~SmallCache() {
      for (char* p : free) delete[] p;
    }
  };
  static SmallCache& Cache() {
    thread_local SmallCache cache;
    return cache;
  }
  struct ChunkDelete {
    constexpr ChunkDelete() noexcept : small(false) {}
    explicit constexpr ChunkDelete(bool s) noexcept : small(s) {}
    bool small;  // kFirstChunk bytes, from / back to the cache
    void operator()(char* p) const {
      if (!small) {
        delete[] p;
        return;
      }
      std::vector<char*>& free = Cache().free;
      if (free.size() < kSmallCacheMax) {
        free.push_back(p);
      } else {
        delete[] p;
      }
    }
  };
  struct Chunk {
    std::unique_ptr<char[], ChunkDelete> owned;  // null for a shared chunk
    SharedBytes shared;             // null for an owned chunk
    size_t cap = 0;
    size_t used = 0;
    const char* data() const { return shared ? shared->data() : owned.get(); }
  };
  void AddChunk(size_t cap) {
    Chunk c;
    if (cap == kFirstChunk) {
      std::vector<char*>& free = Cache().free;
      char* p;
      if (free.empty()) {
        p = new char[kFirstChunk];
      } else {
        p = free.back();
        free.pop_back();
      }
      c.owned = std::unique_ptr<char[], ChunkDelete>(p, ChunkDelete(true));
    } else {
      c.owned = std::unique_ptr<char[], ChunkDelete>(new char[cap], ChunkDelete(false));
    }
    c.cap = cap;
    allocated_ += cap;
    chunks_.push_back(std::move(c));
  }
  // Frees the front chunk. The vector is compacted only once the drained
  // prefix is at least half of it, so popping stays O(1) amortized however
  // many chunks (shared messages) are queued.
  void PopFront() {
    Chunk& c = chunks_[first_];
    allocated_ -= c.cap;
    c.owned.reset();
    c.shared.reset();
    ++first_;
    front_offset_ = 0;
    if (first_ == chunks_.size()) {
      chunks_.clear();
      first_ = 0;
    } else if (first_ >= 16 && first_ * 2 >= chunks_.size()) {
      chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(first_));
      first_ = 0;
    }
  }

  std::vector<Chunk> chunks_;
  size_t first_ = 0;  // chunks_[0 .. first_) are drained and empty
  size_t front_offset_ = 0;
  size_t size_ = 0;
  size_t allocated_ = 0;
  size_t grow_limit_ = static_cast<size_t>(-1);
  bool truncated_ = false;
};

}  // namespace spindle
