#include "storage/keyspace.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace spindle::storage {
namespace {

TEST(KeyspaceTest, SetLookupDelete) {
  Keyspace ks(16);
  Database& db = ks.db(0);
  EXPECT_EQ(db.LookupRead("k", 1000), nullptr);
  db.Set("k", Value::FromString("v"));
  Value* v = db.LookupRead("k", 1000);
  ASSERT_NE(v, nullptr);
  char buf[Value::kIntScratch];
  EXPECT_EQ(v->StringView(buf), "v");
  EXPECT_EQ(ks.stats().keyspace_hits, 1u);
  EXPECT_EQ(ks.stats().keyspace_misses, 1u);
  EXPECT_TRUE(db.Delete("k", 1000));
  EXPECT_FALSE(db.Delete("k", 1000));
  EXPECT_EQ(db.size(), 0u);
}

TEST(KeyspaceTest, DatabasesAreIsolated) {
  Keyspace ks(2);
  ks.db(0).Set("k", Value::FromString("zero"));
  EXPECT_EQ(ks.db(1).LookupWrite("k", 0), nullptr);
  ks.FlushAll();
  EXPECT_EQ(ks.db(0).size(), 0u);
}

TEST(KeyspaceTest, LazyExpiryHidesAndDeletes) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::FromString("v"));
  db.SetExpire("k", 2000);
  EXPECT_NE(db.LookupWrite("k", 1999), nullptr);
  EXPECT_EQ(db.GetExpire("k"), 2000);
  // Redis's keyIsExpired: at the deadline the key still lives; past it, not.
  EXPECT_NE(db.LookupWrite("k", 2000), nullptr);
  EXPECT_EQ(db.LookupRead("k", 2001), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(ks.stats().expired_keys, 1u);
  // An expired key counts as absent for DEL too.
  db.Set("j", Value::FromString("v"));
  db.SetExpire("j", 10);
  EXPECT_FALSE(db.Delete("j", 11));
}

TEST(KeyspaceTest, ExpiryModes) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::FromString("v"));
  db.SetExpire("k", 2000);
  // Loading an AOF: a key past its deadline is alive, for every lookup.
  ks.set_expiry_mode(ExpiryMode::kOff);
  EXPECT_NE(db.LookupRead("k", 5000), nullptr);
  EXPECT_FALSE(db.IsLogicallyExpired("k", 5000));
  EXPECT_FALSE(db.ExpireIfNeeded("k", 5000));
  EXPECT_EQ(db.RandomKey(5000), std::optional<std::string>("k"));
  EXPECT_EQ(db.GetExpire("k"), 2000);  // the deadline is kept, not dropped
  // CLIENT PAUSE: absent, but not deleted.
  ks.set_expiry_mode(ExpiryMode::kPaused);
  EXPECT_EQ(db.LookupRead("k", 5000), nullptr);
  EXPECT_EQ(db.size(), 1u);
  // Normal again: deleted on the spot.
  ks.set_expiry_mode(ExpiryMode::kNormal);
  EXPECT_EQ(db.LookupRead("k", 5000), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(ks.stats().expired_keys, 1u);
}

TEST(KeyspaceTest, NoTouchWhileAChildRunsLeavesTheAccessClockAlone) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::FromString("v"));
  db.LookupRead("k", 1000);
  const uint32_t before = db.LookupWrite("k", 1000)->lru();
  ks.set_no_touch(true);
  db.LookupRead("k", 500000);
  EXPECT_EQ(db.LookupWrite("k", 500000)->lru(), before);
  ks.set_no_touch(false);
  EXPECT_NE(db.LookupWrite("k", 500000)->lru(), before);
}

TEST(KeyspaceTest, OverwriteClearsTtlUnlessKept) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::FromString("v"));
  db.SetExpire("k", 5000);
  db.Set("k", Value::FromString("w"), /*keep_ttl=*/true);
  EXPECT_EQ(db.GetExpire("k"), 5000);
  db.Set("k", Value::FromString("x"));
  EXPECT_EQ(db.GetExpire("k"), -1);
  db.SetExpire("k", 7000);
  EXPECT_TRUE(db.RemoveExpire("k"));
  EXPECT_FALSE(db.RemoveExpire("k"));
}

}  // namespace
}  // namespace spindle::storage

namespace spindle::storage {
namespace {

std::string Str(const Value& v) {
  char buf[Value::kIntScratch];
  return std::string(v.StringView(buf));
}

constexpr int64_t kNow = 1'700'000'000'000;
constexpr uint32_t kNowLru = static_cast<uint32_t>(kNow / 1000) & ((1u << 24) - 1);

TEST(KeyspaceTest, LookupsTouchTheLruClockNoTouchDoesNot) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::FromString("v")).set_lru(7);
  EXPECT_EQ(db.LookupNoTouch("k", kNow)->lru(), 7u);
  EXPECT_EQ(db.LookupRead("k", kNow)->lru(), kNowLru);
  db.LookupNoTouch("k", kNow)->set_lru(7);
  EXPECT_EQ(db.LookupWrite("k", kNow + 5000)->lru(), kNowLru + 5);
  EXPECT_EQ(ks.stats().keyspace_hits, 1u);  // only LookupRead counts
}

