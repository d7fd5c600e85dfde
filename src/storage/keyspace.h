#pragma once
// Keyspace: the numbered databases; Database: one key -> Value map plus its
// expiry index. Every lookup applies lazy expiry: an expired key is deleted
// before anyone can see it, so no command ever observes it.
//
// Storage knows nothing of replies: operations return values, pointers or
// counts, and the commands layer turns them into replies.
//
// Thread: main thread only.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

class Database {
 public:
  Database(int index, KeyspaceStats* stats) : index_(index), stats_(stats) {}

  int index() const { return index_; }

  // Lookup for a read: counts a keyspace hit or miss. nullptr if absent or expired.
  Value* LookupRead(std::string_view key, int64_t now_ms);
  // Lookup for a write (no hit/miss accounting). nullptr if absent or expired.
  Value* LookupWrite(std::string_view key, int64_t now_ms);
  // True if the key exists and is not expired (no hit/miss accounting).
  bool Exists(std::string_view key, int64_t now_ms) { return LookupWrite(key, now_ms) != nullptr; }

  // Stores value under key, replacing any old value. The key's TTL is
  // removed unless keep_ttl. Returns the stored value.
  Value& Set(std::string_view key, Value value, bool keep_ttl = false);
  // Removes the key (and its TTL). Returns whether it existed (expired keys
  // count as absent).
  bool Delete(std::string_view key, int64_t now_ms);

  // Absolute expiry in unix ms, or -1 when the key has none (or is absent).
  int64_t GetExpire(std::string_view key) const;
  // Sets the absolute expiry of an existing key.
  void SetExpire(std::string_view key, int64_t when_ms);
  // Removes the TTL; returns whether there was one.
  bool RemoveExpire(std::string_view key);

  size_t size() const { return map_.size(); }
  size_t expires_size() const { return expires_.size(); }
  void Clear();
  // Deletes the key if its TTL has passed; returns whether it did.
  bool ExpireIfNeeded(std::string_view key, int64_t now_ms);

  // Iteration for tools that need every key (tests, KEYS in later issues).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [k, v] : map_) fn(k, v);
  }

 private:
  int index_;
  KeyspaceStats* stats_;
  std::unordered_map<std::string, Value, StringHash, std::equal_to<>> map_;
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> expires_;
};

class Keyspace {
 public:
  explicit Keyspace(int databases);

  int count() const { return static_cast<int>(dbs_.size()); }
  Database& db(int index) { return *dbs_[index]; }
  KeyspaceStats& stats() { return stats_; }

  void FlushAll();

  // Changes since the last save (Redis's server.dirty): writes add to it.
  uint64_t dirty() const { return dirty_; }
  void AddDirty(uint64_t n) { dirty_ += n; }

 private:
  KeyspaceStats stats_;
  std::vector<std::unique_ptr<Database>> dbs_;
  uint64_t dirty_ = 0;
};

}  // namespace spindle::storage
