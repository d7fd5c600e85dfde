// Sorted-set family tests. Expected replies were checked byte for byte against
// redis-server 7.0.15 (and the family is covered by tests/differential/
// gen_zsets.py against it).

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "command_harness.h"
#include "storage/zset_value.h"

namespace spindle::commands::testing {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kNotFloat = "-ERR value is not a valid float\r\n";
const std::string kNilArray = "*-1\r\n";
const std::string kEmptyArray = "*0\r\n";

std::string Arr(std::vector<std::string> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& i : items) out += i;
  return out;
}
std::string Bulks(std::vector<std::string> items) {
  for (auto& i : items) i = Bulk(i);
  return Arr(items);
}

class ZSetCommandsTest : public ::testing::Test {
 protected:
  ZSetCommandsTest() { h.Register(RegisterSortedSetCommands); }
  // What OBJECT ENCODING reports (the harness has no container dispatch).
  std::string Enc(const std::string& key) {
    storage::Value* v = h.db().LookupNoTouch(key, h.now_ms());
    return v == nullptr ? kNil : Bulk(storage::EncodingName(v->encoding()));
  }
  CommandHarness h;
};

TEST_F(ZSetCommandsTest, ZAddBasicsAndOptions) {
  EXPECT_EQ(h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"}), Int(3));
  EXPECT_EQ(h.Run({"zadd", "z", "1", "a", "5", "b"}), Int(0));
  EXPECT_EQ(h.Run({"zadd", "z", "ch", "1", "a", "6", "b", "7", "d"}), Int(2));
  EXPECT_EQ(h.Run({"zadd", "z", "nx", "9", "a", "9", "e"}), Int(1));
  EXPECT_EQ(h.Run({"zscore", "z", "a"}), Bulk("1"));
  EXPECT_EQ(h.Run({"zadd", "z", "xx", "ch", "2", "a", "9", "new"}), Int(1));
  EXPECT_EQ(h.Run({"zscore", "z", "new"}), kNil);
  EXPECT_EQ(h.Run({"zadd", "z", "gt", "ch", "1", "a", "3", "c"}), Int(0));
  EXPECT_EQ(h.Run({"zadd", "z", "lt", "ch", "1", "a"}), Int(1));
  EXPECT_EQ(h.Run({"zadd", "z", "incr", "2.5", "a"}), Bulk("3.5"));
  EXPECT_EQ(h.Run({"zadd", "z", "nx", "incr", "1", "a"}), kNil);
  EXPECT_EQ(h.Run({"zadd", "z", "gt", "incr", "-1", "a"}), kNil);
  EXPECT_EQ(h.Run({"zadd", "nokey", "xx", "1", "a"}), Int(0));
  EXPECT_EQ(h.Run({"zadd", "nokey", "xx", "incr", "1", "a"}), kNil);
  EXPECT_EQ(h.Run({"exists", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"zadd", "z", "incr", "inf", "a"}), Bulk("inf"));
  EXPECT_EQ(h.Run({"zadd", "z", "incr", "-inf", "a"}),
            Err("ERR resulting score is not a number (NaN)"));
  EXPECT_EQ(h.Run({"zincrby", "z", "1e2", "zz"}), Bulk("100"));
  EXPECT_EQ(h.Run({"zincrby", "z", "0.1", "zz"}), Bulk("100.09999999999999"));
}

TEST_F(ZSetCommandsTest, ZAddErrors) {
  EXPECT_EQ(h.Run({"zadd", "z", "1"}), Err("ERR wrong number of arguments for 'zadd' command"));
  EXPECT_EQ(h.Run({"zadd", "z", "1", "a", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"zadd", "z", "nx", "xx", "1", "a"}),
            Err("ERR XX and NX options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"zadd", "z", "gt", "lt", "1", "a"}),
            Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"zadd", "z", "nx", "gt", "1", "a"}),
            Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"zadd", "z", "incr", "1", "a", "2", "b"}),
            Err("ERR INCR option supports a single increment-element pair"));
  EXPECT_EQ(h.Run({"zadd", "z", "nan", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"zadd", "z", " 1", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"zincrby", "z", "x", "a"}), kNotFloat);
  EXPECT_EQ(h.db().size(), 0u);
  h.Run({"set", "s", "x"});
  EXPECT_EQ(h.Run({"zadd", "s", "1", "a"}), kWrongType);
  // Options and scores are checked before the key's type.
  EXPECT_EQ(h.Run({"zadd", "s", "1", "a", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"zadd", "s", "x", "a"}), kNotFloat);
}

