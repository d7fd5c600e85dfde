// Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
// PUBLISH, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH and PUBSUB. The registries
// and the fan-out live in pubsub.h; these handlers parse and confirm.
//
// Every (un)subscription is confirmed with its own three-element reply, a
// RESP2 array or a RESP3 push: the kind, the name, and the client's count
// after it (channels + patterns for the global kinds, shard channels for the
// shard ones), as Redis's addReplyPubsub(Un)Subscribed.

#include "common/strings.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {

using commands::CommandContext;
using commands::CommandSpec;

namespace {

PubSub& PubSubOf(CommandContext& ctx) { return ClientOf(ctx)->server()->pubsub(); }

size_t CountFor(const Client* c, ChannelKind kind) {
  return kind == ChannelKind::kShard ? c->shard_subscription_count() : c->subscription_count();
}

// One confirmation; a null name (an "unsubscribe all" with nothing to drop)
// is a null bulk in RESP2 and a RESP3 null.
void Confirm(CommandContext& ctx, std::string_view kind, const std::string_view* name,
             size_t count) {
  ctx.reply->PushHeader(3);
  ctx.reply->Bulk(kind);
  if (name != nullptr) {
    ctx.reply->Bulk(*name);
  } else {
    ctx.reply->Null();
  }
  ctx.reply->Integer(static_cast<int64_t>(count));
}

void SubscribeGeneric(CommandContext& ctx, ChannelKind kind, std::string_view word) {
  Client* c = ClientOf(ctx);
  PubSub& ps = PubSubOf(ctx);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ps.Subscribe(c, kind, ctx.args[i]);
    Confirm(ctx, word, &ctx.args[i], CountFor(c, kind));
  }
}

// UNSUBSCRIBE / SUNSUBSCRIBE: the named channels, or every channel of the
// kind (in subscription order) when none is named.
void UnsubscribeGeneric(CommandContext& ctx, ChannelKind kind, std::string_view word) {
  Client* c = ClientOf(ctx);
  PubSub& ps = PubSubOf(ctx);
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) {
      ps.Unsubscribe(c, kind, ctx.args[i]);
      Confirm(ctx, word, &ctx.args[i], CountFor(c, kind));
    }
  } else {
    bool any = false;
    while (ClientSubscriptions* subs = c->subscriptions()) {
      SubscriptionList& list = kind == ChannelKind::kShard ? subs->shard_channels : subs->channels;
      if (list.empty()) break;
      std::string name = list.names().front();  // the entry goes with the unsubscribe
      ps.Unsubscribe(c, kind, name);
      std::string_view view(name);
      Confirm(ctx, word, &view, CountFor(c, kind));
      any = true;
    }
    if (!any) Confirm(ctx, word, nullptr, CountFor(c, kind));
  }
  if (c->subscriptions() != nullptr && c->subscriptions()->empty()) c->ReleaseSubscriptions();
}

void SubscribeCommand(CommandContext& ctx) {
  SubscribeGeneric(ctx, ChannelKind::kGlobal, "subscribe");
}

void SsubscribeCommand(CommandContext& ctx) {
  SubscribeGeneric(ctx, ChannelKind::kShard, "ssubscribe");
}

void UnsubscribeCommand(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, ChannelKind::kGlobal, "unsubscribe");
}

void SunsubscribeCommand(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, ChannelKind::kShard, "sunsubscribe");
}

void PsubscribeCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  PubSub& ps = PubSubOf(ctx);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ps.SubscribePattern(c, ctx.args[i]);
    Confirm(ctx, "psubscribe", &ctx.args[i], c->subscription_count());
  }
}

