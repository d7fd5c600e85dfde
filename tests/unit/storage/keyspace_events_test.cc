#include "storage/keyspace_events.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/keyspace.h"

namespace spindle::storage {
namespace {

TEST(NotifyFlagsTest, ParsesEveryLetterAndRejectsOthers) {
  EXPECT_EQ(ParseNotifyFlags(""), 0);
  EXPECT_EQ(ParseNotifyFlags("KEA"), kNotifyKeyspace | kNotifyKeyevent | kNotifyAll);
  EXPECT_EQ(ParseNotifyFlags("Ex"), kNotifyKeyevent | kNotifyExpired);
  EXPECT_EQ(ParseNotifyFlags("g$lshzxetmdn"),
            kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash | kNotifyZset |
                kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyKeyMiss |
                kNotifyModule | kNotifyNew);
  EXPECT_EQ(ParseNotifyFlags("KEq"), -1);
  EXPECT_EQ(ParseNotifyFlags(std::string_view("K\0q", 3)), kNotifyKeyspace);  // a C string
}

TEST(NotifyFlagsTest, FormatsAsRedisDoes) {
  EXPECT_EQ(NotifyFlagsToString(0), "");
  // Every class of A spelled out collapses to A; K, E and m come last.
  EXPECT_EQ(NotifyFlagsToString(static_cast<uint32_t>(ParseNotifyFlags("g$lshzxetdKE"))), "AKE");
  EXPECT_EQ(NotifyFlagsToString(static_cast<uint32_t>(ParseNotifyFlags("mElg"))), "glEm");
  EXPECT_EQ(NotifyFlagsToString(static_cast<uint32_t>(ParseNotifyFlags("nx"))), "xn");
}

class Recorder : public KeyspaceObserver {
 public:
  void KeyModified(int db, std::string_view key) override {
    log.push_back("modified " + std::to_string(db) + " " + std::string(key));
  }
  void KeyEvent(uint32_t type, std::string_view event, std::string_view key, int db) override {
    log.push_back("event " + std::to_string(type) + " " + std::string(event) + " " +
                  std::string(key) + " " + std::to_string(db));
  }
  void DatabaseFlushed(int db) override { log.push_back("flushed " + std::to_string(db)); }
  void DatabasesSwapped(int a, int b) override {
    log.push_back("swapped " + std::to_string(a) + " " + std::to_string(b));
  }
  std::vector<std::string> log;
};

TEST(KeyspaceObserverTest, LazyExpiryAndMissesAreReported) {
  Keyspace ks(16);
  Recorder rec;
  ks.set_observer(&rec);
  Database& db = ks.db(3);
  db.Set("k", Value::FromString("v"));
  db.SetExpire("k", 1000);
  EXPECT_EQ(rec.log, std::vector<std::string>{"event " + std::to_string(kNotifyNew) + " new k 3"});
  rec.log.clear();
  EXPECT_NE(db.LookupWrite("k", 1000), nullptr);  // not yet past the deadline
  EXPECT_TRUE(rec.log.empty());
  EXPECT_EQ(db.LookupRead("k", 1001), nullptr);
  const std::vector<std::string> want = {
      "event " + std::to_string(kNotifyExpired) + " expired k 3",
      "modified 3 k",
      "event " + std::to_string(kNotifyKeyMiss) + " keymiss k 3",
  };
  EXPECT_EQ(rec.log, want);
  // A write lookup of an absent key is no miss.
  rec.log.clear();
  EXPECT_EQ(db.LookupWrite("absent", 1001), nullptr);
  EXPECT_TRUE(rec.log.empty());
}

TEST(KeyspaceObserverTest, ActiveExpiryIsReported) {
  Keyspace ks(16);
  Recorder rec;
  ks.set_observer(&rec);
  Database& db = ks.db(0);
  db.Set("a", Value::FromString("1"));
  db.SetExpire("a", 10);
  db.Set("b", Value::FromString("2"));
  rec.log.clear();
  db.ActiveExpire(20, 100);
  const std::vector<std::string> want = {
      "event " + std::to_string(kNotifyExpired) + " expired a 0",
      "modified 0 a",
  };
  EXPECT_EQ(rec.log, want);
  ks.set_observer(nullptr);  // back to the no-op observer
  db.Set("c", Value::FromString("3"));
  db.SetExpire("c", 10);
  EXPECT_EQ(db.LookupRead("c", 100), nullptr);
  EXPECT_EQ(rec.log.size(), 2u);
}

// Redis's dbAdd announces a key that did not exist; dbOverwrite is silent,
// and so is SetExpire.
TEST(KeyspaceObserverTest, SetReportsNewKeysOnly) {
  Keyspace ks(16);
  Recorder rec;
  ks.set_observer(&rec);
  Database& db = ks.db(5);
  db.Set("k", Value::FromString("1"));
  db.Set("k", Value::FromString("2"));
  db.SetExpire("k", 50);
  db.Set("k", Value::FromString("3"), /*keep_ttl=*/true);
  EXPECT_TRUE(db.Delete("k", 10));
  db.Set("k", Value::FromString("4"));
  const std::string new_k = "event " + std::to_string(kNotifyNew) + " new k 5";
  EXPECT_EQ(rec.log, (std::vector<std::string>{new_k, new_k}));
}

}  // namespace
}  // namespace spindle::storage
