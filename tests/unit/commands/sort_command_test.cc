// SORT / SORT_RO. Expected replies were checked byte for byte against
// redis-server 7.0.15.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"
#include "storage/zset_value.h"

namespace spindle::commands {
namespace {

using testing::Bulk;
using testing::CommandHarness;
using testing::Err;
using testing::Int;
using testing::kNil;
using testing::kOk;

const std::string kWrongType = Err(protocol::kErrWrongType);
const std::string kSyntax = Err(protocol::kErrSyntax);
const std::string kNotInt = Err(protocol::kErrNotInteger);
const std::string kConv = Err("ERR One or more scores can't be converted into double");
const std::string kEmptyArray = "*0\r\n";

std::string Arr(std::vector<std::string> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& i : items) out += Bulk(i);
  return out;
}

class SortTest : public ::testing::Test {
 protected:
  SortTest() {
    h.Register(RegisterListCommands);
    h.Register(RegisterSetCommands);
    h.Register(RegisterSortedSetCommands);
    h.Register(RegisterHashCommands);
    h.Register(RegisterSortCommands);
  }
  // OBJECT ENCODING of key (the harness runs no container commands).
  storage::Encoding Encoding(std::string_view key) {
    return h.db().LookupNoTouch(key, h.now_ms())->encoding();
  }
  CommandHarness h;
};

TEST_F(SortTest, NumericAscDesc) {
  EXPECT_EQ(h.Run({"RPUSH", "l", "3", "1", "2", "5", "4"}), Int(5));
  EXPECT_EQ(h.Run({"SORT", "l"}), Arr({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(h.Run({"sort", "l", "desc"}), Arr({"5", "4", "3", "2", "1"}));
  EXPECT_EQ(h.Run({"SORT", "l", "DESC", "ASC"}), Arr({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(h.Run({"SORT_RO", "l", "DESC"}), Arr({"5", "4", "3", "2", "1"}));
}

TEST_F(SortTest, NumericParsingAndTies) {
  h.Run({"RPUSH", "a", "1", "", "2"});
  EXPECT_EQ(h.Run({"SORT", "a"}), Arr({"", "1", "2"}));  // "" reads as 0
  h.Run({"RPUSH", "b", "1", " 3", "2", "0x10", "inf", "-inf"});
  EXPECT_EQ(h.Run({"SORT", "b"}), Arr({"-inf", "1", "2", " 3", "0x10", "inf"}));
  // Equal scores are ordered by the element bytes.
  h.Run({"RPUSH", "c", "1", "01", "1.0", "+1"});
  EXPECT_EQ(h.Run({"SORT", "c"}), Arr({"+1", "01", "1", "1.0"}));
  EXPECT_EQ(h.Run({"SORT", "c", "DESC"}), Arr({"1.0", "1", "01", "+1"}));
  for (const char* bad : {"3 ", "nan", "1e400", "1e-400", "5e-324", "abc"}) {
    h.Run({"DEL", "d"});
    h.Run({"RPUSH", "d", "1", bad});
    EXPECT_EQ(h.Run({"SORT", "d"}), kConv) << bad;
  }
}

TEST_F(SortTest, Alpha) {
  h.Run({"RPUSH", "l", "b", "a", "c", "B", "10", "9"});
  EXPECT_EQ(h.Run({"SORT", "l"}), kConv);
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA"}), Arr({"10", "9", "B", "a", "b", "c"}));
  EXPECT_EQ(h.Run({"SORT", "l", "alpha", "desc"}), Arr({"c", "b", "a", "B", "9", "10"}));
}

TEST_F(SortTest, Limit) {
  h.Run({"RPUSH", "l", "3", "1", "2", "5", "4"});
  auto sort = [&](const char* off, const char* cnt) {
    return h.Run({"SORT", "l", "LIMIT", off, cnt});
  };
  EXPECT_EQ(sort("0", "9223372036854775807"), Arr({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(sort("2", "9223372036854775807"), Arr({"3", "4", "5"}));
  EXPECT_EQ(sort("-5", "2"), Arr({"1", "2"}));
  EXPECT_EQ(sort("9223372036854775807", "1"), kEmptyArray);
  EXPECT_EQ(sort("-9223372036854775808", "-9223372036854775808"),
            Arr({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(sort("3", "-1"), Arr({"4", "5"}));
  EXPECT_EQ(sort("5", "1"), kEmptyArray);
  EXPECT_EQ(sort("4", "100"), Arr({"5"}));
  EXPECT_EQ(sort("1", "0"), kEmptyArray);
  EXPECT_EQ(h.Run({"SORT", "l", "LIMIT", "1", "2", "DESC"}), Arr({"4", "3"}));
  EXPECT_EQ(sort("1", "x"), kNotInt);
  EXPECT_EQ(sort("x", "1"), kNotInt);
  EXPECT_EQ(h.Run({"SORT", "l", "LIMIT", "1"}), kSyntax);
}

TEST_F(SortTest, Errors) {
  h.Run({"RPUSH", "l", "1"});
  EXPECT_EQ(h.Run({"SORT"}), Err("ERR wrong number of arguments for 'sort' command"));
  EXPECT_EQ(h.Run({"SORT_RO"}), Err("ERR wrong number of arguments for 'sort_ro' command"));
  EXPECT_EQ(h.Run({"SORT", "l", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"SORT", "l", "BY"}), kSyntax);
  EXPECT_EQ(h.Run({"SORT", "l", "GET"}), kSyntax);
  EXPECT_EQ(h.Run({"SORT", "l", "STORE"}), kSyntax);
  EXPECT_EQ(h.Run({"SORT_RO", "l", "STORE", "d"}), kSyntax);
  EXPECT_EQ(h.Run({"SET", "s", "x"}), kOk);
  EXPECT_EQ(h.Run({"SORT", "s"}), kWrongType);
  EXPECT_EQ(h.Run({"SORT_RO", "s"}), kWrongType);
  // Options are parsed before the type check.
  EXPECT_EQ(h.Run({"SORT", "s", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"SORT", "s", "LIMIT", "a", "1"}), kNotInt);
  h.Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(h.Run({"SORT", "h"}), kWrongType);
}

TEST_F(SortTest, MissingKey) {
  EXPECT_EQ(h.Run({"SORT", "nokey"}), kEmptyArray);
  EXPECT_EQ(h.Run({"SORT", "nokey", "BY", "nosort", "DESC", "LIMIT", "0", "1"}), kEmptyArray);
  h.Run({"RPUSH", "d", "x"});
  EXPECT_EQ(h.Run({"SORT", "nokey", "STORE", "d"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
}

TEST_F(SortTest, ByAndGetPatterns) {
  h.Run({"RPUSH", "l", "b", "a", "c"});
  h.Run({"MSET", "w_a", "3", "w_b", "1", "w_c", "2", "o_a", "A", "o_c", "C"});
  h.Run({"HSET", "h_a", "f", "10", "g", "x"});
  h.Run({"HSET", "h_b", "f", "5"});
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "w_*", "GET", "#", "GET", "o_*"}),
            "*6\r\n" + Bulk("b") + kNil + Bulk("c") + Bulk("C") + Bulk("a") + Bulk("A"));
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "h_*->f", "GET", "h_*->g", "GET", "#"}),
            "*6\r\n" + kNil + Bulk("c") + kNil + Bulk("b") + Bulk("x") + Bulk("a"));
  // "->" at the end names no field: the key "h_a->" is read (missing).
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "GET", "h_*->", "GET", "h_*->f"}),
            "*6\r\n" + kNil + Bulk("10") + kNil + Bulk("5") + kNil + kNil);
  // A GET pattern without '*' reads nothing.
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "GET", "nostar"}), "*3\r\n" + kNil + kNil + kNil);
  // The wrong type behind a pattern is a missing weight / null.
  h.Run({"RPUSH", "o_b", "z"});
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "GET", "o_*", "GET", "w_*->f"}),
            "*6\r\n" + Bulk("A") + kNil + kNil + kNil + Bulk("C") + kNil);
  // A weight that is not a number.
  h.Run({"SET", "w_a", "abc"});
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "w_*"}), kConv);
  // Missing weights count as 0; ties by element.
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "nokey_*"}), Arr({"a", "b", "c"}));
}