TEST(KeyspaceTest, SetReplacesInPlaceAndReturnsTheStoredValue) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  Value& v = db.Set("n", Value::FromString("10"));
  EXPECT_EQ(v.encoding(), Encoding::kInt);
  EXPECT_EQ(&db.Set("n", Value::FromString(std::string(50, 'x'))), &v);
  EXPECT_EQ(Str(*db.LookupWrite("n", kNow)), std::string(50, 'x'));
  EXPECT_EQ(db.size(), 1u);
}

TEST(KeyspaceTest, ExpiryIndex) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.SetExpire("missing", kNow);  // no key: nothing
  EXPECT_EQ(db.expires_size(), 0u);
  db.Set("a", Value::FromString("1"));
  db.Set("b", Value::FromString("2"));
  db.SetExpire("a", kNow + 100);
  db.SetExpire("a", kNow + 200);  // update
  EXPECT_EQ(db.expires_size(), 1u);
  EXPECT_EQ(db.GetExpire("a"), kNow + 200);
  EXPECT_EQ(db.GetExpire("b"), -1);
  EXPECT_EQ(db.GetExpire("c"), -1);
  EXPECT_FALSE(db.ExpireIfNeeded("a", kNow + 199));
  EXPECT_FALSE(db.ExpireIfNeeded("a", kNow + 200));  // at the deadline: still alive
  EXPECT_TRUE(db.ExpireIfNeeded("a", kNow + 201));
  EXPECT_FALSE(db.ExpireIfNeeded("b", kNow + 1000000));
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_FALSE(db.Exists("a", kNow));
  EXPECT_TRUE(db.Exists("b", kNow));
}

TEST(KeyspaceTest, TakeReturnsValueAndTtl) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::FromString("payload"));
  db.SetExpire("k", kNow + 10);
  int64_t ttl = 0;
  std::optional<Value> v = db.Take("k", kNow, &ttl);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(Str(*v), "payload");
  EXPECT_EQ(ttl, kNow + 10);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_FALSE(db.Take("k", kNow, &ttl).has_value());
  db.Set("p", Value::FromString("x"));
  ASSERT_TRUE(db.Take("p", kNow, &ttl).has_value());
  EXPECT_EQ(ttl, -1);
  db.Set("e", Value::FromString("x"));
  db.SetExpire("e", kNow - 1);
  EXPECT_FALSE(db.Take("e", kNow, &ttl).has_value());
}

TEST(KeyspaceTest, ActiveExpireContinuesWhereItStopped) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  for (int i = 0; i < 1000; ++i) {
    std::string k = "k" + std::to_string(i);
    db.Set(k, Value::FromString("v"));
    db.SetExpire(k, i % 2 ? kNow - 1 : kNow + 1000);  // half already expired
  }
  // Each call samples at most 20; had every call restarted at the table's
  // start, the expired keys further on would never be reached.
  size_t sampled = 0, expired = 0;
  int calls = 0;
  while (sampled < 2000) {
    // A call that ends a pass over empty buckets samples nothing (as in
    // Redis); the number of calls stays bounded all the same.
    ASSERT_LT(++calls, 1000);
    Database::ExpireStep s = db.ActiveExpire(20, kNow);
    ASSERT_LE(s.sampled, 20u + 8u);  // one bucket's chain may overshoot a little
    sampled += s.sampled;
    expired += s.expired;
    EXPECT_EQ(s.ttl_samples, s.sampled - s.expired);
    if (s.ttl_samples > 0) {
      EXPECT_EQ(s.ttl_sum, 1000 * static_cast<int64_t>(s.ttl_samples));
    }
  }
  EXPECT_EQ(expired, 500u);
  EXPECT_EQ(db.size(), 500u);
  EXPECT_EQ(db.expires_size(), 500u);
  EXPECT_EQ(ks.stats().expired_keys, 500u);
  EXPECT_EQ(db.ActiveExpire(20, kNow + 1000).expired, 0u);  // at the deadline
  EXPECT_GT(db.ActiveExpire(20, kNow + 1001).expired, 0u);
}

TEST(KeyspaceTest, RandomKey) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  EXPECT_FALSE(db.RandomKey(kNow).has_value());
  std::set<std::string> live;
  for (int i = 0; i < 20; ++i) {
    std::string k = "live" + std::to_string(i);
    db.Set(k, Value::FromString("v"));
    live.insert(k);
  }
  for (int i = 0; i < 20; ++i) {
    std::string k = "dead" + std::to_string(i);
    db.Set(k, Value::FromString("v"));
    db.SetExpire(k, kNow - 1);
  }
  std::set<std::string> got;
  for (int i = 0; i < 2000; ++i) {
    std::optional<std::string> k = db.RandomKey(kNow);
    ASSERT_TRUE(k.has_value());
    ASSERT_TRUE(live.count(*k)) << *k;  // never an expired key
    got.insert(*k);
  }
  EXPECT_EQ(got, live);  // every key comes up
}

