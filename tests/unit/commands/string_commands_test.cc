// String family tests. Every expected reply was checked byte for byte against
// redis-server 7.0.15.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using std::string_literals::operator""s;

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kNotFloat = "-ERR value is not a valid float\r\n";
const std::string kEmpty = "$0\r\n\r\n";

class StringCommandsTest : public ::testing::Test {
 protected:
  // A non-string value under `key`, for WRONGTYPE paths.
  void MakeList(std::string_view key) {
    h.db().Set(key, storage::Value::EmptyOfType(storage::ValueType::kList));
  }
  int64_t now() const { return h.now_ms(); }

  CommandHarness h;
};

// --- Arity, as the dispatcher checks it. ---

TEST_F(StringCommandsTest, WrongArity) {
  EXPECT_EQ(h.Run({"get"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"GET", "a", "b"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"set", "k"}), Err("ERR wrong number of arguments for 'set' command"));
  EXPECT_EQ(h.Run({"incrby", "w"}), Err("ERR wrong number of arguments for 'incrby' command"));
  EXPECT_EQ(h.Run({"lcs", "a"}), Err("ERR wrong number of arguments for 'lcs' command"));
  EXPECT_EQ(h.Run({"getex"}), Err("ERR wrong number of arguments for 'getex' command"));
  // MSET checks its pairs itself.
  EXPECT_EQ(h.Run({"mset", "a"}), Err("ERR wrong number of arguments for 'mset' command"));
  EXPECT_EQ(h.Run({"mset", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'mset' command"));
  EXPECT_EQ(h.Run({"msetnx", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'msetnx' command"));
  EXPECT_EQ(h.db().size(), 0u);
}

// --- GET / SET basics, binary and empty values. ---

TEST_F(StringCommandsTest, GetSetBasics) {
  EXPECT_EQ(h.Run({"get", "k"}), kNil);
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"set", "k", ""}), kOk);
  EXPECT_EQ(h.Run({"get", "k"}), kEmpty);
  std::string binary = "a\0b\r\n\xff"s;
  EXPECT_EQ(h.Run({"set", "bin", binary}), kOk);
  EXPECT_EQ(h.Run({"get", "bin"}), Bulk(binary));
  EXPECT_EQ(h.Run({"strlen", "bin"}), Int(6));
  EXPECT_EQ(h.keyspace().dirty(), 3u);
  EXPECT_EQ(h.keyspace().stats().keyspace_hits, 4u);  // 3 GETs and STRLEN
  EXPECT_EQ(h.keyspace().stats().keyspace_misses, 1u);
}

TEST_F(StringCommandsTest, GetWrongTypeAndSetOverwritesAnyType) {
  MakeList("l");
  EXPECT_EQ(h.Run({"get", "l"}), kWrongType);
  EXPECT_EQ(h.Run({"set", "l", "v", "get"}), kWrongType);
  EXPECT_EQ(h.Run({"set", "l", "v", "xx"}), kOk);
  EXPECT_EQ(h.Run({"get", "l"}), Bulk("v"));
}

TEST_F(StringCommandsTest, SetSyntaxErrors) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"set", "k", "v", "ex", "10", "px", "100"},
           {"set", "k", "v", "nx", "xx"},
           {"set", "k", "v", "xx", "nx"},
           {"set", "k", "v", "ex"},
           {"set", "k", "v", "px"},
           {"set", "k", "v", "keepttl", "ex", "10"},
           {"set", "k", "v", "ex", "10", "keepttl"},
           {"set", "k", "v", "exat", "10", "pxat", "10"},
           {"set", "k", "v", "persist"},
           {"set", "k", "v", "foo"},
           {"set", "k", "v", "nxx"},
       }) {
    EXPECT_EQ(h.Run(args), kSyntax) << args[3];
  }
  EXPECT_EQ(h.db().size(), 0u);
}

TEST_F(StringCommandsTest, SetRepeatedOptionsAreFine) {
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "10", "ex", "20"}), kOk);
  EXPECT_EQ(h.db().GetExpire("k"), now() + 20000);
  EXPECT_EQ(h.Run({"set", "k", "v", "keepttl", "keepttl"}), kOk);
  EXPECT_EQ(h.Run({"set", "k", "v", "get", "get"}), Bulk("v"));
  EXPECT_EQ(h.Run({"set", "k", "v", "NX", "nx"}), kNil);
  // Options end at a NUL byte, as with Redis's strcasecmp.
  EXPECT_EQ(h.Run({"set", "k", "w", "xx\0junk"s}), kOk);
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("w"));
}

