// The list family: pushes and pops at both ends, ranges, positional edits,
// LPOS, moves between lists, LMPOP and the blocking forms.
//
// Behaviour follows Redis 7.0's t_list.c reply for reply, including the
// order in which errors are detected (numbers and options first for some
// commands, the key's type first for others), because a client can observe
// that order. A list that becomes empty is deleted; every write adds to the
// dirty counter as Redis does (one per element pushed, popped or removed).
//
// Propagation: the blocking forms and LMPOP go as the non-blocking command
// that does what they did (BLPOP -> LPOP key, BLMOVE -> LMOVE, BRPOPLPUSH ->
// RPOPLPUSH, [B]LMPOP -> LPOP/RPOP key <popped>), whether they were served
// at once or, blocked, when the server ran them again; the rest go as sent.

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "commands/options.h"
#include "commands/propagation.h"
#include "common/numbers.h"
#include "protocol/errors.h"
#include "storage/list_value.h"

namespace spindle::commands {
namespace {

using storage::kNotifyGeneric;
using storage::kNotifyList;
using storage::ListValue;
using storage::Value;
using storage::ValueType;

// Family-specific error texts (Redis 7.0.15, byte for byte).
constexpr std::string_view kErrRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kErrCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kErrMaxlenNegative = "ERR MAXLEN can't be negative";
constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCountNotPositive = "ERR count should be greater than 0";

enum class End { kHead, kTail };

// ---------------------------------------------------------------------------
// Helpers.

// Looks the key up (for a read or a write). Returns false after replying
// WRONGTYPE; otherwise *out is the list or nullptr when the key is absent.
// A list-typed value without payload (only tests make those) reads as absent.
bool LookupListOrReply(CommandContext& ctx, std::string_view key, bool for_read, ListValue** out) {
  Value* v = for_read ? ctx.db->LookupRead(key, ctx.now_ms) : ctx.db->LookupWrite(key, ctx.now_ms);
  *out = nullptr;
  if (v == nullptr) return true;
  if (v->type() != ValueType::kList) {
    ctx.reply->Error(protocol::kErrWrongType);
    return false;
  }
  *out = v->As<ListValue>();
  if (*out != nullptr && (*out)->empty()) *out = nullptr;
  return true;
}

// Stores a new empty list under key (this fires the key-ready hook that
// wakes clients blocked on it) and returns it.
ListValue* CreateList(CommandContext& ctx, std::string_view key) {
  auto payload = std::make_unique<ListValue>(ctx.limits->list_max_listpack_size,
                                             ctx.limits->list_compress_depth);
  Value& v = ctx.db->Set(key, Value::FromCollection(ValueType::kList, std::move(payload)));
  return v.As<ListValue>();
}

// Deletes a list left empty, reporting the "del" that follows the command's
// own event (callers notify theirs first and signal the key after).
void DeleteIfEmpty(CommandContext& ctx, std::string_view key, const ListValue* list) {
  if (!list->empty()) return;
  ctx.db->Delete(key, ctx.now_ms);
  ctx.Notify(kNotifyGeneric, "del", key);
}

// Redis's getPositiveLongFromObjectOrReply: a non-integer and a negative
// value both get `msg`.
bool ParseNonNegativeOrReply(CommandContext& ctx, std::string_view s, std::string_view msg,
                             int64_t* out) {
  if (StringToInt64(s, out) && *out >= 0) return true;
  ctx.reply->Error(msg);
  return false;
}

// LEFT / RIGHT (Redis's getListPositionFromObjectOrReply).
bool ParseEndOrReply(CommandContext& ctx, std::string_view s, End* end) {
  if (OptionIs(s, "left")) {
    *end = End::kHead;
  } else if (OptionIs(s, "right")) {
    *end = End::kTail;
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
    return false;
  }
  return true;
}

const char* PopEvent(End end) { return end == End::kHead ? "lpop" : "rpop"; }
std::string_view PopCommandName(End end) { return end == End::kHead ? "LPOP" : "RPOP"; }
const char* PushEvent(End end) { return end == End::kHead ? "lpush" : "rpush"; }

std::string Pop(ListValue* list, End end) {
  return end == End::kHead ? list->PopFront() : list->PopBack();
}

void Push(ListValue* list, End end, std::string_view value) {
  if (end == End::kHead) {
    list->PushFront(value);
  } else {
    list->PushBack(value);
  }
}

// Redis 7.0's getTimeoutFromObjectOrReply for seconds: a long double,
// times 1000, rounded up to whole ms and cast to long long (a value out of
// that range casts to LLONG_MIN on x86, hence "negative" for inf and 1e400).
// *deadline_ms is 0 for "forever", else now + timeout.
bool ParseTimeoutOrReply(CommandContext& ctx, std::string_view s, int64_t* deadline_ms) {
  long double seconds;
  if (!StringToLongDouble(s, &seconds)) {
    ctx.reply->Error(protocol::kErrTimeoutNotFloat);
    return false;
  }
  long double ms = ceill(seconds * 1000.0L);
  int64_t tval = INT64_MIN;
  if (ms >= -9223372036854775808.0L && ms < 9223372036854775808.0L) {
    tval = static_cast<int64_t>(ms);
  }
  if (tval < 0) {
    ctx.reply->Error(protocol::kErrTimeoutNegative);
    return false;
  }
  *deadline_ms = 0;
  if (tval > 0 && __builtin_add_overflow(ctx.now_ms, tval, deadline_ms)) *deadline_ms = INT64_MAX;
  return true;
}

// Nothing to serve: ask the server to park the client (its timeout answers a
// null array), or, where the command cannot block (inside MULTI), answer as
// the non-blocking form would: a null bulk for BLMOVE / BRPOPLPUSH.
enum class ImmediateReply { kNullArray, kNull };
void BlockOrTimeout(CommandContext& ctx, std::vector<std::string> keys, int64_t deadline_ms,
                    ImmediateReply immediate) {
  if (ctx.block != nullptr) {
    ctx.block->requested = true;
    ctx.block->keys = std::move(keys);
    ctx.block->deadline_ms = deadline_ms;
    return;
  }
  if (immediate == ImmediateReply::kNull) {
    ctx.reply->Null();
  } else {
    ctx.reply->NullArray();
  }
}

// Replies with the elements of [start, stop] (already clamped, non-empty),
// in reverse order when reverse (Redis's addListRangeReply).
void ReplyRange(CommandContext& ctx, const ListValue& list, size_t start, size_t stop,
                bool reverse) {
  size_t n = stop - start + 1;
  ctx.reply->ArrayHeader(n);
  list.Visit(reverse ? stop : start, reverse, [&](size_t, std::string_view e) {
    ctx.reply->Bulk(e);
    return --n > 0;
  });
}

// Pops min(count, size) elements from one end, replying with them in pop
// order; deletes the key when it empties. Returns how many.
size_t PopRangeAndReply(CommandContext& ctx, std::string_view key, ListValue* list, End end,
                        int64_t count) {
  size_t n =
      static_cast<uint64_t>(count) > list->size() ? list->size() : static_cast<size_t>(count);
  if (end == End::kHead) {
    ReplyRange(ctx, *list, 0, n - 1, false);
    list->EraseFront(n);
  } else {
    ReplyRange(ctx, *list, list->size() - n, list->size() - 1, true);
    list->EraseBack(n);
  }
  ctx.keyspace->AddDirty(n);
  // Redis's listElementsRemoved: one event however many were popped.
  ctx.Notify(kNotifyList, PopEvent(end), key);
  DeleteIfEmpty(ctx, key, list);
  ctx.KeyModified(key);
  return n;
}

// ---------------------------------------------------------------------------
// LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...]

void PushGeneric(CommandContext& ctx, End end, bool only_existing) {
  std::string_view key = ctx.args[1];
  ListValue* list;
  if (!LookupListOrReply(ctx, key, false, &list)) return;
  if (list == nullptr) {
    if (only_existing) {
      ctx.reply->Integer(0);
      return;
    }
    list = CreateList(ctx, key);
  }
  for (size_t j = 2; j < ctx.argc(); ++j) Push(list, end, ctx.args[j]);
  ctx.keyspace->AddDirty(ctx.argc() - 2);
  ctx.KeyModified(key);
  ctx.Notify(kNotifyList, PushEvent(end), key);
  ctx.reply->Integer(static_cast<int64_t>(list->size()));
}

void LPushCommand(CommandContext& ctx) { PushGeneric(ctx, End::kHead, false); }
void RPushCommand(CommandContext& ctx) { PushGeneric(ctx, End::kTail, false); }
void LPushXCommand(CommandContext& ctx) { PushGeneric(ctx, End::kHead, true); }
void RPushXCommand(CommandContext& ctx) { PushGeneric(ctx, End::kTail, true); }

// ---------------------------------------------------------------------------
// LPOP / RPOP key [count]

void PopGeneric(CommandContext& ctx, End end) {
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::WrongArityError(end == End::kHead ? "lpop" : "rpop"));
    return;
  }
  const bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (has_count && !ParseNonNegativeOrReply(ctx, ctx.args[2], protocol::kErrNotPositive, &count)) {
    return;
  }
  std::string_view key = ctx.args[1];
  ListValue* list;
  if (!LookupListOrReply(ctx, key, false, &list)) return;
  if (list == nullptr) {
    if (has_count) {
      ctx.reply->NullArray();
    } else {
      ctx.reply->Null();
    }
    return;
  }
  if (has_count && count == 0) {
    ctx.reply->EmptyArray();
    return;
  }
  if (!has_count) {
    ctx.reply->Bulk(Pop(list, end));
    ctx.keyspace->AddDirty(1);
    ctx.Notify(kNotifyList, PopEvent(end), key);
    DeleteIfEmpty(ctx, key, list);
    ctx.KeyModified(key);
    return;
  }
  PopRangeAndReply(ctx, key, list, end, count);
}

