#pragma once
// The registry behind memory::UsedMemory (jemalloc backend): each tracked
// thread's cumulative allocated / deallocated byte counters, which the
// thread itself writes (jemalloc's thread.allocatedp / thread.deallocatedp)
// and any thread may sum.
//
// Reads take no lock and never wait (they run before every command when
// maxmemory is set). The two hazards a lock used to cover:
// - consistency: a thread's exit moves its net count from its slot into
//   `retired`; a read must see both changes or neither, or the total jumps
//   by that thread's net (the lazy-free thread's is large and negative).
// - lifetime: the counters live in the thread's TLS, which is unmapped or
//   reused once the thread is gone; a read must never follow them after.
// Both are solved by copy-on-write snapshots: the slots and `retired` sit
// together in an immutable snapshot published through one atomic pointer,
// so each read sums one consistent state. A writer (Register, Retire; rare,
// serialised by a mutex) fills the other of two static snapshots and
// publishes it, then waits for a grace period: until no read is in
// progress. A read that started before the publication may still hold the
// old snapshot and its pointers, so Retire returns (and the thread goes on
// to free its TLS) only after every such read has finished; and the old
// snapshot is only rewritten by the next writer, after that grace period.
// No allocation happens anywhere here, so the exiting thread's counts are
// final when its net is taken.
//
// The grace period needs a moment with no read in progress. Reads are a few
// dozen loads and Spindle reads from the main thread between commands, so a
// writer waits at most one read; many threads reading back to back could
// delay it (never a read).
//
// Thread: Sum from any thread; Register / Retire from the thread that owns
// the counters (or any thread, while the counters stay valid).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace spindle::memory {

class ThreadCounterRegistry {
 public:
  // More than Spindle ever runs (main, bio, up to 128 I/O threads).
  static constexpr size_t kCapacity = 256;

  constexpr ThreadCounterRegistry() = default;
  ThreadCounterRegistry(const ThreadCounterRegistry&) = delete;
  ThreadCounterRegistry& operator=(const ThreadCounterRegistry&) = delete;

  // Starts counting a thread's counters (everything they already hold
  // included). False when the registry is full or `allocated` is already
  // registered.
  bool Register(const uint64_t* allocated, const uint64_t* deallocated);

  // Stops reading the counters registered with `allocated`, keeping their
  // net (allocated - deallocated, read now) in the total. On return no read
  // follows the pointers any more: they may be freed. False if unknown.
  bool Retire(const uint64_t* allocated);

  // The retired nets plus every registered thread's allocated - deallocated.
  // Lock-free: a few loads per registered thread and two atomic adds.
  int64_t Sum() const;

  // Registered threads (for tests and diagnostics).
  size_t registered() const;

 private:
  struct Slot {
    const uint64_t* allocated = nullptr;
    const uint64_t* deallocated = nullptr;
  };
  struct Snapshot {
    int64_t retired = 0;  // may be negative: a thread that mostly freed
    size_t count = 0;
    Slot slots[kCapacity];
  };

  // Publishes `next` (the snapshot not current) and waits until no read may
  // still hold the previous one. Called with mu_ held.
  void PublishAndWait(Snapshot* next);
  Snapshot* Spare() { return current_.load(std::memory_order_relaxed) == &a_ ? &b_ : &a_; }

  std::mutex mu_;  // writers only
  Snapshot a_;
  Snapshot b_;
  std::atomic<Snapshot*> current_{&a_};
  mutable std::atomic<uint64_t> readers_{0};  // reads in progress
};

}  // namespace spindle::memory
