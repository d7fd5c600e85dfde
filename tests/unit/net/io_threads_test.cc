// IoThreads: every index of every batch runs exactly once, whichever thread
// takes it; workers do take jobs; idle workers sleep (no spinning).
//
// No timing assertions: waits are bounded only to keep a broken pool from
// hanging the test.

#include "net/io_threads.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace spindle::net {
namespace {

TEST(IoThreadsTest, OneThreadRunsInline) {
  IoThreads pool(1);
  EXPECT_EQ(pool.threads(), 1);
  std::vector<int> hits(100, 0);
  auto job = [&](size_t i) { ++hits[i]; };
  pool.ParallelFor(hits.size(), job);
  for (int h : hits) EXPECT_EQ(h, 1);
  EXPECT_EQ(pool.jobs_on_workers(), 0u);
}

TEST(IoThreadsTest, EveryIndexRunsOnceAcrossManyBatches) {
  for (int threads : {2, 3, 4}) {
    IoThreads pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (size_t round = 0; round < 2000; ++round) {
      size_t n = round % 97;  // 0, 1 and sizes the workers join
      std::vector<std::atomic<int>> hits(n);
      auto job = [&](size_t i) { hits[i].fetch_add(1, std::memory_order_relaxed); };
      pool.ParallelFor(n, job);
      // ParallelFor returned: every job finished, and each exactly once.
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "round " << round << " i " << i;
    }
  }
}

TEST(IoThreadsTest, WorkersTakeJobsAndResultsAreVisibleAfterReturn) {
  IoThreads pool(2);
  std::vector<uint64_t> out(64, 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  // Slow jobs leave the worker time to wake and claim some; plain writes
  // (no atomics) checked after ParallelFor returns: its completion must
  // publish them.
  while (pool.jobs_on_workers() == 0 && std::chrono::steady_clock::now() < deadline) {
    auto job = [&](size_t i) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      out[i] = i * 3 + 1;
    };
    pool.ParallelFor(out.size(), job);
    for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], i * 3 + 1);
    std::fill(out.begin(), out.end(), 0);
  }
  EXPECT_GT(pool.jobs_on_workers(), 0u);
}

// The state letter of every thread of this process but the caller.
std::vector<char> OtherThreadStates() {
  std::vector<char> states;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return states;
  std::string self = std::to_string(gettid());
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == self) continue;
    std::ifstream f("/proc/self/task/" + name + "/stat");
    std::string line;
    std::getline(f, line);
    auto close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size()) states.push_back(line[close + 2]);
  }
  closedir(dir);
  return states;
}

TEST(IoThreadsTest, IdleWorkersSleep) {
  IoThreads pool(4);
  std::atomic<int> sum{0};
  auto job = [&](size_t i) { sum.fetch_add(static_cast<int>(i)); };
  pool.ParallelFor(1000, job);
  EXPECT_EQ(sum.load(), 999 * 1000 / 2);
  // With no batch, every worker ends up blocked in the kernel (state S),
  // not running: an idle pool burns no CPU.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool all_sleeping = false;
  while (!all_sleeping && std::chrono::steady_clock::now() < deadline) {
    std::vector<char> states = OtherThreadStates();
    all_sleeping = states.size() >= 3;
    for (char s : states) all_sleeping = all_sleeping && s == 'S';
    if (!all_sleeping) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(all_sleeping);
  // And they wake for the next batch.
  sum = 0;
  pool.ParallelFor(1000, job);
  EXPECT_EQ(sum.load(), 999 * 1000 / 2);
}

}  // namespace
}  // namespace spindle::net
