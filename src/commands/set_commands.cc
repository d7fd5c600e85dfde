// The set family: SADD ... SSCAN (Redis 7.0's t_set.c, reply for reply).
//
// Error order follows Redis because a client can see it: a count or cursor
// argument is checked before the key's type (SPOP, SRANDMEMBER, SSCAN), and
// multi-key commands look every key up, so a wrong type anywhere is an error
// even when an earlier key is missing. SSCAN's options are parsed after the
// lookup, so a missing key answers the empty scan whatever the options.
//
// Server.dirty accounting matches Redis's: one per member added or removed,
// one per *STORE that stores or deletes the destination.
//
// Propagation: SPOP goes as what it removed (its choice is random): SREM key
// member, one SREM per member for a count, DEL key when the whole set went.
// The rest go as sent.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "commands/options.h"
#include "commands/scan_options.h"
#include "common/glob.h"
#include "common/numbers.h"
#include "protocol/errors.h"
#include "storage/set_value.h"

namespace spindle::commands {
namespace {

using storage::kNotifyGeneric;
using storage::kNotifySet;
using storage::SetValue;
using storage::Value;
using storage::ValueType;

// Family-specific texts of Redis 7.0.15 (getPositiveLongFromObjectOrReply and
// getRangeLongFromObjectOrReply with their messages, sinterCardCommand).
constexpr std::string_view kErrCountNotPositive = "ERR value is out of range, must be positive";
constexpr std::string_view kErrRandCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrNumkeysTooMany =
    "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kErrLimitNegative = "ERR LIMIT can't be negative";

int64_t MaxIntsetEntries(const CommandContext& ctx) { return ctx.limits->set_max_intset_entries; }

// Looks key up for reading or writing. Returns false after replying
// WRONGTYPE; *set is nullptr when the key is absent.
bool FindSetOrReply(CommandContext& ctx, std::string_view key, bool write, SetValue** set) {
  Value* v = write ? ctx.db->LookupWrite(key, ctx.now_ms) : ctx.db->LookupRead(key, ctx.now_ms);
  *set = nullptr;
  if (v == nullptr) return true;
  if (v->type() != ValueType::kSet) {
    ctx.reply->Error(protocol::kErrWrongType);
    return false;
  }
  *set = v->As<SetValue>();
  return true;
}

// Replies with every member of set, as a RESP3 set (RESP2 array).
void ReplySetMembers(CommandContext& ctx, const SetValue& set) {
  ctx.reply->SetHeader(set.size());
  set.ForEach([&](std::string_view m) { ctx.reply->Bulk(m); });
}

void ReplyMembersAsSet(CommandContext& ctx, const std::vector<std::string>& members) {
  ctx.reply->SetHeader(members.size());
  for (const std::string& m : members) ctx.reply->Bulk(m);
}

void ReplyMembersAsArray(CommandContext& ctx, const std::vector<std::string>& members) {
  ctx.reply->ArrayHeader(members.size());
  for (const std::string& m : members) ctx.reply->Bulk(m);
}

// An empty *STORE result deletes the destination; only a destination that
// existed is reported ("del").
void DeleteStoreDestination(CommandContext& ctx, std::string_view dst) {
  if (!ctx.db->DeleteRaw(dst)) return;  // dbDelete: a key past its TTL counts
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(dst);
  ctx.Notify(kNotifyGeneric, "del", dst);
}

// Stores a *STORE result (removing any TTL, as Redis's setKey) or, when it
// is empty, deletes the destination. Replies with the result's size.
// `event` is the command's ("sinterstore" ...).
void StoreResult(CommandContext& ctx, std::string_view dst, std::unique_ptr<SetValue> result,
                 std::string_view event) {
  const size_t n = result->size();
  if (n > 0) {
    ctx.db->ExpireIfNeeded(dst, ctx.now_ms);  // setKey's lookup: "expired", then "new"
    ctx.db->Set(dst, Value::FromCollection(ValueType::kSet, std::move(result)));
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(dst);
    ctx.Notify(kNotifySet, event, dst);
  } else {
    DeleteStoreDestination(ctx, dst);
  }
  ctx.reply->Integer(static_cast<int64_t>(n));
}

// ---------------------------------------------------------------------------
// Single-key commands

// SADD key member [member ...]
void SaddCommand(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  SetValue* set;
  if (!FindSetOrReply(ctx, key, /*write=*/true, &set)) return;
  if (set == nullptr) {
    Value& v = ctx.db->Set(key, Value::FromCollection(ValueType::kSet,
                                                      SetValue::CreateFor(ctx.args[2])));
    set = v.As<SetValue>();
  }
  int64_t added = 0;
  for (size_t j = 2; j < ctx.argc(); ++j) added += set->Add(ctx.args[j], MaxIntsetEntries(ctx));
  if (added > 0) {
    ctx.KeyModified(key);
    ctx.Notify(kNotifySet, "sadd", key);
  }
  ctx.keyspace->AddDirty(static_cast<uint64_t>(added));
  ctx.reply->Integer(added);
}

// SREM key member [member ...]
void SremCommand(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  SetValue* set;
  if (!FindSetOrReply(ctx, key, /*write=*/true, &set)) return;
  if (set == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  int64_t removed = 0;
  bool key_removed = false;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (!set->Remove(ctx.args[j])) continue;
    ++removed;
    if (set->empty()) {
      ctx.db->Delete(key, ctx.now_ms);
      key_removed = true;
      break;
    }
  }
  if (removed > 0) {
    ctx.KeyModified(key);
    ctx.Notify(kNotifySet, "srem", key);
    if (key_removed) ctx.Notify(kNotifyGeneric, "del", key);
  }
  ctx.keyspace->AddDirty(static_cast<uint64_t>(removed));
  ctx.reply->Integer(removed);
}

// SMOVE source destination member
void SmoveCommand(CommandContext& ctx) {
  std::string_view src_key = ctx.args[1];
  std::string_view dst_key = ctx.args[2];
  std::string_view member = ctx.args[3];
  Value* src_v = ctx.db->LookupWrite(src_key, ctx.now_ms);
  Value* dst_v = ctx.db->LookupWrite(dst_key, ctx.now_ms);
  // A missing source answers 0 before any type check (even of destination).
  if (src_v == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  if (src_v->type() != ValueType::kSet ||
      (dst_v != nullptr && dst_v->type() != ValueType::kSet)) {
    ctx.reply->Error(protocol::kErrWrongType);
    return;
  }
  SetValue* src = src_v->As<SetValue>();
  if (src_v == dst_v) {
    ctx.reply->Integer(src->Contains(member) ? 1 : 0);
    return;
  }
  if (!src->Remove(member)) {
    ctx.reply->Integer(0);
    return;
  }
  ctx.Notify(kNotifySet, "srem", src_key);
  if (src->empty()) {
    ctx.db->Delete(src_key, ctx.now_ms);
    ctx.Notify(kNotifyGeneric, "del", src_key);
  }
  SetValue* dst;
  if (dst_v == nullptr) {
    Value& v =
        ctx.db->Set(dst_key, Value::FromCollection(ValueType::kSet, SetValue::CreateFor(member)));
    dst = v.As<SetValue>();
  } else {
    dst = dst_v->As<SetValue>();
  }
  ctx.KeyModified(src_key);
  ctx.keyspace->AddDirty(1);
  // The destination changed only if it did not hold the member already.
  if (dst->Add(member, MaxIntsetEntries(ctx))) {
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(dst_key);
    ctx.Notify(kNotifySet, "sadd", dst_key);
  }
  ctx.reply->Integer(1);
}

// SISMEMBER key member
void SismemberCommand(CommandContext& ctx) {
  SetValue* set;
  if (!FindSetOrReply(ctx, ctx.args[1], /*write=*/false, &set)) return;
  ctx.reply->Integer(set != nullptr && set->Contains(ctx.args[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void SmismemberCommand(CommandContext& ctx) {
  SetValue* set;
  if (!FindSetOrReply(ctx, ctx.args[1], /*write=*/false, &set)) return;
  ctx.reply->ArrayHeader(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    ctx.reply->Integer(set != nullptr && set->Contains(ctx.args[j]) ? 1 : 0);
  }
}

// SCARD key
void ScardCommand(CommandContext& ctx) {
  SetValue* set;
  if (!FindSetOrReply(ctx, ctx.args[1], /*write=*/false, &set)) return;
  ctx.reply->Integer(set == nullptr ? 0 : static_cast<int64_t>(set->size()));
}

// SMEMBERS key (Redis runs it as a one-key SINTER: a set reply).
void SmembersCommand(CommandContext& ctx) {
  SetValue* set;
  if (!FindSetOrReply(ctx, ctx.args[1], /*write=*/false, &set)) return;
  if (set == nullptr) {
    ctx.reply->SetHeader(0);
    return;
  }
  ReplySetMembers(ctx, *set);
}

// ---------------------------------------------------------------------------
// SPOP, SRANDMEMBER

// `count` distinct random members of set (count < size). Like Redis, a count
// close to the size is served by removing random members from a copy, a
// small one by drawing until enough distinct members are found.
std::vector<std::string> DistinctRandomMembers(SetValue* set, size_t count) {
  const size_t size = set->size();
  std::vector<std::string> out;
  if (count * 3 > size) {
    std::vector<std::string> all = set->Members();
    // A partial Fisher-Yates shuffle: the first `count` slots end up a
    // uniform sample without repetition.
    for (size_t i = 0; i < count; ++i) {
      size_t j = i + SetValue::RandomWord() % (all.size() - i);
      std::swap(all[i], all[j]);
    }
    all.resize(count);
    return all;
  }
  std::unordered_set<std::string> seen;
  while (out.size() < count) {
    std::string m = set->RandomMember();
    if (seen.insert(m).second) out.push_back(std::move(m));
  }
  return out;
}

// SPOP with a count that leaves members: one SREM key member per popped
// member, in reply order (Redis 7.0 sends them one by one, so the server
// wraps them in MULTI / EXEC), and not the SPOP itself.
void PropagateAsSrems(CommandContext& ctx, std::string_view key, const SetValue& popped) {
  if (!ctx.propagating()) return;
  popped.ForEach([&](std::string_view m) { ctx.AlsoPropagate({"SREM", key, m}); });
  ctx.PreventPropagation();
}

// SPOP key count (count already checked by the caller's arity test).
void SpopWithCount(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  int64_t count;
  if (!StringToInt64(ctx.args[2], &count) || count < 0) {
    ctx.reply->Error(kErrCountNotPositive);
    return;
  }
  SetValue* set;
  if (!FindSetOrReply(ctx, key, /*write=*/true, &set)) return;
  if (set == nullptr || count == 0) {
    ctx.reply->SetHeader(0);
    return;
  }
  const uint64_t size = set->size();
  const uint64_t n = static_cast<uint64_t>(count);
  ctx.keyspace->AddDirty(n >= size ? size : n);
  // One "spop" whatever the count, before the members go.
  ctx.Notify(kNotifySet, "spop", key);
  if (n >= size) {
    ReplySetMembers(ctx, *set);
    // DEL even under lazyfree-lazy-server-del, as Redis 7.0.
    ctx.RewritePropagated({"DEL", key});
    ctx.db->Delete(key, ctx.now_ms);
    ctx.Notify(kNotifyGeneric, "del", key);
    ctx.KeyModified(key);
    return;
  }
  if (n * 5 > size) {
    // Most of the set goes: as Redis, move the members that stay into a new
    // set (whose encoding is chosen afresh) and reply with what is left.
    size_t remaining = size - n;
    std::unique_ptr<SetValue> kept;
    while (remaining-- > 0) {
      std::string m = set->RandomMember();
      if (kept == nullptr) kept = SetValue::CreateFor(m);
      kept->Add(m, MaxIntsetEntries(ctx));
      set->Remove(m);
    }
    ReplySetMembers(ctx, *set);
    PropagateAsSrems(ctx, key, *set);
    *set = std::move(*kept);  // the key keeps its TTL (dbOverwrite)
    ctx.KeyModified(key);
    return;
  }
  ctx.reply->SetHeader(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string m = set->RandomMember();
    set->Remove(m);
    ctx.reply->Bulk(m);
    ctx.AlsoPropagate({"SREM", key, m});
  }
  ctx.PreventPropagation();
  ctx.KeyModified(key);
}

// SPOP key [count]
void SpopCommand(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    SpopWithCount(ctx);
    return;
  }
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  std::string_view key = ctx.args[1];
  SetValue* set;
  if (!FindSetOrReply(ctx, key, /*write=*/true, &set)) return;
  if (set == nullptr) {
    ctx.reply->Null();
    return;
  }
  std::string m = set->RandomMember();
  set->Remove(m);
  ctx.RewritePropagated({"SREM", key, m});
  ctx.Notify(kNotifySet, "spop", key);
  if (set->empty()) {
    ctx.db->Delete(key, ctx.now_ms);
    ctx.Notify(kNotifyGeneric, "del", key);
  }
  ctx.KeyModified(key);
  ctx.keyspace->AddDirty(1);
  ctx.reply->Bulk(m);
}

// SRANDMEMBER key count
void SrandmemberWithCount(CommandContext& ctx) {
  int64_t count;
  if (!StringToInt64(ctx.args[2], &count)) {
    ctx.reply->Error(protocol::kErrNotInteger);
    return;
  }
  if (count == std::numeric_limits<int64_t>::min()) {
    ctx.reply->Error(kErrRandCountRange);
    return;
  }
  SetValue* set;
  if (!FindSetOrReply(ctx, ctx.args[1], /*write=*/false, &set)) return;
  if (set == nullptr || count == 0) {
    ctx.reply->EmptyArray();
    return;
  }
  if (count < 0) {
    // Repetitions allowed: exactly -count members.
    const uint64_t n = static_cast<uint64_t>(-count);
    ctx.reply->ArrayHeader(n);
    for (uint64_t i = 0; i < n; ++i) ctx.reply->Bulk(set->RandomMember());
    return;
  }
  const uint64_t n = static_cast<uint64_t>(count);
  if (n >= set->size()) {
    // The whole set, as an array (unlike SPOP's set reply).
    ctx.reply->ArrayHeader(set->size());
    set->ForEach([&](std::string_view m) { ctx.reply->Bulk(m); });
    return;
  }
  ReplyMembersAsArray(ctx, DistinctRandomMembers(set, n));
}

// SRANDMEMBER key [count]
void SrandmemberCommand(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    SrandmemberWithCount(ctx);
    return;
  }
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  SetValue* set;
  if (!FindSetOrReply(ctx, ctx.args[1], /*write=*/false, &set)) return;
  if (set == nullptr) {
    ctx.reply->Null();
    return;
  }
  ctx.reply->Bulk(set->RandomMember());
}

// ---------------------------------------------------------------------------
// Multi-key commands

// Looks every key up for reading, the *STORE forms too (Redis 7.0 counts
// their hits and misses and reports "keymiss"). Returns false after replying
// WRONGTYPE. Missing keys are nullptr entries.
bool FindSetsOrReply(CommandContext& ctx, std::span<const std::string_view> keys,
                     std::vector<SetValue*>* sets) {
  sets->clear();
  for (std::string_view key : keys) {
    SetValue* set;
    if (!FindSetOrReply(ctx, key, /*write=*/false, &set)) return false;
    sets->push_back(set);
  }
  return true;
}

enum class InterMode { kReply, kStore, kCardinality };

// Redis's sinterGenericCommand. dst is used by kStore; limit (0: none) by
// kCardinality.
void InterGeneric(CommandContext& ctx, std::span<const std::string_view> keys, InterMode mode,
                  std::string_view dst, uint64_t limit) {
  std::vector<SetValue*> sets;
  if (!FindSetsOrReply(ctx, keys, &sets)) return;
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
    // An intersection with an empty set is empty.
    switch (mode) {
      case InterMode::kStore:
        DeleteStoreDestination(ctx, dst);
        ctx.reply->Integer(0);
        break;
      case InterMode::kCardinality:
        ctx.reply->Integer(0);
        break;
      case InterMode::kReply:
        ctx.reply->SetHeader(0);
        break;
    }
    return;
  }
  // Iterate the smallest set, probing the others.
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  std::vector<std::string> result;
  uint64_t cardinality = 0;
  sets[0]->ForEach([&](std::string_view m) {
    if (mode == InterMode::kCardinality && limit != 0 && cardinality >= limit) return;
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] != sets[0] && !sets[j]->Contains(m)) return;
    }
    ++cardinality;
    if (mode != InterMode::kCardinality) result.emplace_back(m);
  });
  switch (mode) {
    case InterMode::kCardinality:
      ctx.reply->Integer(static_cast<int64_t>(cardinality));
      break;
    case InterMode::kReply:
      ReplyMembersAsSet(ctx, result);
      break;
    case InterMode::kStore: {
      // Built from an intset, as Redis: the result's encoding is chosen by
      // its own members, not by the sources'.
      std::unique_ptr<SetValue> out = SetValue::CreateIntset();
      for (const std::string& m : result) out->Add(m, MaxIntsetEntries(ctx));
      StoreResult(ctx, dst, std::move(out), "sinterstore");
      break;
    }
  }
}

enum class SetOp { kUnion, kDiff };

// Redis's choice of SDIFF algorithm (sets[0] is not null): probing the other
// sets for each member of the first costs about |first| per set, halved for
// its better constants; copying the first and removing the others costs the
// sum of the sizes. True when Redis removes (algorithm 2).
bool DiffByRemoval(const std::vector<SetValue*>& sets) {
  if (sets[0]->empty()) return false;
  uint64_t probe_work = 0;
  uint64_t removal_work = 0;
  for (const SetValue* set : sets) {
    if (set == nullptr) continue;
    probe_work += sets[0]->size();
    removal_work += set->size();
  }
  return probe_work / 2 > removal_work;
}

// Redis's sunionDiffGenericCommand; dst is empty for the reply forms.
void UnionDiffGeneric(CommandContext& ctx, std::span<const std::string_view> keys, SetOp op,
                      std::optional<std::string_view> dst) {
  std::vector<SetValue*> sets;
  if (!FindSetsOrReply(ctx, keys, &sets)) return;
  std::unique_ptr<SetValue> result = SetValue::CreateIntset();
  const int64_t max_entries = MaxIntsetEntries(ctx);
  if (op == SetOp::kUnion) {
    for (const SetValue* set : sets) {
      if (set != nullptr) set->ForEach([&](std::string_view m) { result->Add(m, max_entries); });
    }
  } else if (sets[0] != nullptr && DiffByRemoval(sets)) {
    // Redis's DIFF algorithm 2: the whole first set, minus the others. The
    // result's encoding shows it: a member added and then removed may have
    // made it a hashtable already, so the choice is Redis's, made the same way.
    sets[0]->ForEach([&](std::string_view m) { result->Add(m, max_entries); });
    for (size_t j = 1; j < sets.size() && !result->empty(); ++j) {
      if (sets[j] != nullptr) sets[j]->ForEach([&](std::string_view m) { result->Remove(m); });
    }
  } else if (sets[0] != nullptr) {
    // Algorithm 1: only the members of the first set no other set has.
    sets[0]->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] != nullptr && (sets[j] == sets[0] || sets[j]->Contains(m))) return;
      }
      result->Add(m, max_entries);
    });
  }
  if (dst.has_value()) {
    StoreResult(ctx, *dst, std::move(result), op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
  } else {
    ReplySetMembers(ctx, *result);
  }
}

