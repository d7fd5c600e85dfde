#include "server/pubsub.h"

#include <charconv>
#include <memory>

#include "common/glob.h"
#include "server/client.h"

namespace spindle::server {
namespace {

// Blocks smaller than this are copied into each receiver's buffer, larger
// ones queued by reference (ChunkedBuffer::AppendSharedOrCopy). Measured with
// bench/micro/fanout_bench.cc: below a few hundred bytes a copy beats a
// shared chunk (its reference count, entry and iovec), above it sharing wins
// and the gap grows with the size.
constexpr size_t kShareMinBytes = 256;

void AppendBulk(std::string* out, std::string_view s) {
  char len[24];
  auto end = std::to_chars(len, len + sizeof(len), s.size()).ptr;
  out->push_back('$');
  out->append(len, end);
  out->append("\r\n");
  out->append(s);
  out->append("\r\n");
}

// The head of a message frame up to the channel: the RESP2 array or RESP3
// push header (what ReplyBuilder::PushHeader writes), the kind and, for a
// pmessage, the pattern.
SharedBytes FramePrefix(int resp, std::string_view kind, const std::string_view* pattern) {
  auto s = std::make_shared<std::string>(resp >= 3 ? ">" : "*");
  s->append(pattern != nullptr ? "4\r\n" : "3\r\n");
  AppendBulk(s.get(), kind);
  if (pattern != nullptr) AppendBulk(s.get(), *pattern);
  return s;
}

// The constant prefixes, built once: message and smessage, RESP2 and RESP3.
const SharedBytes& ChannelPrefix(ChannelKind kind, int resp) {
  static const SharedBytes kPrefixes[2][2] = {
      {FramePrefix(2, "message", nullptr), FramePrefix(3, "message", nullptr)},
      {FramePrefix(2, "smessage", nullptr), FramePrefix(3, "smessage", nullptr)}};
  return kPrefixes[kind == ChannelKind::kShard ? 1 : 0][resp >= 3 ? 1 : 0];
}

// The bytes every receiver of one publish shares, whatever the kind and
// protocol: the channel and the message as two bulk strings. Built on the
// first delivery, so a publish nobody hears allocates nothing.
class SharedBody {
 public:
  SharedBody(std::string_view channel, std::string_view message)
      : channel_(channel), message_(message) {}
  const SharedBytes& Get() {
    if (!bytes_) {
      auto s = std::make_shared<std::string>();
      s->reserve(channel_.size() + message_.size() + 32);
      AppendBulk(s.get(), channel_);
      AppendBulk(s.get(), message_);
      bytes_ = std::move(s);
    }
    return bytes_;
  }

