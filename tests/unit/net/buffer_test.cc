#include "net/buffer.h"
#include "socket_pair.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace spindle::net {
namespace {

using test_util::SocketPair;

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}


TEST(Buffer, StartsWithNoStorage) {
  Buffer b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.capacity(), 0u);
}

TEST(Buffer, AppendConsume) {
  Buffer b;
  b.Append("hello ");
  b.Append("world");
  EXPECT_EQ(std::string(b.data(), b.size()), "hello world");
  b.Consume(6);
  EXPECT_EQ(std::string(b.data(), b.size()), "world");
  b.Consume(100);  // more than held: empties it
  EXPECT_TRUE(b.empty());
}

TEST(Buffer, ConsumeCompactsLazily) {
  Buffer b;
  std::string s = Pattern(1000);
  b.Append(s);
  size_t cap = b.capacity();
  const char* before = b.data();
  b.Consume(900);
  EXPECT_EQ(b.data(), before + 900);  // no memmove on Consume
  // Room at the end is used before anything moves.
  b.Append("x", 1);
  EXPECT_EQ(b.data(), before + 900);
  // An append that only fits after reclaiming the front compacts in place.
  std::string more = Pattern(cap - 200);
  b.Append(more);
  EXPECT_EQ(b.capacity(), cap);
  EXPECT_EQ(std::string(b.data(), b.size()), s.substr(900) + "x" + more);
}

TEST(Buffer, ReserveAndRelease) {
  Buffer b;
  b.Reserve(1 << 20);
  EXPECT_GE(b.capacity(), 1u << 20);
  b.Append("abc");
  b.Release();  // not empty: keeps everything
  EXPECT_EQ(std::string(b.data(), b.size()), "abc");
  EXPECT_GE(b.capacity(), 1u << 20);
  b.Consume(3);
  b.Release();
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_TRUE(b.empty());
  b.Append("again");  // usable after Release
  EXPECT_EQ(std::string(b.data(), b.size()), "again");
}

TEST(Buffer, ReadIntoStackExtraWhenEmpty) {
  SocketPair p;
  std::string s = Pattern(5000);
  p.WriteB(s);
  Buffer b;
  int err = 0;
  // No storage at all: everything lands in the stack buffer, then is copied.
  EXPECT_EQ(b.ReadFd(p.a, &err), 5000);
  EXPECT_EQ(std::string(b.data(), b.size()), s);
  EXPECT_GE(b.capacity(), 5000u);
}

TEST(Buffer, ReadSpillsPastFreeSpace) {
  SocketPair p;
  Buffer b;
  b.Append("head:");
  size_t free_space = b.capacity() - b.size();
  std::string s = Pattern(free_space + 3000);
  p.WriteB(s);
  int err = 0;
  EXPECT_EQ(b.ReadFd(p.a, &err), static_cast<ssize_t>(s.size()));
  EXPECT_EQ(std::string(b.data(), b.size()), "head:" + s);
}

TEST(Buffer, MaxBytesCapsTheRead) {
  SocketPair p;
  std::string s = Pattern(3000);
  p.WriteB(s);
  Buffer b;
  int err = 0;
  EXPECT_EQ(b.ReadFd(p.a, &err, 100), 100);
  EXPECT_EQ(b.ReadFd(p.a, &err, 0), 0);
  b.Reserve(10000);  // free space larger than the cap
  EXPECT_EQ(b.ReadFd(p.a, &err, 900), 900);
  EXPECT_EQ(b.ReadFd(p.a, &err), 2000);
  EXPECT_EQ(std::string(b.data(), b.size()), s);
}

TEST(Buffer, EagainAndEof) {
  SocketPair p;
  Buffer b;
  int err = 0;
  EXPECT_EQ(b.ReadFd(p.a, &err), -1);
  EXPECT_EQ(err, EAGAIN);
  p.WriteB("bye");
  p.CloseB();
  EXPECT_EQ(b.ReadFd(p.a, &err), 3);
  EXPECT_EQ(b.ReadFd(p.a, &err), 0);
  EXPECT_EQ(std::string(b.data(), b.size()), "bye");
}

TEST(Buffer, BigReadFromAWriterThread) {
  SocketPair p;
  constexpr size_t kTotal = 3 * 1024 * 1024;
  std::string s = Pattern(kTotal);
  std::thread writer([&] {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = write(p.b, s.data() + off, s.size() - off);
      if (n > 0) {
        off += n;
      } else {
        std::this_thread::yield();  // EAGAIN: the reader is behind
      }
    }
  });
  Buffer b;
  int err = 0;
  int reads = 0;
  while (b.size() < kTotal && reads < 10000000) {
    ssize_t n = b.ReadFd(p.a, &err);
    ASSERT_TRUE(n > 0 || (n == -1 && err == EAGAIN)) << n << " " << err;
    ++reads;
  }
  writer.join();
  ASSERT_EQ(b.size(), kTotal);
  EXPECT_TRUE(std::string(b.data(), b.size()) == s);
}

}  // namespace
}  // namespace spindle::net
