#pragma once
// A non-blocking AF_UNIX socketpair that closes itself, for the net tests.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>

namespace spindle::net::test_util {

struct SocketPair {
  int a = -1;
  int b = -1;
  SocketPair() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    a = fds[0];
    b = fds[1];
  }
  ~SocketPair() {
    if (a >= 0) close(a);
    if (b >= 0) close(b);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  void CloseA() { close(a), a = -1; }
  void CloseB() { close(b), b = -1; }
  // Writes all of s to b (the "peer" side).
  void WriteB(std::string_view s) {
    ASSERT_EQ(write(b, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
};

}  // namespace spindle::net::test_util
