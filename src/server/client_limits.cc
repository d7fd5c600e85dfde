// Client limits: output-buffer limits, client eviction (maxmemory-clients)
// and protected mode. See client_limits.h for the contract; this file also
// holds the Server's side: when the checks run, closing and logging.
//
// When Redis 7.0 checks, and where Spindle does the same:
//  - output limits: every time a reply block is added (_addReplyProtoToList),
//    closing asynchronously; and from clientsCron (closing at once) so a
//    client held over its soft limit is closed even when nothing more is
//    queued for it. Spindle bounds a reply's growth while a command runs
//    (OutputGrowLimit: past the limit nothing more is queued, as Redis),
//    checks after each command for the client that ran it, after each pub/sub message, invalidation or MONITOR line queued
//    on a client (OutputAppended), and in ClientsCron. The check, the figures
//    and closing all run on the main thread; I/O threads only drain buffers.
//  - client eviction: before each command (processCommand) and in
//    beforeSleep, on a running total of every client's memory kept up to
//    date where buffers change (after reads and commands, after writes,
//    after output queued from elsewhere, in the cron).

#include "server/client_limits.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "server/client.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {

const std::string_view kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
    "the server is running, however MAKE SURE Redis is not publicly accessible from internet if "
    "you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the "
    "protected mode option to 'no', and then restarting the server. 3) If you started the server "
    "manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an "
    "authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.\r\n";

OutputBufferLimits OutputBufferLimits::Parse(std::string_view text) {
  OutputBufferLimits out;
  std::istringstream in{std::string(text)};
  std::string cls;
  for (int i = 0; i < kClientClasses; ++i) {
    OutputBufferLimit l;
    if (!(in >> cls >> l.hard_bytes >> l.soft_bytes >> l.soft_seconds)) break;
    int index = cls == "normal" ? 0 : cls == "pubsub" ? 2 : 1;  // "slave" / "replica"
    out.by_class[index] = l;
  }
  return out;
}

ClientClass OutputClassOf(const Client& c) {
  return OutputClassFor(c.subscribed());
}

size_t OutputMemoryUsage(const Client& c) { return c.output_allocated(); }

size_t ClientMemoryUsage(const Client& c) {
  size_t mem = sizeof(Client) + c.query_capacity() + OutputMemoryUsage(c) + c.multi_memory();
  if (const ClientSubscriptions* subs = c.subscriptions()) {
    // The entries of the client's own lists (names are counted once, in the
    // registry, as Redis counts only its pointers and dict entries).
    mem += sizeof(ClientSubscriptions) +
           (subs->channels.size() + subs->patterns.size() + subs->shard_channels.size()) *
               (sizeof(std::string) + 4 * sizeof(void*));
  }
  return mem;
}

bool OutputLimitReached(const OutputBufferLimit& limit, size_t used, int64_t now_s,
                        int64_t* soft_since_s) {
  const bool hard = limit.hard_bytes != 0 && used >= limit.hard_bytes;
  bool soft = limit.soft_bytes != 0 && used >= limit.soft_bytes;
  if (soft) {
    if (*soft_since_s == 0) {
      *soft_since_s = now_s;
      soft = false;  // first time seen over it: the clock starts
    } else if (now_s - *soft_since_s <= limit.soft_seconds) {
      soft = false;  // not held long enough yet
    }
  } else {
    *soft_since_s = 0;
  }
  return hard || soft;
}

size_t OutputGrowLimit(const OutputBufferLimit& limit, int64_t soft_since_s, int64_t now_s) {
  size_t grow = std::numeric_limits<size_t>::max();
  if (limit.hard_bytes != 0) grow = static_cast<size_t>(limit.hard_bytes);
  if (limit.soft_bytes != 0 && soft_since_s != 0 && now_s - soft_since_s > limit.soft_seconds) {
    grow = std::min(grow, static_cast<size_t>(limit.soft_bytes));
  }
  return grow;
}

