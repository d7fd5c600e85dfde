// ACL: the ACL command, authentication, the dispatcher's permission check,
// the ACL LOG, and the users of the config file and of aclfile (Redis 7.0's
// acl.c outside its rule grammar, which is server/acl.cc).

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "common/clock.h"
#include "common/logging.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "persistence/file_io.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {

using commands::CommandContext;
using commands::CommandSpec;

// ---------------------------------------------------------------------------
// Server: authentication, the permission check, the log

void Server::Authenticate(Client* c, AclUser* user) {
  c->set_user(user);
  c->set_authenticated(true);
  UpdateParserLimits(c);
}

bool Server::AuthenticateWithPassword(Client* c, std::string_view command, std::string_view user,
                                      std::string_view pass) {
  AclUser* u = acl_->Find(user);
  if (u != nullptr && u->CheckPassword(pass)) {
    Authenticate(c, u);
    return true;
  }
  // The object is the command as typed (AUTH or HELLO), the user the one
  // tried.
  AclLogDenial(c, AclResult::kDeniedAuth, std::string(command), std::string(user));
  return false;
}

void Server::AclLogDenial(Client* c, AclResult reason, std::string object, std::string username) {
  const bool in_multi = c->in_multi() || in_exec_;
  acl_->Log(reason, in_multi, std::move(object), std::move(username),
            ClientInfoLine(*c, Clock::NowMs()), Clock::NowMs(), settings_.acllog_max_len);
}

bool Server::CheckAclPermission(Client* c, const CommandSpec* cmd,
                                std::span<const std::string_view> args) {
  int pos = 0;
  AclResult r = c->user()->Check(*cmd, args, &pos);
  if (r == AclResult::kOk) return true;
  // Redis sets the client's command before its checks: the log's client
  // info names the refused command.
  if (!in_exec_) c->set_last_command(cmd);
  std::string object = r == AclResult::kDeniedCommand ? cmd->name : std::string(args[pos]);
  AclLogDenial(c, r, std::move(object), c->user()->name());
  if (in_exec_) {
    // Redis's execCommand checks again: the rules may have changed since
    // the command was queued.
    const char* reason = r == AclResult::kDeniedCommand
                             ? "no permission to execute the command or subcommand"
                         : r == AclResult::kDeniedKey
                             ? "no permission to touch the specified keys"
                             : "no permission to access one of the channels used as arguments";
    c->reply().Error(
        std::string("NOPERM ACLs rules changed between the moment the transaction was "
                    "accumulated and the EXEC call. This command is no longer allowed for the "
                    "following reason: ") +
        reason);
    return false;
  }
  if (r == AclResult::kDeniedCommand) {
    RejectCommand(c, cmd, "NOPERM this user has no permissions to run the '" + cmd->name +
                              "' command");
  } else if (r == AclResult::kDeniedKey) {
    RejectCommand(c, cmd,
                  "NOPERM this user has no permissions to access one of the keys used as "
                  "arguments");
  } else {
    RejectCommand(c, cmd,
                  "NOPERM this user has no permissions to access one of the channels used as "
                  "arguments");
  }
  return false;
}

void Server::KillClientsOfUser(const AclUser* u) {
  for (auto& [id, c] : clients_) {
    if (c->user() != u) continue;
    c->set_user(acl_->default_user());
    c->set_authenticated(false);
    // The client running the command gets its reply first (Redis's
    // CLIENT_CLOSE_AFTER_COMMAND).
    if (c.get() == tracking_->current()) {
      c->MarkCloseAfterReply();
    } else {
      CloseClientAsync(c.get());
    }
  }
}

void Server::KillPubSubClientsIfNeeded(const AclUser* u) {
  for (const AclSelector& s : u->selectors()) {
    if (s.all_channels()) return;
  }
  for (auto& [id, c] : clients_) {
    if (c->user() != u || !c->subscribed()) continue;
    const ClientSubscriptions* subs = c->subscriptions();
    bool kill = false;
    for (const std::string& p : subs->patterns.names()) {
      if (!u->ChannelAllowed(p, true)) kill = true;
    }
    for (const std::string& ch : subs->channels.names()) {
      if (!u->ChannelAllowed(ch, false)) kill = true;
    }
    for (const std::string& ch : subs->shard_channels.names()) {
      if (!u->ChannelAllowed(ch, false)) kill = true;
    }
    if (kill) CloseClientAsync(c.get());
  }
}

