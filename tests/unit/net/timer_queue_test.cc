// TimerQueue with an explicit clock: every "now" is passed in, so nothing
// here depends on real time.

#include "net/timer_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

namespace spindle::net {
namespace {

TEST(TimerQueue, EmptyHasNoTimeout) {
  TimerQueue q;
  EXPECT_EQ(q.NextTimeoutMs(1000), -1);
  EXPECT_EQ(q.RunDue(1000), 0);
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimerQueue, FiresInDeadlineOrder) {
  TimerQueue q;
  std::vector<int> order;
  q.Add(0, 30, [&] {
    order.push_back(30);
    return -1;
  });
  q.Add(0, 10, [&] {
    order.push_back(10);
    return -1;
  });
  q.Add(0, 20, [&] {
    order.push_back(20);
    return -1;
  });
  EXPECT_EQ(q.NextTimeoutMs(0), 10);
  EXPECT_EQ(q.NextTimeoutMs(4), 6);
  EXPECT_EQ(q.RunDue(9), 0);
  EXPECT_EQ(q.RunDue(20), 2);
  EXPECT_EQ(q.NextTimeoutMs(20), 10);
  EXPECT_EQ(q.NextTimeoutMs(100), 0);  // overdue: never negative
  EXPECT_EQ(q.RunDue(100), 1);
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimerQueue, SameDeadlineKeepsInsertionOrder) {
  TimerQueue q;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i)
    q.Add(0, 5, [&order, i] {
      order.push_back(i);
      return -1;
    });
  EXPECT_EQ(q.RunDue(5), 5);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(TimerQueue, PeriodicReschedule) {
  TimerQueue q;
  int runs = 0;
  q.Add(0, 10, [&] { return ++runs < 3 ? 10 : -1; });
  EXPECT_EQ(q.RunDue(10), 1);
  EXPECT_EQ(q.NextTimeoutMs(10), 10);  // rescheduled from the time it ran
  EXPECT_EQ(q.RunDue(15), 0);
  EXPECT_EQ(q.RunDue(20), 1);
  EXPECT_EQ(q.RunDue(30), 1);
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.NextTimeoutMs(30), -1);
}

TEST(TimerQueue, ZeroDelayRescheduleRunsOncePerCall) {
  TimerQueue q;
  int runs = 0;
  q.Add(0, 0, [&] {
    ++runs;
    return 0;
  });
  EXPECT_EQ(q.RunDue(0), 1);
  EXPECT_EQ(q.RunDue(0), 1);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(q.NextTimeoutMs(0), 0);
}

TEST(TimerQueue, CancelIsLazyButExact) {
  TimerQueue q;
  bool fired = false;
  TimerId early = q.Add(0, 5, [&] {
    fired = true;
    return -1;
  });
  q.Add(0, 50, [] { return -1; });
  EXPECT_EQ(q.size(), 2u);
  q.Cancel(early);
  q.Cancel(early);   // twice is fine
  q.Cancel(999999);  // unknown is fine
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.NextTimeoutMs(0), 50);  // the cancelled top does not shorten the wait
  EXPECT_EQ(q.RunDue(10), 0);
  EXPECT_FALSE(fired);
  EXPECT_EQ(q.RunDue(50), 1);
}

TEST(TimerQueue, CallbackCancelsItselfAndOthers) {
  TimerQueue q;
  TimerId self = 0;
  TimerId other = 0;
  int self_runs = 0;
  bool other_ran = false;
  self = q.Add(0, 1, [&] {
    ++self_runs;
    q.Cancel(self);
    q.Cancel(other);
    return 1;  // ignored: cancelled
  });
  other = q.Add(0, 1, [&] {
    other_ran = true;
    return -1;
  });
  EXPECT_EQ(q.RunDue(1), 1);
  EXPECT_EQ(q.RunDue(100), 0);
  EXPECT_EQ(self_runs, 1);
  EXPECT_FALSE(other_ran);
  EXPECT_EQ(q.size(), 0u);
}

TEST(TimerQueue, CallbackAddsTimers) {
  TimerQueue q;
  std::vector<int> order;
  q.Add(0, 1, [&] {
    order.push_back(1);
    // Enough additions to rehash the callback map under the running callback.
    for (int i = 0; i < 100; ++i)
      q.Add(1, 0, [&] {
        order.push_back(2);
        return -1;
      });
    return -1;
  });
  EXPECT_EQ(q.RunDue(1), 1);  // the new due timers wait for the next call
  EXPECT_EQ(q.RunDue(1), 100);
  EXPECT_EQ(order.size(), 101u);
}

TEST(TimerQueue, ThousandsOfTimers) {
  TimerQueue q;
  std::mt19937 rng(42);
  constexpr int kTimers = 20000;
  int64_t now = 0;
  std::vector<int64_t> fired;
  std::vector<TimerId> ids;
  std::vector<int64_t> deadlines;
  for (int i = 0; i < kTimers; ++i) {
    int64_t d = rng() % 10000;
    deadlines.push_back(d);
    ids.push_back(q.Add(0, d, [&fired, &now, d] {
      EXPECT_LE(d, now);  // never early
      fired.push_back(d);
      return -1;
    }));
  }
  // Cancel every other timer (blocked clients served before their timeout).
  std::vector<int64_t> live;
  for (int i = 0; i < kTimers; ++i) {
    if (i % 2 == 0) {
      q.Cancel(ids[i]);
    } else {
      live.push_back(deadlines[i]);
    }
  }
  EXPECT_EQ(q.size(), live.size());
  for (now = 0; now < 10000; now += 7) {
    int64_t next = q.NextTimeoutMs(now);
    size_t before = fired.size();
    q.RunDue(now);
    if (next > 0) {
      EXPECT_EQ(fired.size(), before);  // nothing due before the next deadline
    }
  }
  now = 10000;
  q.RunDue(now);
  std::sort(live.begin(), live.end());
  EXPECT_EQ(fired, live);  // each live timer once, in deadline order
  EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace spindle::net
