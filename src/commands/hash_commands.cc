// The hash family: HSET and friends, counters, whole-hash reads, HRANDFIELD
// and HSCAN.
//
// Behaviour follows Redis 7.0's t_hash.c reply for reply, including the order
// in which errors are detected (an increment is parsed before the key's type
// is checked; HSCAN checks the cursor, then the key, then its options),
// because a client can observe that order. The payload and its encodings are
// storage/hash_value.h.

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "commands/options.h"
#include "commands/scan_options.h"
#include "common/glob.h"
#include "common/numbers.h"
#include "protocol/errors.h"
#include "storage/hash_value.h"

namespace spindle::commands {
namespace {

using storage::HashValue;
using storage::kNotifyGeneric;
using storage::kNotifyHash;
using storage::Value;
using storage::ValueType;

// Family-specific texts, checked against redis-server 7.0.15.
constexpr std::string_view kErrNanOrInfinity = "ERR value is NaN or Infinity";
// getRangeLongFromObjectOrReply's text for HRANDFIELD's count (sic).
constexpr std::string_view kErrCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
// Redis's shared.emptyscan: the same bytes in RESP2 and RESP3.
constexpr std::string_view kEmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";

// The hash at key for a read (counting a hit or miss): *out is nullptr when
// the key is absent. Returns false after replying WRONGTYPE.
bool LookupHashRead(CommandContext& ctx, std::string_view key, HashValue** out) {
  Value* v = ctx.db->LookupRead(key, ctx.now_ms);
  *out = nullptr;
  if (v == nullptr) return true;
  if (v->type() != ValueType::kHash) {
    ctx.reply->Error(protocol::kErrWrongType);
    return false;
  }
  *out = v->As<HashValue>();
  return true;
}

// The hash at key for a write, nullptr when absent. Returns false after
// replying WRONGTYPE.
bool LookupHashWrite(CommandContext& ctx, std::string_view key, HashValue** out) {
  Value* v = ctx.db->LookupWrite(key, ctx.now_ms);
  *out = nullptr;
  if (v == nullptr) return true;
  if (v->type() != ValueType::kHash) {
    ctx.reply->Error(protocol::kErrWrongType);
    return false;
  }
  *out = v->As<HashValue>();
  return true;
}

// Redis's hashTypeLookupWriteOrCreate: the hash at key, stored empty (as a
// listpack) when absent; nullptr after replying WRONGTYPE. Callers write to
// it at once, so an empty hash is never left behind.
HashValue* LookupHashOrCreate(CommandContext& ctx, std::string_view key) {
  HashValue* hash;
  if (!LookupHashWrite(ctx, key, &hash)) return nullptr;
  if (hash != nullptr) return hash;
  Value& v =
      ctx.db->Set(key, Value::FromCollection(ValueType::kHash, std::make_unique<HashValue>()));
  return v.As<HashValue>();
}

// ---------------------------------------------------------------------------
// Writes.

// HSET key field value [field value ...] / HMSET: the pairs are checked
// before the key (a missing value is an arity error under the command's
// name); long strings convert the hash before anything is stored.
void SetGeneric(CommandContext& ctx, std::string_view name, bool reply_count) {
  if (ctx.argc() % 2 == 1) {
    ctx.reply->Error(protocol::WrongArityError(name));
    return;
  }
  HashValue* hash = LookupHashOrCreate(ctx, ctx.args[1]);
  if (hash == nullptr) return;
  hash->ConvertIfAnyTooLong(ctx.args.subspan(2), *ctx.limits);
  int64_t created = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    created += hash->Set(ctx.args[i], ctx.args[i + 1], *ctx.limits) ? 1 : 0;
  }
  if (reply_count) {
    ctx.reply->Integer(created);
  } else {
    ctx.reply->Ok();
  }
  // Reported even when no value changed, as Redis does.
  ctx.KeyModified(ctx.args[1]);
  ctx.Notify(kNotifyHash, "hset", ctx.args[1]);
  ctx.keyspace->AddDirty((ctx.argc() - 2) / 2);
}

void HSetCommand(CommandContext& ctx) { SetGeneric(ctx, "hset", true); }
void HMSetCommand(CommandContext& ctx) { SetGeneric(ctx, "hmset", false); }

// HSETNX key field value
void HSetNxCommand(CommandContext& ctx) {
  HashValue* hash = LookupHashOrCreate(ctx, ctx.args[1]);
  if (hash == nullptr) return;
  if (hash->Contains(ctx.args[2])) {
    ctx.reply->Integer(0);
    return;
  }
  hash->ConvertIfAnyTooLong(ctx.args.subspan(2, 2), *ctx.limits);
  hash->Set(ctx.args[2], ctx.args[3], *ctx.limits);
  ctx.reply->Integer(1);
  ctx.KeyModified(ctx.args[1]);
  ctx.Notify(kNotifyHash, "hset", ctx.args[1]);
  ctx.keyspace->AddDirty(1);
}

// HDEL key field [field ...]: a hash left empty is deleted.
void HDelCommand(CommandContext& ctx) {
  HashValue* hash;
  if (!LookupHashWrite(ctx, ctx.args[1], &hash)) return;
  if (hash == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  int64_t deleted = 0;
  bool key_removed = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!hash->Delete(ctx.args[i])) continue;
    ++deleted;
    if (hash->Length() == 0) {
      ctx.db->Delete(ctx.args[1], ctx.now_ms);  // frees hash
      key_removed = true;
      break;
    }
  }
  if (deleted > 0) {
    ctx.KeyModified(ctx.args[1]);
    ctx.Notify(kNotifyHash, "hdel", ctx.args[1]);
    if (key_removed) ctx.Notify(kNotifyGeneric, "del", ctx.args[1]);
  }
  ctx.reply->Integer(deleted);
  ctx.keyspace->AddDirty(static_cast<uint64_t>(deleted));
}

