// COMMAND and its subcommands: what clients (redis-cli hints, cluster-aware
// libraries extracting keys) learn about the command table.

#include "common/glob.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {

using commands::CommandContext;
using commands::CommandSpec;
using commands::CommandTable;

namespace {

CommandTable& TableOf(CommandContext& ctx) { return ClientOf(ctx)->server()->commands(); }

size_t PopCount(uint64_t v) { return static_cast<size_t>(__builtin_popcountll(v)); }

// The access flags of a command's keys: RW for writes, RO access for reads
// (see docs/COMPATIBILITY.md: Redis has finer per-command flags).
void ReplyKeyFlags(CommandContext& ctx, const CommandSpec& cmd) {
  if (cmd.flags & commands::kCmdWrite) {
    ctx.reply->SetHeader(1);
    ctx.reply->SimpleString("RW");
  } else {
    ctx.reply->SetHeader(2);
    ctx.reply->SimpleString("RO");
    ctx.reply->SimpleString("access");
  }
}

// A key spec derived from first/last/step: begin_search by index, find_keys
// by range, flags from the command's read/write nature.
void ReplyKeySpecs(CommandContext& ctx, const CommandSpec& cmd) {
  if (cmd.first_key <= 0) {
    ctx.reply->EmptyArray();
    return;
  }
  ctx.reply->ArrayHeader(1);
  ctx.reply->MapHeader(3);
  ctx.reply->Bulk("flags");
  if (cmd.range_not_keys) {
    ctx.reply->SetHeader(1);
    ctx.reply->SimpleString("not_key");
  } else {
    ReplyKeyFlags(ctx, cmd);
  }
  ctx.reply->Bulk("begin_search");
  ctx.reply->MapHeader(2);
  ctx.reply->Bulk("type");
  ctx.reply->Bulk("index");
  ctx.reply->Bulk("spec");
  ctx.reply->MapHeader(1);
  ctx.reply->Bulk("index");
  ctx.reply->Integer(cmd.first_key);
  ctx.reply->Bulk("find_keys");
  ctx.reply->MapHeader(2);
  ctx.reply->Bulk("type");
  ctx.reply->Bulk("range");
  ctx.reply->Bulk("spec");
  ctx.reply->MapHeader(3);
  ctx.reply->Bulk("lastkey");
  ctx.reply->Integer(cmd.last_key >= 0 ? cmd.last_key - cmd.first_key : cmd.last_key);
  ctx.reply->Bulk("keystep");
  ctx.reply->Integer(cmd.key_step);
  ctx.reply->Bulk("limit");
  ctx.reply->Integer(0);
}

void ReplyCommandInfo(CommandContext& ctx, const CommandSpec& cmd) {
  ctx.reply->ArrayHeader(10);
  ctx.reply->Bulk(cmd.name);
  ctx.reply->Integer(cmd.arity);
  auto flag_names = commands::CommandFlagNames();
  const uint32_t flags = cmd.flags & ~commands::kCmdUnreportedFlags;
  ctx.reply->SetHeader(PopCount(flags));
  for (size_t i = 0; i < flag_names.size(); ++i) {
    if (flags & (1u << i)) ctx.reply->SimpleString(flag_names[i]);
  }
  ctx.reply->Integer(cmd.first_key);
  ctx.reply->Integer(cmd.last_key);
  ctx.reply->Integer(cmd.key_step);
  auto acl_names = commands::AclCategoryNames();
  ctx.reply->SetHeader(PopCount(cmd.acl_categories));
  for (size_t i = 0; i < acl_names.size(); ++i) {
    if (cmd.acl_categories & (1ull << i)) ctx.reply->SimpleString(std::string("@") + acl_names[i]);
  }
  ctx.reply->SetHeader(0);  // tips
  ReplyKeySpecs(ctx, cmd);
  ctx.reply->ArrayHeader(cmd.subcommands.size());
  for (const auto& sub : cmd.subcommands) ReplyCommandInfo(ctx, sub);
}

void ReplyCommandDocs(CommandContext& ctx, const CommandSpec& cmd) {
  size_t fields = 4 + (cmd.subcommands.empty() ? 0 : 1);
  ctx.reply->MapHeader(fields);
  ctx.reply->Bulk("summary");
  ctx.reply->Bulk(cmd.summary);
  ctx.reply->Bulk("since");
  ctx.reply->Bulk(cmd.since);
  ctx.reply->Bulk("group");
  ctx.reply->Bulk(cmd.group);
  ctx.reply->Bulk("complexity");
  ctx.reply->Bulk(cmd.complexity);
  if (!cmd.subcommands.empty()) {
    ctx.reply->Bulk("subcommands");
    ctx.reply->MapHeader(cmd.subcommands.size());
    for (const auto& sub : cmd.subcommands) {
      ctx.reply->Bulk(sub.name);
      ReplyCommandDocs(ctx, sub);
    }
  }
}

// Finds "name" or "container|sub" (case-insensitive).
const CommandSpec* FindByFullName(CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* container = table.Find(name.substr(0, bar));
  if (!container) return nullptr;
  return CommandTable::FindSubcommand(*container, name.substr(bar + 1));
}

void CommandAll(CommandContext& ctx) {
  CommandTable& table = TableOf(ctx);
  ctx.reply->ArrayHeader(table.size());
  table.ForEachCallable([&](const CommandSpec& cmd) { ReplyCommandInfo(ctx, cmd); });
}

void CommandCount(CommandContext& ctx) { ctx.reply->Integer(static_cast<int64_t>(TableOf(ctx).size())); }

void CommandInfo(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    CommandAll(ctx);
    return;
  }
  CommandTable& table = TableOf(ctx);
  ctx.reply->ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const CommandSpec* cmd = FindByFullName(table, ctx.args[i]);
    if (cmd) {
      ReplyCommandInfo(ctx, *cmd);
    } else {
      ctx.reply->Null();  // Redis answers a null bulk here
    }
  }
}

