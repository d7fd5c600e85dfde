// Commands that change how the server treats a connection, and the server
// side of each: MONITOR (every command shown to monitors after it ran),
// RESET, CLIENT REPLY ON | OFF | SKIP, CLIENT PAUSE / UNPAUSE (commands of
// paused clients are postponed, not refused, and run in arrival order when
// the pause ends), CLIENT NO-EVICT.

#include <sys/time.h>

#include <algorithm>
#include <cstdio>

#include "common/clock.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/slowlog.h"

namespace spindle::server {

using commands::CommandContext;

// ---------------------------------------------------------------------------
// MONITOR

void Server::FeedMonitors(Client* c, const commands::CommandSpec* cmd,
                          std::span<const std::string_view> args) {
  if (monitors_.empty() || (cmd->flags & (commands::kCmdSkipMonitor | commands::kCmdAdmin))) {
    return;
  }
  // Redis's replicationFeedMonitors: "+<sec>.<usec> [<db> <addr>] "arg" ...".
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  char head[64];
  snprintf(head, sizeof(head), "+%ld.%06ld [%d ", static_cast<long>(tv.tv_sec),
           static_cast<long>(tv.tv_usec), c->db_index());
  std::string line = head;
  if (c->peer().unix_socket) {
    line += "unix:" + config_.values().unixsocket;
  } else {
    line += c->PeerId();
  }
  line += "] ";
  const std::vector<int> redacted = RedactedArgs(*cmd, args);
  for (size_t j = 0; j < args.size(); ++j) {
    if (j > 0) line += ' ';
    bool hidden =
        std::find(redacted.begin(), redacted.end(), static_cast<int>(j)) != redacted.end();
    line += Repr(hidden ? std::string_view("(redacted)") : args[j]);
  }
  line += "\r\n";
  for (uint64_t id : monitors_) {
    Client* m = FindClient(id);
    if (m == nullptr || m->closing()) continue;
    m->output().Append(line);
    OutputAppended(m);
  }
}

void Server::StopMonitoring(Client* c) {
  if (!c->monitor()) return;
  monitors_.erase(std::remove(monitors_.begin(), monitors_.end(), c->id()), monitors_.end());
  c->set_monitor(false);
}

// ---------------------------------------------------------------------------
// CLIENT PAUSE

bool Server::MustPostpone(Client* c, std::span<const std::string_view> args) {
  if (pause_type_ == PauseType::kNone || c->monitor()) return false;
  if (Clock::NowMs() >= pause_end_ms_) {
    UnpauseClients();
    return false;
  }
  const commands::CommandSpec* cmd = commands_.Find(args[0]);
  if (cmd != nullptr && cmd->is_container() && args.size() >= 2) {
    cmd = commands::CommandTable::FindSubcommand(*cmd, args[1]);
  }
  // Commands refused anyway (unknown, wrong arity, not authenticated) are
  // answered at once, as Redis's checks come before the pause.
  if (cmd == nullptr || !cmd->ArityOk(args.size())) return false;
  if (AuthRequired(c) && !(cmd->flags & commands::kCmdNoAuth)) return false;
  if (pause_type_ == PauseType::kAll) return true;
  const uint32_t writes = commands::kCmdWrite | commands::kCmdMayReplicate;
  if (cmd->flags & writes) return true;
  // EXEC of a transaction that writes.
  if (cmd->name == "exec" && c->in_multi()) {
    for (const QueuedCommand& q : c->multi_state()->queue) {
      if (q.cmd()->flags & writes) return true;
    }
  }
  return false;
}

void Server::Postpone(Client* c) {
  c->set_postponed(true);
  postponed_.push_back(c->id());
  ++blocked_count_;  // Redis counts postponed clients as blocked
}

void Server::PauseClients(PauseType type, int64_t end_ms) {
  pause_type_ = type;
  // A pause never gets shorter: the later end wins (Redis's pauseClients).
  if (end_ms > pause_end_ms_) pause_end_ms_ = end_ms;
  if (pause_timer_ != 0) loop_->CancelTimer(pause_timer_);
  pause_timer_ = loop_->AddTimer(std::max<int64_t>(0, pause_end_ms_ - Clock::NowMs()), [this] {
    pause_timer_ = 0;
    if (pause_type_ != PauseType::kNone) UnpauseClients();
    return int64_t{-1};
  });
  keyspace_->set_expiry_mode(storage::ExpiryMode::kPaused);
}

void Server::UnpauseClients() {
  pause_type_ = PauseType::kNone;
  pause_end_ms_ = 0;
  if (pause_timer_ != 0) {
    loop_->CancelTimer(pause_timer_);
    pause_timer_ = 0;
  }
  keyspace_->set_expiry_mode(storage::ExpiryMode::kNormal);
  // Resume in the order the clients were postponed. A client may be
  // postponed again (a new pause from one of them): it goes to a new list.
  std::vector<uint64_t> ids;
  ids.swap(postponed_);
  for (uint64_t id : ids) {
    Client* c = FindClient(id);
    if (c == nullptr || !c->postponed()) continue;
    c->set_postponed(false);
    --blocked_count_;
    if (!c->closing()) ProcessInput(c);
  }
}

void Server::ForgetPostponed(Client* c) {
  if (!c->postponed()) return;
  postponed_.erase(std::remove(postponed_.begin(), postponed_.end(), c->id()), postponed_.end());
  c->set_postponed(false);
  --blocked_count_;
}

// ---------------------------------------------------------------------------
// Commands

namespace {

void MonitorCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  if (c->in_multi()) {
    // Inside EXEC: a client that expects one reply per command cannot
    // become a monitor (Redis's CLIENT_DENY_BLOCKING check).
    ctx.reply->Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (c->monitor()) return;  // already monitoring: no reply at all
  c->server()->StartMonitoring(c);
  ctx.reply->Ok();
}

void ResetCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  Server* s = c->server();
  // Redis's clearClientConnectionState.
  s->StopMonitoring(c);
  c->set_db_index(0);
  c->reply().set_resp(2);
  // Redis's clientSetDefaultAuth.
  c->set_user(s->acl().default_user());
  c->set_authenticated(!s->acl().DefaultNeedsAuth());
  s->UpdateParserLimits(c);
  s->DiscardTransaction(c);
  s->pubsub().RemoveClient(c);  // no confirmations are sent
  s->tracking().Disable(c);
  c->set_name("");
  // CLIENT NO-EVICT survives RESET in Redis 7.0.
  c->set_reply_mode(Client::ReplyMode::kOn);
  ctx.reply->SimpleString("RESET");
}

void ClientReply(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  std::string_view mode = ctx.args[2];
  if (EqualsIgnoreCase(mode, "on")) {
    c->set_reply_mode(Client::ReplyMode::kOn);
    ctx.reply->Ok();
  } else if (EqualsIgnoreCase(mode, "off")) {
    c->set_reply_mode(Client::ReplyMode::kOff);
  } else if (EqualsIgnoreCase(mode, "skip")) {
    if (c->reply_mode() != Client::ReplyMode::kOff) {
      c->set_reply_mode(Client::ReplyMode::kSkipNext);
    }
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
  }
}

void ClientPause(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    ctx.reply->Error(protocol::SubcommandSyntaxError("client", ctx.args[1]));
    return;
  }
  int64_t timeout = 0;
  if (!StringToInt64(ctx.args[2], &timeout)) {
    ctx.reply->Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout < 0) {
    ctx.reply->Error("ERR timeout is negative");
    return;
  }
  Server::PauseType type = Server::PauseType::kAll;
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "write")) {
      type = Server::PauseType::kWrite;
    } else if (!EqualsIgnoreCase(ctx.args[3], "all")) {
      ctx.reply->Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  ClientOf(ctx)->server()->PauseClients(type, ctx.now_ms + timeout);
  ctx.reply->Ok();
}

