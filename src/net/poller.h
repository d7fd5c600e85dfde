#pragma once
// Poller: the I/O multiplexing backend behind the EventLoop. One small
// contract, four implementations (select, poll, epoll level-triggered, epoll
// edge-triggered), picked at start-up by name through CreatePoller. Nothing
// outside the backends sees POLL*/EPOLL* bits: readiness is a neutral mask.
//
// Level-triggered backends report a ready fd on every Wait until it is
// drained. The edge-triggered backend reports it once per change of state, so
// its users must read and write until EAGAIN (edge_triggered() tells them).
// Errors and hang-ups are reported as readable (and writable when write
// interest is registered) so the owner's read or write sees the error.
//
// Thread: a poller belongs to its EventLoop's thread.

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace spindle::net {

enum EventMask : int { kNone = 0, kReadable = 1, kWritable = 2 };

struct ReadyEvent {
  int fd;
  int mask;  // kReadable and/or kWritable
};

class Poller {
 public:
  virtual ~Poller() = default;

  // Registers fd with interest mask (non-zero). Fails (never undefined
  // behaviour) when the backend cannot hold fd, e.g. select beyond FD_SETSIZE.
  virtual Status Add(int fd, int mask) = 0;
  // Replaces the interest mask of a registered fd (kNone keeps it registered
  // but silent).
  virtual Status Modify(int fd, int mask) = 0;
  // Unregisters fd; unknown fds are ignored. Must be called before close(fd).
  virtual void Remove(int fd) = 0;
  // Waits up to timeout_ms (-1: forever, 0: just poll) and appends the ready
  // fds to *ready (cleared first). Returns the number of events, 0 on timeout
  // or EINTR.
  virtual int Wait(std::vector<ReadyEvent>* ready, int timeout_ms) = 0;

  virtual const char* Name() const = 0;  // "epoll", "epoll-et", "poll", "select"
  virtual bool edge_triggered() const { return false; }
  // Largest fd + 1 the backend can hold (select: FD_SETSIZE), or -1: no limit.
  virtual int max_fd() const { return -1; }
};

// Creates the backend named name ("epoll", "epoll-et", "poll", "select").
// Returns nullptr for an unknown name or when the kernel refuses (epoll_create).
std::unique_ptr<Poller> CreatePoller(std::string_view name);

// The backend names accepted by CreatePoller, for config validation and tests.
std::vector<std::string_view> PollerNames();

}  // namespace spindle::net
