#pragma once
// The command table: every command declared as data (name, arity, flags, ACL
// categories, key positions, docs) next to its handler. The dispatcher checks
// arity centrally, so a handler may index args[0 .. |arity|-1] without checks.
//
// Arity follows Redis: N > 0 means exactly N arguments (the name included),
// -N means at least N.
//
// Thread: built at start-up, then read-only on the main thread.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/hdr_histogram.h"
#include "protocol/reply_builder.h"
#include "storage/encoding_limits.h"
#include "storage/keyspace.h"

namespace spindle::commands {

// Per-connection state a command may need. server::Client implements it;
// handlers that live in the server layer downcast to server::Client.
class Session {
 public:
  virtual ~Session() = default;
  virtual int db_index() const = 0;
};

// Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
// BZPOPMAX, BZMPOP). A handler with nothing to serve fills *ctx.block (when
// ctx.block is not null) and writes NO reply: the server parks the client on
// the keys, FIFO per key, and runs the same command again when one of the
// keys is stored anew (storage's KeyReadyHook); if the command still finds
// nothing it blocks again with the same deadline. At the deadline the server
// answers a null array, as Redis 7.0 does for every list and sorted-set wait.
// When ctx.block is null (inside MULTI, or a context that cannot block) the
// handler answers at once as the command's non-blocking form would.
struct BlockRequest {
  bool requested = false;
  std::vector<std::string> keys;
  int64_t deadline_ms = 0;  // unix ms; 0 waits forever
  // Set by the dispatcher: how long the run that blocked took (Redis's
  // c->duration), part of the command's latency once it is served.
  int64_t ran_us = 0;
};

// Propagation (Redis's call() with alsoPropagate, rewriteClientCommandVector
// and preventCommandPropagation): what a command sends to the AOF (and, one
// day, to replicas). The server propagates a command whose run changed the
// dataset (the keyspace's dirty counter moved) in the form the client sent
// it, in the client's database after the handler ran, unless the handler
// said otherwise through these calls. Commands whose replay must not depend
// on when it happens rewrite themselves the way Redis 7.0 does (a relative
// TTL becomes PEXPIREAT / SET ... PXAT, SPOP becomes SREM, a served BLPOP
// becomes LPOP ...).
//
// Order, as Redis 7.0: everything added with Also (and the DEL of every key
// found expired while the command ran) goes first, the command's own form
// last; when one top-level command (or EXEC) propagates more than one
// command they are wrapped in MULTI / EXEC.
class Propagator {
 public:
  virtual ~Propagator() = default;
  // Replaces the command's own propagated form (it still goes only if the
  // dataset changed). The views are copied before the call returns.
  virtual void Rewrite(std::span<const std::string_view> argv) = 0;
  // Propagates argv in database db as well, whatever the dirty counter says
  // (alsoPropagate). Copied before the call returns.
  virtual void Also(int db, std::span<const std::string_view> argv) = 0;
  // The command's own form is not propagated (what it changed went through
  // Also).
  virtual void Prevent() = 0;
};

struct CommandContext {
  std::span<const std::string_view> args;  // args[0] is the command name
  protocol::ReplyBuilder* reply = nullptr;
  storage::Keyspace* keyspace = nullptr;
  storage::Database* db = nullptr;  // the client's selected database
  Session* session = nullptr;
  int64_t now_ms = 0;  // cached wall time of this command, unix ms
  // proto-max-bulk-len: the largest string APPEND / SETRANGE may build.
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  // True when maxmemory-policy is an LFU policy (OBJECT FREQ / IDLETIME).
  bool lfu_policy = false;
  // lazyfree-lazy-user-del / lazyfree-lazy-user-flush: DEL acts as UNLINK,
  // FLUSHALL / FLUSHDB without an option act as ASYNC.
  bool lazy_user_del = false;
  bool lazy_user_flush = false;
  // lazyfree-lazy-expire: a key EXPIRE / GETEX delete because its new time
  // has passed is freed lazily and propagated as UNLINK (not DEL).
  bool lazy_expire = false;
  // rdbcompression: whether DUMP compresses long strings with LZF.
  bool rdb_compression = true;
  // Collection encoding thresholds (never null inside a handler).
  const storage::EncodingLimits* limits = nullptr;
  // Non-null when the command may block (see BlockRequest).
  BlockRequest* block = nullptr;

