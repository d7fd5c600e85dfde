#pragma once
// Client-side caching (Redis 7.0's tracking.c): which clients may hold which
// keys, and the invalidation messages sent when those keys change.
//
// Two modes, as in Redis:
//  - default (optionally OPTIN / OPTOUT): after a read-only command the keys
//    it named are remembered for the client in the TrackingTable (key ->
//    client ids). A write to such a key sends one invalidation to each
//    remembering client and forgets the key. The table holds key names, not
//    (db, name): a write in any database invalidates the name. Entries of
//    clients that stopped tracking or went away are dropped lazily, when the
//    key is next invalidated, so a client with millions of entries
//    disconnects at no cost (Redis does the same, and INFO's
//    tracking_total_items counts those entries until then).
//  - BCAST: a client subscribes to key prefixes (PrefixTable, "" = every
//    key); each modified key matching a prefix is collected there and,
//    before the event loop sleeps, sent to the prefix's clients in one
//    message per prefix (Redis's trackingBroadcastInvalidationMessages).
//
// Messages go to the tracking client itself (RESP3 push
// ">2 invalidate <array of keys>") or to its REDIRECT target: a RESP3 target
// gets the push, a RESP2 target with any subscription gets a pub/sub message
// on __redis__:invalidate, any other target gets nothing. FLUSHDB / FLUSHALL
// send a null in place of the array (the tracking client's null: "$-1" or
// "_", whatever the target speaks, as Redis). A REDIRECT target that went
// away turns into the "tracking-redir-broken" push (RESP3 tracking clients)
// each time a message would have been sent, and flag R.
//
// Ordering (Redis 7.0): an invalidation a command causes for its own client
// is held back ("pending") and sent after the command's reply, after the
// whole EXEC for a transaction (FlushPending, called by the server at the end
// of each top-level command); invalidations for other clients are queued on
// their output at once.
//
// Thread: main thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "common/chunked_buffer.h"
#include "storage/hashtable.h"

namespace spindle::server {

class Client;

// The options of CLIENT TRACKING ON (Redis's CLIENT_TRACKING_* option bits).
struct TrackingOptions {
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
};

// One tracking client's state. Allocated by CLIENT TRACKING ON and freed by
// OFF, RESET and disconnect, so clients that never track pay one pointer.
struct ClientTracking {
  uint64_t redirect = 0;  // client id; 0: the client's own connection
  TrackingOptions options;
  // CLIENT CACHING YES (OPTIN) / NO (OPTOUT) given: lasts until the end of
  // the next command, or of the next transaction (Redis's
  // CLIENT_TRACKING_CACHING, cleared in resetClient).
  bool caching = false;
  bool broken_redirect = false;  // the redirect target went away (flag R)
  // BCAST prefixes, in byte order (as TRACKINGINFO lists them).
  std::set<std::string> prefixes;
};

// Key -> ids of the clients that may cache it. No server dependency.
//
// Built on storage's intrusive HashTable (incremental rehash, shrinking):
// one allocation per key holding the link, the key bytes and, in the usual
// case of one client, its id; a second client moves the ids to a vector.
// A million 10-byte keys read by one client take 64 bytes each, buckets
// included (Redis's radix tree: 98; INFO used_memory before and after).
class TrackingTable {
 public:
  TrackingTable() = default;
  TrackingTable(const TrackingTable&) = delete;
  TrackingTable& operator=(const TrackingTable&) = delete;
  ~TrackingTable() = default;

  // Remembers that client id may cache key. True when the pair is new.
  bool Remember(std::string_view key, uint64_t id);
  // Removes key and moves its client ids into *ids, in Redis's order (by
  // the ids' little-endian bytes, as its radix tree sorts them). False (and
  // *ids empty) when the key is not tracked.
  bool Take(std::string_view key, std::vector<uint64_t>* ids);
  void Clear();

  size_t keys() const { return table_.size(); }
  // Client ids across every key (INFO tracking_total_items).
  uint64_t items() const { return items_; }
  bool empty() const { return table_.size() == 0; }
  // A key picked at random (a random non-empty bucket, then a random key of
  // its chain): what trackingLimitUsedSlots evicts. Empty when the table
  // is. The view is valid until the table changes.
  std::optional<std::string_view> RandomKey(std::mt19937_64& rng);