TEST_F(StringCommandsTest, SetInvalidExpire) {
  const std::string invalid = Err("ERR invalid expire time in 'set' command");
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "0"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "-1"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "px", "0"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "exat", "0"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "pxat", "0"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "9223372036854775807"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "px", "9223372036854775807"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "exat", "9223372036854775807"}), invalid);
  // Fits * 1000 but not + now.
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "9223372036854775"}), invalid);
  EXPECT_EQ(h.Run({"set", "k", "v", "EX", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "1.5"}), kNotInt);
  // The expire is checked before the GET type check.
  MakeList("l");
  EXPECT_EQ(h.Run({"set", "l", "v", "get", "ex", "0"}), invalid);
  EXPECT_EQ(h.db().size(), 1u);
  // The absolute maximum in ms is accepted as is.
  EXPECT_EQ(h.Run({"set", "k", "v", "pxat", "9223372036854775807"}), kOk);
  EXPECT_EQ(h.db().GetExpire("k"), INT64_MAX);
}

TEST_F(StringCommandsTest, SetExpireForms) {
  EXPECT_EQ(h.Run({"set", "a", "v", "ex", "10"}), kOk);
  EXPECT_EQ(h.db().GetExpire("a"), now() + 10000);
  EXPECT_EQ(h.Run({"set", "b", "v", "px", "1500"}), kOk);
  EXPECT_EQ(h.db().GetExpire("b"), now() + 1500);
  EXPECT_EQ(h.Run({"set", "c", "v", "exat", "1800000000"}), kOk);
  EXPECT_EQ(h.db().GetExpire("c"), 1800000000000);
  EXPECT_EQ(h.Run({"set", "d", "v", "pxat", "1800000000123"}), kOk);
  EXPECT_EQ(h.db().GetExpire("d"), 1800000000123);
  // A plain SET drops the TTL, KEEPTTL keeps it.
  EXPECT_EQ(h.Run({"set", "a", "v2", "keepttl"}), kOk);
  EXPECT_EQ(h.db().GetExpire("a"), now() + 10000);
  EXPECT_EQ(h.Run({"set", "a", "v3"}), kOk);
  EXPECT_EQ(h.db().GetExpire("a"), -1);
  // Expiry happens once the deadline has passed (Redis's now > when).
  h.set_now_ms(now() + 1500);
  EXPECT_EQ(h.Run({"get", "b"}), Bulk("v"));
  h.set_now_ms(now() + 1);
  EXPECT_EQ(h.Run({"get", "b"}), kNil);
}

TEST_F(StringCommandsTest, SetWithPastAbsoluteTimeIsGoneAtOnce) {
  EXPECT_EQ(h.Run({"set", "k", "v", "exat", "1"}), kOk);
  EXPECT_EQ(h.Run({"get", "k"}), kNil);
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"set", "k", "v2", "pxat", "1", "get"}), Bulk("v"));
  EXPECT_EQ(h.Run({"get", "k"}), kNil);
}

TEST_F(StringCommandsTest, SetNxXxGet) {
  EXPECT_EQ(h.Run({"set", "k", "v", "xx"}), kNil);
  EXPECT_EQ(h.Run({"set", "k", "v", "xx", "get"}), kNil);
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.Run({"set", "k", "v", "get", "nx"}), kNil);        // set, old value nil
  EXPECT_EQ(h.Run({"set", "k", "v2", "nx", "get"}), Bulk("v"));  // not set
  EXPECT_EQ(h.Run({"set", "k", "v2", "nx"}), kNil);
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"set", "k", "v3", "get", "xx"}), Bulk("v"));
  EXPECT_EQ(h.Run({"set", "k", "v4", "xx"}), kOk);
  EXPECT_EQ(h.Run({"set", "k", "v5", "get"}), Bulk("v4"));
  EXPECT_EQ(h.Run({"set", "k", "v6", "px", "1500", "get"}), Bulk("v5"));
  EXPECT_EQ(h.db().GetExpire("k"), now() + 1500);
  EXPECT_EQ(h.keyspace().dirty(), 5u);
}

TEST_F(StringCommandsTest, SetResp3Null) {
  h.set_resp(3);
  EXPECT_EQ(h.Run({"set", "k", "v", "nx"}), kOk);
  EXPECT_EQ(h.Run({"set", "k", "v", "nx"}), "_\r\n");
  EXPECT_EQ(h.Run({"get", "nokey"}), "_\r\n");
}

