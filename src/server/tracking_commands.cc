// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: client-side caching's
// commands (the machinery is in tracking.h). Replies and error texts are
// redis-server 7.0.15's, checks in its order (networking.c clientCommand).

#include <vector>

#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {

using commands::CommandContext;

namespace {

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN]
// [OPTOUT] [NOLOOP]
void ClientTrackingCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  Server* server = c->server();
  int64_t redirect = 0;
  TrackingOptions options;
  std::vector<std::string_view> prefixes;
  // Every option is parsed (and REDIRECT's client looked up) before ON /
  // OFF is looked at, so OFF refuses what ON would.
  for (size_t j = 3; j < ctx.argc(); ++j) {
    const bool more = j + 1 < ctx.argc();
    std::string_view opt = ctx.args[j];
    if (EqualsIgnoreCase(opt, "redirect") && more) {
      ++j;
      if (redirect != 0) {
        ctx.reply->Error("ERR A client can only redirect to a single other client");
        return;
      }
      if (!StringToInt64(ctx.args[j], &redirect)) {
        ctx.reply->Error(protocol::kErrNotInteger);
        return;
      }
      // The target must exist now, even if it may go away later.
      if (server->FindClient(static_cast<uint64_t>(redirect)) == nullptr) {
        ctx.reply->Error("ERR The client ID you want redirect to does not exist");
        return;
      }
    } else if (EqualsIgnoreCase(opt, "bcast")) {
      options.bcast = true;
    } else if (EqualsIgnoreCase(opt, "optin")) {
      options.optin = true;
    } else if (EqualsIgnoreCase(opt, "optout")) {
      options.optout = true;
    } else if (EqualsIgnoreCase(opt, "noloop")) {
      options.noloop = true;
    } else if (EqualsIgnoreCase(opt, "prefix") && more) {
      prefixes.push_back(ctx.args[++j]);
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }

  Tracking& tracking = server->tracking();
  if (EqualsIgnoreCase(ctx.args[2], "on")) {
    const ClientTracking* t = c->tracking();
    if (!options.bcast && !prefixes.empty()) {
      ctx.reply->Error("ERR PREFIX option requires BCAST mode to be enabled");
      return;
    }
    if (t != nullptr && t->options.bcast != options.bcast) {
      ctx.reply->Error(
          "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
          "and then re-enabling it with a different mode.");
      return;
    }
    if (options.bcast && (options.optin || options.optout)) {
      ctx.reply->Error("ERR OPTIN and OPTOUT are not compatible with BCAST");
      return;
    }
    if (options.optin && options.optout) {
      ctx.reply->Error("ERR You can't specify both OPTIN mode and OPTOUT mode");
      return;
    }
    if (t != nullptr && ((options.optin && t->options.optout) ||
                         (options.optout && t->options.optin))) {
      ctx.reply->Error(
          "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
          "and then re-enabling it with a different mode.");
      return;
    }
    if (options.bcast) {
      if (auto collision = tracking.CheckPrefixes(c, prefixes)) {
        ctx.reply->Error(collision->error);
        // Redis 7.0 goes on after some of these errors and answers OK too
        // (see Tracking::CheckPrefixes): two replies, as it sends them.
        if (collision->stops) return;
      }
    }
    tracking.Enable(c, static_cast<uint64_t>(redirect), options, prefixes);
  } else if (EqualsIgnoreCase(ctx.args[2], "off")) {
    tracking.Disable(c);
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  ctx.reply->Ok();
}

// CLIENT CACHING YES|NO: whether the next command's keys are tracked, in
// OPTIN (YES) or OPTOUT (NO) mode.
void ClientCachingCommand(CommandContext& ctx) {
  ClientTracking* t = ClientOf(ctx)->tracking();
  if (t == nullptr) {
    ctx.reply->Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
        "or OPTOUT mode enabled");
    return;
  }
  std::string_view opt = ctx.args[2];
  if (EqualsIgnoreCase(opt, "yes")) {
    if (!t->options.optin) {
      ctx.reply->Error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (EqualsIgnoreCase(opt, "no")) {
    if (!t->options.optout) {
      ctx.reply->Error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  t->caching = true;
  ctx.reply->Ok();
}

void ClientGetRedirCommand(CommandContext& ctx) {
  const ClientTracking* t = ClientOf(ctx)->tracking();
  ctx.reply->Integer(t != nullptr ? static_cast<int64_t>(t->redirect) : -1);
}

// A map (RESP2: a flat array) of flags (a set), redirect and prefixes.
void ClientTrackingInfoCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  const ClientTracking* t = c->tracking();
  std::vector<const char*> flags;
  flags.push_back(t != nullptr ? "on" : "off");
  if (t != nullptr) {
    if (t->options.bcast) flags.push_back("bcast");
    if (t->options.optin) {
      flags.push_back("optin");
      if (t->caching) flags.push_back("caching-yes");
    }
    if (t->options.optout) {
      flags.push_back("optout");
      if (t->caching) flags.push_back("caching-no");
    }
    if (t->options.noloop) flags.push_back("noloop");
  }
  if (c->server()->tracking().RedirectBroken(c)) flags.push_back("broken_redirect");
  ctx.reply->MapHeader(3);
  ctx.reply->Bulk("flags");
  ctx.reply->SetHeader(flags.size());
  for (const char* f : flags) ctx.reply->Bulk(f);
  ctx.reply->Bulk("redirect");
  ctx.reply->Integer(t != nullptr ? static_cast<int64_t>(t->redirect) : -1);
  ctx.reply->Bulk("prefixes");
  if (t == nullptr) {
    ctx.reply->EmptyArray();
    return;
  }
  ctx.reply->ArrayHeader(t->prefixes.size());
  for (const std::string& p : t->prefixes) ctx.reply->Bulk(p);
}

commands::CommandSpec Conn(const char* name, int arity, commands::Handler h, const char* summary,
                           const char* since, const char* complexity) {
  using namespace commands;  // NOLINT: flag and category names
  return MakeCommand(name, arity, kCmdNoScript | kCmdLoading | kCmdStale, kAclConnection, {}, h,
                     summary, since, "connection", complexity);
}

}  // namespace

void RegisterTrackingCommands(commands::CommandSpec* client) {
  client->subcommands.push_back(
      Conn("client|tracking", -3, ClientTrackingCommand,
           "Enable or disable server assisted client side caching support", "6.0.0",
           "O(1). Some options may introduce additional complexity."));
  client->subcommands.push_back(
      Conn("client|caching", 3, ClientCachingCommand,
           "Instruct the server about tracking or not keys in the next request", "6.0.0", "O(1)"));
  client->subcommands.push_back(Conn("client|getredir", 2, ClientGetRedirCommand,
                                     "Get tracking notifications redirection client ID if any",
                                     "6.0.0", "O(1)"));
  client->subcommands.push_back(
      Conn("client|trackinginfo", 2, ClientTrackingInfoCommand,
           "Return information about server assisted client side caching for the current "
           "connection",
           "6.2.0", "O(1)"));
}

}  // namespace spindle::server