TEST_F(ZSetCommandsTest, WrongTypeEverywhere) {
  h.Run({"set", "s", "x"});
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"zscore", "s", "a"},
                                             {"zmscore", "s", "a"},
                                             {"zcard", "s"},
                                             {"zcount", "s", "0", "1"},
                                             {"zlexcount", "s", "-", "+"},
                                             {"zrange", "s", "0", "-1"},
                                             {"zrangebyscore", "s", "0", "1"},
                                             {"zrank", "s", "a"},
                                             {"zrem", "s", "a"},
                                             {"zremrangebyrank", "s", "0", "1"},
                                             {"zpopmin", "s"},
                                             {"zrangestore", "d", "s", "0", "1"},
                                             {"zunion", "1", "s"},
                                             {"zintercard", "1", "s"},
                                             {"zmpop", "1", "s", "min"},
                                             {"zrandmember", "s"},
                                             {"zscan", "s", "0"},
                                             {"bzpopmin", "s", "0"},
                                             {"zincrby", "s", "1", "a"}}) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
}

TEST_F(ZSetCommandsTest, ReadsAndRanks) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"zcard", "z"}), Int(3));
  EXPECT_EQ(h.Run({"zcard", "none"}), Int(0));
  EXPECT_EQ(h.Run({"zmscore", "z", "a", "x", "c"}), Arr({Bulk("1"), kNil, Bulk("3")}));
  EXPECT_EQ(h.Run({"zmscore", "none", "a"}), Arr({kNil}));
  EXPECT_EQ(h.Run({"zrank", "z", "c"}), Int(2));
  EXPECT_EQ(h.Run({"zrevrank", "z", "c"}), Int(0));
  EXPECT_EQ(h.Run({"zrank", "z", "x"}), kNil);
  EXPECT_EQ(h.Run({"zcount", "z", "(1", "3"}), Int(2));
  EXPECT_EQ(h.Run({"zcount", "z", "-inf", "+inf"}), Int(3));
  EXPECT_EQ(h.Run({"zcount", "z", "", ""}), Int(0));  // strtod: "" is 0
  EXPECT_EQ(h.Run({"zcount", "z", "nan", "1"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(h.Run({"zlexcount", "z", "a", "+"}), Err("ERR min or max not valid string range item"));
}

TEST_F(ZSetCommandsTest, ZRangeForms) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_EQ(h.Run({"zrange", "z", "0", "-1"}), Bulks({"a", "b", "c", "d"}));
  EXPECT_EQ(h.Run({"zrange", "z", "-2", "100", "withscores"}), Bulks({"c", "3", "d", "4"}));
  EXPECT_EQ(h.Run({"zrevrange", "z", "0", "1"}), Bulks({"d", "c"}));
  EXPECT_EQ(h.Run({"zrange", "z", "3", "1"}), kEmptyArray);
  EXPECT_EQ(h.Run({"zrangebyscore", "z", "(1", "3"}), Bulks({"b", "c"}));
  EXPECT_EQ(h.Run({"zrevrangebyscore", "z", "+inf", "(2", "limit", "1", "5"}), Bulks({"c"}));
  EXPECT_EQ(h.Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "-1", "2"}), kEmptyArray);
  EXPECT_EQ(h.Run({"zrange", "z", "(1", "+inf", "byscore", "limit", "1", "-1"}), Bulks({"c", "d"}));
  EXPECT_EQ(h.Run({"zrange", "z", "4", "1", "byscore", "rev", "withscores", "limit", "0", "2"}),
            Bulks({"d", "4", "c", "3"}));
  EXPECT_EQ(h.Run({"zrange", "z", "0", "1", "limit", "0", "1"}),
            Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE "
                "or BYLEX"));
  // LIMIT x -1 is "no limit" and accepted with a rank range.
  EXPECT_EQ(h.Run({"zrange", "z", "0", "1", "limit", "5", "-1"}), Bulks({"a", "b"}));
  EXPECT_EQ(h.Run({"zrange", "z", "-", "+", "bylex", "withscores"}),
            Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(h.Run({"zrange", "z", "0", "1", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"zrange", "z", "a", "1"}), kNotInt);
  EXPECT_EQ(h.Run({"zrangebyscore", "z", "x", "1"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(h.Run({"zrange", "none", "0", "-1"}), kEmptyArray);
  h.set_resp(3);
  EXPECT_EQ(h.Run({"zrange", "z", "0", "0", "withscores"}), "*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
  EXPECT_EQ(h.Run({"zscore", "z", "a"}), ",1\r\n");
}

TEST_F(ZSetCommandsTest, LexRanges) {
  h.Run({"zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d"});
  EXPECT_EQ(h.Run({"zrangebylex", "l", "[b", "(d"}), Bulks({"b", "c"}));
  EXPECT_EQ(h.Run({"zrevrangebylex", "l", "+", "(b"}), Bulks({"d", "c"}));
  EXPECT_EQ(h.Run({"zrangebylex", "l", "-", "+", "limit", "1", "2"}), Bulks({"b", "c"}));
  EXPECT_EQ(h.Run({"zrange", "l", "[c", "-", "bylex", "rev"}), Bulks({"c", "b", "a"}));
  EXPECT_EQ(h.Run({"zlexcount", "l", "(a", "[c"}), Int(2));
  EXPECT_EQ(h.Run({"zrangebylex", "l", "b", "+"}),
            Err("ERR min or max not valid string range item"));
  EXPECT_EQ(h.Run({"zremrangebylex", "l", "(a", "[c"}), Int(2));
  EXPECT_EQ(h.Run({"zrange", "l", "0", "-1"}), Bulks({"a", "d"}));
}

TEST_F(ZSetCommandsTest, RemovalsDeleteEmptyKeys) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_EQ(h.Run({"zrem", "z", "a", "x", "a"}), Int(1));
  EXPECT_EQ(h.Run({"zremrangebyrank", "z", "-1", "-1"}), Int(1));
  EXPECT_EQ(h.Run({"zremrangebyscore", "z", "(2", "3"}), Int(1));
  EXPECT_EQ(h.Run({"zremrangebyrank", "z", "5", "10"}), Int(0));
  EXPECT_EQ(h.Run({"zremrangebyrank", "z", "x", "1"}), kNotInt);
  EXPECT_EQ(h.Run({"zrange", "z", "0", "-1"}), Bulks({"b", "d"}));
  EXPECT_EQ(h.Run({"zrem", "z", "b", "d"}), Int(2));
  EXPECT_EQ(h.Run({"exists", "z"}), Int(0));
  EXPECT_EQ(h.Run({"zrem", "z", "b"}), Int(0));
}

TEST_F(ZSetCommandsTest, Pops) {
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"zpopmin", "z", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"zpopmin", "z", "abc"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"zpopmin", "z", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"zpopmin", "z", "0"}), kEmptyArray);
  EXPECT_EQ(h.Run({"zpopmin", "z"}), Bulks({"a", "1"}));
  EXPECT_EQ(h.Run({"zpopmax", "z", "5"}), Bulks({"c", "3", "b", "2"}));
  EXPECT_EQ(h.Run({"exists", "z"}), Int(0));
  EXPECT_EQ(h.Run({"zpopmin", "z"}), kEmptyArray);
  h.Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"zmpop", "2", "none", "z", "max", "count", "2"}),
            Arr({Bulk("z"), Arr({Bulks({"c", "3"}), Bulks({"b", "2"})})}));
  EXPECT_EQ(h.Run({"zmpop", "1", "none", "min"}), kNilArray);
  EXPECT_EQ(h.Run({"zmpop", "0", "z", "min"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"zmpop", "1", "z", "mid"}), kSyntax);
  EXPECT_EQ(h.Run({"zmpop", "1", "z", "min", "count", "0"}),
            Err("ERR count should be greater than 0"));
  h.set_resp(3);
  EXPECT_EQ(h.Run({"zpopmin", "z", "1"}), "*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
}