void Server::DefaultUserChanged() {
  for (auto& [id, c] : clients_) {
    if (!c->authenticated()) UpdateParserLimits(c.get());
  }
}

// ---------------------------------------------------------------------------
// Users from the config file and aclfile

namespace {

std::string AclFileText(const Acl& acl) {
  std::string text;
  for (const std::string& line : acl.UserLines()) {
    text += line;
    text += '\n';
  }
  return text;
}

}  // namespace

std::function<std::string(const std::vector<std::string>&)> MakeDeferredDirectiveCheck() {
  auto table = std::make_shared<commands::CommandTable>();
  RegisterAllCommands(table.get());
  return [table](const std::vector<std::string>& argv) -> std::string {
    if (argv[0] == "rename-command") {
      std::string err;
      return table->Rename(argv[1], argv[2], &err) ? std::string() : err;
    }
    // ACLAppendUserForLoading: the rules (selectors merged) go to a scratch
    // user. Redis names the failing rule by its index among the rules but
    // reads it from the whole line ("user", the name, the rules), so the
    // word it quotes is two to the left; an unclosed selector is reported
    // with the text of the errno left over, ENOENT's. Kept byte for byte.
    std::vector<std::string_view> views(argv.begin() + 2, argv.end());
    size_t unmatched = 0;
    auto rules = AclMergeSelectorArgs(views, &unmatched);
    if (!rules) {
      return "Error in user declaration '" + argv[unmatched] +
             "': " + AclErrorText(AclError::kUnknownCommand);
    }
    AclUser scratch("", false);
    for (size_t j = 0; j < rules->size(); ++j) {
      const AclError e = scratch.Apply((*rules)[j], *table, false);
      if (e != AclError::kOk && e != AclError::kUnknownCommand) {
        return "Error in user declaration '" + argv[j] + "': " + AclErrorText(e);
      }
    }
    return std::string();
  };
}

Status Server::LoadUsersAtStartup() {
  const std::string aclfile = config_.GetOne("aclfile").value_or("");
  std::vector<const std::vector<std::string>*> user_lines;
  for (const auto& d : config_.deferred_directives()) {
    if (d[0] == "user") user_lines.push_back(&d);
  }
  // rename-command lines act on the lookup table (Redis renames while it
  // reads the file; the ACL rules keep naming the original commands).
  for (const auto& d : config_.deferred_directives()) {
    if (d[0] != "rename-command") continue;
    std::string err;
    if (!commands_.Rename(d[1], d[2], &err)) {
      return Status::InvalidArgument("rename-command " + d[1] + " " + d[2] + ": " + err);
    }
  }
  flushall_ = commands_.Find("flushall");
  exec_ = commands_.Find("exec");
  if (!aclfile.empty() && !user_lines.empty()) {
    return Status::InvalidArgument(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL "
        "file path is invalid. This setup is very likely to lead to configuration errors and "
        "security holes, please define either an ACL file or declare users directly in your "
        "redis.conf, but not both.");
  }
  // requirepass first: a `user default` line replaces it.
  if (!cfg().requirepass.empty()) acl_->SetDefaultPassword(cfg().requirepass);
  std::vector<std::string> seen;
  for (const std::vector<std::string>* line : user_lines) {
    const std::vector<std::string>& argv = *line;
    const std::string& name = argv[1];
    if (AclHasSpaces(name)) {
      return Status::InvalidArgument("Error in user declaration '" + name +
                                     "': Usernames can't contain spaces or null characters");
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return Status::InvalidArgument("Error in user declaration '" + name +
                                     "': " + AclErrorText(AclError::kDuplicateUser));
    }
    seen.push_back(name);
    std::vector<std::string_view> views(argv.begin() + 2, argv.end());
    size_t unmatched = 0;
    auto rules = AclMergeSelectorArgs(views, &unmatched);
    if (!rules) {
      return Status::InvalidArgument("Error in user declaration '" + name +
                                     "': Unmatched parenthesis in acl selector starting at '" +
                                     std::string(views[unmatched]) + "'.");
    }
    std::vector<std::string> all = *rules;
    // The default user starts from "reset" (ACLLoadConfiguredUsers).
    if (name == "default") all.insert(all.begin(), "reset");
    Acl::SetResult r = acl_->SetUser(name, all);
    if (r.error != AclError::kOk) {
      // Redis's ACLLoadConfiguredUsers, then its caller's exit line.
      LOG_WARNING("Error loading ACL rule '%s' for the user named '%s': %s",
                  all[r.failed].c_str(), name.c_str(), AclErrorText(r.error));
      return Status::InvalidArgument("Critical error while loading ACLs. Exiting.");
    }
  }
  if (!aclfile.empty()) {
    Status st = LoadAclFile(aclfile);
    if (!st.ok()) {
      return Status::InvalidArgument("Aborting Redis startup because of ACL errors: " +
                                     st.message());
    }
  }
  return Status::Ok();
}