void LPopCommand(CommandContext& ctx) { PopGeneric(ctx, End::kHead); }
void RPopCommand(CommandContext& ctx) { PopGeneric(ctx, End::kTail); }

// ---------------------------------------------------------------------------
// LLEN, LINDEX, LSET, LRANGE, LTRIM

void LLenCommand(CommandContext& ctx) {
  ListValue* list;
  if (!LookupListOrReply(ctx, ctx.args[1], true, &list)) return;
  ctx.reply->Integer(list == nullptr ? 0 : static_cast<int64_t>(list->size()));
}

// Turns a Redis index (negative counts from the tail) into a position;
// false when out of range.
bool ResolveIndex(int64_t index, size_t size, size_t* out) {
  auto n = static_cast<int64_t>(size);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return false;
  *out = static_cast<size_t>(index);
  return true;
}

void LIndexCommand(CommandContext& ctx) {
  ListValue* list;
  if (!LookupListOrReply(ctx, ctx.args[1], true, &list)) return;
  if (list == nullptr) {
    ctx.reply->Null();
    return;
  }
  int64_t index;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &index)) return;
  size_t pos;
  if (!ResolveIndex(index, list->size(), &pos)) {
    ctx.reply->Null();
    return;
  }
  ctx.reply->Bulk(list->At(pos));
}

