// The poll(2) backend. A dense pollfd array is what poll wants; an fd-indexed
// table maps each fd to its slot so Modify and Remove are O(1) (Remove moves
// the last slot into the hole). Wait still scans every registered fd, which
// is the cost of poll.
//
// poll always reports POLLERR/POLLHUP, even for events == 0. To keep an fd
// registered but silent (mask kNone), its slot holds the negated fd, which
// poll ignores by definition.

#include <errno.h>
#include <poll.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "net/poller.h"

namespace spindle::net {
namespace {

class PollPoller final : public Poller {
 public:
  Status Add(int fd, int mask) override {
    if (fd < 0) return Status::InvalidArgument("poll: negative fd");
    if (static_cast<size_t>(fd) >= index_.size()) {
      index_.resize(std::max<size_t>(static_cast<size_t>(fd) + 1, index_.size() * 2), -1);
    }
    if (index_[fd] != -1) {
      return Status::InvalidArgument("poll: fd " + std::to_string(fd) + " already registered");
    }
    index_[fd] = static_cast<int>(fds_.size());
    fds_.push_back(pollfd{});
    masks_.push_back(0);
    Apply(index_[fd], fd, mask);
    return Status::Ok();
  }

  Status Modify(int fd, int mask) override {
    int i = IndexOf(fd);
    if (i < 0) return Status::NotFound("poll: fd " + std::to_string(fd) + " is not registered");
    Apply(i, fd, mask);
    return Status::Ok();
  }

  void Remove(int fd) override {
    int i = IndexOf(fd);
    if (i < 0) return;
    int last = static_cast<int>(fds_.size()) - 1;
    if (i != last) {
      fds_[i] = fds_[last];
      masks_[i] = masks_[last];
      index_[FdOf(i)] = i;
    }
    fds_.pop_back();
    masks_.pop_back();
    index_[fd] = -1;
  }

  int Wait(std::vector<ReadyEvent>* ready, int timeout_ms) override {
    ready->clear();
    int n = poll(fds_.data(), fds_.size(), timeout_ms);
    if (n <= 0) return 0;  // timeout or EINTR (or a caller bug such as EFAULT)
    for (size_t i = 0; i < fds_.size(); ++i) {
      const pollfd& p = fds_[i];
      if (p.revents == 0 || p.fd < 0) continue;
      int mask = masks_[i];
      int ev = 0;
      if (p.revents & POLLIN) ev |= kReadable;
      if (p.revents & POLLOUT) ev |= kWritable;
      // Errors, hang-ups and a closed fd: let the owner's read (and write, if
      // it waits for one) hit the error.
      if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
        ev |= kReadable;
        if (mask & kWritable) ev |= kWritable;
      }
      if (ev != 0) ready->push_back(ReadyEvent{p.fd, ev});
    }
    return static_cast<int>(ready->size());
  }

  const char* Name() const override { return "poll"; }

 private:
  int IndexOf(int fd) const {
    if (fd < 0 || static_cast<size_t>(fd) >= index_.size()) return -1;
    return index_[fd];
  }
  int FdOf(int i) const { return fds_[i].fd >= 0 ? fds_[i].fd : ~fds_[i].fd; }

  void Apply(int i, int fd, int mask) {
    mask &= kReadable | kWritable;
    pollfd& p = fds_[i];
    p.events = 0;
    if (mask & kReadable) p.events |= POLLIN;
    if (mask & kWritable) p.events |= POLLOUT;
    p.fd = mask == kNone ? ~fd : fd;  // ~fd < 0: ignored by poll
    p.revents = 0;
    masks_[i] = mask;
  }

  std::vector<pollfd> fds_;  // dense, in no particular order
  std::vector<int> masks_;   // interest mask, parallel to fds_
  std::vector<int> index_;   // fd -> slot in fds_, or -1
};

}  // namespace

namespace internal {
std::unique_ptr<Poller> NewPollPoller() { return std::make_unique<PollPoller>(); }
}  // namespace internal

}  // namespace spindle::net
