#pragma once
// EventLoop: the reactor. It owns a Poller, an fd-indexed table of handlers,
// a TimerQueue, a before-sleep hook and a cross-thread wake-up (eventfd).
//
// One iteration (RunOnce): call the before-sleep hook, compute the poll
// timeout from the nearest timer (0 if work was queued, by the hook too, or
// Stop() was called), Wait, call the after-sleep hook, dispatch every ready fd
// (readable first, then writable, re-checking after each callback that the
// fd is still registered, since a callback may remove fds), run due timers,
// run queued functions (those they queue run in the next iteration).
//
// Thread: everything runs on the loop's thread except Wakeup(), RunInLoop()
// and Stop(), which any thread may call; Stop() and Wakeup() are also
// async-signal-safe. The loop's thread is the constructing thread until
// Run()/RunOnce() records the calling thread; debug builds assert it in
// AddFd/SetMask/RemoveFd/AddTimer/CancelTimer.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "net/poller.h"
#include "net/timer_queue.h"

namespace spindle::net {

// Receives readiness of one fd.
class FdHandler {
 public:
  virtual ~FdHandler() = default;
  virtual void OnReadable(int fd) = 0;
  virtual void OnWritable(int fd) = 0;
};

class EventLoop {
 public:
  // Takes the backend. max_fds bounds the fd table (Redis's setsize:
  // maxclients + reserved); fds at or above it are refused by AddFd.
  EventLoop(std::unique_ptr<Poller> poller, int max_fds);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers handler for fd with mask. Fails when fd >= max_fds or the
  // backend refuses (select beyond FD_SETSIZE); the caller must then reject
  // the client itself.
  Status AddFd(int fd, int mask, FdHandler* handler);
  // Changes fd's interest mask.
  Status SetMask(int fd, int mask);
  int GetMask(int fd) const;
  // Unregisters fd (safe from inside its own callback). Call before close.
  void RemoveFd(int fd);

  // Timers: cb returns the delay in ms until its next run, or -1 to stop.
  TimerId AddTimer(int64_t delay_ms, std::function<int64_t()> cb);
  void CancelTimer(TimerId id);

  // Runs before the loop sleeps in Wait (Redis's beforeSleep): where pending
  // replies get written.
  void SetBeforeSleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }
  // Runs right after Wait returns.
  void SetAfterSleep(std::function<void()> fn) { after_sleep_ = std::move(fn); }

  // Runs until Stop().
  void Run();
  // One iteration; timeout_ms caps the wait (-1: until the next timer/event).
  void RunOnce(int timeout_ms = -1);
  // Any thread: makes Run() return after the current iteration.
  void Stop();

  // Any thread: queues fn to run on the loop thread and wakes the loop.
  void RunInLoop(std::function<void()> fn);
  // Any thread: interrupts Wait.
  void Wakeup();

  bool IsInLoopThread() const;
  Poller* poller() { return poller_.get(); }
  int max_fds() const { return static_cast<int>(handlers_.size()); }

 private:
  struct Slot {
    FdHandler* handler = nullptr;
    int mask = kNone;
  };
  // Reads the eventfd dry (it is level-triggered in every backend but
  // epoll-et, where it must be drained anyway).
  void DrainWakeup();
  void RunPending();

  std::unique_ptr<Poller> poller_;
  std::vector<Slot> handlers_;
  std::vector<ReadyEvent> ready_;
  TimerQueue timers_;
  std::function<void()> before_sleep_;
  std::function<void()> after_sleep_;
  // The eventfd lives outside handlers_ so max_fds does not have to cover it.
  // If the backend refuses it (select with an fd >= FD_SETSIZE), the loop
  // never sleeps longer than kUnwakeableWaitMs instead.
  int wakeup_fd_ = -1;
  bool wakeup_registered_ = false;
  std::mutex pending_mu_;
  std::vector<std::function<void()>> pending_;
  bool has_pending_ = false;  // guarded by pending_mu_
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> thread_id_hash_{0};
};

}  // namespace spindle::net
