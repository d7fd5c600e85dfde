// The string family: GET/SET and their variants, counters, ranges, LCS.
//
// Behaviour follows Redis 7.0's t_string.c reply for reply, including the
// order in which errors are detected (option syntax, then numbers, then the
// key's type), because a client can observe that order.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "commands/options.h"
#include "commands/propagation.h"
#include "common/numbers.h"
#include "protocol/errors.h"

namespace spindle::commands {
namespace {

using storage::kNotifyGeneric;
using storage::kNotifyString;
using storage::Value;

// Redis's LCS refuses strings this long (its table indexes are uint32).
constexpr size_t kLcsMaxLength = UINT32_MAX - 1;

// Redis's checkStringLength: the string that size + append bytes would make
// must fit proto-max-bulk-len (and the sum must not overflow).
bool CheckStringLengthOrReply(CommandContext& ctx, int64_t size, int64_t append) {
  uint64_t total = static_cast<uint64_t>(size) + static_cast<uint64_t>(append);
  if (total > static_cast<uint64_t>(ctx.proto_max_bulk_len)) {
    ctx.reply->Error(protocol::kErrStringTooLong);
    return false;
  }
  return true;
}

// Replies with the string at args[1] (null when absent), as Redis's
// getGenericCommand. Returns false after replying WRONGTYPE.
bool GetGeneric(CommandContext& ctx) {
  Value* v = ctx.db->LookupRead(ctx.args[1], ctx.now_ms);
  if (v == nullptr) {
    ctx.reply->Null();
    return true;
  }
  if (!v->is_string()) {
    ctx.reply->Error(protocol::kErrWrongType);
    return false;
  }
  char scratch[Value::kIntScratch];
  ctx.reply->Bulk(v->StringView(scratch));
  return true;
}

// ---------------------------------------------------------------------------
// SET options, shared by SET, SETEX, PSETEX, SETNX and GETEX.

enum SetFlag : uint32_t {
  kSetNx = 1u << 0,
  kSetXx = 1u << 1,
  kSetGet = 1u << 2,
  kSetKeepTtl = 1u << 3,
  kSetPersist = 1u << 4,
  kSetEx = 1u << 5,
  kSetPx = 1u << 6,
  kSetExAt = 1u << 7,
  kSetPxAt = 1u << 8,
};
constexpr uint32_t kSetAnyExpire = kSetEx | kSetPx | kSetExAt | kSetPxAt;

enum class OptionsOf { kSet, kGetEx };

// Redis's parseExtendedStringArgumentsOrReply. A repeated option is accepted
// (the last expire wins); a conflicting one, an unknown one or an expire
// option without its value is a syntax error.
bool ParseSetOptionsOrReply(CommandContext& ctx, OptionsOf kind, uint32_t* flags,
                            std::string_view* expire) {
  const bool is_set = kind == OptionsOf::kSet;
  for (size_t j = is_set ? 3 : 2; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.args[j];
    const bool has_next = j + 1 < ctx.argc();
    uint32_t f = *flags;
    uint32_t expire_flag = 0;
    if (is_set && OptionIs(opt, "nx") && !(f & kSetXx)) {
      *flags |= kSetNx;
    } else if (is_set && OptionIs(opt, "xx") && !(f & kSetNx)) {
      *flags |= kSetXx;
    } else if (is_set && OptionIs(opt, "get")) {
      *flags |= kSetGet;
    } else if (is_set && OptionIs(opt, "keepttl") && !(f & (kSetPersist | kSetAnyExpire))) {
      *flags |= kSetKeepTtl;
    } else if (!is_set && OptionIs(opt, "persist") && !(f & (kSetAnyExpire | kSetKeepTtl))) {
      *flags |= kSetPersist;
    } else if (OptionIs(opt, "ex")) {
      expire_flag = kSetEx;
    } else if (OptionIs(opt, "px")) {
      expire_flag = kSetPx;
    } else if (OptionIs(opt, "exat")) {
      expire_flag = kSetExAt;
    } else if (OptionIs(opt, "pxat")) {
      expire_flag = kSetPxAt;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return false;
    }
    if (expire_flag != 0) {
      // Any other expire kind, KEEPTTL or PERSIST conflicts; the same kind
      // again does not.
      uint32_t conflicts = (kSetAnyExpire & ~expire_flag) | kSetKeepTtl | kSetPersist;
      if ((f & conflicts) || !has_next) {
        ctx.reply->Error(protocol::kErrSyntax);
        return false;
      }
      *flags |= expire_flag;
      *expire = ctx.args[++j];
    }
  }
  return true;
}

// Redis's getExpireMillisecondsOrReply: the absolute unix-ms expire time an
// EX/PX/EXAT/PXAT argument denotes. Zero, negative and overflowing times are
// "invalid expire time in '<command>' command", with the command's table name.
bool ExpireMsOrReply(CommandContext& ctx, std::string_view command, std::string_view arg,
                     uint32_t flags, int64_t* out) {
  int64_t v;
  if (!ParseInt64OrReply(ctx, arg, &v)) return false;
  const bool seconds = flags & (kSetEx | kSetExAt);
  const bool relative = flags & (kSetEx | kSetPx);
  bool ok = v > 0 && !(seconds && v > INT64_MAX / 1000);
  if (ok) {
    if (seconds) v *= 1000;
    // Redis adds with wrap-around and then rejects a non-positive sum; both
    // operands are positive, so that is exactly an overflow.
    if (relative && __builtin_add_overflow(v, ctx.now_ms, &v)) ok = false;
    if (v <= 0) ok = false;
  }
  if (!ok) {
    ctx.reply->Error(protocol::InvalidExpireTimeError(command));
    return false;
  }
  *out = v;
  return true;
}

// What SET-like commands answer on success and when NX/XX stops them.
enum class SetReplies { kOkOrNull, kOneOrZero };

// What setGenericCommand propagates in place of the command: with an
// expire, SET key value PXAT <ms> (the relative forms must not depend on
// when they are replayed; NX / XX / GET are dropped with the rest); with GET
// and no expire, the command as sent without its GET arguments (a replica
// has nobody to answer).
void RewriteSetPropagation(CommandContext& ctx, uint32_t flags, std::string_view key,
                           std::string_view value, const std::string_view* expire,
                           int64_t when_ms) {
  if (!ctx.propagating()) return;
  if (expire != nullptr) {
    IntArg ms(when_ms);
    ctx.RewritePropagated({"SET", key, value, "PXAT", ms.view()});
    return;
  }
  if (!(flags & kSetGet)) return;
  std::vector<std::string_view> argv;
  argv.reserve(ctx.argc());
  for (size_t j = 0; j < ctx.argc(); ++j) {
    if (j >= 3 && OptionIs(ctx.args[j], "get")) continue;  // it may be repeated
    argv.push_back(ctx.args[j]);
  }
  ctx.RewritePropagated(argv);
}

// Redis's setGenericCommand. `expire` is null when the command has no
// expire argument.
void SetGeneric(CommandContext& ctx, std::string_view command, uint32_t flags, std::string_view key,
                std::string_view value, const std::string_view* expire, SetReplies replies) {
  int64_t when_ms = 0;
  if (expire != nullptr && !ExpireMsOrReply(ctx, command, *expire, flags, &when_ms)) return;
  // GET answers with the old value before anything changes (and refuses a
  // non-string old value).
  if ((flags & kSetGet) && !GetGeneric(ctx)) return;

  const bool found = ctx.db->LookupWrite(key, ctx.now_ms) != nullptr;
  if (((flags & kSetNx) && found) || ((flags & kSetXx) && !found)) {
    if (!(flags & kSetGet)) {
      if (replies == SetReplies::kOneOrZero) {
        ctx.reply->Integer(0);
      } else {
        ctx.reply->Null();
      }
    }
    return;
  }
  ctx.db->Set(key, Value::FromString(value), (flags & kSetKeepTtl) != 0);
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(key);
  ctx.Notify(kNotifyString, "set", key);
  // An absolute time already past is stored as is, as Redis 7.0 does: the
  // key then expires on its next access.
  if (expire != nullptr) {
    ctx.db->SetExpire(key, when_ms);
    ctx.Notify(kNotifyGeneric, "expire", key);
  }
  RewriteSetPropagation(ctx, flags, key, value, expire, when_ms);
  if (!(flags & kSetGet)) {
    if (replies == SetReplies::kOneOrZero) {
      ctx.reply->Integer(1);
    } else {
      ctx.reply->Ok();
    }
  }
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]
void SetCommand(CommandContext& ctx) {
  uint32_t flags = 0;
  std::string_view expire;
  if (!ParseSetOptionsOrReply(ctx, OptionsOf::kSet, &flags, &expire)) return;
  SetGeneric(ctx, "set", flags, ctx.args[1], ctx.args[2],
             (flags & kSetAnyExpire) ? &expire : nullptr, SetReplies::kOkOrNull);
}

void SetNxCommand(CommandContext& ctx) {
  SetGeneric(ctx, "setnx", kSetNx, ctx.args[1], ctx.args[2], nullptr, SetReplies::kOneOrZero);
}

void SetExCommand(CommandContext& ctx) {
  SetGeneric(ctx, "setex", kSetEx, ctx.args[1], ctx.args[3], &ctx.args[2], SetReplies::kOkOrNull);
}

void PSetExCommand(CommandContext& ctx) {
  SetGeneric(ctx, "psetex", kSetPx, ctx.args[1], ctx.args[3], &ctx.args[2], SetReplies::kOkOrNull);
}

void GetCommand(CommandContext& ctx) { GetGeneric(ctx); }

// Propagated as SET key value.
void GetSetCommand(CommandContext& ctx) {
  if (!GetGeneric(ctx)) return;
  ctx.db->Set(ctx.args[1], Value::FromString(ctx.args[2]));
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(ctx.args[1]);
  ctx.Notify(kNotifyString, "set", ctx.args[1]);
  ctx.RewritePropagated({"SET", ctx.args[1], ctx.args[2]});
}

// Propagated as DEL key (UNLINK under lazyfree-lazy-user-del).
void GetDelCommand(CommandContext& ctx) {
  if (!GetGeneric(ctx)) return;
  if (ctx.db->Delete(ctx.args[1], ctx.now_ms)) {
    ctx.RewritePropagated({DeleteCommandName(ctx.lazy_user_del), ctx.args[1]});
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(ctx.args[1]);
    ctx.Notify(kNotifyGeneric, "del", ctx.args[1]);
  }
}

// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]. Never propagated as
// sent: as PEXPIREAT key <ms>, as DEL key (UNLINK under lazyfree-lazy-expire)
// when an absolute time has passed, or as PERSIST key.
void GetExCommand(CommandContext& ctx) {
  uint32_t flags = 0;
  std::string_view expire_arg;
  if (!ParseSetOptionsOrReply(ctx, OptionsOf::kGetEx, &flags, &expire_arg)) return;
  std::string_view key = ctx.args[1];
  Value* v = ctx.db->LookupRead(key, ctx.now_ms);
  if (v == nullptr) {
    ctx.reply->Null();  // even when the expire argument is invalid
    return;
  }
  if (!v->is_string()) {
    ctx.reply->Error(protocol::kErrWrongType);
    return;
  }
  const bool has_expire = flags & kSetAnyExpire;
  int64_t when_ms = 0;
  if (has_expire && !ExpireMsOrReply(ctx, "getex", expire_arg, flags, &when_ms)) return;
  char scratch[Value::kIntScratch];
  ctx.reply->Bulk(v->StringView(scratch));
  if ((flags & (kSetExAt | kSetPxAt)) && ctx.AlreadyExpired(when_ms)) {
    // An absolute time already past deletes the key at once (a "del", not
    // an "expired" event).
    ctx.db->Delete(key, ctx.now_ms);
    ctx.RewritePropagated({DeleteCommandName(ctx.lazy_expire), key});
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(key);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else if (has_expire) {
    ctx.db->SetExpire(key, when_ms);
    if (ctx.propagating()) {
      IntArg ms(when_ms);
      ctx.RewritePropagated({"PEXPIREAT", key, ms.view()});
    }
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(key);
    ctx.Notify(kNotifyGeneric, "expire", key);
  } else if (flags & kSetPersist) {
    if (ctx.db->RemoveExpire(key)) {
      ctx.RewritePropagated({"PERSIST", key});
      ctx.keyspace->AddDirty(1);
      ctx.KeyModified(key);
      ctx.Notify(kNotifyGeneric, "persist", key);
    }
  }
}

void MGetCommand(CommandContext& ctx) {
  ctx.reply->ArrayHeader(ctx.argc() - 1);
  for (size_t j = 1; j < ctx.argc(); ++j) {
    Value* v = ctx.db->LookupRead(ctx.args[j], ctx.now_ms);
    if (v == nullptr || !v->is_string()) {
      ctx.reply->Null();
    } else {
      char scratch[Value::kIntScratch];
      ctx.reply->Bulk(v->StringView(scratch));
    }
  }
}

void MSetGeneric(CommandContext& ctx, bool nx) {
  if (ctx.argc() % 2 == 0) {
    ctx.reply->Error(protocol::WrongArityError(nx ? "msetnx" : "mset"));
    return;
  }
  if (nx) {
    for (size_t j = 1; j < ctx.argc(); j += 2) {
      if (ctx.db->LookupWrite(ctx.args[j], ctx.now_ms) != nullptr) {
        ctx.reply->Integer(0);
        return;
      }
    }
  }
  for (size_t j = 1; j < ctx.argc(); j += 2) {
    // Redis's setKey looks each key up first: one whose TTL has passed is
    // reported expired, and then new.
    if (!nx) ctx.db->ExpireIfNeeded(ctx.args[j], ctx.now_ms);
    ctx.db->Set(ctx.args[j], Value::FromString(ctx.args[j + 1]));
    ctx.KeyModified(ctx.args[j]);
    ctx.Notify(kNotifyString, "set", ctx.args[j]);
  }
  ctx.keyspace->AddDirty((ctx.argc() - 1) / 2);
  if (nx) {
    ctx.reply->Integer(1);
  } else {
    ctx.reply->Ok();
  }
}

void MSetCommand(CommandContext& ctx) { MSetGeneric(ctx, false); }
void MSetNxCommand(CommandContext& ctx) { MSetGeneric(ctx, true); }

// ---------------------------------------------------------------------------
// Counters.

void IncrDecr(CommandContext& ctx, int64_t incr) {
  std::string_view key = ctx.args[1];
  Value* v = ctx.db->LookupWrite(key, ctx.now_ms);
  if (v != nullptr && !v->is_string()) {
    ctx.reply->Error(protocol::kErrWrongType);
    return;
  }
  int64_t value = 0;
  if (v != nullptr && !v->GetInt(&value)) {
    char scratch[Value::kIntScratch];
    if (!ParseInt64OrReply(ctx, v->StringView(scratch), &value)) return;
  }
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) ||
      (incr > 0 && value > 0 && incr > INT64_MAX - value)) {
    ctx.reply->Error(protocol::kErrIncrOverflow);
    return;
  }
  value += incr;
  if (v != nullptr) {
    *v = Value::FromInt(value);  // in place: the TTL stays
  } else {
    ctx.db->Set(key, Value::FromInt(value));
  }
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(key);
  ctx.Notify(kNotifyString, "incrby", key);  // DECR and DECRBY too
  ctx.reply->Integer(value);
}

void IncrCommand(CommandContext& ctx) { IncrDecr(ctx, 1); }
void DecrCommand(CommandContext& ctx) { IncrDecr(ctx, -1); }

void IncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &incr)) return;
  IncrDecr(ctx, incr);
}

void DecrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &incr)) return;
  // -INT64_MIN does not exist; Redis has a dedicated error for it.
  if (incr == INT64_MIN) {
    ctx.reply->Error("ERR decrement would overflow");
    return;
  }
  IncrDecr(ctx, -incr);
}

void IncrByFloatCommand(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  Value* v = ctx.db->LookupWrite(key, ctx.now_ms);
  if (v != nullptr && !v->is_string()) {
    ctx.reply->Error(protocol::kErrWrongType);
    return;
  }
  long double value = 0;
  long double incr = 0;
  char scratch[Value::kIntScratch];
  if ((v != nullptr && !StringToLongDouble(v->StringView(scratch), &value)) ||
      !StringToLongDouble(ctx.args[2], &incr)) {
    ctx.reply->Error(protocol::kErrNotFloat);
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply->Error(protocol::kErrIncrNanOrInf);
    return;
  }
  std::string text = LongDoubleToString(value, LongDoubleFormat::kHuman);
  // Redis answers with the stored text as a bulk string, in RESP3 too.
  ctx.reply->Bulk(text);
  // createStringObject: embstr or raw by length, never int.
  if (v != nullptr) {
    *v = Value::FromFormatted(text);  // in place: the TTL stays
  } else {
    ctx.db->Set(key, Value::FromFormatted(text));
  }
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(key);
  ctx.Notify(kNotifyString, "incrbyfloat", key);
  // Propagated as SET key <the reply> KEEPTTL, so that a replay cannot
  // round or format differently.
  ctx.RewritePropagated({"SET", key, text, "KEEPTTL"});
}