TEST_F(StringCommandsTest, SetNxSetExPSetEx) {
  EXPECT_EQ(h.Run({"setnx", "k", "v"}), Int(1));
  EXPECT_EQ(h.Run({"setnx", "k", "w"}), Int(0));
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"setex", "k", "10", "w"}), kOk);
  EXPECT_EQ(h.db().GetExpire("k"), now() + 10000);
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("w"));
  EXPECT_EQ(h.Run({"psetex", "k", "250", "x"}), kOk);
  EXPECT_EQ(h.db().GetExpire("k"), now() + 250);
  EXPECT_EQ(h.Run({"setex", "k", "0", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(h.Run({"SETEX", "k", "-5", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(h.Run({"setex", "k", "9223372036854775807", "v"}),
            Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(h.Run({"setex", "k", "abc", "v"}), kNotInt);
  EXPECT_EQ(h.Run({"psetex", "k", "0", "v"}), Err("ERR invalid expire time in 'psetex' command"));
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("x"));
}

// --- GETSET, GETDEL, GETEX. ---

TEST_F(StringCommandsTest, GetSetDropsTtl) {
  EXPECT_EQ(h.Run({"getset", "k", "v"}), kNil);
  EXPECT_EQ(h.Run({"set", "k", "v", "ex", "100"}), kOk);
  EXPECT_EQ(h.Run({"getset", "k", "new"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), -1);
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("new"));
  MakeList("l");
  EXPECT_EQ(h.Run({"getset", "l", "new"}), kWrongType);
}

TEST_F(StringCommandsTest, GetDel) {
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"getdel", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"getdel", "k"}), kNil);
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.keyspace().dirty(), 2u);
  MakeList("l");
  EXPECT_EQ(h.Run({"getdel", "l"}), kWrongType);
  EXPECT_EQ(h.db().size(), 1u);
}

TEST_F(StringCommandsTest, GetExOptions) {
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"getex", "k"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), -1);
  EXPECT_EQ(h.Run({"getex", "k", "ex", "10"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), now() + 10000);
  EXPECT_EQ(h.Run({"getex", "k", "px", "500"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), now() + 500);
  EXPECT_EQ(h.Run({"getex", "k", "exat", "1800000000"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), 1800000000000);
  EXPECT_EQ(h.Run({"getex", "k", "pxat", "1800000000001"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), 1800000000001);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"getex", "k", "persist"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), -1);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"getex", "k", "persist", "persist"}), Bulk("v"));  // no TTL: no change
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"getex", "k", "ex", "10", "ex", "20"}), Bulk("v"));
  EXPECT_EQ(h.db().GetExpire("k"), now() + 20000);
  // An absolute time already past deletes the key after answering.
  EXPECT_EQ(h.Run({"getex", "k", "exat", "1"}), Bulk("v"));
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"getex", "k", "pxat", std::to_string(now())}), Bulk("v"));
  EXPECT_EQ(h.db().size(), 0u);
}

TEST_F(StringCommandsTest, GetExErrors) {
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  for (auto args : std::vector<std::vector<std::string>>{
           {"getex", "k", "persist", "ex", "1"},
           {"getex", "k", "ex", "1", "persist"},
           {"getex", "k", "ex", "1", "px", "1"},
           {"getex", "k", "foo"},
           {"getex", "k", "ex"},
           {"getex", "k", "nx"},
           {"getex", "k", "xx"},
           {"getex", "k", "get"},
           {"getex", "k", "keepttl"},
       }) {
    EXPECT_EQ(h.Run(args), kSyntax) << args[2];
  }
  // Syntax errors come first, even for a missing key.
  EXPECT_EQ(h.Run({"getex", "nokey", "foo"}), kSyntax);
  const std::string invalid = Err("ERR invalid expire time in 'getex' command");
  EXPECT_EQ(h.Run({"getex", "k", "ex", "0"}), invalid);
  EXPECT_EQ(h.Run({"getex", "k", "px", "-1"}), invalid);
  EXPECT_EQ(h.Run({"getex", "k", "exat", "9223372036854775807"}), invalid);
  EXPECT_EQ(h.Run({"getex", "k", "ex", "x"}), kNotInt);
  // A missing key answers nil before the expire is looked at.
  EXPECT_EQ(h.Run({"getex", "nokey", "ex", "0"}), kNil);
  EXPECT_EQ(h.Run({"getex", "nokey", "ex", "x"}), kNil);
  // The type is checked before the expire.
  MakeList("l");
  EXPECT_EQ(h.Run({"getex", "l", "ex", "0"}), kWrongType);
  EXPECT_EQ(h.db().GetExpire("k"), -1);
}

// --- MGET, MSET, MSETNX. ---

