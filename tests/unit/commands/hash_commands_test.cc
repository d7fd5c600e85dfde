// Hash family tests. Every expected reply was checked byte for byte against
// redis-server 7.0.15 (replies whose order is random are checked by shape).

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "command_harness.h"
#include "storage/hash_value.h"

namespace spindle::commands::testing {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kNotFloat = "-ERR value is not a valid float\r\n";
const std::string kEmptyArray = "*0\r\n";
const std::string kEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";

class HashCommandsTest : public ::testing::Test {
 protected:
  HashCommandsTest() { h.Register(RegisterHashCommands); }

  std::string Encoding(std::string_view key) {
    storage::Value* v = h.db().LookupNoTouch(key, h.now_ms());
    return v == nullptr ? "none" : storage::EncodingName(v->encoding());
  }
  bool Exists(std::string_view key) { return h.db().Exists(key, h.now_ms()); }

  CommandHarness h;
};

TEST_F(HashCommandsTest, Arity) {
  EXPECT_EQ(h.Run({"hset", "h", "f"}), Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(h.Run({"hset", "h", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(h.Run({"HMSET", "h", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hmset' command"));
  EXPECT_FALSE(Exists("h"));
  EXPECT_EQ(h.Run({"hget", "h"}), Err("ERR wrong number of arguments for 'hget' command"));
  EXPECT_EQ(h.Run({"hscan", "h"}), Err("ERR wrong number of arguments for 'hscan' command"));
  EXPECT_EQ(h.Run({"hrandfield"}), Err("ERR wrong number of arguments for 'hrandfield' command"));
}

TEST_F(HashCommandsTest, SetGetBasics) {
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"hset", "h", "a", "1", "b", "2"}), Int(2));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  EXPECT_EQ(h.Run({"hset", "h", "a", "x", "c", "3"}), Int(1));
  EXPECT_EQ(h.Run({"hmset", "h", "d", "4"}), kOk);
  EXPECT_EQ(h.Run({"hget", "h", "a"}), Bulk("x"));
  EXPECT_EQ(h.Run({"hget", "h", "zz"}), kNil);
  EXPECT_EQ(h.Run({"hget", "nokey", "a"}), kNil);
  EXPECT_EQ(h.Run({"hmget", "h", "a", "zz", "b"}), "*3\r\n$1\r\nx\r\n$-1\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.Run({"hmget", "nokey", "a"}), "*1\r\n$-1\r\n");
  EXPECT_EQ(h.Run({"hlen", "h"}), Int(4));
  EXPECT_EQ(h.Run({"hlen", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"hexists", "h", "a"}), Int(1));
  EXPECT_EQ(h.Run({"hexists", "h", "zz"}), Int(0));
  EXPECT_EQ(h.Run({"hexists", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"hstrlen", "h", "c"}), Int(1));
  EXPECT_EQ(h.Run({"hstrlen", "h", "zz"}), Int(0));
  EXPECT_EQ(h.Run({"hstrlen", "nokey", "zz"}), Int(0));
  EXPECT_EQ(h.Run({"type", "h"}), "+hash\r\n");
}

TEST_F(HashCommandsTest, SetNx) {
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"hsetnx", "h", "a", "1"}), Int(1));
  EXPECT_EQ(h.Run({"hsetnx", "h", "a", "2"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"hget", "h", "a"}), Bulk("1"));
}

TEST_F(HashCommandsTest, ListpackOrderMatchesRedis) {
  h.Run({"hset", "h", "c", "3", "a", "1", "b", "2"});
  h.Run({"hset", "h", "a", "10"});
  h.Run({"hdel", "h", "c"});
  h.Run({"hset", "h", "c", "30"});
  EXPECT_EQ(h.Run({"hgetall", "h"}), Array({"a", "10", "b", "2", "c", "30"}));
  EXPECT_EQ(h.Run({"hkeys", "h"}), Array({"a", "b", "c"}));
  EXPECT_EQ(h.Run({"hvals", "h"}), Array({"10", "2", "30"}));
  EXPECT_EQ(h.Run({"hgetall", "nokey"}), kEmptyArray);
  EXPECT_EQ(h.Run({"hkeys", "nokey"}), kEmptyArray);
}

TEST_F(HashCommandsTest, Resp3Shapes) {
  h.set_resp(3);
  h.Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.Run({"hgetall", "h"}), "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.Run({"hgetall", "nokey"}), "%0\r\n");
  EXPECT_EQ(h.Run({"hkeys", "nokey"}), kEmptyArray);
  EXPECT_EQ(h.Run({"hget", "h", "zz"}), "_\r\n");
  EXPECT_EQ(h.Run({"hmget", "h", "a", "zz"}), "*2\r\n$1\r\n1\r\n_\r\n");
  EXPECT_EQ(h.Run({"hrandfield", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"hrandfield", "nokey", "3"}), kEmptyArray);
  EXPECT_EQ(h.Run({"hrandfield", "h", "5", "withvalues"}),
            "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.Run({"hrandfield", "h", "5"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "a", "1.5"}), "$3\r\n2.5\r\n");
  EXPECT_EQ(h.Run({"hscan", "h", "0"}),
            "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$3\r\n2.5\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(h.Run({"hscan", "nokey", "0"}), kEmptyScan);
  // A negative count in RESP3: an array of [field, value] pairs.
  std::string r = h.Run({"hrandfield", "h", "-3", "withvalues"});
  EXPECT_EQ(r.substr(0, 8), "*3\r\n*2\r\n");
}

TEST_F(HashCommandsTest, DelDeletesEmptyHash) {
  h.Run({"hset", "h", "a", "1", "b", "2"});
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"hdel", "h", "a", "zz", "a"}), Int(1));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"hdel", "h", "b", "b", "c"}), Int(1));
  EXPECT_FALSE(Exists("h"));
  EXPECT_EQ(h.Run({"hdel", "h", "b"}), Int(0));
  EXPECT_EQ(h.Run({"hdel", "nokey", "b"}), Int(0));
}

