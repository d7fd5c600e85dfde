// Commands that work on keys as a whole, whatever their type: UNLINK, RENAME,
// RENAMENX, COPY, MOVE, SWAPDB, KEYS, SCAN, RANDOMKEY, the EXPIRE family,
// PERSIST, TOUCH and OBJECT (Redis 7.0's db.c, expire.c and object.c).
//
// Replies, error texts and the order in which errors are detected follow
// redis-server 7.0.15 (each was checked against it). Where Redis counts a
// keyspace hit or miss, so do we: OBJECT and SCAN ... TYPE look keys up
// without touching their access clock but still count, which the storage
// layer's LookupNoTouch does not, so LookupNoTouchCounted adds the count.

#include <cctype>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "commands/options.h"
#include "commands/propagation.h"
#include "commands/scan_options.h"
#include "common/glob.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "storage/lfu.h"
#include "storage/list_value.h"

namespace spindle::commands {
namespace {

using storage::Database;
using storage::Encoding;
using storage::kNotifyGeneric;
using storage::Value;
using storage::ValueType;

// Redis's shared.sameobjecterr and the texts of swapdbCommand, objectCommand.
constexpr std::string_view kErrSameObject = "ERR source and destination objects are the same";
constexpr std::string_view kErrInvalidFirstDb = "ERR invalid first DB index";
constexpr std::string_view kErrInvalidSecondDb = "ERR invalid second DB index";
constexpr std::string_view kErrIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
constexpr std::string_view kErrExpireNxCombo =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
constexpr std::string_view kErrExpireGtLt =
    "ERR GT and LT options at the same time are not compatible";
constexpr std::string_view kErrLfuIdleTime =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr std::string_view kErrLfuFreq =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";

// OBJECT REFCOUNT of Redis's shared integer objects (OBJ_SHARED_REFCOUNT).
constexpr int64_t kSharedRefcount = std::numeric_limits<int32_t>::max();

// Redis's getIntFromObjectOrReply: an integer (string2ll rules) that fits an
// int. With msg, both failures reply msg; without, the generic texts.
bool ParseIntOrReply(CommandContext& ctx, std::string_view arg, std::string_view msg, int* out) {
  int64_t v = 0;
  if (!StringToInt64(arg, &v)) {
    ctx.reply->Error(msg.empty() ? protocol::kErrNotInteger : msg);
    return false;
  }
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    ctx.reply->Error(msg.empty() ? kErrIntOutOfRange : msg);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool DbIndexValid(const CommandContext& ctx, int index) {
  return index >= 0 && index < ctx.keyspace->count();
}

// lookupKeyReadWithFlags(LOOKUP_NOTOUCH): no access-clock update, but a
// keyspace hit or miss is counted.
Value* LookupNoTouchCounted(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.db->LookupNoTouch(key, ctx.now_ms);
  storage::KeyspaceStats& stats = ctx.keyspace->stats();
  if (v != nullptr) {
    ++stats.keyspace_hits;
  } else {
    ++stats.keyspace_misses;
  }
  return v;
}

// Reports to the observer of a database other than the client's (MOVE,
// COPY ... DB): Redis passes that database to signalModifiedKey and
// notifyKeyspaceEvent.
void KeyModifiedIn(Database& db, std::string_view key) {
  db.observer().KeyModified(db.index(), key);
}
void NotifyIn(Database& db, uint32_t type, std::string_view event, std::string_view key) {
  db.observer().KeyEvent(type, event, key, db.index());
}

// ---------------------------------------------------------------------------
// UNLINK

// Frees a removed value: large ones on the background freer, as Redis's
// dbAsyncDelete, the rest here (it is cheaper than queueing).
void FreeMaybeLazily(CommandContext& ctx, Value value) {
  if (storage::LazyFreeEffort(value) <= storage::kLazyFreeThreshold) return;  // destroyed on return
  // std::function needs a copyable callable: the value travels in a
  // shared_ptr whose last owner is the job itself, destroyed off-thread.
  auto owned = std::make_shared<Value>(std::move(value));
  ctx.keyspace->freer().Submit([owned]() mutable { owned.reset(); });
}

// DEL and UNLINK (Redis's delGenericCommand): the keys are removed now; with
// lazy, values whose freeing is costly are reclaimed on the background freer.
// UNLINK is always lazy; DEL is lazy under lazyfree-lazy-user-del.
void DeleteKeys(CommandContext& ctx, bool lazy) {
  int64_t deleted = 0;
  // A key named twice is deleted once; an expired key counts as absent.
  for (size_t j = 1; j < ctx.argc(); ++j) {
    if (!lazy) {
      if (!ctx.db->Delete(ctx.args[j], ctx.now_ms)) continue;
    } else {
      int64_t expire = -1;
      std::optional<Value> v = ctx.db->Take(ctx.args[j], ctx.now_ms, &expire);
      if (!v) continue;
      FreeMaybeLazily(ctx, std::move(*v));
    }
    ++deleted;
    ctx.KeyModified(ctx.args[j]);
    ctx.Notify(kNotifyGeneric, "del", ctx.args[j]);
  }
  ctx.keyspace->AddDirty(static_cast<uint64_t>(deleted));
  ctx.reply->Integer(deleted);
}

void DelCommand(CommandContext& ctx) { DeleteKeys(ctx, ctx.lazy_user_del); }
void UnlinkCommand(CommandContext& ctx) { DeleteKeys(ctx, true); }

// ---------------------------------------------------------------------------
// RENAME, RENAMENX, COPY, MOVE, SWAPDB

// Moves the value and TTL of `key` in `from` to `to_key` in `to`, replacing
// what is there.
void MoveKey(CommandContext& ctx, Database& from, std::string_view key, Database& to,
             std::string_view to_key) {
  int64_t expire = -1;
  std::optional<Value> v = from.Take(key, ctx.now_ms, &expire);
  if (!v) return;  // callers looked the key up just before
  to.Set(to_key, std::move(*v));
  if (expire != -1) to.SetExpire(to_key, expire);
}

// Redis's renameGenericCommand. Renaming a key to itself checks that it
// exists and changes nothing (RENAMENX answers 0 then).
void RenameGeneric(CommandContext& ctx, bool nx) {
  std::string_view src = ctx.args[1];
  std::string_view dst = ctx.args[2];
  if (ctx.db->LookupWrite(src, ctx.now_ms) == nullptr) {
    ctx.reply->Error(protocol::kErrNoSuchKey);
    return;
  }
  if (src == dst) {
    nx ? ctx.reply->Integer(0) : ctx.reply->Ok();
    return;
  }
  if (ctx.db->LookupWrite(dst, ctx.now_ms) != nullptr) {
    if (nx) {
      ctx.reply->Integer(0);
      return;
    }
    ctx.db->Delete(dst, ctx.now_ms);
  }
  // An existing destination was deleted silently: the new one is "new".
  MoveKey(ctx, *ctx.db, src, *ctx.db, dst);
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(src);
  ctx.KeyModified(dst);
  ctx.Notify(kNotifyGeneric, "rename_from", src);
  ctx.Notify(kNotifyGeneric, "rename_to", dst);
  nx ? ctx.reply->Integer(1) : ctx.reply->Ok();
}

void RenameCommand(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNxCommand(CommandContext& ctx) { RenameGeneric(ctx, true); }

// COPY source destination [DB index] [REPLACE]. Options are checked in
// order, so a bad DB index is reported before a later unknown option.
void CopyCommand(CommandContext& ctx) {
  int dst_index = ctx.db->index();
  bool replace = false;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    bool more = j + 1 < ctx.argc();
    if (OptionIs(ctx.args[j], "replace")) {
      replace = true;
    } else if (OptionIs(ctx.args[j], "db") && more) {
      if (!ParseIntOrReply(ctx, ctx.args[j + 1], {}, &dst_index)) return;
      if (!DbIndexValid(ctx, dst_index)) {
        ctx.reply->Error(protocol::kErrDbIndexOutOfRange);
        return;
      }
      ++j;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  std::string_view src_key = ctx.args[1];
  std::string_view dst_key = ctx.args[2];
  if (dst_index == ctx.db->index() && src_key == dst_key) {
    ctx.reply->Error(kErrSameObject);
    return;
  }
  Value* src = ctx.db->LookupRead(src_key, ctx.now_ms);
  if (src == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  int64_t expire = ctx.db->GetExpire(src_key);
  Database& dst = ctx.keyspace->db(dst_index);
  if (dst.LookupWrite(dst_key, ctx.now_ms) != nullptr) {
    if (!replace) {
      ctx.reply->Integer(0);
      return;
    }
    dst.Delete(dst_key, ctx.now_ms);
  }
  // Clone before Set: inserting may move `src` (same database).
  Value copy = src->Clone();
  dst.Set(dst_key, std::move(copy));
  if (expire != -1) dst.SetExpire(dst_key, expire);
  ctx.keyspace->AddDirty(1);
  // Only the destination is reported, in its own database (a replaced
  // destination was deleted silently, so the copy is "new" there).
  KeyModifiedIn(dst, dst_key);
  NotifyIn(dst, kNotifyGeneric, "copy_to", dst_key);
  ctx.reply->Integer(1);
}

// MOVE key db: the target database is validated before the key is looked
// up, so moving to the current database is an error even for a missing key.
void MoveCommand(CommandContext& ctx) {
  int dst_index = 0;
  if (!ParseIntOrReply(ctx, ctx.args[2], {}, &dst_index)) return;
  if (!DbIndexValid(ctx, dst_index)) {
    ctx.reply->Error(protocol::kErrDbIndexOutOfRange);
    return;
  }
  if (dst_index == ctx.db->index()) {
    ctx.reply->Error(kErrSameObject);
    return;
  }
  std::string_view key = ctx.args[1];
  if (ctx.db->LookupWrite(key, ctx.now_ms) == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  Database& dst = ctx.keyspace->db(dst_index);
  if (dst.LookupWrite(key, ctx.now_ms) != nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  MoveKey(ctx, *ctx.db, key, dst, key);
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(key);
  KeyModifiedIn(dst, key);
  ctx.Notify(kNotifyGeneric, "move_from", key);
  NotifyIn(dst, kNotifyGeneric, "move_to", key);
  ctx.reply->Integer(1);
}

// SWAPDB index1 index2: swapping a database with itself is accepted and
// still counts as a change, as in Redis.
void SwapDbCommand(CommandContext& ctx) {
  int a = 0;
  int b = 0;
  if (!ParseIntOrReply(ctx, ctx.args[1], kErrInvalidFirstDb, &a)) return;
  if (!ParseIntOrReply(ctx, ctx.args[2], kErrInvalidSecondDb, &b)) return;
  if (!DbIndexValid(ctx, a) || !DbIndexValid(ctx, b)) {
    ctx.reply->Error(protocol::kErrDbIndexOutOfRange);
    return;
  }
  // Redis's dbSwapDatabases tells WATCH before it swaps, and not at all
  // for a database swapped with itself. No keyspace event is sent.
  if (a != b) {
    ctx.keyspace->observer().DatabasesSwapped(a, b);
    ctx.keyspace->Swap(a, b);
  }
  ctx.keyspace->AddDirty(1);
  ctx.reply->Ok();
}

// ---------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY

// KEYS skips keys whose TTL has passed but does not delete them (Redis's
// keyIsExpired, not expireIfNeeded). A lone "*" matches every key, the
// empty one included, without calling the matcher.
void KeysCommand(CommandContext& ctx) {
  std::string_view pattern = ctx.args[1];
  bool all = pattern == "*";
  std::vector<std::string> keys;
  const Database& db = *ctx.db;
  db.ForEach([&](std::string_view key, const Value&) {
    if (!all && !GlobMatch(pattern, key)) return;
    int64_t expire = db.GetExpire(key);
    if (expire != -1 && ctx.now_ms > expire) return;
    keys.emplace_back(key);
  });
  ctx.reply->ArrayHeader(keys.size());
  for (const std::string& k : keys) ctx.reply->Bulk(k);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. Like Redis it
// collects about COUNT keys (at most 10*COUNT table steps), then filters
// them by pattern, type and expiry; expired keys met here are deleted.
void ScanCommand(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!ParseScanCursor(ctx.args[1], &cursor)) {
    ctx.reply->Error(protocol::kErrInvalidCursor);
    return;
  }
  ScanOptions opts;
  if (!ParseScanOptionsOrReply(ctx, 2, true, &opts)) return;

  std::vector<std::string> keys;
  uint64_t wanted = static_cast<uint64_t>(opts.count);
  uint64_t max_steps = wanted > std::numeric_limits<uint64_t>::max() / 10 ? wanted : wanted * 10;
  do {
    cursor =
        ctx.db->Scan(cursor, [&](std::string_view key, const Value&) { keys.emplace_back(key); });
  } while (cursor != 0 && max_steps-- != 0 && keys.size() < wanted);

  // Filtering happens after the table walk (it may delete expired keys).
  size_t kept = 0;
  for (std::string& key : keys) {
    if (opts.pattern && !GlobMatch(*opts.pattern, key)) continue;
    if (opts.type) {
      // An expired key is deleted by this lookup and reads as "none". Unlike
      // OBJECT's, this lookup reports the miss (no LOOKUP_NONOTIFY in Redis).
      Value* v = LookupNoTouchCounted(ctx, key);
      if (v == nullptr) ctx.Notify(storage::kNotifyKeyMiss, "keymiss", key);
      const char* type = v == nullptr ? "none" : storage::ValueTypeName(v->type());
      if (!OptionIs(*opts.type, type)) continue;
    }
    if (ctx.db->ExpireIfNeeded(key, ctx.now_ms)) continue;
    if (&keys[kept] != &key) keys[kept] = std::move(key);
    ++kept;
  }
  keys.resize(kept);

  ctx.reply->ArrayHeader(2);
  ctx.reply->Bulk(std::to_string(cursor));
  ctx.reply->ArrayHeader(keys.size());
  for (const std::string& k : keys) ctx.reply->Bulk(k);
}

void RandomKeyCommand(CommandContext& ctx) {
  std::optional<std::string> key = ctx.db->RandomKey(ctx.now_ms);
  if (key) {
    ctx.reply->Bulk(*key);
  } else {
    ctx.reply->Null();
  }
}

// ---------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, PERSIST, TOUCH

enum ExpireFlag : uint32_t {
  kExpireNx = 1u << 0,
  kExpireXx = 1u << 1,
  kExpireGt = 1u << 2,
  kExpireLt = 1u << 3,
};

// Redis's parseExtendedExpireArgumentsOrReply: any mix of NX/XX/GT/LT
// (repeats allowed), then the compatibility checks.
bool ParseExpireFlagsOrReply(CommandContext& ctx, uint32_t* flags) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.args[j];
    if (OptionIs(opt, "nx")) {
      *flags |= kExpireNx;
    } else if (OptionIs(opt, "xx")) {
      *flags |= kExpireXx;
    } else if (OptionIs(opt, "gt")) {
      *flags |= kExpireGt;
    } else if (OptionIs(opt, "lt")) {
      *flags |= kExpireLt;
    } else {
      ctx.reply->Error("ERR Unsupported option " + std::string(CStringView(opt)));
      return false;
    }
  }
  if ((*flags & kExpireNx) && (*flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.reply->Error(kErrExpireNxCombo);
    return false;
  }
  if ((*flags & kExpireGt) && (*flags & kExpireLt)) {
    ctx.reply->Error(kErrExpireGtLt);
    return false;
  }
  return true;
}

// Redis's expireGenericCommand. `relative`: the time is added to now;
// `seconds`: the argument is in seconds. Options are parsed before the time;
// a time already past deletes the key (and replies 1).
//
// Propagation: a deleted key goes as DEL key (UNLINK under
// lazyfree-lazy-expire); otherwise the command goes as PEXPIREAT key <ms>
// followed by its options as sent. PEXPIREAT itself goes as sent, and the
// time argument is rewritten only when it was relative or in seconds.
void ExpireGeneric(CommandContext& ctx, std::string_view name, bool relative, bool seconds) {
  uint32_t flags = 0;
  if (!ParseExpireFlagsOrReply(ctx, &flags)) return;
  int64_t when = 0;
  if (!StringToInt64(ctx.args[2], &when)) {
    ctx.reply->Error(protocol::kErrNotInteger);
    return;
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (when > kMax / 1000 || when < kMin / 1000) {
      ctx.reply->Error(protocol::InvalidExpireTimeError(name));
      return;
    }
    when *= 1000;
  }
  int64_t base = relative ? ctx.now_ms : 0;
  if (when > kMax - base) {
    ctx.reply->Error(protocol::InvalidExpireTimeError(name));
    return;
  }
  when += base;

  std::string_view key = ctx.args[1];
  if (ctx.db->LookupWrite(key, ctx.now_ms) == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  if (flags != 0) {
    int64_t current = ctx.db->GetExpire(key);
    bool refuse = false;
    if ((flags & kExpireNx) && current != -1) refuse = true;
    if ((flags & kExpireXx) && current == -1) refuse = true;
    // No TTL counts as an infinite one: GT never beats it, LT always does.
    if ((flags & kExpireGt) && (current == -1 || when <= current)) refuse = true;
    if ((flags & kExpireLt) && current != -1 && when >= current) refuse = true;
    if (refuse) {
      ctx.reply->Integer(0);
      return;
    }
  }
  // A time already past deletes the key: Redis reports a "del" (the command
  // is propagated as DEL), not an "expired".
  if (ctx.AlreadyExpired(when)) {
    if (ctx.lazy_expire) {
      int64_t expire = -1;
      if (std::optional<Value> v = ctx.db->Take(key, ctx.now_ms, &expire)) {
        FreeMaybeLazily(ctx, std::move(*v));
      }
    } else {
      ctx.db->Delete(key, ctx.now_ms);
    }
    ctx.RewritePropagated({DeleteCommandName(ctx.lazy_expire), key});
    ctx.KeyModified(key);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else {
    ctx.db->SetExpire(key, when);
    if (ctx.propagating() && (relative || seconds)) {
      IntArg ms(when);
      std::vector<std::string_view> argv(ctx.args.begin(), ctx.args.end());
      argv[0] = "PEXPIREAT";
      argv[2] = ms.view();
      ctx.RewritePropagated(argv);
    }
    ctx.KeyModified(key);
    ctx.Notify(kNotifyGeneric, "expire", key);
  }
  ctx.keyspace->AddDirty(1);
  ctx.reply->Integer(1);
}

void ExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, "expire", true, true); }
void PexpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, "pexpire", true, false); }
void ExpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, "expireat", false, true); }
void PexpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, "pexpireat", false, false); }

void PersistCommand(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  if (ctx.db->LookupWrite(key, ctx.now_ms) != nullptr && ctx.db->RemoveExpire(key)) {
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(key);
    ctx.Notify(kNotifyGeneric, "persist", key);
    ctx.reply->Integer(1);
  } else {
    ctx.reply->Integer(0);
  }
}

// A read lookup of each key updates its access clock; duplicates count twice.
void TouchCommand(CommandContext& ctx) {
  int64_t touched = 0;
  for (size_t j = 1; j < ctx.argc(); ++j) {
    if (ctx.db->LookupRead(ctx.args[j], ctx.now_ms) != nullptr) ++touched;
  }
  ctx.reply->Integer(touched);
}

// ---------------------------------------------------------------------------
// OBJECT

constexpr const char* kObjectHelp[] = {
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
};

void ObjectHelpCommand(CommandContext& ctx) {
  std::string header(ctx.args[0]);
  for (char& c : header) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  header += " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
  ctx.reply->ArrayHeader(std::size(kObjectHelp) + 3);
  ctx.reply->SimpleString(header);
  for (const char* line : kObjectHelp) ctx.reply->SimpleString(line);
  ctx.reply->SimpleString("HELP");
  ctx.reply->SimpleString("    Prints this help.");
}

// The value at args[2], or nullptr after replying null (Redis's
// objectCommandLookupOrReply: no access-clock update, hits/misses counted).
Value* ObjectLookupOrReply(CommandContext& ctx) {
  Value* v = LookupNoTouchCounted(ctx, ctx.args[2]);
  if (v == nullptr) ctx.reply->Null();
  return v;
}

void ObjectEncodingCommand(CommandContext& ctx) {
  Value* v = ObjectLookupOrReply(ctx);
  if (v != nullptr) ctx.reply->Bulk(storage::EncodingName(v->encoding()));
}

// Redis shares the objects of the integers 0..9999 (see Value::shared_integer).
void ObjectRefcountCommand(CommandContext& ctx) {
  Value* v = ObjectLookupOrReply(ctx);
  if (v == nullptr) return;
  ctx.reply->Integer(v->shared_integer() ? kSharedRefcount : 1);
}

void ObjectIdleTimeCommand(CommandContext& ctx) {
  Value* v = ObjectLookupOrReply(ctx);
  if (v == nullptr) return;
  if (ctx.lfu_policy) {
    ctx.reply->Error(kErrLfuIdleTime);
    return;
  }
  ctx.reply->Integer(v->IdleTimeMs(ctx.now_ms) / 1000);
}

void ObjectFreqCommand(CommandContext& ctx) {
  Value* v = ObjectLookupOrReply(ctx);
  if (v == nullptr) return;
  if (!ctx.lfu_policy) {
    ctx.reply->Error(kErrLfuFreq);
    return;
  }
  // The counter as decayed now (the key may not have been read for a while;
  // only reads and writes apply the decay).
  ctx.reply->Integer(storage::LfuDecrAndReturn(v->lru(), ctx.now_ms,
                                               ctx.keyspace->access_policy().lfu_decay_time));
}

// ---------------------------------------------------------------------------
// Registration

CommandSpec Spec(std::string name, int arity, uint32_t flags, uint64_t acl, KeyRange keys,
                 Handler handler, std::string summary, std::string since, std::string complexity,
                 std::string group = "generic") {
  return MakeCommand(std::move(name), arity, flags, acl, keys, handler, std::move(summary),
                     std::move(since), std::move(group), std::move(complexity));
}

}  // namespace

