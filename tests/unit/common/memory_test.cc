#include "common/memory.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>
#include <vector>

namespace spindle::memory {
namespace {

TEST(MemoryTest, MallocSizeFollowsJemallocClasses) {
  EXPECT_EQ(MallocSize(0), 8u);
  EXPECT_EQ(MallocSize(1), 8u);
  EXPECT_EQ(MallocSize(8), 8u);
  EXPECT_EQ(MallocSize(9), 16u);
  EXPECT_EQ(MallocSize(17), 32u);
  EXPECT_EQ(MallocSize(33), 48u);
  EXPECT_EQ(MallocSize(128), 128u);
  EXPECT_EQ(MallocSize(129), 160u);
  EXPECT_EQ(MallocSize(257), 320u);
  EXPECT_EQ(MallocSize(4097), 5120u);
  EXPECT_EQ(MallocSize(16385), 20480u);
  EXPECT_EQ(MallocSize(1 << 20), 1u << 20);
}

TEST(MemoryTest, UsedMemoryFollowsAllocations) {
  const uint64_t before = UsedMemory();
  std::vector<void*> blocks;
  for (int i = 0; i < 1000; ++i) blocks.push_back(std::malloc(1000));
  const uint64_t during = UsedMemory();
  EXPECT_GE(during, before + 1000 * 1000);
  EXPECT_LE(during, before + 1000 * 1100 + 64 * 1024);
  for (void* p : blocks) std::free(p);
  blocks.clear();
  blocks.shrink_to_fit();
  const uint64_t after = UsedMemory();
  EXPECT_LE(after, before + 64 * 1024);
}

TEST(MemoryTest, FreesOnATrackedThreadAreCounted) {
  // What one thread allocates and another frees (the lazy-free thread) must
  // not leave the total inflated.
  const uint64_t before = UsedMemory();
  std::vector<void*> blocks;
  for (int i = 0; i < 1000; ++i) blocks.push_back(std::malloc(4000));
  EXPECT_GE(UsedMemory(), before + 4000 * 1000);
  std::thread t([&blocks] {
    TrackCurrentThread();
    for (void* p : blocks) std::free(p);
  });
  t.join();
  blocks.clear();
  blocks.shrink_to_fit();
  EXPECT_LE(UsedMemory(), before + 64 * 1024);
}

TEST(MemoryTest, AllocatorDescribesItself) {
  if (IsJemalloc()) {
    EXPECT_STREQ(AllocatorName(), "jemalloc-5.3.0");
    EXPECT_NE(MallocStatsText().find("jemalloc statistics"), std::string::npos);
    EXPECT_GT(GetAllocatorStats().allocated, 0u);
  } else {
    EXPECT_STREQ(AllocatorName(), "libc");
    EXPECT_EQ(MallocStatsText(), "Stats not supported for the current allocator");
  }
  EXPECT_TRUE(Purge());
  EXPECT_GT(ProcessRss(), 0u);
}

}  // namespace
}  // namespace spindle::memory