void CommandDocs(CommandContext& ctx) {
  CommandTable& table = TableOf(ctx);
  if (ctx.argc() == 2) {
    ctx.reply->MapHeader(table.size());
    table.ForEachCallable([&](const CommandSpec& cmd) {
      ctx.reply->Bulk(cmd.name);
      ReplyCommandDocs(ctx, cmd);
    });
    return;
  }
  std::vector<const CommandSpec*> found;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (const CommandSpec* cmd = FindByFullName(table, ctx.args[i])) found.push_back(cmd);
  }
  ctx.reply->MapHeader(found.size());
  for (const CommandSpec* cmd : found) {
    ctx.reply->Bulk(cmd->name);
    ReplyCommandDocs(ctx, *cmd);
  }
}

// Resolves the command named in args[2..] for GETKEYS / GETKEYSANDFLAGS and
// finds its key positions. Replies the error and returns false if it cannot.
bool ResolveKeysOrReply(CommandContext& ctx, const CommandSpec** out, std::vector<int>* keys) {
  auto cmd_args = ctx.args.subspan(2);
  CommandTable& table = TableOf(ctx);
  const CommandSpec* cmd = table.Find(cmd_args[0]);
  if (cmd && cmd->is_container() && cmd_args.size() >= 2) {
    cmd = CommandTable::FindSubcommand(*cmd, cmd_args[1]);
  }
  // Redis's order: unknown, no keys at all, arity, then the keys themselves.
  if (!cmd) {
    ctx.reply->Error("ERR Invalid command specified");
    return false;
  }
  if (!cmd->HasKeys()) {
    ctx.reply->Error("ERR The command has no key arguments");
    return false;
  }
  if (!cmd->ArityOk(cmd_args.size())) {
    ctx.reply->Error("ERR Invalid number of arguments specified for command");
    return false;
  }
  if (!cmd->Keys(cmd_args, keys)) {
    if (cmd->flags & commands::kCmdNoMandatoryKeys) {
      keys->clear();
    } else {
      ctx.reply->Error("ERR Invalid arguments specified for command");
      return false;
    }
  }
  *out = cmd;
  return true;
}

void CommandGetKeys(CommandContext& ctx) {
  const CommandSpec* cmd;
  std::vector<int> keys;
  if (!ResolveKeysOrReply(ctx, &cmd, &keys)) return;
  ctx.reply->ArrayHeader(keys.size());
  for (int k : keys) ctx.reply->Bulk(ctx.args[2 + k]);
}

