#pragma once
// HashTable: an intrusive chained hash table keyed by strings, with
// incremental rehashing and a reverse-binary SCAN cursor (the design of
// Redis's dict, written for Spindle).
//
// Intrusive: the table stores the caller's nodes and links them through the
// node's own `next` pointer, so a node is one allocation holding its key and
// payload; a node never moves in memory, so pointers to it stay valid until
// it is unlinked. Traits says how to reach a node's key and link, and how to
// destroy it:
//
//   struct Traits {
//     static std::string_view Key(const Node* n);
//     static Node*& Next(Node* n);
//     static Node* Next(const Node* n);
//     static void Destroy(Node* n);
//   };
//
// Resizing never costs one operation O(n): a resize allocates the new bucket
// array (zeroed lazily by the kernel when large) and then every Find, Insert
// and Unlink moves one bucket (visiting at most kEmptyVisits empty ones) from
// the old array to the new, and RehashStep lets the cron move more. Growing
// happens on insert when the table is full (load factor 1, as Redis); shrinking
// is asked for by ResizeIfNeeded when under 10% full (Redis's HASHTABLE_MIN_FILL).
//
// Thread: not thread-safe; the owner serializes access (the main thread).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace spindle::storage {

// The table's hash function: a seeded 64-bit multiply-mix hash. The seed is
// random per process (hash flooding), so iteration order is not stable across
// runs.
uint64_t HashKey(std::string_view key);

// Bucket arrays: large ones come straight from mmap (zero pages, no memset,
// no O(n) pause), small ones from calloc.
void** AllocBuckets(size_t n);
void FreeBuckets(void** buckets, size_t n);
// Gives back to the kernel the whole pages of buckets [from, to) of an array
// of n buckets, all null by now (a mapped array being rehashed away). Freeing
// a big array at the end of a rehash would otherwise be one O(n) munmap.
void ReleaseBuckets(void** buckets, size_t n, size_t from, size_t to);
// The granularity of ReleaseBuckets, in buckets.
inline constexpr size_t kReleaseChunk = 16384;  // 128 KiB

// Reverses the bits of a 64-bit word (the SCAN cursor increments in reverse
// binary order).
inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

template <typename Node, typename Traits>
class HashTable {
 public:
  static constexpr size_t kInitialSize = 4;
  static constexpr int kEmptyVisits = 10;  // per bucket of rehash work
  static constexpr size_t kMinFillPercent = 10;

  HashTable() = default;
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;
  HashTable(HashTable&& other) noexcept { Steal(other); }
  HashTable& operator=(HashTable&& other) noexcept {
    if (this != &other) {
      Clear();
      Steal(other);
    }
    return *this;
  }
  ~HashTable() { Clear(); }

  size_t size() const { return t_[0].used + t_[1].used; }
  bool rehashing() const { return rehash_idx_ >= 0; }
  // Total buckets in both arrays (tests, INFO).
  size_t buckets() const { return t_[0].size + t_[1].size; }

  // The node with this key, or nullptr. Does one bucket of rehash work.
  Node* Find(std::string_view key, uint64_t hash) {
    if (rehashing()) Rehash(1);
    return FindNoStep(key, hash);
  }
  Node* FindNoStep(std::string_view key, uint64_t hash) const {
    for (int t = 0; t < 2; ++t) {
      const Array& a = t_[t];
      if (a.size == 0) continue;
      for (Node* n = static_cast<Node*>(a.b[hash & (a.size - 1)]); n != nullptr;
           n = Traits::Next(n)) {
        if (Traits::Key(n) == key) return n;
      }
      if (!rehashing()) break;
    }
    return nullptr;
  }

  // Links a node whose key is not in the table. Grows when full.
  void Insert(Node* node, uint64_t hash) {
    if (rehashing()) Rehash(1);
    if (!rehashing()) {
      if (t_[0].size == 0) {
        StartResize(kInitialSize);
      } else if (t_[0].used >= t_[0].size) {
        StartResize(t_[0].used + 1);
      }
    }
    Array& a = rehashing() ? t_[1] : t_[0];
    void*& head = a.b[hash & (a.size - 1)];
    Traits::Next(node) = static_cast<Node*>(head);
    head = node;
    ++a.used;
  }

