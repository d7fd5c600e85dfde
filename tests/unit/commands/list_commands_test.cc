// List family tests. Every expected reply was checked byte for byte against
// redis-server 7.0.15.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "command_harness.h"
#include "storage/list_value.h"

namespace spindle::commands::testing {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kNotPositive = "-ERR value is out of range, must be positive\r\n";
const std::string kNullArray = "*-1\r\n";
const std::string kEmptyArray = "*0\r\n";

std::string Ints(const std::vector<int64_t>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (int64_t v : items) out += Int(v);
  return out;
}

class ListCommandsTest : public ::testing::Test {
 protected:
  ListCommandsTest() {
    h.Register(RegisterListCommands);
    h.Run({"set", "s", "x"});  // a string key for WRONGTYPE paths
  }
  std::string Range(const std::string& key) { return h.Run({"lrange", key, "0", "-1"}); }
  uint64_t dirty() { return h.keyspace().dirty(); }
  // What OBJECT ENCODING reports (the harness does not run container
  // commands).
  std::string Encoding(const std::string& key) {
    storage::Value* v = h.db().LookupNoTouch(key, h.now_ms());
    return v == nullptr ? "(none)" : storage::EncodingName(v->encoding());
  }

  CommandHarness h;
};

TEST_F(ListCommandsTest, Arity) {
  EXPECT_EQ(h.Run({"lpush", "l"}), Err("ERR wrong number of arguments for 'lpush' command"));
  EXPECT_EQ(h.Run({"lpop"}), Err("ERR wrong number of arguments for 'lpop' command"));
  EXPECT_EQ(h.Run({"lpop", "a", "1", "2"}),
            Err("ERR wrong number of arguments for 'lpop' command"));
  EXPECT_EQ(h.Run({"rpop", "a", "1", "2"}),
            Err("ERR wrong number of arguments for 'rpop' command"));
  EXPECT_EQ(h.Run({"lmpop", "1", "a"}), Err("ERR wrong number of arguments for 'lmpop' command"));
  EXPECT_EQ(h.Run({"blmpop", "1", "1", "a"}),
            Err("ERR wrong number of arguments for 'blmpop' command"));
  EXPECT_EQ(h.Run({"blpop", "a"}), Err("ERR wrong number of arguments for 'blpop' command"));
}

TEST_F(ListCommandsTest, PushAndEncoding) {
  EXPECT_EQ(h.Run({"rpush", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"lpush", "l", "0", "-1"}), Int(5));
  EXPECT_EQ(Range("l"), Array({"-1", "0", "a", "b", "c"}));
  EXPECT_EQ(h.Run({"type", "l"}), "+list\r\n");
  // Redis 7.0 creates every list as a quicklist.
  EXPECT_EQ(Encoding("l"), "quicklist");
  EXPECT_EQ(h.Run({"lpush", "one", "1"}), Int(1));
  EXPECT_EQ(Encoding("one"), "quicklist");
  h.limits_.list_max_listpack_size = 2;
  for (int i = 0; i < 10; ++i) h.Run({"rpush", "big", std::string(10000, 'x')});
  EXPECT_EQ(Encoding("big"), "quicklist");
  EXPECT_EQ(h.Run({"llen", "big"}), Int(10));
  EXPECT_EQ(h.Run({"lpush", "s", "a"}), kWrongType);
  EXPECT_EQ(h.Run({"rpush", "s", "a"}), kWrongType);
}

TEST_F(ListCommandsTest, PushX) {
  EXPECT_EQ(h.Run({"lpushx", "l", "a"}), Int(0));
  EXPECT_EQ(h.Run({"rpushx", "l", "a", "b"}), Int(0));
  EXPECT_EQ(h.Run({"exists", "l"}), Int(0));
  h.Run({"rpush", "l", "1", "2", "3"});
  EXPECT_EQ(h.Run({"lpushx", "l", "0"}), Int(4));
  EXPECT_EQ(h.Run({"rpushx", "l", "9", "10"}), Int(6));
  EXPECT_EQ(Range("l"), Array({"0", "1", "2", "3", "9", "10"}));
  EXPECT_EQ(h.Run({"lpushx", "s", "a"}), kWrongType);
}

TEST_F(ListCommandsTest, PushKeepsTtlAndCountsDirty) {
  h.Run({"rpush", "l", "a"});
  h.Run({"expire", "l", "100"});
  uint64_t before = dirty();
  h.Run({"rpush", "l", "b", "c"});
  EXPECT_EQ(dirty() - before, 2u);
  EXPECT_EQ(h.Run({"ttl", "l"}), Int(100));
}

TEST_F(ListCommandsTest, PopSingleAndCount) {
  h.Run({"rpush", "a", "1", "2", "3"});
  EXPECT_EQ(h.Run({"lpop", "a", "0"}), kEmptyArray);
  EXPECT_EQ(h.Run({"lpop", "m", "0"}), kNullArray);
  EXPECT_EQ(h.Run({"lpop", "m", "1"}), kNullArray);
  EXPECT_EQ(h.Run({"lpop", "m"}), kNil);
  EXPECT_EQ(h.Run({"lpop", "a", "-1"}), kNotPositive);
  EXPECT_EQ(h.Run({"lpop", "a", "abc"}), kNotPositive);
  EXPECT_EQ(h.Run({"lpop", "s", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"lpop", "s", "x"}), kNotPositive);
  EXPECT_EQ(h.Run({"lpop", "s"}), kWrongType);
  EXPECT_EQ(h.Run({"rpop", "a", "1"}), Array({"3"}));
  uint64_t before = dirty();
  EXPECT_EQ(h.Run({"rpop", "a", "5"}), Array({"2", "1"}));
  EXPECT_EQ(dirty() - before, 2u);
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
  h.Run({"rpush", "a", "x", "y"});
  EXPECT_EQ(h.Run({"lpop", "a"}), Bulk("x"));
  EXPECT_EQ(h.Run({"rpop", "a"}), Bulk("y"));
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
  h.Run({"rpush", "a", "x", "y", "z"});
  EXPECT_EQ(h.Run({"lpop", "a", "2"}), Array({"x", "y"}));
}

TEST_F(ListCommandsTest, PopResp3) {
  h.set_resp(3);
  EXPECT_EQ(h.Run({"lpop", "m", "0"}), "_\r\n");
  EXPECT_EQ(h.Run({"lpop", "m"}), "_\r\n");
  EXPECT_EQ(h.Run({"lmpop", "1", "m", "left"}), "_\r\n");
  EXPECT_EQ(h.Run({"lmove", "m", "a", "left", "right"}), "_\r\n");
}

TEST_F(ListCommandsTest, LlenLindex) {
  EXPECT_EQ(h.Run({"llen", "m"}), Int(0));
  EXPECT_EQ(h.Run({"llen", "s"}), kWrongType);
  h.Run({"rpush", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(h.Run({"llen", "l"}), Int(5));
  EXPECT_EQ(h.Run({"lindex", "l", "0"}), Bulk("a"));
  EXPECT_EQ(h.Run({"lindex", "l", "-1"}), Bulk("e"));
  EXPECT_EQ(h.Run({"lindex", "l", "-6"}), kNil);
  EXPECT_EQ(h.Run({"lindex", "l", "5"}), kNil);
  EXPECT_EQ(h.Run({"lindex", "l", "abc"}), kNotInt);
  // The key is looked up before the index is parsed.
  EXPECT_EQ(h.Run({"lindex", "m", "abc"}), kNil);
  EXPECT_EQ(h.Run({"lindex", "s", "abc"}), kWrongType);
}

TEST_F(ListCommandsTest, Lset) {
  EXPECT_EQ(h.Run({"lset", "m", "0", "x"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"lset", "m", "a", "x"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"lset", "s", "a", "x"}), kWrongType);
  h.Run({"rpush", "l", "1", "2", "3"});
  EXPECT_EQ(h.Run({"lset", "l", "a", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"lset", "l", "100", "x"}), Err("ERR index out of range"));
  EXPECT_EQ(h.Run({"lset", "l", "-4", "x"}), Err("ERR index out of range"));
  uint64_t before = dirty();
  EXPECT_EQ(h.Run({"lset", "l", "-1", "x"}), kOk);
  EXPECT_EQ(dirty() - before, 1u);
  EXPECT_EQ(h.Run({"lset", "l", "0", std::string(20000, 'y')}), kOk);
  EXPECT_EQ(h.Run({"lrange", "l", "1", "-1"}), Array({"2", "x"}));
}

TEST_F(ListCommandsTest, Lrange) {
  EXPECT_EQ(h.Run({"lrange", "m", "a", "b"}), kNotInt);
  EXPECT_EQ(h.Run({"lrange", "s", "a", "1"}), kNotInt);
  EXPECT_EQ(h.Run({"lrange", "s", "0", "1"}), kWrongType);
  EXPECT_EQ(h.Run({"lrange", "m", "0", "1"}), kEmptyArray);
  h.Run({"rpush", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(h.Run({"lrange", "l", "-100", "100"}), Array({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.Run({"lrange", "l", "2", "1"}), kEmptyArray);
  EXPECT_EQ(h.Run({"lrange", "l", "-2", "-1"}), Array({"d", "e"}));
  EXPECT_EQ(h.Run({"lrange", "l", "5", "10"}), kEmptyArray);
  EXPECT_EQ(h.Run({"lrange", "l", "1", "1"}), Array({"b"}));
  EXPECT_EQ(h.Run({"lrange", "l", "-9223372036854775808", "9223372036854775807"}),
            Array({"a", "b", "c", "d", "e"}));
}

TEST_F(ListCommandsTest, Ltrim) {
  EXPECT_EQ(h.Run({"ltrim", "m", "a", "0"}), kNotInt);
  EXPECT_EQ(h.Run({"ltrim", "m", "0", "1"}), kOk);
  EXPECT_EQ(h.Run({"ltrim", "s", "0", "1"}), kWrongType);
  h.Run({"rpush", "l", "a", "b", "c", "d", "e"});
  uint64_t before = dirty();
  EXPECT_EQ(h.Run({"ltrim", "l", "1", "-2"}), kOk);
  EXPECT_EQ(dirty() - before, 2u);
  EXPECT_EQ(Range("l"), Array({"b", "c", "d"}));
  EXPECT_EQ(h.Run({"ltrim", "l", "0", "100"}), kOk);
  EXPECT_EQ(Range("l"), Array({"b", "c", "d"}));
  EXPECT_EQ(h.Run({"ltrim", "l", "5", "10"}), kOk);
  EXPECT_EQ(h.Run({"exists", "l"}), Int(0));
}

TEST_F(ListCommandsTest, Linsert) {
  EXPECT_EQ(h.Run({"linsert", "m", "foo", "a", "b"}), kSyntax);
  EXPECT_EQ(h.Run({"linsert", "m", "before", "a", "b"}), Int(0));
  EXPECT_EQ(h.Run({"linsert", "s", "before", "a", "b"}), kWrongType);
  h.Run({"rpush", "a", "a", "b", "c", "a"});
  EXPECT_EQ(h.Run({"linsert", "a", "middle", "a", "b"}), kSyntax);
  EXPECT_EQ(h.Run({"linsert", "a", "before", "zz", "b"}), Int(-1));
  EXPECT_EQ(h.Run({"linsert", "a", "AFTER", "c", "X"}), Int(5));
  EXPECT_EQ(h.Run({"linsert", "a", "BeFoRe", "a", "X"}), Int(6));
  EXPECT_EQ(h.Run({"linsert", "a", "after", "a", "Y"}), Int(7));
  EXPECT_EQ(Range("a"), Array({"X", "a", "Y", "b", "c", "X", "a"}));
}

TEST_F(ListCommandsTest, Lrem) {
  EXPECT_EQ(h.Run({"lrem", "m", "a", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"lrem", "m", "1", "x"}), Int(0));
  EXPECT_EQ(h.Run({"lrem", "s", "1", "x"}), kWrongType);
  h.Run({"rpush", "a", "X", "a", "a", "b", "c", "X", "a"});
  EXPECT_EQ(h.Run({"lrem", "a", "-2", "X"}), Int(2));
  uint64_t before = dirty();
  EXPECT_EQ(h.Run({"lrem", "a", "0", "a"}), Int(3));
  EXPECT_EQ(dirty() - before, 3u);
  EXPECT_EQ(Range("a"), Array({"b", "c"}));
  h.Run({"rpush", "a", "b", "b"});
  EXPECT_EQ(h.Run({"lrem", "a", "2", "b"}), Int(2));
  EXPECT_EQ(Range("a"), Array({"c", "b"}));
  EXPECT_EQ(h.Run({"lrem", "a", "-9223372036854775808", "b"}), Int(1));
  EXPECT_EQ(h.Run({"lrem", "a", "1", "c"}), Int(1));
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
}

TEST_F(ListCommandsTest, Lpos) {
  h.Run({"rpush", "a", "a", "b", "c", "a", "b", "c", "a"});
  EXPECT_EQ(h.Run({"lpos", "a", "a"}), Int(0));
  EXPECT_EQ(h.Run({"lpos", "a", "c"}), Int(2));
  EXPECT_EQ(h.Run({"lpos", "a", "zz"}), kNil);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "0"}),
            Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
                "... or use negative to start from the end of the list"));
  EXPECT_EQ(h.Run({"lpos", "m", "a", "rank", "0"}),
            Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
                "... or use negative to start from the end of the list"));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "count", "-1"}), Err("ERR COUNT can't be negative"));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "count", "abc"}), Err("ERR COUNT can't be negative"));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "maxlen", "-1"}), Err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "maxlen", "abc"}), Err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "count"}), kSyntax);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "1", "rank"}), kSyntax);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"lpos", "m", "a", "count", "0"}), kEmptyArray);
  EXPECT_EQ(h.Run({"lpos", "m", "a"}), kNil);
  EXPECT_EQ(h.Run({"lpos", "s", "a"}), kWrongType);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "-1", "count", "0"}), Ints({6, 3, 0}));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "-2", "count", "2", "maxlen", "3"}), kEmptyArray);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "2", "count", "0", "maxlen", "4"}), Ints({3}));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "2", "count", "1"}), Ints({3}));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "-2"}), Int(3));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "9223372036854775807"}), kNil);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "count", "0", "rank", "-9223372036854775807"}), kEmptyArray);
  EXPECT_EQ(h.Run({"lpos", "a", "a", "MAXLEN", "1", "COUNT", "0"}), Ints({0}));
  EXPECT_EQ(h.Run({"lpos", "a", "zz", "count", "2"}), kEmptyArray);
  // RANK LLONG_MIN: Redis's negation overflows; every match qualifies and
  // COUNT never stops the scan.
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "-9223372036854775808"}), Int(6));
  EXPECT_EQ(h.Run({"lpos", "a", "a", "rank", "-9223372036854775808", "count", "1"}),
            Ints({6, 3, 0}));
}

