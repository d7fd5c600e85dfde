// Expected replies were checked byte for byte against redis-server 7.0.15.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "command_harness.h"
#include "storage/set_value.h"

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
const std::string kEmptyArray = "*0\r\n";

std::string Arr(std::vector<std::string> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& i : items) out += Bulk(i);
  return out;
}

// The bulk strings of a flat array reply, sorted (replies in hash order).
std::vector<std::string> SortedMembers(const std::string& raw) {
  std::vector<std::string> out;
  size_t pos = raw.find("\r\n") + 2;
  while (pos < raw.size()) {
    EXPECT_EQ(raw[pos], '$');
    size_t eol = raw.find("\r\n", pos);
    size_t len = std::stoul(raw.substr(pos + 1, eol - pos - 1));
    out.push_back(raw.substr(eol + 2, len));
    pos = eol + 2 + len + 2;
  }
  std::sort(out.begin(), out.end());
  return out;
}

class SetCommandsTest : public ::testing::Test {
 protected:
  SetCommandsTest() { h.Register(RegisterSetCommands); }
  // OBJECT ENCODING key, through the container's subcommand as the server's
  // dispatcher runs it (the harness runs top-level commands only).
  std::string Enc(const std::string& key) {
    const CommandSpec* object = h.table().Find("object");
    const CommandSpec* sub = CommandTable::FindSubcommand(*object, "encoding");
    std::vector<std::string_view> args = {"object", "encoding", key};
    ChunkedBuffer out;
    protocol::ReplyBuilder reply(&out);
    CommandContext ctx;
    ctx.args = args;
    ctx.reply = &reply;
    ctx.keyspace = &h.keyspace();
    ctx.db = &h.db();
    ctx.now_ms = h.now_ms();
    ctx.limits = &h.limits_;
    sub->handler(ctx);
    return out.ToString();
  }
  CommandHarness h;
};

TEST_F(SetCommandsTest, SaddSremScardSismember) {
  EXPECT_EQ(h.Run({"sadd", "s", "3", "1", "2", "1"}), Int(3));
  EXPECT_EQ(h.Run({"sadd", "s", "1", "4"}), Int(1));
  EXPECT_EQ(h.Run({"scard", "s"}), Int(4));
  EXPECT_EQ(h.Run({"scard", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"sismember", "s", "4"}), Int(1));
  EXPECT_EQ(h.Run({"sismember", "s", "5"}), Int(0));
  EXPECT_EQ(h.Run({"sismember", "nokey", "5"}), Int(0));
  EXPECT_EQ(h.Run({"smismember", "s", "1", "9"}), "*2\r\n:1\r\n:0\r\n");
  EXPECT_EQ(h.Run({"smismember", "nokey", "1"}), "*1\r\n:0\r\n");
  EXPECT_EQ(h.Run({"srem", "s", "1", "9", "1"}), Int(1));
  EXPECT_EQ(h.Run({"srem", "nokey", "1"}), Int(0));
  EXPECT_EQ(h.Run({"smembers", "s"}), Arr({"2", "3", "4"}));
  // Emptying the set deletes the key.
  EXPECT_EQ(h.Run({"srem", "s", "2", "3", "4", "5"}), Int(3));
  EXPECT_EQ(h.Run({"exists", "s"}), Int(0));
  EXPECT_EQ(h.Run({"smembers", "s"}), kEmptyArray);
  EXPECT_EQ(h.Run({"sadd", "s"}), Err("ERR wrong number of arguments for 'sadd' command"));
}