TEST_F(HashCommandsTest, IncrBy) {
  EXPECT_EQ(h.Run({"hincrby", "h", "n", "5"}), Int(5));
  EXPECT_EQ(h.Run({"hincrby", "h", "n", "-7"}), Int(-2));
  EXPECT_EQ(h.Run({"hget", "h", "n"}), Bulk("-2"));
  h.Run({"hset", "h", "s", "abc", "big", "9223372036854775807", "sp", " 1"});
  EXPECT_EQ(h.Run({"hincrby", "h", "s", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(h.Run({"hincrby", "h", "sp", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(h.Run({"hincrby", "h", "big", "1"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"hincrby", "h", "n", "-9223372036854775807"}),
            Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"hincrby", "h", "big", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"hincrby", "h", "big", "1.0"}), kNotInt);
  // The increment is checked before the key: nothing is created.
  EXPECT_EQ(h.Run({"hincrby", "nokey", "f", "abc"}), kNotInt);
  EXPECT_FALSE(Exists("nokey"));
}

TEST_F(HashCommandsTest, IncrByFloat) {
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "f", "1.5"}), Bulk("1.5"));
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "f", "1"}), Bulk("2.5"));
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "x", "1e-5"}), Bulk("0.00001"));
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "x", "0.1"}), Bulk("0.10001"));
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "g", "3.0e3"}), Bulk("3000"));
  h.Run({"hset", "h", "s", "abc", "e", ""});
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "s", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "e", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "f", "inf"}), Err("ERR value is NaN or Infinity"));
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "f", "nan"}), kNotFloat);
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "f", "abc"}), kNotFloat);
  EXPECT_EQ(h.Run({"hincrbyfloat", "nokey", "f", "inf"}), Err("ERR value is NaN or Infinity"));
  EXPECT_FALSE(Exists("nokey"));
  h.Run({"hset", "h", "inf", "inf"});
  EXPECT_EQ(h.Run({"hincrbyfloat", "h", "inf", "1"}),
            Err("ERR increment would produce NaN or Infinity"));
}

