// Client-side caching without a server: the key table, the BCAST prefix
// table, and Tracking's messages to clients that are never connected. The
// expected frames are what redis-server 7.0.15 sends in the same situations
// (tests/integration/test_tracking.py checks them against both servers).

#include "server/tracking.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "server/client.h"

namespace spindle::server {
namespace {

using Ids = std::vector<uint64_t>;

// ---------------------------------------------------------------------------
// TrackingTable

TEST(TrackingTableTest, RemembersEachClientOncePerKey) {
  TrackingTable t;
  EXPECT_TRUE(t.Remember("k", 7));
  EXPECT_FALSE(t.Remember("k", 7));
  EXPECT_TRUE(t.Remember("k", 3));
  EXPECT_TRUE(t.Remember("other", 7));
  EXPECT_EQ(t.keys(), 2u);
  EXPECT_EQ(t.items(), 3u);

  Ids ids;
  EXPECT_TRUE(t.Take("k", &ids));
  EXPECT_EQ(ids, (Ids{3, 7}));
  EXPECT_EQ(t.keys(), 1u);
  EXPECT_EQ(t.items(), 1u);
  EXPECT_FALSE(t.Take("k", &ids));  // forgotten with its invalidation
  EXPECT_TRUE(ids.empty());

  t.Clear();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.items(), 0u);
}

TEST(TrackingTableTest, ClientsInRedisOrder) {
  // Redis's radix tree sorts the ids' little-endian bytes: 256 (00 01 ...)
  // before 1 (01 00 ...), 257 (01 01 ...) after 1.
  TrackingTable t;
  for (uint64_t id : {257, 1, 256, 2, 65536}) t.Remember("k", id);
  Ids ids;
  t.Take("k", &ids);
  EXPECT_EQ(ids, (Ids{65536, 256, 1, 257, 2}));
}

TEST(TrackingTableTest, BinaryKeys) {
  TrackingTable t;
  const std::string nul("a\0b", 3);
  EXPECT_TRUE(t.Remember(nul, 1));
  EXPECT_TRUE(t.Remember("a", 1));
  Ids ids;
  EXPECT_TRUE(t.Take(nul, &ids));
  EXPECT_TRUE(t.Take("a", &ids));
}

TEST(TrackingTableTest, RandomKeyReachesEveryKey) {
  TrackingTable t;
  std::mt19937_64 rng(42);
  EXPECT_FALSE(t.RandomKey(rng).has_value());
  for (int i = 0; i < 50; ++i) t.Remember("key:" + std::to_string(i), 1);
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    auto k = t.RandomKey(rng);
    ASSERT_TRUE(k.has_value());
    seen.insert(std::string(*k));
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(TrackingTableTest, RandomKeyAfterTheTableShrank) {
  // A table that held many keys and kept few still finds them quickly.
  TrackingTable t;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) t.Remember(std::to_string(i), 1);
  Ids ids;
  for (int i = 0; i < 100000; ++i) {
    if (i % 10000 != 0) t.Take(std::to_string(i), &ids);
  }
  ASSERT_EQ(t.keys(), 10u);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(std::string(*t.RandomKey(rng)));
  EXPECT_EQ(seen.size(), 10u);
}

// ---------------------------------------------------------------------------
// PrefixTable

TEST(PrefixTableTest, SubscriptionsAndMatching) {
  PrefixTable p;
  EXPECT_TRUE(p.Add("user:", 1));
  EXPECT_FALSE(p.Add("user:", 1));
  EXPECT_TRUE(p.Add("user:", 2));
  EXPECT_TRUE(p.Add("", 3));
  EXPECT_TRUE(p.Add("zz", 4));
  EXPECT_EQ(p.size(), 3u);

  p.KeyModified("user:1", 2);
  p.KeyModified("user", 0);  // shorter than "user:": only "" matches
  p.KeyModified("user:1", 1);  // the last modifier wins
  p.KeyModified("a", 0);

  std::vector<std::string> prefixes;
  std::map<std::string, std::map<std::string, uint64_t>> got;
  p.Drain([&](const std::string& prefix, const PrefixTable::State& s) {
    prefixes.push_back(prefix);
    got[prefix] = s.keys;
  });
  EXPECT_EQ(prefixes, (std::vector<std::string>{"", "user:"}));  // in prefix order, zz had none
  EXPECT_EQ(got[""], (std::map<std::string, uint64_t>{{"a", 0}, {"user", 0}, {"user:1", 1}}));
  EXPECT_EQ(got["user:"], (std::map<std::string, uint64_t>{{"user:1", 1}}));

  int calls = 0;
  p.Drain([&](const std::string&, const PrefixTable::State&) { ++calls; });
  EXPECT_EQ(calls, 0);  // drained

  p.Remove("user:", 1);
  ASSERT_NE(p.Find("user:"), nullptr);
  p.Remove("user:", 2);
  EXPECT_EQ(p.Find("user:"), nullptr);  // no client left: the prefix goes
  EXPECT_EQ(p.size(), 2u);
}

TEST(PrefixTableTest, RemovingAPrefixWithPendingKeys) {
  PrefixTable p;
  p.Add("a", 1);
  p.Add("b", 1);
  p.KeyModified("a1", 0);
  p.KeyModified("b1", 0);
  p.Remove("a", 1);
  std::vector<std::string> prefixes;
  p.Drain([&](const std::string& prefix, const PrefixTable::State&) { prefixes.push_back(prefix); });
  EXPECT_EQ(prefixes, (std::vector<std::string>{"b"}));
}

// ---------------------------------------------------------------------------
// Tracking

constexpr char kPush[] = ">2\r\n$10\r\ninvalidate\r\n";
constexpr char kMessage[] = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";

std::string Keys(std::initializer_list<std::string_view> keys) {
  std::string s = "*" + std::to_string(keys.size()) + "\r\n";
  for (std::string_view k : keys) {
    s += "$" + std::to_string(k.size()) + "\r\n" + std::string(k) + "\r\n";
  }
  return s;
}

class TrackingTest : public ::testing::Test {
 protected:
  TrackingTest()
      : tracking_(
            [this](uint64_t id) {
              auto it = clients_.find(id);
              return it == clients_.end() ? nullptr : it->second.get();
            },
            [this](Client* c) { notified_.insert(c->id()); }) {
    get_ = commands::MakeCommand("mget", -2, commands::kCmdReadOnly, 0, {1, -1, 1}, nullptr, "",
                                 "", "string", "");
  }

