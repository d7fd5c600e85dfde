// What the string commands report to the keyspace observer: modified keys
// (Redis's signalModifiedKey) and keyspace events (notifyKeyspaceEvent), in
// Redis 7.0's order. The events were checked against redis-server 7.0.15
// with notify-keyspace-events KEA plus n and m; the modified-key lines follow
// t_string.c. Lines are EventRecorder's (command_harness.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

class StringEventsTest : public ::testing::Test {
 protected:
  CommandHarness h;
};

TEST_F(StringEventsTest, SetReportsNewOnlyForAnAbsentKey) {
  EXPECT_EQ(h.Events({"set", "k", "1"}), (Ev{"n new k", "modified k", "$ set k"}));
  EXPECT_EQ(h.last_reply(), kOk);
  EXPECT_EQ(h.Events({"set", "k", "2"}), (Ev{"modified k", "$ set k"}));
}

TEST_F(StringEventsTest, SetNxXxThatDoNothingReportNothing) {
  h.Run({"set", "k", "1"});
  EXPECT_EQ(h.Events({"set", "k", "2", "nx"}), Ev{});
  EXPECT_EQ(h.Events({"set", "other", "2", "xx"}), Ev{});
  EXPECT_EQ(h.Events({"setnx", "k", "3"}), Ev{});
  EXPECT_EQ(h.Events({"setnx", "n", "3"}), (Ev{"n new n", "modified n", "$ set n"}));
}

TEST_F(StringEventsTest, SetWithExpireReportsSetThenExpire) {
  EXPECT_EQ(h.Events({"set", "k", "1", "ex", "100"}),
            (Ev{"n new k", "modified k", "$ set k", "g expire k"}));
  // An absolute time already past is stored as is, and still "expire".
  EXPECT_EQ(h.Events({"set", "k", "1", "pxat", "1"}), (Ev{"modified k", "$ set k", "g expire k"}));
  EXPECT_EQ(h.Events({"setex", "s", "100", "v"}),
            (Ev{"n new s", "modified s", "$ set s", "g expire s"}));
  EXPECT_EQ(h.Events({"psetex", "s", "100000", "v"}), (Ev{"modified s", "$ set s", "g expire s"}));
  EXPECT_EQ(h.Events({"set", "s", "v", "keepttl"}), (Ev{"modified s", "$ set s"}));
}

TEST_F(StringEventsTest, SetGetReportsTheReadMiss) {
  EXPECT_EQ(h.Events({"set", "k", "1", "get"}),
            (Ev{"m keymiss k", "n new k", "modified k", "$ set k"}));
  EXPECT_EQ(h.Events({"set", "k", "2", "get"}), (Ev{"modified k", "$ set k"}));
  h.db().Set("l", storage::Value::EmptyOfType(storage::ValueType::kList));
  EXPECT_EQ(h.Events({"set", "l", "2", "get"}), Ev{});  // WRONGTYPE
}

// An expired key is reported "expired" by the lookup, then stored anew.
TEST_F(StringEventsTest, SetOverAnExpiredKey) {
  h.Run({"set", "k", "1", "px", "10"});
  h.set_now_ms(h.now_ms() + 20);
  EXPECT_EQ(h.Events({"set", "k", "2"}),
            (Ev{"x expired k", "modified k", "n new k", "modified k", "$ set k"}));
}

TEST_F(StringEventsTest, GetSetGetDel) {
  EXPECT_EQ(h.Events({"getset", "k", "1"}),
            (Ev{"m keymiss k", "n new k", "modified k", "$ set k"}));
  EXPECT_EQ(h.Events({"getset", "k", "2"}), (Ev{"modified k", "$ set k"}));
  EXPECT_EQ(h.Events({"getdel", "k"}), (Ev{"modified k", "g del k"}));
  EXPECT_EQ(h.Events({"getdel", "k"}), (Ev{"m keymiss k"}));
}

TEST_F(StringEventsTest, GetEx) {
  EXPECT_EQ(h.Events({"getex", "k", "ex", "10"}), (Ev{"m keymiss k"}));
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Events({"getex", "k"}), Ev{});
  EXPECT_EQ(h.Events({"getex", "k", "persist"}), Ev{});  // no TTL to remove
  EXPECT_EQ(h.Events({"getex", "k", "ex", "100"}), (Ev{"modified k", "g expire k"}));
  EXPECT_EQ(h.Events({"getex", "k", "persist"}), (Ev{"modified k", "g persist k"}));
  // A past absolute time deletes the key: "del", not "expired".
  EXPECT_EQ(h.Events({"getex", "k", "pxat", "1"}), (Ev{"modified k", "g del k"}));
  EXPECT_EQ(h.Run({"exists", "k"}), Int(0));
}