// ---------------------------------------------------------------------------
// Lengths and ranges.

void AppendCommand(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  std::string_view tail = ctx.args[2];
  Value* v = ctx.db->LookupWrite(key, ctx.now_ms);
  size_t total;
  if (v == nullptr) {
    // Even an empty tail creates the key. Redis stores the argument itself
    // through tryObjectEncoding, so "APPEND k 123" on a new key is "int".
    ctx.db->Set(key, Value::FromString(tail));
    total = tail.size();
  } else {
    if (!v->is_string()) {
      ctx.reply->Error(protocol::kErrWrongType);
      return;
    }
    if (!CheckStringLengthOrReply(ctx, static_cast<int64_t>(v->StringLength()),
                                  static_cast<int64_t>(tail.size()))) {
      return;
    }
    // dbUnshareStringValue: raw from here on, even for an empty tail.
    std::string& s = v->MutableRaw();
    s.append(tail);
    total = s.size();
  }
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(key);
  ctx.Notify(kNotifyString, "append", key);
  ctx.reply->Integer(static_cast<int64_t>(total));
}

void StrLenCommand(CommandContext& ctx) {
  Value* v = ctx.db->LookupRead(ctx.args[1], ctx.now_ms);
  if (v == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  if (!v->is_string()) {
    ctx.reply->Error(protocol::kErrWrongType);
    return;
  }
  ctx.reply->Integer(static_cast<int64_t>(v->StringLength()));
}

void SetRangeCommand(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  std::string_view patch = ctx.args[3];
  int64_t offset;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &offset)) return;
  if (offset < 0) {
    ctx.reply->Error(protocol::kErrOffsetOutOfRange);
    return;
  }
  Value* v = ctx.db->LookupWrite(key, ctx.now_ms);
  if (v == nullptr) {
    // Writing nothing to a missing key creates nothing.
    if (patch.empty()) {
      ctx.reply->Integer(0);
      return;
    }
    if (!CheckStringLengthOrReply(ctx, offset, static_cast<int64_t>(patch.size()))) return;
    v = &ctx.db->Set(key, Value::RawString(""));
  } else {
    if (!v->is_string()) {
      ctx.reply->Error(protocol::kErrWrongType);
      return;
    }
    if (patch.empty()) {
      ctx.reply->Integer(static_cast<int64_t>(v->StringLength()));  // encoding unchanged
      return;
    }
    if (!CheckStringLengthOrReply(ctx, offset, static_cast<int64_t>(patch.size()))) return;
  }
  std::string& s = v->MutableRaw();
  size_t end = static_cast<size_t>(offset) + patch.size();
  if (s.size() < end) s.resize(end, '\0');
  std::memcpy(s.data() + offset, patch.data(), patch.size());
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(key);
  ctx.Notify(kNotifyString, "setrange", key);
  ctx.reply->Integer(static_cast<int64_t>(s.size()));
}

