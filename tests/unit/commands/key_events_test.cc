// What the generic key commands report to the keyspace observer (db.c,
// expire.c): modified keys, keyspace events, flushed and swapped databases.
// The events were checked against redis-server 7.0.15 (notify-keyspace-events
// KEA plus n and m); the modified-key lines follow Redis's sources. Lines are
// EventRecorder's (command_harness.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

class KeyEventsTest : public ::testing::Test {
 protected:
  CommandHarness h;
};

TEST_F(KeyEventsTest, DelAndUnlinkReportEachDeletedKeyOnce) {
  h.Run({"set", "a", "1"});
  h.Run({"set", "b", "2"});
  EXPECT_EQ(h.Events({"del", "a", "a", "zz", "b"}),
            (Ev{"modified a", "g del a", "modified b", "g del b"}));
  EXPECT_EQ(h.last_reply(), Int(2));
  EXPECT_EQ(h.Events({"del", "a"}), Ev{});
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"unlink", "zz", "a"}), (Ev{"modified a", "g del a"}));
  EXPECT_EQ(h.Events({"unlink", "a"}), Ev{});
}

TEST_F(KeyEventsTest, DelOfAnExpiredKeyReportsTheExpiryOnly) {
  h.Run({"set", "a", "1", "px", "10"});
  h.set_now_ms(h.now_ms() + 20);
  EXPECT_EQ(h.Events({"del", "a"}), (Ev{"x expired a", "modified a"}));
  EXPECT_EQ(h.last_reply(), Int(0));
}

TEST_F(KeyEventsTest, ExpireFamily) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"expire", "a", "100"}), (Ev{"modified a", "g expire a"}));
  EXPECT_EQ(h.Events({"expire", "a", "100", "nx"}), Ev{});
  EXPECT_EQ(h.Events({"pexpire", "a", "100", "gt"}), Ev{});
  EXPECT_EQ(h.Events({"pexpire", "a", "1000000", "xx"}), (Ev{"modified a", "g expire a"}));
  EXPECT_EQ(h.Events({"expireat", "a", "99999999999"}), (Ev{"modified a", "g expire a"}));
  EXPECT_EQ(h.Events({"expire", "zz", "10"}), Ev{});
  EXPECT_EQ(h.Events({"expire", "a", "abc"}), Ev{});
  // A time already past deletes the key: a "del", not an "expired".
  EXPECT_EQ(h.Events({"pexpireat", "a", "1"}), (Ev{"modified a", "g del a"}));
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"expire", "a", "-5"}), (Ev{"modified a", "g del a"}));
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
}

TEST_F(KeyEventsTest, Persist) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"persist", "a"}), Ev{});
  EXPECT_EQ(h.Events({"persist", "zz"}), Ev{});
  h.Run({"expire", "a", "100"});
  EXPECT_EQ(h.Events({"persist", "a"}), (Ev{"modified a", "g persist a"}));
}

TEST_F(KeyEventsTest, RenameReportsNewEvenOverAnExistingKey) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"rename", "a", "b"}),
            (Ev{"n new b", "modified a", "modified b", "g rename_from a", "g rename_to b"}));
  h.Run({"set", "c", "3"});
  // The old destination goes silently; the renamed key is "new" there.
  EXPECT_EQ(h.Events({"rename", "b", "c"}),
            (Ev{"n new c", "modified b", "modified c", "g rename_from b", "g rename_to c"}));
  EXPECT_EQ(h.Events({"rename", "c", "c"}), Ev{});
  EXPECT_EQ(h.Events({"rename", "zz", "c"}), Ev{});
  h.Run({"set", "d", "4"});
  EXPECT_EQ(h.Events({"renamenx", "c", "d"}), Ev{});
  EXPECT_EQ(h.Events({"renamenx", "c", "e"}),
            (Ev{"n new e", "modified c", "modified e", "g rename_from c", "g rename_to e"}));
}