TEST_F(ListCommandsTest, LmoveAndRpoplpush) {
  EXPECT_EQ(h.Run({"lmove", "m", "a", "left", "right"}), kNil);
  EXPECT_EQ(h.Run({"lmove", "m", "s", "left", "right"}), kNil);
  h.Run({"rpush", "a", "a", "b", "c", "a", "b", "c", "a"});
  EXPECT_EQ(h.Run({"lmove", "a", "m", "left", "up"}), kSyntax);
  EXPECT_EQ(h.Run({"lmove", "a", "s", "left", "right"}), kWrongType);
  EXPECT_EQ(h.Run({"lmove", "s", "a", "left", "right"}), kWrongType);
  EXPECT_EQ(h.Run({"llen", "a"}), Int(7));
  EXPECT_EQ(h.Run({"lmove", "a", "a", "left", "right"}), Bulk("a"));
  EXPECT_EQ(h.Run({"rpoplpush", "a", "a"}), Bulk("a"));
  EXPECT_EQ(Range("a"), Array({"a", "b", "c", "a", "b", "c", "a"}));
  EXPECT_EQ(h.Run({"lmove", "a", "x", "right", "left"}), Bulk("a"));
  EXPECT_EQ(h.Run({"lmove", "a", "x", "right", "righT"}), Bulk("c"));
  EXPECT_EQ(Range("x"), Array({"a", "c"}));
  EXPECT_EQ(h.Run({"rpoplpush", "s", "x"}), kWrongType);
  EXPECT_EQ(h.Run({"rpoplpush", "x", "s"}), kWrongType);
  // Moving the last element deletes the source.
  h.Run({"rpush", "one", "v"});
  uint64_t before = dirty();
  EXPECT_EQ(h.Run({"rpoplpush", "one", "two"}), Bulk("v"));
  EXPECT_EQ(dirty() - before, 1u);
  EXPECT_EQ(h.Run({"exists", "one"}), Int(0));
  EXPECT_EQ(Range("two"), Array({"v"}));
  // A single-element list rotated onto itself survives.
  EXPECT_EQ(h.Run({"lmove", "two", "two", "left", "left"}), Bulk("v"));
  EXPECT_EQ(Range("two"), Array({"v"}));
}