TEST_F(HashCommandsTest, WrongType) {
  h.Run({"set", "s", "x"});
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"hset", "s", "a", "1"},
           {"hmset", "s", "a", "1"},
           {"hsetnx", "s", "a", "1"},
           {"hget", "s", "a"},
           {"hmget", "s", "a"},
           {"hdel", "s", "a"},
           {"hlen", "s"},
           {"hstrlen", "s", "a"},
           {"hexists", "s", "a"},
           {"hincrby", "s", "a", "1"},
           {"hincrbyfloat", "s", "a", "1"},
           {"hkeys", "s"},
           {"hvals", "s"},
           {"hgetall", "s"},
           {"hrandfield", "s"},
           {"hrandfield", "s", "2"},
           {"hrandfield", "s", "-2", "withvalues"},
           {"hscan", "s", "0"},
           {"hscan", "s", "0", "count", "0"},
       }) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
  // Argument errors found before the key is looked at win.
  EXPECT_EQ(h.Run({"hset", "s", "a"}), Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(h.Run({"hincrby", "s", "a", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"hincrbyfloat", "s", "a", "x"}), kNotFloat);
  EXPECT_EQ(h.Run({"hincrbyfloat", "s", "a", "inf"}), Err("ERR value is NaN or Infinity"));
  EXPECT_EQ(h.Run({"hscan", "s", "abc"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"hrandfield", "s", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"hrandfield", "s", "1", "withvalues", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"hrandfield", "s", "-9223372036854775807", "withvalues"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(h.Run({"get", "s"}), Bulk("x"));
}

TEST_F(HashCommandsTest, RandFieldErrorsAndShapes) {
  h.Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.Run({"hrandfield", "h", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(h.Run({"hrandfield", "h", "4611686018427387904", "withvalues"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(h.Run({"hrandfield", "h", "-4611686018427387904", "withvalues"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(h.Run({"hrandfield", "h", "4611686018427387903", "withvaluesx"}), kSyntax);
  EXPECT_EQ(h.Run({"hrandfield", "h", "1", "withvalues", "extra"}), kSyntax);
  EXPECT_EQ(h.Run({"hrandfield", "h", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"hrandfield", "h", "0"}), kEmptyArray);
  EXPECT_EQ(h.Run({"hrandfield", "h", "0", "WITHVALUES"}), kEmptyArray);
  EXPECT_EQ(h.Run({"hrandfield", "nokey", "5"}), kEmptyArray);
  EXPECT_EQ(h.Run({"hrandfield", "nokey"}), kNil);
  // A count of at least the size: the whole hash, in order.
  EXPECT_EQ(h.Run({"hrandfield", "h", "10", "withvalues"}), Array({"a", "1", "b", "2", "c", "3"}));
  EXPECT_EQ(h.Run({"hrandfield", "h", "3"}), Array({"a", "b", "c"}));
  std::set<std::string> fields = {Bulk("a"), Bulk("b"), Bulk("c")};
  EXPECT_TRUE(fields.count(h.Run({"hrandfield", "h"})));
  // Negative: exactly |count| entries, repeats allowed.
  std::string r = h.Run({"hrandfield", "h", "-20"});
  EXPECT_EQ(r.substr(0, 5), "*20\r\n");
  r = h.Run({"hrandfield", "h", "-5", "withvalues"});
  EXPECT_EQ(r.substr(0, 5), "*10\r\n");
  // Positive below the size: distinct.
  r = h.Run({"hrandfield", "h", "2"});
  EXPECT_TRUE(r == Array({"a", "b"}) || r == Array({"a", "c"}) || r == Array({"b", "c"})) << r;
}

TEST_F(HashCommandsTest, RandFieldHashtableDistinct) {
  for (int i = 0; i < 300; ++i) {
    h.Run({"hset", "h", "f" + std::to_string(i), std::to_string(i)});
  }
  EXPECT_EQ(Encoding("h"), "hashtable");
  for (const char* count : {"5", "150", "299"}) {
    std::string r = h.Run({"hrandfield", "h", count, "withvalues"});
    int n = std::stoi(count);
    EXPECT_EQ(r.substr(0, r.find("\r\n")), "*" + std::to_string(2 * n));
    // Distinct fields: count the bulk "f..." lines.
    std::set<std::string> seen;
    size_t pos = 0;
    while ((pos = r.find("\r\nf", pos)) != std::string::npos) {
      size_t end = r.find("\r\n", pos + 2);
      seen.insert(r.substr(pos + 2, end - pos - 2));
      pos = end;
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(n));
  }
}

TEST_F(HashCommandsTest, EncodingTransitions) {
  // Defaults: 128 entries, 64 bytes.
  h.Run({"hset", "h", "a", std::string(64, 'x')});
  EXPECT_EQ(Encoding("h"), "listpack");
  h.Run({"hset", "h", "b", std::string(65, 'x')});
  EXPECT_EQ(Encoding("h"), "hashtable");
  h.Run({"hset", "k", std::string(65, 'f'), "v"});
  EXPECT_EQ(Encoding("k"), "hashtable");
  // HINCRBY with a long field converts too (checked in hashTypeSet).
  h.Run({"hset", "i", "a", "1"});
  h.Run({"hincrby", "i", std::string(70, 'x'), "5"});
  EXPECT_EQ(Encoding("i"), "hashtable");
  // HINCRBYFLOAT with a long result converts.
  h.Run({"hset", "j", "a", "1"});
  h.Run({"hincrbyfloat", "j", "b", "1e300"});
  EXPECT_EQ(Encoding("j"), "hashtable");
  // Entries: 128 stays, 129 converts; deleting back does not return.
  for (int i = 0; i < 128; ++i) h.Run({"hset", "e", "f" + std::to_string(i), "v"});
  EXPECT_EQ(Encoding("e"), "listpack");
  h.Run({"hset", "e", "f128", "v"});
  EXPECT_EQ(Encoding("e"), "hashtable");
  h.Run({"hdel", "e", "f1", "f2", "f3"});
  EXPECT_EQ(Encoding("e"), "hashtable");
  // HSETNX converts only when it writes.
  h.Run({"hset", "n", "a", "1"});
  h.Run({"hsetnx", "n", "a", std::string(100, 'x')});
  EXPECT_EQ(Encoding("n"), "listpack");
  h.Run({"hsetnx", "n", "b", std::string(100, 'x')});
  EXPECT_EQ(Encoding("n"), "hashtable");
  // Lowered limits (CONFIG SET) apply to the next write.
  h.limits_.hash_max_listpack_entries = 0;
  h.Run({"hset", "z", "a", "1"});
  EXPECT_EQ(Encoding("z"), "hashtable");
}

TEST_F(HashCommandsTest, HashtableRepliesHoldEverything) {
  h.limits_.hash_max_listpack_entries = 2;
  h.Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(Encoding("h"), "hashtable");
  std::string r = h.Run({"hgetall", "h"});
  EXPECT_EQ(r.substr(0, 4), "*6\r\n");
  for (const char* part :
       {"$1\r\na\r\n$1\r\n1\r\n", "$1\r\nb\r\n$1\r\n2\r\n", "$1\r\nc\r\n$1\r\n3\r\n"}) {
    EXPECT_NE(r.find(part), std::string::npos) << part;
  }
}

TEST_F(HashCommandsTest, ScanListpack) {
  h.Run({"hset", "h", "a", "1", "b", "2", "ab", "3"});
  EXPECT_EQ(h.Run({"hscan", "h", "0"}),
            "*2\r\n$1\r\n0\r\n" + Array({"a", "1", "b", "2", "ab", "3"}));
  // Any cursor returns everything with cursor 0.
  EXPECT_EQ(h.Run({"hscan", "h", "-1", "COUNT", "1"}),
            "*2\r\n$1\r\n0\r\n" + Array({"a", "1", "b", "2", "ab", "3"}));
  EXPECT_EQ(h.Run({"hscan", "h", "0", "match", "a*"}),
            "*2\r\n$1\r\n0\r\n" + Array({"a", "1", "ab", "3"}));
  EXPECT_EQ(h.Run({"hscan", "h", "0", "COUNT", "1", "MATCH", "a", "COUNT", "5"}),
            "*2\r\n$1\r\n0\r\n" + Array({"a", "1"}));
  EXPECT_EQ(h.Run({"hscan", "h", "0", "count", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"hscan", "h", "0", "count", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"hscan", "h", "0", "type", "string"}), kSyntax);
  EXPECT_EQ(h.Run({"hscan", "h", "0", "match"}), kSyntax);
  EXPECT_EQ(h.Run({"hscan", "h", "abc"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"hscan", "h", " 1"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"hscan", "h", "18446744073709551616"}), Err("ERR invalid cursor"));
  // A missing key answers before the options are read.
  EXPECT_EQ(h.Run({"hscan", "nokey", "0", "count", "0"}), kEmptyScan);
  EXPECT_EQ(h.Run({"hscan", "nokey", "abc"}), Err("ERR invalid cursor"));
}

TEST_F(HashCommandsTest, ScanHashtableFullIteration) {
  for (int i = 0; i < 1000; ++i) {
    h.Run({"hset", "h", "f" + std::to_string(i), "v" + std::to_string(i)});
  }
  EXPECT_EQ(Encoding("h"), "hashtable");
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::string r = h.Run({"hscan", "h", cursor, "COUNT", "20"});
    ++calls;
    // *2 $len cursor *n items...
    size_t p = r.find("\r\n", 4);  // end of "$len"
    size_t q = r.find("\r\n", p + 2);
    cursor = r.substr(p + 2, q - p - 2);
    size_t pos = q + 2;
    pos = r.find("\r\n", pos) + 2;  // past "*n"
    std::vector<std::string> items;
    while (pos < r.size()) {
      size_t len_end = r.find("\r\n", pos);
      size_t len = std::stoul(r.substr(pos + 1, len_end - pos - 1));
      items.push_back(r.substr(len_end + 2, len));
      pos = len_end + 2 + len + 2;
    }
    ASSERT_EQ(items.size() % 2, 0u);
    for (size_t i = 0; i < items.size(); i += 2) {
      ASSERT_EQ("v" + items[i].substr(1), items[i + 1]);
      seen.insert(items[i]);
    }
  } while (cursor != "0" && calls < 10000);
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(calls, 10);
}

}  // namespace
}  // namespace spindle::commands::testing
