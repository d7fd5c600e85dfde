// Connection commands: PING, ECHO, QUIT, SELECT, HELLO and CLIENT.

#include <climits>

#include "common/clock.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/client_limits.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/version.h"

namespace spindle::server {

using commands::CommandContext;
using commands::CommandSpec;

Client* ClientOf(CommandContext& ctx) { return static_cast<Client*>(ctx.session); }

void ReplyHelp(CommandContext& ctx, std::string_view name, std::span<const char* const> lines) {
  std::string upper(name);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  ctx.reply->ArrayHeader(lines.size() + 3);
  ctx.reply->SimpleString(upper + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const char* line : lines) ctx.reply->SimpleString(line);
  ctx.reply->SimpleString("HELP");
  ctx.reply->SimpleString("    Prints this help.");
}

namespace {

void PingCommand(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.reply->Error(protocol::WrongArityError("ping"));
  } else if (ClientOf(ctx)->subscribed() && ctx.reply->resp() == 2) {
    // A RESP2 subscriber reads every reply as a message: PING answers in the
    // message shape, ["pong", <argument or "">].
    ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk("pong");
    ctx.reply->Bulk(ctx.argc() == 2 ? ctx.args[1] : std::string_view());
  } else if (ctx.argc() == 2) {
    ctx.reply->Bulk(ctx.args[1]);
  } else {
    ctx.reply->SimpleString("PONG");
  }
}

void EchoCommand(CommandContext& ctx) { ctx.reply->Bulk(ctx.args[1]); }

void QuitCommand(CommandContext& ctx) {
  ctx.reply->Ok();
  ClientOf(ctx)->MarkCloseAfterReply();
}

// Redis's getIntFromObjectOrReply: a strict integer, then a range check
// with its own error text.
bool ParseIntOrReply(CommandContext& ctx, std::string_view s, int* out) {
  int64_t v;
  if (!StringToInt64(s, &v)) {
    ctx.reply->Error(protocol::kErrNotInteger);
    return false;
  }
  if (v < INT_MIN || v > INT_MAX) {
    ctx.reply->Error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

void SelectCommand(CommandContext& ctx) {
  int index;
  if (!ParseIntOrReply(ctx, ctx.args[1], &index)) return;
  if (index < 0 || index >= ctx.keyspace->count()) {
    ctx.reply->Error("ERR DB index is out of range");
    return;
  }
  ClientOf(ctx)->set_db_index(index);
  ctx.reply->Ok();
}

// Redis's clientSetNameOrReply rules: printable ASCII without spaces.
bool ValidClientName(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

// Redis's authCommand: AUTH <password> logs in as "default", which must
// have a password; AUTH <user> <password> as anyone.
void AuthCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  Server* s = c->server();
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  std::string_view user = "default";
  std::string_view pass = ctx.args[1];
  if (ctx.argc() == 2) {
    if (s->acl().default_user()->nopass()) {
      ctx.reply->Error(protocol::kErrAuthNoPassword);
      return;
    }
  } else {
    user = ctx.args[1];
    pass = ctx.args[2];
  }
  if (!s->AuthenticateWithPassword(c, ctx.args[0], user, pass)) {
    ctx.reply->Error(protocol::kErrWrongPass);
    return;
  }
  ctx.reply->Ok();
}

void HelloCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  int64_t version = 0;
  size_t next = 1;
  if (ctx.argc() >= 2) {
    if (!StringToInt64(ctx.args[1], &version)) {
      ctx.reply->Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    ++next;
    if (version < 2 || version > 3) {
      ctx.reply->Error(protocol::kErrNoProto);
      return;
    }
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (size_t j = next; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    if (EqualsIgnoreCase(ctx.args[j], "auth") && more >= 2) {
      user = ctx.args[j + 1];
      pass = ctx.args[j + 2];
      has_auth = true;
      j += 2;
    } else if (EqualsIgnoreCase(ctx.args[j], "setname") && more >= 1) {
      name = ctx.args[j + 1];
      has_name = true;
      ++j;
    } else {
      ctx.reply->Error("ERR Syntax error in HELLO option '" + std::string(ctx.args[j]) + "'");
      return;
    }
  }
  if (has_auth && !c->server()->AuthenticateWithPassword(c, ctx.args[0], user, pass)) {
    ctx.reply->Error(protocol::kErrWrongPass);
    return;
  }
  if (c->server()->AuthRequired(c)) {
    ctx.reply->Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
    return;
  }
  if (has_name) {
    if (!ValidClientName(name)) {
      ctx.reply->Error("ERR Client names cannot contain spaces, newlines or special characters.");
      return;
    }
    c->set_name(std::string(name));
  }
  if (version != 0) ctx.reply->set_resp(static_cast<int>(version));
  ctx.reply->MapHeader(7);
  ctx.reply->Bulk("server");
  ctx.reply->Bulk("redis");
  ctx.reply->Bulk("version");
  ctx.reply->Bulk(kRedisVersion);
  ctx.reply->Bulk("proto");
  ctx.reply->Integer(ctx.reply->resp());
  ctx.reply->Bulk("id");
  ctx.reply->Integer(static_cast<int64_t>(c->id()));
  ctx.reply->Bulk("mode");
  ctx.reply->Bulk("standalone");
  ctx.reply->Bulk("role");
  ctx.reply->Bulk("master");
  ctx.reply->Bulk("modules");
  ctx.reply->EmptyArray();
}

// ---- CLIENT ---------------------------------------------------------------

constexpr const char* kClientHelp[] = {
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
};

void ClientHelp(CommandContext& ctx) { ReplyHelp(ctx, "client", kClientHelp); }
void ClientId(CommandContext& ctx) { ctx.reply->Integer(static_cast<int64_t>(ClientOf(ctx)->id())); }

void ClientGetName(CommandContext& ctx) {
  const std::string& name = ClientOf(ctx)->name();
  if (name.empty()) {
    ctx.reply->Null();
  } else {
    ctx.reply->Bulk(name);
  }
}

void ClientSetName(CommandContext& ctx) {
  if (!ValidClientName(ctx.args[2])) {
    ctx.reply->Error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  ClientOf(ctx)->set_name(std::string(ctx.args[2]));
  ctx.reply->Ok();
}

void ClientInfo(CommandContext& ctx) {
  ctx.reply->Verbatim(ClientInfoLine(*ClientOf(ctx), ctx.now_ms) + "\n");
}

// Client types as Redis's getClientTypeByName / getClientType: a client
// with subscriptions is "pubsub", every other one "normal" (no replication
// yet).
constexpr int kTypeNormal = 0;
constexpr int kTypePubSub = 2;
int ClientType(const Client& c) { return c.subscribed() ? kTypePubSub : kTypeNormal; }

int ClientTypeByName(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return 0;
  if (EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "replica")) return 1;
  if (EqualsIgnoreCase(name, "pubsub")) return 2;
  if (EqualsIgnoreCase(name, "master")) return 3;
  return -1;
}

void ClientList(CommandContext& ctx) {
  Server* server = ClientOf(ctx)->server();
  std::string out;
  if (ctx.argc() == 4 && EqualsIgnoreCase(ctx.args[2], "type")) {
    int type = ClientTypeByName(ctx.args[3]);
    if (type == -1) {
      ctx.reply->Error("ERR Unknown client type '" + std::string(ctx.args[3]) + "'");
      return;
    }
    for (const auto& [id, c] : server->clients()) {
      if (ClientType(*c) == type) out += ClientInfoLine(*c, ctx.now_ms) + "\n";
    }
  } else if (ctx.argc() > 3 && EqualsIgnoreCase(ctx.args[2], "id")) {
    for (size_t j = 3; j < ctx.argc(); ++j) {
      int64_t id;
      if (!StringToInt64(ctx.args[j], &id)) {
        ctx.reply->Error("ERR Invalid client ID");
        return;
      }
      if (Client* c = server->FindClient(static_cast<uint64_t>(id))) {
        out += ClientInfoLine(*c, ctx.now_ms) + "\n";
      }
    }
  } else if (ctx.argc() != 2) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  } else {
    for (const auto& [id, c] : server->clients()) out += ClientInfoLine(*c, ctx.now_ms) + "\n";
  }
  ctx.reply->Verbatim(out);
}

void ClientKill(CommandContext& ctx) {
  Client* self = ClientOf(ctx);
  Server* server = self->server();
  std::string_view addr, laddr;
  bool has_addr = false, has_laddr = false, skipme = true;
  int64_t id = 0;
  int type = -1;
  const AclUser* user_filter = nullptr;
  if (ctx.argc() == 3) {
    addr = ctx.args[2];
    has_addr = true;
    skipme = false;  // the old form may kill the caller itself
  } else if (ctx.argc() > 3) {
    for (size_t i = 2; i < ctx.argc(); i += 2) {
      bool more = ctx.argc() > i + 1;
      std::string_view opt = ctx.args[i];
      if (EqualsIgnoreCase(opt, "id") && more) {
        if (!StringToInt64(ctx.args[i + 1], &id) || id < 1) {
          ctx.reply->Error("ERR client-id should be greater than 0");
          return;
        }
      } else if (EqualsIgnoreCase(opt, "type") && more) {
        type = ClientTypeByName(ctx.args[i + 1]);
        if (type == -1) {
          ctx.reply->Error("ERR Unknown client type '" + std::string(ctx.args[i + 1]) + "'");
          return;
        }
      } else if (EqualsIgnoreCase(opt, "addr") && more) {
        addr = ctx.args[i + 1];
        has_addr = true;
      } else if (EqualsIgnoreCase(opt, "laddr") && more) {
        laddr = ctx.args[i + 1];
        has_laddr = true;
      } else if (EqualsIgnoreCase(opt, "user") && more) {
        user_filter = server->acl().Find(ctx.args[i + 1]);
        if (user_filter == nullptr) {
          ctx.reply->Error("ERR No such user '" + std::string(ctx.args[i + 1]) + "'");
          return;
        }
      } else if (EqualsIgnoreCase(opt, "skipme") && more) {
        if (EqualsIgnoreCase(ctx.args[i + 1], "yes")) {
          skipme = true;
        } else if (EqualsIgnoreCase(ctx.args[i + 1], "no")) {
          skipme = false;
        } else {
          ctx.reply->Error(protocol::kErrSyntax);
          return;
        }
      } else {
        ctx.reply->Error(protocol::kErrSyntax);
        return;
      }
    }
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }

  int64_t killed = 0;
  bool close_self = false;
  for (const auto& [cid, c] : server->clients()) {
    if (c->close_asap()) continue;
    if (has_addr && c->PeerId() != addr) continue;
    if (has_laddr && c->LocalId() != laddr) continue;
    if (type != -1 && ClientType(*c) != type) continue;
    if (user_filter != nullptr && c->user() != user_filter) continue;
    if (id != 0 && c->id() != static_cast<uint64_t>(id)) continue;
    if (c.get() == self && skipme) continue;
    if (c.get() == self) {
      close_self = true;
    } else {
      server->CloseClientAsync(c.get());
    }
    ++killed;
  }
  if (ctx.argc() == 3) {
    if (killed == 0) {
      ctx.reply->Error("ERR No such client");
    } else {
      ctx.reply->Ok();
    }
  } else {
    ctx.reply->Integer(killed);
  }
  if (close_self) self->MarkCloseAfterReply();
}

void ClientUnblock(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    ctx.reply->Error(protocol::SubcommandSyntaxError("client", ctx.args[1]));
    return;
  }
  int64_t id;
  if (!StringToInt64(ctx.args[2], &id)) {
    ctx.reply->Error(protocol::kErrNotInteger);
    return;
  }
  bool with_error = false;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "timeout")) {
      with_error = false;
    } else if (EqualsIgnoreCase(ctx.args[3], "error")) {
      with_error = true;
    } else {
      ctx.reply->Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  Server* server = ClientOf(ctx)->server();
  Client* target = server->FindClient(static_cast<uint64_t>(id));
  ctx.reply->Integer(target != nullptr && server->UnblockByRequest(target, with_error) ? 1 : 0);
}

CommandSpec Sub(const char* name, int arity, uint32_t flags, uint64_t acl, commands::Handler h,
                const char* summary, const char* since, const char* complexity) {
  return commands::MakeCommand(name, arity, flags, acl, {}, h, summary, since, "connection",
                              complexity);
}

}  // namespace