  Client* NewClient(int resp) {
    const uint64_t id = next_id_++;
    auto c = std::make_unique<Client>(nullptr, -1, id, net::PeerAddress(), 0);
    c->reply().set_resp(resp);
    Client* raw = c.get();
    clients_[id] = std::move(c);
    return raw;
  }
  void Drop(Client* c) {
    tracking_.Disable(c);
    clients_.erase(c->id());
  }
  static std::string Take(Client* c) {
    std::string s = c->output().ToString();
    c->output().Clear();
    return s;
  }
  void On(Client* c, TrackingOptions o = {}, uint64_t redirect = 0,
          std::vector<std::string_view> prefixes = {}) {
    tracking_.Enable(c, redirect, o, prefixes);
  }
  // c read keys with a read-only command.
  void Read(Client* c, std::vector<std::string_view> keys) {
    std::vector<std::string_view> args{"mget"};
    args.insert(args.end(), keys.begin(), keys.end());
    tracking_.RememberKeys(c, get_, args);
  }
  // Runs fn as c's command: current client, executing, then the flush that
  // follows the reply.
  template <typename Fn>
  void AsCommand(Client* c, Fn fn) {
    tracking_.set_current(c);
    tracking_.set_executing(true);
    fn();
    tracking_.set_executing(false);
    tracking_.FlushPending();
    tracking_.set_current(nullptr);
  }