size_t ClientEvictionLimit(std::string_view maxmemory_clients, uint64_t maxmemory) {
  constexpr size_t kMinLimit = 128 * 1024;
  const std::string text(maxmemory_clients);
  size_t limit;
  if (!text.empty() && text.back() == '%') {
    if (maxmemory == 0) return 0;
    const double percent = std::strtod(text.c_str(), nullptr);
    const double bytes = static_cast<double>(maxmemory) * percent / 100;
    limit = bytes >= static_cast<double>(SIZE_MAX) ? SIZE_MAX : static_cast<size_t>(bytes);
  } else {
    const unsigned long long bytes = std::strtoull(text.c_str(), nullptr, 10);
    if (bytes == 0) return 0;
    limit = static_cast<size_t>(bytes);
  }
  return std::max(limit, kMinLimit);
}

bool IsLocalPeer(const net::PeerAddress& peer) {
  return peer.unix_socket || peer.ip == "127.0.0.1" || peer.ip == "::1";
}

bool ProtectedModeRefuses(bool protected_mode, bool default_user_nopass,
                          const net::PeerAddress& peer) {
  return protected_mode && default_user_nopass && !IsLocalPeer(peer);
}

// --- the Server's side -----------------------------------------------------

bool Server::CloseOnOutputLimit(Client* c, bool from_cron) {
  // The AOF loader's client has no connection: never closed.
  if (c->fd() < 0 || c->close_asap()) return false;
  const int64_t now_ms = Clock::NowMs();
  // A reply cut at its grow limit (OutputGrowLimit) must never be written:
  // that client is over, whatever the limits say now.
  if (!c->output().truncated()) {
    const OutputBufferLimit& limit = settings_.obuf_limits.Of(OutputClassOf(*c));
    if (!limit.enabled()) return false;
    const size_t used = OutputMemoryUsage(*c);
    if (used == 0) return false;  // Redis: reply_bytes == 0, the soft clock untouched
    if (!OutputLimitReached(limit, used, now_ms / 1000, &c->obuf_soft_since_s)) return false;
  }
  // The line shows the client as it was, before it is marked closing.
  const std::string info = ClientInfoLine(*c, now_ms);
  CloseClientAsync(c);
  if (from_cron) {
    LOG_WARNING("Client %s closed for overcoming of output buffer limits.", info.c_str());
  } else {
    LOG_WARNING("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.",
                info.c_str());
  }
  return true;
}

void Server::UpdateClientMemory(Client* c) {
  // A closing client left the total when it was marked (CloseClientAsync).
  if (c->close_asap() || c->fd() < 0) return;
  const size_t now = ClientMemoryUsage(*c);
  clients_memory_ += now;
  clients_memory_ -= c->accounted_memory;
  c->accounted_memory = now;
}

void Server::OutputAppended(Client* c) {
  if (CloseOnOutputLimit(c, false)) return;
  UpdateClientMemory(c);
  QueueWrite(c);
}

void Server::EvictClients() {
  const size_t limit = settings_.client_eviction_limit;
  if (limit == 0 || clients_memory_ < limit) return;
  // Redis keeps clients in buckets by powers of two of their memory and
  // evicts from the biggest bucket down; here every evictable client is
  // sorted by its memory, biggest first (Redis's order up to the order
  // inside one bucket). This runs only when the total is over the limit.
  std::vector<std::pair<size_t, Client*>> candidates;
  for (auto& [id, client] : clients_) {
    Client* c = client.get();
    if (c->close_asap() || c->no_evict()) continue;
    UpdateClientMemory(c);
    candidates.emplace_back(c->accounted_memory, c);
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  size_t next = 0;
  while (clients_memory_ >= limit) {
    if (next == candidates.size()) {
      LOG_WARNING("Over client maxmemory after evicting all evictable clients");
      break;
    }
    Client* c = candidates[next++].second;
    LOG_NOTICE("Evicting client: %s", ClientInfoLine(*c, Clock::NowMs()).c_str());
    CloseClientAsync(c);
    ++stats_.evicted_clients;
  }
}

}  // namespace spindle::server
