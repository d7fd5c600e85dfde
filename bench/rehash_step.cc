// rehash_step: the worst single-insert latency while one Database grows to
// N keys (default 10 million), against std::unordered_map (which rehashes
// all at once) as a contrast. Each Set is timed on its own with
// CLOCK_MONOTONIC; the report gives the maximum, the insert where it
// happened, and how many inserts passed 100 us and 1 ms.
//
// Build and run (see bench/README.md):
//   g++ -std=c++20 -O2 -Isrc bench/rehash_step.cc src/storage/*.cc \
//       src/common/clock.cc src/common/numbers.cc src/common/memory.cc -o /tmp/rehash_step
//   /tmp/rehash_step [keys] [--with-std]

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/keyspace.h"

namespace {

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// CPU time of this thread: what the insert itself cost, without the time the
// thread spent preempted on a shared machine (page faults still count).
int64_t CpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Report {
  int64_t max_ns = 0;
  long max_at = -1;
  long over_100us = 0;
  long over_1ms = 0;
  int64_t total_ns = 0;
  std::vector<std::pair<int64_t, long>> top;  // the 5 slowest (ns, insert #)

  void Add(long i, int64_t ns) {
    total_ns += ns;
    if (top.size() < 5 || ns > top.back().first) {
      top.emplace_back(ns, i);
      std::sort(top.begin(), top.end(), std::greater<>());
      if (top.size() > 5) top.pop_back();
    }
    if (ns > max_ns) {
      max_ns = ns;
      max_at = i;
    }
    if (ns > 100000) ++over_100us;
    if (ns > 1000000) ++over_1ms;
  }
  void Print(const char* name, long n) const {
    std::printf(
        "%-28s inserts=%ld  max=%.3f ms (insert #%ld)  >100us=%ld  >1ms=%ld  mean=%.0f ns\n", name,
        n, max_ns / 1e6, max_at, over_100us, over_1ms, static_cast<double>(total_ns) / n);
    std::printf("%-28s slowest:", "");
    for (auto& [ns, at] : top) std::printf(" %.3fms@#%ld", ns / 1e6, at);
    std::printf("\n");
  }
};

}  // namespace

int main(int argc, char** argv) {
  long n = 10000000;
  bool with_std = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--with-std") == 0) {
      with_std = true;
    } else {
      n = std::atol(argv[i]);
    }
  }
  char key[32];
  char val[32];
  {
    spindle::storage::Keyspace ks(1);
    spindle::storage::Database& db = ks.db(0);
    Report wall, cpu;
    for (long i = 0; i < n; ++i) {
      std::snprintf(key, sizeof(key), "key:%010ld", i);
      std::snprintf(val, sizeof(val), "val:%012ld", i);
      int64_t c0 = CpuNs();
      int64_t t0 = NowNs();
      db.Set(key, spindle::storage::Value::FromString(val));
      int64_t t1 = NowNs();
      cpu.Add(i, CpuNs() - c0);
      wall.Add(i, t1 - t0);
    }
    wall.Print("spindle Set (wall)", n);
    cpu.Print("spindle Set (thread cpu)", n);
    // Lookups while nothing rehashes, for scale.
    int64_t t0 = NowNs();
    for (long i = 0; i < n; i += 7) {
      std::snprintf(key, sizeof(key), "key:%010ld", i);
      if (db.LookupWrite(key, 0) == nullptr) std::abort();
    }
    std::printf("%-28s mean=%.0f ns\n", "spindle LookupWrite",
                static_cast<double>(NowNs() - t0) / (n / 7 + 1));
  }
  if (with_std) {
    std::unordered_map<std::string, std::string> m;
    Report wall, cpu;
    for (long i = 0; i < n; ++i) {
      std::snprintf(key, sizeof(key), "key:%010ld", i);
      std::snprintf(val, sizeof(val), "val:%012ld", i);
      int64_t c0 = CpuNs();
      int64_t t0 = NowNs();
      m.emplace(key, val);
      int64_t t1 = NowNs();
      cpu.Add(i, CpuNs() - c0);
      wall.Add(i, t1 - t0);
    }
    wall.Print("unordered_map (wall)", n);
    cpu.Print("unordered_map (thread cpu)", n);
  }
  return 0;
}
