// What the list commands report to the keyspace observer (t_list.c): the
// command's event, then "del" when the list is left empty, then the modified
// key (pushes signal first). The events were checked against redis-server
// 7.0.15 (notify-keyspace-events KEA plus n and m). Lines are EventRecorder's
// (command_harness.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

class ListEventsTest : public ::testing::Test {
 protected:
  ListEventsTest() { h.Register(RegisterListCommands); }
  CommandHarness h;
};

TEST_F(ListEventsTest, Pushes) {
  EXPECT_EQ(h.Events({"lpush", "l", "a", "b"}), (Ev{"n new l", "modified l", "l lpush l"}));
  EXPECT_EQ(h.Events({"rpush", "l", "c"}), (Ev{"modified l", "l rpush l"}));
  EXPECT_EQ(h.Events({"lpushx", "l", "d"}), (Ev{"modified l", "l lpush l"}));
  EXPECT_EQ(h.Events({"rpushx", "l", "e"}), (Ev{"modified l", "l rpush l"}));
  EXPECT_EQ(h.Events({"lpushx", "none", "a"}), Ev{});
  EXPECT_EQ(h.Events({"rpushx", "none", "a"}), Ev{});
}

TEST_F(ListEventsTest, PopsReportOnceAndDelWhenEmptied) {
  h.Run({"rpush", "l", "a", "b", "c", "d"});
  EXPECT_EQ(h.Events({"lpop", "l"}), (Ev{"l lpop l", "modified l"}));
  EXPECT_EQ(h.Events({"rpop", "l", "2"}), (Ev{"l rpop l", "modified l"}));
  EXPECT_EQ(h.Events({"lpop", "l", "0"}), Ev{});
  EXPECT_EQ(h.Events({"rpop", "l", "5"}), (Ev{"l rpop l", "g del l", "modified l"}));
  EXPECT_EQ(h.Events({"lpop", "l"}), Ev{});
  EXPECT_EQ(h.Events({"rpop", "l", "3"}), Ev{});
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.Events({"lpop", "l"}), (Ev{"l lpop l", "g del l", "modified l"}));
}

TEST_F(ListEventsTest, LsetLinsert) {
  h.Run({"rpush", "l", "a", "b"});
  EXPECT_EQ(h.Events({"lset", "l", "0", "x"}), (Ev{"modified l", "l lset l"}));
  EXPECT_EQ(h.Events({"lset", "l", "9", "x"}), Ev{});
  EXPECT_EQ(h.Events({"lset", "none", "0", "x"}), Ev{});
  EXPECT_EQ(h.Events({"linsert", "l", "before", "b", "y"}), (Ev{"modified l", "l linsert l"}));
  EXPECT_EQ(h.Events({"linsert", "l", "after", "zz", "y"}), Ev{});
  EXPECT_EQ(h.Events({"linsert", "none", "after", "zz", "y"}), Ev{});
}

TEST_F(ListEventsTest, LtrimReportsEvenWhenNothingGoes) {
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(h.Events({"ltrim", "l", "0", "-1"}), (Ev{"l ltrim l", "modified l"}));
  EXPECT_EQ(h.Events({"ltrim", "l", "1", "1"}), (Ev{"l ltrim l", "modified l"}));
  EXPECT_EQ(h.Events({"ltrim", "l", "5", "6"}), (Ev{"l ltrim l", "g del l", "modified l"}));
  EXPECT_EQ(h.Events({"ltrim", "l", "0", "1"}), Ev{});
}

TEST_F(ListEventsTest, LremReportsOnlyRemovals) {
  h.Run({"rpush", "l", "a", "b", "a"});
  EXPECT_EQ(h.Events({"lrem", "l", "0", "zz"}), Ev{});
  EXPECT_EQ(h.Events({"lrem", "l", "0", "a"}), (Ev{"l lrem l", "modified l"}));
  EXPECT_EQ(h.Events({"lrem", "l", "1", "b"}), (Ev{"l lrem l", "g del l", "modified l"}));
  EXPECT_EQ(h.Events({"lrem", "l", "1", "b"}), Ev{});
}

