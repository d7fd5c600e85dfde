// What each write command propagates (to the AOF, one day to replicas) and
// how much it moves the dirty counter, for every family: the commands Redis
// 7.0 rewrites (rewriteClientCommandVector / Argument), splits (alsoPropagate
// + preventCommandPropagation) or forces (forceCommandPropagation), and the
// no-ops that must propagate nothing. Every expectation was taken from the
// appendonly file of redis-server 7.0.15 after the same commands (times
// relative to the harness's fixed now). Lines are PropagationRecorder's
// (command_harness.h): the propagated commands, arguments joined by spaces.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "command_harness.h"
#include "persistence/crc64.h"

namespace spindle::commands::testing {
namespace {

using Cmds = std::vector<std::string>;

// The bulk strings of a flat RESP array reply (set replies of RESP2 too).
std::vector<std::string> ParseBulks(const std::string& reply) {
  std::vector<std::string> out;
  size_t pos = reply.find("\r\n") + 2;  // past the header
  while (pos < reply.size()) {
    size_t crlf = reply.find("\r\n", pos);
    size_t len = std::stoul(reply.substr(pos + 1, crlf - pos - 1));
    out.push_back(reply.substr(crlf + 2, len));
    pos = crlf + 2 + len + 2;
  }
  return out;
}

class PropagationTest : public ::testing::Test {
 protected:
  PropagationTest() {
    h.Register(RegisterListCommands);
    h.Register(RegisterHashCommands);
    h.Register(RegisterSetCommands);
    h.Register(RegisterSortedSetCommands);
    h.Register(RegisterSortCommands);
    h.Register(RegisterDumpCommands);
  }
  // now + ms, as the decimal text Redis propagates.
  std::string At(int64_t ms) const { return std::to_string(h.now_ms() + ms); }