TEST_F(StringCommandsTest, MGetMSet) {
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  EXPECT_EQ(h.keyspace().dirty(), 2u);
  MakeList("l");
  EXPECT_EQ(h.Run({"mget", "a", "nokey", "l", "b"}),
            "*4\r\n" + Bulk("1") + kNil + kNil + Bulk("2"));
  EXPECT_EQ(h.Run({"set", "t", "v", "ex", "10"}), kOk);
  EXPECT_EQ(h.Run({"mset", "t", "w"}), kOk);
  EXPECT_EQ(h.db().GetExpire("t"), -1);
}

TEST_F(StringCommandsTest, MSetNx) {
  EXPECT_EQ(h.Run({"msetnx", "a", "1", "a", "2"}), Int(1));
  EXPECT_EQ(h.Run({"get", "a"}), Bulk("2"));
  EXPECT_EQ(h.Run({"msetnx", "b", "1", "a", "3"}), Int(0));
  EXPECT_EQ(h.Run({"get", "b"}), kNil);
  EXPECT_EQ(h.Run({"get", "a"}), Bulk("2"));
}

// --- Counters. ---

TEST_F(StringCommandsTest, IncrDecr) {
  EXPECT_EQ(h.Run({"incr", "n"}), Int(1));
  EXPECT_EQ(h.Run({"incrby", "n", "10"}), Int(11));
  EXPECT_EQ(h.Run({"decr", "n"}), Int(10));
  EXPECT_EQ(h.Run({"decrby", "n", "20"}), Int(-10));
  EXPECT_EQ(h.Run({"get", "n"}), Bulk("-10"));
  EXPECT_EQ(h.Run({"incrby", "n", "-5"}), Int(-15));
  EXPECT_EQ(h.Run({"decrby", "n", "-15"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), 6u);
}

TEST_F(StringCommandsTest, IncrKeepsTtl) {
  EXPECT_EQ(h.Run({"set", "n", "5", "ex", "100"}), kOk);
  EXPECT_EQ(h.Run({"incr", "n"}), Int(6));
  EXPECT_EQ(h.db().GetExpire("n"), now() + 100000);
  EXPECT_EQ(h.Run({"incrbyfloat", "n", "0.5"}), Bulk("6.5"));
  EXPECT_EQ(h.db().GetExpire("n"), now() + 100000);
}

TEST_F(StringCommandsTest, IncrOverflowAndParsing) {
  const std::string overflow = Err("ERR increment or decrement would overflow");
  EXPECT_EQ(h.Run({"incrby", "big", "9223372036854775807"}), Int(INT64_MAX));
  EXPECT_EQ(h.Run({"incr", "big"}), overflow);
  EXPECT_EQ(h.Run({"decrby", "big", "-1"}), overflow);
  EXPECT_EQ(h.Run({"incrby", "big", "1"}), overflow);
  EXPECT_EQ(h.Run({"get", "big"}), Bulk("9223372036854775807"));
  EXPECT_EQ(h.Run({"decrby", "x", "-9223372036854775808"}), Err("ERR decrement would overflow"));
  EXPECT_EQ(h.Run({"decrby", "x", "9223372036854775807"}), Int(-INT64_MAX));
  EXPECT_EQ(h.Run({"decr", "x"}), Int(INT64_MIN));
  EXPECT_EQ(h.Run({"decr", "x"}), overflow);
  EXPECT_EQ(h.Run({"incrby", "x", "-9223372036854775808"}), overflow);
  EXPECT_EQ(h.Run({"incrby", "y", "-9223372036854775808"}), Int(INT64_MIN));
  EXPECT_EQ(h.Run({"incrby", "y", "9223372036854775807"}), Int(-1));
  for (const char* bad : {" 1", "1 ", "010", "+1", "1.5", "", "9223372036854775808", "-0"}) {
    EXPECT_EQ(h.Run({"set", "s", bad}), kOk);
    EXPECT_EQ(h.Run({"incr", "s"}), kNotInt) << bad;
    EXPECT_EQ(h.Run({"incrby", "z", bad}), kNotInt) << bad;
  }
  MakeList("l");
  EXPECT_EQ(h.Run({"incr", "l"}), kWrongType);
  EXPECT_EQ(h.Run({"decrby", "l", "x"}), kNotInt);  // the argument is checked first
}

TEST_F(StringCommandsTest, IncrByFloat) {
  EXPECT_EQ(h.Run({"set", "f", "10.5"}), kOk);
  EXPECT_EQ(h.Run({"incrbyfloat", "f", "0.1"}), Bulk("10.6"));
  EXPECT_EQ(h.Run({"get", "f"}), Bulk("10.6"));
  EXPECT_EQ(h.Run({"set", "g", "3.0e3"}), kOk);
  EXPECT_EQ(h.Run({"incrbyfloat", "g", "5.0e3"}), Bulk("8000"));
  EXPECT_EQ(h.Run({"incrbyfloat", "h", "1e-20"}), Bulk("0"));
  EXPECT_EQ(h.Run({"incrbyfloat", "i", "-1e-20"}), Bulk("0"));
  EXPECT_EQ(h.Run({"incrbyfloat", "j", "0x10"}), Bulk("16"));
  EXPECT_EQ(h.Run({"incrbyfloat", "j", "-1e-30"}), Bulk("16"));
  EXPECT_EQ(h.Run({"set", "n", "17179869184"}), kOk);
  EXPECT_EQ(h.Run({"incrbyfloat", "n", "1.5"}), Bulk("17179869185.5"));
  EXPECT_EQ(h.Run({"incrbyfloat", "o", "1.1234567890123456789"}), Bulk("1.12345678901234568"));
  EXPECT_EQ(h.Run({"set", "m", "1.0"}), kOk);
  EXPECT_EQ(h.Run({"incrbyfloat", "m", "0"}), Bulk("1"));
  EXPECT_EQ(h.Run({"incrbyfloat", "p", "-2.5"}), Bulk("-2.5"));
  // RESP3 still answers a bulk string.
  h.set_resp(3);
  EXPECT_EQ(h.Run({"incrbyfloat", "q", "1.5"}), Bulk("1.5"));
}

TEST_F(StringCommandsTest, IncrByFloatErrors) {
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "inf"}), Err("ERR increment would produce NaN or Infinity"));
  // Near the long double maximum: 4933 digits, not an exact power of ten.
  std::string huge = h.Run({"incrbyfloat", "k", "1e4932"});
  EXPECT_EQ(huge.substr(0, 32), "$4933\r\n1000000000000000000006018");
  EXPECT_EQ(huge.size(), 4933u + 9u);
  EXPECT_EQ(h.Run({"incrbyfloat", "k", "1e4932"}),
            Err("ERR increment would produce NaN or Infinity"));
  for (const char* bad : {" 1", "1 ", "abc", "nan", "1e5000", "1e-5000", ""}) {
    EXPECT_EQ(h.Run({"incrbyfloat", "x", bad}), kNotFloat) << bad;
  }
  EXPECT_EQ(h.Run({"incrbyfloat", "x", "1\0"s}), kNotFloat);
  EXPECT_EQ(h.Run({"set", "s", "1\0abc"s}), kOk);
  EXPECT_EQ(h.Run({"incrbyfloat", "s", "1"}), kNotFloat);
  EXPECT_EQ(h.Run({"set", "s", "abc"}), kOk);
  EXPECT_EQ(h.Run({"incrbyfloat", "s", "1"}), kNotFloat);
  MakeList("l");
  EXPECT_EQ(h.Run({"incrbyfloat", "l", "1"}), kWrongType);
  EXPECT_EQ(h.db().size(), 3u);
}