TEST_F(SetCommandsTest, DirtyCounts) {
  uint64_t d0 = h.keyspace().dirty();
  h.Run({"sadd", "s", "1", "2", "2"});
  EXPECT_EQ(h.keyspace().dirty() - d0, 2u);
  h.Run({"sadd", "s", "1"});
  EXPECT_EQ(h.keyspace().dirty() - d0, 2u);
  h.Run({"srem", "s", "1", "7"});
  EXPECT_EQ(h.keyspace().dirty() - d0, 3u);
  h.Run({"sunionstore", "d", "nokey"});  // nothing stored, nothing deleted
  EXPECT_EQ(h.keyspace().dirty() - d0, 3u);
  h.Run({"sunionstore", "d", "s"});
  EXPECT_EQ(h.keyspace().dirty() - d0, 4u);
  h.Run({"sinterstore", "d", "s", "nokey"});  // deletes d
  EXPECT_EQ(h.keyspace().dirty() - d0, 5u);
  h.Run({"sadd", "p", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
  d0 = h.keyspace().dirty();
  h.Run({"spop", "p", "3"});
  EXPECT_EQ(h.keyspace().dirty() - d0, 3u);
  h.Run({"spop", "p", "30"});
  EXPECT_EQ(h.keyspace().dirty() - d0, 10u);
  h.Run({"smove", "nokey", "d", "1"});
  EXPECT_EQ(h.keyspace().dirty() - d0, 10u);
  h.Run({"sadd", "a", "1"});
  h.Run({"smove", "a", "b", "1"});  // removed and added
  EXPECT_EQ(h.keyspace().dirty() - d0, 13u);
}

TEST_F(SetCommandsTest, WrongType) {
  EXPECT_EQ(h.Run({"set", "str", "v"}), kOk);
  h.Run({"sadd", "s", "1"});
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"sadd", "str", "1"},
           {"srem", "str", "1"},
           {"smembers", "str"},
           {"sismember", "str", "1"},
           {"smismember", "str", "1"},
           {"scard", "str"},
           {"spop", "str"},
           {"spop", "str", "1"},
           {"srandmember", "str"},
           {"srandmember", "str", "1"},
           {"smove", "str", "s", "1"},
           {"smove", "s", "str", "1"},
           {"sinter", "nokey", "str"},
           {"sintercard", "2", "nokey", "str"},
           {"sinterstore", "d", "nokey", "str"},
           {"sunion", "nokey", "str"},
           {"sunionstore", "d", "s", "str"},
           {"sdiff", "nokey", "str"},
           {"sdiffstore", "d", "nokey", "str"},
           {"sscan", "str", "0"},
           {"sscan", "str", "0", "count", "abc"},
       }) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
  // A missing source answers 0 before the destination's type is checked.
  EXPECT_EQ(h.Run({"smove", "nokey", "str", "1"}), Int(0));
  // Count errors come before the type check.
  EXPECT_EQ(h.Run({"spop", "str", "abc"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"srandmember", "str", "abc"}), Err(protocol::kErrNotInteger));
  // A *STORE onto a string key replaces it.
  EXPECT_EQ(h.Run({"sunionstore", "str", "s"}), Int(1));
  EXPECT_EQ(h.Run({"type", "str"}), "+set\r\n");
}

TEST_F(SetCommandsTest, EncodingTransitions) {
  h.Run({"sadd", "s", "1", "2", "3"});
  EXPECT_EQ(Enc("s"), Bulk("intset"));
  h.Run({"sadd", "s", "x"});
  EXPECT_EQ(Enc("s"), Bulk("hashtable"));
  h.Run({"srem", "s", "x"});
  EXPECT_EQ(Enc("s"), Bulk("hashtable"));  // never back to intset
  h.Run({"sadd", "t", "01"});
  EXPECT_EQ(Enc("t"), Bulk("hashtable"));

  h.limits_.set_max_intset_entries = 3;
  h.Run({"sadd", "u", "1", "2", "3"});
  EXPECT_EQ(Enc("u"), Bulk("intset"));
  h.Run({"sadd", "u", "4"});
  EXPECT_EQ(Enc("u"), Bulk("hashtable"));
  h.limits_.set_max_intset_entries = 512;

  // *STORE results are encoded by their own members.
  h.Run({"del", "a", "b"});
  h.Run({"sadd", "a", "1", "2", "x"});
  h.Run({"sadd", "b", "1", "2", "3"});
  EXPECT_EQ(h.Run({"sinterstore", "d", "a", "b"}), Int(2));
  EXPECT_EQ(Enc("d"), Bulk("intset"));
  EXPECT_EQ(h.Run({"sdiffstore", "df", "a", "b"}), Int(1));
  EXPECT_EQ(Enc("df"), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"sunionstore", "u2", "b"}), Int(3));
  EXPECT_EQ(Enc("u2"), Bulk("intset"));
  // SDIFFSTORE copies the first set and removes the others when that is
  // cheaper (Redis's algorithm 2): a removed string leaves a hashtable.
  h.Run({"del", "a", "b", "c"});
  h.Run({"sadd", "a", "1", "2", "3", "4", "5", "6", "7", "8", "x"});
  h.Run({"sadd", "b", "x"});
  h.Run({"sadd", "c", "99"});
  EXPECT_EQ(h.Run({"sdiffstore", "d", "a", "b", "c"}), Int(8));
  EXPECT_EQ(Enc("d"), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"sdiffstore", "d", "a", "b"}), Int(8));  // algorithm 1
  EXPECT_EQ(Enc("d"), Bulk("intset"));
  h.Run({"del", "a"});
  h.Run({"sadd", "a", "1", "2", "x"});
  // SMOVE creates the destination from the member.
  EXPECT_EQ(h.Run({"smove", "a", "m", "1"}), Int(1));
  EXPECT_EQ(Enc("m"), Bulk("intset"));
  EXPECT_EQ(h.Run({"smove", "a", "n", "x"}), Int(1));
  EXPECT_EQ(Enc("n"), Bulk("hashtable"));
}

