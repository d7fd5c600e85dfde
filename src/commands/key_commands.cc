// Keyspace-wide commands of the first milestone: DEL, EXISTS, TYPE, DBSIZE,
// FLUSHDB, FLUSHALL (Redis 7.0's db.c).

#include <string>
#include <string_view>
#include <utility>

#include "commands/command_table.h"
#include "commands/options.h"
#include "protocol/errors.h"

namespace spindle::commands {
namespace {

// Counts every argument that names a live key, duplicates included. Redis
// looks keys up for reading here, so hits and misses are counted, without
// touching their access clock (LOOKUP_NOTOUCH, as TYPE and the TTL family).
void ExistsCommand(CommandContext& ctx) {
  int64_t count = 0;
  for (size_t j = 1; j < ctx.argc(); ++j) {
    if (ctx.db->LookupReadNoTouch(ctx.args[j], ctx.now_ms) != nullptr) ++count;
  }
  ctx.reply->Integer(count);
}

void TypeCommand(CommandContext& ctx) {
  storage::Value* v = ctx.db->LookupReadNoTouch(ctx.args[1], ctx.now_ms);
  ctx.reply->SimpleString(v == nullptr ? "none" : storage::ValueTypeName(v->type()));
}

// TTL, PTTL, EXPIRETIME, PEXPIRETIME (Redis's ttlGenericCommand): -2 for a
// missing key, -1 for no TTL, else the remaining (or absolute) time; TTL
// rounds milliseconds to the nearest second.
void TtlGeneric(CommandContext& ctx, bool output_ms, bool output_abs) {
  if (ctx.db->LookupReadNoTouch(ctx.args[1], ctx.now_ms) == nullptr) {
    ctx.reply->Integer(-2);
    return;
  }
  int64_t expire = ctx.db->GetExpire(ctx.args[1]);
  if (expire == -1) {
    ctx.reply->Integer(-1);
    return;
  }
  int64_t ttl = output_abs ? expire : expire - ctx.now_ms;
  if (ttl < 0) ttl = 0;
  ctx.reply->Integer(output_ms ? ttl : (ttl + 500) / 1000);
}

void TtlCommand(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PttlCommand(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTimeCommand(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PexpireTimeCommand(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

// The size of the key table, keys whose TTL passed but that nobody has
// touched yet included (as Redis's dictSize).
void DbSizeCommand(CommandContext& ctx) {
  ctx.reply->Integer(static_cast<int64_t>(ctx.db->size()));
}

// FLUSHDB / FLUSHALL take one optional ASYNC or SYNC. ASYNC detaches the
// tables and lets the keyspace's background freer destroy them.
// Without an option the directive lazyfree-lazy-user-flush decides, as in
// Redis; SYNC and ASYNC override it.
bool ParseFlushOptionOrReply(CommandContext& ctx, bool* async) {
  *async = ctx.lazy_user_flush;
  if (ctx.argc() == 1) return true;
  if (ctx.argc() == 2 && (OptionIs(ctx.args[1], "sync") || OptionIs(ctx.args[1], "async"))) {
    *async = OptionIs(ctx.args[1], "async");
    return true;
  }
  ctx.reply->Error(protocol::kErrSyntax);
  return false;
}

// FLUSHDB and FLUSHALL are propagated even when there was nothing to
// remove (Redis's forceCommandPropagation): a replica or an AOF replayed
// over other data must end up empty as well. The command goes through Also
// (propagated whatever the dirty counter says) instead of as itself.
void ForcePropagation(CommandContext& ctx) {
  if (!ctx.propagating()) return;
  ctx.AlsoPropagate(ctx.args);
  ctx.PreventPropagation();
}

void FlushDbCommand(CommandContext& ctx) {
  bool async;
  if (!ParseFlushOptionOrReply(ctx, &async)) return;
  uint64_t removed = ctx.db->size();
  // Redis's signalFlushedDb, while the keys are still there (WATCH and
  // client-side caching look at them). No keyspace event is sent.
  ctx.db->observer().DatabaseFlushed(ctx.db->index());
  ctx.db->Clear(async ? &ctx.keyspace->freer() : nullptr);
  ctx.keyspace->AddDirty(removed);
  ForcePropagation(ctx);
  ctx.reply->Ok();
}

// Dirty grows by the keys removed, as in Redis 7.0.15 (a FLUSHALL of an
// empty dataset changes nothing; checked against redis-server). Saving an
// RDB afterwards (when save points are configured) is the server's business
// (RdbSnapshots::AfterFlushAll).
void FlushAllCommand(CommandContext& ctx) {
  bool async;
  if (!ParseFlushOptionOrReply(ctx, &async)) return;
  uint64_t removed = 0;
  for (int i = 0; i < ctx.keyspace->count(); ++i) removed += ctx.keyspace->db(i).size();
  ctx.keyspace->observer().DatabaseFlushed(-1);  // every database, keys still there
  ctx.keyspace->FlushAll(async ? &ctx.keyspace->freer() : nullptr);
  ctx.keyspace->AddDirty(removed);
  ForcePropagation(ctx);
  ctx.reply->Ok();
}

CommandSpec KeySpec(std::string name, int arity, uint32_t flags, uint64_t acl, int first_key,
                    int last_key, int key_step, Handler handler, std::string summary,
                    std::string group, std::string complexity) {
  return MakeCommand(std::move(name), arity, flags, acl, {first_key, last_key, key_step}, handler,
                     std::move(summary), "1.0.0", std::move(group), std::move(complexity));
}

}  // namespace

void RegisterKeyCommands(CommandTable* table) {
  table->Add(KeySpec("exists", -2, kCmdReadOnly | kCmdFast, kAclKeyspace, 1, -1, 1, ExistsCommand,
                     "Determine if a key exists", "generic",
                     "O(N) where N is the number of keys to check."));
  table->Add(KeySpec("type", 2, kCmdReadOnly | kCmdFast, kAclKeyspace, 1, 1, 1, TypeCommand,
                     "Determine the type stored at key", "generic", "O(1)"));
  struct TtlFamily {
    const char* name;
    Handler handler;
    const char* summary;
    const char* since;
  };
  for (const TtlFamily& t : {
           TtlFamily{"ttl", TtlCommand, "Get the time to live for a key in seconds", "1.0.0"},
           TtlFamily{"pttl", PttlCommand, "Get the time to live for a key in milliseconds",
                     "2.6.0"},
           TtlFamily{"expiretime", ExpireTimeCommand,
                     "Get the expiration Unix timestamp for a key", "7.0.0"},
           TtlFamily{"pexpiretime", PexpireTimeCommand,
                     "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"},
       }) {
    CommandSpec spec = KeySpec(t.name, 2, kCmdReadOnly | kCmdFast, kAclKeyspace, 1, 1, 1,
                               t.handler, t.summary, "generic", "O(1)");
    spec.since = t.since;
    table->Add(std::move(spec));
  }
  table->Add(KeySpec("dbsize", 1, kCmdReadOnly | kCmdFast, kAclKeyspace, 0, 0, 0, DbSizeCommand,
                     "Return the number of keys in the selected database", "server", "O(1)"));
  table->Add(KeySpec("flushdb", -1, kCmdWrite, kAclKeyspace | kAclDangerous, 0, 0, 0,
                     FlushDbCommand, "Remove all keys from the current database", "server",
                     "O(N) where N is the number of keys in the selected database"));
  table->Add(KeySpec("flushall", -1, kCmdWrite, kAclKeyspace | kAclDangerous, 0, 0, 0,
                     FlushAllCommand, "Remove all keys from all databases", "server",
                     "O(N) where N is the total number of keys in all databases"));
}

}  // namespace spindle::commands