  // Unlinks the node with this key and returns it (the caller destroys it),
  // or nullptr.
  Node* Unlink(std::string_view key, uint64_t hash) {
    if (rehashing()) Rehash(1);
    for (int t = 0; t < 2; ++t) {
      Array& a = t_[t];
      if (a.size == 0) continue;
      Node** link = reinterpret_cast<Node**>(&a.b[hash & (a.size - 1)]);
      for (Node* n = *link; n != nullptr; link = &Traits::Next(n), n = *link) {
        if (Traits::Key(n) == key) {
          *link = Traits::Next(n);
          --a.used;
          return n;
        }
      }
      if (!rehashing()) break;
    }
    return nullptr;
  }

  // Sizes an empty table for n nodes at once (RDB loading's RESIZEDB hint,
  // as Redis's dictExpand), so the inserts that follow never resize. No-op
  // unless the table is empty, idle and smaller than that.
  void Reserve(size_t n) {
    if (n == 0 || size() != 0 || rehashing() || n <= t_[0].size) return;
    StartResize(n);
    Rehash(1);  // nothing to move: the new array simply takes over
  }

  // Starts a shrink when under kMinFillPercent full (or a pending grow); no
  // work is done here beyond allocating the new bucket array.
  void ResizeIfNeeded() {
    if (rehashing()) return;
    size_t size = t_[0].size;
    size_t used = t_[0].used;
    if (size > kInitialSize && used * 100 / size < kMinFillPercent) {
      StartResize(used < kInitialSize ? kInitialSize : used);
    } else if (size > 0 && used > size) {
      StartResize(used + 1);
    }
  }

  // Moves up to n buckets (visiting at most n * kEmptyVisits empty ones).
  // Returns true while a rehash is still in progress.
  bool Rehash(int n) {
    if (!rehashing()) return false;
    size_t empty_visits = static_cast<size_t>(n) * kEmptyVisits;
    Array& from = t_[0];
    Array& to = t_[1];
    while (n-- > 0 && from.used != 0) {
      while (from.b[rehash_idx_] == nullptr) {
        ++rehash_idx_;
        if (--empty_visits == 0) {
          ReleaseRehashed();
          return true;
        }
      }
      Node* n0 = static_cast<Node*>(from.b[rehash_idx_]);
      while (n0 != nullptr) {
        Node* next = Traits::Next(n0);
        void*& head = to.b[HashKey(Traits::Key(n0)) & (to.size - 1)];
        Traits::Next(n0) = static_cast<Node*>(head);
        head = n0;
        --from.used;
        ++to.used;
        n0 = next;
      }
      from.b[rehash_idx_] = nullptr;
      ++rehash_idx_;
    }
    ReleaseRehashed();
    if (from.used != 0) return true;
    FreeBuckets(from.b, from.size);
    t_[0] = t_[1];
    t_[1] = Array();
    rehash_idx_ = -1;
    return false;
  }

  // One SCAN step (Redis's dictScan): visits every node of the bucket(s) the
  // cursor names and returns the next cursor, 0 when done. A node present
  // from the first call to the last is visited at least once whatever resizes
  // happen between calls, because the cursor counts in reverse binary: the
  // buckets already visited in a table of one size are exactly the expansions
  // (or contractions) of those visited at another size.
  template <typename Fn>
  uint64_t Scan(uint64_t v, Fn&& fn) const {
    if (size() == 0) return 0;
    if (!rehashing()) {
      const Array& a = t_[0];
      const uint64_t m = a.size - 1;
      VisitBucket(a.b[v & m], fn);
      v |= ~m;
      v = ReverseBits(ReverseBits(v) + 1);
      return v;
    }
    const Array* small = &t_[0];
    const Array* large = &t_[1];
    if (small->size > large->size) std::swap(small, large);
    const uint64_t m0 = small->size - 1;
    const uint64_t m1 = large->size - 1;
    VisitBucket(small->b[v & m0], fn);
    // Then every bucket of the larger table that the small bucket expands to.
    do {
      VisitBucket(large->b[v & m1], fn);
      v |= ~m1;
      v = ReverseBits(ReverseBits(v) + 1);
    } while (v & (m0 ^ m1));
    return v;
  }