// GETRANGE and SUBSTR: inclusive byte range; negative indexes count from the
// end.
void GetRangeCommand(CommandContext& ctx) {
  int64_t start;
  int64_t end;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &start)) return;
  if (!ParseInt64OrReply(ctx, ctx.args[3], &end)) return;
  Value* v = ctx.db->LookupRead(ctx.args[1], ctx.now_ms);
  if (v == nullptr) {
    ctx.reply->Bulk("");
    return;
  }
  if (!v->is_string()) {
    ctx.reply->Error(protocol::kErrWrongType);
    return;
  }
  char scratch[Value::kIntScratch];
  const std::string_view s = v->StringView(scratch);
  const int64_t len = static_cast<int64_t>(s.size());
  // Both from the end and in the wrong order: empty, before any clamping
  // (otherwise "-100 -200" would clamp to "0 0").
  if (start < 0 && end < 0 && start > end) {
    ctx.reply->Bulk("");
    return;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    ctx.reply->Bulk("");
    return;
  }
  ctx.reply->Bulk(
      std::string_view(s).substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

// ---------------------------------------------------------------------------
// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]

struct LcsRange {
  uint32_t a_start, a_end, b_start, b_end;
};

void LcsCommand(CommandContext& ctx) {
  Value* va = ctx.db->LookupRead(ctx.args[1], ctx.now_ms);
  Value* vb = ctx.db->LookupRead(ctx.args[2], ctx.now_ms);
  if ((va != nullptr && !va->is_string()) || (vb != nullptr && !vb->is_string())) {
    ctx.reply->Error("ERR The specified keys must contain string values");
    return;
  }
  bool get_len = false;
  bool get_idx = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.args[j];
    const bool more = j + 1 < ctx.argc();
    if (OptionIs(opt, "idx")) {
      get_idx = true;
    } else if (OptionIs(opt, "len")) {
      get_len = true;
    } else if (OptionIs(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (OptionIs(opt, "minmatchlen") && more) {
      if (!ParseInt64OrReply(ctx, ctx.args[j + 1], &min_match_len)) return;
      if (min_match_len < 0) min_match_len = 0;
      ++j;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  if (get_idx && get_len) {
    ctx.reply->Error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  char scratch_a[Value::kIntScratch];
  char scratch_b[Value::kIntScratch];
  std::string_view a = va != nullptr ? va->StringView(scratch_a) : std::string_view();
  std::string_view b = vb != nullptr ? vb->StringView(scratch_b) : std::string_view();
  if (a.size() >= kLcsMaxLength || b.size() >= kLcsMaxLength) {
    ctx.reply->Error("ERR String too long for LCS");
    return;
  }

  // table[i * (blen + 1) + j] is the LCS length of a[0, i) and b[0, j).
  const size_t alen = a.size();
  const size_t blen = b.size();
  const size_t cells = (alen + 1) * (blen + 1);
  std::unique_ptr<uint32_t[]> table;
  if (cells <= SIZE_MAX / sizeof(uint32_t)) table.reset(new (std::nothrow) uint32_t[cells]);
  if (!table) {
    ctx.reply->Error("ERR Insufficient memory, failed allocating transient memory for LCS");
    return;
  }
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[i * (blen + 1) + j]; };
  for (size_t i = 0; i <= alen; ++i) {
    for (size_t j = 0; j <= blen; ++j) {
      if (i == 0 || j == 0) {
        at(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        at(i, j) = at(i - 1, j - 1) + 1;
      } else {
        at(i, j) = std::max(at(i - 1, j), at(i, j - 1));
      }
    }
  }
  const uint32_t lcs_len = at(alen, blen);
  if (get_len) {
    ctx.reply->Integer(lcs_len);
    return;
  }

  // Walk back from the end, collecting the common string and, for IDX, the
  // maximal runs matched in both strings (last run first, as Redis emits).
  std::string result(lcs_len, '\0');
  std::vector<LcsRange> ranges;
  uint32_t idx = lcs_len;
  bool in_range = false;
  LcsRange cur{};
  size_t i = alen;
  size_t j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      if (!in_range) {
        in_range = true;
        cur = {static_cast<uint32_t>(i - 1), static_cast<uint32_t>(i - 1),
               static_cast<uint32_t>(j - 1), static_cast<uint32_t>(j - 1)};
      } else if (cur.a_start == i && cur.b_start == j) {
        --cur.a_start;  // contiguous: extend the run backwards
        --cur.b_start;
      } else {
        emit = true;
      }
      // A run touching the start of either string is complete.
      if (cur.a_start == 0 || cur.b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (in_range) emit = true;
    }
    if (emit) {
      uint32_t match_len = cur.a_end - cur.a_start + 1;
      if (min_match_len == 0 || match_len >= min_match_len) ranges.push_back(cur);
      in_range = false;
    }
  }

  if (!get_idx) {
    ctx.reply->Bulk(result);
    return;
  }
  ctx.reply->MapHeader(2);
  ctx.reply->Bulk("matches");
  ctx.reply->ArrayHeader(ranges.size());
  for (const LcsRange& r : ranges) {
    ctx.reply->ArrayHeader(with_match_len ? 3 : 2);
    ctx.reply->ArrayHeader(2);
    ctx.reply->Integer(r.a_start);
    ctx.reply->Integer(r.a_end);
    ctx.reply->ArrayHeader(2);
    ctx.reply->Integer(r.b_start);
    ctx.reply->Integer(r.b_end);
    if (with_match_len) ctx.reply->Integer(r.a_end - r.a_start + 1);
  }
  ctx.reply->Bulk("len");
  ctx.reply->Integer(lcs_len);
}

// ---------------------------------------------------------------------------
// Registration.

CommandSpec StringSpec(std::string name, int arity, uint32_t flags, int first_key, int last_key,
                       int key_step, Handler handler, std::string summary, std::string since,
                       std::string complexity) {
  return MakeCommand(std::move(name), arity, flags, kAclString, {first_key, last_key, key_step},
                     handler, std::move(summary), std::move(since), "string",
                     std::move(complexity));
}

constexpr char kGetRangeComplexity[] =
    "O(N) where N is the length of the returned string. The complexity is ultimately "
    "determined by the returned length, but because creating a substring from an existing "
    "string is very cheap, it can be considered O(1) for small strings.";

}  // namespace

void RegisterStringCommands(CommandTable* table) {
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  table->Add(StringSpec(
      "append", 3, kW | kOom | kFast, 1, 1, 1, AppendCommand, "Append a value to a key", "2.0.0",
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and "
      "the already present value is of any size, since the dynamic string library used by "
      "Redis will double the free space available on every reallocation."));
  table->Add(StringSpec("decr", 2, kW | kOom | kFast, 1, 1, 1, DecrCommand,
                        "Decrement the integer value of a key by one", "1.0.0", "O(1)"));
  table->Add(StringSpec("decrby", 3, kW | kOom | kFast, 1, 1, 1, DecrByCommand,
                        "Decrement the integer value of a key by the given number", "1.0.0",
                        "O(1)"));
  table->Add(StringSpec("get", 2, kR | kFast, 1, 1, 1, GetCommand, "Get the value of a key",
                        "1.0.0", "O(1)"));
  table->Add(StringSpec("getdel", 2, kW | kFast, 1, 1, 1, GetDelCommand,
                        "Get the value of a key and delete the key", "6.2.0", "O(1)"));
  table->Add(StringSpec("getex", -2, kW | kFast, 1, 1, 1, GetExCommand,
                        "Get the value of a key and optionally set its expiration", "6.2.0",
                        "O(1)"));
  table->Add(StringSpec("getrange", 4, kR, 1, 1, 1, GetRangeCommand,
                        "Get a substring of the string stored at a key", "2.4.0",
                        kGetRangeComplexity));
  table->Add(StringSpec("getset", 3, kW | kOom | kFast, 1, 1, 1, GetSetCommand,
                        "Set the string value of a key and return its old value", "1.0.0", "O(1)"));
  table->Add(StringSpec("incr", 2, kW | kOom | kFast, 1, 1, 1, IncrCommand,
                        "Increment the integer value of a key by one", "1.0.0", "O(1)"));
  table->Add(StringSpec("incrby", 3, kW | kOom | kFast, 1, 1, 1, IncrByCommand,
                        "Increment the integer value of a key by the given amount", "1.0.0",
                        "O(1)"));
  table->Add(StringSpec("incrbyfloat", 3, kW | kOom | kFast, 1, 1, 1, IncrByFloatCommand,
                        "Increment the float value of a key by the given amount", "2.6.0", "O(1)"));
  table->Add(StringSpec("lcs", -3, kR, 1, 2, 1, LcsCommand, "Find longest common substring",
                        "7.0.0",
                        "O(N*M) where N and M are the lengths of s1 and s2, respectively"));
  table->Add(StringSpec("mget", -2, kR | kFast, 1, -1, 1, MGetCommand,
                        "Get the values of all the given keys", "1.0.0",
                        "O(N) where N is the number of keys to retrieve."));
  table->Add(StringSpec("mset", -3, kW | kOom, 1, -1, 2, MSetCommand,
                        "Set multiple keys to multiple values", "1.0.1",
                        "O(N) where N is the number of keys to set."));
  table->Add(StringSpec("msetnx", -3, kW | kOom, 1, -1, 2, MSetNxCommand,
                        "Set multiple keys to multiple values, only if none of the keys exist",
                        "1.0.1", "O(N) where N is the number of keys to set."));
  table->Add(StringSpec("psetex", 4, kW | kOom, 1, 1, 1, PSetExCommand,
                        "Set the value and expiration in milliseconds of a key", "2.6.0", "O(1)"));
  table->Add(StringSpec("set", -3, kW | kOom, 1, 1, 1, SetCommand, "Set the string value of a key",
                        "1.0.0", "O(1)"));
  table->Add(StringSpec("setex", 4, kW | kOom, 1, 1, 1, SetExCommand,
                        "Set the value and expiration of a key", "2.0.0", "O(1)"));
  table->Add(StringSpec("setnx", 3, kW | kOom | kFast, 1, 1, 1, SetNxCommand,
                        "Set the value of a key, only if the key does not exist", "1.0.0", "O(1)"));
  table->Add(StringSpec(
      "setrange", 4, kW | kOom, 1, 1, 1, SetRangeCommand,
      "Overwrite part of a string at key starting at the specified offset", "2.2.0",
      "O(1), not counting the time taken to copy the new string in place. Usually, this "
      "string is very small so the amortized complexity is O(1). Otherwise, complexity is "
      "O(M) with M being the length of the value argument."));
  table->Add(StringSpec("strlen", 2, kR | kFast, 1, 1, 1, StrLenCommand,
                        "Get the length of the value stored in a key", "2.2.0", "O(1)"));
  table->Add(StringSpec("substr", 4, kR, 1, 1, 1, GetRangeCommand,
                        "Get a substring of the string stored at a key", "1.0.0",
                        kGetRangeComplexity));
}

}  // namespace spindle::commands