void LSetCommand(CommandContext& ctx) {
  ListValue* list;
  if (!LookupListOrReply(ctx, ctx.args[1], false, &list)) return;
  if (list == nullptr) {
    ctx.reply->Error(protocol::kErrNoSuchKey);
    return;
  }
  int64_t index;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &index)) return;
  size_t pos;
  if (!ResolveIndex(index, list->size(), &pos)) {
    ctx.reply->Error(protocol::kErrIndexOutOfRange);
    return;
  }
  list->Replace(pos, ctx.args[3]);
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(ctx.args[1]);
  ctx.Notify(kNotifyList, "lset", ctx.args[1]);
  ctx.reply->Ok();
}

// Redis's range clamping for LRANGE / LTRIM: false when the range is empty.
bool ClampRange(int64_t start, int64_t stop, size_t size, size_t* first, size_t* last) {
  auto n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return false;
  if (stop >= n) stop = n - 1;
  *first = static_cast<size_t>(start);
  *last = static_cast<size_t>(stop);
  return true;
}

void LRangeCommand(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &start) || !ParseInt64OrReply(ctx, ctx.args[3], &stop)) {
    return;
  }
  ListValue* list;
  if (!LookupListOrReply(ctx, ctx.args[1], true, &list)) return;
  size_t first, last;
  if (list == nullptr || !ClampRange(start, stop, list->size(), &first, &last)) {
    ctx.reply->EmptyArray();
    return;
  }
  ReplyRange(ctx, *list, first, last, false);
}