  std::map<uint64_t, std::unique_ptr<Client>> clients_;
  std::set<uint64_t> notified_;
  Tracking tracking_;
  commands::CommandSpec get_;
  uint64_t next_id_ = 1;
};

TEST_F(TrackingTest, DefaultModeInvalidatesOnceThenForgets) {
  Client* a = NewClient(3);
  On(a);
  EXPECT_EQ(tracking_.tracking_clients(), 1u);
  Read(a, {"x", "y", "x"});
  EXPECT_EQ(tracking_.total_keys(), 2u);
  EXPECT_EQ(tracking_.total_items(), 2u);

  tracking_.KeyModified("x", false);
  EXPECT_EQ(Take(a), std::string(kPush) + Keys({"x"}));
  EXPECT_EQ(notified_.count(a->id()), 1u);
  tracking_.KeyModified("x", false);
  EXPECT_EQ(Take(a), "");  // told once: the key is no longer tracked
  tracking_.KeyModified("never-read", false);
  EXPECT_EQ(Take(a), "");
  EXPECT_EQ(tracking_.total_keys(), 1u);
}

TEST_F(TrackingTest, OwnWritesFollowTheReply) {
  Client* a = NewClient(3);
  On(a);
  Read(a, {"k"});
  AsCommand(a, [&] {
    tracking_.KeyModified("k", false);
    EXPECT_EQ(Take(a), "");  // held back while the command runs
    a->output().Append("+OK\r\n");
  });
  EXPECT_EQ(Take(a), "+OK\r\n" + std::string(kPush) + Keys({"k"}));
}

TEST_F(TrackingTest, NoLoopSkipsOwnWritesOnly) {
  Client* a = NewClient(3);
  Client* b = NewClient(3);
  TrackingOptions noloop;
  noloop.noloop = true;
  On(a, noloop);
  Read(a, {"k", "j"});
  AsCommand(a, [&] { tracking_.KeyModified("k", false); });
  EXPECT_EQ(Take(a), "");
  AsCommand(b, [&] { tracking_.KeyModified("j", false); });
  EXPECT_EQ(Take(a), std::string(kPush) + Keys({"j"}));
  EXPECT_EQ(tracking_.total_keys(), 0u);  // k was forgotten all the same
}

TEST_F(TrackingTest, OptInAndOptOutFollowCaching) {
  Client* in = NewClient(3);
  Client* out = NewClient(3);
  TrackingOptions optin, optout;
  optin.optin = true;
  optout.optout = true;
  On(in, optin);
  On(out, optout);
  Read(in, {"a"});
  Read(out, {"b"});
  EXPECT_EQ(tracking_.total_keys(), 1u);  // only b (OPTOUT tracks by default)
  in->tracking()->caching = true;
  out->tracking()->caching = true;
  Read(in, {"c"});
  Read(out, {"d"});  // CACHING NO
  tracking_.KeyModified("a", false);
  tracking_.KeyModified("b", false);
  tracking_.KeyModified("c", false);
  tracking_.KeyModified("d", false);
  EXPECT_EQ(Take(in), std::string(kPush) + Keys({"c"}));
  EXPECT_EQ(Take(out), std::string(kPush) + Keys({"b"}));
}

TEST_F(TrackingTest, Resp2WithoutRedirectGetsNothing) {
  Client* a = NewClient(2);
  On(a);
  Read(a, {"k"});
  tracking_.KeyModified("k", false);
  EXPECT_EQ(Take(a), "");
  EXPECT_EQ(tracking_.total_keys(), 0u);
}

TEST_F(TrackingTest, RedirectTargets) {
  Client* sub = NewClient(2);
  sub->EnsureSubscriptions().channels.Add("anything");  // any subscription will do
  Client* plain = NewClient(2);
  Client* resp3 = NewClient(3);
  Client* a = NewClient(2);
  Client* b = NewClient(3);
  Client* c = NewClient(2);
  On(a, {}, sub->id());
  On(b, {}, resp3->id());
  On(c, {}, plain->id());
  Read(a, {"k"});
  Read(b, {"k"});
  Read(c, {"k"});
  tracking_.KeyModified("k", false);
  EXPECT_EQ(Take(sub), std::string(kMessage) + Keys({"k"}));
  EXPECT_EQ(Take(resp3), std::string(kPush) + Keys({"k"}));
  EXPECT_EQ(Take(plain), "");  // RESP2 and not subscribed: nothing
  EXPECT_EQ(Take(a) + Take(b) + Take(c), "");
}

TEST_F(TrackingTest, BrokenRedirectIsToldEachTime) {
  Client* target = NewClient(3);
  Client* a = NewClient(3);
  Client* two = NewClient(2);
  On(a, {}, target->id());
  On(two, {}, target->id());
  const std::string target_id = std::to_string(target->id());
  Read(a, {"x", "y"});
  Read(two, {"x"});
  Drop(target);
  tracking_.KeyModified("x", false);
  const std::string broken = ">2\r\n$21\r\ntracking-redir-broken\r\n:" + target_id + "\r\n";
  EXPECT_EQ(Take(a), broken);
  EXPECT_TRUE(a->tracking()->broken_redirect);
  EXPECT_EQ(Take(two), "");  // a RESP2 client only gets the flag
  EXPECT_TRUE(two->tracking()->broken_redirect);
  tracking_.KeyModified("y", false);
  EXPECT_EQ(Take(a), broken);
  tracking_.DatabaseFlushed();
  EXPECT_EQ(Take(a), broken);
  // Turning tracking on again clears the flag.
  On(a);
  EXPECT_FALSE(a->tracking()->broken_redirect);
}

TEST_F(TrackingTest, FlushSendsTheTrackingClientsNull) {
  Client* sub = NewClient(2);
  sub->EnsureSubscriptions().channels.Add("__redis__:invalidate");
  Client* resp3_target = NewClient(3);
  Client* a = NewClient(3);
  Client* b = NewClient(3);
  Client* c = NewClient(2);
  Client* idle = NewClient(3);  // not tracking
  On(a);
  TrackingOptions bcast;
  bcast.bcast = true;
  On(b, bcast);
  On(c, {}, resp3_target->id());
  Client* d = NewClient(3);
  On(d, {}, sub->id());
  Read(a, {"k1", "k2"});
  tracking_.DatabaseFlushed();
  EXPECT_EQ(Take(a), std::string(kPush) + "_\r\n");
  EXPECT_EQ(Take(b), std::string(kPush) + "_\r\n");
  // The null is the tracking client's: RESP2 c sends "$-1" to a RESP3
  // target, RESP3 d a "_" to a RESP2 subscriber.
  EXPECT_EQ(Take(resp3_target), std::string(kPush) + "$-1\r\n");
  EXPECT_EQ(Take(sub), std::string(kMessage) + "_\r\n");
  EXPECT_EQ(Take(idle), "");
  EXPECT_EQ(tracking_.total_keys(), 0u);
  EXPECT_EQ(tracking_.total_items(), 0u);
  tracking_.KeyModified("k1", false);
  EXPECT_EQ(Take(a), "");
}

TEST_F(TrackingTest, FlushByTheCurrentClientFollowsItsReply) {
  Client* a = NewClient(3);
  Client* b = NewClient(3);
  TrackingOptions noloop;
  noloop.noloop = true;
  On(a, noloop);  // NOLOOP does not apply to flushes
  On(b);
  AsCommand(a, [&] {
    tracking_.DatabaseFlushed();
    EXPECT_EQ(Take(a), "");
    EXPECT_EQ(Take(b), std::string(kPush) + "_\r\n");
    a->output().Append("+OK\r\n");
  });
  EXPECT_EQ(Take(a), "+OK\r\n" + std::string(kPush) + "_\r\n");
}

TEST_F(TrackingTest, PendingInvalidationsAfterTrackingOffKeepTheRedirect) {
  // A transaction writes a key its client tracks, then turns tracking off:
  // the held-back invalidation still goes where the client redirected.
  Client* target = NewClient(3);
  Client* a = NewClient(2);
  On(a, {}, target->id());
  Read(a, {"k"});
  AsCommand(a, [&] {
    tracking_.KeyModified("k", false);
    tracking_.Disable(a);
  });
  EXPECT_EQ(Take(target), std::string(kPush) + Keys({"k"}));
}

TEST_F(TrackingTest, BrokenFlagOutlivesTrackingOff) {
  // The same with the target gone: the flag is set on a client that no
  // longer tracks, and stays until tracking is turned on again.
  Client* target = NewClient(3);
  Client* a = NewClient(3);
  On(a, {}, target->id());
  Read(a, {"k"});
  Drop(target);
  AsCommand(a, [&] {
    tracking_.KeyModified("k", false);
    tracking_.Disable(a);
  });
  EXPECT_EQ(Take(a), ">2\r\n$21\r\ntracking-redir-broken\r\n:1\r\n");
  EXPECT_TRUE(tracking_.RedirectBroken(a));
  tracking_.Disable(a);  // OFF again: Redis leaves the flag of a client that does not track
  EXPECT_TRUE(tracking_.RedirectBroken(a));
  On(a);
  EXPECT_FALSE(tracking_.RedirectBroken(a));
  tracking_.Disable(a);
  EXPECT_FALSE(tracking_.RedirectBroken(a));
}

TEST_F(TrackingTest, BroadcastOneMessagePerPrefix) {
  Client* a = NewClient(3);
  Client* all = NewClient(3);
  Client* noloop = NewClient(3);
  TrackingOptions bcast;
  bcast.bcast = true;
  On(a, bcast, 0, {"b", "a"});
  On(all, bcast);  // no prefix: ""
  TrackingOptions bcast_noloop = bcast;
  bcast_noloop.noloop = true;
  On(noloop, bcast_noloop, 0, {"a"});
  EXPECT_EQ(a->tracking()->prefixes, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(all->tracking()->prefixes, (std::set<std::string>{""}));
  EXPECT_EQ(tracking_.total_prefixes(), 3u);

  AsCommand(all, [&] {
    tracking_.KeyModified("a2", false);
    tracking_.KeyModified("b1", false);
    tracking_.KeyModified("a1", false);
    tracking_.KeyModified("c", false);
  });
  AsCommand(noloop, [&] { tracking_.KeyModified("a3", false); });
  EXPECT_EQ(Take(a), "");  // nothing before the loop sleeps
  tracking_.BroadcastPending();
  EXPECT_EQ(Take(a), std::string(kPush) + Keys({"a1", "a2", "a3"}) + kPush + Keys({"b1"}));
  EXPECT_EQ(Take(all), std::string(kPush) + Keys({"a1", "a2", "a3", "b1", "c"}));
  EXPECT_EQ(Take(noloop), std::string(kPush) + Keys({"a1", "a2"}));  // not its own a3

  // Only its own keys: no message at all. An expired key has no modifier.
  AsCommand(noloop, [&] {
    tracking_.KeyModified("a4", false);
    tracking_.KeyModified("a5", true);
  });
  tracking_.BroadcastPending();
  EXPECT_EQ(Take(noloop), std::string(kPush) + Keys({"a5"}));
  EXPECT_EQ(Take(a), std::string(kPush) + Keys({"a4", "a5"}));
  tracking_.BroadcastPending();
  EXPECT_EQ(Take(a), "");

  // BCAST clients never enter the key table.
  Read(a, {"a9"});
  EXPECT_EQ(tracking_.total_keys(), 0u);

  Drop(a);
  EXPECT_EQ(tracking_.total_prefixes(), 2u);  // "a" stays for noloop
  Drop(noloop);
  EXPECT_EQ(tracking_.total_prefixes(), 1u);
}

TEST_F(TrackingTest, EnableAddsPrefixesAndKeepsCaching) {
  Client* a = NewClient(3);
  TrackingOptions bcast;
  bcast.bcast = true;
  On(a, bcast, 0, {"a"});
  On(a, bcast, 0, {"b"});
  On(a, bcast);  // adds ""
  EXPECT_EQ(a->tracking()->prefixes, (std::set<std::string>{"", "a", "b"}));
  EXPECT_EQ(tracking_.tracking_clients(), 1u);

  Client* b = NewClient(3);
  TrackingOptions optin;
  optin.optin = true;
  On(b, optin);
  b->tracking()->caching = true;
  On(b, optin);
  EXPECT_TRUE(b->tracking()->caching);
  tracking_.Disable(b);
  EXPECT_EQ(b->tracking(), nullptr);
  EXPECT_EQ(tracking_.tracking_clients(), 1u);
}

TEST_F(TrackingTest, PrefixCollisions) {
  Client* a = NewClient(3);
  std::vector<std::string_view> p{"a", "b", "bc"};
  auto r = tracking_.CheckPrefixes(a, p);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->error,
            "ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single "
            "client must not overlap.");
  EXPECT_FALSE(r->stops);  // Redis 7.0 replies the error and goes on
  std::vector<std::string_view> first{"ab", "a"};
  r = tracking_.CheckPrefixes(a, first);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->stops);
  std::vector<std::string_view> fine{"a", "b"};
  EXPECT_FALSE(tracking_.CheckPrefixes(a, fine).has_value());