  // Visits every node. fn must not modify the table.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (int t = 0; t < 2; ++t) {
      for (size_t i = 0; i < t_[t].size; ++i) VisitBucket(t_[t].b[i], fn);
    }
  }

  // Visits nodes in table order until fn returns false (sampling the first
  // few: MEMORY USAGE). fn must not modify the table.
  template <typename Fn>
  void ForEachWhile(Fn&& fn) const {
    for (int t = 0; t < 2; ++t) {
      for (size_t i = 0; i < t_[t].size; ++i) {
        for (const Node* n = static_cast<const Node*>(t_[t].b[i]); n != nullptr;
             n = Traits::Next(n)) {
          if (!fn(n)) return;
        }
      }
    }
  }

  // A random node (Redis's dictGetRandomKey: a random non-empty bucket, then
  // a random node of its chain), nullptr when empty. rnd() returns uniform
  // 64-bit values.
  template <typename Rnd>
  Node* Random(Rnd&& rnd) {
    if (size() == 0) return nullptr;
    if (rehashing()) Rehash(1);
    void* head = nullptr;
    if (rehashing()) {
      // Buckets below rehash_idx_ of the old array are empty: skip them.
      const size_t lo = static_cast<size_t>(rehash_idx_);
      const size_t span = t_[0].size + t_[1].size - lo;
      while (head == nullptr) {
        size_t h = lo + rnd() % span;
        head = h >= t_[0].size ? t_[1].b[h - t_[0].size] : t_[0].b[h];
      }
    } else {
      const uint64_t m = t_[0].size - 1;
      while (head == nullptr) head = t_[0].b[rnd() & m];
    }
    size_t len = 0;
    for (Node* n = static_cast<Node*>(head); n != nullptr; n = Traits::Next(n)) ++len;
    Node* n = static_cast<Node*>(head);
    for (size_t skip = rnd() % len; skip > 0; --skip) n = Traits::Next(n);
    return n;
  }

  // Buckets allocated, both arrays during a rehash (Redis's dictSlots).
  size_t slots() const { return t_[0].size + t_[1].size; }

  // Destroys every node and frees the bucket arrays.
  void Clear() {
    for (int t = 0; t < 2; ++t) {
      Array& a = t_[t];
      for (size_t i = 0; i < a.size && a.used > 0; ++i) {
        Node* n = static_cast<Node*>(a.b[i]);
        while (n != nullptr) {
          Node* next = Traits::Next(n);
          Traits::Destroy(n);
          --a.used;
          n = next;
        }
      }
      if (a.b != nullptr) FreeBuckets(a.b, a.size);
      a = Array();
    }
    rehash_idx_ = -1;
  }

  void Swap(HashTable& other) {
    std::swap(t_[0], other.t_[0]);
    std::swap(t_[1], other.t_[1]);
    std::swap(rehash_idx_, other.rehash_idx_);
    std::swap(released_, other.released_);
  }

 private:
  struct Array {
    void** b = nullptr;
    size_t size = 0;  // a power of two, or 0
    size_t used = 0;
  };

  template <typename Fn>
  static void VisitBucket(void* head, Fn& fn) {
    for (Node* n = static_cast<Node*>(head); n != nullptr;) {
      Node* next = Traits::Next(n);
      fn(n);
      n = next;
    }
  }

  // Allocates the array for at least `want` buckets: into t_[0] when the
  // table is empty, else into t_[1] with the rehash starting at bucket 0.
  void StartResize(size_t want) {
    size_t size = kInitialSize;
    while (size < want) size <<= 1;
    if (size == t_[0].size) return;
    Array a;
    a.b = AllocBuckets(size);
    a.size = size;
    if (t_[0].b == nullptr) {
      t_[0] = a;
      return;
    }
    t_[1] = a;
    rehash_idx_ = 0;
    released_ = 0;
  }

  // Releases the pages of the old array the rehash has moved past, a chunk
  // at a time, so its final free is cheap.
  void ReleaseRehashed() {
    const size_t done = static_cast<size_t>(rehash_idx_) & ~(kReleaseChunk - 1);
    if (done > released_) {
      ReleaseBuckets(t_[0].b, t_[0].size, released_, done);
      released_ = done;
    }
  }

  void Steal(HashTable& other) {
    t_[0] = other.t_[0];
    t_[1] = other.t_[1];
    rehash_idx_ = other.rehash_idx_;
    released_ = other.released_;
    other.t_[0] = Array();
    other.t_[1] = Array();
    other.rehash_idx_ = -1;
  }

  Array t_[2];
  int64_t rehash_idx_ = -1;
  size_t released_ = 0;  // buckets of t_[0] below this have been released
};

}  // namespace spindle::storage
