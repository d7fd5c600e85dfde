// UNLINK, RENAME, RENAMENX, COPY, MOVE, SWAPDB, KEYS, SCAN, RANDOMKEY, the
// EXPIRE family, PERSIST, TOUCH and OBJECT. Expected replies (error texts
// included) were checked against redis-server 7.0.15.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command_harness.h"

namespace spindle::commands::testing {
namespace {

using std::string_literals::operator""s;

const std::string kSyntax = "-ERR syntax error\r\n";
const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";
const std::string kSameObject = "-ERR source and destination objects are the same\r\n";
const std::string kDbOutOfRange = "-ERR DB index is out of range\r\n";
const std::string kIntRange =
    "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";
const std::string kNoSuchKey = "-ERR no such key\r\n";
const std::string kInvalidCursor = "-ERR invalid cursor\r\n";

std::string Arr(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& s : items) out += Bulk(s);
  return out;
}

// A minimal reader for the replies these tests parse (SCAN, KEYS).
struct Reader {
  std::string_view s;
  size_t pos = 0;

  std::string Line() {
    size_t end = s.find("\r\n", pos);
    std::string line(s.substr(pos, end - pos));
    pos = end + 2;
    return line;
  }
  std::string BulkString() {
    std::string head = Line();
    EXPECT_EQ(head[0], '$');
    size_t n = std::stoul(head.substr(1));
    std::string out(s.substr(pos, n));
    pos += n + 2;
    return out;
  }
  std::vector<std::string> BulkArray() {
    std::string head = Line();
    EXPECT_EQ(head[0], '*') << head;
    size_t n = std::stoul(head.substr(1));
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i) out.push_back(BulkString());
    return out;
  }
};

std::vector<std::string> SortedArray(const std::string& reply) {
  Reader r{reply};
  std::vector<std::string> v = r.BulkArray();
  std::sort(v.begin(), v.end());
  return v;
}

// CommandContext flags the harness leaves at their defaults.
struct Flags {
  bool lfu_policy = false;
  bool lazy_user_del = false;
};

class KeyspaceCommandsTest : public ::testing::Test {
 protected:
  void MakeValue(std::string_view key, storage::ValueType type) {
    h.db().Set(key, storage::Value::EmptyOfType(type));
  }

  // Runs a command the way the server's dispatcher does, subcommands
  // (OBJECT ...) included, with the context flags the harness does not set.
  std::string Dispatch(std::vector<std::string> args, Flags flags = {}) {
    std::vector<std::string_view> views(args.begin(), args.end());
    out_.Clear();
    const CommandSpec* spec = h.table().Find(views[0]);
    if (spec == nullptr) return "-unknown command in test\r\n";
    if (spec->is_container() && views.size() >= 2) {
      const CommandSpec* sub = CommandTable::FindSubcommand(*spec, views[1]);
      if (sub == nullptr) {
        reply_.Error(protocol::UnknownSubcommandError(views[0], views[1]));
        return out_.ToString();
      }
      spec = sub;
    }
    if (!spec->ArityOk(views.size())) {
      reply_.Error(protocol::WrongArityError(spec->name));
      return out_.ToString();
    }
    CommandContext ctx;
    ctx.args = views;
    ctx.reply = &reply_;
    ctx.keyspace = &h.keyspace();
    ctx.db = &h.db();
    ctx.now_ms = h.now_ms();
    ctx.lfu_policy = flags.lfu_policy;
    ctx.lazy_user_del = flags.lazy_user_del;
    spec->handler(ctx);
    return out_.ToString();
  }

  // Every key of a full SCAN iteration (each call's reply checked for
  // shape); `calls` gets the number of SCAN calls.
  std::multiset<std::string> FullScan(std::vector<std::string> options, int* calls = nullptr) {
    std::multiset<std::string> seen;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string> args = {"scan", cursor};
      args.insert(args.end(), options.begin(), options.end());
      std::string reply = h.Run(args);
      Reader r{reply};
      EXPECT_EQ(r.Line(), "*2");
      cursor = r.BulkString();
      for (auto& k : r.BulkArray()) seen.insert(k);
      EXPECT_EQ(r.pos, reply.size());
      ++n;
      if (n > 100000) break;  // a broken cursor must not hang the test
    } while (cursor != "0");
    if (calls) *calls = n;
    return seen;
  }

  int64_t now() const { return h.now_ms(); }
  // Redis's LRU clock at a given time: seconds, 24 bits.
  static uint32_t LruAt(int64_t ms) { return static_cast<uint32_t>(ms / 1000) & ((1u << 24) - 1); }

  CommandHarness h;
  ChunkedBuffer out_;
  protocol::ReplyBuilder reply_{&out_};
};

// ---------------------------------------------------------------------------
// Specs