// HINCRBY key field increment
void HIncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!StringToInt64(ctx.args[3], &incr)) {
    ctx.reply->Error(protocol::kErrNotInteger);
    return;
  }
  HashValue* hash = LookupHashOrCreate(ctx, ctx.args[1]);
  if (hash == nullptr) return;
  int64_t value = 0;
  if (std::optional<std::string_view> old = hash->Get(ctx.args[2])) {
    if (!StringToInt64(*old, &value)) {
      ctx.reply->Error(protocol::kErrHashNotInteger);
      return;
    }
  }
  if (__builtin_add_overflow(value, incr, &value)) {
    ctx.reply->Error(protocol::kErrIncrOverflow);
    return;
  }
  hash->Set(ctx.args[2], Int64ToString(value), *ctx.limits);
  ctx.reply->Integer(value);
  ctx.KeyModified(ctx.args[1]);
  ctx.Notify(kNotifyHash, "hincrby", ctx.args[1]);
  ctx.keyspace->AddDirty(1);
}

// HINCRBYFLOAT key field increment: long double arithmetic, the result
// stored and replied (a bulk string, in RESP3 too) in Redis's human format.
void HIncrByFloatCommand(CommandContext& ctx) {
  long double incr;
  if (!StringToLongDouble(ctx.args[3], &incr)) {
    ctx.reply->Error(protocol::kErrNotFloat);
    return;
  }
  if (std::isnan(incr) || std::isinf(incr)) {
    ctx.reply->Error(kErrNanOrInfinity);
    return;
  }
  HashValue* hash = LookupHashOrCreate(ctx, ctx.args[1]);
  if (hash == nullptr) return;
  long double value = 0;
  if (std::optional<std::string_view> old = hash->Get(ctx.args[2])) {
    if (!StringToLongDouble(*old, &value)) {
      ctx.reply->Error(protocol::kErrHashNotFloat);
      return;
    }
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply->Error(protocol::kErrIncrNanOrInf);
    return;
  }
  std::string text = LongDoubleToString(value, LongDoubleFormat::kHuman);
  hash->Set(ctx.args[2], text, *ctx.limits);
  ctx.reply->Bulk(text);
  ctx.KeyModified(ctx.args[1]);
  ctx.Notify(kNotifyHash, "hincrbyfloat", ctx.args[1]);
  ctx.keyspace->AddDirty(1);
  // Propagated as HSET key field <the reply>, so that a replay cannot round
  // or format differently.
  ctx.RewritePropagated({"HSET", ctx.args[1], ctx.args[2], text});
}

