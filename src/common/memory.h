#pragma once
// Memory accounting: how many bytes the process has allocated right now
// (Redis's zmalloc_used_memory), cheap enough to read before every command
// (maxmemory), plus the allocator's own statistics for INFO and MEMORY.
//
// Two backends, chosen at build time:
// - jemalloc (the normal build): each thread's cumulative allocated and
//   deallocated byte counters (jemalloc's thread.allocatedp /
//   thread.deallocatedp, usable sizes, so size classes count as Redis's
//   zmalloc counts them) summed over every thread that called
//   TrackCurrentThread(). Reading costs a few loads per tracked thread and
//   takes no lock (thread_counters.h: copy-on-write snapshots, and a thread
//   that exits waits until no read still follows its counters): nothing on
//   the allocation path, no mallctl per read. docs/MEMORY.md has the
//   measurements behind the choice.
// - sanitizer builds (ASan cannot share the process with jemalloc): the
//   sanitizer allocator's own count of live bytes
//   (__sanitizer_get_current_allocated_bytes).
//
// Thread: UsedMemory and the statistics on any thread; TrackCurrentThread on
// the thread being tracked, once, before it allocates much.

#include <cstddef>
#include <cstdint>
#include <string>

namespace spindle::memory {

// Bytes currently allocated by the tracked threads (jemalloc) or by the
// whole process (sanitizer allocator).
uint64_t UsedMemory();

// Counts the calling thread's allocations from now on (and everything it
// allocated before). A thread that frees memory another thread allocated
// must be tracked too, or the total drifts up. The main thread is tracked
// by the first UsedMemory() call; the counts of a tracked thread that exits
// are kept. No-op on the sanitizer backend.
void TrackCurrentThread();

// INFO mem_allocator: "jemalloc-5.3.0" or "libc".
const char* AllocatorName();
bool IsJemalloc();

// The allocator's view, refreshed on each call (Redis's zmalloc_get_allocator_info;
// all zero on the sanitizer backend). Costs a jemalloc epoch refresh: for
// INFO and MEMORY STATS, not the command path.
struct AllocatorStats {
  uint64_t allocated = 0;  // stats.allocated
  uint64_t active = 0;     // stats.active: pages holding allocations
  uint64_t resident = 0;   // stats.resident
};
AllocatorStats GetAllocatorStats();

// MEMORY MALLOC-STATS: jemalloc's malloc_stats_print text, or Redis's
// "Stats not supported for the current allocator".
std::string MallocStatsText();

// MEMORY PURGE: returns dirty pages of every arena to the system. True on
// success (always on the sanitizer backend, as Redis without jemalloc).
bool Purge();

// Resident set size of the process (/proc/self/statm), in bytes.
uint64_t ProcessRss();

// jemalloc's usable size for a request of n bytes (its size classes: 8, 16,
// 32, 48 ... 128, then four classes per doubling). Computed, not asked of
// the allocator, so MEMORY USAGE answers the same under every backend.
size_t MallocSize(size_t n);

}  // namespace spindle::memory