TEST_F(KeyspaceCommandsTest, SpecsMatchRedis) {
  struct Expect {
    const char* name;
    int arity;
    uint32_t flags;
    uint64_t acl;  // after the implicit categories
    int first, last, step;
    const char* since;
    const char* group;
  };
  const uint64_t kKs = kAclKeyspace;
  const Expect expects[] = {
      {"unlink", -2, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, -1, 1, "4.0.0",
       "generic"},
      {"rename", 3, kCmdWrite, kKs | kAclWrite | kAclSlow, 1, 2, 1, "1.0.0", "generic"},
      {"renamenx", 3, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, 2, 1, "1.0.0",
       "generic"},
      {"copy", -3, kCmdWrite | kCmdDenyOom, kKs | kAclWrite | kAclSlow, 1, 2, 1, "6.2.0",
       "generic"},
      {"move", 3, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, 1, 1, "1.0.0", "generic"},
      {"swapdb", 3, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast | kAclDangerous, 0, 0, 0,
       "4.0.0", "server"},
      {"keys", 2, kCmdReadOnly, kKs | kAclRead | kAclSlow | kAclDangerous, 0, 0, 0, "1.0.0",
       "generic"},
      {"scan", -2, kCmdReadOnly, kKs | kAclRead | kAclSlow, 0, 0, 0, "2.8.0", "generic"},
      {"randomkey", 1, kCmdReadOnly, kKs | kAclRead | kAclSlow, 0, 0, 0, "1.0.0", "generic"},
      {"expire", -3, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, 1, 1, "1.0.0", "generic"},
      {"pexpire", -3, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, 1, 1, "2.6.0",
       "generic"},
      {"expireat", -3, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, 1, 1, "1.2.0",
       "generic"},
      {"pexpireat", -3, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, 1, 1, "2.6.0",
       "generic"},
      {"persist", 2, kCmdWrite | kCmdFast, kKs | kAclWrite | kAclFast, 1, 1, 1, "2.2.0", "generic"},
      {"touch", -2, kCmdReadOnly | kCmdFast, kKs | kAclRead | kAclFast, 1, -1, 1, "3.2.1",
       "generic"},
      {"object", -2, 0, kAclSlow, 0, 0, 0, "2.2.3", "generic"},
  };
  for (const Expect& e : expects) {
    SCOPED_TRACE(e.name);
    const CommandSpec* spec = h.table().Find(e.name);
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->arity, e.arity);
    EXPECT_EQ(spec->flags, e.flags);
    EXPECT_EQ(spec->acl_categories, e.acl);
    EXPECT_EQ(spec->first_key, e.first);
    EXPECT_EQ(spec->last_key, e.last);
    EXPECT_EQ(spec->key_step, e.step);
    EXPECT_EQ(spec->since, e.since);
    EXPECT_EQ(spec->group, e.group);
    EXPECT_FALSE(spec->summary.empty());
    EXPECT_FALSE(spec->complexity.empty());
  }
  const CommandSpec* object = h.table().Find("OBJECT");
  ASSERT_NE(object, nullptr);
  ASSERT_EQ(object->subcommands.size(), 5u);
  for (const char* sub : {"encoding", "freq", "idletime", "refcount"}) {
    SCOPED_TRACE(sub);
    const CommandSpec* s = CommandTable::FindSubcommand(*object, sub);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "object|"s + sub);
    EXPECT_EQ(s->arity, 3);
    EXPECT_EQ(s->flags, kCmdReadOnly);
    EXPECT_EQ(s->acl_categories, kKs | kAclRead | kAclSlow);
    EXPECT_EQ(s->first_key, 2);
    EXPECT_EQ(s->last_key, 2);
    EXPECT_EQ(s->key_step, 1);
  }
  const CommandSpec* help = CommandTable::FindSubcommand(*object, "HELP");
  ASSERT_NE(help, nullptr);
  EXPECT_EQ(help->arity, 2);
  EXPECT_EQ(help->flags, kCmdLoading | kCmdStale);
  EXPECT_EQ(help->acl_categories, kKs | kAclSlow);
  EXPECT_EQ(help->since, "6.2.0");
  EXPECT_EQ(h.table().Find("rename")->KeyPositions(3), (std::vector<int>{1, 2}));
  EXPECT_EQ(h.table().Find("unlink")->KeyPositions(4), (std::vector<int>{1, 2, 3}));
}

TEST_F(KeyspaceCommandsTest, Arity) {
  EXPECT_EQ(h.Run({"unlink"}), Err("ERR wrong number of arguments for 'unlink' command"));
  EXPECT_EQ(h.Run({"rename", "a"}), Err("ERR wrong number of arguments for 'rename' command"));
  EXPECT_EQ(h.Run({"copy", "a"}), Err("ERR wrong number of arguments for 'copy' command"));
  EXPECT_EQ(h.Run({"move", "a", "1", "2"}),
            Err("ERR wrong number of arguments for 'move' command"));
  EXPECT_EQ(h.Run({"keys"}), Err("ERR wrong number of arguments for 'keys' command"));
  EXPECT_EQ(h.Run({"randomkey", "x"}),
            Err("ERR wrong number of arguments for 'randomkey' command"));
  EXPECT_EQ(h.Run({"pexpireat", "k"}),
            Err("ERR wrong number of arguments for 'pexpireat' command"));
  EXPECT_EQ(Dispatch({"object", "encoding"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(Dispatch({"object", "help", "x"}),
            Err("ERR wrong number of arguments for 'object|help' command"));
  EXPECT_EQ(Dispatch({"object", "foo"}), Err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
}

// ---------------------------------------------------------------------------
// UNLINK

TEST_F(KeyspaceCommandsTest, UnlinkCountsEachKeyOnce) {
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  EXPECT_EQ(h.Run({"expire", "b", "100"}), Int(1));
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"unlink", "a", "a", "nokey", "b"}), Int(2));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.db().expires_size(), 0u);
  EXPECT_EQ(h.Run({"unlink", "a"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  // A re-created key has no TTL left over.
  EXPECT_EQ(h.Run({"set", "b", "x"}), kOk);
  EXPECT_EQ(h.Run({"ttl", "b"}), Int(-1));
}

TEST_F(KeyspaceCommandsTest, UnlinkOfExpiredKeyCountsNothing) {
  EXPECT_EQ(h.Run({"set", "k", "v", "px", "100"}), kOk);
  h.set_now_ms(now() + 1000);
  EXPECT_EQ(h.Run({"unlink", "k"}), Int(0));
  EXPECT_EQ(h.db().size(), 0u);
}

TEST_F(KeyspaceCommandsTest, UnlinkIgnoresLazyUserDelAndHandlesAnyType) {
  EXPECT_EQ(h.Run({"set", "s", std::string(100000, 'x')}), kOk);
  MakeValue("l", storage::ValueType::kList);
  MakeValue("h", storage::ValueType::kHash);
  EXPECT_EQ(Dispatch({"unlink", "s", "l", "h"}, {.lazy_user_del = true}), Int(3));
  EXPECT_EQ(h.db().size(), 0u);
}

// ---------------------------------------------------------------------------
// RENAME, RENAMENX

TEST_F(KeyspaceCommandsTest, RenameMovesValueAndTtl) {
  EXPECT_EQ(h.Run({"set", "a", "va"}), kOk);
  EXPECT_EQ(h.Run({"pexpire", "a", "5000"}), Int(1));
  EXPECT_EQ(h.Run({"set", "b", "vb"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"rename", "a", "b"}), kOk);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"get", "b"}), Bulk("va"));
  EXPECT_EQ(h.Run({"pttl", "b"}), Int(5000));
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
  EXPECT_EQ(h.Run({"ttl", "a"}), Int(-2));
  // The destination's own TTL goes away with its value.
  EXPECT_EQ(h.Run({"set", "c", "vc"}), kOk);
  EXPECT_EQ(h.Run({"rename", "c", "b"}), kOk);
  EXPECT_EQ(h.Run({"ttl", "b"}), Int(-1));
  EXPECT_EQ(h.Run({"get", "b"}), Bulk("vc"));
  EXPECT_EQ(h.db().size(), 1u);
}

