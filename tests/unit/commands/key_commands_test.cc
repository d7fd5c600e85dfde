// DEL, EXISTS, TYPE, DBSIZE, FLUSHDB, FLUSHALL. Expected replies checked
// against redis-server 7.0.15.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using std::string_literals::operator""s;

const std::string kSyntax = "-ERR syntax error\r\n";

class KeyCommandsTest : public ::testing::Test {
 protected:
  // A key of a non-string type, for the WRONGTYPE paths.
  void MakeValue(std::string_view key, storage::ValueType type) {
    h.db().Set(key, storage::Value::EmptyOfType(type));
  }

  CommandHarness h;
};

TEST_F(KeyCommandsTest, Arity) {
  EXPECT_EQ(h.Run({"del"}), Err("ERR wrong number of arguments for 'del' command"));
  EXPECT_EQ(h.Run({"exists"}), Err("ERR wrong number of arguments for 'exists' command"));
  EXPECT_EQ(h.Run({"type"}), Err("ERR wrong number of arguments for 'type' command"));
  EXPECT_EQ(h.Run({"type", "a", "b"}), Err("ERR wrong number of arguments for 'type' command"));
  EXPECT_EQ(h.Run({"dbsize", "x"}), Err("ERR wrong number of arguments for 'dbsize' command"));
}

TEST_F(KeyCommandsTest, DelCountsEachKeyOnce) {
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"del", "a", "a", "nokey", "b"}), Int(2));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  EXPECT_EQ(h.Run({"del", "a"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  MakeValue("l", storage::ValueType::kList);
  EXPECT_EQ(h.Run({"DEL", "l"}), Int(1));
  EXPECT_EQ(h.db().size(), 0u);
}

TEST_F(KeyCommandsTest, DelOfExpiredKeyCountsNothing) {
  EXPECT_EQ(h.Run({"set", "k", "v", "px", "100"}), kOk);
  h.set_now_ms(h.now_ms() + 101);
  EXPECT_EQ(h.Run({"del", "k"}), Int(0));
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.keyspace().stats().expired_keys, 1u);
}

TEST_F(KeyCommandsTest, ExistsCountsDuplicatesAndHits) {
  EXPECT_EQ(h.Run({"set", "s", "x"}), kOk);
  MakeValue("l", storage::ValueType::kList);
  EXPECT_EQ(h.Run({"exists", "s", "s", "s", "nokey", "l"}), Int(4));
  EXPECT_EQ(h.keyspace().stats().keyspace_hits, 4u);
  EXPECT_EQ(h.keyspace().stats().keyspace_misses, 1u);
  EXPECT_EQ(h.Run({"exists", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"set", "t", "v", "px", "10"}), kOk);
  EXPECT_EQ(h.Run({"exists", "t"}), Int(1));
  h.set_now_ms(h.now_ms() + 11);
  EXPECT_EQ(h.Run({"exists", "t"}), Int(0));
}

TEST_F(KeyCommandsTest, Type) {
  EXPECT_EQ(h.Run({"type", "nokey"}), "+none\r\n");
  EXPECT_EQ(h.keyspace().stats().keyspace_misses, 1u);
  EXPECT_EQ(h.Run({"set", "s", "x"}), kOk);
  EXPECT_EQ(h.Run({"type", "s"}), "+string\r\n");
  const std::pair<storage::ValueType, const char*> kinds[] = {
      {storage::ValueType::kList, "+list\r\n"},
      {storage::ValueType::kSet, "+set\r\n"},
      {storage::ValueType::kZSet, "+zset\r\n"},
      {storage::ValueType::kHash, "+hash\r\n"},
      {storage::ValueType::kStream, "+stream\r\n"}};
  for (const auto& [type, reply] : kinds) {
    MakeValue("k", type);
    EXPECT_EQ(h.Run({"type", "k"}), reply);
  }
  h.set_resp(3);
  EXPECT_EQ(h.Run({"type", "nokey"}), "+none\r\n");
}

TEST_F(KeyCommandsTest, DbSizeCountsKeysNotYetExpired) {
  EXPECT_EQ(h.Run({"dbsize"}), Int(0));
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  EXPECT_EQ(h.Run({"set", "t", "v", "px", "10"}), kOk);
  EXPECT_EQ(h.Run({"dbsize"}), Int(3));
  // Like Redis's dictSize, a key past its TTL counts until something touches it.
  h.set_now_ms(h.now_ms() + 11);
  EXPECT_EQ(h.Run({"dbsize"}), Int(3));
  EXPECT_EQ(h.Run({"get", "t"}), kNil);
  EXPECT_EQ(h.Run({"dbsize"}), Int(2));
  h.select(1);
  EXPECT_EQ(h.Run({"dbsize"}), Int(0));
}

TEST_F(KeyCommandsTest, TtlFamily) {
  const int64_t now = h.now_ms();
  EXPECT_EQ(h.Run({"TTL", "missing"}), Int(-2));
  EXPECT_EQ(h.Run({"PTTL", "missing"}), Int(-2));
  EXPECT_EQ(h.Run({"EXPIRETIME", "missing"}), Int(-2));
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "10499"}), kOk);
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(10499));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(10));  // rounded to the nearest second
  EXPECT_EQ(h.Run({"PEXPIRETIME", "k"}), Int(now + 10499));
  EXPECT_EQ(h.Run({"EXPIRETIME", "k"}), Int((now + 10499 + 500) / 1000));
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "10500"}), kOk);
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(11));
  h.set_now_ms(now + 10500);  // at the deadline the key still exists
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(0));
  h.set_now_ms(now + 10501);
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-2));
  EXPECT_EQ(h.Run({"TTL"}), Err("ERR wrong number of arguments for 'ttl' command"));
}