TEST_F(ListCommandsTest, Lmpop) {
  EXPECT_EQ(h.Run({"lmpop", "0", "a", "left"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"lmpop", "-1", "a", "left"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"lmpop", "abc", "a", "left"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"lmpop", "99999999999999999999", "a", "left"}),
            Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"lmpop", "9223372036854775807", "a", "left"}), kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "a", "middle"}), kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "2", "a", "left"}), kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "m", "left"}), kNullArray);
  EXPECT_EQ(h.Run({"lmpop", "1", "m", "left", "count", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"lmpop", "1", "m", "left", "count", "-1"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"lmpop", "1", "m", "left", "count", "abc"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"lmpop", "1", "m", "left", "count"}), kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "a", "left", "count", "2", "count", "3"}), kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "a", "left", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"lmpop", "1", "s", "left"}), kWrongType);
  h.Run({"rpush", "a", "1", "2", "3"});
  EXPECT_EQ(h.Run({"lmpop", "2", "s", "a", "right"}), kWrongType);
  EXPECT_EQ(h.Run({"lmpop", "2", "m", "a", "left"}), "*2\r\n" + Bulk("a") + Array({"1"}));
  EXPECT_EQ(h.Run({"lmpop", "2", "a", "s", "right", "COUNT", "10"}),
            "*2\r\n" + Bulk("a") + Array({"3", "2"}));
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
}