TEST_F(SetCommandsTest, SmembersRespVersions) {
  h.Run({"sadd", "a", "3", "1", "2"});
  EXPECT_EQ(h.Run({"smembers", "a"}), Arr({"1", "2", "3"}));
  h.set_resp(3);
  EXPECT_EQ(h.Run({"smembers", "a"}), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.Run({"sinter", "a"}), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.Run({"smembers", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.Run({"spop", "a", "0"}), "~0\r\n");
  EXPECT_EQ(h.Run({"spop", "nokey", "2"}), "~0\r\n");
  EXPECT_EQ(h.Run({"spop", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"srandmember", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"srandmember", "a", "0"}), kEmptyArray);
  EXPECT_EQ(h.Run({"srandmember", "nokey", "-2"}), kEmptyArray);
  EXPECT_EQ(h.Run({"srandmember", "a", "5"}), Arr({"1", "2", "3"}));  // an array, not a set
  EXPECT_EQ(h.Run({"spop", "a", "5"}), "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
}

TEST_F(SetCommandsTest, SpopSrandmember) {
  EXPECT_EQ(h.Run({"spop", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"srandmember", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"srandmember", "nokey", "3"}), kEmptyArray);
  EXPECT_EQ(h.Run({"spop", "nokey", "3"}), kEmptyArray);
  h.Run({"sadd", "s", "a", "b", "c"});
  EXPECT_EQ(h.Run({"spop", "s", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"srandmember", "s", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"spop", "s", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"srandmember", "s", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  std::string one = h.Run({"srandmember", "s"});
  EXPECT_TRUE(one == Bulk("a") || one == Bulk("b") || one == Bulk("c")) << one;
  EXPECT_EQ(SortedMembers(h.Run({"srandmember", "s", "3"})),
            (std::vector<std::string>{"a", "b", "c"}));
  std::vector<std::string> two = SortedMembers(h.Run({"srandmember", "s", "2"}));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0], two[1]);
  std::vector<std::string> many = SortedMembers(h.Run({"srandmember", "s", "-10"}));
  EXPECT_EQ(many.size(), 10u);
  for (const auto& m : many) EXPECT_TRUE(m == "a" || m == "b" || m == "c");
  EXPECT_EQ(h.Run({"scard", "s"}), Int(3));

  std::string popped = h.Run({"spop", "s"});
  EXPECT_EQ(h.Run({"scard", "s"}), Int(2));
  EXPECT_EQ(h.Run({"sismember", "s", popped.substr(4, 1)}), Int(0));
  h.Run({"spop", "s"});
  h.Run({"spop", "s"});
  EXPECT_EQ(h.Run({"exists", "s"}), Int(0));
}

TEST_F(SetCommandsTest, SpopCountCases) {
  // Every SPOP count path: small count, count close to the size, whole set.
  for (int count : {1, 3, 15, 19, 20, 25}) {
    h.Run({"del", "s"});
    std::vector<std::string> add = {"sadd", "s"};
    for (int i = 0; i < 20; ++i) add.push_back("m" + std::to_string(i));
    h.Run(add);
    h.Run({"expire", "s", "1000"});
    std::vector<std::string> got = SortedMembers(h.Run({"spop", "s", std::to_string(count)}));
    size_t want = std::min(count, 20);
    ASSERT_EQ(got.size(), want) << count;
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), want);
    EXPECT_EQ(h.Run({"scard", "s"}), Int(20 - static_cast<int64_t>(want)));
    for (const auto& m : got) EXPECT_EQ(h.Run({"sismember", "s", m}), Int(0));
    if (want < 20) {
      EXPECT_EQ(h.Run({"ttl", "s"}), Int(1000));  // TTL kept
    }
  }
  // The remaining members of an SPOP that takes most of a set are re-encoded.
  h.Run({"del", "s"});
  h.Run({"sadd", "s", "1", "2", "3", "4", "x"});
  for (int i = 0; i < 50 && h.Run({"sismember", "s", "x"}) == Int(1); ++i) {
    h.Run({"del", "s"});
    h.Run({"sadd", "s", "1", "2", "3", "4", "x"});
    h.Run({"spop", "s", "4"});
  }
  if (h.Run({"exists", "s"}) == Int(1) && h.Run({"sismember", "s", "x"}) == Int(0)) {
    EXPECT_EQ(Enc("s"), Bulk("intset"));
  }
}

TEST_F(SetCommandsTest, SrandmemberDistinctPaths) {
  std::vector<std::string> add = {"sadd", "s"};
  for (int i = 0; i < 100; ++i) add.push_back(std::to_string(i * 7));
  h.Run(add);
  for (int count : {1, 10, 40, 99}) {
    std::vector<std::string> got = SortedMembers(h.Run({"srandmember", "s", std::to_string(count)}));
    ASSERT_EQ(got.size(), static_cast<size_t>(count));
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
    for (const auto& m : got) EXPECT_EQ(h.Run({"sismember", "s", m}), Int(1));
  }
}

TEST_F(SetCommandsTest, Smove) {
  h.Run({"sadd", "a", "1", "2"});
  h.Run({"sadd", "b", "2"});
  EXPECT_EQ(h.Run({"smove", "nokey", "b", "1"}), Int(0));
  EXPECT_EQ(h.Run({"smove", "a", "b", "9"}), Int(0));
  EXPECT_EQ(h.Run({"smove", "a", "a", "1"}), Int(1));
  EXPECT_EQ(h.Run({"smove", "a", "a", "9"}), Int(0));
  EXPECT_EQ(h.Run({"smove", "a", "b", "2"}), Int(1));  // already in b
  EXPECT_EQ(h.Run({"smembers", "b"}), Arr({"2"}));
  EXPECT_EQ(h.Run({"smove", "a", "c", "1"}), Int(1));
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));  // emptied source deleted
  EXPECT_EQ(h.Run({"smembers", "c"}), Arr({"1"}));
}