std::string ClientInfoLine(const Client& c, int64_t now_ms) {
  // Redis's order of the flag letters (getClientInfoString).
  const MultiState* m = c.multi_state();
  std::string flags;
  if (c.monitor()) flags += 'O';
  if (c.subscribed()) flags += 'P';
  if (c.in_multi()) flags += 'x';
  if (c.blocked() || c.postponed()) flags += 'b';
  const ClientTracking* tracking = c.tracking();
  if (tracking != nullptr) flags += 't';
  if (c.server()->tracking().RedirectBroken(&c)) flags += 'R';  // may outlive tracking
  if (tracking != nullptr && tracking->options.bcast) flags += 'B';
  if (m != nullptr && m->dirty_cas) flags += 'd';
  if (c.close_after_reply()) flags += 'c';
  if (c.close_asap()) flags += 'A';
  if (c.peer().unix_socket) flags += 'U';
  if (c.no_evict()) flags += 'e';
  if (flags.empty()) flags = "N";
  std::string line;
  line.reserve(320);
  auto add = [&line](const char* key, const std::string& value) {
    if (!line.empty()) line += ' ';
    line += key;
    line += '=';
    line += value;
  };
  size_t qbuf = c.query_size();
  add("id", std::to_string(c.id()));
  add("addr", c.PeerId());
  add("laddr", c.LocalId());
  add("fd", std::to_string(c.fd()));
  add("name", c.name());
  add("age", std::to_string((now_ms - c.created_ms()) / 1000));
  add("idle", std::to_string((now_ms - c.last_interaction_ms()) / 1000));
  add("flags", flags);
  add("db", std::to_string(c.db_index()));
  const ClientSubscriptions* subs = c.subscriptions();
  add("sub", std::to_string(subs ? subs->channels.size() : 0));
  add("psub", std::to_string(subs ? subs->patterns.size() : 0));
  add("ssub", std::to_string(subs ? subs->shard_channels.size() : 0));
  add("multi", c.in_multi() ? std::to_string(m->queue.size()) : "-1");
  add("qbuf", std::to_string(qbuf));
  add("qbuf-free", std::to_string(c.query_capacity() - qbuf));
  add("argv-mem", "0");
  add("multi-mem", std::to_string(c.multi_memory()));
  add("rbs", std::to_string(c.output_allocated()));
  add("rbp", std::to_string(c.output_allocated()));
  add("obl", "0");
  add("oll", "0");
  // What the output-buffer limits and client eviction measure.
  add("omem", std::to_string(OutputMemoryUsage(c)));
  add("tot-mem", std::to_string(ClientMemoryUsage(c)));
  add("events", c.EventsString());
  add("cmd", std::string(c.last_command()));
  add("user", c.user() != nullptr ? c.user()->name() : "default");
  add("redir", tracking != nullptr ? std::to_string(tracking->redirect) : "-1");
  add("resp", std::to_string(c.resp()));
  return line;
}

void RegisterConnectionCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag and category names
  auto cmd = [](const char* name, int arity, uint32_t flags, uint64_t acl, Handler h,
                const char* summary, const char* since, const char* complexity) {
    return Sub(name, arity, flags, acl, h, summary, since, complexity);
  };
  table->Add(cmd("ping", -1, kCmdFast | kCmdSentinel, kAclConnection, PingCommand,
                 "Ping the server", "1.0.0", "O(1)"));
  table->Add(cmd("echo", 2, kCmdFast, kAclConnection, EchoCommand, "Echo the given string",
                 "1.0.0", "O(1)"));
  table->Add(cmd("quit", -1, kCmdAllowBusy | kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast |
                                 kCmdNoAuth,
                 kAclConnection, QuitCommand, "Close the connection", "1.0.0", "O(1)"));
  table->Add(cmd("auth", -2, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth |
                                 kCmdSentinel | kCmdAllowBusy,
                 kAclConnection, AuthCommand, "Authenticate to the server", "1.0.0",
                 "O(N) where N is the number of passwords defined for the user"));
  table->Add(cmd("select", 2, kCmdLoading | kCmdStale | kCmdFast, kAclConnection, SelectCommand,
                 "Change the selected database for the current connection", "1.0.0", "O(1)"));
  table->Add(cmd("hello", -1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth |
                                  kCmdSentinel | kCmdAllowBusy,
                 kAclConnection, HelloCommand, "Handshake with Redis", "6.0.0", "O(1)"));

  CommandSpec client = cmd("client", -2, kCmdSentinel, kAclSlow, nullptr,
                           "A container for client connection commands", "2.4.0",
                           "Depends on subcommand.");
  const uint32_t kAdminFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  const uint32_t kConnFlags = kCmdNoScript | kCmdLoading | kCmdStale;
  client.subcommands.push_back(cmd("client|help", 2, kCmdLoading | kCmdStale, kAclConnection,
                                   ClientHelp, "Show helpful text about the different subcommands",
                                   "5.0.0", "O(1)"));
  client.subcommands.push_back(cmd("client|id", 2, kConnFlags, kAclConnection, ClientId,
                                   "Returns the client ID for the current connection", "5.0.0",
                                   "O(1)"));
  client.subcommands.push_back(cmd("client|getname", 2, kConnFlags, kAclConnection, ClientGetName,
                                   "Get the current connection name", "2.6.9", "O(1)"));
  client.subcommands.push_back(cmd("client|setname", 3, kConnFlags, kAclConnection, ClientSetName,
                                   "Set the current connection name", "2.6.9", "O(1)"));
  client.subcommands.push_back(cmd("client|info", 2, kConnFlags, kAclConnection, ClientInfo,
                                   "Returns information about the current client connection.",
                                   "6.2.0", "O(1)"));
  client.subcommands.push_back(cmd("client|list", -2, kAdminFlags, kAclConnection, ClientList,
                                   "Get the list of client connections", "2.4.0",
                                   "O(N) where N is the number of client connections"));
  client.subcommands.push_back(cmd("client|unblock", -3, kAdminFlags, kAclConnection,
                                   ClientUnblock, "Unblock a client blocked in a blocking command",
                                   "5.0.0", "O(log N) where N is the number of client connections"));
  client.subcommands.push_back(cmd("client|kill", -3, kAdminFlags, kAclConnection, ClientKill,
                                   "Kill the connection of a client", "2.4.0",
                                   "O(N) where N is the number of client connections"));
  RegisterClientControlCommands(table, &client);
  RegisterTrackingCommands(&client);
  table->Add(std::move(client));
}

}  // namespace spindle::server
