#include "storage/hashtable.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

namespace spindle::storage {
namespace {

// Above this, bucket arrays are mapped directly. calloc would do the same for
// a fresh large block, but glibc raises its mmap threshold after a large free
// and then serves the next array from the heap with a memset over all of it:
// an O(n) pause at exactly the moment (a resize) that must not have one.
constexpr size_t kMmapBytes = 256 * 1024;

uint64_t MakeSeed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ 0x9e3779b97f4a7c15ULL;
}

const uint64_t kSeed = MakeSeed();

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

// Multiply-mix over 16-byte blocks: each block is folded with a 64x64->128
// multiply of its two halves (xored with distinct constants and the running
// state), which spreads every input bit over the whole word. Short keys,
// the common case, cost one or two multiplies.
uint64_t HashKey(std::string_view key) {
  constexpr uint64_t kC1 = 0xa0761d6478bd642fULL;
  constexpr uint64_t kC2 = 0xe7037ed1a0b428dbULL;
  constexpr uint64_t kC3 = 0x8ebc6af09c88c6e3ULL;
  const char* p = key.data();
  size_t len = key.size();
  uint64_t h = kSeed ^ Mix(len ^ kC1, kC2);
  while (len >= 16) {
    h = Mix(Load64(p) ^ kC1 ^ h, Load64(p + 8) ^ kC2);
    p += 16;
    len -= 16;
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (len >= 8) {
    a = Load64(p);
    b = Load64(p + len - 8);  // overlaps a when len < 16: fine for hashing
  } else if (len >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + len - 4, 4);
    a = lo;
    b = hi;
  } else if (len > 0) {
    a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[len >> 1])) << 8) |
        static_cast<uint8_t>(p[len - 1]);
  }
  h = Mix(a ^ kC1 ^ h, b ^ kC3);
  return Mix(h ^ kC2, kC3 ^ key.size());
}

void** AllocBuckets(size_t n) {
  size_t bytes = n * sizeof(void*);
  if (bytes >= kMmapBytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return static_cast<void**>(p);
  }
  void* p = std::calloc(n, sizeof(void*));
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<void**>(p);
}

void FreeBuckets(void** buckets, size_t n) {
  if (buckets == nullptr) return;
  size_t bytes = n * sizeof(void*);
  if (bytes >= kMmapBytes) {
    munmap(buckets, bytes);
  } else {
    std::free(buckets);
  }
}

void ReleaseBuckets(void** buckets, size_t n, size_t from, size_t to) {
  if (n * sizeof(void*) < kMmapBytes || to <= from) return;
  // The array is page aligned (mmap) and a chunk is a whole number of pages.
  static_assert(kReleaseChunk * sizeof(void*) % 4096 == 0);
  madvise(buckets + from, (to - from) * sizeof(void*), MADV_DONTNEED);
}

}  // namespace spindle::storage