// SINTER key [key ...]
void SinterCommand(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args.subspan(1), InterMode::kReply, {}, 0);
}

// SINTERSTORE destination key [key ...]
void SinterstoreCommand(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args.subspan(2), InterMode::kStore, ctx.args[1], 0);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SintercardCommand(CommandContext& ctx) {
  int64_t numkeys;
  if (!StringToInt64(ctx.args[1], &numkeys) || numkeys < 1) {
    ctx.reply->Error(kErrNumkeys);
    return;
  }
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 2) {
    ctx.reply->Error(kErrNumkeysTooMany);
    return;
  }
  int64_t limit = 0;
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < ctx.argc(); ++j) {
    if (OptionIs(ctx.args[j], "limit") && j + 1 < ctx.argc()) {
      ++j;
      if (!StringToInt64(ctx.args[j], &limit) || limit < 0) {
        ctx.reply->Error(kErrLimitNegative);
        return;
      }
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  InterGeneric(ctx, ctx.args.subspan(2, static_cast<size_t>(numkeys)), InterMode::kCardinality,
               {}, static_cast<uint64_t>(limit));
}

// SUNION key [key ...]
void SunionCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(1), SetOp::kUnion, std::nullopt);
}

// SUNIONSTORE destination key [key ...]
void SunionstoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(2), SetOp::kUnion, ctx.args[1]);
}