TEST_F(ZSetCommandsTest, BlockingServedAtOnce) {
  h.set_allow_block(true);
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_EQ(h.Run({"bzpopmax", "none", "z", "0"}), Bulks({"z", "b", "2"}));
  EXPECT_FALSE(h.last_block().requested);
  EXPECT_EQ(h.Run({"bzmpop", "0", "1", "z", "min"}), Arr({Bulk("z"), Arr({Bulks({"a", "1"})})}));
  EXPECT_EQ(h.Run({"exists", "z"}), Int(0));
}

TEST_F(ZSetCommandsTest, BlockingBlocksOrReturnsNull) {
  h.set_allow_block(true);
  EXPECT_EQ(h.Run({"bzpopmin", "a", "b", "1.5"}), "");
  EXPECT_TRUE(h.last_block().requested);
  EXPECT_EQ(h.last_block().keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(h.last_block().deadline_ms, h.now_ms() + 1500);
  EXPECT_EQ(h.Run({"bzmpop", "0", "2", "a", "b", "max", "count", "3"}), "");
  EXPECT_EQ(h.last_block().deadline_ms, 0);
  EXPECT_EQ(h.last_block().keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(h.Run({"bzpopmin", "a", "-1"}), Err("ERR timeout is negative"));
  EXPECT_EQ(h.Run({"bzpopmin", "a", "1e20"}), Err("ERR timeout is negative"));
  EXPECT_EQ(h.Run({"bzpopmin", "a", "x"}), Err("ERR timeout is not a float or out of range"));
  EXPECT_FALSE(h.last_block().requested);
  h.set_allow_block(false);
  EXPECT_EQ(h.Run({"bzpopmin", "a", "0"}), kNilArray);
  EXPECT_EQ(h.Run({"bzmpop", "0", "1", "a", "min"}), kNilArray);
}

TEST_F(ZSetCommandsTest, SetAlgebra) {
  h.Run({"zadd", "x", "1", "a", "2", "b", "3", "c"});
  h.Run({"zadd", "y", "10", "b", "20", "c", "30", "d"});
  EXPECT_EQ(h.Run({"zunion", "2", "x", "y", "withscores"}),
            Bulks({"a", "1", "b", "12", "c", "23", "d", "30"}));
  EXPECT_EQ(h.Run({"zinter", "2", "x", "y", "weights", "2", "1", "aggregate", "max", "withscores"}),
            Bulks({"b", "10", "c", "20"}));
  EXPECT_EQ(h.Run({"zdiff", "2", "x", "y"}), Bulks({"a"}));
  EXPECT_EQ(h.Run({"zintercard", "2", "x", "y", "limit", "1"}), Int(1));
  EXPECT_EQ(h.Run({"zunionstore", "d", "2", "x", "y", "aggregate", "min"}), Int(4));
  EXPECT_EQ(h.Run({"zrange", "d", "0", "-1", "withscores"}),
            Bulks({"a", "1", "b", "2", "c", "3", "d", "30"}));
  EXPECT_EQ(h.Run({"zinterstore", "d", "2", "x", "none"}), Int(0));
  EXPECT_EQ(h.Run({"exists", "d"}), Int(0));
  EXPECT_EQ(h.Run({"zdiffstore", "d", "1", "x"}), Int(3));
  EXPECT_EQ(h.Run({"zunion", "0", "x"}),
            Err("ERR at least 1 input key is needed for 'zunion' command"));
  EXPECT_EQ(h.Run({"zunionstore", "d", "0", "x"}),
            Err("ERR at least 1 input key is needed for 'zunionstore' command"));
  EXPECT_EQ(h.Run({"zunion", "3", "x", "y"}), kSyntax);
  EXPECT_EQ(h.Run({"zunion", "1", "x", "weights", "nan"}), Err("ERR weight value is not a float"));
  EXPECT_EQ(h.Run({"zunion", "1", "x", "aggregate", "avg"}), kSyntax);
  EXPECT_EQ(h.Run({"zdiff", "1", "x", "weights", "1"}), kSyntax);
  EXPECT_EQ(h.Run({"zintercard", "1", "x", "limit", "-1"}), Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"zunionstore", "d", "1", "x", "withscores"}), kSyntax);
  // inf * 0 is NaN, read as 0.
  EXPECT_EQ(h.Run({"zunion", "1", "x", "weights", "0", "withscores"}),
            Bulks({"a", "0", "b", "0", "c", "0"}));
}