Status Server::LoadAclFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IOError("Error loading ACLs, opening file '" + path +
                           "': " + std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string errors;
  std::optional<AclUserMap> users =
      ParseAclFile(buffer.str(), path, commands_, acl_->pubsub_all(), &errors);
  if (!users) {
    return Status::InvalidArgument(
        errors +
        "WARNING: ACL errors detected, no change to the previously active ACL rules was "
        "performed");
  }
  // Every client of a user being replaced is logged out and closed.
  std::vector<const AclUser*> old;
  for (const auto& [name, u] : acl_->users()) {
    if (u.get() != acl_->default_user()) old.push_back(u.get());
  }
  for (const AclUser* u : old) KillClientsOfUser(u);
  acl_->ReplaceAll(std::move(*users));
  DefaultUserChanged();
  return Status::Ok();
}

Status Server::SaveAclFile(const std::string& path) {
  // A temporary file, fsynced and renamed over the old one: a crash leaves
  // the old file or the new one, never half of one.
  const std::string text = AclFileText(*acl_);
  const std::string tmp =
      path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(Clock::NowMs());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd == -1) {
    LOG_WARNING("Opening temp ACL file for ACL SAVE: %s", strerror(errno));
    return Status::IOError("open");
  }
  Status st = persistence::WriteAll(fd, text);
  if (!st.ok()) {
    LOG_WARNING("Writing ACL file for ACL SAVE: %s", st.message().c_str());
    close(fd);
    unlink(tmp.c_str());
    return Status::IOError("write");
  }
  if (fsync(fd) == -1) {
    LOG_WARNING("Syncing ACL file for ACL SAVE: %s", strerror(errno));
    close(fd);
    unlink(tmp.c_str());
    return Status::IOError("fsync");
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) == -1) {
    LOG_WARNING("Renaming ACL file for ACL SAVE: %s", strerror(errno));
    unlink(tmp.c_str());
    return Status::IOError("rename");
  }
  // The rename itself reaches the disk with the directory.
  (void)persistence::FsyncDirOf(path);
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// The ACL command

