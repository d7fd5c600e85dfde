#include "server/tracking.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>

#include "common/strings.h"
#include "server/client.h"

namespace spindle::server {
namespace {

// A BCAST message at least this large is queued by reference on each
// receiver, a smaller one copied (the limit pubsub.cc measured for its
// shared blocks).
constexpr size_t kShareMinBytes = 256;

constexpr std::string_view kPushHeader = ">2\r\n$10\r\ninvalidate\r\n";
// A RESP2 redirect target in Pub/Sub mode: a message on __redis__:invalidate.
constexpr std::string_view kMessageHeader = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";

void AppendLength(std::string* out, char type, size_t n) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof(buf), n).ptr;
  out->push_back(type);
  out->append(buf, end);
  out->append("\r\n");
}

void AppendBulk(std::string* out, std::string_view s) {
  AppendLength(out, '$', s.size());
  out->append(s);
  out->append("\r\n");
}

// The null a flush sends, in the protocol of the tracking client (not of
// its redirect target: Redis picks shared.null[c->resp] before redirecting).
const SharedBytes& NullPayload(int resp) {
  static const SharedBytes kNull2 = std::make_shared<const std::string>("$-1\r\n");
  static const SharedBytes kNull3 = std::make_shared<const std::string>("_\r\n");
  return resp >= 3 ? kNull3 : kNull2;
}

// Redis's trackingBuildBroadcastReply: the array of the modified keys, less
// those `skip` modified last (NOLOOP; 0: none). Null when nothing is left.
SharedBytes BroadcastArray(const std::map<std::string, uint64_t>& keys, uint64_t skip) {
  size_t count = 0;
  for (const auto& [key, modifier] : keys) {
    if (skip == 0 || modifier != skip) ++count;
  }
  if (count == 0) return nullptr;
  auto s = std::make_shared<std::string>();
  AppendLength(s.get(), '*', count);
  for (const auto& [key, modifier] : keys) {
    if (skip == 0 || modifier != skip) AppendBulk(s.get(), key);
  }
  return s;
}

// A prefix as Redis's error texts show it: printed with %s, so it ends at
// its first NUL byte.

// Redis's stringCheckPrefix: one is a prefix of the other.
bool Overlap(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

// Redis keeps a key's client ids in a radix tree keyed by the ids' bytes as
// they lie in memory (little-endian here): that byte order, not the numeric
// one, is the order in which those clients hear of the key. Observable when
// the messages differ (a broken redirect's push next to an invalidation on
// one connection), so the table keeps it: byte-swapped ids compare like
// those bytes.
bool RaxLess(uint64_t a, uint64_t b) { return __builtin_bswap64(a) < __builtin_bswap64(b); }

}  // namespace

// ---------------------------------------------------------------------------
// TrackingTable

void TrackingTable::EntryTraits::Destroy(Entry* e) {
  delete e->many;
  e->~Entry();
  ::operator delete(e);
}

bool TrackingTable::Remember(std::string_view key, uint64_t id) {
  const uint64_t hash = storage::HashKey(key);
  Entry* e = table_.Find(key, hash);
  if (e == nullptr) {
    void* mem = ::operator new(sizeof(Entry) + key.size());
    e = new (mem) Entry{nullptr, id, nullptr, static_cast<uint32_t>(key.size())};
    if (!key.empty()) std::memcpy(e->bytes(), key.data(), key.size());
    table_.Insert(e, hash);
  } else if (e->many == nullptr) {
    if (e->one == id) return false;
    e->many = new std::vector<uint64_t>{e->one};
    auto pos = std::lower_bound(e->many->begin(), e->many->end(), id, RaxLess);
    e->many->insert(pos, id);
  } else {
    auto pos = std::lower_bound(e->many->begin(), e->many->end(), id, RaxLess);
    if (pos != e->many->end() && *pos == id) return false;
    e->many->insert(pos, id);
  }
  ++items_;
  return true;
}

bool TrackingTable::Take(std::string_view key, std::vector<uint64_t>* ids) {
  ids->clear();
  Entry* e = table_.Unlink(key, storage::HashKey(key));
  if (e == nullptr) return false;
  if (e->many != nullptr) {
    ids->swap(*e->many);
  } else {
    ids->push_back(e->one);
  }
  items_ -= ids->size();
  EntryTraits::Destroy(e);
  table_.ResizeIfNeeded();  // a table emptied by invalidations shrinks
  return true;
}

void TrackingTable::Clear() {
  table_.Clear();  // Redis frees the whole tree too
  items_ = 0;
}

std::optional<std::string_view> TrackingTable::RandomKey(std::mt19937_64& rng) {
  Entry* e = table_.Random(rng);
  if (e == nullptr) return std::nullopt;
  return e->key();
}

// ---------------------------------------------------------------------------
// PrefixTable

