// Client limits: parsing client-output-buffer-limit, the hard / soft limit
// decision with its clock, maxmemory-clients in bytes, the memory figures,
// and protected mode's decision on synthesized peer addresses (the wire path
// is tested in tests/integration/test_client_limits.py from 127.0.0.2).

#include "server/client_limits.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>

#include "server/client.h"

namespace spindle::server {
namespace {

TEST(OutputBufferLimitsTest, ParsesTheConfigGetText) {
  OutputBufferLimits l = OutputBufferLimits::Parse(
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_FALSE(l.Of(ClientClass::kNormal).enabled());
  EXPECT_EQ(l.Of(ClientClass::kReplica).hard_bytes, 268435456u);
  EXPECT_EQ(l.Of(ClientClass::kReplica).soft_bytes, 67108864u);
  EXPECT_EQ(l.Of(ClientClass::kReplica).soft_seconds, 60);
  EXPECT_EQ(l.Of(ClientClass::kPubSub).hard_bytes, 33554432u);
  EXPECT_EQ(l.Of(ClientClass::kPubSub).soft_bytes, 8388608u);
  EXPECT_TRUE(l.Of(ClientClass::kPubSub).enabled());
  l = OutputBufferLimits::Parse("normal 100 0 0 slave 0 0 0 pubsub 0 5 1");
  EXPECT_EQ(l.Of(ClientClass::kNormal).hard_bytes, 100u);
  EXPECT_FALSE(l.Of(ClientClass::kReplica).enabled());
  EXPECT_TRUE(l.Of(ClientClass::kPubSub).enabled());
}

TEST(OutputLimitReachedTest, HardLimitAtOnce) {
  OutputBufferLimit l{1000, 0, 0};
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(l, 999, 100, &since));
  EXPECT_TRUE(OutputLimitReached(l, 1000, 100, &since));  // >=, as Redis
  EXPECT_EQ(since, 0);
}

TEST(OutputLimitReachedTest, SoftLimitNeedsMoreThanItsSeconds) {
  OutputBufferLimit l{0, 500, 2};
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(l, 600, 100, &since));  // the clock starts
  EXPECT_EQ(since, 100);
  EXPECT_FALSE(OutputLimitReached(l, 600, 101, &since));
  EXPECT_FALSE(OutputLimitReached(l, 600, 102, &since));  // elapsed <= seconds
  EXPECT_TRUE(OutputLimitReached(l, 600, 103, &since));
  // under the soft limit: the clock stops, and starts over next time
  EXPECT_FALSE(OutputLimitReached(l, 10, 104, &since));
  EXPECT_EQ(since, 0);
  EXPECT_FALSE(OutputLimitReached(l, 600, 105, &since));
  EXPECT_EQ(since, 105);
}

TEST(OutputLimitReachedTest, ZeroSecondsActsOnTheSecondCheck) {
  // Redis's quirk: the first check only starts the clock.
  OutputBufferLimit l{0, 500, 0};
  int64_t since = 0;
  EXPECT_FALSE(OutputLimitReached(l, 600, 100, &since));
  EXPECT_FALSE(OutputLimitReached(l, 600, 100, &since));
  EXPECT_TRUE(OutputLimitReached(l, 600, 101, &since));
}

TEST(OutputGrowLimitTest, HardLimitOrAnExpiredSoftOne) {
  OutputBufferLimit l;
  EXPECT_EQ(OutputGrowLimit(l, 0, 100), std::numeric_limits<size_t>::max());
  l.hard_bytes = 1000;
  EXPECT_EQ(OutputGrowLimit(l, 0, 100), 1000u);
  l.soft_bytes = 500;
  l.soft_seconds = 10;
  EXPECT_EQ(OutputGrowLimit(l, 0, 100), 1000u);   // soft clock not running
  EXPECT_EQ(OutputGrowLimit(l, 95, 100), 1000u);  // running, not long enough
  EXPECT_EQ(OutputGrowLimit(l, 90, 100), 1000u);  // exactly soft_seconds: not yet
  EXPECT_EQ(OutputGrowLimit(l, 89, 100), 500u);   // held longer: the soft limit
  l.hard_bytes = 0;
  EXPECT_EQ(OutputGrowLimit(l, 0, 100), std::numeric_limits<size_t>::max());
  EXPECT_EQ(OutputGrowLimit(l, 50, 100), 500u);
}

TEST(ClientEvictionLimitTest, BytesPercentAndFloor) {
  EXPECT_EQ(ClientEvictionLimit("0", 0), 0u);
  EXPECT_EQ(ClientEvictionLimit("0", 1 << 30), 0u);
  EXPECT_EQ(ClientEvictionLimit("1048576", 0), 1048576u);
  EXPECT_EQ(ClientEvictionLimit("1000", 0), 128u * 1024);  // at least 128 KiB
  EXPECT_EQ(ClientEvictionLimit("10%", 0), 0u);            // no maxmemory: off
  EXPECT_EQ(ClientEvictionLimit("10%", 100ull << 20), 10ull << 20);
  EXPECT_EQ(ClientEvictionLimit("1%", 1 << 20), 128u * 1024);
  EXPECT_EQ(ClientEvictionLimit("100%", 1ull << 40), 1ull << 40);
}

net::PeerAddress Tcp(const char* ip) {
  net::PeerAddress p;
  p.ip = ip;
  p.port = 50000;
  return p;
}

TEST(ProtectedModeTest, OnlyExactLoopbackAddressesAreLocal) {
  EXPECT_TRUE(IsLocalPeer(Tcp("127.0.0.1")));
  EXPECT_TRUE(IsLocalPeer(Tcp("::1")));
  net::PeerAddress unix_peer;
  unix_peer.ip = "/tmp/spindle.sock";
  unix_peer.unix_socket = true;
  EXPECT_TRUE(IsLocalPeer(unix_peer));
  // Redis 7.0.15 compares the text with "127.0.0.1" and "::1" only.
  for (const char* ip : {"127.0.0.2", "127.1.2.3", "10.0.0.1", "192.168.1.20", "172.16.0.5",
                         "8.8.8.8", "fe80::1", "2001:db8::1", "::ffff:127.0.0.1", "0.0.0.0"}) {
    EXPECT_FALSE(IsLocalPeer(Tcp(ip))) << ip;
  }
}

TEST(ProtectedModeTest, RefusesOnlyWithoutPasswordAndWhenOn) {
  const net::PeerAddress remote = Tcp("10.20.30.40");
  EXPECT_TRUE(ProtectedModeRefuses(true, true, remote));
  EXPECT_FALSE(ProtectedModeRefuses(false, true, remote));  // protected-mode no
  EXPECT_FALSE(ProtectedModeRefuses(true, false, remote));  // a password is set
  EXPECT_FALSE(ProtectedModeRefuses(true, true, Tcp("127.0.0.1")));
  EXPECT_FALSE(ProtectedModeRefuses(true, true, Tcp("::1")));
}

TEST(ProtectedModeTest, DeniedTextIsRedisLine) {
  EXPECT_EQ(kProtectedModeDenied.substr(0, 62),
            "-DENIED Redis is running in protected mode because protected m");
  EXPECT_EQ(kProtectedModeDenied.size(), 1067u);  // 1065 characters and CRLF
  EXPECT_EQ(kProtectedModeDenied.substr(kProtectedModeDenied.size() - 2), "\r\n");
}

TEST(ClientMemoryTest, CountsBuffersAndTransactions) {
  Client c(nullptr, -1, 1, net::PeerAddress(), 0);
  const size_t idle = ClientMemoryUsage(c);
  EXPECT_EQ(idle, sizeof(Client));
  EXPECT_EQ(OutputMemoryUsage(c), 0u);
  c.output().Append(std::string(40000, 'x'));
  EXPECT_GE(OutputMemoryUsage(c), 40000u);
  EXPECT_EQ(ClientMemoryUsage(c), idle + OutputMemoryUsage(c));
  c.query().Reserve(100000);
  EXPECT_EQ(ClientMemoryUsage(c), idle + OutputMemoryUsage(c) + c.query_capacity());
  c.EnsureMultiState().queued_bytes = 5000;
  EXPECT_GE(ClientMemoryUsage(c), idle + OutputMemoryUsage(c) + c.query_capacity() + 5000);
  EXPECT_EQ(OutputClassOf(c), ClientClass::kNormal);
}

}  // namespace
}  // namespace spindle::server