// --- APPEND, STRLEN, SETRANGE, GETRANGE. ---

TEST_F(StringCommandsTest, AppendAndStrlen) {
  EXPECT_EQ(h.Run({"append", "ap", ""}), Int(0));
  EXPECT_EQ(h.Run({"exists", "ap"}), Int(1));  // even empty, the key is created
  EXPECT_EQ(h.Run({"strlen", "ap"}), Int(0));
  EXPECT_EQ(h.Run({"append", "ap", "Hello"}), Int(5));
  EXPECT_EQ(h.Run({"append", "ap", " World\0"s}), Int(12));
  EXPECT_EQ(h.Run({"get", "ap"}), Bulk("Hello World\0"s));
  EXPECT_EQ(h.Run({"strlen", "nokey"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), 3u);
  EXPECT_EQ(h.Run({"set", "t", "x", "ex", "10"}), kOk);
  EXPECT_EQ(h.Run({"append", "t", "y"}), Int(2));
  EXPECT_EQ(h.db().GetExpire("t"), now() + 10000);
  MakeList("l");
  EXPECT_EQ(h.Run({"append", "l", "x"}), kWrongType);
  EXPECT_EQ(h.Run({"strlen", "l"}), kWrongType);
}

TEST_F(StringCommandsTest, SetRange) {
  EXPECT_EQ(h.Run({"setrange", "sr", "-1", "x"}), Err("ERR offset is out of range"));
  EXPECT_EQ(h.Run({"setrange", "sr", "x", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"setrange", "sr", "0", ""}), Int(0));
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.Run({"setrange", "sr", "5", "ab"}), Int(7));
  EXPECT_EQ(h.Run({"get", "sr"}), Bulk("\0\0\0\0\0ab"s));
  EXPECT_EQ(h.Run({"setrange", "sr", "1", ""}), Int(7));
  EXPECT_EQ(h.Run({"setrange", "sr", "0", "XYZ"}), Int(7));
  EXPECT_EQ(h.Run({"get", "sr"}), Bulk("XYZ\0\0ab"s));
  EXPECT_EQ(h.Run({"setrange", "sr", "6", "123"}), Int(9));
  EXPECT_EQ(h.Run({"get", "sr"}), Bulk("XYZ\0\0a123"s));
  EXPECT_EQ(h.keyspace().dirty(), 3u);
  EXPECT_EQ(h.Run({"set", "hello", "Hello World"}), kOk);
  EXPECT_EQ(h.Run({"setrange", "hello", "6", "Redis"}), Int(11));
  EXPECT_EQ(h.Run({"get", "hello"}), Bulk("Hello Redis"));
}

