#pragma once
// Client limits, as Redis 7.0 enforces them on connections:
//  - client-output-buffer-limit: per client class, a hard limit (bytes) and a
//    soft limit (bytes held for more than N seconds); a client over either is
//    closed (Redis's checkClientOutputBufferLimits /
//    closeClientOnOutputBufferLimitReached);
//  - maxmemory-clients: when the memory of all clients (query buffers, reply
//    buffers, transaction queues ...) reaches the limit, the biggest clients
//    are evicted (Redis's evictClients);
//  - protected-mode: with no password for the default user, connections from
//    addresses other than 127.0.0.1 / ::1 are refused with -DENIED.
//
// This header holds the pure parts (parsing, memory figures, decisions), unit
// tested on their own; the Server's side (when to check, closing, logging,
// eviction order) is in client_limits.cc too, as Server members.
//
// Thread: main thread. The figures read a client's buffers, which an I/O
// thread only touches inside a batch the main thread takes part in.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/socket.h"

namespace spindle::server {

class Client;

// Redis's client types for output-buffer limits (getClientType, with masters
// counted as normal clients). Spindle has no replication yet, so no client is
// of the replica class; its limits are parsed and kept for when it has.
enum class ClientClass : uint8_t { kNormal = 0, kReplica = 1, kPubSub = 2 };
inline constexpr int kClientClasses = 3;

struct OutputBufferLimit {
  uint64_t hard_bytes = 0;    // 0: no hard limit
  uint64_t soft_bytes = 0;    // 0: no soft limit
  int64_t soft_seconds = 0;   // the soft limit acts once held longer than this
  bool enabled() const { return hard_bytes != 0 || soft_bytes != 0; }
};

struct OutputBufferLimits {
  OutputBufferLimit by_class[kClientClasses];
  const OutputBufferLimit& Of(ClientClass c) const { return by_class[static_cast<int>(c)]; }
  // From the CONFIG GET text of client-output-buffer-limit,
  // "normal h s t slave h s t pubsub h s t" (Config has validated it).
  static OutputBufferLimits Parse(std::string_view text);
};

// The class whose limits apply to c: pubsub while it has subscriptions (any
// protocol, as Redis's CLIENT_PUBSUB flag), else normal. A MONITOR client
// is normal, as in Redis.
ClientClass OutputClassOf(const Client& c);
// The same from Client::subscribed(), inline for the per-command check.
inline ClientClass OutputClassFor(bool subscribed) {
  return subscribed ? ClientClass::kPubSub : ClientClass::kNormal;
}

// What c's reply buffer holds in memory (chunks allocated, shared pub/sub
// blocks counted in full in every buffer that queues them: what the client
// would hold with its own copy). Redis's getClientOutputBufferMemoryUsage.
size_t OutputMemoryUsage(const Client& c);

// Everything c holds (Redis's getClientMemoryUsage, CLIENT LIST tot-mem):
// the client object, its query buffer, its reply buffer, its queued
// transaction and the entries of its subscriptions.
size_t ClientMemoryUsage(const Client& c);

// Redis's checkClientOutputBufferLimits for a client whose output holds
// used bytes: true when used reaches the hard limit, or has been at or over
// the soft limit for more than soft_seconds. Keeps the time the soft limit
// was first reached in *soft_since_s (0: not reached), as Redis's
// obuf_soft_limit_reached_time: the call that first sees it reached starts
// the clock and answers false; a call that finds the client under the soft
// limit stops it.
bool OutputLimitReached(const OutputBufferLimit& limit, size_t used, int64_t now_s,
                        int64_t* soft_since_s);

// How far c's reply buffer may grow while one command runs, under limit
// (ChunkedBuffer::set_grow_limit): the hard limit, or the soft one once its
// clock (soft_since_s, as OutputLimitReached keeps it) has run longer than
// soft_seconds, since Redis would close the client the moment either is
// reached and queue nothing more; SIZE_MAX when neither applies.
size_t OutputGrowLimit(const OutputBufferLimit& limit, int64_t soft_since_s, int64_t now_s);

// Redis's getClientEvictionLimit: maxmemory-clients in bytes from its
// CONFIG GET text (bytes, or "N%" of maxmemory), at least 128 KiB so a bad
// setting cannot cut every client off; 0 when eviction is off (0, or a
// percentage while maxmemory is 0).
size_t ClientEvictionLimit(std::string_view maxmemory_clients, uint64_t maxmemory);

// Protected mode (Redis's clientAcceptHandler): whether a connection from
// peer must be refused. Redis 7.0.15 counts exactly "127.0.0.1" and "::1"
// (and Unix sockets) as local, so 127.0.0.2 is refused too; an explicit
// `bind` does not matter. default_user_nopass: the default user needs no
// password (requirepass empty).
bool IsLocalPeer(const net::PeerAddress& peer);
bool ProtectedModeRefuses(bool protected_mode, bool default_user_nopass,
                          const net::PeerAddress& peer);
// The reply written to a refused connection before it is closed (CRLF
// included), Redis's text byte for byte.
extern const std::string_view kProtectedModeDenied;

}  // namespace spindle::server
