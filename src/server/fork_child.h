#pragma once
// What every forked child of the server (BGSAVE, BGREWRITEAOF) does the same
// way: its start (signals back to their defaults, log role 'C', the
// listening sockets closed so a restarted server can bind them) and its
// copy-on-write report (Redis's sendChildCowInfo), sent to the parent
// through a pipe and read back when the child is reaped.
//
// Thread: the child's only thread, and the parent's main thread for the
// pipe's read end.

#include <sys/types.h>

#include <cstdint>
#include <functional>

namespace spindle::server {

class Server;

// In the child, right after fork().
void StartForkedChild(Server* server);

// The child's private dirty memory: pages it wrote plus pages the parent
// copied away from it since the fork (Redis's zmalloc_get_private_dirty).
uint64_t ChildPrivateDirtyBytes();

// In the child: logs "Fork CoW for <what>: ..." and writes the size to fd
// (may be -1).
void ReportChildCow(int fd, const char* what);

// In the parent: the size the child reported, 0 if none.
uint64_t ReadChildCow(int fd);

// One forked child as the parent sees it (BGSAVE's, BGREWRITEAOF's): its pid
// and the read end of its copy-on-write pipe. The parent never blocks on it
// except in Kill.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  bool active() const { return pid_ != -1; }
  pid_t pid() const { return pid_; }

  // fork(). In the child, body runs with the pipe's write end (or -1) and
  // must leave with _exit. In the parent: true with *fork_usec the time
  // fork took, or false with errno set and nothing left open.
  bool Start(const std::function<void(int cow_fd)>& body, int64_t* fork_usec);
  // waitpid with WNOHANG: true once the child ended, with *status (a child
  // someone else reaped counts as exit status 1: its fate is unknown).
  bool Poll(int* status);
  // SIGUSR1 (how the server stops its children without an error), then
  // waits for it.
  void Kill();
  // After Poll or Kill: the copy-on-write size the child reported (0 if
  // none); closes the pipe and forgets the pid.
  uint64_t Finish();

 private:
  pid_t pid_ = -1;
  int cow_fd_ = -1;
};

}  // namespace spindle::server
