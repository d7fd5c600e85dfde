#include "server/fork_child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "common/clock.h"
#include "common/logging.h"
#include "server/server.h"

namespace spindle::server {

void StartForkedChild(Server* server) {
  // A signal that stops the server must stop the child too, and SIGUSR1 is
  // how the server kills it (SHUTDOWN, FLUSHALL, CONFIG SET appendonly no).
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGUSR1, SIG_DFL);
  SetLogRole('C');
  server->CloseListenersInChild();
}

uint64_t ChildPrivateDirtyBytes() {
  FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t total = 0;
  while (std::fgets(line, sizeof(line), f)) {
    unsigned long long kb;
    if (std::sscanf(line, "Private_Dirty: %llu kB", &kb) == 1) total += kb * 1024;
  }
  std::fclose(f);
  return total;
}

void ReportChildCow(int fd, const char* what) {
  const uint64_t cow = ChildPrivateDirtyBytes();
  const unsigned long long mb = cow / (1024 * 1024);
  LOG_NOTICE("Fork CoW for %s: current %llu MB, peak %llu MB, average %llu MB", what, mb, mb, mb);
  if (fd != -1) {
    ssize_t ignored = write(fd, &cow, sizeof(cow));
    (void)ignored;
  }
}

uint64_t ReadChildCow(int fd) {
  uint64_t cow = 0;
  if (fd == -1 || read(fd, &cow, sizeof(cow)) != sizeof(cow)) return 0;
  return cow;
}

ChildProcess::~ChildProcess() {
  if (cow_fd_ != -1) close(cow_fd_);
}

bool ChildProcess::Start(const std::function<void(int cow_fd)>& body, int64_t* fork_usec) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) pipe_fds[0] = pipe_fds[1] = -1;
  const int64_t start = MonotonicUs();
  const pid_t pid = fork();
  if (pid == 0) {
    if (pipe_fds[0] != -1) close(pipe_fds[0]);
    body(pipe_fds[1]);
    _exit(1);  // body must not return
  }
  *fork_usec = MonotonicUs() - start;
  const int err = errno;
  if (pipe_fds[1] != -1) close(pipe_fds[1]);
  if (pid < 0) {
    if (pipe_fds[0] != -1) close(pipe_fds[0]);
    errno = err;
    return false;
  }
  pid_ = pid;
  cow_fd_ = pipe_fds[0];
  return true;
}

bool ChildProcess::Poll(int* status) {
  if (!active()) return false;
  const pid_t done = waitpid(pid_, status, WNOHANG);
  if (done == pid_) return true;
  if (done == -1 && errno == ECHILD) {
    *status = 1 << 8;
    return true;
  }
  return false;
}

void ChildProcess::Kill() {
  if (!active()) return;
  kill(pid_, SIGUSR1);
  int status;
  while (waitpid(pid_, &status, 0) == -1 && errno == EINTR) {
  }
}

uint64_t ChildProcess::Finish() {
  const uint64_t cow = ReadChildCow(cow_fd_);
  if (cow_fd_ != -1) close(cow_fd_);
  cow_fd_ = -1;
  pid_ = -1;
  return cow;
}

}  // namespace spindle::server