 private:
  std::string_view channel_;
  std::string_view message_;
  SharedBytes bytes_;
};

// Queues one message on c: its prefix, then the body. Straight to the
// client's output, never through its reply builder, whose target a
// transaction may redirect.
void Deliver(Client* c, const SharedBytes& prefix, SharedBody* body) {
  // A client about to close (over its output-buffer limit, say) gets
  // nothing more, as Redis's prepareClientToWrite; it still counts as a
  // receiver.
  if (c->closing()) return;
  c->output().AppendSharedOrCopy(prefix, kShareMinBytes);
  c->output().AppendSharedOrCopy(body->Get(), kShareMinBytes);
}

}  // namespace

bool AllowedWhileSubscribed(std::string_view name) {
  static constexpr std::string_view kAllowed[] = {"ping",         "subscribe",    "ssubscribe",
                                                  "unsubscribe",  "sunsubscribe", "psubscribe",
                                                  "punsubscribe", "quit",         "reset"};
  for (std::string_view a : kAllowed) {
    if (name == a) return true;
  }
  return false;
}

bool SubscriptionList::Add(std::string_view name) {
  if (index_.count(name) != 0) return false;
  order_.emplace_back(name);
  auto it = std::prev(order_.end());
  index_.emplace(std::string_view(*it), it);
  return true;
}

bool SubscriptionList::Remove(std::string_view name) {
  auto found = index_.find(name);
  if (found == index_.end()) return false;
  auto it = found->second;
  index_.erase(found);
  order_.erase(it);
  return true;
}

bool PubSub::AddTo(Registry* reg, std::string_view name, Client* c) {
  auto it = reg->find(name);
  if (it == reg->end()) it = reg->emplace(std::string(name), ClientSet()).first;
  return it->second.insert(c).second;
}

void PubSub::RemoveFrom(Registry* reg, std::string_view name, Client* c) {
  auto it = reg->find(name);
  if (it == reg->end()) return;
  it->second.erase(c);
  // A channel nobody listens to any more is forgotten at once, so creating
  // and leaving millions of channels cannot grow the registry.
  if (it->second.empty()) reg->erase(it);
}

bool PubSub::Subscribe(Client* c, ChannelKind kind, std::string_view channel) {
  ClientSubscriptions& subs = c->EnsureSubscriptions();
  SubscriptionList& list = kind == ChannelKind::kShard ? subs.shard_channels : subs.channels;
  if (!list.Add(channel)) return false;
  AddTo(&Channels(kind), channel, c);
  return true;
}

bool PubSub::Unsubscribe(Client* c, ChannelKind kind, std::string_view channel) {
  ClientSubscriptions* subs = c->subscriptions();
  if (subs == nullptr) return false;
  SubscriptionList& list = kind == ChannelKind::kShard ? subs->shard_channels : subs->channels;
  if (!list.Contains(channel)) return false;
  // channel may view into the list entry itself: the list goes last.
  RemoveFrom(&Channels(kind), channel, c);
  list.Remove(channel);
  return true;
}

bool PubSub::SubscribePattern(Client* c, std::string_view pattern) {
  if (!c->EnsureSubscriptions().patterns.Add(pattern)) return false;
  AddTo(&patterns_, pattern, c);
  return true;
}

bool PubSub::UnsubscribePattern(Client* c, std::string_view pattern) {
  ClientSubscriptions* subs = c->subscriptions();
  if (subs == nullptr) return false;
  if (!subs->patterns.Contains(pattern)) return false;
  RemoveFrom(&patterns_, pattern, c);
  subs->patterns.Remove(pattern);
  return true;
}

void PubSub::RemoveClient(Client* c) {
  ClientSubscriptions* subs = c->subscriptions();
  if (subs == nullptr) return;
  for (const std::string& ch : subs->channels.names()) RemoveFrom(&channels_, ch, c);
  for (const std::string& p : subs->patterns.names()) RemoveFrom(&patterns_, p, c);
  for (const std::string& ch : subs->shard_channels.names()) RemoveFrom(&shard_, ch, c);
  c->ReleaseSubscriptions();
}

int64_t PubSub::Publish(ChannelKind kind, std::string_view channel, std::string_view message) {
  int64_t receivers = 0;
  SharedBody body(channel, message);
  const Registry& reg = Channels(kind);
  auto it = reg.find(channel);
  if (it != reg.end()) {
    for (Client* c : it->second) {
      Deliver(c, ChannelPrefix(kind, c->resp()), &body);
      on_output_(c);
      ++receivers;
    }
  }
  if (kind == ChannelKind::kShard) return receivers;  // patterns never see shard channels
  for (const auto& [pattern, clients] : patterns_) {
    if (!GlobMatch(pattern, channel)) continue;
    std::string_view pat(pattern);
    SharedBytes prefix[2];  // RESP2, RESP3: built for the protocols present
    for (Client* c : clients) {
      SharedBytes& p = prefix[c->resp() >= 3 ? 1 : 0];
      if (!p) p = FramePrefix(c->resp(), "pmessage", &pat);
      Deliver(c, p, &body);
      on_output_(c);
      ++receivers;
    }
  }
  return receivers;
}

size_t PubSub::Subscribers(ChannelKind kind, std::string_view channel) const {
  const Registry& reg = Channels(kind);
  auto it = reg.find(channel);
  return it == reg.end() ? 0 : it->second.size();
}

std::vector<std::string_view> PubSub::ActiveChannels(ChannelKind kind,
                                                     const std::string_view* pattern) const {
  std::vector<std::string_view> out;
  for (const auto& [name, clients] : Channels(kind)) {
    if (pattern == nullptr || GlobMatch(*pattern, name)) out.emplace_back(name);
  }
  return out;
}

}  // namespace spindle::server