// ---------------------------------------------------------------------------
// Reads.

// HGET key field
void HGetCommand(CommandContext& ctx) {
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  std::optional<std::string_view> v;
  if (hash != nullptr) v = hash->Get(ctx.args[2]);
  if (v) {
    ctx.reply->Bulk(*v);
  } else {
    ctx.reply->Null();
  }
}

// HMGET key field [field ...]
void HMGetCommand(CommandContext& ctx) {
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  ctx.reply->ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<std::string_view> v;
    if (hash != nullptr) v = hash->Get(ctx.args[i]);
    if (v) {
      ctx.reply->Bulk(*v);
    } else {
      ctx.reply->Null();
    }
  }
}

// HLEN key
void HLenCommand(CommandContext& ctx) {
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  ctx.reply->Integer(hash == nullptr ? 0 : static_cast<int64_t>(hash->Length()));
}

// HSTRLEN key field
void HStrLenCommand(CommandContext& ctx) {
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  std::optional<std::string_view> v;
  if (hash != nullptr) v = hash->Get(ctx.args[2]);
  ctx.reply->Integer(v ? static_cast<int64_t>(v->size()) : 0);
}

// HEXISTS key field
void HExistsCommand(CommandContext& ctx) {
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  ctx.reply->Integer(hash != nullptr && hash->Contains(ctx.args[2]) ? 1 : 0);
}

// HKEYS / HVALS / HGETALL (Redis's genericHgetallCommand). HGETALL is a map
// in RESP3.
enum class Parts { kFields, kValues, kBoth };

void GetAllGeneric(CommandContext& ctx, Parts parts) {
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  const size_t n = hash == nullptr ? 0 : hash->Length();
  if (parts == Parts::kBoth) {
    ctx.reply->MapHeader(n);
  } else {
    ctx.reply->ArrayHeader(n);
  }
  if (hash == nullptr) return;
  hash->ForEach([&](std::string_view field, std::string_view value) {
    if (parts != Parts::kValues) ctx.reply->Bulk(field);
    if (parts != Parts::kFields) ctx.reply->Bulk(value);
  });
}

void HKeysCommand(CommandContext& ctx) { GetAllGeneric(ctx, Parts::kFields); }
void HValsCommand(CommandContext& ctx) { GetAllGeneric(ctx, Parts::kValues); }
void HGetAllCommand(CommandContext& ctx) { GetAllGeneric(ctx, Parts::kBoth); }

// ---------------------------------------------------------------------------
// HRANDFIELD key [count [WITHVALUES]]

// One entry of an HRANDFIELD-with-count reply: WITHVALUES pairs are nested
// arrays in RESP3 and flat in RESP2.
void ReplyRandomEntry(CommandContext& ctx, std::string_view field, std::string_view value,
                      bool with_values) {
  if (with_values && ctx.reply->resp() > 2) ctx.reply->ArrayHeader(2);
  ctx.reply->Bulk(field);
  if (with_values) ctx.reply->Bulk(value);
}

void ReplyRandomHeader(CommandContext& ctx, size_t entries, bool with_values) {
  ctx.reply->ArrayHeader(with_values && ctx.reply->resp() == 2 ? entries * 2 : entries);
}