void CommandGetKeysAndFlags(CommandContext& ctx) {
  const CommandSpec* cmd;
  std::vector<int> keys;
  if (!ResolveKeysOrReply(ctx, &cmd, &keys)) return;
  ctx.reply->ArrayHeader(keys.size());
  for (int k : keys) {
    ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk(ctx.args[2 + k]);
    ReplyKeyFlags(ctx, *cmd);
  }
}

void CommandList(CommandContext& ctx) {
  CommandTable& table = TableOf(ctx);
  enum { kNone, kAclCat, kPattern, kModule } filter = kNone;
  std::string_view arg;
  if (ctx.argc() == 5 && EqualsIgnoreCase(ctx.args[2], "filterby")) {
    arg = ctx.args[4];
    if (EqualsIgnoreCase(ctx.args[3], "module")) {
      filter = kModule;
    } else if (EqualsIgnoreCase(ctx.args[3], "aclcat")) {
      filter = kAclCat;
    } else if (EqualsIgnoreCase(ctx.args[3], "pattern")) {
      filter = kPattern;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  } else if (ctx.argc() != 2) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  const uint64_t cat_bit = filter == kAclCat ? commands::AclCategoryByName(arg) : 0;
  std::vector<std::string_view> names;
  auto consider = [&](const CommandSpec& cmd) {
    bool keep = filter == kNone || (filter == kAclCat && (cmd.acl_categories & cat_bit)) ||
                (filter == kPattern && GlobMatch(arg, cmd.name, true));
    if (keep) names.push_back(cmd.name);
  };
  if (filter != kModule) {
    table.ForEachCallable([&](const CommandSpec& cmd) {
      consider(cmd);
      for (const auto& sub : cmd.subcommands) consider(sub);
    });
  }
  ctx.reply->ArrayHeader(names.size());
  for (std::string_view n : names) ctx.reply->Bulk(n);
}

constexpr const char* kCommandHelp[] = {
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
};

void CommandHelp(CommandContext& ctx) { ReplyHelp(ctx, "command", kCommandHelp); }

CommandSpec Spec(const char* name, int arity, commands::Handler h, const char* summary,
                 const char* since, const char* complexity) {
  return commands::MakeCommand(name, arity, commands::kCmdLoading | commands::kCmdStale,
                              commands::kAclConnection, {}, h, summary, since, "server",
                              complexity);
}

}  // namespace

void RegisterIntrospectionCommands(commands::CommandTable* table) {
  CommandSpec command = Spec("command", -1, CommandAll, "Get array of Redis command details",
                             "2.8.13", "O(N) where N is the total number of Redis commands");
  command.subcommands.push_back(Spec("command|count", 2, CommandCount,
                                     "Get total number of Redis commands", "2.8.13", "O(1)"));
  command.subcommands.push_back(Spec("command|docs", -2, CommandDocs,
                                     "Get array of specific Redis command documentation", "7.0.0",
                                     "O(N) where N is the number of commands to look up"));
  command.subcommands.push_back(Spec("command|getkeys", -4, CommandGetKeys,
                                     "Extract keys given a full Redis command", "2.8.13",
                                     "O(N) where N is the number of arguments to the command"));
  command.subcommands.push_back(Spec("command|getkeysandflags", -4, CommandGetKeysAndFlags,
                                     "Extract keys and access flags given a full Redis command",
                                     "7.0.0", "O(N) where N is the number of arguments to the command"));
  command.subcommands.push_back(Spec("command|help", 2, CommandHelp,
                                     "Show helpful text about the different subcommands", "5.0.0",
                                     "O(1)"));
  command.subcommands.push_back(Spec("command|info", -2, CommandInfo,
                                     "Get array of specific Redis command details, or all when no argument is given.",
                                     "2.8.13", "O(N) where N is the number of commands to look up"));
  command.subcommands.push_back(Spec("command|list", -2, CommandList,
                                     "Get an array of Redis command names", "7.0.0",
                                     "O(N) where N is the total number of Redis commands"));
  table->Add(std::move(command));
}

}  // namespace spindle::server
