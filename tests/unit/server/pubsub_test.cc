// PubSub (registries, fan-out frames, shared bodies) and Notifications
// (notify-keyspace-events filtering and channel names). The expected frames
// are what redis-server 7.0.15 sends for the same subscriptions.

#include "server/pubsub.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/client.h"
#include "server/notifications.h"

namespace spindle::server {
namespace {

class PubSubTest : public ::testing::Test {
 protected:
  PubSubTest() : pubsub_([this](Client* c) { notified_.push_back(c); }) {}

  // A client that is never connected: PubSub only touches its output,
  // protocol and subscriptions.
  Client* NewClient(int resp = 2) {
    clients_.push_back(
        std::make_unique<Client>(nullptr, -1, clients_.size() + 1, net::PeerAddress(), 0));
    clients_.back()->reply().set_resp(resp);
    return clients_.back().get();
  }
  static std::string Take(Client* c) {
    std::string s = c->output().ToString();
    c->output().Clear();
    return s;
  }

  std::vector<Client*> notified_;
  PubSub pubsub_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(PubSubTest, SubscribeCountsAndForgetsEmptyChannels) {
  Client* a = NewClient();
  Client* b = NewClient();
  EXPECT_TRUE(pubsub_.Subscribe(a, ChannelKind::kGlobal, "ch"));
  EXPECT_FALSE(pubsub_.Subscribe(a, ChannelKind::kGlobal, "ch"));  // already there
  EXPECT_TRUE(pubsub_.Subscribe(b, ChannelKind::kGlobal, "ch"));
  EXPECT_TRUE(pubsub_.SubscribePattern(a, "c*"));
  EXPECT_TRUE(pubsub_.Subscribe(a, ChannelKind::kShard, "ch"));
  EXPECT_EQ(a->subscription_count(), 2u);  // channels + patterns
  EXPECT_EQ(a->shard_subscription_count(), 1u);
  EXPECT_TRUE(a->subscribed());
  EXPECT_EQ(pubsub_.Subscribers(ChannelKind::kGlobal, "ch"), 2u);
  EXPECT_EQ(pubsub_.Subscribers(ChannelKind::kShard, "ch"), 1u);
  EXPECT_EQ(pubsub_.channel_count(ChannelKind::kGlobal), 1u);
  EXPECT_EQ(pubsub_.pattern_count(), 1u);

  EXPECT_TRUE(pubsub_.Unsubscribe(b, ChannelKind::kGlobal, "ch"));
  EXPECT_FALSE(pubsub_.Unsubscribe(b, ChannelKind::kGlobal, "ch"));
  EXPECT_FALSE(pubsub_.Unsubscribe(b, ChannelKind::kShard, "nosuch"));
  EXPECT_EQ(pubsub_.Subscribers(ChannelKind::kGlobal, "ch"), 1u);
  pubsub_.RemoveClient(a);
  EXPECT_EQ(a->subscriptions(), nullptr);
  EXPECT_FALSE(a->subscribed());
  EXPECT_EQ(pubsub_.channel_count(ChannelKind::kGlobal), 0u);
  EXPECT_EQ(pubsub_.channel_count(ChannelKind::kShard), 0u);
  EXPECT_EQ(pubsub_.pattern_count(), 0u);
}

TEST_F(PubSubTest, PublishFramesInBothProtocols) {
  Client* r2 = NewClient(2);
  Client* r3 = NewClient(3);
  pubsub_.Subscribe(r2, ChannelKind::kGlobal, "a");
  pubsub_.SubscribePattern(r3, "a*");
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kGlobal, "a", "hello"), 2);
  EXPECT_EQ(Take(r2), "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
  EXPECT_EQ(Take(r3), ">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$5\r\nhello\r\n");
  EXPECT_EQ(notified_.size(), 2u);
  // Binary and empty names and payloads go through untouched.
  pubsub_.Subscribe(r2, ChannelKind::kGlobal, std::string_view("\0\r\n", 3));
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kGlobal, std::string_view("\0\r\n", 3), ""), 1);
  static constexpr char kFrame[] = "*3\r\n$7\r\nmessage\r\n$3\r\n\0\r\n\r\n$0\r\n\r\n";
  EXPECT_EQ(Take(r2), std::string(kFrame, sizeof(kFrame) - 1));
}

