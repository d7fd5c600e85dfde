// Socket helpers, after Redis's anet.c. Failure messages follow Redis's log
// text, so the server can log them as they are:
//   "Could not create server TCP listening socket 127.0.0.1:6379: bind: Address already in use"
//   "Failed opening Unix socket: bind: Permission denied"

#include "net/socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace spindle::net {
namespace {

#ifdef IOV_MAX
constexpr int kIovMax = IOV_MAX;
#else
constexpr int kIovMax = 1024;
#endif

std::string Errno(const char* what) { return std::string(what) + ": " + strerror(errno); }

// Closes fd keeping errno for the message built after it.
void CloseKeepErrno(int fd) {
  int saved = errno;
  close(fd);
  errno = saved;
}

Status SetIntOption(int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof(value)) == -1) {
    return Status::IOError(Errno(what));
  }
  return Status::Ok();
}

// Formats an inet address; IPv6 keeps the bare text ("::1"), as PeerAddress.ip.
bool AddressToString(const sockaddr_storage& sa, std::string* ip, int* port) {
  char buf[INET6_ADDRSTRLEN];
  if (sa.ss_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(&sa);
    if (inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf)) == nullptr) return false;
    *ip = buf;
    *port = ntohs(s->sin_port);
    return true;
  }
  if (sa.ss_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&sa);
    if (inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof(buf)) == nullptr) return false;
    *ip = buf;
    *port = ntohs(s->sin6_port);
    return true;
  }
  return false;
}

// The path a Unix socket is bound to ("" for an unnamed one).
std::string UnixPath(const sockaddr_storage& sa, socklen_t len) {
  const auto* un = reinterpret_cast<const sockaddr_un*>(&sa);
  size_t offset = offsetof(sockaddr_un, sun_path);
  if (len <= offset) return "";
  return std::string(un->sun_path, strnlen(un->sun_path, len - offset));
}

// Creates, configures, binds and listens on one resolved address. Returns
// the fd or -1 with *err set to Redis's anet text.
int ListenOn(const addrinfo* ai, int backlog, std::string* err) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd == -1) {
    *err = Errno("socket");
    return -1;
  }
  Status s;
  if (ai->ai_family == AF_INET6) {
    s = SetIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "setsockopt");
  }
  if (s.ok()) s = SetIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt SO_REUSEADDR");
  if (!s.ok()) {
    *err = s.message();
    close(fd);
    return -1;
  }
  if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
    *err = Errno("bind");
    CloseKeepErrno(fd);
    return -1;
  }
  if (listen(fd, backlog) == -1) {
    *err = Errno("listen");
    CloseKeepErrno(fd);
    return -1;
  }
  return fd;
}

}  // namespace

Result<int> ListenTcp(const std::string& addr, int port, int backlog) {
  std::string prefix =
      "Could not create server TCP listening socket " + addr + ":" + std::to_string(port) + ": ";
  // As Redis: an address with ':' is IPv6; "*" and "::*" mean any address.
  const bool v6 = addr.find(':') != std::string::npos;
  const char* host = addr.c_str();
  if (addr == "*" || addr == "::*") host = nullptr;

  addrinfo hints{};
  hints.ai_family = v6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  std::string port_str = std::to_string(port);
  int rv = getaddrinfo(host, port_str.c_str(), &hints, &res);
  if (rv != 0) return Status::IOError(prefix + gai_strerror(rv));

  std::string err = "unable to bind socket";
  int fd = -1;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd = ListenOn(ai, backlog, &err);
    // Only a failure to create the socket moves on to the next address; a
    // bind or listen failure is final, as in anetTcpGenericServer.
    if (fd != -1 || err.rfind("socket:", 0) != 0) break;
  }
  freeaddrinfo(res);
  if (fd == -1) return Status::IOError(prefix + err);
  return fd;
}