  // Null when nothing listens (no AOF): the calls below are then free, and
  // a handler may test propagating() to skip formatting their arguments.
  Propagator* propagator = nullptr;

  size_t argc() const { return args.size(); }

  bool propagating() const { return propagator != nullptr; }
  // Redis's checkAlreadyExpired: an absolute expiry time that has passed
  // deletes the key at once, except while an AOF is replayed (keys never
  // expire while loading: the time is stored, and expiry comes later).
  bool AlreadyExpired(int64_t when_ms) const {
    return when_ms <= now_ms && keyspace->expiry_mode() != storage::ExpiryMode::kOff;
  }
  void RewritePropagated(std::initializer_list<std::string_view> argv) const {
    if (propagator) propagator->Rewrite(std::span(argv.begin(), argv.size()));
  }
  void RewritePropagated(std::span<const std::string_view> argv) const {
    if (propagator) propagator->Rewrite(argv);
  }
  // In the command's database (db->index()).
  void AlsoPropagate(std::initializer_list<std::string_view> argv) const {
    if (propagator) propagator->Also(db->index(), std::span(argv.begin(), argv.size()));
  }
  void AlsoPropagate(std::span<const std::string_view> argv) const {
    if (propagator) propagator->Also(db->index(), argv);
  }
  void PreventPropagation() const {
    if (propagator) propagator->Prevent();
  }

  // What a write tells the rest of the server, at the moments Redis 7.0
  // calls signalModifiedKey and notifyKeyspaceEvent (storage/keyspace_events.h):
  // WATCH, client-side caching and keyspace notifications hang off these.
  void KeyModified(std::string_view key) const { db->observer().KeyModified(db->index(), key); }
  void Notify(uint32_t type, std::string_view event, std::string_view key) const {
    db->observer().KeyEvent(type, event, key, db->index());
  }
};

using Handler = void (*)(CommandContext& ctx);

// Command flags, with the names COMMAND INFO reports (see kFlagNames).
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadOnly = 1u << 1,
  kCmdDenyOom = 1u << 2,
  kCmdModule = 1u << 3,
  kCmdAdmin = 1u << 4,
  kCmdPubSub = 1u << 5,
  kCmdNoScript = 1u << 6,
  kCmdBlocking = 1u << 7,
  kCmdLoading = 1u << 8,
  kCmdStale = 1u << 9,
  kCmdSkipMonitor = 1u << 10,
  kCmdSkipSlowlog = 1u << 11,
  kCmdAsking = 1u << 12,
  kCmdFast = 1u << 13,
  kCmdNoAuth = 1u << 14,
  kCmdMayReplicate = 1u << 15,
  kCmdSentinel = 1u << 16,
  kCmdOnlySentinel = 1u << 17,
  kCmdNoMandatoryKeys = 1u << 18,
  kCmdProtected = 1u << 19,
  kCmdModuleGetKeys = 1u << 20,
  kCmdModuleNoCluster = 1u << 21,
  kCmdNoAsyncLoading = 1u << 22,
  kCmdNoMulti = 1u << 23,
  kCmdMovableKeys = 1u << 24,
  kCmdAllowBusy = 1u << 25,
};

// ACL categories, in Redis's order (ACL CAT lists them in this order).
enum AclCategory : uint64_t {
  kAclKeyspace = 1ull << 0,
  kAclRead = 1ull << 1,
  kAclWrite = 1ull << 2,
  kAclSet = 1ull << 3,
  kAclSortedSet = 1ull << 4,
  kAclList = 1ull << 5,
  kAclHash = 1ull << 6,
  kAclString = 1ull << 7,
  kAclBitmap = 1ull << 8,
  kAclHyperLogLog = 1ull << 9,
  kAclGeo = 1ull << 10,
  kAclStream = 1ull << 11,
  kAclPubSub = 1ull << 12,
  kAclAdmin = 1ull << 13,
  kAclFast = 1ull << 14,
  kAclSlow = 1ull << 15,
  kAclBlocking = 1ull << 16,
  kAclDangerous = 1ull << 17,
  kAclConnection = 1ull << 18,
  kAclTransaction = 1ull << 19,
  kAclScripting = 1ull << 20,
};