  TrackingOptions bcast;
  bcast.bcast = true;
  On(a, bcast, 0, {"a"});
  std::vector<std::string_view> again{"x", "ab"};
  r = tracking_.CheckPrefixes(a, again);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->error,
            "ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a single client "
            "must not overlap.");
  EXPECT_TRUE(r->stops);
}

TEST_F(TrackingTest, StaleEntriesGoLazily) {
  Client* a = NewClient(3);
  Client* b = NewClient(3);
  On(a);
  On(b);
  Read(a, {"k"});
  Read(b, {"k"});
  Drop(a);
  tracking_.Disable(b);
  EXPECT_EQ(tracking_.total_items(), 2u);  // as Redis: kept until the key changes
  On(b);  // tracking again: the old entry still counts
  tracking_.KeyModified("k", false);
  EXPECT_EQ(Take(b), std::string(kPush) + Keys({"k"}));
  EXPECT_EQ(tracking_.total_items(), 0u);
}

TEST_F(TrackingTest, LimitEvictsWithInvalidations) {
  Client* a = NewClient(3);
  On(a);
  for (int i = 0; i < 10; ++i) Read(a, {"k" + std::to_string(i)});
  std::vector<std::string> keys;
  for (int i = 0; i < 10; ++i) keys.push_back("k" + std::to_string(i));
  tracking_.LimitKeys(0);  // no limit
  EXPECT_EQ(tracking_.total_keys(), 10u);
  tracking_.LimitKeys(10);
  EXPECT_EQ(tracking_.total_keys(), 10u);
  tracking_.LimitKeys(4);
  EXPECT_EQ(tracking_.total_keys(), 4u);
  // Six invalidations, one key each.
  std::string out = Take(a);
  size_t pushes = 0;
  for (size_t pos = 0; (pos = out.find(kPush, pos)) != std::string::npos; pos += 1) ++pushes;
  EXPECT_EQ(pushes, 6u);
}

TEST_F(TrackingTest, LimitEffortIsBoundedPerCall) {
  Client* a = NewClient(3);
  On(a);
  for (int i = 0; i < 1000; ++i) Read(a, {std::to_string(i)});
  tracking_.LimitKeys(1);
  EXPECT_EQ(tracking_.total_keys(), 900u);  // 100 keys the first time
  tracking_.LimitKeys(1);
  EXPECT_EQ(tracking_.total_keys(), 700u);  // 200 the second
  tracking_.LimitKeys(1);
  EXPECT_EQ(tracking_.total_keys(), 400u);
  tracking_.LimitKeys(1);
  EXPECT_EQ(tracking_.total_keys(), 1u);  // back under: the effort resets
  for (int i = 0; i < 500; ++i) Read(a, {"again" + std::to_string(i)});
  tracking_.LimitKeys(1);
  EXPECT_EQ(tracking_.total_keys(), 401u);
}

TEST_F(TrackingTest, ClosingTargetsGetNothing) {
  Client* a = NewClient(3);
  On(a);
  Read(a, {"k"});
  a->MarkCloseAfterReply();
  tracking_.KeyModified("k", false);
  EXPECT_EQ(Take(a), "");
}

}  // namespace
}  // namespace spindle::server
