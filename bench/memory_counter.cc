// memory_counter: what one read of used memory costs with each counter
// jemalloc offers (docs/MEMORY.md), to choose the one checked before every
// command: memory::UsedMemory() (per-thread counters summed), an epoch
// refresh + stats.allocated, stats.allocated alone (stale), glibc-free.
//
// Build and run:
//   g++ -std=c++20 -O2 -Isrc -DSPINDLE_USE_JEMALLOC=1 bench/memory_counter.cc \
//       src/common/memory.cc src/common/thread_counters.cc -ljemalloc -lpthread \
//       -o /tmp/memory_counter
//   /tmp/memory_counter

#include <jemalloc/jemalloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "common/memory.h"

namespace {

template <typename Fn>
double NsPerCall(int n, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  uint64_t sink = 0;
  for (int i = 0; i < n; ++i) sink += fn();
  const auto end = std::chrono::steady_clock::now();
  if (sink == 42) std::puts("");  // keep the calls
  return std::chrono::duration<double, std::nano>(end - start).count() / n;
}

}  // namespace

int main() {
  std::vector<void*> blocks;
  for (int i = 0; i < 100000; ++i) blocks.push_back(std::malloc(100));
  // A second tracked thread, as the server has several.
  std::thread other([] {
    spindle::memory::TrackCurrentThread();
    std::this_thread::sleep_for(std::chrono::seconds(5));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::printf("per-thread counters summed: %.1f ns\n",
              NsPerCall(2000000, [] { return spindle::memory::UsedMemory(); }));
  std::printf("epoch + stats.allocated:    %.1f ns\n", NsPerCall(200000, [] {
                uint64_t epoch = 1;
                size_t len = sizeof(epoch);
                mallctl("epoch", &epoch, &len, &epoch, len);
                size_t v = 0;
                len = sizeof(v);
                mallctl("stats.allocated", &v, &len, nullptr, 0);
                return static_cast<uint64_t>(v);
              }));
  std::printf("stats.allocated (stale):    %.1f ns\n", NsPerCall(200000, [] {
                size_t v = 0;
                size_t len = sizeof(v);
                mallctl("stats.allocated", &v, &len, nullptr, 0);
                return static_cast<uint64_t>(v);
              }));
  other.join();
  for (void* p : blocks) std::free(p);
  return 0;
}