TEST(KeyspaceTest, RandomKeyTerminatesWhenEverythingExpired) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  for (int i = 0; i < 5000; ++i) {
    std::string k = "k" + std::to_string(i);
    db.Set(k, Value::FromString("v"));
    db.SetExpire(k, kNow - 1);
  }
  // As Redis on a master: every expired key met is deleted, so one call
  // ends with an empty database, and with a live key when there is one.
  EXPECT_FALSE(db.RandomKey(kNow).has_value());
  EXPECT_EQ(db.size(), 0u);
  for (int i = 0; i < 1000; ++i) {
    std::string k = "e" + std::to_string(i);
    db.Set(k, Value::FromString("v"));
    db.SetExpire(k, kNow - 1);
  }
  db.Set("live", Value::FromString("v"));
  EXPECT_EQ(db.RandomKey(kNow), std::optional<std::string>("live"));
}

// SCAN over the Database while keys come and go and the cron resizes: every
// key present throughout is returned at least once.
TEST(KeyspaceTest, ScanGuaranteeWithInsertsDeletesAndCron) {
  std::mt19937_64 rng(42);
  Keyspace ks(1);
  Database& db = ks.db(0);
  for (int i = 0; i < 500; ++i) db.Set("stable" + std::to_string(i), Value::FromString("s"));
  std::vector<std::string> others;
  uint64_t next = 0;
  bool growing = true;
  std::set<std::string> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    cursor = db.Scan(cursor, [&](std::string_view k, const Value&) { seen.emplace(k); });
    ++calls;
    for (int j = static_cast<int>(rng() % 16); j > 0; --j) {
      if (growing) {
        others.push_back("o" + std::to_string(next++));
        db.Set(others.back(), Value::FromString("o"));
      } else if (!others.empty()) {
        size_t pick = rng() % others.size();
        std::swap(others[pick], others.back());
        ASSERT_TRUE(db.Delete(others.back(), kNow));
        others.pop_back();
      }
    }
    db.RehashStep(1);
    if (growing && others.size() > 10000) growing = false;
    if (!growing && others.empty()) growing = true;
  } while (cursor != 0);
  EXPECT_GT(calls, 1000u);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(seen.count("stable" + std::to_string(i))) << i;
}

TEST(KeyspaceTest, ForEachAndRehashStepShrinks) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  for (int i = 0; i < 10000; ++i) db.Set(std::to_string(i), Value::FromInt(i));
  for (int i = 0; i < 9900; ++i) db.Delete(std::to_string(i), kNow);
  int steps = 0;
  while (db.RehashStep(100)) ++steps;
  EXPECT_GT(steps, 0);
  size_t n = 0;
  db.ForEach([&](std::string_view k, const Value& v) {
    int64_t x;
    ASSERT_TRUE(v.GetInt(&x));
    EXPECT_EQ(std::to_string(x), k);
    ++n;
  });
  EXPECT_EQ(n, 100u);
}

TEST(KeyspaceTest, SwapDatabases) {
  Keyspace ks(3);
  ks.db(0).Set("a", Value::FromString("0"));
  ks.db(0).SetExpire("a", kNow + 5);
  ks.db(0).set_avg_ttl(5);
  ks.db(2).Set("b", Value::FromString("2"));
  ks.Swap(0, 2);
  EXPECT_EQ(ks.db(0).index(), 0);
  EXPECT_NE(ks.db(0).LookupWrite("b", kNow), nullptr);
  EXPECT_EQ(ks.db(2).GetExpire("a"), kNow + 5);
  EXPECT_EQ(ks.db(2).avg_ttl(), 5);
  EXPECT_EQ(ks.db(0).expires_size(), 0u);
}

TEST(KeyspaceTest, ClearWithFreerDetachesAtOnce) {
  Keyspace ks(2);
  for (int i = 0; i < 10000; ++i) {
    ks.db(0).Set("k" + std::to_string(i), Value::FromString(std::string(100, 'x')));
    ks.db(0).SetExpire("k" + std::to_string(i), kNow + 1000);
  }
  ks.db(0).Clear(&ks.freer());
  EXPECT_EQ(ks.db(0).size(), 0u);
  EXPECT_EQ(ks.db(0).expires_size(), 0u);
  ks.db(0).Set("new", Value::FromString("v"));  // the database is usable at once
  ks.freer().Drain();
  EXPECT_EQ(ks.freer().freed(), 10000u);
  EXPECT_EQ(ks.freer().pending(), 0u);
  ks.FlushAll(&ks.freer());
  ks.freer().Drain();
  EXPECT_EQ(ks.freer().freed(), 10001u);
  EXPECT_EQ(ks.db(0).size(), 0u);
}

TEST(BackgroundFreerTest, RunsEveryJobBeforeShutdown) {
  std::atomic<int> ran{0};
  {
    BackgroundFreer f;
    for (int i = 0; i < 1000; ++i) f.Submit([&ran] { ran.fetch_add(1); });
  }  // the destructor finishes the queue, then joins
  EXPECT_EQ(ran.load(), 1000);
  BackgroundFreer idle;  // constructed and destroyed with no work: no hang
}

}  // namespace
}  // namespace spindle::storage
