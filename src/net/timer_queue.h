#pragma once
// TimerQueue: one-shot and periodic timers on the monotonic clock with ms
// resolution. A binary heap ordered by deadline: adding and firing cost
// O(log n), finding the next deadline O(1), so thousands of timers (one per
// blocked client's timeout) stay cheap. Cancellation is lazy: a cancelled
// id is skipped when it reaches the top.
//
// Thread: owned by one EventLoop's thread.

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

namespace spindle::net {

using TimerId = uint64_t;

class TimerQueue {
 public:
  // cb returns the delay until its next run in ms, or -1 to stop.
  TimerId Add(int64_t now_ms, int64_t delay_ms, std::function<int64_t()> cb);
  void Cancel(TimerId id);
  // Milliseconds until the nearest deadline (>= 0), or -1 when there is no timer.
  int64_t NextTimeoutMs(int64_t now_ms) const;
  // Runs every timer due at now_ms; returns how many ran.
  int RunDue(int64_t now_ms);
  size_t size() const { return callbacks_.size(); }

 private:
  struct Entry {
    int64_t deadline_ms;
    TimerId id;
    bool operator>(const Entry& o) const {
      return deadline_ms != o.deadline_ms ? deadline_ms > o.deadline_ms : id > o.id;
    }
  };
  std::vector<Entry> heap_;  // min-heap via std::push_heap with greater<>
  std::unordered_map<TimerId, std::function<int64_t()>> callbacks_;
  TimerId next_id_ = 1;
};

}  // namespace spindle::net