// --- Blocking forms. ---

TEST_F(ListCommandsTest, BlockingTimeoutParsing) {
  const std::string not_float = "-ERR timeout is not a float or out of range\r\n";
  const std::string negative = "-ERR timeout is negative\r\n";
  EXPECT_EQ(h.Run({"blpop", "m", "abc"}), not_float);
  EXPECT_EQ(h.Run({"blpop", "m", "nan"}), not_float);
  EXPECT_EQ(h.Run({"blpop", "m", "-1"}), negative);
  EXPECT_EQ(h.Run({"blpop", "m", "inf"}), negative);
  EXPECT_EQ(h.Run({"blpop", "m", "1e400"}), negative);
  EXPECT_EQ(h.Run({"blpop", "s", "abc"}), not_float);
  EXPECT_EQ(h.Run({"blmove", "a", "b", "up", "left", "abc"}), kSyntax);
  EXPECT_EQ(h.Run({"blmove", "a", "b", "left", "right", "abc"}), not_float);
  EXPECT_EQ(h.Run({"brpoplpush", "a", "b", "-5"}), negative);
  // BLMPOP parses numkeys, direction and COUNT before the timeout.
  EXPECT_EQ(h.Run({"blmpop", "abc", "0", "m", "left"}),
            Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"blmpop", "abc", "1", "a", "middle"}), kSyntax);
  EXPECT_EQ(h.Run({"blmpop", "abc", "1", "a", "left", "count", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"blmpop", "-1", "1", "a", "left"}), negative);
  EXPECT_EQ(h.Run({"blmpop", "abc", "1", "a", "left"}), not_float);
}

