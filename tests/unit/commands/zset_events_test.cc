// What the sorted-set commands report to the keyspace observer (t_zset.c).
// The events were checked against redis-server 7.0.15
// (notify-keyspace-events KEA plus n and m). Lines are EventRecorder's
// (command_harness.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

class ZSetEventsTest : public ::testing::Test {
 protected:
  ZSetEventsTest() {
    h.Register(RegisterSortedSetCommands);
    h.Register(RegisterSetCommands);
  }
  CommandHarness h;
};

TEST_F(ZSetEventsTest, ZaddReportsOnlyWhenSomethingChanged) {
  EXPECT_EQ(h.Events({"zadd", "z", "1", "a", "2", "b"}), (Ev{"n new z", "modified z", "z zadd z"}));
  EXPECT_EQ(h.Events({"zadd", "z", "1", "a"}), Ev{});  // the same score
  EXPECT_EQ(h.Events({"zadd", "z", "xx", "5", "nosuch"}), Ev{});
  EXPECT_EQ(h.Events({"zadd", "z", "nx", "5", "a"}), Ev{});
  EXPECT_EQ(h.Events({"zadd", "z", "gt", "0", "a"}), Ev{});
  EXPECT_EQ(h.Events({"zadd", "z", "ch", "3", "a"}), (Ev{"modified z", "z zadd z"}));
  EXPECT_EQ(h.Events({"zadd", "z", "3", "a", "4", "c"}), (Ev{"modified z", "z zadd z"}));
  EXPECT_EQ(h.Events({"zadd", "none", "xx", "1", "a"}), Ev{});  // not created
  EXPECT_EQ(h.Run({"exists", "none"}), Int(0));
  EXPECT_EQ(h.Events({"zadd", "z", "1"}), Ev{});  // syntax error
}

TEST_F(ZSetEventsTest, IncrementsReportZincr) {
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(h.Events({"zadd", "z", "incr", "1", "a"}), (Ev{"modified z", "z zincr z"}));
  EXPECT_EQ(h.Events({"zincrby", "z", "2", "a"}), (Ev{"modified z", "z zincr z"}));
  EXPECT_EQ(h.Events({"zincrby", "z", "0", "a"}), Ev{});  // the score is unchanged
  EXPECT_EQ(h.Events({"zadd", "z", "nx", "incr", "1", "a"}), Ev{});
  EXPECT_EQ(h.Events({"zincrby", "n", "1", "b"}), (Ev{"n new n", "modified n", "z zincr n"}));
  h.Run({"zadd", "z", "-inf", "a"});
  EXPECT_EQ(h.Events({"zincrby", "z", "+inf", "a"}), Ev{});  // NaN: an error
}

TEST_F(ZSetEventsTest, ZremReportsOnceAndDelWhenEmptied) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Events({"zrem", "z", "zz"}), Ev{});
  EXPECT_EQ(h.Events({"zrem", "none", "a"}), Ev{});
  EXPECT_EQ(h.Events({"zrem", "z", "a", "zz", "b"}), (Ev{"z zrem z", "modified z"}));
  EXPECT_EQ(h.Events({"zrem", "z", "c", "zz"}), (Ev{"z zrem z", "g del z", "modified z"}));
}

TEST_F(ZSetEventsTest, ZremrangeNamesItsKind) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_EQ(h.Events({"zremrangebyrank", "z", "10", "20"}), Ev{});
  EXPECT_EQ(h.Events({"zremrangebyscore", "z", "100", "200"}), Ev{});
  EXPECT_EQ(h.Events({"zremrangebylex", "z", "[x", "[y"}), Ev{});
  EXPECT_EQ(h.Events({"zremrangebyrank", "none", "0", "1"}), Ev{});
  EXPECT_EQ(h.Events({"zremrangebyrank", "z", "0", "0"}),
            (Ev{"modified z", "z zremrangebyrank z"}));
  EXPECT_EQ(h.Events({"zremrangebyscore", "z", "2", "2"}),
            (Ev{"modified z", "z zremrangebyscore z"}));
  EXPECT_EQ(h.Events({"zremrangebylex", "z", "-", "+"}),
            (Ev{"modified z", "z zremrangebylex z", "g del z"}));
}