Result<int> ListenUnix(const std::string& path, unsigned perm, int backlog) {
  const std::string prefix = "Failed opening Unix socket: ";
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) {
    return Status::InvalidArgument(prefix + "unix socket path too long (" +
                                   std::to_string(sizeof(sa.sun_path) - 1) + " chars max)");
  }
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd == -1) return Status::IOError(prefix + Errno("socket"));
  // A file left by an earlier run would make bind fail with EADDRINUSE.
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == -1) {
    std::string msg = prefix + Errno("bind");
    close(fd);
    return Status::IOError(msg);
  }
  if (listen(fd, backlog) == -1) {
    std::string msg = prefix + Errno("listen");
    close(fd);
    return Status::IOError(msg);
  }
  if (perm != 0 && chmod(path.c_str(), static_cast<mode_t>(perm)) == -1) {
    std::string msg = prefix + Errno("chmod");
    close(fd);
    return Status::IOError(msg);
  }
  return fd;
}

int Accept(int listen_fd, PeerAddress* peer, int* saved_errno) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  int fd;
  do {
    fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd == -1 && errno == EINTR);
  if (fd == -1) {
    *saved_errno = errno;
    return -1;
  }
  if (peer != nullptr) {
    *peer = PeerAddress{};
    if (sa.ss_family == AF_UNIX) {
      // A client's end is unnamed: name it by the listening socket's path.
      peer->unix_socket = true;
      sockaddr_storage local{};
      socklen_t local_len = sizeof(local);
      if (getsockname(listen_fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
        peer->ip = UnixPath(local, local_len);
      }
    } else if (!AddressToString(sa, &peer->ip, &peer->port)) {
      peer->ip = "?";
    }
  }
  return fd;
}

std::string LocalAddress(int fd) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) == -1) return "?:0";
  if (sa.ss_family == AF_UNIX) return UnixPath(sa, len) + ":0";
  std::string ip;
  int port = 0;
  if (!AddressToString(sa, &ip, &port)) return "?:0";
  // Redis's anetFormatAddr: IPv6 in brackets.
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

Status SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags == -1) return Status::IOError(Errno("fcntl(F_GETFL)"));
  if ((flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
    return Status::IOError(Errno("fcntl(F_SETFL,O_NONBLOCK)"));
  }
  return Status::Ok();
}

Status SetNoDelay(int fd) {
  return SetIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt TCP_NODELAY");
}

Status SetKeepAlive(int fd, int interval) {
  Status s = SetIntOption(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "setsockopt SO_KEEPALIVE");
  if (!s.ok() || interval <= 0) return s;
  // As anetKeepAlive: first probe after interval seconds of silence, then
  // every interval/3 seconds, and the connection dies after 3 unanswered
  // probes, so a dead peer is found after about 2 * interval.
  s = SetIntOption(fd, IPPROTO_TCP, TCP_KEEPIDLE, interval, "setsockopt TCP_KEEPIDLE");
  if (!s.ok()) return s;
  int probe_interval = interval / 3;
  if (probe_interval == 0) probe_interval = 1;
  s = SetIntOption(fd, IPPROTO_TCP, TCP_KEEPINTVL, probe_interval, "setsockopt TCP_KEEPINTVL");
  if (!s.ok()) return s;
  return SetIntOption(fd, IPPROTO_TCP, TCP_KEEPCNT, 3, "setsockopt TCP_KEEPCNT");
}

ssize_t WriteChunks(int fd, ChunkedBuffer* out, size_t max_bytes, int* saved_errno) {
  size_t total = 0;
  struct iovec iov[kIovMax];
  while (!out->empty() && (max_bytes == 0 || total < max_bytes)) {
    int n = out->Iov(iov, kIovMax);
    size_t want = 0;
    int used = 0;
    size_t budget = max_bytes == 0 ? SIZE_MAX : max_bytes - total;
    for (; used < n && want < budget; ++used) {
      if (iov[used].iov_len > budget - want) iov[used].iov_len = budget - want;
      want += iov[used].iov_len;
    }
    ssize_t written;
    do {
      // One block (the usual small reply): write(2), which spares the
      // kernel copying and checking an iovec array.
      written = used == 1 ? write(fd, iov[0].iov_base, iov[0].iov_len) : writev(fd, iov, used);
    } while (written == -1 && errno == EINTR);
    if (written == -1) {
      if (total > 0 && errno == EAGAIN) break;  // partial progress is success
      *saved_errno = errno;
      return total > 0 ? static_cast<ssize_t>(total) : -1;
    }
    out->Consume(static_cast<size_t>(written));
    total += static_cast<size_t>(written);
    if (static_cast<size_t>(written) < want) break;  // the kernel is full
  }
  return static_cast<ssize_t>(total);
}

}  // namespace spindle::net