void ClientUnpause(CommandContext& ctx) {
  ClientOf(ctx)->server()->UnpauseClients();
  ctx.reply->Ok();
}

void ClientNoEvict(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  if (EqualsIgnoreCase(ctx.args[2], "on")) {
    c->set_no_evict(true);
  } else if (EqualsIgnoreCase(ctx.args[2], "off")) {
    c->set_no_evict(false);
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  ctx.reply->Ok();
}

commands::CommandSpec Conn(const char* name, int arity, uint32_t flags, uint64_t acl,
                           commands::Handler h, const char* summary, const char* since,
                           const char* group, const char* complexity) {
  return commands::MakeCommand(name, arity, flags, acl, {}, h, summary, since, group,
                               complexity);
}

}  // namespace

void RegisterClientControlCommands(commands::CommandTable* table,
                                   commands::CommandSpec* client) {
  using namespace commands;  // NOLINT: flag and category names
  table->Add(Conn("monitor", 1, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, 0,
                  MonitorCommand, "Listen for all requests received by the server in real time",
                  "1.0.0", "server", "O(1)"));
  table->Add(Conn("reset", 1,
                  kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy,
                  kAclConnection, ResetCommand, "Reset the connection", "6.2.0", "connection",
                  "O(1)"));
  const uint32_t admin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  const uint32_t conn = kCmdNoScript | kCmdLoading | kCmdStale;
  client->subcommands.push_back(Conn("client|reply", 3, conn, kAclConnection, ClientReply,
                                     "Instruct the server whether to reply to commands",
                                     "3.2.0", "connection", "O(1)"));
  client->subcommands.push_back(Conn("client|pause", -3, admin, kAclConnection, ClientPause,
                                     "Stop processing commands from clients for some time",
                                     "2.9.50", "connection", "O(1)"));
  client->subcommands.push_back(Conn("client|unpause", 2, admin, kAclConnection, ClientUnpause,
                                     "Resume processing of clients that were paused", "6.2.0",
                                     "connection", "O(N) Where N is the number of paused clients"));
  client->subcommands.push_back(Conn("client|no-evict", 3, admin, kAclConnection, ClientNoEvict,
                                     "Set client eviction mode for the current connection",
                                     "7.0.0", "connection", "O(1)"));
}

}  // namespace spindle::server