TEST_F(KeyEventsTest, CopyReportsTheDestinationInItsDatabase) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"copy", "a", "b"}), (Ev{"n new b", "modified b", "g copy_to b"}));
  EXPECT_EQ(h.Events({"copy", "a", "b"}), Ev{});
  EXPECT_EQ(h.Events({"copy", "a", "b", "replace"}), (Ev{"n new b", "modified b", "g copy_to b"}));
  EXPECT_EQ(h.Events({"copy", "a", "b", "db", "3"}),
            (Ev{"n@3 new b", "modified@3 b", "g@3 copy_to b"}));
  EXPECT_EQ(h.Events({"copy", "zz", "b"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"copy", "a", "a"}), Ev{});  // an error
}

TEST_F(KeyEventsTest, MoveReportsBothDatabases) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"move", "a", "2"}),
            (Ev{"n@2 new a", "modified a", "modified@2 a", "g move_from a", "g@2 move_to a"}));
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"move", "a", "2"}), Ev{});  // already there
  EXPECT_EQ(h.Events({"move", "zz", "2"}), Ev{});
  h.select(2);
  EXPECT_EQ(h.Events({"move", "a", "0"}), Ev{});  // the key exists in 0 too
}

TEST_F(KeyEventsTest, SwapDbTellsTheObserverAndPublishesNothing) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"swapdb", "0", "1"}), (Ev{"swapped 0 1"}));
  EXPECT_EQ(h.Events({"swapdb", "4", "4"}), Ev{});  // nothing to swap, nothing touched
  EXPECT_EQ(h.Events({"swapdb", "0", "99"}), Ev{});
}

TEST_F(KeyEventsTest, FlushTellsTheObserverBeforeTheKeysGo) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"flushdb"}), (Ev{"flushed 0"}));
  h.select(3);
  EXPECT_EQ(h.Events({"flushdb", "async"}), (Ev{"flushed 3"}));
  EXPECT_EQ(h.Events({"flushall"}), (Ev{"flushed -1"}));
  EXPECT_EQ(h.Events({"flushall", "bogus"}), Ev{});
}

// An observer that checks, when told of a flush, that the keys are still
// there (WATCH and client-side caching need them).
TEST_F(KeyEventsTest, FlushedDatabaseStillHoldsItsKeysWhenReported) {
  struct Probe : storage::KeyspaceObserver {
    storage::Keyspace* ks = nullptr;
    int64_t size_seen = -1;
    void KeyModified(int, std::string_view) override {}
    void KeyEvent(uint32_t, std::string_view, std::string_view, int) override {}
    void DatabaseFlushed(int db) override {
      size_seen = static_cast<int64_t>(ks->db(db < 0 ? 0 : db).size());
    }
    void DatabasesSwapped(int, int) override {}
  } probe;
  probe.ks = &h.keyspace();
  h.Run({"set", "a", "1"});
  h.Run({"set", "b", "1"});
  h.keyspace().set_observer(&probe);
  h.Run({"flushdb"});
  EXPECT_EQ(probe.size_seen, 2);
  h.Run({"set", "a", "1"});
  h.Run({"flushall"});
  EXPECT_EQ(probe.size_seen, 1);
  h.keyspace().set_observer(nullptr);
}

TEST_F(KeyEventsTest, ReadsReportOnlyMisses) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Events({"touch", "a", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"exists", "zz", "a"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"type", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"ttl", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"pexpiretime", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"keys", "*"}), Ev{});
  EXPECT_EQ(h.Events({"dbsize"}), Ev{});
}

// SCAN ... TYPE looks each key up as a read that reports its miss: a key
// whose TTL has passed is expired, then missed. Without TYPE the expiry
// alone is reported.
TEST_F(KeyEventsTest, ScanTypeReportsTheMissOfAnExpiredKey) {
  h.Run({"set", "a", "1"});
  h.Run({"set", "b", "1", "px", "10"});
  h.set_now_ms(h.now_ms() + 20);
  EXPECT_EQ(h.Events({"scan", "0", "type", "string"}),
            (Ev{"x expired b", "modified b", "m keymiss b"}));
  h.Run({"set", "c", "1", "px", "10"});
  h.set_now_ms(h.now_ms() + 20);
  EXPECT_EQ(h.Events({"scan", "0"}), (Ev{"x expired c", "modified c"}));
}

}  // namespace
}  // namespace spindle::commands::testing
