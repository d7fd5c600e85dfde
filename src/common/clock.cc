#include "common/clock.h"

#include <sys/time.h>
#include <time.h>

namespace spindle {

std::atomic<int64_t> Clock::now_us_{WallTimeUs()};
std::atomic<bool> Clock::frozen_{false};

int64_t WallTimeUs() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

int64_t MonotonicUs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void Clock::Update() {
  if (!frozen_.load(std::memory_order_relaxed)) {
    now_us_.store(WallTimeUs(), std::memory_order_relaxed);
  }
}

void Clock::SetForTest(int64_t us) {
  if (us == 0) {
    frozen_ = false;
    Update();
  } else {
    frozen_ = true;
    now_us_ = us;
  }
}

}  // namespace spindle
