// The epoll(7) backends, level-triggered ("epoll") and edge-triggered
// ("epoll-et"). The interest list lives in the kernel; the fd-indexed table
// here only remembers each fd's mask so Add/Modify pick the right
// epoll_ctl operation.
//
// epoll always reports EPOLLERR/EPOLLHUP, even for an fd registered with no
// events. A registered fd with mask kNone must stay silent, so it is taken out
// of the kernel's interest list (EPOLL_CTL_DEL) while staying in the table,
// and put back (EPOLL_CTL_ADD) when it gets a mask again, as Redis's ae does.
//
// Edge-triggered: EPOLLET makes the kernel report a change of state once.
// Every EPOLL_CTL_MOD re-arms the fd, so a Modify reports the current state
// again; the owner must still drain reads and writes until EAGAIN.

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "net/poller.h"

namespace spindle::net {
namespace {

constexpr int kUnregistered = -1;
constexpr size_t kInitialEvents = 64;
constexpr size_t kMaxEvents = 16 * 1024;

class EpollPoller final : public Poller {
 public:
  EpollPoller(int epfd, bool edge_triggered)
      : epfd_(epfd), edge_triggered_(edge_triggered), events_(kInitialEvents) {}
  ~EpollPoller() override { close(epfd_); }

  Status Add(int fd, int mask) override {
    if (fd < 0) return Status::InvalidArgument(std::string(Name()) + ": negative fd");
    if (static_cast<size_t>(fd) >= masks_.size()) {
      masks_.resize(std::max<size_t>(static_cast<size_t>(fd) + 1, masks_.size() * 2),
                    kUnregistered);
    }
    if (masks_[fd] != kUnregistered) {
      return Status::InvalidArgument(std::string(Name()) + ": fd " + std::to_string(fd) +
                                     " already registered");
    }
    mask &= kReadable | kWritable;
    if (mask != kNone) {
      Status s = Ctl(EPOLL_CTL_ADD, fd, mask);
      if (!s.ok()) return s;
    }
    masks_[fd] = mask;
    return Status::Ok();
  }

  Status Modify(int fd, int mask) override {
    if (fd < 0 || static_cast<size_t>(fd) >= masks_.size() || masks_[fd] == kUnregistered) {
      return Status::NotFound(std::string(Name()) + ": fd " + std::to_string(fd) +
                              " is not registered");
    }
    mask &= kReadable | kWritable;
    int old = masks_[fd];
    Status s;
    if (old == kNone && mask != kNone) {
      s = Ctl(EPOLL_CTL_ADD, fd, mask);
    } else if (old != kNone && mask == kNone) {
      s = Ctl(EPOLL_CTL_DEL, fd, mask);
    } else if (mask != kNone) {
      s = Ctl(EPOLL_CTL_MOD, fd, mask);
    }
    if (!s.ok()) return s;
    masks_[fd] = mask;
    return Status::Ok();
  }

  void Remove(int fd) override {
    if (fd < 0 || static_cast<size_t>(fd) >= masks_.size() || masks_[fd] == kUnregistered) {
      return;
    }
    // A failure here (the caller closed fd too early) leaves nothing to undo:
    // the kernel drops a closed fd from the interest list by itself.
    if (masks_[fd] != kNone) Ctl(EPOLL_CTL_DEL, fd, kNone);
    masks_[fd] = kUnregistered;
  }

  int Wait(std::vector<ReadyEvent>* ready, int timeout_ms) override {
    ready->clear();
    int n = epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
    if (n <= 0) return 0;  // timeout or EINTR
    for (int i = 0; i < n; ++i) {
      const epoll_event& e = events_[i];
      int fd = e.data.fd;
      int mask = (static_cast<size_t>(fd) < masks_.size()) ? masks_[fd] : kUnregistered;
      if (mask == kUnregistered || mask == kNone) continue;
      int ev = 0;
      if (e.events & EPOLLIN) ev |= kReadable;
      if (e.events & EPOLLOUT) ev |= kWritable;
      if (e.events & (EPOLLERR | EPOLLHUP)) {
        ev |= kReadable;
        if (mask & kWritable) ev |= kWritable;
      }
      if (ev != 0) ready->push_back(ReadyEvent{fd, ev});
    }
    // A full batch suggests more were ready: take more next time.
    if (static_cast<size_t>(n) == events_.size() && events_.size() < kMaxEvents) {
      events_.resize(events_.size() * 2);
    }
    return static_cast<int>(ready->size());
  }

  const char* Name() const override { return edge_triggered_ ? "epoll-et" : "epoll"; }
  bool edge_triggered() const override { return edge_triggered_; }

 private:
  Status Ctl(int op, int fd, int mask) {
    epoll_event e{};
    if (mask & kReadable) e.events |= EPOLLIN;
    if (mask & kWritable) e.events |= EPOLLOUT;
    if (edge_triggered_) e.events |= EPOLLET;
    e.data.fd = fd;
    if (epoll_ctl(epfd_, op, fd, &e) == 0) return Status::Ok();
    const char* op_name = op == EPOLL_CTL_ADD ? "ADD" : op == EPOLL_CTL_MOD ? "MOD" : "DEL";
    return Status::IOError(std::string("epoll_ctl(") + op_name + ", fd " + std::to_string(fd) +
                           "): " + strerror(errno));
  }

  int epfd_;
  bool edge_triggered_;
  std::vector<int> masks_;  // indexed by fd: kUnregistered or the interest mask
  std::vector<epoll_event> events_;
};

}  // namespace

namespace internal {
std::unique_ptr<Poller> NewEpollPoller(bool edge_triggered) {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return nullptr;
  return std::make_unique<EpollPoller>(epfd, edge_triggered);
}
}  // namespace internal

}  // namespace spindle::net