namespace {

constexpr std::string_view kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";

Server* ServerOf(CommandContext& ctx) { return ClientOf(ctx)->server(); }

void ReplyUserSelector(CommandContext& ctx, const AclSelector& s, const commands::CommandTable& t) {
  ctx.reply->Bulk("commands");
  ctx.reply->Bulk(s.DescribeCommands(t));
  ctx.reply->Bulk("keys");
  ctx.reply->Bulk(s.DescribeKeys());
  ctx.reply->Bulk("channels");
  ctx.reply->Bulk(s.DescribeChannels());
}

void AclSetUser(CommandContext& ctx) {
  Server* s = ServerOf(ctx);
  std::string_view name = ctx.args[2];
  if (AclHasSpaces(name)) {
    ctx.reply->Error("ERR Usernames can't contain spaces or null characters");
    return;
  }
  size_t unmatched = 0;
  auto rules = AclMergeSelectorArgs(ctx.args.subspan(3), &unmatched);
  if (!rules) {
    ctx.reply->Error("ERR Unmatched parenthesis in acl selector starting at '" +
                     std::string(ctx.args[3 + unmatched]) + "'.");
    return;
  }
  Acl& acl = s->acl();
  AclUser* changed = nullptr;
  Acl::SetResult r = acl.SetUser(name, *rules, &changed);
  if (r.error != AclError::kOk) {
    ctx.reply->Error("ERR Error in ACL SETUSER modifier '" + (*rules)[r.failed] +
                     "': " + AclErrorText(r.error));
    return;
  }
  s->KillPubSubClientsIfNeeded(changed);
  if (changed == acl.default_user()) s->DefaultUserChanged();
  ctx.reply->Ok();
}

void AclGetUser(CommandContext& ctx) {
  Server* s = ServerOf(ctx);
  AclUser* u = s->acl().Find(ctx.args[2]);
  if (u == nullptr) {
    ctx.reply->Null();
    return;
  }
  const commands::CommandTable& t = s->acl().table();
  ctx.reply->MapHeader(6);
  ctx.reply->Bulk("flags");
  std::vector<std::string_view> flags = u->FlagNames();
  ctx.reply->SetHeader(flags.size());
  for (std::string_view f : flags) ctx.reply->Bulk(f);
  ctx.reply->Bulk("passwords");
  ctx.reply->ArrayHeader(u->passwords().size());
  for (const std::string& p : u->passwords()) ctx.reply->Bulk(p);
  ReplyUserSelector(ctx, u->root(), t);
  ctx.reply->Bulk("selectors");
  ctx.reply->ArrayHeader(u->selectors().size() - 1);
  for (size_t i = 1; i < u->selectors().size(); ++i) {
    ctx.reply->MapHeader(3);
    ReplyUserSelector(ctx, u->selectors()[i], t);
  }
}

void AclDelUser(CommandContext& ctx) {
  Server* s = ServerOf(ctx);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (ctx.args[j] == "default") {
      ctx.reply->Error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  int64_t deleted = 0;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    AclUser* u = s->acl().Find(ctx.args[j]);
    if (u == nullptr) continue;
    s->KillClientsOfUser(u);
    s->acl().DeleteUser(ctx.args[j]);
    ++deleted;
  }
  ctx.reply->Integer(deleted);
}

void AclList(CommandContext& ctx) {
  Acl& acl = ServerOf(ctx)->acl();
  std::vector<std::string> lines = acl.UserLines();
  ctx.reply->ArrayHeader(lines.size());
  for (const std::string& line : lines) ctx.reply->Bulk(line);
}

void AclUsers(CommandContext& ctx) {
  Acl& acl = ServerOf(ctx)->acl();
  ctx.reply->ArrayHeader(acl.users().size());
  for (const auto& [name, u] : acl.users()) ctx.reply->Bulk(name);
}

void AclWhoAmI(CommandContext& ctx) {
  const AclUser* u = ClientOf(ctx)->user();
  ctx.reply->Bulk(u != nullptr ? u->name() : "default");
}

void AclCat(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::SubcommandSyntaxError("acl", ctx.args[1]));
    return;
  }
  auto names = commands::AclCategoryNames();
  if (ctx.argc() == 2) {
    ctx.reply->ArrayHeader(names.size());
    for (const char* n : names) ctx.reply->Bulk(n);
    return;
  }
  const uint64_t flag = commands::AclCategoryByName(ctx.args[2]);
  if (flag == 0) {
    ctx.reply->Error("ERR Unknown category '" + std::string(ctx.args[2].substr(0, 128)) + "'");
    return;
  }
  std::vector<const std::string*> out;
  ServerOf(ctx)->acl().table().ForEach([&](const CommandSpec& cmd) {
    if (cmd.acl_categories & flag) out.push_back(&cmd.name);
    for (const auto& sub : cmd.subcommands) {
      if (sub.acl_categories & flag) out.push_back(&sub.name);
    }
  });
  ctx.reply->ArrayHeader(out.size());
  for (const std::string* n : out) ctx.reply->Bulk(*n);
}

