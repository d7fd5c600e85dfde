// EventLoop: one iteration is before-sleep, Wait, after-sleep, fd dispatch,
// due timers, then functions queued with RunInLoop.
//
// The before-sleep hook runs before the wait timeout is computed: it may queue
// work or add timers (and a handler that keeps buffered input to process
// later queues a RunInLoop), and the loop must then not sleep.
//
// Cross-thread wake-up is an eventfd in the poller. Stop() and Wakeup() only
// store an atomic and write(2) to the eventfd, both async-signal-safe, so a
// SIGTERM handler may call Stop().

#include "net/event_loop.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "common/clock.h"
#include "common/logging.h"

namespace spindle::net {
namespace {

// Longest sleep when the eventfd could not be registered with the backend:
// queued work and Stop() are then noticed by polling.
constexpr int kUnwakeableWaitMs = 10;

uint64_t ThisThreadHash() {
  uint64_t h = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return h == 0 ? 1 : h;  // 0 never names a thread
}

}  // namespace

EventLoop::EventLoop(std::unique_ptr<Poller> poller, int max_fds)
    : poller_(std::move(poller)), handlers_(std::max(max_fds, 0)) {
  thread_id_hash_.store(ThisThreadHash(), std::memory_order_relaxed);
  wakeup_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeup_fd_ < 0) {
    LOG_WARNING("eventfd failed (%s): the event loop will poll for cross-thread work",
                strerror(errno));
    return;
  }
  Status s = poller_->Add(wakeup_fd_, kReadable);
  if (s.ok()) {
    wakeup_registered_ = true;
  } else {
    LOG_WARNING(
        "Cannot watch the event loop wake-up fd (%s): the event loop will poll for "
        "cross-thread work",
        s.message().c_str());
  }
}

EventLoop::~EventLoop() {
  if (wakeup_registered_) poller_->Remove(wakeup_fd_);
  if (wakeup_fd_ >= 0) close(wakeup_fd_);
}

Status EventLoop::AddFd(int fd, int mask, FdHandler* handler) {
  assert(IsInLoopThread());
  if (fd < 0 || handler == nullptr) {
    return Status::InvalidArgument("AddFd: bad fd or null handler");
  }
  if (fd >= max_fds()) {
    return Status::ResourceExhausted("fd " + std::to_string(fd) +
                                     " is beyond the event loop size " + std::to_string(max_fds()));
  }
  Slot& slot = handlers_[fd];
  if (slot.handler != nullptr) {
    return Status::InvalidArgument("AddFd: fd " + std::to_string(fd) + " already registered");
  }
  mask &= kReadable | kWritable;
  Status s = poller_->Add(fd, mask);
  if (!s.ok()) return s;
  slot.handler = handler;
  slot.mask = mask;
  return Status::Ok();
}

Status EventLoop::SetMask(int fd, int mask) {
  assert(IsInLoopThread());
  if (fd < 0 || fd >= max_fds() || handlers_[fd].handler == nullptr) {
    return Status::NotFound("SetMask: fd " + std::to_string(fd) + " is not registered");
  }
  mask &= kReadable | kWritable;
  Slot& slot = handlers_[fd];
  if (slot.mask == mask) return Status::Ok();
  Status s = poller_->Modify(fd, mask);
  if (!s.ok()) return s;
  slot.mask = mask;
  return Status::Ok();
}

int EventLoop::GetMask(int fd) const {
  if (fd < 0 || fd >= max_fds()) return kNone;
  return handlers_[fd].mask;
}

void EventLoop::RemoveFd(int fd) {
  assert(IsInLoopThread());
  if (fd < 0 || fd >= max_fds() || handlers_[fd].handler == nullptr) return;
  poller_->Remove(fd);
  handlers_[fd] = Slot{};
}

TimerId EventLoop::AddTimer(int64_t delay_ms, std::function<int64_t()> cb) {
  assert(IsInLoopThread());
  return timers_.Add(MonotonicMs(), delay_ms, std::move(cb));
}

void EventLoop::CancelTimer(TimerId id) {
  assert(IsInLoopThread());
  timers_.Cancel(id);
}

void EventLoop::Run() {
  thread_id_hash_.store(ThisThreadHash(), std::memory_order_relaxed);
  while (!stop_.load(std::memory_order_acquire)) RunOnce(-1);
  stop_.store(false, std::memory_order_relaxed);  // Run() may be called again
}

void EventLoop::RunOnce(int timeout_ms) {
  thread_id_hash_.store(ThisThreadHash(), std::memory_order_relaxed);
  if (before_sleep_) before_sleep_();

  int64_t wait = timers_.NextTimeoutMs(MonotonicMs());
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    if (has_pending_) wait = 0;
  }
  if (stop_.load(std::memory_order_acquire)) wait = 0;
  if (timeout_ms >= 0 && (wait < 0 || wait > timeout_ms)) wait = timeout_ms;
  if (!wakeup_registered_ && (wait < 0 || wait > kUnwakeableWaitMs)) wait = kUnwakeableWaitMs;
  poller_->Wait(&ready_, static_cast<int>(std::min<int64_t>(wait, INT_MAX)));

  if (after_sleep_) after_sleep_();

  // A callback may remove any fd (itself included), so the slot is looked up
  // again before each call. If a callback closes an fd and a new connection
  // reuses its number in the same iteration, the new one may get one
  // spurious call; handlers treat EAGAIN as "nothing to do", so that is
  // harmless.
  for (size_t i = 0; i < ready_.size(); ++i) {
    const ReadyEvent ev = ready_[i];
    if (ev.fd == wakeup_fd_) {
      DrainWakeup();
      continue;
    }
    if (ev.fd < 0 || ev.fd >= max_fds()) continue;
    if ((ev.mask & kReadable) && (handlers_[ev.fd].mask & kReadable) &&
        handlers_[ev.fd].handler != nullptr) {
      handlers_[ev.fd].handler->OnReadable(ev.fd);
    }
    if ((ev.mask & kWritable) && (handlers_[ev.fd].mask & kWritable) &&
        handlers_[ev.fd].handler != nullptr) {
      handlers_[ev.fd].handler->OnWritable(ev.fd);
    }
  }

  timers_.RunDue(MonotonicMs());
  RunPending();
}

void EventLoop::Stop() {
  stop_.store(true, std::memory_order_release);
  Wakeup();
}

void EventLoop::RunInLoop(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    pending_.push_back(std::move(fn));
    has_pending_ = true;
  }
  // On the loop thread the next timeout computation sees has_pending_.
  if (!IsInLoopThread()) Wakeup();
}

void EventLoop::Wakeup() {
  if (wakeup_fd_ < 0) return;
  int saved_errno = errno;  // may run in a signal handler
  uint64_t one = 1;
  // EAGAIN means the counter is saturated: a wake-up is pending anyway.
  ssize_t ignored = write(wakeup_fd_, &one, sizeof(one));
  (void)ignored;
  errno = saved_errno;
}

bool EventLoop::IsInLoopThread() const {
  return thread_id_hash_.load(std::memory_order_relaxed) == ThisThreadHash();
}

void EventLoop::DrainWakeup() {
  uint64_t value;
  while (read(wakeup_fd_, &value, sizeof(value)) > 0) {
  }
}

void EventLoop::RunPending() {
  std::vector<std::function<void()>> fns;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    if (!has_pending_) return;
    fns.swap(pending_);
    has_pending_ = false;
  }
  // Functions queued by these run in the next iteration (without sleeping).
  for (auto& fn : fns) fn();
}

}  // namespace spindle::net