void PunsubscribeCommand(CommandContext& ctx) {
  Client* c = ClientOf(ctx);
  PubSub& ps = PubSubOf(ctx);
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) {
      ps.UnsubscribePattern(c, ctx.args[i]);
      Confirm(ctx, "punsubscribe", &ctx.args[i], c->subscription_count());
    }
  } else {
    bool any = false;
    while (ClientSubscriptions* subs = c->subscriptions()) {
      if (subs->patterns.empty()) break;
      std::string name = subs->patterns.names().front();
      ps.UnsubscribePattern(c, name);
      std::string_view view(name);
      Confirm(ctx, "punsubscribe", &view, c->subscription_count());
      any = true;
    }
    if (!any) Confirm(ctx, "punsubscribe", nullptr, c->subscription_count());
  }
  if (c->subscriptions() != nullptr && c->subscriptions()->empty()) c->ReleaseSubscriptions();
}

void PublishCommand(CommandContext& ctx) {
  ctx.reply->Integer(PubSubOf(ctx).Publish(ChannelKind::kGlobal, ctx.args[1], ctx.args[2]));
}

void SpublishCommand(CommandContext& ctx) {
  ctx.reply->Integer(PubSubOf(ctx).Publish(ChannelKind::kShard, ctx.args[1], ctx.args[2]));
}

// ---- PUBSUB ----------------------------------------------------------------

constexpr const char* kPubSubHelp[] = {
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
};

void PubSubHelp(CommandContext& ctx) { ReplyHelp(ctx, "pubsub", kPubSubHelp); }

// PUBSUB CHANNELS / SHARDCHANNELS take at most one pattern; the table's
// arity (-2) lets more through and Redis answers its subcommand syntax
// error, naming the subcommand as typed.
void ChannelsGeneric(CommandContext& ctx, ChannelKind kind) {
  if (ctx.argc() > 3) {
    ctx.reply->Error("ERR unknown subcommand or wrong number of arguments for '" +
                     std::string(ctx.args[1].substr(0, 128)) + "'. Try PUBSUB HELP.");
    return;
  }
  std::string_view pattern;
  if (ctx.argc() == 3) pattern = ctx.args[2];
  auto names = PubSubOf(ctx).ActiveChannels(kind, ctx.argc() == 3 ? &pattern : nullptr);
  ctx.reply->ArrayHeader(names.size());
  for (std::string_view n : names) ctx.reply->Bulk(n);
}

void NumSubGeneric(CommandContext& ctx, ChannelKind kind) {
  PubSub& ps = PubSubOf(ctx);
  ctx.reply->ArrayHeader((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply->Bulk(ctx.args[i]);
    ctx.reply->Integer(static_cast<int64_t>(ps.Subscribers(kind, ctx.args[i])));
  }
}

void PubSubChannels(CommandContext& ctx) { ChannelsGeneric(ctx, ChannelKind::kGlobal); }
void PubSubShardChannels(CommandContext& ctx) { ChannelsGeneric(ctx, ChannelKind::kShard); }
void PubSubNumSub(CommandContext& ctx) { NumSubGeneric(ctx, ChannelKind::kGlobal); }
void PubSubShardNumSub(CommandContext& ctx) { NumSubGeneric(ctx, ChannelKind::kShard); }
void PubSubNumPat(CommandContext& ctx) {
  ctx.reply->Integer(static_cast<int64_t>(PubSubOf(ctx).pattern_count()));
}

CommandSpec Spec(const char* name, int arity, uint32_t flags, commands::KeyRange keys,
                 commands::Handler h, const char* summary, const char* since,
                 const char* complexity) {
  return commands::MakeCommand(name, arity, flags, 0, keys, h, summary, since, "pubsub",
                               complexity);
}

}  // namespace

void RegisterPubSubCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag names
  const uint32_t kSub = kCmdPubSub | kCmdNoScript | kCmdLoading | kCmdStale;
  const uint32_t kPub = kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast;
  const uint32_t kIntro = kCmdPubSub | kCmdLoading | kCmdStale;
  table->Add(Spec("subscribe", -2, kSub, {}, SubscribeCommand,
                  "Listen for messages published to the given channels", "2.0.0",
                  "O(N) where N is the number of channels to subscribe to."));
  table->Add(Spec("unsubscribe", -1, kSub, {}, UnsubscribeCommand,
                  "Stop listening for messages posted to the given channels", "2.0.0",
                  "O(N) where N is the number of clients already subscribed to a channel."));
  table->Add(Spec("psubscribe", -2, kSub, {}, PsubscribeCommand,
                  "Listen for messages published to channels matching the given patterns", "2.0.0",
                  "O(N) where N is the number of patterns the client is already "
                  "subscribed to."));
  table->Add(Spec("punsubscribe", -1, kSub, {}, PunsubscribeCommand,
                  "Stop listening for messages posted to channels matching the given patterns",
                  "2.0.0",
                  "O(N+M) where N is the number of patterns the client is already "
                  "subscribed and M is the number of total patterns subscribed in the system "
                  "(by any client)."));
  table->Add(Spec("publish", 3, kPub, {}, PublishCommand, "Post a message to a channel", "2.0.0",
                  "O(N+M) where N is the number of clients subscribed to the receiving channel "
                  "and M is the total number of subscribed patterns (by any client)."));

  CommandSpec ssubscribe =
      Spec("ssubscribe", -2, kSub, {1, -1, 1}, SsubscribeCommand,
           "Listen for messages published to the given shard channels", "7.0.0",
           "O(N) where N is the number of shard channels to "
           "subscribe to.");
  ssubscribe.range_not_keys = true;
  table->Add(std::move(ssubscribe));
  CommandSpec sunsubscribe =
      Spec("sunsubscribe", -1, kSub, {1, -1, 1}, SunsubscribeCommand,
           "Stop listening for messages posted to the given shard channels", "7.0.0",
           "O(N) where N is the number of clients already "
           "subscribed to a shard channel.");
  sunsubscribe.range_not_keys = true;
  table->Add(std::move(sunsubscribe));
  CommandSpec spublish = Spec("spublish", 3, kPub, {1, 1, 1}, SpublishCommand,
                              "Post a message to a shard channel", "7.0.0",
                              "O(N) where N is the number of clients subscribed to the receiving "
                              "shard channel.");
  spublish.range_not_keys = true;
  table->Add(std::move(spublish));

  CommandSpec pubsub = Spec("pubsub", -2, 0, {}, nullptr, "A container for Pub/Sub commands",
                            "2.8.0", "Depends on subcommand.");
  // The order of PUBSUB HELP (Redis lists them in its dict's random order).
  pubsub.subcommands.push_back(Spec("pubsub|channels", -2, kIntro, {}, PubSubChannels,
                                    "List active channels", "2.8.0",
                                    "O(N) where N is the number of active channels, and assuming "
                                    "constant time pattern matching (relatively short channels "
                                    "and patterns)"));
  pubsub.subcommands.push_back(Spec("pubsub|numpat", 2, kIntro, {}, PubSubNumPat,
                                    "Get the count of unique patterns pattern subscriptions",
                                    "2.8.0", "O(1)"));
  pubsub.subcommands.push_back(Spec("pubsub|numsub", -2, kIntro, {}, PubSubNumSub,
                                    "Get the count of subscribers for channels", "2.8.0",
                                    "O(N) for the NUMSUB subcommand, where N is the number of "
                                    "requested channels"));
  pubsub.subcommands.push_back(Spec("pubsub|shardchannels", -2, kIntro, {}, PubSubShardChannels,
                                    "List active shard channels", "7.0.0",
                                    "O(N) where N is the number of active shard channels, and "
                                    "assuming constant time pattern matching (relatively short "
                                    "shard channels)."));
  pubsub.subcommands.push_back(Spec("pubsub|shardnumsub", -2, kIntro, {}, PubSubShardNumSub,
                                    "Get the count of subscribers for shard channels", "7.0.0",
                                    "O(N) for the SHARDNUMSUB subcommand, where N is the number "
                                    "of requested shard channels"));
  pubsub.subcommands.push_back(Spec("pubsub|help", 2, kCmdLoading | kCmdStale, {}, PubSubHelp,
                                    "Show helpful text about the different subcommands", "6.2.0",
                                    "O(1)"));
  table->Add(std::move(pubsub));
}

}  // namespace spindle::server