TEST_F(SortTest, AlphaBy) {
  h.Run({"RPUSH", "l", "1", "2", "3", "4"});
  h.Run({"MSET", "w_1", "d", "w_2", "b", "w_3", "c"});
  // A missing weight sorts first under ALPHA.
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "w_*", "ALPHA"}), Arr({"4", "2", "3", "1"}));
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "w_*", "ALPHA", "DESC"}), Arr({"1", "3", "2", "4"}));
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "w_*", "ALPHA", "LIMIT", "1", "2"}), Arr({"2", "3"}));
}

TEST_F(SortTest, NoSortKeepsNativeOrder) {
  h.Run({"RPUSH", "l", "3", "1", "2", "5", "4"});
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "nosort"}), Arr({"3", "1", "2", "5", "4"}));
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "nosort", "DESC"}), Arr({"4", "5", "2", "1", "3"}));
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}), Arr({"5", "2"}));
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "nosort", "LIMIT", "1", "2"}), Arr({"1", "2"}));
  // A constant BY anywhere wins over a later pattern.
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "nosort", "BY", "w_*"}), Arr({"3", "1", "2", "5", "4"}));

  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Encoding("z"), storage::Encoding::kListpack);
  EXPECT_EQ(h.Run({"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2"}), Arr({"c", "b"}));
  EXPECT_EQ(h.Run({"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5"}), Arr({"b", "a"}));
  EXPECT_EQ(h.Run({"SORT", "z", "BY", "nosort"}), Arr({"a", "b", "c"}));
  EXPECT_EQ(h.Run({"SORT", "z", "ALPHA", "DESC"}), Arr({"c", "b", "a"}));
  // Redis converts a sorted set it sorts to a skiplist.
  EXPECT_EQ(Encoding("z"), storage::Encoding::kSkiplist);

  // A set keeps its iteration order (intset: ascending) ...
  h.Run({"SADD", "s", "3", "1", "2"});
  EXPECT_EQ(h.Run({"SORT", "s", "BY", "nosort"}), Arr({"1", "2", "3"}));
  // ... but a stored result is sorted ALPHA.
  h.Run({"SADD", "s2", "b", "a", "10", "9"});
  EXPECT_EQ(h.Run({"SORT", "s2", "BY", "nosort", "STORE", "d"}), Int(4));
  EXPECT_EQ(h.Run({"LRANGE", "d", "0", "-1"}), Arr({"10", "9", "a", "b"}));
}