TEST_F(PubSubTest, ChannelSubscribersFirstThenEveryMatchingPattern) {
  Client* c = NewClient();
  pubsub_.SubscribePattern(c, "ch*");
  pubsub_.Subscribe(c, ChannelKind::kGlobal, "ch1");
  pubsub_.SubscribePattern(c, "ch?");
  pubsub_.SubscribePattern(c, "x*");
  // One message for the channel, one per matching pattern: 3 deliveries.
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kGlobal, "ch1", "m"), 3);
  std::string out = Take(c);
  EXPECT_EQ(out.rfind("*3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$1\r\nm\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("$3\r\nch*\r\n$3\r\nch1\r\n"), std::string::npos);
  EXPECT_NE(out.find("$3\r\nch?\r\n$3\r\nch1\r\n"), std::string::npos);
  EXPECT_EQ(out.find("x*"), std::string::npos);
  // "*" does not match the empty channel (stringmatchlen).
  pubsub_.SubscribePattern(c, "*");
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kGlobal, "", "m"), 0);
}

TEST_F(PubSubTest, ShardChannelsAreTheirOwnNamespace) {
  Client* c = NewClient();
  pubsub_.Subscribe(c, ChannelKind::kShard, "s");
  pubsub_.SubscribePattern(c, "*");
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kShard, "s", "v"), 1);  // patterns never match
  EXPECT_EQ(Take(c), "*3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\nv\r\n");
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kGlobal, "s", "v"), 1);  // only the pattern
  EXPECT_EQ(Take(c), "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\ns\r\n$1\r\nv\r\n");
}

TEST_F(PubSubTest, LargeMessageIsOneSharedBlock) {
  std::vector<Client*> subs;
  for (int i = 0; i < 50; ++i) {
    subs.push_back(NewClient(i % 2 ? 3 : 2));
    pubsub_.Subscribe(subs.back(), ChannelKind::kGlobal, "big");
  }
  std::string message(100000, 'x');
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kGlobal, "big", message), 50);
  // Every receiver copies the small prefix and queues the same body block.
  const void* body = nullptr;
  for (Client* c : subs) {
    struct iovec iov[8];
    ASSERT_EQ(c->output().Iov(iov, 8), 2);
    if (body == nullptr) body = iov[1].iov_base;
    EXPECT_EQ(iov[1].iov_base, body);
    // The shared body counts in full for each receiver ("$3\r\nbig\r\n$100000\r\n" ... "\r\n").
    EXPECT_EQ(c->output().allocated(), ChunkedBuffer::kChunkAfterShared + message.size() + 20);
  }
  EXPECT_EQ(Take(subs[0]), "*3\r\n$7\r\nmessage\r\n$3\r\nbig\r\n$100000\r\n" + message + "\r\n");
  EXPECT_EQ(Take(subs[1]), ">3\r\n$7\r\nmessage\r\n$3\r\nbig\r\n$100000\r\n" + message + "\r\n");
}

TEST_F(PubSubTest, SmallMessagesAreCopied) {
  Client* c = NewClient();
  pubsub_.Subscribe(c, ChannelKind::kGlobal, "ch");
  c->output().Append("+OK\r\n");  // a reply not written yet
  pubsub_.Publish(ChannelKind::kGlobal, "ch", "hi");
  pubsub_.Publish(ChannelKind::kGlobal, "ch", "ho");
  struct iovec iov[4];
  EXPECT_EQ(c->output().Iov(iov, 4), 1);  // all in the owned chunk
  EXPECT_EQ(Take(c),
            "+OK\r\n*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"
            "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nho\r\n");
}

TEST_F(PubSubTest, PublishWithoutSubscribersDeliversNothing) {
  Client* c = NewClient();
  pubsub_.Subscribe(c, ChannelKind::kGlobal, "other");
  EXPECT_EQ(pubsub_.Publish(ChannelKind::kGlobal, "none", "m"), 0);
  EXPECT_TRUE(c->output().empty());
  EXPECT_TRUE(notified_.empty());
}

