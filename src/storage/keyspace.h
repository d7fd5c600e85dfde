#pragma once
// Keyspace: the numbered databases; Database: one key -> Value map plus its
// expiry index. Every lookup applies lazy expiry: an expired key is deleted
// before anyone can see it, so no command ever observes it.
//
// Storage knows nothing of replies: operations return values, pointers or
// counts, and the commands layer turns them into replies.
//
// Thread: main thread only.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/db_entry.h"
#include "storage/hashtable.h"
#include "storage/keyspace_events.h"
#include "storage/value.h"

namespace spindle::storage {

struct KeyspaceStats {
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_keys = 0;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Called when a list, sorted set or stream value is stored under a key (a
// new key, or one replaced by RENAME / MOVE / COPY ...): clients blocked on
// that key may now be served (Redis's signalKeyAsReady from dbAdd).
using KeyReadyHook = std::function<void(int db, std::string_view key)>;

// How lookups treat a key whose TTL has passed.
enum class ExpiryMode : uint8_t {
  kNormal,  // deleted on the spot ("expired")
  // CLIENT PAUSE: treated as absent but not deleted (nothing may change the
  // dataset), as Redis's expireIfNeeded during a pause.
  kPaused,
  // Loading an AOF: never expired (Redis's keyIsExpired while loading), so
  // replaying a command sees the key as the original run saw it; expiry
  // resumes once loading ends.
  kOff,
};

// How a lookup stamps a key's access word (maxmemory-policy, lfu-*): the
// LRU clock, or under an LFU policy Redis's logarithmic counter (lfu.h).
struct AccessPolicy {
  bool lfu = false;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;  // minutes; 0: never decays
};

// What the Keyspace tells every Database about how lookups behave now.
struct LookupModes {
  ExpiryMode expiry = ExpiryMode::kNormal;
  // A forked child (BGSAVE, BGREWRITEAOF) shares the pages copy-on-write:
  // a lookup then leaves the access clock alone, or every read would copy
  // its key's page (Redis's lookupKey skips it while a child exists).
  bool no_touch = false;
  AccessPolicy access;
};

class Database {
 public:
  // key_ready and observer point at the Keyspace's (installed later).
  Database(int index, KeyspaceStats* stats, const KeyReadyHook* key_ready = nullptr,
           KeyspaceObserver* const* observer = nullptr, const LookupModes* modes = nullptr)
      : index_(index),
        stats_(stats),
        key_ready_(key_ready),
        observer_(observer),
        modes_(modes) {}

  int index() const { return index_; }
  // Who hears about modified keys and keyspace events (never null).
  KeyspaceObserver& observer() const {
    return observer_ != nullptr && *observer_ != nullptr ? **observer_
                                                        : *NullKeyspaceObserver::Instance();
  }

  // Lookup for a read: counts a keyspace hit or miss, and reports a miss as
  // a "keymiss" event (Redis's lookupKeyRead). nullptr if absent or expired.
  Value* LookupRead(std::string_view key, int64_t now_ms);
  // The same read without touching the access clock (Redis's
  // lookupKeyReadWithFlags(LOOKUP_NOTOUCH): EXISTS, TYPE, the TTL family).
  Value* LookupReadNoTouch(std::string_view key, int64_t now_ms);
  // Lookup for a write (no hit/miss accounting). nullptr if absent or expired.
  Value* LookupWrite(std::string_view key, int64_t now_ms);
  // True if the key exists and is not expired (no hit/miss accounting).
  bool Exists(std::string_view key, int64_t now_ms) { return LookupWrite(key, now_ms) != nullptr; }

  // Stores value under key, replacing any old value. The key's TTL is
  // removed unless keep_ttl. Returns the stored value. A key that was not in
  // the table is reported as a "new" event (Redis's dbAdd); one that was is
  // overwritten silently (dbOverwrite). The table is not checked for expiry
  // here: callers look the key up first (as Redis's setKey does), so a key
  // whose TTL has passed is reported "expired" and then "new".
  Value& Set(std::string_view key, Value value, bool keep_ttl = false);
  // Removes the key (and its TTL). Returns whether it existed (expired keys
  // count as absent).
  bool Delete(std::string_view key, int64_t now_ms);

  // Whether key is in the table at all, logically expired or not (Redis's
  // dictFind on db->dict; WATCH needs the distinction).
  bool ContainsRaw(std::string_view key) const;
  // Redis's keyIsExpired: the key has a TTL that has passed (it may still
  // be in the table, waiting for lazy or active expiry).
  bool IsLogicallyExpired(std::string_view key, int64_t now_ms) const {
    if (expiry_mode() == ExpiryMode::kOff) return false;
    int64_t when = GetExpire(key);
    return when >= 0 && when < now_ms;
  }
  // Redis's dbDelete: removes the key if it is in the table at all, even
  // when its TTL has passed (no "expired" then: the caller reports a "del").
  // The *STORE commands delete an empty result's destination this way.
  bool DeleteRaw(std::string_view key);
  // Absolute expiry in unix ms, or -1 when the key has none (or is absent).
  int64_t GetExpire(std::string_view key) const;
  // Sets the absolute expiry of an existing key.
  void SetExpire(std::string_view key, int64_t when_ms);
  // Removes the TTL; returns whether there was one.
  bool RemoveExpire(std::string_view key);

  size_t size() const { return keys_.size(); }
  size_t expires_size() const { return expires_.size(); }
  void Clear();  // synchronous
  // Deletes the key if its TTL has passed; returns whether it did.
  bool ExpireIfNeeded(std::string_view key, int64_t now_ms);

  // Lookup that neither counts hits/misses nor updates the access clock
  // (OBJECT, DEBUG, TTL-free inspection). Applies lazy expiry.
  Value* LookupNoTouch(std::string_view key, int64_t now_ms);

  // Visits every key (KEYS). fn(key, value) must not modify the database.
  void ForEach(const std::function<void(std::string_view key, const Value& value)>& fn) const;

  // SCAN: visits the keys stored at `cursor` and returns the next cursor
  // (0 when the iteration is complete). A key present for the whole
  // iteration is visited at least once even if the table grows, shrinks or
  // rehashes between calls (Redis's reverse-binary cursor); a key may be
  // visited more than once. fn must not modify the database.
  uint64_t Scan(uint64_t cursor,
                const std::function<void(std::string_view key, const Value& value)>& fn) const;

  // A random live key (Redis's dbRandomKey), nullopt when empty. Expired
  // keys met on the way are deleted.
  std::optional<std::string> RandomKey(int64_t now_ms);

  // Removes key and returns its value; *expire_ms gets its TTL (-1: none).
  // nullopt if absent or expired. (RENAME, MOVE.)
  std::optional<Value> Take(std::string_view key, int64_t now_ms, int64_t* expire_ms);

  // Active expiry: examines up to `max_keys` keys with a TTL, continuing
  // where the previous call stopped, and deletes the expired ones.
  struct ExpireStep {
    size_t sampled = 0;
    size_t expired = 0;
    int64_t ttl_sum = 0;     // remaining TTL (ms) of the sampled live keys
    size_t ttl_samples = 0;  // how many live keys ttl_sum covers
  };
  ExpireStep ActiveExpire(size_t max_keys, int64_t now_ms);

  // Sizes the empty tables for this many keys and TTLs at once (RDB
  // loading's RESIZEDB hint); no-op when the database holds keys.
  void Reserve(size_t keys, size_t expires) {
    keys_.Reserve(keys);
    expires_.Reserve(expires);
  }

  // Incremental rehashing driven by the cron (Redis's incrementallyRehash):
  // does at most `steps` units of rehash work; returns true while a rehash
  // is still in progress. Lookups and inserts also do a little each.
  bool RehashStep(int steps);

  // SWAPDB: exchanges all keys, TTLs and the average TTL with other.
  void SwapContents(Database& other);

  // Releases every key; with a freer, the old table is destroyed on its
  // background thread (FLUSHDB ASYNC) and this returns at once.
  void Clear(class BackgroundFreer* freer);

  // --- eviction (maxmemory) and memory introspection ---
  // Calls fn for up to `count` randomly chosen keys (Redis's dictGetSomeKeys
  // on db->dict, or on db->expires when volatile_only), repeats possible;
  // expire_ms is -1 for a key without TTL. Keys whose TTL has passed are
  // offered too, as Redis does. fn must not modify the database.
  void SampleKeys(bool volatile_only, size_t count,
                  const std::function<void(std::string_view key, const Value& value,
                                           int64_t expire_ms)>& fn);
  // Removes key whatever its TTL (Redis's dbSyncDelete / dbAsyncDelete for
  // eviction): with a freer, a value that is costly to free goes to it.
  // Reports nothing. Returns whether the key was in the table.
  bool DeleteForEviction(std::string_view key, class BackgroundFreer* freer);
  // The value in the table, expired or not, without touching anything
  // (Redis's dictFind in MEMORY USAGE).
  const Value* PeekRaw(std::string_view key) const;
  // MEMORY USAGE: bytes held for key (its table entry, TTL node and value),
  // collections estimated from `samples` elements (0: all). nullopt if the
  // key is not in the table.
  std::optional<size_t> MemoryUsage(std::string_view key, size_t samples) const;
  // Bucket arrays (Redis's dictSlots) of the key table and the expiry index.
  size_t key_slots() const { return keys_.slots(); }
  size_t expire_slots() const { return expires_.slots(); }
  // Bytes of one key's table entry beyond its key bytes, and of one TTL
  // node (MEMORY STATS overhead).
  static size_t EntryOverhead();
  static size_t ExpireEntryBytes();

  // Average TTL in ms as INFO keyspace reports it (maintained by the server's
  // active-expire cycle, as Redis does).
  int64_t avg_ttl() const { return avg_ttl_; }
  void set_avg_ttl(int64_t ms) { avg_ttl_ = ms; }

 private:
  // A read's accounting: a hit, or a miss and its "keymiss" event. Returns v.
  Value* CountRead(std::string_view key, Value* v);
  int index_;
  KeyspaceStats* stats_;
  const KeyReadyHook* key_ready_;
  KeyspaceObserver* const* observer_;
  const LookupModes* modes_;
  ExpiryMode expiry_mode() const {
    return modes_ != nullptr ? modes_->expiry : ExpiryMode::kNormal;
  }
  int64_t avg_ttl_ = 0;
  using KeyTable = HashTable<KeyEntry, KeyEntryTraits>;
  using ExpireTable = HashTable<ExpireEntry, ExpireEntryTraits>;

  // The entry for key (hash precomputed) after lazy expiry; nullptr if
  // absent or expired. Does one bucket of rehash work on each table.
  KeyEntry* FindLive(std::string_view key, uint64_t hash, int64_t now_ms);
  // Unlinks and frees the entry (and its expiry-index node).
  void Remove(KeyEntry* e, uint64_t hash);
  // Removes an entry whose TTL has passed, counts it and reports it
  // ("expired" event, modified key), as Redis's deleteExpiredKeyAndPropagate.
  void RemoveExpired(KeyEntry* e, uint64_t hash);
  // The expiry-index node of an entry that has_expire().
  ExpireEntry* FindExpire(const KeyEntry* e, uint64_t hash) const;

  KeyTable keys_;
  ExpireTable expires_;
  uint64_t expire_cursor_ = 0;                  // ActiveExpire resumes here
  uint64_t rng_state_ = 0x853c49e6748fea9bULL;  // RandomKey
};

// Frees detached tables and large values on a background thread (FLUSHALL
// ASYNC, UNLINK of big values), so the main thread never pauses for them.
class BackgroundFreer {
 public:
  BackgroundFreer();
  ~BackgroundFreer();  // finishes pending work, joins the thread
  BackgroundFreer(const BackgroundFreer&) = delete;
  BackgroundFreer& operator=(const BackgroundFreer&) = delete;
  // Takes ownership of anything movable and destroys it off the main thread.
  // `objects` is how many keys/values the job frees (lazyfreed_objects).
  // Thread: any.
  void Submit(std::function<void()> destroy, uint64_t objects = 1);
  // Objects freed so far (INFO lazyfreed_objects) and pending.
  uint64_t freed() const;
  uint64_t pending() const;
  // Blocks until every job submitted so far has run (tests, shutdown).
  void Drain();

 private:
  struct Job {
    std::function<void()> destroy;
    uint64_t objects;
  };
  void Run();

  mutable std::mutex mu_;
  std::condition_variable wake_;  // a job arrived, or stop_
  std::condition_variable idle_;  // the queue drained
  std::deque<Job> queue_;
  bool stop_ = false;
  bool busy_ = false;
  std::atomic<uint64_t> freed_{0};
  std::atomic<uint64_t> pending_{0};
  std::thread thread_;
};

class Keyspace {
 public:
  explicit Keyspace(int databases);

  int count() const { return static_cast<int>(dbs_.size()); }
  Database& db(int index) { return *dbs_[index]; }
  KeyspaceStats& stats() { return stats_; }

  void FlushAll(BackgroundFreer* freer = nullptr);
  // SWAPDB.
  void Swap(int a, int b);
  BackgroundFreer& freer() { return *freer_; }
  // The server's blocking-commands bookkeeping (see KeyReadyHook).
  void set_key_ready_hook(KeyReadyHook hook) { key_ready_ = std::move(hook); }
  // The server's observer (WATCH, tracking, notifications); null restores
  // the no-op one. Not owned.
  void set_observer(KeyspaceObserver* observer) { observer_ = observer; }
  // CLIENT PAUSE (kPaused) and AOF loading (kOff): see ExpiryMode.
  void set_expiry_mode(ExpiryMode mode) { modes_.expiry = mode; }
  ExpiryMode expiry_mode() const { return modes_.expiry; }
  // While a forked child runs: see LookupModes::no_touch.
  void set_no_touch(bool no_touch) { modes_.no_touch = no_touch; }
  // maxmemory-policy and lfu-*: how lookups stamp access words.
  void set_access_policy(const AccessPolicy& p) { modes_.access = p; }
  const AccessPolicy& access_policy() const { return modes_.access; }
  KeyspaceObserver& observer() const {
    return observer_ != nullptr ? *observer_ : *NullKeyspaceObserver::Instance();
  }

  // Changes since the last save (Redis's server.dirty): writes add to it.
  uint64_t dirty() const { return dirty_; }
  void AddDirty(uint64_t n) { dirty_ += n; }
  // SAVE resets it; a finished BGSAVE subtracts what it covered.
  void set_dirty(uint64_t n) { dirty_ = n; }

 private:
  KeyspaceStats stats_;
  std::vector<std::unique_ptr<Database>> dbs_;
  std::unique_ptr<BackgroundFreer> freer_;
  KeyReadyHook key_ready_;
  KeyspaceObserver* observer_ = nullptr;
  LookupModes modes_;
  uint64_t dirty_ = 0;
};

}  // namespace spindle::storage