// Flags Redis keeps to itself: COMMAND INFO does not report them.
inline constexpr uint32_t kCmdUnreportedFlags =
    kCmdSentinel | kCmdOnlySentinel | kCmdProtected | kCmdModuleGetKeys | kCmdModuleNoCluster;

// Names of the flags and categories, indexed by bit position.
std::span<const char* const> CommandFlagNames();
std::span<const char* const> AclCategoryNames();
// A category's bit from its name, any case ("String" -> kAclString); 0 if
// there is no such category.
uint64_t AclCategoryByName(std::string_view name);

// INFO commandstats counters of one command (Redis's calls, microseconds,
// rejected_calls, failed_calls) and its latency histogram (Redis's
// latency_histogram: LATENCY HISTOGRAM, INFO latencystats), created at the
// first recorded call. Updated by the dispatcher on the main thread.
struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;  // refused before running (arity, NOAUTH ...)
  uint64_t failed_calls = 0;    // ran and answered an error
  std::unique_ptr<HdrHistogram> latency;  // nanoseconds; null until recorded
};

// Keys that follow a key count (LMPOP, SINTERCARD, ZUNIONSTORE ...), as
// Redis's genericGetKeys: an optional destination key, the count's position,
// the first key's position and the step. count_index 0: not such a command.
struct NumKeysSpec {
  int store_key = 0;
  int count_index = 0;
  int first_key = 0;
  int step = 1;
};

// A command-specific key finder for the few commands whose keys no range or
// key count describes (SORT's STORE destination), as Redis's getkeys_proc.
// Returns false when the arguments name no valid keys.
using KeysFn = bool (*)(std::span<const std::string_view> args, std::vector<int>* out);

struct CommandSpec {
  std::string name;  // lower case; a subcommand is "container|sub"
  int arity = 0;
  uint32_t flags = 0;
  uint64_t acl_categories = 0;  // without the @fast/@slow implied by kCmdFast (added at Add)
  int first_key = 0;            // 0: no keys
  int last_key = 0;             // -1: the last argument, -2: the one before ...
  int key_step = 0;
  Handler handler = nullptr;
  // COMMAND DOCS
  std::string summary;
  std::string since;
  std::string group;       // "string", "generic", "connection", "server", ...
  std::string complexity;
  std::vector<CommandSpec> subcommands;  // non-empty for containers (CLIENT, CONFIG ...)
  mutable CommandStats stats;            // the table is const; its counters are not
  NumKeysSpec numkeys;                   // movable keys (COMMAND GETKEYS)
  KeysFn keys_fn = nullptr;              // overrides range and key count when set
  // The key range names shard channels, not keys (Redis's CMD_KEY_NOT_KEY:
  // SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH): COMMAND INFO shows the range with
  // the not_key flag, COMMAND GETKEYS finds no keys.
  bool range_not_keys = false;
  // Dense index over every command and subcommand (CommandTable::AssignIds),
  // the bit ACL selectors keep for it (Redis's redisCommand.id).
  uint32_t id = 0;

  // A Redis command Spindle does not implement, kept for ACL only
  // (CommandTable::AddAbsent): never callable.
  bool absent = false;
  bool is_container() const { return !subcommands.empty(); }
  bool ArityOk(size_t argc) const {
    return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
  }
  // The argument positions of the keys of this invocation from the fixed
  // first/last/step range. Empty when the command has no such keys.
  std::vector<int> KeyPositions(size_t argc) const;
  // Calls fn(position) for each key of the fixed range (first / last /
  // step) of an invocation with argc arguments, allocating nothing.
  template <typename Fn>
  void ForEachRangeKey(size_t argc, Fn&& fn) const {
    if (first_key <= 0) return;
    int last = last_key < 0 ? static_cast<int>(argc) + last_key : last_key;
    int step = key_step > 0 ? key_step : 1;
    for (int i = first_key; i <= last && i < static_cast<int>(argc); i += step) fn(i);
  }
  // Whether the command names keys at all (a range or a key count).
  bool HasKeys() const {
    if (range_not_keys) return false;
    return first_key > 0 || numkeys.count_index > 0 || keys_fn != nullptr;
  }
  // The key positions of this invocation, movable keys included (COMMAND
  // GETKEYS). False when the arguments do not name valid keys (a bad key
  // count), as Redis's getKeysFromCommand failing.
  bool Keys(std::span<const std::string_view> args, std::vector<int>* out) const;
};