TEST_F(StringCommandsTest, SetRangeLimits) {
  const std::string too_big = Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  EXPECT_EQ(h.Run({"setrange", "sr", "536870912", "x"}), too_big);
  EXPECT_EQ(h.Run({"setrange", "sr", "9223372036854775807", "x"}), too_big);
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.Run({"setrange", "sr", "536870912", ""}), Int(0));
  EXPECT_EQ(h.Run({"set", "sr", "abc"}), kOk);
  EXPECT_EQ(h.Run({"setrange", "sr", "536870912", "x"}), too_big);
  EXPECT_EQ(h.Run({"setrange", "sr", "536870912", ""}), Int(3));
  MakeList("l");
  EXPECT_EQ(h.Run({"setrange", "l", "0", ""}), kWrongType);
  EXPECT_EQ(h.Run({"setrange", "l", "0", "a"}), kWrongType);
  EXPECT_EQ(h.Run({"setrange", "l", "-1", "a"}), Err("ERR offset is out of range"));
}

TEST_F(StringCommandsTest, GetRange) {
  EXPECT_EQ(h.Run({"set", "s", "Hello"}), kOk);
  EXPECT_EQ(h.Run({"getrange", "s", "0", "-1"}), Bulk("Hello"));
  EXPECT_EQ(h.Run({"getrange", "s", "-3", "-1"}), Bulk("llo"));
  EXPECT_EQ(h.Run({"getrange", "s", "-1", "-5"}), kEmpty);
  EXPECT_EQ(h.Run({"getrange", "s", "-100", "-200"}), kEmpty);
  EXPECT_EQ(h.Run({"getrange", "s", "-200", "-100"}), Bulk("H"));
  EXPECT_EQ(h.Run({"getrange", "s", "0", "-100"}), Bulk("H"));
  EXPECT_EQ(h.Run({"getrange", "s", "3", "1"}), kEmpty);
  EXPECT_EQ(h.Run({"getrange", "s", "1", "1"}), Bulk("e"));
  EXPECT_EQ(h.Run({"getrange", "s", "0", "1000000"}), Bulk("Hello"));
  EXPECT_EQ(h.Run({"getrange", "s", "5", "10"}), kEmpty);
  EXPECT_EQ(h.Run({"getrange", "s", "9223372036854775807", "-9223372036854775808"}), kEmpty);
  EXPECT_EQ(h.Run({"getrange", "s", "-9223372036854775808", "9223372036854775807"}), Bulk("Hello"));
  EXPECT_EQ(h.Run({"substr", "s", "1", "2"}), Bulk("el"));
  EXPECT_EQ(h.Run({"getrange", "s", "1", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"getrange", "nokey", "0", "-1"}), kEmpty);
  EXPECT_EQ(h.Run({"getrange", "nokey", "x", "0"}), kNotInt);
  EXPECT_EQ(h.Run({"set", "e", ""}), kOk);
  EXPECT_EQ(h.Run({"getrange", "e", "0", "-1"}), kEmpty);
  EXPECT_EQ(h.Run({"getrange", "e", "0", "0"}), kEmpty);
  MakeList("l");
  EXPECT_EQ(h.Run({"getrange", "l", "0", "-1"}), kWrongType);
}

// --- LCS, with the examples of the Redis documentation. ---

TEST_F(StringCommandsTest, LcsDocExamples) {
  EXPECT_EQ(h.Run({"mset", "key1", "ohmytext", "key2", "mynewtext"}), kOk);
  EXPECT_EQ(h.Run({"lcs", "key1", "key2"}), Bulk("mytext"));
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "len"}), Int(6));
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "idx"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
            "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "idx", "minmatchlen", "4"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
            "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "minmatchlen", "-5", "idx", "withmatchlen"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "len", "withmatchlen"}), Int(6));
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "withmatchlen"}), Bulk("mytext"));
  h.set_resp(3);
  EXPECT_EQ(h.Run({"lcs", "nokey", "key1", "idx"}),
            "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
}