TEST_F(SetCommandsTest, InterUnionDiff) {
  h.Run({"sadd", "a", "1", "2", "3", "4"});
  h.Run({"sadd", "b", "2", "3", "5"});
  h.Run({"sadd", "c", "3", "x"});
  EXPECT_EQ(h.Run({"sinter", "a", "b"}), Arr({"2", "3"}));
  EXPECT_EQ(h.Run({"sinter", "a", "b", "c"}), Arr({"3"}));
  EXPECT_EQ(h.Run({"sinter", "a", "nokey"}), kEmptyArray);
  EXPECT_EQ(h.Run({"sinter", "a", "a"}), Arr({"1", "2", "3", "4"}));
  EXPECT_EQ(h.Run({"sunion", "a", "b"}), Arr({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(SortedMembers(h.Run({"sunion", "b", "c", "nokey"})),
            (std::vector<std::string>{"2", "3", "5", "x"}));
  EXPECT_EQ(h.Run({"sunion", "nokey"}), kEmptyArray);
  EXPECT_EQ(h.Run({"sdiff", "a", "b"}), Arr({"1", "4"}));
  EXPECT_EQ(h.Run({"sdiff", "a", "nokey", "c"}), Arr({"1", "2", "4"}));
  EXPECT_EQ(h.Run({"sdiff", "a", "a"}), kEmptyArray);
  EXPECT_EQ(h.Run({"sdiff", "nokey", "a"}), kEmptyArray);

  EXPECT_EQ(h.Run({"sinterstore", "d", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"smembers", "d"}), Arr({"2", "3"}));
  h.Run({"expire", "d", "100"});
  EXPECT_EQ(h.Run({"sunionstore", "d", "a", "b"}), Int(5));
  EXPECT_EQ(h.Run({"ttl", "d"}), Int(-1));  // stored anew, TTL gone
  EXPECT_EQ(h.Run({"sdiffstore", "d", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"smembers", "d"}), Arr({"1", "4"}));
  // The destination may be a source.
  EXPECT_EQ(h.Run({"sunionstore", "d", "d", "c"}), Int(4));
  EXPECT_EQ(SortedMembers(h.Run({"smembers", "d"})),
            (std::vector<std::string>{"1", "3", "4", "x"}));
  // Empty results delete the destination.
  EXPECT_EQ(h.Run({"sinterstore", "d", "a", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"exists", "d"}), Int(0));
  h.Run({"sadd", "d", "1"});
  EXPECT_EQ(h.Run({"sdiffstore", "d", "a", "a"}), Int(0));
  EXPECT_EQ(h.Run({"exists", "d"}), Int(0));
  h.Run({"sadd", "d", "1"});
  EXPECT_EQ(h.Run({"sinterstore", "d", "b", "c", "a"}), Int(1));
  EXPECT_EQ(h.Run({"smembers", "d"}), Arr({"3"}));
}

TEST_F(SetCommandsTest, Sintercard) {
  h.Run({"sadd", "a", "1", "2", "3"});
  h.Run({"sadd", "b", "1", "2", "3", "4"});
  EXPECT_EQ(h.Run({"sintercard", "2", "a", "b"}), Int(3));
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "limit", "0"}), Int(3));
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "LIMIT", "2"}), Int(2));
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "LIMIT", "1", "LIMIT", "0"}), Int(3));
  EXPECT_EQ(h.Run({"sintercard", "2", "a", "nokey"}), Int(0));
  const std::string numkeys = Err("ERR numkeys should be greater than 0");
  EXPECT_EQ(h.Run({"sintercard", "0", "a"}), numkeys);
  EXPECT_EQ(h.Run({"sintercard", "-1", "a"}), numkeys);
  EXPECT_EQ(h.Run({"sintercard", "abc", "a"}), numkeys);
  EXPECT_EQ(h.Run({"sintercard", "3", "a", "b"}),
            Err("ERR Number of keys can't be greater than number of args"));
  const std::string limit = Err("ERR LIMIT can't be negative");
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "limit", "-1"}), limit);
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "limit", "abc"}), limit);
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"sintercard", "1", "a", "limit"}), kSyntax);
}

