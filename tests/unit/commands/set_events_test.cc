// What the set commands report to the keyspace observer (t_set.c). The
// events were checked against redis-server 7.0.15 (notify-keyspace-events
// KEA plus n and m). Lines are EventRecorder's (command_harness.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

class SetEventsTest : public ::testing::Test {
 protected:
  SetEventsTest() { h.Register(RegisterSetCommands); }
  CommandHarness h;
};

TEST_F(SetEventsTest, SaddReportsOnlyAdditions) {
  EXPECT_EQ(h.Events({"sadd", "s", "1", "2"}), (Ev{"n new s", "modified s", "s sadd s"}));
  EXPECT_EQ(h.Events({"sadd", "s", "1"}), Ev{});
  EXPECT_EQ(h.Events({"sadd", "s", "3", "1"}), (Ev{"modified s", "s sadd s"}));
}

TEST_F(SetEventsTest, SremReportsOnceAndDelWhenEmptied) {
  h.Run({"sadd", "s", "a", "b", "c"});
  EXPECT_EQ(h.Events({"srem", "s", "zz"}), Ev{});
  EXPECT_EQ(h.Events({"srem", "none", "a"}), Ev{});
  EXPECT_EQ(h.Events({"srem", "s", "a", "zz", "b"}), (Ev{"modified s", "s srem s"}));
  EXPECT_EQ(h.Events({"srem", "s", "c", "zz"}), (Ev{"modified s", "s srem s", "g del s"}));
}

// Redis's dbDelete of an empty result's destination ignores the TTL: a
// destination past its TTL but still in the table is deleted with a "del"
// (found by the notify differential family).
TEST_F(SetEventsTest, EmptyStoreResultDeletesAnExpiredDestinationWithDel) {
  h.Run({"sadd", "dst", "a"});
  h.Run({"pexpire", "dst", "10"});
  h.set_now_ms(h.now_ms() + 20);
  EXPECT_EQ(h.Events({"sinterstore", "dst", "nosuch"}),
            (Ev{"m keymiss nosuch", "modified dst", "g del dst"}));
  EXPECT_EQ(h.Events({"sinterstore", "dst", "nosuch"}), Ev{"m keymiss nosuch"});
}

TEST_F(SetEventsTest, SmoveReportsSremThenSadd) {
  h.Run({"sadd", "s", "a", "b", "c"});
  EXPECT_EQ(h.Events({"smove", "s", "d", "a"}),
            (Ev{"s srem s", "n new d", "modified s", "modified d", "s sadd d"}));
  // The destination already holds the member: only the source changes.
  h.Run({"sadd", "d", "b"});
  EXPECT_EQ(h.Events({"smove", "s", "d", "b"}), (Ev{"s srem s", "modified s"}));
  EXPECT_EQ(h.Events({"smove", "s", "d", "c"}),
            (Ev{"s srem s", "g del s", "modified s", "modified d", "s sadd d"}));
  EXPECT_EQ(h.Events({"smove", "d", "d", "a"}), Ev{});  // the same set: a no-op
  EXPECT_EQ(h.Events({"smove", "d", "x", "zz"}), Ev{});
  EXPECT_EQ(h.Events({"smove", "none", "d", "a"}), Ev{});
}

TEST_F(SetEventsTest, SpopReportsOnceBeforeTheMembersGo) {
  h.Run({"sadd", "x", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
  EXPECT_EQ(h.Events({"spop", "x"}), (Ev{"s spop x", "modified x"}));
  EXPECT_EQ(h.Events({"spop", "x", "0"}), Ev{});
  EXPECT_EQ(h.Events({"spop", "x", "1"}), (Ev{"s spop x", "modified x"}));
  EXPECT_EQ(h.Events({"spop", "x", "6"}), (Ev{"s spop x", "modified x"}));  // most of it
  EXPECT_EQ(h.Events({"spop", "x", "9"}), (Ev{"s spop x", "g del x", "modified x"}));
  EXPECT_EQ(h.Events({"spop", "x"}), Ev{});
  EXPECT_EQ(h.Events({"spop", "x", "3"}), Ev{});
  h.Run({"sadd", "x", "1"});
  EXPECT_EQ(h.Events({"spop", "x"}), (Ev{"s spop x", "g del x", "modified x"}));
}

TEST_F(SetEventsTest, StoresReplaceOrDeleteTheDestination) {
  h.Run({"sadd", "a", "1", "2"});
  h.Run({"sadd", "b", "2", "3"});
  EXPECT_EQ(h.Events({"sinterstore", "d", "a", "b"}),
            (Ev{"n new d", "modified d", "s sinterstore d"}));
  EXPECT_EQ(h.Events({"sunionstore", "d", "a", "b"}), (Ev{"modified d", "s sunionstore d"}));
  EXPECT_EQ(h.Events({"sdiffstore", "d", "a", "b"}), (Ev{"modified d", "s sdiffstore d"}));
  // The sources are read lookups: a missing one is a "keymiss". An empty
  // result deletes the destination, reported only if it existed.
  EXPECT_EQ(h.Events({"sinterstore", "d", "a", "zz"}),
            (Ev{"m keymiss zz", "modified d", "g del d"}));
  EXPECT_EQ(h.Events({"sinterstore", "d", "a", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"sdiffstore", "d", "a", "a"}), Ev{});
  EXPECT_EQ(h.Events({"sunionstore", "a", "a", "b"}), (Ev{"modified a", "s sunionstore a"}));
}

TEST_F(SetEventsTest, StoreOverAnExpiredDestinationExpiresItFirst) {
  h.Run({"sadd", "a", "1"});
  h.Run({"set", "d", "x", "px", "10"});
  h.set_now_ms(h.now_ms() + 20);
  EXPECT_EQ(h.Events({"sunionstore", "d", "a"}),
            (Ev{"x expired d", "modified d", "n new d", "modified d", "s sunionstore d"}));
}

TEST_F(SetEventsTest, ReadsReportOnlyMisses) {
  h.Run({"sadd", "a", "1"});
  EXPECT_EQ(h.Events({"smembers", "a"}), Ev{});
  EXPECT_EQ(h.Events({"smembers", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"sinter", "a", "zz", "yy"}), (Ev{"m keymiss zz", "m keymiss yy"}));
  EXPECT_EQ(h.Events({"sunion", "zz", "a"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"sintercard", "2", "a", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"srandmember", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"sismember", "zz", "1"}), (Ev{"m keymiss zz"}));
}

}  // namespace
}  // namespace spindle::commands::testing
