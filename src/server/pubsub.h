#pragma once
// Pub/Sub: who listens to what, and the fan-out of a published message.
//
// Two registries mirror each other, as in Redis 7.0 (pubsub.c):
//  - per client (ClientSubscriptions, owned by the Client): the channels,
//    patterns and shard channels it subscribed to;
//  - per server (PubSub): channel -> subscribed clients, pattern ->
//    subscribed clients, shard channel -> subscribed clients.
// Shard channels (SSUBSCRIBE / SPUBLISH) are a namespace of their own: with
// cluster disabled they behave as plain channels that patterns never match.
//
// Fan-out: a message frame is two immutable, reference-counted blocks: a
// prefix (the RESP2 array or RESP3 push header, the kind, and for a
// pmessage the pattern), one per protocol and kind (constant for message /
// smessage, built per publish for each matching pattern), and the body
// ("$len\r\n<channel>\r\n$len\r\n<message>\r\n"), built once per publish
// whatever the receivers' kinds and protocols. Both are queued by reference
// on each receiver's output (ChunkedBuffer::AppendSharedOrCopy: a small
// block is copied instead when the receiver's last chunk has room), so N
// receivers cost N reference counts, not N copies of the message.
//
// Thread: main thread.

#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/keyspace.h"

namespace spindle::server {

class Client;

// The names of one kind a client is subscribed to, in subscription order.
// Redis 7.0 keeps a client's patterns in a list, so PUNSUBSCRIBE without
// arguments confirms them in the order they were subscribed; channels (a
// dict there, hash order) use the same structure here.
class SubscriptionList {
 public:
  SubscriptionList() = default;
  SubscriptionList(const SubscriptionList&) = delete;
  SubscriptionList& operator=(const SubscriptionList&) = delete;

  // False when name is already in the list.
  bool Add(std::string_view name);
  // False when name is not in the list. name may view into the entry
  // being removed.
  bool Remove(std::string_view name);
  bool Contains(std::string_view name) const { return index_.count(name) != 0; }
  size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }
  const std::list<std::string>& names() const { return order_; }

 private:
  std::list<std::string> order_;  // nodes never move: index_ views into them
  std::unordered_map<std::string_view, std::list<std::string>::iterator, storage::StringHash,
                     std::equal_to<>>
      index_;
};

// A client's subscriptions. Allocated on its first subscription and freed
// when the last one goes, so clients that never subscribe pay one pointer.
struct ClientSubscriptions {
  SubscriptionList channels;
  SubscriptionList patterns;
  SubscriptionList shard_channels;
  bool empty() const { return channels.empty() && patterns.empty() && shard_channels.empty(); }
};

enum class ChannelKind { kGlobal, kShard };

// Whether a RESP2 client with subscriptions may run the command (full table
// name): (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT and RESET, as Redis's
// processCommand.
bool AllowedWhileSubscribed(std::string_view command_name);

class PubSub {
 public:
  // on_output(c) is called after a message is queued on c's output, so the
  // server schedules the write.
  explicit PubSub(std::function<void(Client*)> on_output) : on_output_(std::move(on_output)) {}
  PubSub(const PubSub&) = delete;
  PubSub& operator=(const PubSub&) = delete;

  // Subscribe / unsubscribe c; each returns whether c's subscriptions
  // changed (false: already subscribed / was not subscribed). The caller
  // writes the confirmation reply.
  bool Subscribe(Client* c, ChannelKind kind, std::string_view channel);
  bool Unsubscribe(Client* c, ChannelKind kind, std::string_view channel);
  bool SubscribePattern(Client* c, std::string_view pattern);
  bool UnsubscribePattern(Client* c, std::string_view pattern);

  // Drops every subscription of c (disconnect, RESET), without replies.
  void RemoveClient(Client* c);

  // PUBLISH / SPUBLISH: queues the message on every subscriber of channel
  // (and, for kGlobal, of every matching pattern: channel subscribers first,
  // then pattern subscribers, as Redis). Returns the number of deliveries (a
  // client matching through two patterns counts twice).
  int64_t Publish(ChannelKind kind, std::string_view channel, std::string_view message);

  // Introspection (PUBSUB, INFO).
  size_t channel_count(ChannelKind kind) const { return Channels(kind).size(); }
  size_t pattern_count() const { return patterns_.size(); }
  size_t Subscribers(ChannelKind kind, std::string_view channel) const;
  // Active channels matching pattern (every channel when pattern is null),
  // in no particular order (Redis answers in hash order).
  std::vector<std::string_view> ActiveChannels(ChannelKind kind,
                                               const std::string_view* pattern) const;

 private:
  using ClientSet = std::unordered_set<Client*>;
  using Registry = std::unordered_map<std::string, ClientSet, storage::StringHash, std::equal_to<>>;

  Registry& Channels(ChannelKind kind) { return kind == ChannelKind::kShard ? shard_ : channels_; }
  const Registry& Channels(ChannelKind kind) const {
    return kind == ChannelKind::kShard ? shard_ : channels_;
  }
  static bool AddTo(Registry* reg, std::string_view name, Client* c);
  static void RemoveFrom(Registry* reg, std::string_view name, Client* c);

  std::function<void(Client*)> on_output_;
  Registry channels_;
  Registry patterns_;
  Registry shard_;
};

}  // namespace spindle::server