TEST(SubscriptionListTest, KeepsOrderAndRemovesByViewIntoItself) {
  SubscriptionList l;
  EXPECT_TRUE(l.Add("b"));
  EXPECT_TRUE(l.Add("a"));
  EXPECT_TRUE(l.Add("c"));
  EXPECT_FALSE(l.Add("a"));
  EXPECT_EQ(std::vector<std::string>(l.names().begin(), l.names().end()),
            (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_TRUE(l.Remove(l.names().front()));  // the view dies with the entry
  EXPECT_TRUE(l.Add("b"));                   // re-added: goes last
  EXPECT_EQ(std::vector<std::string>(l.names().begin(), l.names().end()),
            (std::vector<std::string>{"a", "c", "b"}));
  EXPECT_FALSE(l.Remove("zz"));
  EXPECT_TRUE(l.Contains("c"));
}

TEST(AllowedWhileSubscribedTest, RedisSubscribedContext) {
  for (const char* name : {"ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
                           "psubscribe", "punsubscribe", "quit", "reset"}) {
    EXPECT_TRUE(AllowedWhileSubscribed(name)) << name;
  }
  for (const char* name : {"get", "publish", "pubsub|channels", "hello", "multi", "echo"}) {
    EXPECT_FALSE(AllowedWhileSubscribed(name)) << name;
  }
}

// ---- Notifications ---------------------------------------------------------

class NotificationsTest : public PubSubTest {
 protected:
  NotificationsTest() : notify_(&pubsub_) {
    listener_ = NewClient();
    pubsub_.SubscribePattern(listener_, "__key*__:*");
  }
  Client* listener_;
  Notifications notify_;
};

TEST_F(NotificationsTest, KeyspaceAndKeyeventChannels) {
  notify_.set_flags(storage::ParseNotifyFlags("KEx"));
  notify_.KeyEvent(storage::kNotifyExpired, "expired", "k1", 3);
  EXPECT_EQ(Take(listener_),
            "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$17\r\n__keyspace@3__:k1\r\n"
            "$7\r\nexpired\r\n"
            "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$22\r\n__keyevent@3__:expired\r\n"
            "$2\r\nk1\r\n");
}

TEST_F(NotificationsTest, FlagsFilter) {
  struct Case {
    const char* flags;
    uint32_t type;
    size_t messages;
  } cases[] = {
      {"", storage::kNotifyExpired, 0},
      {"x", storage::kNotifyExpired, 0},   // neither K nor E: nothing
      {"KE", storage::kNotifyExpired, 0},  // the class is off
      {"Kx", storage::kNotifyExpired, 1},
      {"Ex", storage::kNotifyExpired, 1},
      {"KEA", storage::kNotifyExpired, 2},
      {"KEA", storage::kNotifyKeyMiss, 0},  // m is not part of A
      {"Em", storage::kNotifyKeyMiss, 1},
      {"KEm", storage::kNotifyString, 0},
      {"KE$", storage::kNotifyString, 2},
      {"Eg", storage::kNotifyGeneric, 1},
  };
  for (const Case& tc : cases) {
    notify_.set_flags(static_cast<uint32_t>(storage::ParseNotifyFlags(tc.flags)));
    notify_.KeyEvent(tc.type, "ev", "key", 0);
    std::string out = Take(listener_);
    size_t n = 0;
    for (size_t pos = 0; (pos = out.find("pmessage", pos)) != std::string::npos; ++pos) ++n;
    EXPECT_EQ(n, tc.messages) << tc.flags;
  }
}

TEST_F(NotificationsTest, BinaryKeyAndLargeDbIndex) {
  notify_.set_flags(storage::ParseNotifyFlags("Km"));
  std::string key("a\0b", 3);
  notify_.KeyEvent(storage::kNotifyKeyMiss, "keymiss", key, 15);
  EXPECT_EQ(Take(listener_),
            "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$19\r\n__keyspace@15__:" + key +
                "\r\n$7\r\nkeymiss\r\n");
}

}  // namespace
}  // namespace spindle::server