TEST_F(SortTest, Store) {
  h.Run({"RPUSH", "l", "b", "a", "c"});
  h.Run({"MSET", "w_a", "3", "w_b", "1", "w_c", "2", "o_a", "A", "o_c", "C"});
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"SORT", "l", "BY", "w_*", "STORE", "dst", "GET", "o_*"}), Int(3));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 3);
  // A missing GET target is stored as "".
  EXPECT_EQ(h.Run({"LRANGE", "dst", "0", "-1"}), Arr({"", "C", "A"}));
  EXPECT_EQ(Encoding("dst"), storage::Encoding::kQuicklist);
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "DESC", "LIMIT", "0", "2", "STORE", "dst"}), Int(2));
  EXPECT_EQ(h.Run({"LRANGE", "dst", "0", "-1"}), Arr({"c", "b"}));
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "GET", "#", "GET", "o_*", "STORE", "dst"}), Int(6));
  EXPECT_EQ(h.Run({"LRANGE", "dst", "0", "-1"}), Arr({"a", "A", "b", "", "c", "C"}));
  // The destination's TTL and type are replaced.
  EXPECT_EQ(h.Run({"SET", "dst", "x"}), kOk);
  EXPECT_EQ(h.Run({"EXPIRE", "dst", "100"}), Int(1));
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "STORE", "dst"}), Int(3));
  EXPECT_EQ(h.Run({"TTL", "dst"}), Int(-1));
  // An empty result deletes the destination (one dirty), or does nothing.
  dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "LIMIT", "5", "5", "STORE", "dst"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "LIMIT", "5", "5", "STORE", "dst"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  // A conversion error stores nothing.
  EXPECT_EQ(h.Run({"SORT", "l", "STORE", "dst"}), kConv);
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
  // Sorting a list into itself.
  EXPECT_EQ(h.Run({"SORT", "l", "ALPHA", "DESC", "STORE", "l"}), Int(3));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), Arr({"c", "b", "a"}));
}