void RegisterKeyspaceCommands(CommandTable* table) {
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kFast = kCmdFast;
  constexpr KeyRange kNoKeys{0, 0, 0};
  constexpr KeyRange kFirstKey{1, 1, 1};
  constexpr KeyRange kAllKeys{1, -1, 1};
  constexpr KeyRange kTwoKeys{1, 2, 1};

  table->Add(Spec("del", -2, kW, kAclKeyspace, kAllKeys, DelCommand, "Delete a key", "1.0.0",
                  "O(N) where N is the number of keys that will be removed. When a key to remove "
                  "holds a value other than a string, the individual complexity for this key is "
                  "O(M) where M is the number of elements in the list, set, sorted set or hash. "
                  "Removing a single key that holds a string value is O(1)."));
  table->Add(Spec("unlink", -2, kW | kFast, kAclKeyspace, kAllKeys, UnlinkCommand,
                  "Delete a key asynchronously in another thread. Otherwise it is just as DEL, "
                  "but non blocking.",
                  "4.0.0",
                  "O(1) for each key removed regardless of its size. Then the command does O(N) "
                  "work in a different thread in order to reclaim memory, where N is the number "
                  "of allocations the deleted objects where composed of."));
  table->Add(Spec("rename", 3, kW, kAclKeyspace, kTwoKeys, RenameCommand, "Rename a key", "1.0.0",
                  "O(1)"));
  table->Add(Spec("renamenx", 3, kW | kFast, kAclKeyspace, kTwoKeys, RenameNxCommand,
                  "Rename a key, only if the new key does not exist", "1.0.0", "O(1)"));
  table->Add(Spec("copy", -3, kW | kCmdDenyOom, kAclKeyspace, kTwoKeys, CopyCommand, "Copy a key",
                  "6.2.0",
                  "O(N) worst case for collections, where N is the number of nested items. O(1) "
                  "for string values."));
  table->Add(Spec("move", 3, kW | kFast, kAclKeyspace, kFirstKey, MoveCommand,
                  "Move a key to another database", "1.0.0", "O(1)"));
  table->Add(Spec("swapdb", 3, kW | kFast, kAclKeyspace | kAclDangerous, kNoKeys, SwapDbCommand,
                  "Swaps two Redis databases", "4.0.0",
                  "O(N) where N is the count of clients watching or blocking on keys from both "
                  "databases.",
                  "server"));
  table->Add(Spec("keys", 2, kR, kAclKeyspace | kAclDangerous, kNoKeys, KeysCommand,
                  "Find all keys matching the given pattern", "1.0.0",
                  "O(N) with N being the number of keys in the database, under the assumption "
                  "that the key names in the database and the given pattern have limited "
                  "length."));
  table->Add(Spec("scan", -2, kR, kAclKeyspace, kNoKeys, ScanCommand,
                  "Incrementally iterate the keys space", "2.8.0",
                  "O(1) for every call. O(N) for a complete iteration, including enough command "
                  "calls for the cursor to return back to 0. N is the number of elements inside "
                  "the collection."));
  table->Add(Spec("randomkey", 1, kR, kAclKeyspace, kNoKeys, RandomKeyCommand,
                  "Return a random key from the keyspace", "1.0.0", "O(1)"));

  struct ExpireFamily {
    const char* name;
    Handler handler;
    const char* summary;
    const char* since;
  };
  for (const ExpireFamily& e : {
           ExpireFamily{"expire", ExpireCommand, "Set a key's time to live in seconds", "1.0.0"},
           ExpireFamily{"pexpire", PexpireCommand, "Set a key's time to live in milliseconds",
                        "2.6.0"},
           ExpireFamily{"expireat", ExpireAtCommand,
                        "Set the expiration for a key as a UNIX timestamp", "1.2.0"},
           ExpireFamily{"pexpireat", PexpireAtCommand,
                        "Set the expiration for a key as a UNIX timestamp specified in "
                        "milliseconds",
                        "2.6.0"},
       }) {
    table->Add(Spec(e.name, -3, kW | kFast, kAclKeyspace, kFirstKey, e.handler, e.summary, e.since,
                    "O(1)"));
  }
  table->Add(Spec("persist", 2, kW | kFast, kAclKeyspace, kFirstKey, PersistCommand,
                  "Remove the expiration from a key", "2.2.0", "O(1)"));
  table->Add(Spec("touch", -2, kR | kFast, kAclKeyspace, kAllKeys, TouchCommand,
                  "Alters the last access time of a key(s). Returns the number of existing keys "
                  "specified.",
                  "3.2.1", "O(N) where N is the number of keys that will be touched."));

  // OBJECT is a container: the dispatcher resolves the subcommand and checks
  // its arity, so the container itself has no handler.
  CommandSpec object =
      Spec("object", -2, 0, 0, kNoKeys, nullptr, "A container for object introspection commands",
           "2.2.3", "Depends on subcommand.");
  constexpr KeyRange kObjectKey{2, 2, 1};
  object.subcommands.push_back(
      Spec("object|encoding", 3, kR, kAclKeyspace, kObjectKey, ObjectEncodingCommand,
           "Inspect the internal encoding of a Redis object", "2.2.3", "O(1)"));
  object.subcommands.push_back(Spec("object|freq", 3, kR, kAclKeyspace, kObjectKey,
                                    ObjectFreqCommand,
                                    "Get the logarithmic access frequency counter of a Redis "
                                    "object",
                                    "4.0.0", "O(1)"));
  object.subcommands.push_back(
      Spec("object|help", 2, kCmdLoading | kCmdStale, kAclKeyspace, kNoKeys, ObjectHelpCommand,
           "Show helpful text about the different subcommands", "6.2.0", "O(1)"));
  object.subcommands.push_back(
      Spec("object|idletime", 3, kR, kAclKeyspace, kObjectKey, ObjectIdleTimeCommand,
           "Get the time since a Redis object was last accessed", "2.2.3", "O(1)"));
  object.subcommands.push_back(
      Spec("object|refcount", 3, kR, kAclKeyspace, kObjectKey, ObjectRefcountCommand,
           "Get the number of references to the value of the key", "2.2.3", "O(1)"));
  table->Add(std::move(object));
}

}  // namespace spindle::commands
