// DUMP and RESTORE: a value's RDB serialization out and back in, with Redis
// 7.0's payload (persistence/dump_payload.h) and cluster.c's replies, checks
// and their order.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "commands/propagation.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "persistence/dump_payload.h"
#include "persistence/rdb_reader.h"
#include "protocol/errors.h"

namespace spindle::commands {
namespace {

using storage::kNotifyGeneric;
using storage::Value;

void DumpCommand(CommandContext& ctx) {
  Value* v = ctx.db->LookupRead(ctx.args[1], ctx.now_ms);
  if (v == nullptr) {
    ctx.reply->Null();
    return;
  }
  std::string payload;
  if (!persistence::CreateDumpPayload(*v, ctx.rdb_compression, &payload)) {
    ctx.reply->Error("ERR DUMP is not supported for this value's type");
    return;
  }
  ctx.reply->Bulk(payload);
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds]
//   [FREQ frequency]
//
// Propagation: a relative TTL goes as the absolute time in its place with
// ABSTTL appended after the options as sent; a TTL already past that
// deleted the replaced key goes as DEL key (even under
// lazyfree-lazy-server-del, as Redis 7.0).
void RestoreCommand(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  bool replace = false, absttl = false;
  int64_t lfu_freq = -1, lru_idle = -1;
  // Options first, as Redis: a bad option wins over every other error.
  for (size_t j = 4; j < ctx.argc(); ++j) {
    const std::string_view opt = ctx.args[j];
    const bool has_value = j + 1 < ctx.argc();
    if (EqualsIgnoreCase(opt, "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(opt, "absttl")) {
      absttl = true;
    } else if (EqualsIgnoreCase(opt, "idletime") && has_value && lfu_freq == -1) {
      if (!StringToInt64(ctx.args[j + 1], &lru_idle)) {
        ctx.reply->Error(protocol::kErrNotInteger);
        return;
      }
      if (lru_idle < 0) {
        ctx.reply->Error("ERR Invalid IDLETIME value, must be >= 0");
        return;
      }
      ++j;
    } else if (EqualsIgnoreCase(opt, "freq") && has_value && lru_idle == -1) {
      if (!StringToInt64(ctx.args[j + 1], &lfu_freq)) {
        ctx.reply->Error(protocol::kErrNotInteger);
        return;
      }
      if (lfu_freq < 0 || lfu_freq > 255) {
        ctx.reply->Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return;
      }
      ++j;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  if (!replace && ctx.db->LookupWrite(key, ctx.now_ms) != nullptr) {
    ctx.reply->Error(protocol::kErrBusyKey);
    return;
  }
  int64_t ttl;
  if (!StringToInt64(ctx.args[2], &ttl)) {
    ctx.reply->Error(protocol::kErrNotInteger);
    return;
  }
  if (ttl < 0) {
    ctx.reply->Error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  persistence::DumpPayloadError err;
  std::optional<Value> value =
      persistence::ParseDumpPayload(ctx.args[3], *ctx.limits, /*skip_checksum=*/false, &err);
  if (err == persistence::DumpPayloadError::kVersionOrChecksum) {
    ctx.reply->Error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  if (!value) {
    ctx.reply->Error("ERR Bad data format");
    return;
  }
  const bool deleted = replace && ctx.db->Delete(key, ctx.now_ms);
  if (ttl != 0 && !absttl) ttl += ctx.now_ms;
  if (ttl != 0 && ctx.AlreadyExpired(ttl)) {
    // Already expired: nothing is stored, but a replaced key is gone.
    if (deleted) {
      ctx.RewritePropagated({"DEL", key});
      ctx.KeyModified(key);
      ctx.Notify(kNotifyGeneric, "del", key);
      ctx.keyspace->AddDirty(1);
    }
    ctx.reply->Ok();
    return;
  }
  Value& stored = ctx.db->Set(key, std::move(*value));
  if (ttl != 0) {
    ctx.db->SetExpire(key, ttl);
    if (!absttl && ctx.propagating()) {
      IntArg abs_ms(ttl);
      std::vector<std::string_view> argv(ctx.args.begin(), ctx.args.end());
      argv[2] = abs_ms.view();
      argv.push_back("ABSTTL");
      ctx.RewritePropagated(argv);
    }
  }
  persistence::ApplyIdleOrFreq(
      stored, ctx.lfu_policy ? persistence::EvictionInfo::kLfu : persistence::EvictionInfo::kLru,
      lfu_freq, lru_idle, ctx.now_ms);
  ctx.KeyModified(key);
  ctx.Notify(kNotifyGeneric, "restore", key);
  ctx.reply->Ok();
  ctx.keyspace->AddDirty(1);
}

}  // namespace

void RegisterDumpCommands(CommandTable* table) {
  table->Add(MakeCommand(
      "dump", 2, kCmdReadOnly, kAclKeyspace, KeyRange{1, 1, 1}, DumpCommand,
      "Return a serialized version of the value stored at the specified key.", "2.6.0", "generic",
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of "
      "Redis objects composing the value and M their average size. For small string values the "
      "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1)."));
  table->Add(MakeCommand(
      "restore", -4, kCmdWrite | kCmdDenyOom, kAclKeyspace | kAclDangerous, KeyRange{1, 1, 1},
      RestoreCommand,
      "Create a key using the provided serialized value, previously obtained using DUMP.", "2.6.0",
      "generic",
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
      "where N is the number of Redis objects composing the value and M their average size. For "
      "small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
      "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
      "values into sorted sets is O(log(N))."));
}

}  // namespace spindle::commands