void RandomWithCount(CommandContext& ctx, int64_t count, bool with_values) {
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  if (hash == nullptr || count == 0) {
    ctx.reply->EmptyArray();
    return;
  }
  const bool unique = count > 0;
  const size_t wanted = static_cast<size_t>(unique ? count : -count);
  const size_t size = hash->Length();

  // A negative count samples with repetition (and so does a count of one).
  if (!unique || wanted == 1) {
    ReplyRandomHeader(ctx, wanted, with_values);
    for (size_t i = 0; i < wanted; ++i) {
      auto [field, value] = hash->Random();
      ReplyRandomEntry(ctx, field, value, with_values);
    }
    return;
  }
  // Asking for at least the whole hash returns the whole hash, in its order.
  if (wanted >= size) {
    ReplyRandomHeader(ctx, size, with_values);
    hash->ForEach([&](std::string_view field, std::string_view value) {
      ReplyRandomEntry(ctx, field, value, with_values);
    });
    return;
  }
  auto picked = hash->RandomDistinct(wanted);
  ReplyRandomHeader(ctx, picked.size(), with_values);
  for (const auto& [field, value] : picked) ReplyRandomEntry(ctx, field, value, with_values);
}

void HRandFieldCommand(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t count;
    if (!StringToInt64(ctx.args[2], &count)) {
      ctx.reply->Error(protocol::kErrNotInteger);
      return;
    }
    if (count == std::numeric_limits<int64_t>::min()) {  // outside -LONG_MAX..LONG_MAX
      ctx.reply->Error(kErrCountOutOfRange);
      return;
    }
    const bool with_values = ctx.argc() == 4;
    if (ctx.argc() > 4 || (with_values && !OptionIs(ctx.args[3], "withvalues"))) {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
    // Redis refuses counts whose reply length (two per pair) could overflow.
    constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
    if (with_values && (count < -kHalf || count > kHalf)) {
      ctx.reply->Error(protocol::kErrValueOutOfRange);
      return;
    }
    RandomWithCount(ctx, count, with_values);
    return;
  }
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  if (hash == nullptr) {
    ctx.reply->Null();
    return;
  }
  ctx.reply->Bulk(hash->Random().first);
}

// ---------------------------------------------------------------------------
// HSCAN key cursor [MATCH pattern] [COUNT count]

void HScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx.args[2], &cursor)) {
    ctx.reply->Error(protocol::kErrInvalidCursor);
    return;
  }
  HashValue* hash;
  if (!LookupHashRead(ctx, ctx.args[1], &hash)) return;
  if (hash == nullptr) {
    ctx.reply->Raw(kEmptyScan);
    return;
  }
  ScanOptions opts;
  if (!ParseScanOptionsOrReply(ctx, 3, false, &opts)) return;

  // Fields and values alternate; like Redis, COUNT counts both, and a walk
  // of the table takes at most 10 * COUNT steps.
  std::vector<std::string_view> items;
  auto collect = [&](std::string_view field, std::string_view value) {
    if (opts.pattern && !GlobMatch(*opts.pattern, field)) return;
    items.push_back(field);
    items.push_back(value);
  };
  if (hash->is_listpack()) {
    cursor = hash->Scan(cursor, collect);  // everything, cursor 0
  } else {
    const uint64_t wanted = static_cast<uint64_t>(opts.count);
    uint64_t max_steps = wanted > std::numeric_limits<uint64_t>::max() / 10 ? wanted : wanted * 10;
    // Redis stops on the number collected before filtering; count the walk
    // the same way so COUNT means the same amount of work.
    uint64_t visited = 0;
    auto counted = [&](std::string_view field, std::string_view value) {
      visited += 2;
      collect(field, value);
    };
    do {
      cursor = hash->Scan(cursor, counted);
    } while (cursor != 0 && max_steps-- != 0 && visited < wanted);
  }

  ctx.reply->ArrayHeader(2);
  ctx.reply->Bulk(std::to_string(cursor));
  ctx.reply->ArrayHeader(items.size());
  for (std::string_view item : items) ctx.reply->Bulk(item);
}

