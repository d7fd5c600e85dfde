// What the hash commands report to the keyspace observer (t_hash.c). The
// events were checked against redis-server 7.0.15 (notify-keyspace-events
// KEA plus n and m). Lines are EventRecorder's (command_harness.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

class HashEventsTest : public ::testing::Test {
 protected:
  HashEventsTest() { h.Register(RegisterHashCommands); }
  CommandHarness h;
};

TEST_F(HashEventsTest, HsetReportsEvenWhenNothingChanges) {
  EXPECT_EQ(h.Events({"hset", "h", "f", "v"}), (Ev{"n new h", "modified h", "h hset h"}));
  EXPECT_EQ(h.Events({"hset", "h", "f", "v"}), (Ev{"modified h", "h hset h"}));
  EXPECT_EQ(h.last_reply(), Int(0));
  EXPECT_EQ(h.Events({"hmset", "h", "a", "1", "b", "2"}), (Ev{"modified h", "h hset h"}));
  EXPECT_EQ(h.Events({"hset", "h", "odd"}), Ev{});  // arity error
}

TEST_F(HashEventsTest, HsetnxReportsOnlyANewField) {
  h.Run({"hset", "h", "f", "v"});
  EXPECT_EQ(h.Events({"hsetnx", "h", "f", "x"}), Ev{});
  EXPECT_EQ(h.Events({"hsetnx", "h", "g", "x"}), (Ev{"modified h", "h hset h"}));
  EXPECT_EQ(h.Events({"hsetnx", "n", "g", "x"}), (Ev{"n new n", "modified n", "h hset n"}));
}

TEST_F(HashEventsTest, HdelReportsOnceAndDelWhenEmptied) {
  h.Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.Events({"hdel", "h", "zz"}), Ev{});
  EXPECT_EQ(h.Events({"hdel", "none", "zz"}), Ev{});
  EXPECT_EQ(h.Events({"hdel", "h", "a", "zz", "b"}), (Ev{"modified h", "h hdel h"}));
  EXPECT_EQ(h.Events({"hdel", "h", "c", "zz"}), (Ev{"modified h", "h hdel h", "g del h"}));
}

TEST_F(HashEventsTest, Counters) {
  EXPECT_EQ(h.Events({"hincrby", "c", "x", "5"}), (Ev{"n new c", "modified c", "h hincrby c"}));
  EXPECT_EQ(h.Events({"hincrby", "c", "x", "5"}), (Ev{"modified c", "h hincrby c"}));
  EXPECT_EQ(h.Events({"hincrbyfloat", "c", "y", "1.5"}), (Ev{"modified c", "h hincrbyfloat c"}));
  EXPECT_EQ(h.Events({"hincrbyfloat", "f", "y", "1"}),
            (Ev{"n new f", "modified f", "h hincrbyfloat f"}));
  // Errors report nothing (and create nothing).
  EXPECT_EQ(h.Events({"hincrby", "c", "y", "1"}), Ev{});
  EXPECT_EQ(h.Events({"hincrby", "none", "y", "x"}), Ev{});
  EXPECT_EQ(h.Events({"hincrbyfloat", "none", "y", "x"}), Ev{});
  EXPECT_EQ(h.Run({"exists", "none"}), Int(0));
}

TEST_F(HashEventsTest, ReadsReportOnlyMisses) {
  h.Run({"hset", "h", "f", "v"});
  EXPECT_EQ(h.Events({"hget", "h", "f"}), Ev{});
  EXPECT_EQ(h.Events({"hget", "none", "f"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"hlen", "none"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"hgetall", "none"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"hexists", "none", "f"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"hrandfield", "none"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"hscan", "none", "0"}), (Ev{"m keymiss none"}));
}

}  // namespace
}  // namespace spindle::commands::testing
