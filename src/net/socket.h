#pragma once
// Socket helpers: non-blocking listening sockets (TCP on an address, Unix
// domain), accept, and per-connection options. Every fd they return is
// non-blocking and close-on-exec.
//
// Thread: any.

#include <sys/types.h>

#include <string>

#include "common/chunked_buffer.h"
#include "common/status.h"

namespace spindle::net {

// Listens on addr:port ("*" = any IPv4, "::*" = any IPv6, or a literal
// address). IPv6 sockets are IPV6_V6ONLY. SO_REUSEADDR is set.
Result<int> ListenTcp(const std::string& addr, int port, int backlog);
// Listens on a Unix socket path (an old file at path is removed first);
// perm != 0 chmods it.
Result<int> ListenUnix(const std::string& path, unsigned perm, int backlog);

struct PeerAddress {
  std::string ip;  // "127.0.0.1", "::1", or the socket path for Unix sockets
  int port = 0;
  bool unix_socket = false;
};
// Accepts one connection. Returns the fd, or -1 with *saved_errno (EAGAIN
// when no connection is pending). peer may be null.
int Accept(int listen_fd, PeerAddress* peer, int* saved_errno);

// The local address of a socket for CLIENT LIST laddr, formatted as Redis's
// anetFormatAddr: "127.0.0.1:6379", "[::1]:6379", "/path/to/sock:0".
std::string LocalAddress(int fd);

Status SetNonBlocking(int fd);
Status SetNoDelay(int fd);
// Enables TCP keepalive with interval seconds (Redis's anetKeepAlive).
Status SetKeepAlive(int fd, int interval);

// Writes as much of out as the kernel takes with writev, at most max_bytes
// (0: no cap), and Consume()s it. Returns bytes written (>= 0), or -1 with
// *saved_errno (EAGAIN when nothing could be written).
ssize_t WriteChunks(int fd, ChunkedBuffer* out, size_t max_bytes, int* saved_errno);

}  // namespace spindle::net
