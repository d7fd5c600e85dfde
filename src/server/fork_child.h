#pragma once
// What every forked child of the server (BGSAVE, BGREWRITEAOF) does the same
// way: its start (signals back to their defaults, log role 'C', the
// listening sockets closed so a restarted server can bind them) and its
// copy-on-write report (Redis's sendChildCowInfo), sent to the parent
// through a pipe and read back when the child is reaped.
//
// Thread: the child's only thread, and the parent's main thread for the
// pipe's read end.

#include <cstdint>

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

}  // namespace spindle::server