 private:
  // One tracked key: its clients, then (in the same allocation, right
  // after the struct) its bytes.
  struct Entry {
    Entry* next;
    uint64_t one;                 // the only client, while `many` is null
    std::vector<uint64_t>* many;  // two clients or more, in Redis's order
    uint32_t len;

    char* bytes() { return reinterpret_cast<char*>(this) + sizeof(Entry); }
    std::string_view key() const {
      return {reinterpret_cast<const char*>(this) + sizeof(Entry), len};
    }
  };
  struct EntryTraits {
    static std::string_view Key(const Entry* e) { return e->key(); }
    static Entry*& Next(Entry* e) { return e->next; }
    static Entry* Next(const Entry* e) { return e->next; }
    static void Destroy(Entry* e);
  };

  storage::HashTable<Entry, EntryTraits> table_;
  uint64_t items_ = 0;
};

// BCAST prefixes -> subscribed clients, and the keys modified since the last
// broadcast under each prefix. No server dependency.
class PrefixTable {
 public:
  struct State {
    // Modified keys in byte order, each with the id of the client whose
    // command modified it last (0: none, e.g. expiry), for NOLOOP.
    std::map<std::string, uint64_t> keys;
    std::set<uint64_t> clients;
  };

  // Subscribes client id to prefix. False when it already was.
  bool Add(std::string_view prefix, uint64_t id);
  // Unsubscribes id; a prefix left without clients goes.
  void Remove(std::string_view prefix, uint64_t id);
  // Records key, modified by client `modifier` (0: none), under every
  // prefix that is a prefix of it (Redis's trackingRememberKeyToBroadcast).
  void KeyModified(std::string_view key, uint64_t modifier);
  // Calls fn(prefix, state) for each prefix with modified keys, in prefix
  // order, then forgets every modified key.
  template <typename Fn>
  void Drain(Fn&& fn) {
    if (pending_ == 0) return;
    for (auto& [prefix, state] : map_) {
      if (state.keys.empty()) continue;
      fn(prefix, state);
      state.keys.clear();
    }
    pending_ = 0;
  }

  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }
  const State* Find(std::string_view prefix) const;

 private:
  std::map<std::string, State, std::less<>> map_;
  size_t pending_ = 0;  // prefixes that collected keys since the last Drain
};

// The server side of client-side caching: per-client state, the two tables,
// the messages. Reaches clients only through the two callbacks, so it runs
// without a Server (tests).
class Tracking {
 public:
  // find_client(id): the live client with that id, or null (Redis's
  // lookupClientByID), for REDIRECT targets. on_output(c): c's output
  // grew; schedule its write. A tracking client must be Disabled before it
  // is destroyed.
  Tracking(std::function<Client*(uint64_t)> find_client, std::function<void(Client*)> on_output);
  Tracking(const Tracking&) = delete;
  Tracking& operator=(const Tracking&) = delete;

  // ---- CLIENT TRACKING / CACHING

  // Redis's checkPrefixCollisionsOrReply, for CLIENT TRACKING ON ... BCAST.
  // Null when no prefix overlaps another (a prefix of the other) or one the
  // client already has. Otherwise the error, and whether it stops the
  // command: an overlap with an existing prefix, or between two given
  // prefixes found for the first one, does; Redis 7.0 goes on with tracking
  // after replying the error when the first colliding given prefix is not
  // the first one given, and replies OK as well.
  struct PrefixCollision {
    std::string error;
    bool stops = true;
  };
  std::optional<PrefixCollision> CheckPrefixes(const Client* c,
                                               std::span<const std::string_view> prefixes) const;
  // Redis's enableTracking: c tracks (again) with these options; the
  // previous ones and flag R are replaced, CACHING stays, BCAST prefixes
  // add up ("" when BCAST names none).
  void Enable(Client* c, uint64_t redirect, const TrackingOptions& options,
              std::span<const std::string_view> prefixes);
  // Redis's disableTracking: c's state and prefixes go; its entries in the
  // key table stay until those keys are invalidated.
  void Disable(Client* c);
  // c disconnects: Disable, and nothing of it is kept.
  void ClientFreed(Client* c);
  // Flag R (TRACKINGINFO's broken_redirect). Tracking's, or one a client
  // kept after turning tracking off: an invalidation held back before OFF
  // (in the same transaction) that found its redirect gone sets it, and
  // only turning tracking on again clears it (Redis: disableTracking clears
  // the flags only of a client that tracks).
  bool RedirectBroken(const Client* c) const;