TEST_F(KeyCommandsTest, FlushDbOnlyTheSelectedDatabase) {
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  h.select(3);
  EXPECT_EQ(h.Run({"set", "c", "3", "ex", "10"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"flushdb"}), kOk);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.db().expires_size(), 0u);
  EXPECT_EQ(h.keyspace().db(0).size(), 2u);
  h.select(0);
  EXPECT_EQ(h.Run({"flushdb", "ASYNC"}), kOk);
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.Run({"flushdb", "sync"}), kOk);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 3);
}

TEST_F(KeyCommandsTest, FlushAll) {
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  h.select(5);
  EXPECT_EQ(h.Run({"set", "c", "3"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"flushall"}), kOk);
  // The keys removed, no more (redis-server 7.0.15: an empty FLUSHALL is no
  // change).
  EXPECT_EQ(h.keyspace().dirty(), dirty + 3);
  EXPECT_EQ(h.keyspace().db(0).size(), 0u);
  EXPECT_EQ(h.keyspace().db(5).size(), 0u);
  EXPECT_EQ(h.Run({"flushall", "async"}), kOk);
  EXPECT_EQ(h.Run({"FLUSHALL", "Sync"}), kOk);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 3);
}

TEST_F(KeyCommandsTest, FlushSyntaxErrors) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(h.Run({"flushdb", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"flushdb", "async", "extra"}), kSyntax);
  EXPECT_EQ(h.Run({"flushdb", "sync", "async"}), kSyntax);
  EXPECT_EQ(h.Run({"flushall", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"flushall", "async", "async"}), kSyntax);
  EXPECT_EQ(h.Run({"flushall", "asyncx"}), kSyntax);
  EXPECT_EQ(h.db().size(), 1u);
  // Like Redis's strcasecmp, the option ends at a NUL byte.
  EXPECT_EQ(h.Run({"flushall", "async\0x"s}), kOk);
  EXPECT_EQ(h.db().size(), 0u);
}

TEST_F(KeyCommandsTest, SpecsMatchRedis) {
  struct Expected {
    const char* name;
    int arity;
    uint32_t flags;
    uint64_t acl;
    int first, last, step;
    const char* group;
  };
  const Expected expected[] = {
      {"del", -2, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow, 1, -1, 1, "generic"},
      {"exists", -2, kCmdReadOnly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, 1, -1, 1,
       "generic"},
      {"type", 2, kCmdReadOnly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, 1, 1, 1, "generic"},
      {"dbsize", 1, kCmdReadOnly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, 0, 0, 0, "server"},
      {"flushdb", -1, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, 0, 0, 0,
       "server"},
      {"flushall", -1, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, 0, 0, 0,
       "server"},
  };
  for (const Expected& e : expected) {
    const CommandSpec* spec = h.table().Find(e.name);
    ASSERT_NE(spec, nullptr) << e.name;
    EXPECT_EQ(spec->arity, e.arity) << e.name;
    EXPECT_EQ(spec->flags, e.flags) << e.name;
    EXPECT_EQ(spec->acl_categories, e.acl) << e.name;
    EXPECT_EQ(spec->first_key, e.first) << e.name;
    EXPECT_EQ(spec->last_key, e.last) << e.name;
    EXPECT_EQ(spec->key_step, e.step) << e.name;
    EXPECT_EQ(spec->group, e.group) << e.name;
    EXPECT_EQ(spec->since, "1.0.0") << e.name;
  }
  EXPECT_EQ(h.table().Find("del")->KeyPositions(4), (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace spindle::commands::testing