TEST_F(StringEventsTest, MsetReportsEachKeyInTurn) {
  h.Run({"set", "a", "0"});
  EXPECT_EQ(
      h.Events({"mset", "a", "1", "b", "2", "a", "3"}),
      (Ev{"modified a", "$ set a", "n new b", "modified b", "$ set b", "modified a", "$ set a"}));
  EXPECT_EQ(h.Events({"msetnx", "c", "1", "b", "2"}), Ev{});
  EXPECT_EQ(h.last_reply(), Int(0));
  EXPECT_EQ(h.Events({"msetnx", "c", "1", "d", "2"}),
            (Ev{"n new c", "modified c", "$ set c", "n new d", "modified d", "$ set d"}));
}

TEST_F(StringEventsTest, MsetOverAnExpiredKeyExpiresItFirst) {
  h.Run({"set", "a", "0", "px", "10"});
  h.set_now_ms(h.now_ms() + 20);
  EXPECT_EQ(h.Events({"mset", "a", "1"}),
            (Ev{"x expired a", "modified a", "n new a", "modified a", "$ set a"}));
}

TEST_F(StringEventsTest, CountersReportIncrbyOrIncrbyfloat) {
  EXPECT_EQ(h.Events({"incr", "n"}), (Ev{"n new n", "modified n", "$ incrby n"}));
  EXPECT_EQ(h.Events({"decr", "n"}), (Ev{"modified n", "$ incrby n"}));
  EXPECT_EQ(h.Events({"incrby", "n", "5"}), (Ev{"modified n", "$ incrby n"}));
  EXPECT_EQ(h.Events({"decrby", "n", "2"}), (Ev{"modified n", "$ incrby n"}));
  EXPECT_EQ(h.Events({"incrbyfloat", "n", "1.5"}), (Ev{"modified n", "$ incrbyfloat n"}));
  EXPECT_EQ(h.Events({"incrbyfloat", "f", "1"}), (Ev{"n new f", "modified f", "$ incrbyfloat f"}));
  // Errors change nothing and report nothing.
  h.Run({"set", "s", "abc"});
  EXPECT_EQ(h.Events({"incr", "s"}), Ev{});
  EXPECT_EQ(h.Events({"incrbyfloat", "s", "1"}), Ev{});
  EXPECT_EQ(h.Events({"incrby", "n", "x"}), Ev{});
}

TEST_F(StringEventsTest, AppendAndSetRange) {
  EXPECT_EQ(h.Events({"append", "a", "x"}), (Ev{"n new a", "modified a", "$ append a"}));
  EXPECT_EQ(h.Events({"append", "a", ""}), (Ev{"modified a", "$ append a"}));
  EXPECT_EQ(h.Events({"setrange", "r", "2", "ab"}), (Ev{"n new r", "modified r", "$ setrange r"}));
  EXPECT_EQ(h.Events({"setrange", "r", "0", "x"}), (Ev{"modified r", "$ setrange r"}));
  // Writing nothing is a no-op, on an existing key and on a missing one.
  EXPECT_EQ(h.Events({"setrange", "r", "1", ""}), Ev{});
  EXPECT_EQ(h.Events({"setrange", "none", "1", ""}), Ev{});
  EXPECT_EQ(h.Run({"exists", "none"}), Int(0));
}

TEST_F(StringEventsTest, ReadsReportOnlyMisses) {
  h.Run({"set", "a", "hello"});
  EXPECT_EQ(h.Events({"get", "a"}), Ev{});
  EXPECT_EQ(h.Events({"get", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"mget", "a", "zz", "yy"}), (Ev{"m keymiss zz", "m keymiss yy"}));
  EXPECT_EQ(h.Events({"strlen", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"getrange", "zz", "0", "1"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"lcs", "a", "zz"}), (Ev{"m keymiss zz"}));
  EXPECT_EQ(h.Events({"lcs", "a", "a"}), Ev{});
}

}  // namespace
}  // namespace spindle::commands::testing
