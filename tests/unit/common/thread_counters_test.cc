#include "common/thread_counters.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

// Also meant to run under ThreadSanitizer (docs/MEMORY.md has the command):
// a read that followed an exited thread's counters would be a race with
// their free, and an inconsistent snapshot would break the bounds below.

namespace spindle::memory {
namespace {

struct Counters {
  uint64_t allocated = 0;
  uint64_t deallocated = 0;
};

void Store(uint64_t* p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

TEST(ThreadCounterRegistryTest, SumsRegisteredAndKeepsRetiredNets) {
  ThreadCounterRegistry reg;
  EXPECT_EQ(reg.Sum(), 0);
  auto a = std::make_unique<Counters>();
  auto b = std::make_unique<Counters>();
  a->allocated = 1000;
  a->deallocated = 100;
  b->allocated = 50;
  b->deallocated = 550;  // frees more than it allocates (lazy free)
  ASSERT_TRUE(reg.Register(&a->allocated, &a->deallocated));
  EXPECT_FALSE(reg.Register(&a->allocated, &a->deallocated));  // twice
  ASSERT_TRUE(reg.Register(&b->allocated, &b->deallocated));
  EXPECT_EQ(reg.registered(), 2u);
  EXPECT_EQ(reg.Sum(), 900 - 500);
  a->allocated += 24;
  EXPECT_EQ(reg.Sum(), 924 - 500);
  ASSERT_TRUE(reg.Retire(&b->allocated));
  b.reset();  // the registry must not read it any more
  EXPECT_FALSE(reg.Retire(&a->deallocated));  // not a registered key
  EXPECT_EQ(reg.registered(), 1u);
  EXPECT_EQ(reg.Sum(), 924 - 500);
  ASSERT_TRUE(reg.Retire(&a->allocated));
  a.reset();
  EXPECT_EQ(reg.registered(), 0u);
  EXPECT_EQ(reg.Sum(), 424);
}

TEST(ThreadCounterRegistryTest, RefusesPastCapacity) {
  ThreadCounterRegistry reg;
  std::vector<Counters> all(ThreadCounterRegistry::kCapacity + 1);
  for (size_t i = 0; i < ThreadCounterRegistry::kCapacity; ++i) {
    all[i].allocated = 1;
    ASSERT_TRUE(reg.Register(&all[i].allocated, &all[i].deallocated));
  }
  EXPECT_FALSE(reg.Register(&all.back().allocated, &all.back().deallocated));
  EXPECT_EQ(reg.Sum(), static_cast<int64_t>(ThreadCounterRegistry::kCapacity));
  // A retired slot is free again.
  ASSERT_TRUE(reg.Retire(&all[3].allocated));
  EXPECT_TRUE(reg.Register(&all.back().allocated, &all.back().deallocated));
  EXPECT_EQ(reg.Sum(), static_cast<int64_t>(ThreadCounterRegistry::kCapacity) + 0);
}

// Threads register, churn their counters, retire and free them while another
// thread reads. Each worker's net is its fixed `base` (it bumps allocated
// then deallocated, kChurn times; a read, deallocated first, sees between
// base and base + kChurn), so at any moment the total lies between the
// bases of workers done registering (lower) and of workers that started to
// (upper, plus kChurn per live worker). A read that missed an exiting
// thread (its slot gone, its net not yet in `retired`) falls below; one that
// counted it twice goes above by its base.
TEST(ThreadCounterRegistryTest, ConcurrentRegisterRetireAndRead) {
  ThreadCounterRegistry reg;
  constexpr int kWorkers = 64;
  constexpr int kLive = 4;  // workers at a time
  constexpr int64_t kBase = 1'000'000;  // > kLive * kChurn
  constexpr uint64_t kChurn = 2000;
  std::atomic<int64_t> lower{0}, upper{0};
  std::atomic<bool> done{false};
  std::atomic<int64_t> reads{0}, violations{0};

  std::thread reader([&] {
    while (!done.load(std::memory_order_acquire)) {
      const int64_t lo = lower.load(std::memory_order_seq_cst);
      const int64_t sum = reg.Sum();
      const int64_t hi = upper.load(std::memory_order_seq_cst);
      if (sum < lo || sum > hi + kLive * static_cast<int64_t>(kChurn)) violations.fetch_add(1);
      reads.fetch_add(1, std::memory_order_relaxed);
    }
  });

  for (int round = 0; round < kWorkers / kLive; ++round) {
    std::vector<std::thread> workers;
    for (int w = 0; w < kLive; ++w) {
      const int64_t base = kBase * (round * kLive + w + 1);
      workers.emplace_back([&, base] {
        auto c = std::make_unique<Counters>();
        Store(&c->allocated, static_cast<uint64_t>(base));
        upper.fetch_add(base, std::memory_order_seq_cst);
        ASSERT_TRUE(reg.Register(&c->allocated, &c->deallocated));
        lower.fetch_add(base, std::memory_order_seq_cst);
        for (uint64_t i = 1; i <= kChurn; ++i) {
          Store(&c->allocated, static_cast<uint64_t>(base) + i);
          Store(&c->deallocated, i);
        }
        ASSERT_TRUE(reg.Retire(&c->allocated));
        c.reset();  // freed at once: a late read would be a use after free
      });
    }
    for (std::thread& t : workers) t.join();
  }
  // Let the reader see the final state at least once.
  const int64_t seen = reads.load();
  while (reads.load() < seen + 10) std::this_thread::yield();
  done.store(true, std::memory_order_release);
  reader.join();

  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(reg.registered(), 0u);
  EXPECT_EQ(reg.Sum(), kBase * kWorkers * (kWorkers + 1) / 2);  // every exit kept
}

}  // namespace
}  // namespace spindle::memory