// ---------------------------------------------------------------------------
// Registration.

CommandSpec HashSpec(std::string name, int arity, uint32_t flags, Handler handler,
                     std::string summary, std::string since, std::string complexity) {
  return MakeCommand(std::move(name), arity, flags, kAclHash, {1, 1, 1}, handler,
                     std::move(summary), std::move(since), "hash", std::move(complexity));
}

constexpr char kWholeHashComplexity[] = "O(N) where N is the size of the hash.";

}  // namespace

void RegisterHashCommands(CommandTable* table) {
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;

  table->Add(HashSpec("hset", -4, kW | kOom | kFast, HSetCommand,
                      "Set the string value of a hash field", "2.0.0",
                      "O(1) for each field/value pair added, so O(N) to add N field/value pairs "
                      "when the command is called with multiple field/value pairs."));
  table->Add(HashSpec("hsetnx", 4, kW | kOom | kFast, HSetNxCommand,
                      "Set the value of a hash field, only if the field does not exist", "2.0.0",
                      "O(1)"));
  table->Add(HashSpec("hget", 3, kR | kFast, HGetCommand, "Get the value of a hash field", "2.0.0",
                      "O(1)"));
  table->Add(HashSpec("hmget", -3, kR | kFast, HMGetCommand,
                      "Get the values of all the given hash fields", "2.0.0",
                      "O(N) where N is the number of fields being requested."));
  table->Add(HashSpec("hmset", -4, kW | kOom | kFast, HMSetCommand,
                      "Set multiple hash fields to multiple values", "2.0.0",
                      "O(N) where N is the number of fields being set."));
  table->Add(HashSpec("hdel", -3, kW | kFast, HDelCommand, "Delete one or more hash fields",
                      "2.0.0", "O(N) where N is the number of fields to be removed."));
  table->Add(HashSpec("hlen", 2, kR | kFast, HLenCommand, "Get the number of fields in a hash",
                      "2.0.0", "O(1)"));
  table->Add(HashSpec("hstrlen", 3, kR | kFast, HStrLenCommand,
                      "Get the length of the value of a hash field", "3.2.0", "O(1)"));
  table->Add(HashSpec("hexists", 3, kR | kFast, HExistsCommand, "Determine if a hash field exists",
                      "2.0.0", "O(1)"));
  table->Add(HashSpec("hincrby", 4, kW | kOom | kFast, HIncrByCommand,
                      "Increment the integer value of a hash field by the given number", "2.0.0",
                      "O(1)"));
  table->Add(HashSpec("hincrbyfloat", 4, kW | kOom | kFast, HIncrByFloatCommand,
                      "Increment the float value of a hash field by the given amount", "2.6.0",
                      "O(1)"));
  table->Add(HashSpec("hkeys", 2, kR, HKeysCommand, "Get all the fields in a hash", "2.0.0",
                      kWholeHashComplexity));
  table->Add(HashSpec("hvals", 2, kR, HValsCommand, "Get all the values in a hash", "2.0.0",
                      kWholeHashComplexity));
  table->Add(HashSpec("hgetall", 2, kR, HGetAllCommand, "Get all the fields and values in a hash",
                      "2.0.0", kWholeHashComplexity));
  table->Add(HashSpec("hrandfield", -2, kR, HRandFieldCommand,
                      "Get one or multiple random fields from a hash", "6.2.0",
                      "O(N) where N is the number of fields returned"));
  table->Add(HashSpec("hscan", -3, kR, HScanCommand,
                      "Incrementally iterate hash fields and associated values", "2.8.0",
                      "O(1) for every call. O(N) for a complete iteration, including enough "
                      "command calls for the cursor to return back to 0. N is the number of "
                      "elements inside the collection.."));
}

}  // namespace spindle::commands