TEST_F(ListCommandsTest, BlockingServesAtOnce) {
  h.set_allow_block(true);
  h.Run({"rpush", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(h.Run({"blpop", "m", "l", "0"}), Array({"l", "a"}));
  EXPECT_FALSE(h.last_block().requested);
  EXPECT_EQ(h.Run({"brpop", "m", "l", "1.5"}), Array({"l", "e"}));
  EXPECT_EQ(h.Run({"blmove", "l", "dst", "right", "left", "0"}), Bulk("d"));
  EXPECT_EQ(h.Run({"brpoplpush", "l", "dst", "0"}), Bulk("c"));
  EXPECT_EQ(Range("dst"), Array({"c", "d"}));
  EXPECT_EQ(h.Run({"blmpop", "0", "2", "m", "l", "right", "count", "2"}),
            "*2\r\n" + Bulk("l") + Array({"b"}));
  EXPECT_EQ(h.Run({"exists", "l"}), Int(0));
  EXPECT_FALSE(h.last_block().requested);
  // A wrong-type key met before a non-empty list is an error.
  EXPECT_EQ(h.Run({"blpop", "m", "s", "dst", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"blpop", "dst", "s", "0"}), Array({"dst", "c"}));
  EXPECT_EQ(h.Run({"blmove", "s", "x", "left", "left", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"blmove", "dst", "s", "left", "left", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"blmpop", "0", "2", "m", "s", "left"}), kWrongType);
}

TEST_F(ListCommandsTest, BlockingRequestsBlock) {
  h.set_allow_block(true);
  EXPECT_EQ(h.Run({"blpop", "m1", "m2", "0"}), "");
  BlockRequest b = h.last_block();
  EXPECT_TRUE(b.requested);
  EXPECT_EQ(b.keys, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(b.deadline_ms, 0);

  EXPECT_EQ(h.Run({"brpop", "m1", "2.5"}), "");
  EXPECT_EQ(h.last_block().deadline_ms, h.now_ms() + 2500);
  // Rounded up to whole ms; a tiny negative rounds to 0 (forever).
  EXPECT_EQ(h.Run({"brpop", "m1", "0.0001"}), "");
  EXPECT_EQ(h.last_block().deadline_ms, h.now_ms() + 1);
  EXPECT_EQ(h.Run({"brpop", "m1", "-0.0001"}), "");
  EXPECT_EQ(h.last_block().deadline_ms, 0);

  EXPECT_EQ(h.Run({"blmove", "m1", "d", "left", "right", "1"}), "");
  b = h.last_block();
  EXPECT_TRUE(b.requested);
  EXPECT_EQ(b.keys, (std::vector<std::string>{"m1"}));
  EXPECT_EQ(b.deadline_ms, h.now_ms() + 1000);
  // An absent source never checks the destination's type.
  EXPECT_EQ(h.Run({"brpoplpush", "m1", "s", "0"}), "");

  EXPECT_EQ(h.Run({"blmpop", "0.01", "2", "m1", "m2", "left", "count", "3"}), "");
  b = h.last_block();
  EXPECT_EQ(b.keys, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(b.deadline_ms, h.now_ms() + 10);

  // The server re-runs the command once a key is pushed to.
  EXPECT_EQ(h.Run({"rpush", "m2", "v"}), Int(1));
  EXPECT_EQ(h.Run({"blmpop", "0.01", "2", "m1", "m2", "left", "count", "3"}),
            "*2\r\n" + Bulk("m2") + Array({"v"}));
  EXPECT_FALSE(h.last_block().requested);
}

// Inside MULTI (no block request possible) the timeout reply comes at once.
TEST_F(ListCommandsTest, BlockingWithoutBlockRepliesTimeout) {
  h.set_allow_block(false);
  EXPECT_EQ(h.Run({"blpop", "m", "0"}), kNullArray);
  EXPECT_EQ(h.Run({"brpop", "m", "n", "1"}), kNullArray);
  EXPECT_EQ(h.Run({"blmpop", "0", "1", "m", "left"}), kNullArray);
  EXPECT_EQ(h.Run({"blmove", "m", "d", "left", "right", "0"}), kNil);
  EXPECT_EQ(h.Run({"brpoplpush", "m", "d", "0"}), kNil);
  h.set_resp(3);
  EXPECT_EQ(h.Run({"blpop", "m", "0"}), "_\r\n");
  EXPECT_EQ(h.Run({"blmove", "m", "d", "left", "right", "0"}), "_\r\n");
}

TEST_F(ListCommandsTest, CommandTableEntries) {
  const CommandSpec* blpop = h.table().Find("BLPOP");
  ASSERT_NE(blpop, nullptr);
  EXPECT_EQ(blpop->arity, -3);
  EXPECT_EQ(blpop->last_key, -2);
  EXPECT_TRUE(blpop->flags & kCmdBlocking);
  const CommandSpec* lmpop = h.table().Find("lmpop");
  ASSERT_NE(lmpop, nullptr);
  EXPECT_TRUE(lmpop->flags & kCmdMovableKeys);
  EXPECT_EQ(lmpop->first_key, 0);
  EXPECT_EQ(h.table().Find("llen")->group, "list");
}

TEST_F(ListCommandsTest, CopyIsDeep) {
  h.Run({"rpush", "a", "1", "2"});
  EXPECT_EQ(h.Run({"copy", "a", "b"}), Int(1));
  h.Run({"rpush", "a", "3"});
  EXPECT_EQ(Range("b"), Array({"1", "2"}));
  EXPECT_EQ(Encoding("b"), "quicklist");
}

// list-compress-depth is read when a list is created, as Redis's
// quicklistSetOptions in pushGenericCommand: a later change leaves existing
// lists as they are. Replies never change, compressed or not.
TEST_F(ListCommandsTest, CompressDepthTakenAtCreation) {
  auto list = [&](const std::string& key) {
    return h.db().LookupNoTouch(key, h.now_ms())->As<storage::ListValue>();
  };
  h.limits_.list_max_listpack_size = 4;
  h.limits_.list_compress_depth = 1;
  std::vector<std::string> items;
  for (int i = 0; i < 40; ++i) items.push_back("element-element-" + std::to_string(i));
  for (const std::string& e : items) h.Run({"rpush", "c", e});
  h.limits_.list_compress_depth = 0;
  for (const std::string& e : items) h.Run({"rpush", "p", e});
  EXPECT_EQ(list("c")->compress_depth(), 1u);
  EXPECT_EQ(list("c")->compressed_node_count(), 8u);
  EXPECT_EQ(list("p")->compressed_node_count(), 0u);
  EXPECT_EQ(Range("c"), Range("p"));
  EXPECT_EQ(h.Run({"lindex", "c", "17"}), Bulk("element-element-17"));
  EXPECT_EQ(h.Run({"lset", "c", "17", "x"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"linsert", "c", "before", "x", "y"}), Int(41));
  EXPECT_EQ(h.Run({"lrem", "c", "0", "element-element-20"}), Int(1));
  EXPECT_EQ(h.Run({"lrange", "c", "16", "19"}),
            Array({"element-element-16", "y", "x", "element-element-18"}));
  EXPECT_EQ(list("c")->compress_depth(), 1u);
  EXPECT_GE(list("c")->compressed_node_count(), 7u);
}

}  // namespace
}  // namespace spindle::commands::testing
