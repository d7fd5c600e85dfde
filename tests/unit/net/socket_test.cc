#include "net/socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace spindle::net {
namespace {

bool IsNonBlockingAndCloexec(int fd) {
  return (fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

int BoundPort(int fd) {
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len), 0);
  if (sa.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&sa)->sin_port);
}

int IntOption(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof(v);
  EXPECT_EQ(getsockopt(fd, level, name, &v, &len), 0);
  return v;
}

// A blocking client connected to 127.0.0.1:port.
int ConnectV4(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0) << strerror(errno);
  return fd;
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('A' + (i * 13 + i / 509) % 26);
  return s;
}

TEST(ListenTcp, LoopbackAcceptAndAddresses) {
  Result<int> l = ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(l.ok()) << l.status().message();
  int lfd = *l;
  EXPECT_TRUE(IsNonBlockingAndCloexec(lfd));
  EXPECT_EQ(IntOption(lfd, SOL_SOCKET, SO_REUSEADDR), 1);
  int port = BoundPort(lfd);
  EXPECT_EQ(LocalAddress(lfd), "127.0.0.1:" + std::to_string(port));

  int err = 0;
  PeerAddress peer;
  EXPECT_EQ(Accept(lfd, &peer, &err), -1);
  EXPECT_EQ(err, EAGAIN);

  int client = ConnectV4(port);
  int conn = -1;
  // Polled until a generous deadline: on a loaded machine the kernel may
  // queue the connection some time after connect() returned.
  const auto accept_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (conn < 0 && std::chrono::steady_clock::now() < accept_deadline) {
    conn = Accept(lfd, &peer, &err);
    if (conn < 0) usleep(1000);
  }
  ASSERT_GE(conn, 0);
  EXPECT_TRUE(IsNonBlockingAndCloexec(conn));
  EXPECT_EQ(peer.ip, "127.0.0.1");
  EXPECT_EQ(peer.port, BoundPort(client));
  EXPECT_FALSE(peer.unix_socket);
  EXPECT_EQ(LocalAddress(conn), "127.0.0.1:" + std::to_string(port));

  EXPECT_TRUE(SetNoDelay(conn).ok());
  EXPECT_NE(IntOption(conn, IPPROTO_TCP, TCP_NODELAY), 0);
  close(conn);
  close(client);
  close(lfd);
}

TEST(ListenTcp, AnyAddresses) {
  Result<int> v4 = ListenTcp("*", 0, 16);
  ASSERT_TRUE(v4.ok()) << v4.status().message();
  EXPECT_EQ(LocalAddress(*v4), "0.0.0.0:" + std::to_string(BoundPort(*v4)));
  close(*v4);

  Result<int> v6 = ListenTcp("::*", 0, 16);
  if (!v6.ok()) GTEST_SKIP() << "no IPv6 here: " << v6.status().message();
  EXPECT_EQ(IntOption(*v6, IPPROTO_IPV6, IPV6_V6ONLY), 1);
  EXPECT_EQ(LocalAddress(*v6), "[::]:" + std::to_string(BoundPort(*v6)));
  close(*v6);
}

TEST(ListenTcp, Ipv6Loopback) {
  Result<int> l = ListenTcp("::1", 0, 16);
  if (!l.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << l.status().message();
  EXPECT_TRUE(IsNonBlockingAndCloexec(*l));
  EXPECT_EQ(IntOption(*l, IPPROTO_IPV6, IPV6_V6ONLY), 1);
  int port = BoundPort(*l);
  EXPECT_EQ(LocalAddress(*l), "[::1]:" + std::to_string(port));

  int client = socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons(port);
  sa.sin6_addr = in6addr_loopback;
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  PeerAddress peer;
  int err = 0;
  int conn = -1;
  // Polled until a generous deadline: on a loaded machine the kernel may
  // queue the connection some time after connect() returned.
  const auto accept_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (conn < 0 && std::chrono::steady_clock::now() < accept_deadline) {
    conn = Accept(*l, &peer, &err);
    if (conn < 0) usleep(1000);
  }
  ASSERT_GE(conn, 0);
  EXPECT_EQ(peer.ip, "::1");
  EXPECT_EQ(peer.port, BoundPort(client));
  close(conn);
  close(client);
  close(*l);
}

TEST(ListenTcp, AddressInUseMessageAsRedis) {
  Result<int> first = ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(first.ok());
  int port = BoundPort(*first);
  Result<int> second = ListenTcp("127.0.0.1", port, 16);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "Could not create server TCP listening socket 127.0.0.1:" +
                                           std::to_string(port) + ": bind: Address already in use");
  close(*first);
}

TEST(ListenTcp, UnassignableAddressFails) {
  // TEST-NET-1: a literal that is not a local address.
  Result<int> l = ListenTcp("192.0.2.1", 0, 16);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().message(),
            "Could not create server TCP listening socket 192.0.2.1:0: bind: Cannot assign "
            "requested address");
}

class UnixSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spindle-net-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/s.sock";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
  std::string path_;
};

TEST_F(UnixSocketTest, StaleFileRemovedPermAppliedAccept) {
  // A stale file from an earlier run.
  int stale = open(path_.c_str(), O_CREAT | O_WRONLY, 0644);
  ASSERT_GE(stale, 0);
  close(stale);

  Result<int> l = ListenUnix(path_, 0700, 16);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_TRUE(IsNonBlockingAndCloexec(*l));
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  int client = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path_.c_str());
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  PeerAddress peer;
  int err = 0;
  int conn = Accept(*l, &peer, &err);
  ASSERT_GE(conn, 0) << strerror(err);
  EXPECT_TRUE(IsNonBlockingAndCloexec(conn));
  EXPECT_TRUE(peer.unix_socket);
  EXPECT_EQ(peer.ip, path_);
  EXPECT_EQ(peer.port, 0);
  EXPECT_EQ(LocalAddress(conn), path_ + ":0");
  close(conn);
  close(client);
  close(*l);
}

