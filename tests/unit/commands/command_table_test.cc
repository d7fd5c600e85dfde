#include "commands/command_table.h"

#include <gtest/gtest.h>

namespace spindle::commands {
namespace {

void Noop(CommandContext&) {}

CommandSpec Make(const char* name, int arity, uint32_t flags, uint64_t acl) {
  CommandSpec s;
  s.name = name;
  s.arity = arity;
  s.flags = flags;
  s.acl_categories = acl;
  s.handler = Noop;
  return s;
}

TEST(CommandTableTest, CaseInsensitiveLookup) {
  CommandTable t;
  t.Add(Make("GET", 2, kCmdReadOnly | kCmdFast, kAclString));
  ASSERT_NE(t.Find("get"), nullptr);
  EXPECT_EQ(t.Find("GeT")->name, "get");
  EXPECT_EQ(t.Find("nope"), nullptr);
  EXPECT_EQ(t.Find(std::string(200, 'g')), nullptr);
  EXPECT_EQ(t.size(), 1u);
}

TEST(CommandTableTest, ImplicitCategoriesAsRedis) {
  CommandTable t;
  t.Add(Make("get", 2, kCmdReadOnly | kCmdFast, kAclString));
  t.Add(Make("set", -3, kCmdWrite | kCmdDenyOom, kAclString));
  t.Add(Make("flushall", -1, kCmdWrite, kAclKeyspace | kAclDangerous));
  EXPECT_EQ(t.Find("get")->acl_categories, kAclString | kAclRead | kAclFast);
  EXPECT_EQ(t.Find("set")->acl_categories, kAclString | kAclWrite | kAclSlow);
  EXPECT_EQ(t.Find("flushall")->acl_categories,
            kAclKeyspace | kAclDangerous | kAclWrite | kAclSlow);
}

TEST(CommandTableTest, Arity) {
  CommandSpec exact = Make("get", 2, 0, 0);
  EXPECT_TRUE(exact.ArityOk(2));
  EXPECT_FALSE(exact.ArityOk(1));
  EXPECT_FALSE(exact.ArityOk(3));
  CommandSpec atleast = Make("set", -3, 0, 0);
  EXPECT_FALSE(atleast.ArityOk(2));
  EXPECT_TRUE(atleast.ArityOk(3));
  EXPECT_TRUE(atleast.ArityOk(9));
}

TEST(CommandTableTest, KeyPositions) {
  CommandSpec mset = Make("mset", -3, 0, 0);
  mset.first_key = 1;
  mset.last_key = -1;
  mset.key_step = 2;
  EXPECT_EQ(mset.KeyPositions(5), (std::vector<int>{1, 3}));
  CommandSpec mget = Make("mget", -2, 0, 0);
  mget.first_key = 1;
  mget.last_key = -1;
  mget.key_step = 1;
  EXPECT_EQ(mget.KeyPositions(4), (std::vector<int>{1, 2, 3}));
  CommandSpec ping = Make("ping", -1, 0, 0);
  EXPECT_TRUE(ping.KeyPositions(2).empty());
}

TEST(CommandTableTest, Subcommands) {
  CommandTable t;
  CommandSpec client = Make("client", -2, 0, 0);
  client.subcommands.push_back(Make("client|id", 2, 0, 0));
  client.subcommands.push_back(Make("client|setname", 3, 0, 0));
  t.Add(std::move(client));
  const CommandSpec* c = t.Find("CLIENT");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->is_container());
  ASSERT_NE(CommandTable::FindSubcommand(*c, "SetName"), nullptr);
  EXPECT_EQ(CommandTable::FindSubcommand(*c, "SetName")->name, "client|setname");
  EXPECT_EQ(CommandTable::FindSubcommand(*c, "set"), nullptr);
  // Subcommands get the implicit categories too.
  EXPECT_TRUE(CommandTable::FindSubcommand(*c, "id")->acl_categories & kAclSlow);
}

TEST(CommandTableTest, ReRegistrationReplaces) {
  CommandTable t;
  t.Add(Make("get", 2, 0, 0));
  t.Add(Make("get", 3, 0, 0));
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.Find("get")->arity, 3);
  int n = 0;
  t.ForEach([&](const CommandSpec&) { ++n; });
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace spindle::commands

namespace spindle::commands {
namespace {

// Keys after a key count, as Redis's genericGetKeys (atoi, bounds); the
// expectations are redis-server 7.0.15's COMMAND GETKEYS answers.
TEST(CommandTableTest, NumKeysAsRedisGenericGetKeys) {
  CommandSpec lmpop;
  lmpop.name = "lmpop";
  lmpop.numkeys = {0, 1, 2, 1};
  std::vector<int> keys;
  auto run = [&](std::vector<std::string_view> args) { return lmpop.Keys(args, &keys); };
  EXPECT_TRUE(lmpop.HasKeys());
  ASSERT_TRUE(run({"lmpop", "2", "a", "b", "left"}));
  EXPECT_EQ(keys, (std::vector<int>{2, 3}));
  ASSERT_TRUE(run({"lmpop", "3", "a", "b", "left"}));  // the count may reach the last argument
  EXPECT_EQ(keys, (std::vector<int>{2, 3, 4}));
  ASSERT_TRUE(run({"lmpop", "1a", "a", "left"}));  // atoi: leading digits
  EXPECT_EQ(keys, (std::vector<int>{2}));
  EXPECT_FALSE(run({"lmpop", "0", "a", "left"}));
  EXPECT_FALSE(run({"lmpop", "x", "a", "left"}));
  EXPECT_FALSE(run({"lmpop", "-1", "a", "left"}));
  EXPECT_FALSE(run({"lmpop", "4", "a", "b", "left"}));

  CommandSpec store;  // ZUNIONSTORE: destination, then a key count
  store.numkeys = {1, 2, 3, 1};
  std::vector<std::string_view> args = {"zunionstore", "d", "2", "a", "b"};
  ASSERT_TRUE(store.Keys(args, &keys));
  EXPECT_EQ(keys, (std::vector<int>{1, 3, 4}));
  args = {"zunionstore", "d", "3", "a", "b"};
  EXPECT_FALSE(store.Keys(args, &keys));

  CommandSpec ping;
  EXPECT_FALSE(ping.HasKeys());
}

// Redis's commands Spindle lacks are in the table for ACL only: ACL sees
// them (ForEach, FindOriginal, ids), clients never (Find, ForEachCallable,
// size); an implemented command wins over an absent entry of its name.
TEST(CommandTableTest, AbsentCommandsAreForAclOnly) {
  CommandTable t;
  t.Add(Make("get", 2, kCmdReadOnly | kCmdFast, kAclString));
  RegisterAbsentCommands(&t);
  CommandSpec get_again = Make("get", 2, 0, kAclConnection);
  t.AddAbsent(std::move(get_again));
  t.AssignIds();
  EXPECT_EQ(t.Find("wait"), nullptr);
  EXPECT_EQ(t.size(), 1u);
  const CommandSpec* wait = t.FindOriginal("WAIT");
  ASSERT_NE(wait, nullptr);
  EXPECT_TRUE(wait->absent);
  EXPECT_EQ(wait->arity, 3);
  EXPECT_EQ(wait->acl_categories, kAclConnection | kAclSlow);
  const CommandSpec* info = t.FindOriginal("cluster|info");
  ASSERT_NE(info, nullptr);
  EXPECT_TRUE(info->absent);
  EXPECT_GT(info->id, t.FindOriginal("cluster")->id);
  EXPECT_FALSE(t.FindOriginal("get")->absent);
  EXPECT_EQ(t.FindOriginal("get")->acl_categories & kAclConnection, 0u);
  size_t callable = 0, all = 0;
  t.ForEachCallable([&](const CommandSpec&) { ++callable; });
  t.ForEach([&](const CommandSpec&) { ++all; });
  EXPECT_EQ(callable, 1u);
  EXPECT_GT(all, 60u);  // Redis 7.0's 240 commands less the 179 Spindle has, and get
  EXPECT_GT(t.id_count(), all);  // subcommands have ids too
}

}  // namespace
}  // namespace spindle::commands
