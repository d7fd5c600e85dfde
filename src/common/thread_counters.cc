// Copy-on-write snapshots with a grace period (see thread_counters.h).

#include "common/thread_counters.h"

#include <thread>

namespace spindle::memory {

bool ThreadCounterRegistry::Register(const uint64_t* allocated, const uint64_t* deallocated) {
  std::lock_guard<std::mutex> lock(mu_);
  const Snapshot* cur = current_.load(std::memory_order_relaxed);
  if (cur->count == kCapacity) return false;
  for (size_t i = 0; i < cur->count; ++i) {
    if (cur->slots[i].allocated == allocated) return false;
  }
  Snapshot* next = Spare();
  *next = *cur;
  next->slots[next->count++] = Slot{allocated, deallocated};
  PublishAndWait(next);
  return true;
}

bool ThreadCounterRegistry::Retire(const uint64_t* allocated) {
  std::lock_guard<std::mutex> lock(mu_);
  const Snapshot* cur = current_.load(std::memory_order_relaxed);
  size_t at = cur->count;
  for (size_t i = 0; i < cur->count; ++i) {
    if (cur->slots[i].allocated == allocated) at = i;
  }
  if (at == cur->count) return false;
  Snapshot* next = Spare();
  *next = *cur;
  // The caller owns the counters and allocates nothing from here on, so
  // the net is final.
  const Slot gone = next->slots[at];
  next->retired += static_cast<int64_t>(__atomic_load_n(gone.allocated, __ATOMIC_ACQUIRE) -
                                        __atomic_load_n(gone.deallocated, __ATOMIC_ACQUIRE));
  next->slots[at] = next->slots[next->count - 1];
  next->slots[--next->count] = Slot{};
  PublishAndWait(next);
  return true;
}

void ThreadCounterRegistry::PublishAndWait(Snapshot* next) {
  // seq_cst on both sides (here and in Sum) orders the publication against
  // a reader's announcement: a read announced before this store may hold
  // the old snapshot and is waited for; one announced after loads `next`.
  current_.store(next, std::memory_order_seq_cst);
  while (readers_.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
}

int64_t ThreadCounterRegistry::Sum() const {
  readers_.fetch_add(1, std::memory_order_seq_cst);
  const Snapshot* s = current_.load(std::memory_order_seq_cst);
  int64_t sum = s->retired;
  for (size_t i = 0; i < s->count; ++i) {
    // Deallocated first: a free happens after its malloc, so a malloc/free
    // pair racing with this read can only be counted as still live.
    const uint64_t freed = __atomic_load_n(s->slots[i].deallocated, __ATOMIC_ACQUIRE);
    const uint64_t allocated = __atomic_load_n(s->slots[i].allocated, __ATOMIC_ACQUIRE);
    sum += static_cast<int64_t>(allocated - freed);
  }
  readers_.fetch_sub(1, std::memory_order_release);
  return sum;
}

size_t ThreadCounterRegistry::registered() const {
  readers_.fetch_add(1, std::memory_order_seq_cst);
  const size_t n = current_.load(std::memory_order_seq_cst)->count;
  readers_.fetch_sub(1, std::memory_order_release);
  return n;
}

}  // namespace spindle::memory