  // ---- the command path (the server calls these)

  // The client whose command is being processed (Redis's
  // server.current_client), null outside commands. Invalidations for it
  // while `executing` (the command's handler runs) are held back until
  // FlushPending; NOLOOP clients are not told about what it changes.
  Client* current() const { return current_; }
  bool executing() const { return executing_; }
  void set_current(Client* c) { current_ = c; }
  void set_executing(bool v) { executing_ = v; }
  // After a read-only command of c: remember the keys it named (Redis's
  // trackingRememberKeys), unless c is in BCAST mode or OPTIN / OPTOUT and
  // CLIENT CACHING say not to.
  void RememberKeys(Client* c, const commands::CommandSpec& cmd,
                    std::span<const std::string_view> args);
  // Sends the held-back invalidations to the current client (Redis's
  // trackingHandlePendingKeyInvalidations); the server calls it at the end of
  // each top-level command, so they follow its reply (and EXEC's whole
  // reply).
  void FlushPending();

  // ---- keyspace events (the server's KeyspaceObserver)

  // signalModifiedKey's trackingInvalidateKey. by_expiry: the key expired
  // (no client modified it; BCAST NOLOOP clients hear about it too).
  void KeyModified(std::string_view key, bool by_expiry);
  // signalFlushedDb's trackingInvalidateKeysOnFlush: every tracking client
  // gets the null invalidation, the key table is emptied.
  void DatabaseFlushed();

  // ---- the event loop

  // Before the loop sleeps: one message per BCAST prefix with modified
  // keys, to each of its clients (NOLOOP clients without their own keys).
  void BroadcastPending();
  // trackingLimitUsedSlots: while the key table holds more than max_keys
  // (0: no limit) keys, invalidate random ones. Bounded work per call (100
  // keys, 100 more per consecutive call that could not get under the limit).
  void LimitKeys(size_t max_keys);

  // ---- introspection (INFO)
  size_t tracking_clients() const { return clients_.size(); }
  size_t total_keys() const { return table_.keys(); }
  uint64_t total_items() const { return table_.items(); }
  size_t total_prefixes() const { return prefixes_.size(); }

 private:
  // Invalidates key for the clients remembering it (no broadcast part).
  void InvalidateKey(std::string_view key);
  // Redis's sendTrackingMessage: the invalidation for tracking client c,
  // to c or its redirect target. payload: the RESP value (the array of
  // keys, or a null); or, when payload is null, the one-key array of key.
  void Send(Client* c, const SharedBytes* payload, std::string_view key);

  std::function<Client*(uint64_t)> find_client_;
  std::function<void(Client*)> on_output_;
  TrackingTable table_;
  PrefixTable prefixes_;
  // The clients with tracking on, by id (= connection order, the order
  // Redis's client list gives a flush's messages).
  std::map<uint64_t, Client*> clients_;
  Client* current_ = nullptr;
  bool executing_ = false;
  // Held back for the current client: keys, or nullopt for a flush's null.
  std::vector<std::optional<std::string>> pending_;
  // The redirect of a current client that turned tracking off with
  // invalidations still held back (Redis keeps the field after OFF).
  uint64_t pending_redirect_ = 0;
  // Clients with flag R but tracking off (see RedirectBroken).
  std::set<uint64_t> broken_while_off_;
  std::vector<uint64_t> ids_;  // scratch for InvalidateKey
  unsigned limit_rounds_ = 0;  // consecutive LimitKeys calls still over the limit
  std::mt19937_64 rng_{0x5eed};
};

}  // namespace spindle::server