void AclLog(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::SubcommandSyntaxError("acl", ctx.args[1]));
    return;
  }
  Server* s = ServerOf(ctx);
  Acl& acl = s->acl();
  int64_t count = 10;
  if (ctx.argc() == 3) {
    if (EqualsIgnoreCase(ctx.args[2], "reset")) {
      acl.ResetLog();
      ctx.reply->Ok();
      return;
    }
    if (!StringToInt64(ctx.args[2], &count)) {
      ctx.reply->Error(protocol::kErrNotInteger);
      return;
    }
    if (count < 0) count = 0;
  }
  size_t n = std::min<size_t>(static_cast<size_t>(count), acl.log().size());
  const int64_t now = Clock::NowMs();
  ctx.reply->ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const AclLogEntry& e = acl.log()[i];
    ctx.reply->MapHeader(7);
    ctx.reply->Bulk("count");
    ctx.reply->Integer(static_cast<int64_t>(e.count));
    ctx.reply->Bulk("reason");
    ctx.reply->Bulk(e.reason == AclResult::kDeniedCommand   ? "command"
                    : e.reason == AclResult::kDeniedKey     ? "key"
                    : e.reason == AclResult::kDeniedChannel ? "channel"
                    : e.reason == AclResult::kDeniedAuth    ? "auth"
                                                            : "unknown");
    ctx.reply->Bulk("context");
    ctx.reply->Bulk(e.in_multi ? "multi" : "toplevel");
    ctx.reply->Bulk("object");
    ctx.reply->Bulk(e.object);
    ctx.reply->Bulk("username");
    ctx.reply->Bulk(e.username);
    ctx.reply->Bulk("age-seconds");
    ctx.reply->Double(static_cast<double>(now - e.ctime_ms) / 1000);
    ctx.reply->Bulk("client-info");
    ctx.reply->Bulk(e.client_info);
  }
}

void AclSave(CommandContext& ctx) {
  Server* s = ServerOf(ctx);
  const std::string path = s->config().GetOne("aclfile").value_or("");
  if (path.empty()) {
    ctx.reply->Error(kNoAclFile);
    return;
  }
  if (!s->SaveAclFile(path).ok()) {
    ctx.reply->Error(
        "ERR There was an error trying to save the ACLs. Please check the server logs for more "
        "information");
    return;
  }
  ctx.reply->Ok();
}

void AclLoad(CommandContext& ctx) {
  Server* s = ServerOf(ctx);
  const std::string path = s->config().GetOne("aclfile").value_or("");
  if (path.empty()) {
    ctx.reply->Error(kNoAclFile);
    return;
  }
  Status st = s->LoadAclFile(path);
  if (!st.ok()) {
    ctx.reply->Error("ERR " + st.message());
    return;
  }
  ctx.reply->Ok();
}

void AclDryRun(CommandContext& ctx) {
  Server* s = ServerOf(ctx);
  AclUser* u = s->acl().Find(ctx.args[2]);
  if (u == nullptr) {
    ctx.reply->Error("ERR User '" + std::string(ctx.args[2]) + "' not found");
    return;
  }
  std::span<const std::string_view> argv = ctx.args.subspan(3);
  const CommandSpec* cmd = s->commands().Find(argv[0]);
  if (cmd != nullptr && cmd->is_container() && argv.size() >= 2) {
    cmd = commands::CommandTable::FindSubcommand(*cmd, argv[1]);
  }
  if (cmd == nullptr) {
    ctx.reply->Error("ERR Command '" + std::string(argv[0]) + "' not found");
    return;
  }
  if (!cmd->ArityOk(argv.size())) {
    ctx.reply->Error("ERR wrong number of arguments for '" + cmd->name + "' command");
    return;
  }
  int pos = 0;
  AclResult r = u->Check(*cmd, argv, &pos);
  switch (r) {
    case AclResult::kOk:
      ctx.reply->Ok();
      return;
    case AclResult::kDeniedCommand:
      ctx.reply->Bulk("This user has no permissions to run the '" + cmd->name + "' command");
      return;
    case AclResult::kDeniedKey:
      ctx.reply->Bulk("This user has no permissions to access the '" + std::string(argv[pos]) +
                      "' key");
      return;
    case AclResult::kDeniedChannel:
      ctx.reply->Bulk("This user has no permissions to access the '" + std::string(argv[pos]) +
                      "' channel");
      return;
    default:
      ctx.reply->Bulk("no permission");
  }
}