void LTrimCommand(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &start) || !ParseInt64OrReply(ctx, ctx.args[3], &stop)) {
    return;
  }
  std::string_view key = ctx.args[1];
  ListValue* list;
  if (!LookupListOrReply(ctx, key, false, &list)) return;
  if (list == nullptr) {
    ctx.reply->Ok();
    return;
  }
  size_t size = list->size();
  size_t first, last, ltrim = size, rtrim = 0;
  if (ClampRange(start, stop, size, &first, &last)) {
    ltrim = first;
    rtrim = size - last - 1;
  }
  list->EraseFront(ltrim);
  list->EraseBack(rtrim);
  // Reported even when nothing was trimmed, as Redis does.
  ctx.Notify(kNotifyList, "ltrim", key);
  DeleteIfEmpty(ctx, key, list);
  ctx.KeyModified(key);
  ctx.keyspace->AddDirty(ltrim + rtrim);
  ctx.reply->Ok();
}

// ---------------------------------------------------------------------------
// LINSERT key BEFORE|AFTER pivot element, LREM key count element

void LInsertCommand(CommandContext& ctx) {
  bool after;
  if (OptionIs(ctx.args[2], "after")) {
    after = true;
  } else if (OptionIs(ctx.args[2], "before")) {
    after = false;
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  ListValue* list;
  if (!LookupListOrReply(ctx, ctx.args[1], false, &list)) return;
  if (list == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  std::string_view pivot = ctx.args[3];
  int64_t found = -1;
  list->Visit(0, false, [&](size_t i, std::string_view e) {
    if (e != pivot) return true;
    found = static_cast<int64_t>(i);
    return false;
  });
  if (found < 0) {
    ctx.reply->Integer(-1);
    return;
  }
  list->Insert(static_cast<size_t>(found) + (after ? 1 : 0), ctx.args[4]);
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(ctx.args[1]);
  ctx.Notify(kNotifyList, "linsert", ctx.args[1]);
  ctx.reply->Integer(static_cast<int64_t>(list->size()));
}

void LRemCommand(CommandContext& ctx) {
  int64_t count;
  if (!ParseInt64OrReply(ctx, ctx.args[2], &count)) return;
  std::string_view key = ctx.args[1];
  ListValue* list;
  if (!LookupListOrReply(ctx, key, false, &list)) return;
  if (list == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  // A negative count scans from the tail. Redis negates it in a long, so
  // LLONG_MIN stays negative and never equals the removed count: all go.
  const bool from_tail = count < 0;
  size_t limit = 0;
  if (count > 0) limit = static_cast<size_t>(count);
  if (count < 0 && count != INT64_MIN) limit = static_cast<size_t>(-count);
  size_t removed = list->RemoveMatching(ctx.args[3], limit, from_tail);
  ctx.keyspace->AddDirty(removed);
  if (removed > 0) {
    ctx.Notify(kNotifyList, "lrem", key);
    DeleteIfEmpty(ctx, key, list);
    ctx.KeyModified(key);
  }
  ctx.reply->Integer(static_cast<int64_t>(removed));
}

// ---------------------------------------------------------------------------
// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]

void LPosCommand(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;  // count -1: no COUNT option
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.args[j];
    const bool more = j + 1 < ctx.argc();
    if (OptionIs(opt, "rank") && more) {
      if (!ParseInt64OrReply(ctx, ctx.args[++j], &rank)) return;
      if (rank == 0) {
        ctx.reply->Error(kErrRankZero);
        return;
      }
    } else if (OptionIs(opt, "count") && more) {
      if (!ParseNonNegativeOrReply(ctx, ctx.args[++j], kErrCountNegative, &count)) return;
    } else if (OptionIs(opt, "maxlen") && more) {
      if (!ParseNonNegativeOrReply(ctx, ctx.args[++j], kErrMaxlenNegative, &maxlen)) return;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  // A negative rank searches from the tail. Redis negates it in a long:
  // LLONG_MIN stays negative, so every match qualifies and COUNT never
  // stops the scan. `unbounded` reproduces that.
  const bool reverse = rank < 0;
  const bool unbounded = rank == INT64_MIN;
  if (unbounded) {
    rank = 1;
  } else if (reverse) {
    rank = -rank;
  }

  ListValue* list;
  if (!LookupListOrReply(ctx, ctx.args[1], true, &list)) return;
  if (list == nullptr) {
    if (count != -1) {
      ctx.reply->EmptyArray();
    } else {
      ctx.reply->Null();
    }
    return;
  }
  std::string_view element = ctx.args[2];
  const size_t size = list->size();
  std::vector<int64_t> found;
  int64_t scanned = 0, matches = 0;
  list->Visit(reverse ? size - 1 : 0, reverse, [&](size_t i, std::string_view e) {
    if (maxlen != 0 && scanned >= maxlen) return false;
    ++scanned;
    if (e != element) return true;
    ++matches;
    if (matches < rank) return true;
    found.push_back(static_cast<int64_t>(i));
    if (count == -1) return false;
    return unbounded || count == 0 || matches - rank + 1 < count;
  });
  if (count != -1) {
    ctx.reply->ArrayHeader(found.size());
    for (int64_t pos : found) ctx.reply->Integer(pos);
  } else if (!found.empty()) {
    ctx.reply->Integer(found[0]);
  } else {
    ctx.reply->Null();
  }
}

// ---------------------------------------------------------------------------
// LMOVE / RPOPLPUSH and their blocking forms.

// Redis's lmoveGenericCommand: the source was found (a non-empty list).
// Pops from it, pushes onto destination (created if absent) and replies
// with the element; a wrong-type destination is a WRONGTYPE reply, nothing moves.
void MoveFromList(CommandContext& ctx, std::string_view src_key, ListValue* src, End from, End to) {
  std::string_view dst_key = ctx.args[2];
  ListValue* dst;
  if (!LookupListOrReply(ctx, dst_key, false, &dst)) return;
  std::string value = Pop(src, from);
  if (dst == nullptr) {
    // Same key: the source list (now perhaps empty) is still stored there.
    dst = dst_key == src_key ? src : CreateList(ctx, dst_key);
  }
  Push(dst, to, value);
  // Redis's lmoveHandlePush reports the destination first, then the source.
  ctx.KeyModified(dst_key);
  ctx.Notify(kNotifyList, PushEvent(to), dst_key);
  ctx.reply->Bulk(value);
  ctx.Notify(kNotifyList, PopEvent(from), src_key);
  DeleteIfEmpty(ctx, src_key, src);
  ctx.KeyModified(src_key);
  ctx.keyspace->AddDirty(1);
}

void MoveGeneric(CommandContext& ctx, End from, End to) {
  std::string_view src_key = ctx.args[1];
  ListValue* src;
  if (!LookupListOrReply(ctx, src_key, false, &src)) return;
  if (src == nullptr) {
    ctx.reply->Null();
    return;
  }
  MoveFromList(ctx, src_key, src, from, to);
}

void LMoveCommand(CommandContext& ctx) {
  End from, to;
  if (!ParseEndOrReply(ctx, ctx.args[3], &from) || !ParseEndOrReply(ctx, ctx.args[4], &to)) {
    return;
  }
  MoveGeneric(ctx, from, to);
}

void RPopLPushCommand(CommandContext& ctx) { MoveGeneric(ctx, End::kTail, End::kHead); }

void BlockingMove(CommandContext& ctx, End from, End to, std::string_view timeout) {
  int64_t deadline;
  if (!ParseTimeoutOrReply(ctx, timeout, &deadline)) return;
  std::string_view src_key = ctx.args[1];
  ListValue* src;
  if (!LookupListOrReply(ctx, src_key, false, &src)) return;
  if (src != nullptr) {
    MoveFromList(ctx, src_key, src, from, to);
    // As Redis's immediate path, LMOVE keeps the directions as sent (the
    // path that serves a blocked client later spells them "left" /
    // "right"; here both paths are this one).
    if (ctx.argc() == 6) {
      ctx.RewritePropagated({"LMOVE", ctx.args[1], ctx.args[2], ctx.args[3], ctx.args[4]});
    } else {
      ctx.RewritePropagated({"RPOPLPUSH", ctx.args[1], ctx.args[2]});
    }
    return;
  }
  BlockOrTimeout(ctx, {std::string(src_key)}, deadline, ImmediateReply::kNull);
}

void BLMoveCommand(CommandContext& ctx) {
  End from, to;
  if (!ParseEndOrReply(ctx, ctx.args[3], &from) || !ParseEndOrReply(ctx, ctx.args[4], &to)) {
    return;
  }
  BlockingMove(ctx, from, to, ctx.args[5]);
}

void BRPopLPushCommand(CommandContext& ctx) {
  BlockingMove(ctx, End::kTail, End::kHead, ctx.args[3]);
}

// ---------------------------------------------------------------------------
// BLPOP / BRPOP key [key ...] timeout

void BlockingPopGeneric(CommandContext& ctx, End end) {
  int64_t deadline;
  if (!ParseTimeoutOrReply(ctx, ctx.args[ctx.argc() - 1], &deadline)) return;
  for (size_t j = 1; j + 1 < ctx.argc(); ++j) {
    std::string_view key = ctx.args[j];
    ListValue* list;
    if (!LookupListOrReply(ctx, key, false, &list)) return;
    if (list == nullptr) continue;
    ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk(key);
    ctx.reply->Bulk(Pop(list, end));
    ctx.keyspace->AddDirty(1);
    ctx.Notify(kNotifyList, PopEvent(end), key);
    DeleteIfEmpty(ctx, key, list);
    ctx.KeyModified(key);
    ctx.RewritePropagated({PopCommandName(end), key});
    return;
  }
  std::vector<std::string> keys(ctx.args.begin() + 1, ctx.args.end() - 1);
  BlockOrTimeout(ctx, std::move(keys), deadline, ImmediateReply::kNullArray);
}

void BLPopCommand(CommandContext& ctx) { BlockingPopGeneric(ctx, End::kHead); }
void BRPopCommand(CommandContext& ctx) { BlockingPopGeneric(ctx, End::kTail); }

// ---------------------------------------------------------------------------
// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]

struct MPopArgs {
  size_t first_key = 0;
  size_t num_keys = 0;
  End end = End::kHead;
  int64_t count = 1;
};

bool ParseMPopOrReply(CommandContext& ctx, size_t numkeys_idx, MPopArgs* out) {
  int64_t numkeys;
  if (!StringToInt64(ctx.args[numkeys_idx], &numkeys) || numkeys < 1) {
    ctx.reply->Error(kErrNumkeys);
    return false;
  }
  // Keys, then the direction, must fit in the arguments.
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - numkeys_idx - 2) {
    ctx.reply->Error(protocol::kErrSyntax);
    return false;
  }
  out->first_key = numkeys_idx + 1;
  out->num_keys = static_cast<size_t>(numkeys);
  size_t where_idx = out->first_key + out->num_keys;
  if (!ParseEndOrReply(ctx, ctx.args[where_idx], &out->end)) return false;
  bool has_count = false;
  for (size_t j = where_idx + 1; j < ctx.argc(); ++j) {
    if (OptionIs(ctx.args[j], "count") && j + 1 < ctx.argc() && !has_count) {
      if (!StringToInt64(ctx.args[++j], &out->count) || out->count < 1) {
        ctx.reply->Error(kErrCountNotPositive);
        return false;
      }
      has_count = true;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return false;
    }
  }
  return true;
}

// Pops from the first non-empty list among the keys, replying [key,
// [elements]]. Returns false when none had elements (nothing replied) or
// after replying WRONGTYPE (*replied set).
bool MPopServe(CommandContext& ctx, const MPopArgs& a, bool* replied) {
  *replied = false;
  for (size_t j = a.first_key; j < a.first_key + a.num_keys; ++j) {
    std::string_view key = ctx.args[j];
    ListValue* list;
    if (!LookupListOrReply(ctx, key, false, &list)) {
      *replied = true;
      return false;
    }
    if (list == nullptr) continue;
    ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk(key);
    size_t popped = PopRangeAndReply(ctx, key, list, a.end, a.count);
    if (ctx.propagating()) {
      IntArg n(static_cast<int64_t>(popped));
      ctx.RewritePropagated({PopCommandName(a.end), key, n.view()});
    }
    *replied = true;
    return true;
  }
  return false;
}

void LMPopCommand(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopOrReply(ctx, 1, &a)) return;
  bool replied;
  MPopServe(ctx, a, &replied);
  if (!replied) ctx.reply->NullArray();
}

void BLMPopCommand(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopOrReply(ctx, 2, &a)) return;
  int64_t deadline;
  if (!ParseTimeoutOrReply(ctx, ctx.args[1], &deadline)) return;
  bool replied;
  MPopServe(ctx, a, &replied);
  if (replied) return;
  std::vector<std::string> keys(
      ctx.args.begin() + static_cast<std::ptrdiff_t>(a.first_key),
      ctx.args.begin() + static_cast<std::ptrdiff_t>(a.first_key + a.num_keys));
  BlockOrTimeout(ctx, std::move(keys), deadline, ImmediateReply::kNullArray);
}

// ---------------------------------------------------------------------------
// Registration.

CommandSpec ListSpec(std::string name, int arity, uint32_t flags, KeyRange keys, Handler handler,
                     std::string summary, std::string since, std::string complexity) {
  return MakeCommand(std::move(name), arity, flags, kAclList, keys, handler, std::move(summary),
                     std::move(since), "list", std::move(complexity));
}

constexpr char kPushComplexity[] =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";
constexpr char kMPopComplexity[] =
    "O(N+M) where N is the number of provided keys and M is the number of elements returned.";

}  // namespace