TEST_F(StringCommandsTest, LcsErrorsAndMissingKeys) {
  EXPECT_EQ(h.Run({"mset", "key1", "ohmytext", "key2", "mynewtext"}), kOk);
  const std::string both = Err("ERR If you want both the length and indexes, please just use IDX.");
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "idx", "len"}), both);
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "len", "idx"}), both);
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "minmatchlen"}), kSyntax);
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "minmatchlen", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"lcs", "key1", "key2", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"lcs", "key1", "nokey"}), kEmpty);
  EXPECT_EQ(h.Run({"lcs", "nokey", "nokey2", "len"}), Int(0));
  MakeList("l");
  const std::string not_strings = Err("ERR The specified keys must contain string values");
  EXPECT_EQ(h.Run({"lcs", "key1", "l"}), not_strings);
  EXPECT_EQ(h.Run({"lcs", "l", "key1", "foo"}), not_strings);  // before the options
}

TEST_F(StringCommandsTest, LcsRunsTouchingTheStart) {
  EXPECT_EQ(h.Run({"mset", "a", "abcdef", "b", "abcxef"}), kOk);
  EXPECT_EQ(h.Run({"lcs", "a", "b"}), Bulk("abcef"));
  EXPECT_EQ(h.Run({"lcs", "a", "b", "idx", "withmatchlen"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:5\r\n*2\r\n:4\r\n:5\r\n:2\r\n"
            "*3\r\n*2\r\n:0\r\n:2\r\n*2\r\n:0\r\n:2\r\n:3\r\n$3\r\nlen\r\n:5\r\n");
}

// --- The command table entries. ---

TEST_F(StringCommandsTest, SpecsMatchRedis) {
  const CommandSpec* set = h.table().Find("SET");
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->arity, -3);
  EXPECT_EQ(set->flags, static_cast<uint32_t>(kCmdWrite | kCmdDenyOom));
  EXPECT_EQ(set->acl_categories, kAclWrite | kAclString | kAclSlow);
  EXPECT_EQ(set->group, "string");
  EXPECT_EQ(set->since, "1.0.0");
  const CommandSpec* get = h.table().Find("get");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->flags, static_cast<uint32_t>(kCmdReadOnly | kCmdFast));
  EXPECT_EQ(get->acl_categories, kAclRead | kAclString | kAclFast);
  const CommandSpec* mset = h.table().Find("mset");
  ASSERT_NE(mset, nullptr);
  EXPECT_EQ(mset->KeyPositions(5), (std::vector<int>{1, 3}));
  const CommandSpec* lcs = h.table().Find("lcs");
  ASSERT_NE(lcs, nullptr);
  EXPECT_EQ(lcs->KeyPositions(5), (std::vector<int>{1, 2}));
  EXPECT_EQ(lcs->acl_categories, kAclRead | kAclString | kAclSlow);
  const CommandSpec* ibf = h.table().Find("incrbyfloat");
  ASSERT_NE(ibf, nullptr);
  EXPECT_EQ(ibf->flags, static_cast<uint32_t>(kCmdWrite | kCmdDenyOom | kCmdFast));
  EXPECT_EQ(ibf->acl_categories, kAclWrite | kAclString | kAclFast);
  for (const char* name :
       {"append", "decr",   "decrby",      "get",      "getdel", "getex", "getrange", "getset",
        "incr",   "incrby", "incrbyfloat", "lcs",      "mget",   "mset",  "msetnx",   "psetex",
        "set",    "setex",  "setnx",       "setrange", "strlen", "substr"}) {
    const CommandSpec* spec = h.table().Find(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_FALSE(spec->summary.empty()) << name;
    EXPECT_FALSE(spec->complexity.empty()) << name;
    EXPECT_EQ(spec->first_key, 1) << name;
  }
}

// --- Encodings, as OBJECT ENCODING on redis-server 7.0.15 reports them. ---

TEST_F(StringCommandsTest, EncodingsFollowRedis) {
  auto enc = [&](std::string_view key) -> std::string {
    storage::Value* v = h.db().LookupNoTouch(key, now());
    return v == nullptr ? "(none)" : storage::EncodingName(v->encoding());
  };
  h.Run({"set", "a", "123"});
  EXPECT_EQ(enc("a"), "int");
  h.Run({"set", "a", "01"});
  EXPECT_EQ(enc("a"), "embstr");
  h.Run({"set", "a", std::string(45, 'x')});
  EXPECT_EQ(enc("a"), "raw");
  h.Run({"mset", "m1", "-5", "m2", "hello"});
  EXPECT_EQ(enc("m1"), "int");
  EXPECT_EQ(enc("m2"), "embstr");
  h.Run({"setnx", "n", "9223372036854775808"});
  EXPECT_EQ(enc("n"), "embstr");
  h.Run({"setex", "e", "100", "42"});
  EXPECT_EQ(enc("e"), "int");
  h.Run({"psetex", "e", "100000", "x"});
  EXPECT_EQ(enc("e"), "embstr");
  h.Run({"getset", "e", "7"});
  EXPECT_EQ(enc("e"), "int");
  h.Run({"msetnx", "x1", "1", "x2", "y"});
  EXPECT_EQ(enc("x1"), "int");
  EXPECT_EQ(enc("x2"), "embstr");

  // APPEND to a missing key stores the argument as SET would.
  h.Run({"append", "ap1", "123"});
  EXPECT_EQ(enc("ap1"), "int");
  h.Run({"append", "ap2", "abc"});
  EXPECT_EQ(enc("ap2"), "embstr");
  // APPEND to an existing key makes it raw, even with an empty tail.
  h.Run({"set", "ap3", "10"});
  EXPECT_EQ(h.Run({"append", "ap3", "1"}), Int(3));
  EXPECT_EQ(enc("ap3"), "raw");
  EXPECT_EQ(h.Run({"get", "ap3"}), Bulk("101"));
  h.Run({"set", "ap4", "abc"});
  h.Run({"append", "ap4", ""});
  EXPECT_EQ(enc("ap4"), "raw");

  // SETRANGE: a new key is raw; an empty patch leaves the encoding alone.
  h.Run({"setrange", "sr1", "0", "12"});
  EXPECT_EQ(enc("sr1"), "raw");
  h.Run({"set", "sr2", "7"});
  EXPECT_EQ(h.Run({"setrange", "sr2", "5", ""}), Int(1));
  EXPECT_EQ(enc("sr2"), "int");
  EXPECT_EQ(h.Run({"setrange", "sr2", "0", "8"}), Int(1));
  EXPECT_EQ(enc("sr2"), "raw");
  EXPECT_EQ(h.Run({"get", "sr2"}), Bulk("8"));

  // Counters: int; INCRBYFLOAT: embstr (never int).
  h.Run({"set", "c", "5"});
  EXPECT_EQ(h.Run({"incr", "c"}), Int(6));
  EXPECT_EQ(enc("c"), "int");
  h.Run({"set", "c3", "41"});
  h.Run({"append", "c3", "0"});  // raw "410"
  EXPECT_EQ(h.Run({"incrby", "c3", "-10"}), Int(400));
  EXPECT_EQ(enc("c3"), "int");
  EXPECT_EQ(h.Run({"incrbyfloat", "c", "1.5"}), Bulk("7.5"));
  EXPECT_EQ(enc("c"), "embstr");
  EXPECT_EQ(h.Run({"incrbyfloat", "c", "0.5"}), Bulk("8"));
  EXPECT_EQ(enc("c"), "embstr");
  EXPECT_EQ(h.Run({"incrbyfloat", "newf", "2"}), Bulk("2"));
  EXPECT_EQ(enc("newf"), "embstr");
  EXPECT_EQ(h.Run({"decr", "newi"}), Int(-1));
  EXPECT_EQ(enc("newi"), "int");

  // GETEX and GETDEL leave the value as it was.
  h.Run({"set", "g", "123"});
  h.Run({"getex", "g", "ex", "100"});
  EXPECT_EQ(enc("g"), "int");
  EXPECT_EQ(h.Run({"getdel", "g"}), Bulk("123"));
  EXPECT_EQ(enc("g"), "(none)");
}

// INCR keeps the TTL (the value is replaced in place).
TEST_F(StringCommandsTest, IncrKeepsTtlAndIntReadsBack) {
  h.Run({"set", "k", "9223372036854775806", "px", "5000"});
  EXPECT_EQ(h.Run({"incr", "k"}), Int(INT64_MAX));
  EXPECT_EQ(h.Run({"incr", "k"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.db().GetExpire("k"), now() + 5000);
  EXPECT_EQ(h.Run({"strlen", "k"}), Int(19));
  EXPECT_EQ(h.Run({"getrange", "k", "-3", "-1"}), Bulk("807"));
}

}  // namespace
}  // namespace spindle::commands::testing