TEST_F(ZSetEventsTest, PopsReportOnceAndDelWhenEmptied) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Events({"zpopmin", "z"}), (Ev{"z zpopmin z", "modified z"}));
  EXPECT_EQ(h.Events({"zpopmax", "z", "0"}), Ev{});
  EXPECT_EQ(h.Events({"zpopmax", "z", "5"}), (Ev{"z zpopmax z", "g del z", "modified z"}));
  EXPECT_EQ(h.Events({"zpopmin", "z"}), Ev{});
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(h.Events({"zmpop", "2", "none", "z", "max"}), (Ev{"z zpopmax z", "modified z"}));
  EXPECT_EQ(h.Events({"zmpop", "1", "none", "min"}), Ev{});
  EXPECT_EQ(h.Events({"bzpopmin", "none", "z", "0"}), (Ev{"z zpopmin z", "g del z", "modified z"}));
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(h.Events({"bzmpop", "0", "1", "z", "min", "count", "3"}),
            (Ev{"z zpopmin z", "g del z", "modified z"}));
  EXPECT_EQ(h.Events({"bzpopmax", "z", "0"}), Ev{});  // nothing to serve (cannot block here)
}

// The sources of the *STORE forms are read lookups ("keymiss" when absent);
// an empty result deletes the destination, reported only if it existed.
TEST_F(ZSetEventsTest, StoresReplaceOrDeleteTheDestination) {
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  h.Run({"sadd", "s", "a"});
  EXPECT_EQ(h.Events({"zunionstore", "d", "2", "z", "nz"}),
            (Ev{"m keymiss nz", "n new d", "modified d", "z zunionstore d"}));
  EXPECT_EQ(h.Events({"zinterstore", "d", "2", "z", "s"}), (Ev{"modified d", "z zinterstore d"}));
  EXPECT_EQ(h.Events({"zdiffstore", "d", "1", "z"}), (Ev{"modified d", "z zdiffstore d"}));
  EXPECT_EQ(h.Events({"zinterstore", "d", "2", "z", "nz"}),
            (Ev{"m keymiss nz", "modified d", "g del d"}));
  EXPECT_EQ(h.Events({"zinterstore", "d", "2", "z", "nz"}), (Ev{"m keymiss nz"}));
  EXPECT_EQ(h.Events({"zrangestore", "d", "z", "0", "-1"}),
            (Ev{"n new d", "modified d", "z zrangestore d"}));
  EXPECT_EQ(h.Events({"zrangestore", "d", "z", "5", "6"}), (Ev{"modified d", "g del d"}));
  EXPECT_EQ(h.Events({"zrangestore", "d", "nz", "0", "-1"}), (Ev{"m keymiss nz"}));
}

TEST_F(ZSetEventsTest, ReadsReportOnlyMisses) {
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(h.Events({"zrange", "z", "0", "-1"}), Ev{});
  EXPECT_EQ(h.Events({"zrange", "nz", "0", "-1"}), (Ev{"m keymiss nz"}));
  EXPECT_EQ(h.Events({"zscore", "nz", "a"}), (Ev{"m keymiss nz"}));
  EXPECT_EQ(h.Events({"zcard", "nz"}), (Ev{"m keymiss nz"}));
  EXPECT_EQ(h.Events({"zunion", "2", "nz", "z"}), (Ev{"m keymiss nz"}));
  EXPECT_EQ(h.Events({"zintercard", "2", "z", "nz"}), (Ev{"m keymiss nz"}));
  EXPECT_EQ(h.Events({"zrandmember", "nz"}), (Ev{"m keymiss nz"}));
}

}  // namespace
}  // namespace spindle::commands::testing
