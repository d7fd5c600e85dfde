#pragma once
// Transactions: MULTI / EXEC / DISCARD and WATCH / UNWATCH, as Redis 7.0's
// multi.c behaves.
//
// A client in MULTI gets its commands queued (owned copies of the arguments,
// the command looked up once) instead of run; a command rejected while
// queueing (unknown, wrong arity, NOAUTH ...) marks the transaction so EXEC
// answers EXECABORT. EXEC runs the queue with blocking denied (blocking
// commands answer as their non-blocking forms) and clients blocked on keys
// the transaction pushed to are served after EXEC, not between its commands.
//
// WATCH keeps, per database, key -> the watches on it, and per client its
// watches. A modified key (storage::KeyspaceObserver::KeyModified, FLUSHDB,
// FLUSHALL, SWAPDB) marks every client watching it dirty, so its EXEC
// answers a null array. A key that was already logically expired when
// watched counts as absent: its deletion is no change (Redis's
// watchedKey.expired).
//
// Memory: a client that never used MULTI or WATCH pays one null pointer.
// Thread: main thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command_table.h"
#include "storage/keyspace.h"

namespace spindle::server {

class Client;

// One queued command: its arguments packed in one buffer.
class QueuedCommand {
 public:
  QueuedCommand(const commands::CommandSpec* cmd, std::span<const std::string_view> args);
  const commands::CommandSpec* cmd() const { return cmd_; }
  // Views into this object's buffer (valid while it lives).
  std::vector<std::string_view> Args() const;
  size_t bytes() const { return data_.size(); }

 private:
  const commands::CommandSpec* cmd_;
  std::string data_;
  std::vector<uint32_t> lengths_;
};

struct WatchedKey {
  Client* client;
  int db;
  bool expired;  // already logically expired when WATCH ran
  std::string key;
};

// A client's MULTI / WATCH state (allocated on first use).
struct MultiState {
  bool in_multi = false;
  bool dirty_exec = false;  // a command was rejected while queueing
  bool dirty_cas = false;   // a watched key was touched
  std::vector<QueuedCommand> queue;
  size_t queued_bytes = 0;
  std::vector<std::unique_ptr<WatchedKey>> watched;
};

class WatchRegistry {
 public:
  explicit WatchRegistry(int databases) : by_db_(databases) {}

  // WATCH key in db for c (no-op when c already watches it there).
  void Watch(Client* c, MultiState* state, int db, std::string_view key, bool expired);
  // Drops every watch of c.
  void UnwatchAll(MultiState* state);
  // signalModifiedKey.
  void Touch(storage::Database& db, std::string_view key);
  // FLUSHDB / FLUSHALL (replaced_with null) and SWAPDB: every watched key
  // of `emptied` that exists there (or in replaced_with) is touched, with
  // Redis's care for keys that were expired when watched.
  void TouchAll(storage::Database& emptied, storage::Database* replaced_with, int64_t now_ms);
  // Whether a watched key (not expired when watched) has expired since.
  static bool AnyExpired(const MultiState& state, storage::Keyspace& keyspace, int64_t now_ms);

  size_t watched_keys() const;

 private:
  using Watchers = std::vector<WatchedKey*>;
  using KeyMap =
      std::unordered_map<std::string, Watchers, storage::StringHash, std::equal_to<>>;
  // Marks the client dirty and drops all its watches (nothing it watches
  // can matter any more).
  void MarkDirty(Client* c);
  std::vector<KeyMap> by_db_;
};

// Command handlers (server layer; registered by RegisterTransactionCommands).
void RegisterTransactionCommands(commands::CommandTable* table);

}  // namespace spindle::server
