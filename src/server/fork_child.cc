#include "server/fork_child.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

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

}  // namespace spindle::server