TEST_F(SortTest, BinaryPatternsAndElements) {
  // '*' after a NUL byte is not seen: the pattern is constant.
  h.Run({"RPUSH", "l", "2", "1"});
  EXPECT_EQ(h.Run({"SORT", "l", "BY", std::string("x\0*", 3)}), Arr({"2", "1"}));
  // "#" is tested as a C string.
  EXPECT_EQ(h.Run({"SORT", "l", "GET", std::string("#\0z", 3)}), Arr({"1", "2"}));
  // The text after '*' keeps its bytes.
  h.Run({"SET", std::string("k1\0t", 4), "one"});
  EXPECT_EQ(h.Run({"SORT", "l", "GET", std::string("k*\0t", 4)}), "*2\r\n" + Bulk("one") + kNil);
  // A hash field keeps its bytes too.
  h.Run({"HSET", "h2", std::string("f\0g", 3), "v"});
  EXPECT_EQ(h.Run({"SORT", "l", "GET", std::string("h*->f\0g", 7)}), "*2\r\n" + kNil + Bulk("v"));
}

TEST_F(SortTest, Resp3NullForMissingGet) {
  h.Run({"RPUSH", "l", "1"});
  h.set_resp(3);
  EXPECT_EQ(h.Run({"SORT", "l", "GET", "x_*"}), "*1\r\n_\r\n");
}

TEST_F(SortTest, SetsAndSortedSetsNumeric) {
  h.Run({"SADD", "s", "10", "-1", "2.5", "x1"});
  EXPECT_EQ(h.Run({"SORT", "s"}), kConv);
  h.Run({"SREM", "s", "x1"});
  EXPECT_EQ(h.Run({"SORT", "s"}), Arr({"-1", "2.5", "10"}));
  EXPECT_EQ(h.Run({"SORT", "s", "LIMIT", "1", "1"}), Arr({"2.5"}));
  h.Run({"ZADD", "z", "1", "30", "2", "4", "3", "100"});
  EXPECT_EQ(h.Run({"SORT", "z"}), Arr({"4", "30", "100"}));
  EXPECT_EQ(h.Run({"SORT", "z", "ALPHA"}), Arr({"100", "30", "4"}));
}

TEST_F(SortTest, CommandSpec) {
  const CommandSpec* sort = h.table().Find("sort");
  ASSERT_NE(sort, nullptr);
  EXPECT_EQ(sort->arity, -2);
  EXPECT_EQ(sort->flags, kCmdWrite | kCmdDenyOom | kCmdMovableKeys);
  EXPECT_EQ(sort->acl_categories, kAclWrite | kAclSet | kAclSortedSet | kAclList | kAclSlow |
                                      kAclDangerous);
  EXPECT_EQ(sort->first_key, 1);
  EXPECT_EQ(sort->last_key, 1);
  EXPECT_EQ(sort->key_step, 1);
  const CommandSpec* ro = h.table().Find("sort_ro");
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ro->arity, -2);
  EXPECT_EQ(ro->flags, kCmdReadOnly | kCmdMovableKeys);
  EXPECT_EQ(ro->acl_categories, kAclRead | kAclSet | kAclSortedSet | kAclList | kAclSlow |
                                    kAclDangerous);
}

}  // namespace
}  // namespace spindle::commands