TEST_F(ZSetCommandsTest, RangeStoreAndEncodings) {
  h.limits_.zset_max_listpack_entries = 2;
  h.Run({"zadd", "t", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Enc("t"), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"zrangestore", "d", "t", "0", "1"}), Int(2));
  EXPECT_EQ(Enc("d"), Bulk("listpack"));
  EXPECT_EQ(h.Run({"zunionstore", "d", "1", "t"}), Int(3));
  EXPECT_EQ(Enc("d"), Bulk("skiplist"));
  h.Run({"zrem", "t", "c"});
  EXPECT_EQ(Enc("t"), Bulk("skiplist"));  // one-way
  EXPECT_EQ(h.Run({"zunionstore", "d", "1", "t"}), Int(2));
  EXPECT_EQ(Enc("d"), Bulk("listpack"));
  EXPECT_EQ(h.Run({"zrangestore", "d", "none", "0", "-1"}), Int(0));
  EXPECT_EQ(h.Run({"exists", "d"}), Int(0));
  h.limits_.zset_max_listpack_entries = 128;
  std::string long_member(65, 'x');
  h.Run({"zadd", "v", "1", long_member});
  EXPECT_EQ(Enc("v"), Bulk("skiplist"));
  h.Run({"zadd", "w", "1", "a", "2", long_member});
  EXPECT_EQ(Enc("w"), Bulk("skiplist"));
  h.Run({"zadd", "u", "1", "a"});
  EXPECT_EQ(Enc("u"), Bulk("listpack"));
}