  CommandHarness h;
};

// ---------------------------------------------------------------------------
// Strings (t_string.c)

TEST_F(PropagationTest, SetWithoutExpireGoesAsSent) {
  EXPECT_EQ(h.Propagate({"set", "k", "v"}), Cmds{"set k v"});
  EXPECT_EQ(h.last_dirty(), 1u);
  EXPECT_EQ(h.Propagate({"set", "k", "w", "XX", "KEEPTTL"}), Cmds{"set k w XX KEEPTTL"});
  EXPECT_EQ(h.Propagate({"setnx", "n", "1"}), Cmds{"setnx n 1"});
  EXPECT_EQ(h.Propagate({"mset", "a", "1", "b", "2"}), Cmds{"mset a 1 b 2"});
  EXPECT_EQ(h.last_dirty(), 2u);
}

TEST_F(PropagationTest, SetWithAnExpireGoesAsSetPxat) {
  EXPECT_EQ(h.Propagate({"set", "k", "v", "ex", "100"}), Cmds{"SET k v PXAT " + At(100000)});
  EXPECT_EQ(h.Propagate({"set", "k", "v", "PX", "100", "get"}), Cmds{"SET k v PXAT " + At(100)});
  EXPECT_EQ(h.Propagate({"set", "k", "v", "nx", "pxat", "99999999999999"}), Cmds{});
  EXPECT_EQ(h.Propagate({"set", "k", "v", "xx", "exat", "99999999999"}),
            Cmds{"SET k v PXAT 99999999999000"});
  // A time already past is stored as it is (and expires on access).
  EXPECT_EQ(h.Propagate({"set", "k", "v", "exat", "1"}), Cmds{"SET k v PXAT 1000"});
  EXPECT_EQ(h.Propagate({"setex", "a", "10", "v"}), Cmds{"SET a v PXAT " + At(10000)});
  EXPECT_EQ(h.Propagate({"psetex", "a", "1500", "v"}), Cmds{"SET a v PXAT " + At(1500)});
  EXPECT_EQ(h.last_dirty(), 1u);
}

TEST_F(PropagationTest, SetGetGoesWithoutItsGetArguments) {
  EXPECT_EQ(h.Propagate({"set", "k", "v", "nx", "get"}), Cmds{"set k v nx"});
  EXPECT_EQ(h.last_reply(), kNil);
  EXPECT_EQ(h.Propagate({"set", "k", "w", "GET", "xx", "gEt"}), Cmds{"set k w xx"});
  // Stopped by NX / XX or by a wrong type: no change, nothing propagated.
  EXPECT_EQ(h.Propagate({"set", "k", "x", "nx", "get"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"set", "k3", "v", "keepttl", "get", "xx"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.Propagate({"set", "l", "v", "get"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

TEST_F(PropagationTest, GetSetGoesAsSet) {
  EXPECT_EQ(h.Propagate({"getset", "k", "v"}), Cmds{"SET k v"});
  EXPECT_EQ(h.Propagate({"getset", "k", "v"}), Cmds{"SET k v"});  // same value: still a change
  EXPECT_EQ(h.last_dirty(), 1u);
}

TEST_F(PropagationTest, GetDelGoesAsDelOrUnlink) {
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Propagate({"getdel", "k"}), Cmds{"DEL k"});
  EXPECT_EQ(h.Propagate({"getdel", "k"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.set_lazy_user_del(true);
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Propagate({"getdel", "k"}), Cmds{"UNLINK k"});
}

TEST_F(PropagationTest, GetExGoesAsPexpireatPersistOrDel) {
  h.Run({"set", "g", "1"});
  EXPECT_EQ(h.Propagate({"getex", "g", "ex", "100"}), Cmds{"PEXPIREAT g " + At(100000)});
  EXPECT_EQ(h.Propagate({"getex", "g", "px", "100000"}), Cmds{"PEXPIREAT g " + At(100000)});
  EXPECT_EQ(h.Propagate({"getex", "g", "exat", "99999999999"}), Cmds{"PEXPIREAT g 99999999999000"});
  EXPECT_EQ(h.Propagate({"getex", "g", "pxat", "99999999999999"}),
            Cmds{"PEXPIREAT g 99999999999999"});
  EXPECT_EQ(h.Propagate({"getex", "g", "persist"}), Cmds{"PERSIST g"});
  EXPECT_EQ(h.Propagate({"getex", "g", "persist"}), Cmds{});  // no TTL to remove
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"getex", "g"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"getex", "g", "exat", "1"}), Cmds{"DEL g"});
  EXPECT_EQ(h.Propagate({"getex", "g", "ex", "100"}), Cmds{});  // gone
  h.set_lazy_expire(true);
  h.Run({"set", "g", "1"});
  EXPECT_EQ(h.Propagate({"getex", "g", "pxat", "1"}), Cmds{"UNLINK g"});
}

TEST_F(PropagationTest, IncrByFloatGoesAsSetKeepTtlWithTheReply) {
  EXPECT_EQ(h.Propagate({"incrbyfloat", "f", "1.5"}), Cmds{"SET f 1.5 KEEPTTL"});
  EXPECT_EQ(h.Propagate({"incrbyfloat", "f", "1e3"}), Cmds{"SET f 1001.5 KEEPTTL"});
  // The stored text, long double rounding included (as the reply).
  EXPECT_EQ(h.Propagate({"incrbyfloat", "f", "0.1"}), Cmds{"SET f 1001.59999999999999998 KEEPTTL"});
  EXPECT_EQ(h.last_reply(), Bulk("1001.59999999999999998"));
  EXPECT_EQ(h.Propagate({"incrbyfloat", "z", "3.0e2"}), Cmds{"SET z 300 KEEPTTL"});
  EXPECT_EQ(h.Propagate({"incrbyfloat", "z", "0"}), Cmds{"SET z 300 KEEPTTL"});
  EXPECT_EQ(h.last_dirty(), 1u);
  h.Run({"set", "s", "abc"});
  EXPECT_EQ(h.Propagate({"incrbyfloat", "s", "1"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

TEST_F(PropagationTest, StringNoOpsPropagateNothing) {
  h.Run({"set", "s", "abc"});
  EXPECT_EQ(h.Propagate({"setrange", "s", "1", ""}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"setrange", "nos", "1", ""}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"msetnx", "s", "1", "c", "2"}), Cmds{});
  EXPECT_EQ(h.Propagate({"setnx", "s", "1"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  // APPEND of nothing still counts as a change, in Redis too.
  EXPECT_EQ(h.Propagate({"append", "s", ""}), Cmds{"append s "});
  EXPECT_EQ(h.Propagate({"append", "nos2", ""}), Cmds{"append nos2 "});
  EXPECT_EQ(h.Propagate({"setrange", "s", "1", "x"}), Cmds{"setrange s 1 x"});
  EXPECT_EQ(h.Propagate({"decrby", "c", "3"}), Cmds{"decrby c 3"});
}

// ---------------------------------------------------------------------------
// Keys (expire.c, db.c)

TEST_F(PropagationTest, ExpireFamilyGoesAsPexpireatWithItsOptions) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Propagate({"expire", "a", "100"}), Cmds{"PEXPIREAT a " + At(100000)});
  EXPECT_EQ(h.Propagate({"pexpire", "a", "100000"}), Cmds{"PEXPIREAT a " + At(100000)});
  EXPECT_EQ(h.Propagate({"expireat", "a", "99999999999"}), Cmds{"PEXPIREAT a 99999999999000"});
  // PEXPIREAT with a future time is already what a replay needs.
  EXPECT_EQ(h.Propagate({"pexpireat", "a", "99999999999999"}), Cmds{"pexpireat a 99999999999999"});
  EXPECT_EQ(h.propagation().rewrites(), 0);
  EXPECT_EQ(h.Propagate({"expire", "a", "200", "xx"}), Cmds{"PEXPIREAT a " + At(200000) + " xx"});
  EXPECT_EQ(h.Propagate({"expire", "a", "300", "GT"}), Cmds{"PEXPIREAT a " + At(300000) + " GT"});
  EXPECT_EQ(h.Propagate({"pexpire", "a", "10", "lt"}), Cmds{"PEXPIREAT a " + At(10) + " lt"});
  // Refused by its option, or no key: no change.
  EXPECT_EQ(h.Propagate({"expire", "a", "10", "lt"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"expire", "a", "100", "nx"}), Cmds{});
  EXPECT_EQ(h.Propagate({"expire", "nokey", "10"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

TEST_F(PropagationTest, ExpireInThePastGoesAsDelOrUnlink) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Propagate({"expire", "a", "-1"}), Cmds{"DEL a"});
  EXPECT_EQ(h.last_dirty(), 1u);
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Propagate({"pexpireat", "a", "1"}), Cmds{"DEL a"});
  EXPECT_EQ(h.Propagate({"expire", "a", "-1"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.set_lazy_expire(true);
  h.Run({"rpush", "l", "a"});
  EXPECT_EQ(h.Propagate({"expireat", "l", "1"}), Cmds{"UNLINK l"});
  EXPECT_EQ(h.Run({"exists", "l"}), Int(0));
}

TEST_F(PropagationTest, PersistAndRenameNoOps) {
  h.Run({"set", "a", "1"});
  EXPECT_EQ(h.Propagate({"persist", "a"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.Run({"expire", "a", "100"});
  EXPECT_EQ(h.Propagate({"persist", "a"}), Cmds{"persist a"});
  EXPECT_EQ(h.Propagate({"rename", "a", "a"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"renamenx", "a", "a"}), Cmds{});
  EXPECT_EQ(h.Propagate({"rename", "a", "b"}), Cmds{"rename a b"});
  EXPECT_EQ(h.Propagate({"del", "b", "nokey"}), Cmds{"del b nokey"});
  EXPECT_EQ(h.Propagate({"del", "nokey"}), Cmds{});
  EXPECT_EQ(h.Propagate({"unlink", "nokey"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

TEST_F(PropagationTest, CopyMoveSwapdbGoAsSent) {
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Propagate({"copy", "k", "k2"}), Cmds{"copy k k2"});
  EXPECT_EQ(h.Propagate({"copy", "k", "k2"}), Cmds{});
  EXPECT_EQ(h.Propagate({"copy", "nokey", "k3"}), Cmds{});
  EXPECT_EQ(h.Propagate({"copy", "k", "k3", "db", "1", "replace"}), Cmds{"copy k k3 db 1 replace"});
  EXPECT_EQ(h.Propagate({"move", "k", "2"}), Cmds{"move k 2"});
  EXPECT_EQ(h.Propagate({"move", "k", "2"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  // Swapping a database with itself counts as a change, as in Redis.
  EXPECT_EQ(h.Propagate({"swapdb", "0", "0"}), Cmds{"swapdb 0 0"});
  EXPECT_EQ(h.Propagate({"swapdb", "0", "1"}), Cmds{"swapdb 0 1"});
}

TEST_F(PropagationTest, FlushIsPropagatedEvenWhenNothingWasRemoved) {
  EXPECT_EQ(h.Propagate({"flushdb"}), Cmds{"flushdb"});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"flushall", "ASYNC"}), Cmds{"flushall ASYNC"});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.Run({"set", "a", "1"});
  h.Run({"set", "b", "1"});
  EXPECT_EQ(h.Propagate({"flushdb", "sync"}), Cmds{"flushdb sync"});
  EXPECT_EQ(h.last_dirty(), 2u);
  // In the client's database.
  h.select(3);
  EXPECT_EQ(h.Propagate({"flushall"}), Cmds{"@3 flushall"});
  // A syntax error propagates nothing.
  EXPECT_EQ(h.Propagate({"flushdb", "now"}), Cmds{});
}

// ---------------------------------------------------------------------------
// Lists (t_list.c, blocked.c)

TEST_F(PropagationTest, BlockingPopsGoAsPops) {
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(h.Propagate({"blpop", "none", "l", "0"}), Cmds{"LPOP l"});
  EXPECT_EQ(h.Propagate({"brpop", "l", "0"}), Cmds{"RPOP l"});
  EXPECT_EQ(h.last_dirty(), 1u);
  // Inside MULTI (no blocking) as well.
  EXPECT_EQ(h.Propagate({"blpop", "l", "0"}), Cmds{"LPOP l"});
  EXPECT_EQ(h.Propagate({"blpop", "l", "0"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.last_reply(), "*-1\r\n");
}

// A blocked client is served by the same handler running again: the
// command that found nothing propagates nothing, its served run the pop.
TEST_F(PropagationTest, BlockedPopsPropagateWhenServed) {
  h.set_allow_block(true);
  EXPECT_EQ(h.Propagate({"blpop", "bl", "0"}), Cmds{});
  EXPECT_TRUE(h.last_block().requested);
  EXPECT_EQ(h.last_dirty(), 0u);
  h.Run({"rpush", "bl", "a", "b"});
  EXPECT_EQ(h.Propagate({"blpop", "bl", "0"}), Cmds{"LPOP bl"});
  EXPECT_EQ(h.Propagate({"blmpop", "0", "1", "bm", "RIGHT", "COUNT", "5"}), Cmds{});
  h.Run({"rpush", "bm", "a", "b"});
  EXPECT_EQ(h.Propagate({"blmpop", "0", "1", "bm", "RIGHT", "COUNT", "5"}), Cmds{"RPOP bm 2"});
  EXPECT_EQ(h.Propagate({"blmove", "bv", "dst", "LEFT", "right", "0"}), Cmds{});
  h.Run({"rpush", "bv", "a"});
  EXPECT_EQ(h.Propagate({"blmove", "bv", "dst", "LEFT", "right", "0"}),
            Cmds{"LMOVE bv dst LEFT right"});
}

TEST_F(PropagationTest, BlockingMovesGoAsMoves) {
  h.Run({"rpush", "l", "a", "b"});
  EXPECT_EQ(h.Propagate({"blmove", "l", "l9", "LEFT", "Right", "0"}),
            Cmds{"LMOVE l l9 LEFT Right"});
  EXPECT_EQ(h.Propagate({"brpoplpush", "l", "l9", "0"}), Cmds{"RPOPLPUSH l l9"});
  EXPECT_EQ(h.Propagate({"brpoplpush", "l", "l9", "0"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.Run({"rpush", "l", "a"});
  h.Run({"set", "str", "x"});
  EXPECT_EQ(h.Propagate({"blmove", "l", "str", "left", "left", "0"}), Cmds{});  // WRONGTYPE
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"lmove", "l", "l", "left", "right"}), Cmds{"lmove l l left right"});
  EXPECT_EQ(h.Propagate({"rpoplpush", "l", "l"}), Cmds{"rpoplpush l l"});
}

TEST_F(PropagationTest, LmpopGoesAsPopWithThePoppedCount) {
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(h.Propagate({"lmpop", "1", "l", "left"}), Cmds{"LPOP l 1"});
  EXPECT_EQ(h.Propagate({"lmpop", "2", "nol", "l", "RIGHT", "COUNT", "5"}), Cmds{"RPOP l 2"});
  EXPECT_EQ(h.last_dirty(), 2u);
  EXPECT_EQ(h.Propagate({"lmpop", "1", "l", "left"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(h.Propagate({"blmpop", "0", "1", "l", "right", "count", "2"}), Cmds{"RPOP l 2"});
}

TEST_F(PropagationTest, ListNoOpsPropagateNothing) {
  h.Run({"rpush", "l", "a", "b", "c", "a"});
  const Cmds none;
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"lrem", "l", "0", "zz"},
           {"lrem", "nol", "0", "a"},
           {"linsert", "l", "before", "zz", "y"},
           {"linsert", "nol", "before", "a", "y"},
           {"lpushx", "nol", "a"},
           {"rpushx", "nol", "a"},
           {"ltrim", "l", "0", "-1"},
           {"ltrim", "nol", "0", "1"},
           {"lpop", "l", "0"},
           {"rpop", "nol"},
           {"lmove", "nol", "l", "left", "right"},
       }) {
    EXPECT_EQ(h.Propagate(cmd), none) << cmd[0];
    EXPECT_EQ(h.last_dirty(), 0u) << cmd[0];
  }
  EXPECT_EQ(h.Propagate({"lrem", "l", "0", "a"}), Cmds{"lrem l 0 a"});
  EXPECT_EQ(h.last_dirty(), 2u);
  EXPECT_EQ(h.Propagate({"ltrim", "l", "5", "10"}), Cmds{"ltrim l 5 10"});
  EXPECT_EQ(h.Propagate({"lpop", "l", "1"}), Cmds{});
}

// ---------------------------------------------------------------------------
// Sets (t_set.c)

TEST_F(PropagationTest, SpopGoesAsSrem) {
  h.Run({"sadd", "o", "a"});
  EXPECT_EQ(h.Propagate({"spop", "o"}), Cmds{"SREM o a"});  // the last member: SREM still
  EXPECT_EQ(h.Run({"exists", "o"}), Int(0));
  h.Run({"sadd", "s", "x", "y"});
  std::string reply = h.Run({"spop", "s"});
  std::string member = reply.substr(reply.find("\r\n") + 2, 1);
  EXPECT_EQ(h.propagated(), Cmds{"SREM s " + member});
  EXPECT_EQ(h.Propagate({"spop", "nos"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

TEST_F(PropagationTest, SpopOfTheWholeSetGoesAsDel) {
  h.Run({"sadd", "s", "a", "b", "c", "d"});
  EXPECT_EQ(h.Propagate({"spop", "s", "4"}), Cmds{"DEL s"});
  EXPECT_EQ(h.last_dirty(), 4u);
  h.Run({"sadd", "s", "1", "2"});
  EXPECT_EQ(h.Propagate({"spop", "s", "10"}), Cmds{"DEL s"});
  EXPECT_EQ(h.last_dirty(), 2u);
  EXPECT_EQ(h.Propagate({"spop", "s", "2"}), Cmds{});
  h.Run({"sadd", "s", "1"});
  EXPECT_EQ(h.Propagate({"spop", "s", "0"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

// One SREM per popped member, in reply order, and not the SPOP: both of
// Redis's strategies (draw members one by one; keep the few that stay).
TEST_F(PropagationTest, SpopWithACountGoesAsOneSremPerMember) {
  struct Case {
    int size;
    int count;
  };
  for (Case c : {Case{20, 3}, Case{10, 8}, Case{4, 2}}) {
    SCOPED_TRACE(std::to_string(c.size) + " " + std::to_string(c.count));
    std::vector<std::string> sadd = {"sadd", "s"};
    for (int i = 0; i < c.size; ++i) sadd.push_back("m" + std::to_string(i));
    h.Run({"del", "s"});
    h.Run(sadd);
    std::vector<std::string> popped = ParseBulks(h.Run({"spop", "s", std::to_string(c.count)}));
    ASSERT_EQ(popped.size(), static_cast<size_t>(c.count));
    Cmds srems;
    for (const std::string& m : popped) srems.push_back("SREM s " + m);
    EXPECT_EQ(h.propagated(), srems);
    EXPECT_EQ(h.last_dirty(), static_cast<uint64_t>(c.count));
  }
  // Integers (an intset) as well.
  h.Run({"del", "s"});
  h.Run({"sadd", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
  std::vector<std::string> popped = ParseBulks(h.Run({"spop", "s", "9"}));
  Cmds srems;
  for (const std::string& m : popped) srems.push_back("SREM s " + m);
  EXPECT_EQ(h.propagated(), srems);
}

TEST_F(PropagationTest, SetNoOpsPropagateNothing) {
  h.Run({"sadd", "s", "a", "b"});
  EXPECT_EQ(h.Propagate({"sadd", "s", "a"}), Cmds{});
  EXPECT_EQ(h.Propagate({"srem", "s", "zz"}), Cmds{});
  EXPECT_EQ(h.Propagate({"smove", "s", "t", "zz"}), Cmds{});
  EXPECT_EQ(h.Propagate({"smove", "s", "s", "b"}), Cmds{});  // the same set: a no-op
  EXPECT_EQ(h.last_reply(), Int(1));
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"sinterstore", "d", "nos", "s"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"smove", "s", "t", "b"}), Cmds{"smove s t b"});
  EXPECT_EQ(h.last_dirty(), 2u);
  EXPECT_EQ(h.Propagate({"sunionstore", "d", "s", "t"}), Cmds{"sunionstore d s t"});
  // An empty result deleting the destination is a change.
  EXPECT_EQ(h.Propagate({"sinterstore", "d", "nos", "s"}), Cmds{"sinterstore d nos s"});
  EXPECT_EQ(h.last_dirty(), 1u);
}

// ---------------------------------------------------------------------------
// Sorted sets (t_zset.c)

TEST_F(PropagationTest, BlockingZpopsGoAsZpops) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Propagate({"bzpopmin", "none", "z", "0"}), Cmds{"ZPOPMIN z"});
  EXPECT_EQ(h.Propagate({"bzpopmax", "z", "0"}), Cmds{"ZPOPMAX z"});
  EXPECT_EQ(h.Propagate({"zpopmin", "z"}), Cmds{"zpopmin z"});
  EXPECT_EQ(h.Propagate({"bzpopmin", "z", "0"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  h.set_allow_block(true);
  EXPECT_EQ(h.Propagate({"bzpopmax", "z", "0"}), Cmds{});
  EXPECT_TRUE(h.last_block().requested);
  h.Run({"zadd", "z", "1", "a"});
  EXPECT_EQ(h.Propagate({"bzpopmax", "z", "0"}), Cmds{"ZPOPMAX z"});
}

TEST_F(PropagationTest, ZmpopGoesAsZpopWithThePoppedCount) {
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(h.Propagate({"zmpop", "1", "z", "min", "count", "10"}), Cmds{"ZPOPMIN z 2"});
  EXPECT_EQ(h.last_dirty(), 2u);
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(h.Propagate({"bzmpop", "0", "2", "noz", "z", "MAX"}), Cmds{"ZPOPMAX z 1"});
  EXPECT_EQ(h.Propagate({"bzmpop", "0", "1", "z", "min", "COUNT", "10"}), Cmds{"ZPOPMIN z 1"});
  EXPECT_EQ(h.Propagate({"zmpop", "1", "z", "min"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

TEST_F(PropagationTest, ZsetNoOpsPropagateNothing) {
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  const Cmds none;
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"zadd", "z", "1", "a"},
           {"zadd", "z", "incr", "0", "a"},
           {"zadd", "z", "nx", "incr", "1", "a"},
           {"zadd", "z", "xx", "1", "zz"},
           {"zadd", "z", "gt", "0", "b"},
           {"zincrby", "z", "0", "a"},
           {"zrem", "z", "zz"},
           {"zrem", "noz", "a"},
           {"zremrangebyscore", "z", "100", "200"},
           {"zremrangebyrank", "z", "10", "20"},
           {"zremrangebylex", "z", "[x", "[y"},
           {"zpopmin", "z", "0"},
           {"zpopmax", "noz"},
           {"zrangestore", "r", "z", "5", "6"},
           {"zdiffstore", "r", "2", "z", "z"},
       }) {
    EXPECT_EQ(h.Propagate(cmd), none) << cmd[0];
    EXPECT_EQ(h.last_dirty(), 0u) << cmd[0];
  }
  EXPECT_EQ(h.Propagate({"zadd", "z", "incr", "1", "a"}), Cmds{"zadd z incr 1 a"});
  EXPECT_EQ(h.Propagate({"zincrby", "z", "1e3", "a"}), Cmds{"zincrby z 1e3 a"});
  EXPECT_EQ(h.Propagate({"zadd", "z", "ch", "1", "a", "3", "c"}), Cmds{"zadd z ch 1 a 3 c"});
  EXPECT_EQ(h.last_dirty(), 2u);
}

// ---------------------------------------------------------------------------
// Hashes (t_hash.c)

TEST_F(PropagationTest, HincrbyfloatGoesAsHsetWithTheReply) {
  EXPECT_EQ(h.Propagate({"hincrbyfloat", "h", "f", "1.5"}), Cmds{"HSET h f 1.5"});
  EXPECT_EQ(h.Propagate({"hincrbyfloat", "h", "f", "1e3"}), Cmds{"HSET h f 1001.5"});
  EXPECT_EQ(h.Propagate({"hincrbyfloat", "h", "f", "0.1"}),
            Cmds{"HSET h f 1001.59999999999999998"});
  h.Run({"hset", "h", "a", "6"});
  EXPECT_EQ(h.Propagate({"hincrbyfloat", "h", "a", "10"}), Cmds{"HSET h a 16"});
  EXPECT_EQ(h.Propagate({"hincrbyfloat", "h", "a", "0"}), Cmds{"HSET h a 16"});
  EXPECT_EQ(h.last_dirty(), 1u);
  EXPECT_EQ(h.Propagate({"hincrbyfloat", "h", "a", "x"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

TEST_F(PropagationTest, HashNoOpsPropagateNothing) {
  h.Run({"hset", "h", "a", "1"});
  EXPECT_EQ(h.Propagate({"hsetnx", "h", "a", "2"}), Cmds{});
  EXPECT_EQ(h.Propagate({"hdel", "h", "zz"}), Cmds{});
  EXPECT_EQ(h.Propagate({"hdel", "noh", "a"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  // HSET of the same value still counts.
  EXPECT_EQ(h.Propagate({"hset", "h", "a", "1"}), Cmds{"hset h a 1"});
  EXPECT_EQ(h.Propagate({"hincrby", "h", "a", "5"}), Cmds{"hincrby h a 5"});
}

// ---------------------------------------------------------------------------
// SORT ... STORE (sort.c), RESTORE (cluster.c)

TEST_F(PropagationTest, SortStoreGoesAsSent) {
  h.Run({"rpush", "l", "3", "1", "2"});
  EXPECT_EQ(h.Propagate({"sort", "l", "store", "d"}), Cmds{"sort l store d"});
  EXPECT_EQ(h.last_dirty(), 3u);
  // An empty result deleting the destination is a change; with no
  // destination to delete it is not.
  EXPECT_EQ(h.Propagate({"sort", "l", "store", "d", "limit", "5", "10"}),
            Cmds{"sort l store d limit 5 10"});
  EXPECT_EQ(h.last_dirty(), 1u);
  EXPECT_EQ(h.Propagate({"sort", "l", "store", "d", "limit", "5", "10"}), Cmds{});
  EXPECT_EQ(h.Propagate({"sort", "nol", "store", "d"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
}

// The payload of DUMP of the string "v" (as dump_commands_test.cc).
std::string PayloadOfV() {
  std::string p = std::string("\x00\x01v\x0a\x00", 5);
  uint64_t crc = persistence::Crc64(0, p.data(), p.size());
  for (int i = 0; i < 8; ++i) p.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  return p;
}

TEST_F(PropagationTest, RestoreWithARelativeTtlGoesWithAbsttl) {
  const std::string p = PayloadOfV();
  EXPECT_EQ(h.Propagate({"restore", "a", "0", p}), Cmds{"restore a 0 " + p});
  EXPECT_EQ(h.Propagate({"restore", "b", "100000", p}),
            Cmds{"restore b " + At(100000) + " " + p + " ABSTTL"});
  // Options keep their place and spelling; ABSTTL goes last.
  EXPECT_EQ(h.Propagate({"restore", "b", "5000", p, "IDLETIME", "5", "REPLACE"}),
            Cmds{"restore b " + At(5000) + " " + p + " IDLETIME 5 REPLACE ABSTTL"});
  EXPECT_EQ(h.Propagate({"restore", "c", At(100000), p, "absttl"}),
            Cmds{"restore c " + At(100000) + " " + p + " absttl"});
  EXPECT_EQ(h.propagation().rewrites(), 0);
}

TEST_F(PropagationTest, RestoreAlreadyExpired) {
  const std::string p = PayloadOfV();
  // Nothing stored, nothing replaced: no change.
  EXPECT_EQ(h.Propagate({"restore", "d", "1", p, "absttl"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  EXPECT_EQ(h.Propagate({"restore", "e", "5000", p, "Absttl"}), Cmds{});
  EXPECT_EQ(h.last_dirty(), 0u);
  // A replaced key is deleted: DEL.
  h.Run({"set", "c", "x"});
  EXPECT_EQ(h.Propagate({"restore", "c", "1", p, "absttl", "replace"}), Cmds{"DEL c"});
  EXPECT_EQ(h.last_dirty(), 1u);
}

// ---------------------------------------------------------------------------
// Without a propagator (AOF off) the same commands behave the same.

TEST_F(PropagationTest, WithoutAPropagatorRepliesAndDataAreTheSame) {
  CommandHarness other;
  other.Register(RegisterSetCommands);
  other.Register(RegisterListCommands);
  other.Register(RegisterSortedSetCommands);
  other.Register(RegisterHashCommands);
  other.set_propagate(false);
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"set", "k", "v", "ex", "100", "get"},
           {"pttl", "k"},
           {"getex", "k", "px", "500"},
           {"pttl", "k"},
           {"expire", "k", "10", "gt"},
           {"pttl", "k"},
           {"incrbyfloat", "f", "1.5"},
           {"hincrbyfloat", "h", "f", "2.5"},
           {"rpush", "l", "a", "b", "c"},
           {"lmpop", "1", "l", "left", "count", "2"},
           {"blpop", "l", "0"},
           {"zadd", "z", "1", "a", "2", "b"},
           {"bzmpop", "0", "1", "z", "max", "count", "5"},
           {"sadd", "s", "a"},
           {"spop", "s", "1"},
           {"flushall"},
           {"dbsize"},
       }) {
    EXPECT_EQ(other.Run(cmd), h.Run(cmd)) << cmd[0];
    EXPECT_EQ(other.last_dirty(), h.last_dirty()) << cmd[0];
  }
}

}  // namespace
}  // namespace spindle::commands::testing