bool PrefixTable::Add(std::string_view prefix, uint64_t id) {
  auto it = map_.find(prefix);
  if (it == map_.end()) it = map_.emplace(std::string(prefix), State()).first;
  return it->second.clients.insert(id).second;
}

void PrefixTable::Remove(std::string_view prefix, uint64_t id) {
  auto it = map_.find(prefix);
  if (it == map_.end()) return;
  it->second.clients.erase(id);
  if (it->second.clients.empty()) {
    if (!it->second.keys.empty()) --pending_;
    map_.erase(it);
  }
}

void PrefixTable::KeyModified(std::string_view key, uint64_t modifier) {
  // Every prefix of key sorts at or before key: stop at the first greater.
  for (auto it = map_.begin(); it != map_.end() && std::string_view(it->first) <= key; ++it) {
    if (key.substr(0, it->first.size()) != it->first) continue;
    State& state = it->second;
    if (state.keys.empty()) ++pending_;
    state.keys.insert_or_assign(std::string(key), modifier);
  }
}

const PrefixTable::State* PrefixTable::Find(std::string_view prefix) const {
  auto it = map_.find(prefix);
  return it == map_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------
// Tracking

Tracking::Tracking(std::function<Client*(uint64_t)> find_client,
                   std::function<void(Client*)> on_output)
    : find_client_(std::move(find_client)), on_output_(std::move(on_output)) {}

std::optional<Tracking::PrefixCollision> Tracking::CheckPrefixes(
    const Client* c, std::span<const std::string_view> prefixes) const {
  const ClientTracking* t = c->tracking();
  for (size_t i = 0; i < prefixes.size(); ++i) {
    if (t != nullptr) {
      for (const std::string& existing : t->prefixes) {
        if (Overlap(existing, prefixes[i])) {
          return PrefixCollision{"ERR Prefix '" + std::string(CStringView(prefixes[i])) +
                                     "' overlaps with an existing prefix '" + std::string(CStringView(existing)) +
                                     "'. Prefixes for a single client must not overlap.",
                                 true};
        }
      }
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (Overlap(prefixes[i], prefixes[j])) {
        // Redis returns the index i as its "ok" result here: only i == 0
        // stops CLIENT TRACKING.
        return PrefixCollision{"ERR Prefix '" + std::string(CStringView(prefixes[i])) +
                                   "' overlaps with another provided prefix '" +
                                   std::string(CStringView(prefixes[j])) +
                                   "'. Prefixes for a single client must not overlap.",
                               i == 0};
      }
    }
  }
  return std::nullopt;
}

void Tracking::Enable(Client* c, uint64_t redirect, const TrackingOptions& options,
                      std::span<const std::string_view> prefixes) {
  ClientTracking* t = c->tracking();
  if (t == nullptr) {
    t = &c->EnableTracking();
    clients_.emplace(c->id(), c);
    broken_while_off_.erase(c->id());
  }
  t->redirect = redirect;
  t->options = options;
  t->broken_redirect = false;
  if (options.bcast) {
    auto subscribe = [this, c, t](std::string_view prefix) {
      if (prefixes_.Add(prefix, c->id())) t->prefixes.emplace(prefix);
    };
    if (prefixes.empty()) subscribe("");
    for (std::string_view p : prefixes) subscribe(p);
  }
}

void Tracking::Disable(Client* c) {
  ClientTracking* t = c->tracking();
  if (t == nullptr) return;
  for (const std::string& prefix : t->prefixes) prefixes_.Remove(prefix, c->id());
  if (c == current_ && !pending_.empty()) pending_redirect_ = t->redirect;
  c->DisableTracking();
  clients_.erase(c->id());
}

void Tracking::ClientFreed(Client* c) {
  Disable(c);
  broken_while_off_.erase(c->id());
}

bool Tracking::RedirectBroken(const Client* c) const {
  const ClientTracking* t = c->tracking();
  return t != nullptr ? t->broken_redirect : broken_while_off_.count(c->id()) != 0;
}

void Tracking::RememberKeys(Client* c, const commands::CommandSpec& cmd,
                            std::span<const std::string_view> args) {
  const ClientTracking* t = c->tracking();
  if (t == nullptr || t->options.bcast) return;
  // OPTIN tracks only after CLIENT CACHING YES, OPTOUT unless CLIENT
  // CACHING NO.
  if ((t->options.optin && !t->caching) || (t->options.optout && t->caching)) return;
  std::vector<int> positions;
  if (!cmd.Keys(args, &positions)) return;
  for (int pos : positions) table_.Remember(args[pos], c->id());
}

void Tracking::FlushPending() {
  if (pending_.empty()) return;
  std::vector<std::optional<std::string>> pending;
  pending.swap(pending_);
  Client* c = current_;
  if (c != nullptr) {
    for (const auto& key : pending) {
      if (key) {
        Send(c, nullptr, *key);
      } else {
        Send(c, &NullPayload(c->resp()), {});
      }
    }
  }
  pending_redirect_ = 0;
}

void Tracking::KeyModified(std::string_view key, bool by_expiry) {
  if (!prefixes_.empty()) {
    // The modifier is the client whose command wrote the key (Redis's
    // signalModifiedKey argument): none for an expiry.
    const Client* modifier = by_expiry ? nullptr : current_;
    prefixes_.KeyModified(key, modifier != nullptr ? modifier->id() : 0);
  }
  if (!table_.empty()) InvalidateKey(key);
}

void Tracking::InvalidateKey(std::string_view key) {
  if (!table_.Take(key, &ids_)) return;
  for (uint64_t id : ids_) {  // Send never comes back here: ids_ stays put
    auto found = clients_.find(id);
    Client* target = found != clients_.end() ? found->second : nullptr;
    const ClientTracking* t = target != nullptr ? target->tracking() : nullptr;
    // Entries of clients gone, no longer tracking, or tracking in BCAST mode
    // since (the key was remembered before they switched) are dropped.
    if (t == nullptr || t->options.bcast) continue;
    if (t->options.noloop && target == current_) continue;
    if (target == current_ && executing_) {
      // Its own command: after its reply (Redis's tracking_pending_keys).
      pending_.emplace_back(std::string(key));
    } else {
      Send(target, nullptr, key);
    }
  }
}

void Tracking::DatabaseFlushed() {
  // In connection order (ascending ids). Redis walks its client list, which
  // its clientsCron rotates, so its order is a rotation of this one that
  // changes with time (docs/COMPATIBILITY.md).
  for (const auto& [id, c] : clients_) {
    if (c == current_) {
      pending_.emplace_back(std::nullopt);  // NOLOOP or not: after its reply
    } else {
      Send(c, &NullPayload(c->resp()), {});
    }
  }
  table_.Clear();
}

void Tracking::BroadcastPending() {
  if (clients_.empty()) return;
  prefixes_.Drain([this](const std::string&, const PrefixTable::State& state) {
    const SharedBytes all = BroadcastArray(state.keys, 0);
    for (uint64_t id : state.clients) {
      auto found = clients_.find(id);
      if (found == clients_.end()) continue;  // cannot happen: Disable unsubscribes
      Client* c = found->second;
      if (c->tracking()->options.noloop) {
        // This client may have modified some of the keys itself.
        SharedBytes own = BroadcastArray(state.keys, id);
        if (own) Send(c, &own, {});
      } else {
        Send(c, &all, {});
      }
    }
  });
}

void Tracking::LimitKeys(size_t max_keys) {
  if (max_keys == 0) return;
  if (table_.keys() <= max_keys) {
    limit_rounds_ = 0;
    return;
  }
  // The effort grows with each call that could not get under the limit.
  int effort = 100 * static_cast<int>(limit_rounds_ + 1);
  while (effort-- > 0) {
    const std::optional<std::string_view> picked = table_.RandomKey(rng_);
    if (!picked) break;
    const std::string key(*picked);  // the entry goes with the invalidation
    InvalidateKey(key);
    if (table_.keys() <= max_keys) {
      limit_rounds_ = 0;
      return;
    }
  }
  ++limit_rounds_;
}

void Tracking::Send(Client* c, const SharedBytes* payload, std::string_view key) {
  Client* target = c;
  bool redirected = false;
  const ClientTracking* t = c->tracking();
  const uint64_t redirect = t != nullptr ? t->redirect : pending_redirect_;
  if (redirect != 0) {
    target = find_client_(redirect);
    if (target == nullptr) {
      // Tell the tracking client its invalidations have nowhere to go.
      if (ClientTracking* own = c->tracking()) {
        own->broken_redirect = true;
      } else {
        broken_while_off_.insert(c->id());
      }
      if (c->resp() >= 3 && !c->closing()) {
        std::string msg = ">2\r\n$21\r\ntracking-redir-broken\r\n";
        AppendLength(&msg, ':', redirect);
        c->output().Append(msg);
        on_output_(c);
      }
      return;
    }
    redirected = true;
  }
  // Redis drops output for a client about to close.
  if (target->closing()) return;
  if (target->resp() >= 3) {
    target->output().Append(kPushHeader);
  } else if (redirected && target->subscribed()) {
    target->output().Append(kMessageHeader);
  } else {
    return;  // a RESP2 connection cannot take a push
  }
  if (payload != nullptr) {
    target->output().AppendSharedOrCopy(*payload, kShareMinBytes);
  } else {
    std::string one = "*1\r\n";
    AppendBulk(&one, key);
    target->output().Append(one);
  }
  on_output_(target);
}

}  // namespace spindle::server