TEST_F(ZSetCommandsTest, RandMemberAndScan) {
  EXPECT_EQ(h.Run({"zrandmember", "none"}), kNil);
  EXPECT_EQ(h.Run({"zrandmember", "none", "3"}), kEmptyArray);
  h.Run({"zadd", "z", "1", "a", "2", "b"});
  // A count at least the size returns the whole set, as Redis 7.0 does: its
  // zset iterator starts at the tail, so the order is descending.
  EXPECT_EQ(h.Run({"zrandmember", "z", "5", "withscores"}), Bulks({"b", "2", "a", "1"}));
  EXPECT_EQ(h.Run({"zrandmember", "z", "2"}), Bulks({"b", "a"}));
  EXPECT_EQ(h.Run({"zrandmember", "z", "0"}), kEmptyArray);
  std::string r = h.Run({"zrandmember", "z", "-5"});
  EXPECT_EQ(r.substr(0, 4), "*5\r\n");
  EXPECT_EQ(h.Run({"zrandmember", "z", "1", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"zrandmember", "z", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"zrandmember", "z", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(h.Run({"zrandmember", "z", "4611686018427387904", "withscores"}),
            Err("ERR value is out of range"));
  h.Run({"zadd", "z", "1e17", "big"});
  EXPECT_EQ(h.Run({"zscan", "z", "0", "match", "b*"}),
            Arr({Bulk("0"), Bulks({"b", "2", "big", "100000000000000000"})}));
  EXPECT_EQ(h.Run({"zscan", "z", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"zscan", "z", "0", "count", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"zscan", "none", "0"}), Arr({Bulk("0"), kEmptyArray}));
}

// ZRANDMEMBER with a count of at least the size on a skiplist: the whole set,
// descending (checked against redis-server 7.0.15 with
// zset-max-listpack-entries 2); smaller counts give distinct members.
TEST_F(ZSetCommandsTest, RandMemberWholeSkiplistDescending) {
  h.limits_.zset_max_listpack_entries = 2;
  h.Run({"zadd", "s", "1", "a", "2", "b", "3", "c", "1.5", "d"});
  ASSERT_EQ(Enc("s"), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"zrandmember", "s", "4", "withscores"}),
            Bulks({"c", "3", "b", "2", "d", "1.5", "a", "1"}));
  EXPECT_EQ(h.Run({"zrandmember", "s", "40"}), Bulks({"c", "b", "d", "a"}));
  for (const char* count : {"1", "2", "3"}) {
    std::string r = h.Run({"zrandmember", "s", count});
    EXPECT_EQ(r.substr(0, 4), std::string("*") + count + "\r\n");
    for (const char* m : {"a", "b", "c", "d"}) {
      size_t first = r.find(Bulk(m));
      EXPECT_TRUE(first == std::string::npos || r.find(Bulk(m), first + 1) == std::string::npos);
    }
  }
}

// A parsed ZSCAN reply: the next cursor and the flat member/score items.
struct ScanPage {
  uint64_t cursor = 0;
  std::vector<std::string> items;
};

ScanPage ParseScan(const std::string& r) {
  ScanPage page;
  size_t pos = 0;
  auto line = [&] {
    size_t end = r.find("\r\n", pos);
    std::string out = r.substr(pos, end - pos);
    pos = end + 2;
    return out;
  };
  auto bulk = [&] {
    const size_t len = std::stoul(line().substr(1));
    std::string out = r.substr(pos, len);
    pos += len + 2;
    return out;
  };
  EXPECT_EQ(line(), "*2");
  page.cursor = std::stoull(bulk());
  const size_t n = std::stoul(line().substr(1));
  for (size_t i = 0; i < n; ++i) page.items.push_back(bulk());
  EXPECT_EQ(pos, r.size());
  return page;
}

// ZSCAN on a skiplist pages with a cursor over the member index: COUNT is
// honoured approximately, the last page has cursor 0, and every member
// present throughout is returned (with its score) although members come and
// go and the index grows and shrinks between calls.
TEST_F(ZSetCommandsTest, ZScanPagesASkiplist) {
  std::map<std::string, std::string> stable;
  for (int i = 0; i < 1000; ++i) {
    std::string m = "m" + std::to_string(i);
    std::string score = i % 4 == 0 ? std::to_string(i) + ".5" : std::to_string(i);
    h.Run({"zadd", "z", score, m});
    stable[m] = score;
  }
  ASSERT_EQ(Enc("z"), Bulk("skiplist"));
  std::map<std::string, std::string> seen;
  uint64_t cursor = 0;
  int pages = 0;
  do {
    ScanPage page = ParseScan(h.Run({"zscan", "z", std::to_string(cursor), "count", "20"}));
    ASSERT_EQ(page.items.size() % 2, 0u);
    if (page.cursor != 0) {
      // At least COUNT items (members and scores), and not much more: one
      // step past COUNT brings at most a bucket's chain.
      EXPECT_GE(page.items.size(), 20u);
      EXPECT_LE(page.items.size(), 60u);
    }
    for (size_t i = 0; i < page.items.size(); i += 2) seen[page.items[i]] = page.items[i + 1];
    cursor = page.cursor;
    ++pages;
    // Churn: grow the index for a while, then shrink it again.
    if (pages < 30) {
      for (int j = 0; j < 100; ++j) {
        h.Run({"zadd", "z", "7", "x" + std::to_string(pages * 100 + j)});
      }
    } else if (pages < 60) {
      for (int j = 0; j < 100; ++j) {
        h.Run({"zrem", "z", "x" + std::to_string((pages - 30) * 100 + j)});
      }
    }
  } while (cursor != 0 && pages < 100000);
  EXPECT_EQ(cursor, 0u);
  EXPECT_GT(pages, 20);
  for (const auto& [m, score] : stable) {
    auto it = seen.find(m);
    ASSERT_NE(it, seen.end()) << m;
    EXPECT_EQ(it->second, score) << m;
  }
}

// MATCH filters the pages of a skiplist scan; a full iteration returns
// exactly the matching members. A listpack replies whole with cursor 0
// whatever the cursor.
TEST_F(ZSetCommandsTest, ZScanMatchAndListpackWhole) {
  for (int i = 0; i < 300; ++i) h.Run({"zadd", "z", std::to_string(i), "k" + std::to_string(i)});
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    ScanPage page = ParseScan(h.Run({"zscan", "z", std::to_string(cursor), "match", "k1*"}));
    for (size_t i = 0; i < page.items.size(); i += 2) {
      EXPECT_EQ(page.items[i].substr(0, 2), "k1");
      EXPECT_EQ(page.items[i + 1], page.items[i].substr(1));
      seen.insert(page.items[i]);
    }
    cursor = page.cursor;
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 111u);  // k1, k10..k19, k100..k199

  h.Run({"zadd", "l", "2", "b", "1", "a", "0.5", "c"});
  ASSERT_EQ(Enc("l"), Bulk("listpack"));
  const std::string whole = Arr({Bulk("0"), Bulks({"c", "0.5", "a", "1", "b", "2"})});
  EXPECT_EQ(h.Run({"zscan", "l", "0", "count", "1"}), whole);
  EXPECT_EQ(h.Run({"zscan", "l", "12345"}), whole);
}

}  // namespace
}  // namespace spindle::commands::testing
