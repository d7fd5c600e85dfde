// Memory accounting backends (see memory.h). SPINDLE_USE_JEMALLOC is set by
// CMake when the binary links jemalloc; sanitizer builds never do.

#include "common/memory.h"

#include <unistd.h>

#include <cstdio>
#include <type_traits>

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

#include "common/thread_counters.h"
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
// is never torn on the platforms we build for). The registry reads them
// without a lock and keeps an exited thread's net (thread_counters.h).
constinit ThreadCounterRegistry registry;
// Threads exit after static destruction may have run: nothing to destroy.
static_assert(std::is_trivially_destructible_v<ThreadCounterRegistry>);

// Retires the thread's counters when it exits, keeping its net count.
struct ThreadExit {
  const uint64_t* allocated = nullptr;
  ~ThreadExit() {
    if (allocated != nullptr) registry.Retire(allocated);
  }
};
thread_local ThreadExit tls_exit;

// The thread that loads the program (main) is tracked from the start.
const bool kMainTracked = (TrackCurrentThread(), true);

}  // namespace

void TrackCurrentThread() {
  if (tls_exit.allocated != nullptr) return;
  uint64_t* allocated = nullptr;
  uint64_t* deallocated = nullptr;
  size_t len = sizeof(allocated);
  if (mallctl("thread.allocatedp", &allocated, &len, nullptr, 0) != 0) return;
  len = sizeof(deallocated);
  if (mallctl("thread.deallocatedp", &deallocated, &len, nullptr, 0) != 0) return;
  if (registry.Register(allocated, deallocated)) tls_exit.allocated = allocated;
}

uint64_t UsedMemory() {
  (void)kMainTracked;
  const int64_t sum = registry.Sum();
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
