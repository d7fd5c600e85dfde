// What SORT reports to the keyspace observer (sort.c): "sortstore" for a
// stored result, "del" when an empty result removes the destination, and a
// "keymiss" for every key it reads that is absent (the sorted key, BY and
// GET patterns). Checked against redis-server 7.0.15 (notify-keyspace-events
// KEA plus n and m). Lines are EventRecorder's (command_harness.h).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

class SortEventsTest : public ::testing::Test {
 protected:
  SortEventsTest() {
    h.Register(RegisterListCommands);
    h.Register(RegisterHashCommands);
    h.Register(RegisterSortCommands);
  }
  CommandHarness h;
};

TEST_F(SortEventsTest, StoreReplacesOrDeletesTheDestination) {
  h.Run({"rpush", "l", "3", "1", "2"});
  EXPECT_EQ(h.Events({"sort", "l", "store", "d"}), (Ev{"n new d", "modified d", "l sortstore d"}));
  EXPECT_EQ(h.Events({"sort", "l", "store", "d"}), (Ev{"modified d", "l sortstore d"}));
  EXPECT_EQ(h.Events({"sort", "l", "by", "nosort", "store", "l"}),
            (Ev{"modified l", "l sortstore l"}));
  EXPECT_EQ(h.Events({"sort", "zz", "store", "d"}), (Ev{"m keymiss zz", "modified d", "g del d"}));
  EXPECT_EQ(h.Events({"sort", "zz", "store", "d"}), (Ev{"m keymiss zz"}));
}

TEST_F(SortEventsTest, PatternLookupsReportTheirMisses) {
  h.Run({"rpush", "l", "3", "1", "2"});
  h.Run({"rpush", "w_1", "x"});  // the wrong type: no miss, no weight
  h.Run({"hset", "h_1", "f", "1"});
  EXPECT_EQ(h.Events({"sort", "l", "by", "w_*", "get", "h_*->f"}),
            (Ev{"m keymiss w_3", "m keymiss w_2", "m keymiss h_2", "m keymiss h_3"}));
  EXPECT_EQ(h.Events({"sort", "l", "by", "nosort", "get", "#"}), Ev{});
  EXPECT_EQ(h.Events({"sort_ro", "zz"}), (Ev{"m keymiss zz"}));
}

}  // namespace
}  // namespace spindle::commands::testing