// LMOVE / RPOPLPUSH: the destination's push first (created "new" when
// absent), then the source's pop and, if it emptied, its "del".
TEST_F(ListEventsTest, MovesReportDestinationThenSource) {
  h.Run({"rpush", "s", "a", "b"});
  EXPECT_EQ(h.Events({"lmove", "s", "d", "left", "right"}),
            (Ev{"n new d", "modified d", "l rpush d", "l lpop s", "modified s"}));
  EXPECT_EQ(h.Events({"rpoplpush", "s", "d"}),
            (Ev{"modified d", "l lpush d", "l rpop s", "g del s", "modified s"}));
  EXPECT_EQ(h.Events({"lmove", "s", "d", "left", "left"}), Ev{});
  // The same list: rotated, never deleted.
  h.Run({"rpush", "one", "x"});
  EXPECT_EQ(h.Events({"rpoplpush", "one", "one"}),
            (Ev{"modified one", "l lpush one", "l rpop one", "modified one"}));
  // A wrong-type destination: nothing moves, nothing is reported.
  h.Run({"set", "str", "v"});
  EXPECT_EQ(h.Events({"lmove", "d", "str", "left", "left"}), Ev{});
}

TEST_F(ListEventsTest, MultiPopAndBlockingFormsServedAtOnce) {
  h.Run({"rpush", "b", "x", "y"});
  EXPECT_EQ(h.Events({"lmpop", "2", "none", "b", "left", "count", "5"}),
            (Ev{"l lpop b", "g del b", "modified b"}));
  EXPECT_EQ(h.Events({"lmpop", "1", "none", "right"}), Ev{});
  h.Run({"rpush", "q", "x", "y"});
  EXPECT_EQ(h.Events({"blpop", "none", "q", "0"}), (Ev{"l lpop q", "modified q"}));
  EXPECT_EQ(h.Events({"brpop", "q", "0"}), (Ev{"l rpop q", "g del q", "modified q"}));
  EXPECT_EQ(h.Events({"brpop", "q", "0"}), Ev{});  // nothing to serve (cannot block here)
  h.Run({"rpush", "q", "x"});
  EXPECT_EQ(h.Events({"blmove", "q", "d", "right", "left", "0"}),
            (Ev{"n new d", "modified d", "l lpush d", "l rpop q", "g del q", "modified q"}));
  h.Run({"rpush", "q", "x"});
  EXPECT_EQ(h.Events({"blmpop", "0", "1", "q", "right"}),
            (Ev{"l rpop q", "g del q", "modified q"}));
}

// A blocked client is served by running its command again once the key is
// written: what it reports then is what the command reports.
TEST_F(ListEventsTest, BlockedPopReportsNothingUntilServed) {
  h.set_allow_block(true);
  EXPECT_EQ(h.Events({"blpop", "q", "0"}), Ev{});
  EXPECT_TRUE(h.last_block().requested);
  EXPECT_EQ(h.Events({"rpush", "q", "x"}), (Ev{"n new q", "modified q", "l rpush q"}));
  EXPECT_EQ(h.Events({"blpop", "q", "0"}), (Ev{"l lpop q", "g del q", "modified q"}));
}

TEST_F(ListEventsTest, ReadsReportOnlyMisses) {
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.Events({"lrange", "l", "0", "-1"}), Ev{});
  EXPECT_EQ(h.Events({"lrange", "none", "0", "-1"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"llen", "none"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"lindex", "none", "0"}), (Ev{"m keymiss none"}));
  EXPECT_EQ(h.Events({"lpos", "none", "a"}), (Ev{"m keymiss none"}));
}

}  // namespace
}  // namespace spindle::commands::testing
