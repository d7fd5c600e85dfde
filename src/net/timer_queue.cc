// TimerQueue. The heap holds (deadline, id); the callbacks live in a map by
// id. Cancel only erases the callback, and the heap entry is dropped when it
// surfaces (lazy cancel). Two things keep that cheap: stale entries at the top
// are popped at once so NextTimeoutMs stays exact, and when stale entries
// outnumber live ones the heap is rebuilt without them, so a workload that
// cancels most of its timers early (blocked clients served before their
// timeout) keeps the heap proportional to the live timers.

#include "net/timer_queue.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace spindle::net {

TimerId TimerQueue::Add(int64_t now_ms, int64_t delay_ms, std::function<int64_t()> cb) {
  TimerId id = next_id_++;
  callbacks_.emplace(id, std::move(cb));
  heap_.push_back(Entry{now_ms + std::max<int64_t>(delay_ms, 0), id});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  return id;
}

void TimerQueue::Cancel(TimerId id) {
  if (callbacks_.erase(id) == 0) return;
  // Keep the top live so the next deadline is exact.
  while (!heap_.empty() && callbacks_.find(heap_.front().id) == callbacks_.end()) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    heap_.pop_back();
  }
  if (heap_.size() > 64 && heap_.size() > 2 * callbacks_.size()) {
    std::erase_if(heap_, [this](const Entry& e) { return !callbacks_.contains(e.id); });
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
}

int64_t TimerQueue::NextTimeoutMs(int64_t now_ms) const {
  if (heap_.empty()) return -1;
  return std::max<int64_t>(heap_.front().deadline_ms - now_ms, 0);
}

int TimerQueue::RunDue(int64_t now_ms) {
  // Take every due entry first, so a callback that reschedules itself with
  // delay 0 (or adds a due timer) runs on the next call, not in a loop here.
  std::vector<Entry> due;
  while (!heap_.empty() && heap_.front().deadline_ms <= now_ms) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    due.push_back(heap_.back());
    heap_.pop_back();
  }
  int ran = 0;
  for (const Entry& e : due) {
    auto it = callbacks_.find(e.id);
    if (it == callbacks_.end()) continue;  // cancelled
    // Move the callback out while it runs: it may add timers (rehashing the
    // map) or cancel itself (erasing its own entry) without harm.
    std::function<int64_t()> cb = std::move(it->second);
    int64_t next = cb();
    ++ran;
    it = callbacks_.find(e.id);
    if (it == callbacks_.end()) continue;  // cancelled by its own callback
    if (next < 0) {
      callbacks_.erase(it);
      continue;
    }
    it->second = std::move(cb);
    heap_.push_back(Entry{now_ms + next, e.id});
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  // Entries cancelled during this run may now sit at the top.
  while (!heap_.empty() && !callbacks_.contains(heap_.front().id)) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    heap_.pop_back();
  }
  return ran;
}

}  // namespace spindle::net