void AclGenPass(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::SubcommandSyntaxError("acl", ctx.args[1]));
    return;
  }
  int64_t bits = 256;
  if (ctx.argc() == 3 && !StringToInt64(ctx.args[2], &bits)) {
    ctx.reply->Error(protocol::kErrNotInteger);
    return;
  }
  if (bits <= 0 || bits > 4096) {
    ctx.reply->Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096");
    return;
  }
  const size_t chars = static_cast<size_t>((bits + 3) / 4);
  // Redis reads /dev/urandom (getRandomHexChars); std::random_device does.
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string out(chars, '0');
  for (size_t i = 0; i < chars; i += 8) {
    uint32_t r = rd();
    for (size_t k = 0; k < 8 && i + k < chars; ++k) out[i + k] = kHex[(r >> (4 * k)) & 15];
  }
  ctx.reply->Bulk(out);
}

void AclHelp(CommandContext& ctx) {
  static constexpr const char* kLines[] = {
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the "
      "command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
  };
  ReplyHelp(ctx, "acl", kLines);
}

CommandSpec AclSub(const char* name, int arity, uint32_t flags, uint64_t acl,
                   commands::Handler h, const char* summary, const char* complexity) {
  return commands::MakeCommand(name, arity, flags, acl, {}, h, summary, "6.0.0", "server",
                               complexity);
}

}  // namespace

void RegisterAclCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag and category names
  const uint32_t kAdmin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  const uint32_t kPlain = kCmdNoScript | kCmdLoading | kCmdStale;
  CommandSpec acl = AclSub("acl", -2, kCmdSentinel, kAclSlow, nullptr,
                           "A container for Access List Control commands ",
                           "Depends on subcommand.");
  auto& subs = acl.subcommands;
  subs.push_back(AclSub("acl|cat", -2, kPlain, 0, AclCat,
                        "List the ACL categories or the commands inside a category",
                        "O(1) since the categories and commands are a fixed set."));
  subs.push_back(AclSub("acl|deluser", -3, kAdmin, 0, AclDelUser,
                        "Remove the specified ACL users and the associated rules",
                        "O(1) amortized time considering the typical user."));
  subs.push_back(AclSub("acl|dryrun", -4, kAdmin, 0, AclDryRun,
                        "Returns whether the user can execute the given command without "
                        "executing the command.",
                        "O(1)."));
  subs.push_back(AclSub("acl|genpass", -2, kPlain, 0, AclGenPass,
                        "Generate a pseudorandom secure password to use for ACL users", "O(1)"));
  subs.push_back(AclSub("acl|getuser", 3, kAdmin, 0, AclGetUser,
                        "Get the rules for a specific ACL user",
                        "O(N). Where N is the number of password, command and pattern rules "
                        "that the user has."));
  subs.push_back(AclSub("acl|help", 2, kCmdLoading | kCmdStale, 0, AclHelp,
                        "Show helpful text about the different subcommands", "O(1)"));
  subs.push_back(AclSub("acl|list", 2, kAdmin, 0, AclList,
                        "List the current ACL rules in ACL config file format",
                        "O(N). Where N is the number of configured users."));
  subs.push_back(AclSub("acl|load", 2, kAdmin, 0, AclLoad,
                        "Reload the ACLs from the configured ACL file",
                        "O(N). Where N is the number of configured users."));
  subs.push_back(AclSub("acl|log", -2, kAdmin, 0, AclLog,
                        "List latest events denied because of ACLs in place",
                        "O(N) with N being the number of entries shown."));
  subs.push_back(AclSub("acl|save", 2, kAdmin, 0, AclSave,
                        "Save the current ACL rules in the configured ACL file",
                        "O(N). Where N is the number of configured users."));
  subs.push_back(AclSub("acl|setuser", -3, kAdmin, 0, AclSetUser,
                        "Modify or create the rules for a specific ACL user",
                        "O(N). Where N is the number of rules provided."));
  subs.push_back(AclSub("acl|users", 2, kAdmin, 0, AclUsers,
                        "List the username of all the configured ACL rules",
                        "O(N). Where N is the number of configured users."));
  subs.push_back(AclSub("acl|whoami", 2, kPlain, 0, AclWhoAmI,
                        "Return the name of the user associated to the current connection",
                        "O(1)"));
  table->Add(std::move(acl));
}

}  // namespace spindle::server