void RegisterListCommands(CommandTable* table) {
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kBlock = kCmdBlocking;
  constexpr uint32_t kNoScript = kCmdNoScript;
  constexpr uint32_t kMovable = kCmdMovableKeys;
  const KeyRange one{1, 1, 1};
  const KeyRange two{1, 2, 1};
  const KeyRange none{0, 0, 0};

  table->Add(ListSpec("blmove", 6, kW | kOom | kNoScript | kBlock, two, BLMoveCommand,
                      "Pop an element from a list, push it to another list and return it; or "
                      "block until one is available",
                      "6.2.0", "O(1)"));
  CommandSpec blmpop = ListSpec("blmpop", -5, kW | kBlock | kMovable, none, BLMPopCommand,
                      "Pop elements from a list, or block until one is available", "7.0.0",
                      kMPopComplexity);
  blmpop.numkeys = {0, 2, 3, 1};
  table->Add(std::move(blmpop));
  table->Add(ListSpec("blpop", -3, kW | kNoScript | kBlock, {1, -2, 1}, BLPopCommand,
                      "Remove and get the first element in a list, or block until one is available",
                      "2.0.0", "O(N) where N is the number of provided keys."));
  table->Add(ListSpec("brpop", -3, kW | kNoScript | kBlock, {1, -2, 1}, BRPopCommand,
                      "Remove and get the last element in a list, or block until one is available",
                      "2.0.0", "O(N) where N is the number of provided keys."));
  table->Add(ListSpec("brpoplpush", 4, kW | kOom | kNoScript | kBlock, two, BRPopLPushCommand,
                      "Pop an element from a list, push it to another list and return it; or "
                      "block until one is available",
                      "2.2.0", "O(1)"));
  table->Add(ListSpec("lindex", 3, kR, one, LIndexCommand,
                      "Get an element from a list by its index", "1.0.0",
                      "O(N) where N is the number of elements to traverse to get to the element "
                      "at index. This makes asking for the first or the last element of the list "
                      "O(1)."));
  table->Add(ListSpec("linsert", 5, kW | kOom, one, LInsertCommand,
                      "Insert an element before or after another element in a list", "2.2.0",
                      "O(N) where N is the number of elements to traverse before seeing the value "
                      "pivot. This means that inserting somewhere on the left end on the list "
                      "(head) can be considered O(1) and inserting somewhere on the right end "
                      "(tail) is O(N)."));
  table->Add(ListSpec("llen", 2, kR | kFast, one, LLenCommand, "Get the length of a list", "1.0.0",
                      "O(1)"));
  table->Add(ListSpec("lmove", 5, kW | kOom, two, LMoveCommand,
                      "Pop an element from a list, push it to another list and return it", "6.2.0",
                      "O(1)"));
  CommandSpec lmpop = ListSpec("lmpop", -4, kW | kMovable, none, LMPopCommand, "Pop elements from a list",
                      "7.0.0", kMPopComplexity);
  lmpop.numkeys = {0, 1, 2, 1};
  table->Add(std::move(lmpop));
  table->Add(ListSpec("lpop", -2, kW | kFast, one, LPopCommand,
                      "Remove and get the first elements in a list", "1.0.0",
                      "O(N) where N is the number of elements returned"));
  table->Add(ListSpec("lpos", -3, kR, one, LPosCommand,
                      "Return the index of matching elements on a list", "6.0.6",
                      "O(N) where N is the number of elements in the list, for the average case. "
                      "When searching for elements near the head or the tail of the list, or when "
                      "the MAXLEN option is provided, the command may run in constant time."));
  table->Add(ListSpec("lpush", -3, kW | kOom | kFast, one, LPushCommand,
                      "Prepend one or multiple elements to a list", "1.0.0", kPushComplexity));
  table->Add(ListSpec("lpushx", -3, kW | kOom | kFast, one, LPushXCommand,
                      "Prepend an element to a list, only if the list exists", "2.2.0",
                      kPushComplexity));
  table->Add(ListSpec("lrange", 4, kR, one, LRangeCommand, "Get a range of elements from a list",
                      "1.0.0",
                      "O(S+N) where S is the distance of start offset from HEAD for small lists, "
                      "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                      "elements in the specified range."));
  table->Add(ListSpec("lrem", 4, kW, one, LRemCommand, "Remove elements from a list", "1.0.0",
                      "O(N+M) where N is the length of the list and M is the number of elements "
                      "removed."));
  table->Add(ListSpec("lset", 4, kW | kOom, one, LSetCommand,
                      "Set the value of an element in a list by its index", "1.0.0",
                      "O(N) where N is the length of the list. Setting either the first or the "
                      "last element of the list is O(1)."));
  table->Add(ListSpec("ltrim", 4, kW, one, LTrimCommand, "Trim a list to the specified range",
                      "1.0.0",
                      "O(N) where N is the number of elements to be removed by the operation."));
  table->Add(ListSpec("rpop", -2, kW | kFast, one, RPopCommand,
                      "Remove and get the last elements in a list", "1.0.0",
                      "O(N) where N is the number of elements returned"));
  table->Add(ListSpec("rpoplpush", 3, kW | kOom, two, RPopLPushCommand,
                      "Remove the last element in a list, prepend it to another list and return "
                      "it",
                      "1.2.0", "O(1)"));
  table->Add(ListSpec("rpush", -3, kW | kOom | kFast, one, RPushCommand,
                      "Append one or multiple elements to a list", "1.0.0", kPushComplexity));
  table->Add(ListSpec("rpushx", -3, kW | kOom | kFast, one, RPushXCommand,
                      "Append an element to a list, only if the list exists", "2.2.0",
                      kPushComplexity));
}

}  // namespace spindle::commands
