#pragma once
// Clocks. Wall time (ms / us since the epoch) and monotonic time. The server
// caches the wall time after each loop wake-up and before each top-level
// command (Clock::Update, as Redis's call() does), so everything a command
// does sees one time and handlers read a cached value; tests inject a fixed
// or manual time with SetForTest.
//
// Thread: Update/SetForTest on the main thread; reads anywhere.

#include <atomic>
#include <cstdint>

namespace spindle {

int64_t WallTimeUs();      // gettimeofday-like, microseconds since the epoch
int64_t MonotonicUs();     // CLOCK_MONOTONIC, microseconds
inline int64_t MonotonicMs() { return MonotonicUs() / 1000; }

class Clock {
 public:
  // Refreshes the cached time from the system clock (no-op while a test time
  // is set).
  static void Update();
  static int64_t NowMs() { return now_us_.load(std::memory_order_relaxed) / 1000; }
  static int64_t NowUs() { return now_us_.load(std::memory_order_relaxed); }
  // Freezes the cached time at us (0 returns to the system clock).
  static void SetForTest(int64_t us);

 private:
  static std::atomic<int64_t> now_us_;
  static std::atomic<bool> frozen_;
};

}  // namespace spindle