TEST_F(KeyspaceCommandsTest, RenameErrorsAndSameKey) {
  EXPECT_EQ(h.Run({"rename", "nokey", "x"}), kNoSuchKey);
  EXPECT_EQ(h.Run({"rename", "nokey", "nokey"}), kNoSuchKey);
  EXPECT_EQ(h.Run({"renamenx", "nokey", "nokey"}), kNoSuchKey);
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"rename", "a", "a"}), kOk);
  EXPECT_EQ(h.Run({"renamenx", "a", "a"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty);
  // An expired source is missing.
  EXPECT_EQ(h.Run({"set", "e", "v", "px", "10"}), kOk);
  h.set_now_ms(now() + 1000);
  EXPECT_EQ(h.Run({"rename", "e", "f"}), kNoSuchKey);
}

TEST_F(KeyspaceCommandsTest, RenameNx) {
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"renamenx", "a", "b"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty);
  EXPECT_EQ(h.Run({"get", "a"}), Bulk("1"));
  EXPECT_EQ(h.Run({"renamenx", "a", "c"}), Int(1));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"get", "c"}), Bulk("1"));
  EXPECT_EQ(h.Run({"exists", "a"}), Int(0));
  // An expired destination counts as absent.
  EXPECT_EQ(h.Run({"set", "d", "v", "px", "10"}), kOk);
  h.set_now_ms(now() + 1000);
  EXPECT_EQ(h.Run({"renamenx", "c", "d"}), Int(1));
  EXPECT_EQ(h.Run({"ttl", "d"}), Int(-1));
}

TEST_F(KeyspaceCommandsTest, RenameKeepsType) {
  MakeValue("l", storage::ValueType::kList);
  EXPECT_EQ(h.Run({"rename", "l", "m"}), kOk);
  EXPECT_EQ(h.Run({"type", "m"}), "+list\r\n");
}

// ---------------------------------------------------------------------------
// COPY

TEST_F(KeyspaceCommandsTest, CopyBasics) {
  EXPECT_EQ(h.Run({"set", "a", "hello"}), kOk);
  EXPECT_EQ(h.Run({"pexpire", "a", "7000"}), Int(1));
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"copy", "a", "b"}), Int(1));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"get", "b"}), Bulk("hello"));
  EXPECT_EQ(h.Run({"pttl", "b"}), Int(7000));
  // The copy is independent of the source.
  EXPECT_EQ(h.Run({"append", "a", "!"}), Int(6));
  EXPECT_EQ(h.Run({"get", "b"}), Bulk("hello"));
  // Existing destination: 0 unless REPLACE (which also replaces the TTL).
  EXPECT_EQ(h.Run({"set", "c", "old"}), kOk);
  EXPECT_EQ(h.Run({"copy", "a", "c"}), Int(0));
  EXPECT_EQ(h.Run({"get", "c"}), Bulk("old"));
  EXPECT_EQ(h.Run({"copy", "a", "c", "REPLACE"}), Int(1));
  EXPECT_EQ(h.Run({"get", "c"}), Bulk("hello!"));
  EXPECT_EQ(h.Run({"pttl", "c"}), Int(7000));
  EXPECT_EQ(h.Run({"persist", "a"}), Int(1));
  EXPECT_EQ(h.Run({"copy", "a", "c", "replace", "replace"}), Int(1));
  EXPECT_EQ(h.Run({"ttl", "c"}), Int(-1));
  EXPECT_EQ(h.Run({"copy", "nokey", "c"}), Int(0));
  MakeValue("z", storage::ValueType::kZSet);
  EXPECT_EQ(h.Run({"copy", "z", "z2"}), Int(1));
  EXPECT_EQ(h.Run({"type", "z2"}), "+zset\r\n");
}

TEST_F(KeyspaceCommandsTest, CopyToAnotherDb) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(h.Run({"copy", "a", "a", "db", "1"}), Int(1));
  EXPECT_EQ(h.Run({"copy", "a", "a", "DB", "1"}), Int(0));
  EXPECT_EQ(h.Run({"copy", "a", "b", "db", "1", "db", "2"}), Int(1));  // the last DB wins
  EXPECT_EQ(h.keyspace().db(1).size(), 1u);
  EXPECT_EQ(h.keyspace().db(2).size(), 1u);
  h.select(2);
  EXPECT_EQ(h.Run({"get", "b"}), Bulk("1"));
  EXPECT_EQ(h.Run({"copy", "b", "a", "db", "0"}), Int(0));
  EXPECT_EQ(h.Run({"copy", "b", "a", "db", "0", "replace"}), Int(1));
}

TEST_F(KeyspaceCommandsTest, CopyErrors) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(h.Run({"copy", "a", "a"}), kSameObject);
  EXPECT_EQ(h.Run({"copy", "a", "a", "db", "0"}), kSameObject);
  EXPECT_EQ(h.Run({"copy", "nokey", "nokey"}), kSameObject);
  EXPECT_EQ(h.Run({"copy", "a", "b", "db", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"copy", "a", "b", "db", "16"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"copy", "a", "b", "db", "-1"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"copy", "a", "b", "db", "99999999999"}), kIntRange);
  EXPECT_EQ(h.Run({"copy", "nokey", "b", "db", "99"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"copy", "a", "b", "db", "99", "foo"}), kDbOutOfRange);  // checked in order
  EXPECT_EQ(h.Run({"copy", "a", "b", "foo", "db", "99"}), kSyntax);
  EXPECT_EQ(h.Run({"copy", "a", "b", "db"}), kSyntax);
  EXPECT_EQ(h.Run({"copy", "a", "b", "db", "1", "replace", "foo"}), kSyntax);
  EXPECT_EQ(h.db().size(), 1u);
}

