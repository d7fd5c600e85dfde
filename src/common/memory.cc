// Memory accounting backends (see memory.h). SPINDLE_USE_JEMALLOC is set by
// CMake when the binary links jemalloc; sanitizer builds never do.

#include "common/memory.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPINDLE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SPINDLE_ASAN 1
#endif

#if defined(SPINDLE_USE_JEMALLOC)
#include <jemalloc/jemalloc.h>
#elif defined(SPINDLE_ASAN)
// From the sanitizer runtime (sanitizer/allocator_interface.h, which GCC's
// packages do not always install).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#define SPINDLE_SANITIZER_ALLOCATOR 1
#endif
#if !defined(SPINDLE_USE_JEMALLOC) && !defined(SPINDLE_SANITIZER_ALLOCATOR)
#include <malloc.h>
#endif

namespace spindle::memory {

#if defined(SPINDLE_USE_JEMALLOC)

namespace {

#define SPINDLE_STR2(x) #x
#define SPINDLE_STR(x) SPINDLE_STR2(x)
constexpr const char* kAllocatorName =
    "jemalloc-" SPINDLE_STR(JEMALLOC_VERSION_MAJOR) "." SPINDLE_STR(
        JEMALLOC_VERSION_MINOR) "." SPINDLE_STR(JEMALLOC_VERSION_BUGFIX);

// The tracked threads' counters. jemalloc keeps them in each thread's TSD and
// only that thread writes them; a reader on another thread may see a value a
// few allocations old, which is all accounting needs (an aligned 64-bit load
// is never torn on the platforms we build for).
struct Slot {
  const uint64_t* allocated;
  const uint64_t* deallocated;
};

struct Registry {
  std::mutex mu;
  std::vector<Slot> slots;
  // What exited threads allocated minus what they freed (may be negative: a
  // thread that mostly frees, like the lazy-free thread).
  int64_t retired = 0;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: threads exit late
  return *r;
}

// Removes the thread's slot when it exits, keeping its net count.
struct ThreadExit {
  Slot slot{nullptr, nullptr};
  ~ThreadExit() {
    if (slot.allocated == nullptr) return;
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    r.retired += static_cast<int64_t>(*slot.allocated - *slot.deallocated);
    for (size_t i = 0; i < r.slots.size(); ++i) {
      if (r.slots[i].allocated == slot.allocated) {
        r.slots[i] = r.slots.back();
        r.slots.pop_back();
        break;
      }
    }
  }
};
thread_local ThreadExit tls_exit;

// The thread that loads the program (main) is tracked from the start.
const bool kMainTracked = (TrackCurrentThread(), true);

}  // namespace

void TrackCurrentThread() {
  if (tls_exit.slot.allocated != nullptr) return;
  uint64_t* allocated = nullptr;
  uint64_t* deallocated = nullptr;
  size_t len = sizeof(allocated);
  if (mallctl("thread.allocatedp", &allocated, &len, nullptr, 0) != 0) return;
  len = sizeof(deallocated);
  if (mallctl("thread.deallocatedp", &deallocated, &len, nullptr, 0) != 0) return;
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.slots.reserve(64);
  r.slots.push_back(Slot{allocated, deallocated});
  tls_exit.slot = r.slots.back();
}

uint64_t UsedMemory() {
  (void)kMainTracked;
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  int64_t sum = r.retired;
  for (const Slot& s : r.slots) sum += static_cast<int64_t>(*s.allocated - *s.deallocated);
  return sum > 0 ? static_cast<uint64_t>(sum) : 0;
}

const char* AllocatorName() { return kAllocatorName; }
bool IsJemalloc() { return true; }

AllocatorStats GetAllocatorStats() {
  AllocatorStats st;
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);  // refresh the cached statistics
  size_t sz = 0;
  len = sizeof(sz);
  if (mallctl("stats.allocated", &sz, &len, nullptr, 0) == 0) st.allocated = sz;
  len = sizeof(sz);
  if (mallctl("stats.active", &sz, &len, nullptr, 0) == 0) st.active = sz;
  len = sizeof(sz);
  if (mallctl("stats.resident", &sz, &len, nullptr, 0) == 0) st.resident = sz;
  return st;
}

std::string MallocStatsText() {
  std::string out;
  malloc_stats_print(
      [](void* opaque, const char* text) { static_cast<std::string*>(opaque)->append(text); },
      &out, nullptr);
  return out;
}

bool Purge() {
  // Redis's jemalloc_purge: the calling thread's cache first, then every arena.
  mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  char name[64];
  snprintf(name, sizeof(name), "arena.%d.purge", MALLCTL_ARENAS_ALL);
  return mallctl(name, nullptr, nullptr, nullptr, 0) == 0;
}

#else  // !SPINDLE_USE_JEMALLOC

void TrackCurrentThread() {}

uint64_t UsedMemory() {
#if defined(SPINDLE_SANITIZER_ALLOCATOR)
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#endif
}

const char* AllocatorName() { return "libc"; }
bool IsJemalloc() { return false; }
AllocatorStats GetAllocatorStats() { return AllocatorStats{}; }
std::string MallocStatsText() { return "Stats not supported for the current allocator"; }
bool Purge() { return true; }

#endif

uint64_t ProcessRss() {
  FILE* f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long pages_total = 0, pages_rss = 0;
  int n = fscanf(f, "%llu %llu", &pages_total, &pages_rss);
  fclose(f);
  if (n != 2) return 0;
  return pages_rss * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

size_t MallocSize(size_t n) {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~static_cast<size_t>(15);
  // (2^k, 2^(k+1)] is cut into four classes of 2^(k-2) bytes each.
  int k = 63 - __builtin_clzll(static_cast<unsigned long long>(n - 1));
  size_t spacing = static_cast<size_t>(1) << (k - 2);
  return (n + spacing - 1) & ~(spacing - 1);
}

}  // namespace spindle::memory
