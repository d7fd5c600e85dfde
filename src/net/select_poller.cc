// The select(2) backend. It keeps two fd_sets (read and write interest) and a
// per-fd mask table, and scans fds 0..max_fd_ after every call. select cannot
// represent an fd >= FD_SETSIZE: FD_SET on such an fd writes past the end of
// the fd_set, so Add refuses it with a Status and the caller rejects the
// client instead (as Redis's ae_select does through its set size).

#include <errno.h>
#include <string.h>
#include <sys/select.h>

#include <memory>
#include <string>
#include <vector>

#include "net/poller.h"

namespace spindle::net {
namespace {

class SelectPoller final : public Poller {
 public:
  SelectPoller() : masks_(FD_SETSIZE, kUnregistered) {
    FD_ZERO(&read_set_);
    FD_ZERO(&write_set_);
  }

  Status Add(int fd, int mask) override {
    if (fd < 0) return Status::InvalidArgument("select: negative fd");
    if (fd >= FD_SETSIZE) {
      return Status::ResourceExhausted("select: fd " + std::to_string(fd) +
                                       " is beyond FD_SETSIZE (" + std::to_string(FD_SETSIZE) +
                                       ")");
    }
    if (masks_[fd] != kUnregistered) {
      return Status::InvalidArgument("select: fd " + std::to_string(fd) + " already registered");
    }
    masks_[fd] = kNone;
    Apply(fd, mask);
    if (fd > max_fd_) max_fd_ = fd;
    return Status::Ok();
  }

  Status Modify(int fd, int mask) override {
    if (fd < 0 || fd >= FD_SETSIZE || masks_[fd] == kUnregistered) {
      return Status::NotFound("select: fd " + std::to_string(fd) + " is not registered");
    }
    Apply(fd, mask);
    return Status::Ok();
  }

  void Remove(int fd) override {
    if (fd < 0 || fd >= FD_SETSIZE || masks_[fd] == kUnregistered) return;
    Apply(fd, kNone);
    masks_[fd] = kUnregistered;
    if (fd == max_fd_) {
      while (max_fd_ >= 0 && masks_[max_fd_] == kUnregistered) --max_fd_;
    }
  }

  int Wait(std::vector<ReadyEvent>* ready, int timeout_ms) override {
    ready->clear();
    // select modifies its sets, so it works on copies (ae_select does the same).
    fd_set rset = read_set_;
    fd_set wset = write_set_;
    struct timeval tv;
    struct timeval* tvp = nullptr;
    if (timeout_ms >= 0) {
      tv.tv_sec = timeout_ms / 1000;
      tv.tv_usec = (timeout_ms % 1000) * 1000;
      tvp = &tv;
    }
    int n = select(max_fd_ + 1, &rset, &wset, nullptr, tvp);
    // EINTR is a normal wake-up; EBADF means a caller closed an fd before
    // Remove, a bug of the caller that we do not turn into a busy loop here.
    if (n <= 0) return 0;
    for (int fd = 0; fd <= max_fd_; ++fd) {
      int mask = masks_[fd];
      if (mask == kUnregistered || mask == kNone) continue;
      int ev = 0;
      // select reports errors and hang-ups as readable (and writable), so the
      // neutral mapping of the contract falls out naturally.
      if ((mask & kReadable) && FD_ISSET(fd, &rset)) ev |= kReadable;
      if ((mask & kWritable) && FD_ISSET(fd, &wset)) ev |= kWritable;
      if (ev != 0) ready->push_back(ReadyEvent{fd, ev});
    }
    return static_cast<int>(ready->size());
  }

  const char* Name() const override { return "select"; }
  int max_fd() const override { return FD_SETSIZE; }

 private:
  static constexpr int kUnregistered = -1;

  // Sets fd's interest to mask in the fd_sets and the table (fd < FD_SETSIZE).
  void Apply(int fd, int mask) {
    if (mask & kReadable) {
      FD_SET(fd, &read_set_);
    } else {
      FD_CLR(fd, &read_set_);
    }
    if (mask & kWritable) {
      FD_SET(fd, &write_set_);
    } else {
      FD_CLR(fd, &write_set_);
    }
    masks_[fd] = mask & (kReadable | kWritable);
  }

  fd_set read_set_;
  fd_set write_set_;
  std::vector<int> masks_;  // indexed by fd; kUnregistered or the interest mask
  int max_fd_ = -1;         // highest registered fd
};

}  // namespace

namespace internal {
std::unique_ptr<Poller> NewSelectPoller() { return std::make_unique<SelectPoller>(); }
}  // namespace internal

}  // namespace spindle::net