TEST_F(SetCommandsTest, Sscan) {
  const std::string empty_scan = "*2\r\n$1\r\n0\r\n*0\r\n";
  EXPECT_EQ(h.Run({"sscan", "nokey", "0"}), empty_scan);
  EXPECT_EQ(h.Run({"sscan", "nokey", "0", "count", "abc"}), empty_scan);  // options unparsed
  EXPECT_EQ(h.Run({"sscan", "nokey", "abc"}), Err(protocol::kErrInvalidCursor));
  h.Run({"sadd", "a", "3", "1", "2", "10"});
  // An intset is returned whole, with cursor 0, whatever the cursor.
  EXPECT_EQ(h.Run({"sscan", "a", "5"}), "*2\r\n$1\r\n0\r\n" + Arr({"1", "2", "3", "10"}));
  EXPECT_EQ(h.Run({"sscan", "a", "0", "match", "1*"}), "*2\r\n$1\r\n0\r\n" + Arr({"1", "10"}));
  EXPECT_EQ(h.Run({"sscan", "a", "0", "count", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"sscan", "a", "0", "count", "abc"}), Err(protocol::kErrNotInteger));
  EXPECT_EQ(h.Run({"sscan", "a", "0", "type", "string"}), kSyntax);
  EXPECT_EQ(h.Run({"sscan", "a", "0", "match"}), kSyntax);
  EXPECT_EQ(h.Run({"sscan", "a", "abc"}), Err(protocol::kErrInvalidCursor));

  // A hashtable is iterated with a cursor until it is back to 0.
  std::vector<std::string> add = {"sadd", "h"};
  for (int i = 0; i < 300; ++i) add.push_back("m" + std::to_string(i));
  h.Run(add);
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::string raw = h.Run({"sscan", "h", cursor, "COUNT", "20", "MATCH", "m1*"});
    ASSERT_EQ(raw.substr(0, 5), "*2\r\n$");
    size_t eol = raw.find("\r\n", 4);
    size_t len = std::stoul(raw.substr(5, eol - 5));
    cursor = raw.substr(eol + 2, len);
    for (const auto& m : SortedMembers(raw.substr(eol + 2 + len + 2))) seen.insert(m);
    ++calls;
  } while (cursor != "0" && calls < 1000);
  EXPECT_GT(calls, 1);
  EXPECT_EQ(seen.size(), 111u);  // m1, m10..m19, m100..m199
  for (const auto& m : seen) EXPECT_EQ(m.substr(0, 2), "m1");
}

TEST_F(SetCommandsTest, CopyAndRenameKeepTheSet) {
  h.Run({"sadd", "a", "1", "x"});
  EXPECT_EQ(h.Run({"copy", "a", "b"}), Int(1));
  h.Run({"srem", "a", "x"});
  EXPECT_EQ(SortedMembers(h.Run({"smembers", "b"})), (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(Enc("b"), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"type", "b"}), "+set\r\n");
}

}  // namespace
}  // namespace spindle::commands