TEST_F(KeyspaceCommandsTest, CopyCountsAHitOnTheSource) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  uint64_t hits = h.keyspace().stats().keyspace_hits;
  uint64_t misses = h.keyspace().stats().keyspace_misses;
  EXPECT_EQ(h.Run({"copy", "a", "b"}), Int(1));
  EXPECT_EQ(h.Run({"copy", "x", "y"}), Int(0));
  EXPECT_EQ(h.keyspace().stats().keyspace_hits, hits + 1);
  EXPECT_EQ(h.keyspace().stats().keyspace_misses, misses + 1);
}

// ---------------------------------------------------------------------------
// MOVE

TEST_F(KeyspaceCommandsTest, MoveBetweenDbs) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(h.Run({"pexpire", "a", "9000"}), Int(1));
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"move", "a", "3"}), Int(1));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.db().size(), 0u);
  EXPECT_EQ(h.Run({"move", "a", "3"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  h.select(3);
  EXPECT_EQ(h.Run({"get", "a"}), Bulk("1"));
  EXPECT_EQ(h.Run({"pttl", "a"}), Int(9000));
  // An existing key in the target database blocks the move.
  h.select(0);
  EXPECT_EQ(h.Run({"set", "a", "2"}), kOk);
  EXPECT_EQ(h.Run({"move", "a", "3"}), Int(0));
  EXPECT_EQ(h.Run({"get", "a"}), Bulk("2"));
}

TEST_F(KeyspaceCommandsTest, MoveErrors) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(h.Run({"move", "a", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"move", "a", " 1"}), kNotInt);
  EXPECT_EQ(h.Run({"move", "a", "-1"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"move", "a", "16"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"move", "a", "99999999999"}), kIntRange);
  EXPECT_EQ(h.Run({"move", "a", "0"}), kSameObject);
  EXPECT_EQ(h.Run({"move", "nokey", "0"}), kSameObject);  // checked before the key
  EXPECT_EQ(h.Run({"move", "nokey", "1"}), Int(0));
}

// ---------------------------------------------------------------------------
// SWAPDB

TEST_F(KeyspaceCommandsTest, SwapDb) {
  EXPECT_EQ(h.Run({"set", "a", "in0"}), kOk);
  EXPECT_EQ(h.Run({"pexpire", "a", "4000"}), Int(1));
  h.select(1);
  EXPECT_EQ(h.Run({"mset", "b", "in1", "c", "in1"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"swapdb", "0", "1"}), kOk);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.Run({"get", "a"}), Bulk("in0"));
  EXPECT_EQ(h.Run({"pttl", "a"}), Int(4000));
  EXPECT_EQ(h.db().size(), 1u);
  h.select(0);
  EXPECT_EQ(h.db().size(), 2u);
  EXPECT_EQ(h.Run({"get", "b"}), Bulk("in1"));
  // Same database: accepted, counted as a change, nothing moves.
  EXPECT_EQ(h.Run({"swapdb", "0", "0"}), kOk);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  EXPECT_EQ(h.db().size(), 2u);
}