// SDIFF key [key ...]
void SdiffCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(1), SetOp::kDiff, std::nullopt);
}

// SDIFFSTORE destination key [key ...]
void SdiffstoreCommand(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(2), SetOp::kDiff, ctx.args[1]);
}

// ---------------------------------------------------------------------------
// SSCAN

// SSCAN key cursor [MATCH pattern] [COUNT count]
void SscanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx.args[2], &cursor)) {
    ctx.reply->Error(protocol::kErrInvalidCursor);
    return;
  }
  SetValue* set;
  if (!FindSetOrReply(ctx, ctx.args[1], /*write=*/false, &set)) return;
  if (set == nullptr) {
    ctx.reply->Raw("*2\r\n$1\r\n0\r\n*0\r\n");  // Redis's shared.emptyscan
    return;
  }
  ScanOptions opts;
  if (!ParseScanOptionsOrReply(ctx, 3, false, &opts)) return;
  std::vector<std::string> members;
  const uint64_t wanted = static_cast<uint64_t>(opts.count);
  uint64_t max_steps = wanted > std::numeric_limits<uint64_t>::max() / 10 ? wanted : wanted * 10;
  do {
    cursor = set->Scan(cursor, [&](std::string_view m) { members.emplace_back(m); });
  } while (cursor != 0 && max_steps-- != 0 && members.size() < wanted);
  if (opts.pattern) {
    std::erase_if(members, [&](const std::string& m) { return !GlobMatch(*opts.pattern, m); });
  }
  ctx.reply->ArrayHeader(2);
  ctx.reply->Bulk(std::to_string(cursor));
  ReplyMembersAsArray(ctx, members);
}