TEST_F(UnixSocketTest, PathTooLong) {
  Result<int> l = ListenUnix(std::string(200, 'x'), 0, 16);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().message().rfind("Failed opening Unix socket: ", 0), 0u);
}

TEST(SocketOptions, KeepAliveAsRedis) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_TRUE(SetKeepAlive(fd, 300).ok());
  EXPECT_NE(IntOption(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
  EXPECT_EQ(IntOption(fd, IPPROTO_TCP, TCP_KEEPIDLE), 300);
  EXPECT_EQ(IntOption(fd, IPPROTO_TCP, TCP_KEEPINTVL), 100);
  EXPECT_EQ(IntOption(fd, IPPROTO_TCP, TCP_KEEPCNT), 3);
  ASSERT_TRUE(SetKeepAlive(fd, 2).ok());
  EXPECT_EQ(IntOption(fd, IPPROTO_TCP, TCP_KEEPIDLE), 2);
  EXPECT_EQ(IntOption(fd, IPPROTO_TCP, TCP_KEEPINTVL), 1);  // interval/3, at least 1
  close(fd);
}

TEST(SocketOptions, SetNonBlocking) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_FALSE(fcntl(fd, F_GETFL) & O_NONBLOCK);
  ASSERT_TRUE(SetNonBlocking(fd).ok());
  EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
  close(fd);
  EXPECT_FALSE(SetNonBlocking(fd).ok());
}

class WriteChunksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    writer_ = fds[0];
    reader_ = fds[1];
  }
  void TearDown() override {
    close(writer_);
    close(reader_);
  }
  std::string ReadAll() {
    std::string got;
    char buf[65536];
    ssize_t n;
    while ((n = read(reader_, buf, sizeof(buf))) > 0) got.append(buf, n);
    return got;
  }
  int writer_;
  int reader_;
};

TEST_F(WriteChunksTest, EmptyWritesNothing) {
  ChunkedBuffer out;
  int err = 0;
  EXPECT_EQ(WriteChunks(writer_, &out, 0, &err), 0);
}

TEST_F(WriteChunksTest, ManySmallChunksInOrder) {
  ChunkedBuffer out;
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    std::string piece = "+reply " + std::to_string(i) + "\r\n";
    out.Append(piece);
    all += piece;
  }
  int err = 0;
  EXPECT_EQ(WriteChunks(writer_, &out, 0, &err), static_cast<ssize_t>(all.size()));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(ReadAll(), all);
}

TEST_F(WriteChunksTest, PartialWriteThenEagainWhenPeerDoesNotRead) {
  ChunkedBuffer out;
  std::string all = Pattern(8 * 1024 * 1024);  // far beyond the socket buffer
  for (size_t off = 0; off < all.size(); off += 10000) out.Append(all.substr(off, 10000));
  int err = 0;
  ssize_t first = WriteChunks(writer_, &out, 0, &err);
  ASSERT_GT(first, 0);
  ASSERT_LT(static_cast<size_t>(first), all.size());
  EXPECT_EQ(out.size(), all.size() - first);  // exactly what was written was consumed
  EXPECT_EQ(WriteChunks(writer_, &out, 0, &err), -1);
  EXPECT_EQ(err, EAGAIN);
  EXPECT_EQ(out.size(), all.size() - first);

  // Drain the peer and go on until everything is through, in order.
  std::string got;
  char buf[65536];
  while (!out.empty()) {
    ssize_t n;
    while ((n = read(reader_, buf, sizeof(buf))) > 0) got.append(buf, n);
    ssize_t w = WriteChunks(writer_, &out, 0, &err);
    ASSERT_TRUE(w > 0 || (w == -1 && err == EAGAIN));
  }
  got += ReadAll();
  EXPECT_TRUE(got == all);
}

TEST_F(WriteChunksTest, MaxBytesCap) {
  ChunkedBuffer out;
  std::string all = Pattern(100 * 1024);
  for (size_t off = 0; off < all.size(); off += 3000) out.Append(all.substr(off, 3000));
  int err = 0;
  EXPECT_EQ(WriteChunks(writer_, &out, 1000, &err), 1000);
  EXPECT_EQ(out.size(), all.size() - 1000);
  // A cap that crosses a chunk boundary (chunks are 16 KiB).
  EXPECT_EQ(WriteChunks(writer_, &out, 20000, &err), 20000);
  EXPECT_EQ(out.size(), all.size() - 21000);
  EXPECT_EQ(ReadAll(), all.substr(0, 21000));
}

TEST_F(WriteChunksTest, ErrorWhenPeerClosed) {
  close(reader_);
  reader_ = socket(AF_UNIX, SOCK_STREAM, 0);  // something for TearDown to close
  ChunkedBuffer out;
  out.Append("data");
  int err = 0;
  signal(SIGPIPE, SIG_IGN);
  EXPECT_EQ(WriteChunks(writer_, &out, 0, &err), -1);
  EXPECT_EQ(err, EPIPE);
  EXPECT_EQ(out.size(), 4u);
}

}  // namespace
}  // namespace spindle::net