TEST_F(KeyspaceCommandsTest, SwapDbErrors) {
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"swapdb", "abc", "1"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(h.Run({"swapdb", "99999999999", "1"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(h.Run({"swapdb", "abc", "def"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(h.Run({"swapdb", "1", "abc"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(h.Run({"swapdb", "1", "-99999999999"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(h.Run({"swapdb", "0", "16"}), kDbOutOfRange);
  EXPECT_EQ(h.Run({"swapdb", "-1", "0"}), kDbOutOfRange);
  EXPECT_EQ(h.keyspace().dirty(), dirty);
}

// ---------------------------------------------------------------------------
// KEYS

TEST_F(KeyspaceCommandsTest, KeysPatterns) {
  EXPECT_EQ(h.Run({"mset", "hello", "1", "hallo", "2", "hxllo", "3", "", "4", "a*b", "5"}), kOk);
  MakeValue("hlist", storage::ValueType::kList);
  EXPECT_EQ(SortedArray(h.Run({"keys", "*"})),
            (std::vector<std::string>{"", "a*b", "hallo", "hello", "hlist", "hxllo"}));
  // "**" goes through the matcher, which does not match the empty key.
  EXPECT_EQ(SortedArray(h.Run({"keys", "**"})),
            (std::vector<std::string>{"a*b", "hallo", "hello", "hlist", "hxllo"}));
  EXPECT_EQ(SortedArray(h.Run({"keys", "h?llo"})),
            (std::vector<std::string>{"hallo", "hello", "hxllo"}));
  EXPECT_EQ(SortedArray(h.Run({"keys", "h[ae]llo"})), (std::vector<std::string>{"hallo", "hello"}));
  EXPECT_EQ(SortedArray(h.Run({"keys", "h[^e]llo"})), (std::vector<std::string>{"hallo", "hxllo"}));
  EXPECT_EQ(h.Run({"keys", "a\\*b"}), Arr({"a*b"}));
  EXPECT_EQ(h.Run({"keys", ""}), Arr({""}));  // an empty pattern matches the empty key
  EXPECT_EQ(h.Run({"keys", "nomatch*"}), "*0\r\n");
}

TEST_F(KeyspaceCommandsTest, KeysSkipsExpiredKeysWithoutDeleting) {
  EXPECT_EQ(h.Run({"set", "live", "1"}), kOk);
  EXPECT_EQ(h.Run({"set", "dead", "1", "px", "100"}), kOk);
  EXPECT_EQ(SortedArray(h.Run({"keys", "*"})), (std::vector<std::string>{"dead", "live"}));
  h.set_now_ms(now() + 1000);
  EXPECT_EQ(h.Run({"keys", "*"}), Arr({"live"}));
  EXPECT_EQ(h.Run({"keys", "d*"}), Arr({}));
  EXPECT_EQ(h.db().size(), 2u);  // still there until something expires it
  EXPECT_EQ(h.Run({"dbsize"}), Int(2));
}

// ---------------------------------------------------------------------------
// SCAN

TEST_F(KeyspaceCommandsTest, ScanCursorParsing) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  for (const char* bad : {"abc", " 1", "1 ", "\t1", "0x10", "+", "-", "1.5", "18446744073709551616",
                          "-18446744073709551616", "99999999999999999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(h.Run({"scan", bad}), kInvalidCursor);
  }
  // strtoul accepts these; an empty cursor is 0 and a full iteration.
  for (const char* good : {"0", "", "+0", "00", "-0"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(h.Run({"scan", good}), "*2\r\n" + Bulk("0") + Arr({"a"}));
  }
  for (const char* good : {"-1", "18446744073709551615", "-18446744073709551615", "7"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(h.Run({"scan", good}).substr(0, 4), "*2\r\n");
  }
  EXPECT_EQ(h.Run({"scan", "7\0junk"s}).substr(0, 4), "*2\r\n");
  EXPECT_EQ(h.Run({"scan", "7x\0"s}), kInvalidCursor);
  // The cursor is checked before the options.
  EXPECT_EQ(h.Run({"scan", "abc", "count", "0"}), kInvalidCursor);
}

TEST_F(KeyspaceCommandsTest, ScanOptionErrors) {
  EXPECT_EQ(h.Run({"scan", "0", "count", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "count", "-1"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "count", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"scan", "0", "count", "99999999999999999999"}), kNotInt);
  EXPECT_EQ(h.Run({"scan", "0", "count"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "match"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "type"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "foo", "bar"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "count", "0", "count", "abc"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "count", "5", "match"}), kSyntax);
  EXPECT_EQ(h.Run({"scan", "0", "count", "9223372036854775807"}), "*2\r\n" + Bulk("0") + Arr({}));
}

TEST_F(KeyspaceCommandsTest, ScanFullIterationWithMatchTypeCount) {
  std::multiset<std::string> all, strings, k1, lists;
  for (int i = 0; i < 600; ++i) {
    std::string key = "key:" + std::to_string(i);
    if (i % 7 == 0) {
      MakeValue(key, storage::ValueType::kList);
      lists.insert(key);
    } else {
      EXPECT_EQ(h.Run({"set", key, "v"}), kOk);
      strings.insert(key);
    }
    all.insert(key);
    if (key.rfind("key:1", 0) == 0) k1.insert(key);
  }
  EXPECT_EQ(h.Run({"set", "", "empty"}), kOk);
  all.insert("");
  strings.insert("");

  auto as_set = [](const std::multiset<std::string>& m) {
    return std::set<std::string>(m.begin(), m.end());
  };
  int calls = 0;
  // Default COUNT, every key at least once.
  EXPECT_EQ(as_set(FullScan({}, &calls)), as_set(all));
  EXPECT_GT(calls, 10);
  EXPECT_EQ(as_set(FullScan({"COUNT", "1"})), as_set(all));
  int big_calls = 0;
  EXPECT_EQ(as_set(FullScan({"count", "100000"}, &big_calls)), as_set(all));
  EXPECT_EQ(big_calls, 1);
  // A lone "*" matches the empty key; "**" does not.
  EXPECT_EQ(as_set(FullScan({"match", "*", "count", "50"})), as_set(all));
  std::set<std::string> no_empty = as_set(all);
  no_empty.erase("");
  EXPECT_EQ(as_set(FullScan({"match", "**", "count", "50"})), no_empty);
  EXPECT_EQ(as_set(FullScan({"MATCH", "key:1*", "COUNT", "7"})), as_set(k1));
  EXPECT_EQ(as_set(FullScan({"type", "list"})), as_set(lists));
  EXPECT_EQ(as_set(FullScan({"TYPE", "STRING", "count", "33"})), as_set(strings));
  EXPECT_EQ(FullScan({"type", "hash"}).size(), 0u);
  EXPECT_EQ(as_set(FullScan({"type", "list\0junk"s})), as_set(lists));  // a C string
  EXPECT_EQ(FullScan({"type", "nosuchtype"}).size(), 0u);
  std::multiset<std::string> k1_lists;
  for (const auto& k : lists) {
    if (k.rfind("key:1", 0) == 0) k1_lists.insert(k);
  }
  EXPECT_EQ(as_set(FullScan({"match", "key:1*", "type", "list", "count", "20"})), as_set(k1_lists));
  // The last MATCH wins.
  EXPECT_EQ(as_set(FullScan({"match", "nothing", "match", "key:1*"})), as_set(k1));
}

TEST_F(KeyspaceCommandsTest, ScanDeletesExpiredKeysItMeets) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(h.Run({"set", "k" + std::to_string(i), "v", "px", i % 2 ? "100" : "100000"}), kOk);
  }
  h.set_now_ms(now() + 1000);
  uint64_t expired = h.keyspace().stats().expired_keys;
  std::multiset<std::string> seen = FullScan({"count", "1000"});
  EXPECT_EQ(seen.size(), 10u);
  for (const auto& k : seen) EXPECT_EQ(std::stoi(k.substr(1)) % 2, 0) << k;
  EXPECT_EQ(h.db().size(), 10u);
  EXPECT_EQ(h.keyspace().stats().expired_keys, expired + 10);
}

TEST_F(KeyspaceCommandsTest, ScanTypeCountsHits) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  uint64_t hits = h.keyspace().stats().keyspace_hits;
  EXPECT_EQ(h.Run({"scan", "0", "type", "string"}), "*2\r\n" + Bulk("0") + Arr({"a"}));
  EXPECT_EQ(h.keyspace().stats().keyspace_hits, hits + 1);
  EXPECT_EQ(h.Run({"scan", "0"}), "*2\r\n" + Bulk("0") + Arr({"a"}));
  EXPECT_EQ(h.keyspace().stats().keyspace_hits, hits + 1);
}

TEST_F(KeyspaceCommandsTest, ScanEmptyDb) {
  EXPECT_EQ(h.Run({"scan", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(h.Run({"scan", "0", "match", "x*", "count", "3", "type", "zset"}),
            "*2\r\n$1\r\n0\r\n*0\r\n");
}

// ---------------------------------------------------------------------------
// RANDOMKEY

TEST_F(KeyspaceCommandsTest, RandomKey) {
  EXPECT_EQ(h.Run({"randomkey"}), kNil);
  EXPECT_EQ(h.Run({"set", "only", "1"}), kOk);
  EXPECT_EQ(h.Run({"randomkey"}), Bulk("only"));
  EXPECT_EQ(h.Run({"mset", "a", "1", "b", "2"}), kOk);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string r = h.Run({"randomkey"});
    Reader rd{r};
    seen.insert(rd.BulkString());
  }
  EXPECT_EQ(seen, (std::set<std::string>{"a", "b", "only"}));
  // Only expired keys: they are deleted on the way and the answer is null.
  EXPECT_EQ(h.Run({"flushdb"}), kOk);
  EXPECT_EQ(h.Run({"set", "e", "1", "px", "10"}), kOk);
  h.set_now_ms(now() + 1000);
  EXPECT_EQ(h.Run({"randomkey"}), kNil);
}

// ---------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT

TEST_F(KeyspaceCommandsTest, ExpireSetsTtlInEachUnit) {
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"expire", "k", "100"}), Int(1));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
  EXPECT_EQ(h.db().GetExpire("k"), now() + 100000);
  EXPECT_EQ(h.Run({"pexpire", "k", "1500"}), Int(1));
  EXPECT_EQ(h.db().GetExpire("k"), now() + 1500);
  EXPECT_EQ(h.Run({"expireat", "k", std::to_string(now() / 1000 + 50)}), Int(1));
  EXPECT_EQ(h.db().GetExpire("k"), (now() / 1000 + 50) * 1000);
  EXPECT_EQ(h.Run({"pexpireat", "k", std::to_string(now() + 1)}), Int(1));
  EXPECT_EQ(h.db().GetExpire("k"), now() + 1);
  EXPECT_EQ(h.keyspace().dirty(), dirty + 4);
  EXPECT_EQ(h.Run({"expire", "nokey", "100"}), Int(0));
  EXPECT_EQ(h.Run({"pexpireat", "nokey", "1"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 4);
}

TEST_F(KeyspaceCommandsTest, ExpireInThePastDeletes) {
  for (std::vector<std::string> cmd : {std::vector<std::string>{"expire", "k", "0"},
                                       {"expire", "k", "-5"},
                                       {"pexpire", "k", "0"},
                                       {"expireat", "k", "1"},
                                       {"pexpireat", "k", std::to_string(now())},
                                       {"pexpireat", "k", "-9223372036854775808"}}) {
    SCOPED_TRACE(cmd[0] + " " + cmd[2]);
    EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
    uint64_t dirty = h.keyspace().dirty();
    EXPECT_EQ(h.Run(cmd), Int(1));
    EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
    EXPECT_EQ(h.db().size(), 0u);
    EXPECT_EQ(h.Run({"ttl", "k"}), Int(-2));
  }
  // One millisecond ahead is a TTL, not a deletion.
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"pexpireat", "k", std::to_string(now() + 1)}), Int(1));
  EXPECT_EQ(h.Run({"pttl", "k"}), Int(1));
}

TEST_F(KeyspaceCommandsTest, ExpireOverflow) {
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"expire", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"expire", "k", "9223372036854776"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"expire", "k", "-9223372036854776"}),
            Err("ERR invalid expire time in 'expire' command"));
  // Fits the unit conversion but not the addition of now.
  EXPECT_EQ(h.Run({"expire", "k", "9223372036854775"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"pexpire", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(h.Run({"expireat", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(h.Run({"expireat", "k", "-9223372036854775808"}),
            Err("ERR invalid expire time in 'expireat' command"));
  // PEXPIREAT adds nothing: the largest time is accepted.
  EXPECT_EQ(h.Run({"pexpireat", "k", "9223372036854775807"}), Int(1));
  EXPECT_EQ(h.Run({"expireat", "k", "9223372036854775"}), Int(1));
  EXPECT_EQ(h.db().GetExpire("k"), 9223372036854775000);
  // Overflow is detected before the key is looked up.
  EXPECT_EQ(h.Run({"expire", "nokey", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));
}

TEST_F(KeyspaceCommandsTest, ExpireArgumentErrors) {
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(h.Run({"expire", "k", "abc"}), kNotInt);
  EXPECT_EQ(h.Run({"expire", "k", "1.5"}), kNotInt);
  EXPECT_EQ(h.Run({"expire", "k", " 1"}), kNotInt);
  EXPECT_EQ(h.Run({"expire", "k", "99999999999999999999"}), kNotInt);
  EXPECT_EQ(h.Run({"expire", "k", "10", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(h.Run({"expire", "k", "10", "foo bar"}), Err("ERR Unsupported option foo bar"));
  EXPECT_EQ(h.Run({"expire", "k", "10", "fo\0ox"s}), Err("ERR Unsupported option fo"));
  EXPECT_EQ(h.Run({"expire", "k", "10", "a\r\nb"}), Err("ERR Unsupported option a  b"));
  // Options are parsed before the time and the key.
  EXPECT_EQ(h.Run({"expire", "k", "abc", "foo"}), Err("ERR Unsupported option foo"));
  const std::string nx_combo =
      Err("ERR NX and XX, GT or LT options at the same time are not compatible");
  const std::string gt_lt = Err("ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(h.Run({"expire", "k", "10", "nx", "xx"}), nx_combo);
  EXPECT_EQ(h.Run({"expire", "k", "10", "XX", "NX"}), nx_combo);
  EXPECT_EQ(h.Run({"expire", "k", "10", "nx", "gt"}), nx_combo);
  EXPECT_EQ(h.Run({"expire", "k", "10", "lt", "nx"}), nx_combo);
  EXPECT_EQ(h.Run({"expire", "k", "10", "nx", "gt", "lt"}), nx_combo);
  EXPECT_EQ(h.Run({"expire", "k", "10", "gt", "lt"}), gt_lt);
  EXPECT_EQ(h.Run({"pexpire", "k", "abc", "nx", "xx"}), nx_combo);
  EXPECT_EQ(h.Run({"expireat", "nokey", "10", "gt", "lt"}), gt_lt);
  EXPECT_EQ(h.Run({"expire", "k", "10", "nx", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(h.Run({"ttl", "k"}), Int(-1));
}

TEST_F(KeyspaceCommandsTest, ExpireConditions) {
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  // No TTL: NX sets, XX and GT refuse, LT sets (no TTL is infinite).
  EXPECT_EQ(h.Run({"expire", "k", "100", "xx"}), Int(0));
  EXPECT_EQ(h.Run({"expire", "k", "100", "gt"}), Int(0));
  EXPECT_EQ(h.Run({"ttl", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"expire", "k", "100", "lt"}), Int(1));
  EXPECT_EQ(h.Run({"persist", "k"}), Int(1));
  EXPECT_EQ(h.Run({"expire", "k", "100", "nx"}), Int(1));
  EXPECT_EQ(h.Run({"expire", "k", "200", "nx"}), Int(0));
  EXPECT_EQ(h.Run({"ttl", "k"}), Int(100));
  // With a TTL of 100 s.
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"expire", "k", "100", "gt"}), Int(0));  // equal is not greater
  EXPECT_EQ(h.Run({"expire", "k", "100", "lt"}), Int(0));  // nor less
  EXPECT_EQ(h.Run({"expire", "k", "50", "gt"}), Int(0));
  EXPECT_EQ(h.Run({"expire", "k", "150", "lt"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty);
  EXPECT_EQ(h.Run({"expire", "k", "150", "GT"}), Int(1));
  EXPECT_EQ(h.Run({"ttl", "k"}), Int(150));
  EXPECT_EQ(h.Run({"pexpire", "k", "120000", "lt", "xx"}), Int(1));
  EXPECT_EQ(h.Run({"pttl", "k"}), Int(120000));
  EXPECT_EQ(h.Run({"expire", "k", "130", "gt", "xx", "gt"}), Int(1));
  EXPECT_EQ(h.Run({"ttl", "k"}), Int(130));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 3);
  // LT with a time in the past deletes.
  EXPECT_EQ(h.Run({"expire", "k", "-1", "lt"}), Int(1));
  EXPECT_EQ(h.Run({"exists", "k"}), Int(0));
  // Conditions on a missing key: 0.
  EXPECT_EQ(h.Run({"expire", "k", "10", "nx"}), Int(0));
  // An expired key is missing.
  EXPECT_EQ(h.Run({"set", "e", "v", "px", "10"}), kOk);
  h.set_now_ms(now() + 1000);
  EXPECT_EQ(h.Run({"expire", "e", "100"}), Int(0));
}

// ---------------------------------------------------------------------------
// PERSIST, TOUCH

TEST_F(KeyspaceCommandsTest, Persist) {
  EXPECT_EQ(h.Run({"persist", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"set", "k", "v"}), kOk);
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"persist", "k"}), Int(0));
  EXPECT_EQ(h.Run({"expire", "k", "100"}), Int(1));
  EXPECT_EQ(h.Run({"persist", "k"}), Int(1));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  EXPECT_EQ(h.Run({"ttl", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"persist", "k"}), Int(0));
  EXPECT_EQ(h.keyspace().dirty(), dirty + 2);
  EXPECT_EQ(h.Run({"set", "e", "v", "px", "10"}), kOk);
  h.set_now_ms(now() + 1000);
  EXPECT_EQ(h.Run({"persist", "e"}), Int(0));
}

TEST_F(KeyspaceCommandsTest, TouchCountsDuplicatesAndHits) {
  EXPECT_EQ(h.Run({"set", "a", "1"}), kOk);
  MakeValue("l", storage::ValueType::kList);
  uint64_t hits = h.keyspace().stats().keyspace_hits;
  uint64_t misses = h.keyspace().stats().keyspace_misses;
  uint64_t dirty = h.keyspace().dirty();
  EXPECT_EQ(h.Run({"touch", "a", "a", "nokey", "l"}), Int(3));
  EXPECT_EQ(h.keyspace().stats().keyspace_hits, hits + 3);
  EXPECT_EQ(h.keyspace().stats().keyspace_misses, misses + 1);
  EXPECT_EQ(h.keyspace().dirty(), dirty);
  EXPECT_EQ(h.Run({"touch", "nokey"}), Int(0));
}

TEST_F(KeyspaceCommandsTest, TouchResetsIdleTime) {
  EXPECT_EQ(h.Run({"set", "a", "hello"}), kOk);
  h.db().LookupNoTouch("a", now())->set_lru(0);
  EXPECT_NE(Dispatch({"object", "idletime", "a"}), Int(0));
  EXPECT_EQ(h.Run({"touch", "a"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "idletime", "a"}), Int(0));
}

// ---------------------------------------------------------------------------
// OBJECT

TEST_F(KeyspaceCommandsTest, ObjectEncoding) {
  EXPECT_EQ(h.Run({"set", "i", "12345"}), kOk);
  EXPECT_EQ(h.Run({"set", "e", "hello"}), kOk);
  EXPECT_EQ(h.Run({"set", "r", std::string(45, 'x')}), kOk);
  EXPECT_EQ(h.Run({"set", "r44", std::string(44, 'x')}), kOk);
  EXPECT_EQ(Dispatch({"object", "encoding", "i"}), Bulk("int"));
  EXPECT_EQ(Dispatch({"OBJECT", "ENCODING", "e"}), Bulk("embstr"));
  EXPECT_EQ(Dispatch({"object", "encoding", "r"}), Bulk("raw"));
  EXPECT_EQ(Dispatch({"object", "encoding", "r44"}), Bulk("embstr"));
  EXPECT_EQ(h.Run({"append", "e", "!"}), Int(6));
  EXPECT_EQ(Dispatch({"object", "encoding", "e"}), Bulk("raw"));
  EXPECT_EQ(Dispatch({"object", "encoding", "nokey"}), kNil);
  EXPECT_EQ(Dispatch({"object", "refcount", "nokey"}), kNil);
  EXPECT_EQ(Dispatch({"object", "idletime", "nokey"}), kNil);
  EXPECT_EQ(Dispatch({"object", "freq", "nokey"}), kNil);
  // A missing key answers null even under the policy that refuses the
  // subcommand: the lookup comes first.
  EXPECT_EQ(Dispatch({"object", "freq", "nokey"}, {.lfu_policy = false}), kNil);
  EXPECT_EQ(Dispatch({"object", "idletime", "nokey"}, {.lfu_policy = true}), kNil);
}

TEST_F(KeyspaceCommandsTest, ObjectCountsHitsWithoutTouching) {
  EXPECT_EQ(h.Run({"set", "a", "hello"}), kOk);
  h.db().LookupNoTouch("a", now())->set_lru(LruAt(now() - 30000));
  uint64_t hits = h.keyspace().stats().keyspace_hits;
  uint64_t misses = h.keyspace().stats().keyspace_misses;
  EXPECT_EQ(Dispatch({"object", "encoding", "a"}), Bulk("embstr"));
  EXPECT_EQ(Dispatch({"object", "encoding", "nokey"}), kNil);
  EXPECT_EQ(Dispatch({"object", "idletime", "a"}), Int(30));
  EXPECT_EQ(Dispatch({"object", "idletime", "a"}), Int(30));  // not touched
  EXPECT_EQ(h.keyspace().stats().keyspace_hits, hits + 3);
  EXPECT_EQ(h.keyspace().stats().keyspace_misses, misses + 1);
}

TEST_F(KeyspaceCommandsTest, ObjectRefcountMirrorsSharedIntegers) {
  EXPECT_EQ(h.Run({"mset", "zero", "0", "small", "9999", "big", "10000", "neg", "-1", "s", "hello",
                   "lead", "05"}),
            kOk);
  const std::string shared = Int(2147483647);
  EXPECT_EQ(Dispatch({"object", "refcount", "zero"}), shared);
  EXPECT_EQ(Dispatch({"object", "refcount", "small"}), shared);
  EXPECT_EQ(Dispatch({"object", "refcount", "big"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "refcount", "neg"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "refcount", "s"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "refcount", "lead"}), Int(1));  // embstr, not an int
  EXPECT_EQ(h.Run({"incr", "ctr"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "refcount", "ctr"}), shared);
  EXPECT_EQ(h.Run({"incrby", "ctr", "9999"}), Int(10000));
  EXPECT_EQ(Dispatch({"object", "refcount", "ctr"}), Int(1));
  EXPECT_EQ(h.Run({"decr", "ctr"}), Int(9999));
  EXPECT_EQ(Dispatch({"object", "refcount", "ctr"}), shared);
  EXPECT_EQ(h.Run({"incrbyfloat", "f", "1"}), Bulk("1"));
  EXPECT_EQ(Dispatch({"object", "refcount", "f"}), Int(1));
  MakeValue("l", storage::ValueType::kList);
  EXPECT_EQ(Dispatch({"object", "refcount", "l"}), Int(1));
  // COPY duplicates the object, so the copy of a shared integer is not shared.
  EXPECT_EQ(h.Run({"copy", "zero", "zero-copy"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "refcount", "zero-copy"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "refcount", "zero"}), shared);
  // APPEND turns a shared integer into a private raw string (found by the
  // differential tester: MSET k 8428, APPEND k x, OBJECT REFCOUNT k).
  EXPECT_EQ(h.Run({"mset", "m", "8428"}), kOk);
  EXPECT_EQ(Dispatch({"object", "refcount", "m"}), shared);
  EXPECT_EQ(h.Run({"append", "m", "x"}), Int(5));
  EXPECT_EQ(Dispatch({"object", "refcount", "m"}), Int(1));
  EXPECT_EQ(Dispatch({"object", "encoding", "m"}), Bulk("raw"));
}

TEST_F(KeyspaceCommandsTest, ObjectIdleTimeAndLruWrap) {
  EXPECT_EQ(h.Run({"set", "a", "hello"}), kOk);
  storage::Value* v = h.db().LookupNoTouch("a", now());
  v->set_lru(LruAt(now()));
  EXPECT_EQ(Dispatch({"object", "idletime", "a"}), Int(0));
  h.set_now_ms(now() + 59999);
  EXPECT_EQ(Dispatch({"object", "idletime", "a"}), Int(59));
  // A stamp ahead of the clock: the 24-bit clock wrapped since.
  uint32_t clock = LruAt(now());
  v = h.db().LookupNoTouch("a", now());
  v->set_lru((clock + 10) & ((1u << 24) - 1));
  EXPECT_EQ(Dispatch({"object", "idletime", "a"}), Int((1 << 24) - 1 - 10));
  EXPECT_EQ(Dispatch({"object", "idletime", "a"}, {.lfu_policy = true}),
            Err("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
                "that when switching between policies at runtime LRU and LFU data will take "
                "some time to adjust."));
}

TEST_F(KeyspaceCommandsTest, ObjectFreq) {
  EXPECT_EQ(h.Run({"set", "a", "hello"}), kOk);
  EXPECT_EQ(Dispatch({"object", "freq", "a"}),
            Err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                "Please note that when switching between policies at runtime LRU and LFU data "
                "will take some time to adjust."));
  uint32_t minutes = static_cast<uint32_t>(now() / 60000) & 65535;
  storage::Value* v = h.db().LookupNoTouch("a", now());
  v->set_lru((minutes << 8) | 20);
  EXPECT_EQ(Dispatch({"object", "freq", "a"}, {.lfu_policy = true}), Int(20));
  // One point lost per elapsed minute (lfu-decay-time 1), down to 0.
  h.set_now_ms(now() + 5 * 60000);
  EXPECT_EQ(Dispatch({"object", "freq", "a"}, {.lfu_policy = true}), Int(15));
  h.set_now_ms(now() + 60 * 60000);
  EXPECT_EQ(Dispatch({"object", "freq", "a"}, {.lfu_policy = true}), Int(0));
  // The 16-bit minute clock wraps.
  minutes = static_cast<uint32_t>(now() / 60000) & 65535;
  v = h.db().LookupNoTouch("a", now());
  v->set_lru((((minutes + 2) & 65535) << 8) | 255);
  EXPECT_EQ(Dispatch({"object", "freq", "a"}, {.lfu_policy = true}), Int(0));
}

TEST_F(KeyspaceCommandsTest, ObjectHelp) {
  std::string reply = Dispatch({"object", "help"});
  EXPECT_EQ(reply,
            "*15\r\n"
            "+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            "+ENCODING <key>\r\n"
            "+    Return the kind of internal representation used in order to store the value\r\n"
            "+    associated with a <key>.\r\n"
            "+FREQ <key>\r\n"
            "+    Return the access frequency index of the <key>. The returned integer is\r\n"
            "+    proportional to the logarithm of the recent access frequency of the key.\r\n"
            "+IDLETIME <key>\r\n"
            "+    Return the idle time of the <key>, that is the approximated number of\r\n"
            "+    seconds elapsed since the last access to the key.\r\n"
            "+REFCOUNT <key>\r\n"
            "+    Return the number of references of the value associated with the specified\r\n"
            "+    <key>.\r\n"
            "+HELP\r\n"
            "+    Prints this help.\r\n");
  EXPECT_EQ(Dispatch({"object", "HELP"}), reply);
  EXPECT_EQ(Dispatch({"Object", "help"}).substr(0, 12), "*15\r\n+OBJECT");
}

}  // namespace
}  // namespace spindle::commands::testing