// Key positions of a spec: first, last (negative counts from the end), step.
struct KeyRange {
  int first = 0;
  int last = 0;
  int step = 0;
};

// Builds a CommandSpec from its declared data; families wrap it with their
// group and ACL defaults.
CommandSpec MakeCommand(std::string name, int arity, uint32_t flags, uint64_t acl_categories,
                        KeyRange keys, Handler handler, std::string summary, std::string since,
                        std::string group, std::string complexity);

class CommandTable {
 public:
  // Adds a command. Commands flagged kCmdFast get @fast, the others @slow
  // (as Redis's setImplicitACLCategories); kCmdWrite adds @write, kCmdReadOnly
  // @read (unless @scripting), kCmdAdmin @admin and @dangerous, kCmdPubSub
  // @pubsub, kCmdBlocking @blocking.
  void Add(CommandSpec spec);

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Case-insensitive lookup of a container's subcommand; nullptr if unknown.
  static const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view sub);

  // By the name the command was declared with, whatever rename-command did
  // ("get", or "config|get" for a subcommand): what ACL rules name (Redis's
  // ACLLookupCommand on server.orig_commands). nullptr if unknown.
  const CommandSpec* FindOriginal(std::string_view full_name) const;

  // rename-command (config file only): the command answers to `to` from now
  // on, or to nothing when `to` is empty. Its own name (errors, COMMAND INFO,
  // ACL rules) stays. False with Redis's message when `from` is unknown or
  // `to` is taken.
  bool Rename(std::string_view from, std::string_view to, std::string* err);

  // Adds a Redis 7.0 command Spindle does not implement (name, arity, ACL
  // categories and subcommands only), for ACL alone: ACL rules may name it,
  // ACL CAT lists it, and ACL GETUSER / LIST describe users over the same
  // command set as Redis (its category fit counts every command). It is not
  // callable: Find does not see it, COMMAND and INFO do not list it.
  void AddAbsent(CommandSpec spec);

  // Numbers every command and subcommand densely from 0 (CommandSpec::id),
  // in table order, subcommands after their container. Call after the last
  // Add; id_count() is one past the largest id.
  void AssignIds();
  size_t id_count() const { return id_count_; }

  // The commands a client can call (COMMAND COUNT): renamed ones count,
  // those renamed to "" do not.
  size_t size() const { return commands_.size(); }
  // Every command as declared, disabled ones included: what ACL rules and
  // categories see (Redis's server.orig_commands).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& c : order_) fn(*c);
  }
  // The commands a client can call, in table order, each once under its own
  // name whatever it answers to: what COMMAND, COMMAND DOCS, COMMAND LIST and
  // INFO commandstats walk (Redis's server.commands, whose entries keep their
  // declared fullname). size() of them.
  template <typename Fn>
  void ForEachCallable(Fn&& fn) const {
    for (const auto& c : order_) {
      if (!c->absent && !IsDisabled(c)) fn(*c);
    }
  }
  // Whether rename-command gave the command no name at all.
  bool IsDisabled(const CommandSpec* cmd) const {
    for (const auto& d : disabled_) {
      if (d.get() == cmd) return true;
    }
    return false;
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<CommandSpec>, storage::StringHash,
                     std::equal_to<>>
      commands_;
  std::vector<const CommandSpec*> order_;
  // Commands renamed to "" (still owned: clients may point at them).
  std::vector<std::unique_ptr<CommandSpec>> disabled_;
  // AddAbsent's entries.
  std::vector<std::unique_ptr<CommandSpec>> absent_;
  size_t id_count_ = 0;
};

// Families register themselves here (one function per *_commands.cc).
// Redis 7.0's commands that Spindle lacks, as AddAbsent entries
// (absent_commands.cc; call after every family, before AssignIds).
void RegisterAbsentCommands(CommandTable* table);
void RegisterStringCommands(CommandTable* table);
void RegisterKeyCommands(CommandTable* table);
void RegisterKeyspaceCommands(CommandTable* table);
void RegisterListCommands(CommandTable* table);
void RegisterHashCommands(CommandTable* table);
void RegisterSetCommands(CommandTable* table);
void RegisterSortedSetCommands(CommandTable* table);
void RegisterSortCommands(CommandTable* table);
void RegisterDumpCommands(CommandTable* table);

}  // namespace spindle::commands