// ---------------------------------------------------------------------------
// Registration

CommandSpec Spec(std::string name, int arity, uint32_t flags, KeyRange keys, Handler handler,
                 std::string summary, std::string since, std::string complexity) {
  return MakeCommand(std::move(name), arity, flags, kAclSet, keys, handler, std::move(summary),
                     std::move(since), "set", std::move(complexity));
}

}  // namespace

void RegisterSetCommands(CommandTable* table) {
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr KeyRange kFirstKey{1, 1, 1};
  constexpr KeyRange kAllKeys{1, -1, 1};
  constexpr KeyRange kTwoKeys{1, 2, 1};
  constexpr KeyRange kNoKeys{0, 0, 0};
  const std::string kStoreCost = "O(N) where N is the total number of elements in all given sets.";
  const std::string kInterCost =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.";

  table->Add(Spec("sadd", -3, kW | kOom | kFast, kFirstKey, SaddCommand,
                  "Add one or more members to a set", "1.0.0",
                  "O(1) for each element added, so O(N) to add N elements when the command is "
                  "called with multiple arguments."));
  table->Add(Spec("srem", -3, kW | kFast, kFirstKey, SremCommand,
                  "Remove one or more members from a set", "1.0.0",
                  "O(N) where N is the number of members to be removed."));
  table->Add(Spec("smembers", 2, kR, kFirstKey, SmembersCommand, "Get all the members in a set",
                  "1.0.0", "O(N) where N is the set cardinality."));
  table->Add(Spec("sismember", 3, kR | kFast, kFirstKey, SismemberCommand,
                  "Determine if a given value is a member of a set", "1.0.0", "O(1)"));
  table->Add(Spec("smismember", -3, kR | kFast, kFirstKey, SmismemberCommand,
                  "Returns the membership associated with the given elements for a set", "6.2.0",
                  "O(N) where N is the number of elements being checked for membership"));
  table->Add(Spec("scard", 2, kR | kFast, kFirstKey, ScardCommand,
                  "Get the number of members in a set", "1.0.0", "O(1)"));
  table->Add(Spec("spop", -2, kW | kFast, kFirstKey, SpopCommand,
                  "Remove and return one or multiple random members from a set", "1.0.0",
                  "Without the count argument O(1), otherwise O(N) where N is the value of the "
                  "passed count."));
  table->Add(Spec("srandmember", -2, kR, kFirstKey, SrandmemberCommand,
                  "Get one or multiple random members from a set", "1.0.0",
                  "Without the count argument O(1), otherwise O(N) where N is the absolute value "
                  "of the passed count."));
  table->Add(Spec("smove", 4, kW | kFast, kTwoKeys, SmoveCommand,
                  "Move a member from one set to another", "1.0.0", "O(1)"));
  table->Add(Spec("sinter", -2, kR, kAllKeys, SinterCommand, "Intersect multiple sets", "1.0.0",
                  kInterCost));
  CommandSpec sintercard = Spec("sintercard", -3, kR | kCmdMovableKeys, kNoKeys, SintercardCommand,
                  "Intersect multiple sets and return the cardinality of the result", "7.0.0",
                  kInterCost);
  sintercard.numkeys = {0, 1, 2, 1};
  table->Add(std::move(sintercard));
  table->Add(Spec("sinterstore", -3, kW | kOom, kAllKeys, SinterstoreCommand,
                  "Intersect multiple sets and store the resulting set in a key", "1.0.0",
                  kInterCost));
  table->Add(Spec("sunion", -2, kR, kAllKeys, SunionCommand, "Add multiple sets", "1.0.0",
                  kStoreCost));
  table->Add(Spec("sunionstore", -3, kW | kOom, kAllKeys, SunionstoreCommand,
                  "Add multiple sets and store the resulting set in a key", "1.0.0", kStoreCost));
  table->Add(Spec("sdiff", -2, kR, kAllKeys, SdiffCommand, "Subtract multiple sets", "1.0.0",
                  kStoreCost));
  table->Add(Spec("sdiffstore", -3, kW | kOom, kAllKeys, SdiffstoreCommand,
                  "Subtract multiple sets and store the resulting set in a key", "1.0.0",
                  kStoreCost));
  table->Add(Spec("sscan", -3, kR, kFirstKey, SscanCommand, "Incrementally iterate Set elements",
                  "2.8.0",
                  "O(1) for every call. O(N) for a complete iteration, including enough command "
                  "calls for the cursor to return back to 0. N is the number of elements inside "
                  "the collection.."));
}

}  // namespace spindle::commands
