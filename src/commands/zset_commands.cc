// The sorted-set family: ZADD and friends, ranges by rank / score / lex, the
// set algebra (ZUNION, ZINTER, ZDIFF and their STORE forms), pops (ZPOPMIN,
// ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP), ZRANDMEMBER and ZSCAN.
//
// Behaviour follows Redis 7.0's t_zset.c reply for reply, including the
// order in which errors are detected (options, then numbers, then the key's
// type), because a client can observe that order. Replies with scores use
// ReplyBuilder::Double: a bulk "%.17g" string in RESP2, a double in RESP3;
// RESP3 also nests member/score pairs where Redis does.
//
// Propagation: BZPOPMIN / BZPOPMAX go as ZPOPMIN / ZPOPMAX key, ZMPOP and
// BZMPOP as ZPOPMIN / ZPOPMAX key <popped>, whether served at once or after
// blocking; the rest go as sent.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
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
#include "storage/set_value.h"
#include "storage/zset_value.h"

namespace spindle::commands {
namespace {

using storage::kNotifyGeneric;
using storage::kNotifyZset;
using storage::Value;
using storage::ValueType;
using storage::ZLexBound;
using storage::ZLexRange;
using storage::ZScoreRange;
using storage::ZSetValue;
using Element = ZSetValue::Element;

// Family-specific error texts (Redis 7.0, t_zset.c).
constexpr std::string_view kErrNan = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kErrXxAndNx =
    "ERR XX and NX options at the same time are not compatible";
constexpr std::string_view kErrGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
constexpr std::string_view kErrIncrPair =
    "ERR INCR option supports a single increment-element pair";
constexpr std::string_view kErrLimitOnlyWithRange =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kErrWithScoresLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
constexpr std::string_view kErrWeightNotFloat = "ERR weight value is not a float";
constexpr std::string_view kErrLimitNegative = "ERR LIMIT can't be negative";
constexpr std::string_view kErrNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCount = "ERR count should be greater than 0";

// Redis's getRangeLongFromObjectOrReply with a custom message: any failure
// (not a number, out of [min, max]) answers msg.
bool ParseRangeOrReply(CommandContext& ctx, std::string_view s, int64_t min, int64_t max,
                       std::string_view msg, int64_t* out) {
  if (StringToInt64(s, out) && *out >= min && *out <= max) return true;
  ctx.reply->Error(msg);
  return false;
}

// The zset under key. Returns false after replying WRONGTYPE; *out is null
// when the key is absent.
bool LookupZSet(CommandContext& ctx, std::string_view key, bool write, ZSetValue** out) {
  Value* v = write ? ctx.db->LookupWrite(key, ctx.now_ms) : ctx.db->LookupRead(key, ctx.now_ms);
  *out = nullptr;
  if (v == nullptr) return true;
  if (v->type() != ValueType::kZSet) {
    ctx.reply->Error(protocol::kErrWrongType);
    return false;
  }
  *out = v->As<ZSetValue>();
  return true;
}

// A zset that became empty is deleted, as Redis does after every removal,
// with a "del" after the command's own event.
void DeleteIfEmpty(CommandContext& ctx, std::string_view key, ZSetValue* z) {
  if (z->size() != 0) return;
  ctx.db->Delete(key, ctx.now_ms);
  ctx.Notify(kNotifyGeneric, "del", key);
}

// Stores a result set under dst (or deletes dst when the result is empty)
// and replies with its size, as the *STORE commands do. `event` is the
// command's ("zunionstore" ...); an empty result reports "del" only when dst
// existed.
void StoreResult(CommandContext& ctx, std::string_view dst, std::vector<Element> elements,
                 std::string_view event) {
  if (elements.empty()) {
    ctx.reply->Integer(0);
    if (ctx.db->DeleteRaw(dst)) {  // dbDelete: a key past its TTL counts
      ctx.keyspace->AddDirty(1);
      ctx.KeyModified(dst);
      ctx.Notify(kNotifyGeneric, "del", dst);
    }
    return;
  }
  size_t n = elements.size();
  ctx.db->ExpireIfNeeded(dst, ctx.now_ms);  // setKey's lookup: "expired", then "new"
  ctx.db->Set(dst, Value::FromCollection(ValueType::kZSet,
                                         ZSetValue::CreateFrom(*ctx.limits, std::move(elements))));
  ctx.keyspace->AddDirty(1);
  ctx.KeyModified(dst);
  ctx.Notify(kNotifyZset, event, dst);
  ctx.reply->Integer(static_cast<int64_t>(n));
}

// Member/score lists: RESP2 flat, RESP3 pairs nested when with scores.
void ReplyElements(CommandContext& ctx, const std::vector<Element>& els, bool withscores) {
  if (!withscores) {
    ctx.reply->ArrayHeader(els.size());
    for (const Element& e : els) ctx.reply->Bulk(e.member);
    return;
  }
  const bool nested = ctx.reply->resp() >= 3;
  ctx.reply->ArrayHeader(nested ? els.size() : els.size() * 2);
  for (const Element& e : els) {
    if (nested) ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk(e.member);
    ctx.reply->Double(e.score);
  }
}

std::vector<Element> Collect(const ZSetValue& z, size_t start, size_t end, bool reverse) {
  std::vector<Element> out;
  if (end > start) out.reserve(end - start);
  z.Visit(start, end, reverse, [&](std::string_view m, double s) {
    out.push_back({std::string(m), s});
    return true;
  });
  return out;
}

// ---------------------------------------------------------------------------
// Range parsing.

// Redis's zslParseRange item: strtod over the C string (so leading blanks,
// hex and "" are accepted, as strtod takes them), optionally after "(".
bool ParseScoreItem(std::string_view arg, double* out, bool* exclusive) {
  std::string s(CStringView(arg));
  const char* p = s.c_str();
  *exclusive = false;
  if (*p == '(') {
    *exclusive = true;
    ++p;
  }
  char* end = nullptr;
  double v = std::strtod(p, &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScoreRange(std::string_view min, std::string_view max, ZScoreRange* r) {
  return ParseScoreItem(min, &r->min, &r->min_exclusive) &&
         ParseScoreItem(max, &r->max, &r->max_exclusive);
}

// Redis's zslParseLexRangeItem: "+", "-", "[x" or "(x".
bool ParseLexItem(std::string_view s, ZLexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
      if (s.size() > 1 && s[1] != '\0') return false;
      b->kind = ZLexBound::Kind::kPlusInf;
      return true;
    case '-':
      if (s.size() > 1 && s[1] != '\0') return false;
      b->kind = ZLexBound::Kind::kMinusInf;
      return true;
    case '(':
    case '[':
      b->kind = ZLexBound::Kind::kValue;
      b->exclusive = s[0] == '(';
      b->value.assign(s.substr(1));
      return true;
    default:
      return false;
  }
}

bool ParseLexRange(std::string_view min, std::string_view max, ZLexRange* r) {
  return ParseLexItem(min, &r->min) && ParseLexItem(max, &r->max);
}

// Redis's rank sanitising (ZRANGE, ZREMRANGEBYRANK): false when empty.
bool SanitizeRanks(int64_t llen, int64_t* start, int64_t* end) {
  if (*start < 0) *start += llen;
  if (*end < 0) *end += llen;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= llen) return false;
  if (*end >= llen) *end = llen - 1;
  return true;
}

// ---------------------------------------------------------------------------
// ZADD / ZINCRBY.

enum ZAddFlag : uint32_t {
  kZAddNx = 1u << 0,
  kZAddXx = 1u << 1,
  kZAddGt = 1u << 2,
  kZAddLt = 1u << 3,
  kZAddCh = 1u << 4,
  kZAddIncr = 1u << 5,
};

void ZAddGeneric(CommandContext& ctx, uint32_t flags) {
  size_t scoreidx = 2;
  for (; scoreidx < ctx.argc(); ++scoreidx) {
    std::string_view opt = ctx.args[scoreidx];
    if (OptionIs(opt, "nx")) {
      flags |= kZAddNx;
    } else if (OptionIs(opt, "xx")) {
      flags |= kZAddXx;
    } else if (OptionIs(opt, "ch")) {
      flags |= kZAddCh;
    } else if (OptionIs(opt, "incr")) {
      flags |= kZAddIncr;
    } else if (OptionIs(opt, "gt")) {
      flags |= kZAddGt;
    } else if (OptionIs(opt, "lt")) {
      flags |= kZAddLt;
    } else {
      break;
    }
  }
  const bool incr = flags & kZAddIncr;
  const bool nx = flags & kZAddNx, xx = flags & kZAddXx;
  const bool gt = flags & kZAddGt, lt = flags & kZAddLt;
  size_t elements = ctx.argc() - scoreidx;
  if (elements % 2 != 0 || elements == 0) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  elements /= 2;
  if (nx && xx) {
    ctx.reply->Error(kErrXxAndNx);
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply->Error(kErrGtLtNx);
    return;
  }
  if (incr && elements > 1) {
    ctx.reply->Error(kErrIncrPair);
    return;
  }
  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; ++j) {
    if (!StringToDouble(ctx.args[scoreidx + j * 2], &scores[j])) {
      ctx.reply->Error(protocol::kErrNotFloat);
      return;
    }
  }

  std::string_view key = ctx.args[1];
  ZSetValue* z;
  if (!LookupZSet(ctx, key, true, &z)) return;
  int64_t added = 0, updated = 0, processed = 0;
  double reply_score = 0;
  if (z == nullptr) {
    if (xx) {
      if (incr) {
        ctx.reply->Null();
      } else {
        ctx.reply->Integer(0);
      }
      return;
    }
    Value& v = ctx.db->Set(
        key,
        Value::FromCollection(ValueType::kZSet, ZSetValue::CreateForFirst(
                                                    *ctx.limits, ctx.args[scoreidx + 1].size())));
    z = v.As<ZSetValue>();
  }
  for (size_t j = 0; j < elements; ++j) {
    double score = scores[j];
    std::string_view member = ctx.args[scoreidx + j * 2 + 1];
    double cur;
    if (z->Score(member, &cur)) {
      if (nx) continue;  // a no-op: not processed
      if (incr) {
        score += cur;
        if (std::isnan(score)) {
          ctx.reply->Error(kErrNan);
          if (added + updated > 0) {
            ctx.keyspace->AddDirty(added + updated);
            ctx.KeyModified(key);
            ctx.Notify(kNotifyZset, incr ? "zincr" : "zadd", key);
          }
          return;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      reply_score = score;
      if (score != cur) {
        z->UpdateScore(member, cur, score);
        ++updated;
      }
      ++processed;
    } else if (!xx) {
      z->Insert(member, score, *ctx.limits);
      reply_score = score;
      ++added;
      ++processed;
    }
  }
  ctx.keyspace->AddDirty(added + updated);
  // Nothing added or changed (NX, XX, GT, LT, the same score): no event.
  if (added + updated > 0) {
    ctx.KeyModified(key);
    ctx.Notify(kNotifyZset, incr ? "zincr" : "zadd", key);
  }
  if (incr) {
    if (processed > 0) {
      ctx.reply->Double(reply_score);
    } else {
      ctx.reply->Null();
    }
  } else {
    ctx.reply->Integer((flags & kZAddCh) ? added + updated : added);
  }
}

void ZAddCommand(CommandContext& ctx) { ZAddGeneric(ctx, 0); }
void ZIncrByCommand(CommandContext& ctx) { ZAddGeneric(ctx, kZAddIncr); }

// ---------------------------------------------------------------------------
// Simple reads.

void ZScoreCommand(CommandContext& ctx) {
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
  double s;
  if (z == nullptr || !z->Score(ctx.args[2], &s)) {
    ctx.reply->Null();
    return;
  }
  ctx.reply->Double(s);
}

void ZMScoreCommand(CommandContext& ctx) {
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
  ctx.reply->ArrayHeader(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    double s;
    if (z != nullptr && z->Score(ctx.args[j], &s)) {
      ctx.reply->Double(s);
    } else {
      ctx.reply->Null();
    }
  }
}

void ZCardCommand(CommandContext& ctx) {
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
  ctx.reply->Integer(z == nullptr ? 0 : static_cast<int64_t>(z->size()));
}

enum class RangeType { kAuto, kRank, kScore, kLex };

// A score or lex interval (ZCOUNT, ZLEXCOUNT, ZRANGE BYSCORE / BYLEX,
// ZREMRANGEBYSCORE / BYLEX ...), parsed with the error Redis answers.
struct ValueRange {
  RangeType type;  // kScore or kLex
  ZScoreRange score;
  ZLexRange lex;

  explicit ValueRange(RangeType t) : type(t) {}
  // Parses min / max; replies Redis's error and returns false if malformed.
  bool ParseOrReply(CommandContext& ctx, std::string_view min, std::string_view max) {
    if (type == RangeType::kScore) {
      if (ParseScoreRange(min, max, &score)) return true;
      ctx.reply->Error(protocol::kErrMinMaxNotFloat);
    } else {
      if (ParseLexRange(min, max, &lex)) return true;
      ctx.reply->Error(protocol::kErrMinMaxNotLex);
    }
    return false;
  }
  // The ranks [*first, *last) of z's elements inside (empty: last <= first).
  void Ranks(const ZSetValue& z, size_t* first, size_t* last) const {
    if (type == RangeType::kScore) {
      *first = z.ScoreRangeBegin(score);
      *last = z.ScoreRangeEnd(score);
    } else {
      *first = z.LexRangeBegin(lex);
      *last = z.LexRangeEnd(lex);
    }
  }
};

// ZCOUNT and ZLEXCOUNT.
void ZCountGeneric(CommandContext& ctx, RangeType type) {
  ValueRange range(type);
  if (!range.ParseOrReply(ctx, ctx.args[2], ctx.args[3])) return;
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
  size_t b = 0, e = 0;
  if (z != nullptr) range.Ranks(*z, &b, &e);
  ctx.reply->Integer(e > b ? static_cast<int64_t>(e - b) : 0);
}

void ZCountCommand(CommandContext& ctx) { ZCountGeneric(ctx, RangeType::kScore); }
void ZLexCountCommand(CommandContext& ctx) { ZCountGeneric(ctx, RangeType::kLex); }

void ZRankGeneric(CommandContext& ctx, bool reverse) {
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
  size_t rank;
  if (z == nullptr || !z->Rank(ctx.args[2], &rank)) {
    ctx.reply->Null();
    return;
  }
  ctx.reply->Integer(static_cast<int64_t>(reverse ? z->size() - 1 - rank : rank));
}
void ZRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, false); }
void ZRevRankCommand(CommandContext& ctx) { ZRankGeneric(ctx, true); }

// ---------------------------------------------------------------------------
// ZRANGE and its older forms, ZRANGESTORE (Redis's zrangeGenericCommand).

enum class Direction { kAuto, kForward, kReverse };

void ZRangeGeneric(CommandContext& ctx, size_t argc_start, bool store, RangeType type,
                   Direction dir) {
  std::string_view key = ctx.args[argc_start];
  size_t minidx = argc_start + 1, maxidx = argc_start + 2;
  int64_t offset = 0, limit = -1;
  bool withscores = false;
  for (size_t j = argc_start + 3; j < ctx.argc(); ++j) {
    size_t leftargs = ctx.argc() - j - 1;
    std::string_view opt = ctx.args[j];
    if (!store && OptionIs(opt, "withscores")) {
      withscores = true;
    } else if (OptionIs(opt, "limit") && leftargs >= 2) {
      if (!ParseInt64OrReply(ctx, ctx.args[j + 1], &offset) ||
          !ParseInt64OrReply(ctx, ctx.args[j + 2], &limit)) {
        return;
      }
      j += 2;
    } else if (dir == Direction::kAuto && OptionIs(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && OptionIs(opt, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && OptionIs(opt, "byscore")) {
      type = RangeType::kScore;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) {
    ctx.reply->Error(kErrLimitOnlyWithRange);
    return;
  }
  if (withscores && type == RangeType::kLex) {
    ctx.reply->Error(kErrWithScoresLex);
    return;
  }
  const bool reverse = dir == Direction::kReverse;
  if (reverse && type != RangeType::kRank) std::swap(minidx, maxidx);

  int64_t start = 0, end = 0;
  ValueRange range(type);
  if (type == RangeType::kRank) {
    if (!ParseInt64OrReply(ctx, ctx.args[minidx], &start) ||
        !ParseInt64OrReply(ctx, ctx.args[maxidx], &end)) {
      return;
    }
  } else if (!range.ParseOrReply(ctx, ctx.args[minidx], ctx.args[maxidx])) {
    return;
  }

  ZSetValue* z;
  if (!LookupZSet(ctx, key, false, &z)) return;
  std::vector<Element> result;
  if (z != nullptr) {
    const size_t llen = z->size();
    if (type == RangeType::kRank) {
      if (SanitizeRanks(static_cast<int64_t>(llen), &start, &end)) {
        size_t s = static_cast<size_t>(start), e = static_cast<size_t>(end) + 1;
        result = reverse ? Collect(*z, llen - e, llen - s, true) : Collect(*z, s, e, false);
      }
    } else {
      size_t first, last;
      range.Ranks(*z, &first, &last);
      // A negative offset skips everything (Redis's "while (offset--)").
      if (last > first && offset >= 0 && static_cast<uint64_t>(offset) < last - first) {
        size_t avail = last - first - static_cast<size_t>(offset);
        size_t n = limit < 0 ? avail : std::min<size_t>(avail, static_cast<uint64_t>(limit));
        if (reverse) {
          size_t top = last - static_cast<size_t>(offset);
          result = Collect(*z, top - n, top, true);
        } else {
          size_t s = first + static_cast<size_t>(offset);
          result = Collect(*z, s, s + n, false);
        }
      }
    }
  }
  if (store) {
    // Redis's ZRANGESTORE inserts the results one by one into a set sized
    // for the rank range's length (0 for score and lex ranges).
    std::string_view dst = ctx.args[1];
    if (result.empty()) {
      StoreResult(ctx, dst, {}, "zrangestore");
      return;
    }
    size_t hint = type == RangeType::kRank ? result.size() : 0;
    ctx.db->ExpireIfNeeded(dst, ctx.now_ms);  // setKey's lookup
    ctx.db->Set(dst, Value::FromCollection(ValueType::kZSet, ZSetValue::CreateByInsertion(
                                                                 *ctx.limits, hint, result)));
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(dst);
    ctx.Notify(kNotifyZset, "zrangestore", dst);
    ctx.reply->Integer(static_cast<int64_t>(result.size()));
  } else {
    ReplyElements(ctx, result, withscores);
  }
}

void ZRangeCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
void ZRangeStoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}
void ZRevRangeCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}
void ZRangeByScoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
void ZRevRangeByScoreCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
void ZRangeByLexCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
void ZRevRangeByLexCommand(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

// ---------------------------------------------------------------------------
// ZREM, ZREMRANGEBY*.

void ZRemCommand(CommandContext& ctx) {
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], true, &z)) return;
  if (z == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  int64_t deleted = 0;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (z->Remove(ctx.args[j])) ++deleted;
    if (z->size() == 0) break;  // Redis stops (and deletes the key) here
  }
  if (deleted > 0) {
    ctx.Notify(kNotifyZset, "zrem", ctx.args[1]);
    DeleteIfEmpty(ctx, ctx.args[1], z);
    ctx.KeyModified(ctx.args[1]);
  }
  ctx.keyspace->AddDirty(deleted);
  ctx.reply->Integer(deleted);
}

void ZRemRangeGeneric(CommandContext& ctx, RangeType type) {
  int64_t start = 0, end = 0;
  ValueRange range(type);
  if (type == RangeType::kRank) {
    if (!ParseInt64OrReply(ctx, ctx.args[2], &start) ||
        !ParseInt64OrReply(ctx, ctx.args[3], &end)) {
      return;
    }
  } else if (!range.ParseOrReply(ctx, ctx.args[2], ctx.args[3])) {
    return;
  }
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], true, &z)) return;
  if (z == nullptr) {
    ctx.reply->Integer(0);
    return;
  }
  size_t first = 0, last = 0;
  if (type == RangeType::kRank) {
    if (SanitizeRanks(static_cast<int64_t>(z->size()), &start, &end)) {
      first = static_cast<size_t>(start);
      last = static_cast<size_t>(end) + 1;
    }
  } else {
    range.Ranks(*z, &first, &last);
  }
  size_t deleted = last > first ? z->RemoveRanks(first, last) : 0;
  if (deleted > 0) {
    const char* event = type == RangeType::kRank    ? "zremrangebyrank"
                        : type == RangeType::kScore ? "zremrangebyscore"
                                                    : "zremrangebylex";
    ctx.KeyModified(ctx.args[1]);
    ctx.Notify(kNotifyZset, event, ctx.args[1]);
    DeleteIfEmpty(ctx, ctx.args[1], z);
  }
  ctx.keyspace->AddDirty(deleted);
  ctx.reply->Integer(static_cast<int64_t>(deleted));
}

void ZRemRangeByRankCommand(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kRank); }
void ZRemRangeByScoreCommand(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kScore); }
void ZRemRangeByLexCommand(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kLex); }

// ---------------------------------------------------------------------------
// Pops: ZPOPMIN / ZPOPMAX, ZMPOP and the blocking forms.

// Removes up to count elements from the min or max end of the zset at key
// (deleting the key when it empties) and returns them in pop order.
std::vector<Element> PopElements(CommandContext& ctx, std::string_view key, ZSetValue* z, bool max,
                                 size_t count) {
  size_t n = std::min(count, z->size());
  size_t len = z->size();
  std::vector<Element> out = max ? Collect(*z, len - n, len, true) : Collect(*z, 0, n, false);
  if (max) {
    z->RemoveRanks(len - n, len);
  } else {
    z->RemoveRanks(0, n);
  }
  ctx.Notify(kNotifyZset, max ? "zpopmax" : "zpopmin", key);
  DeleteIfEmpty(ctx, key, z);
  ctx.KeyModified(key);
  ctx.keyspace->AddDirty(n);
  return out;
}

// The first of keys holding a zset. Returns false after WRONGTYPE (a key of
// another type met before any zset); *found is keys.size() when none exists.
bool FirstZSet(CommandContext& ctx, std::span<const std::string_view> keys, size_t* found,
               ZSetValue** z) {
  *found = keys.size();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!LookupZSet(ctx, keys[i], true, z)) return false;
    if (*z != nullptr) {
      *found = i;
      return true;
    }
  }
  return true;
}

// ZPOPMIN / ZPOPMAX key [count].
void ZPopGeneric(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  int64_t count = -1;
  if (ctx.argc() == 3) {
    // Redis's getPositiveLongFromObjectOrReply: one message for both a
    // non-number and a negative one.
    if (!ParseRangeOrReply(ctx, ctx.args[2], 0, INT64_MAX, protocol::kErrNotPositive, &count)) {
      return;
    }
  }
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], true, &z)) return;
  if (z == nullptr || count == 0) {
    ctx.reply->EmptyArray();
    return;
  }
  std::vector<Element> els =
      PopElements(ctx, ctx.args[1], z, max, count == -1 ? 1 : static_cast<size_t>(count));
  if (count == -1) {
    // A single element: always a flat [member, score].
    ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk(els[0].member);
    ctx.reply->Double(els[0].score);
    return;
  }
  ReplyElements(ctx, els, true);
}
void ZPopMinCommand(CommandContext& ctx) { ZPopGeneric(ctx, false); }
void ZPopMaxCommand(CommandContext& ctx) { ZPopGeneric(ctx, true); }

// [key, [[member, score] ...]] as ZMPOP / BZMPOP reply.
void ReplyKeyAndElements(CommandContext& ctx, std::string_view key,
                         const std::vector<Element>& els) {
  ctx.reply->ArrayHeader(2);
  ctx.reply->Bulk(key);
  ctx.reply->ArrayHeader(els.size());
  for (const Element& e : els) {
    ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk(e.member);
    ctx.reply->Double(e.score);
  }
}

// Redis's getTimeoutFromObjectOrReply in seconds: a long double, times
// 1000, rounded up to whole ms and cast to an integer (an out-of-range
// product converts to INT64_MIN as on x86, so inf and 1e20 read as
// negative). Returns the absolute deadline in ms, 0 for "forever".
bool ParseTimeoutOrReply(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  long double v;
  if (!StringToLongDouble(arg, &v)) {
    ctx.reply->Error(protocol::kErrTimeoutNotFloat);
    return false;
  }
  long double ms = ceill(v * 1000.0L);
  int64_t t = std::numeric_limits<int64_t>::min();
  if (ms < 9223372036854775808.0L && ms >= -9223372036854775808.0L) t = static_cast<int64_t>(ms);
  if (t < 0) {
    ctx.reply->Error(protocol::kErrTimeoutNegative);
    return false;
  }
  *deadline_ms = 0;
  if (t > 0 && __builtin_add_overflow(ctx.now_ms, t, deadline_ms)) *deadline_ms = INT64_MAX;
  return true;
}

// Blocks on keys (or, when the context cannot block, answers the timeout
// reply at once).
void BlockOrNull(CommandContext& ctx, std::span<const std::string_view> keys, int64_t deadline_ms) {
  if (ctx.block == nullptr) {
    ctx.reply->NullArray();
    return;
  }
  ctx.block->requested = true;
  ctx.block->keys.assign(keys.begin(), keys.end());
  ctx.block->deadline_ms = deadline_ms;
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout.
void BZPopGeneric(CommandContext& ctx, bool max) {
  int64_t deadline;
  if (!ParseTimeoutOrReply(ctx, ctx.args[ctx.argc() - 1], &deadline)) return;
  auto keys = ctx.args.subspan(1, ctx.argc() - 2);
  size_t found;
  ZSetValue* z;
  if (!FirstZSet(ctx, keys, &found, &z)) return;
  if (found == keys.size()) {
    BlockOrNull(ctx, keys, deadline);
    return;
  }
  std::vector<Element> els = PopElements(ctx, keys[found], z, max, 1);
  ctx.RewritePropagated({max ? "ZPOPMAX" : "ZPOPMIN", keys[found]});
  ctx.reply->ArrayHeader(3);
  ctx.reply->Bulk(keys[found]);
  ctx.reply->Bulk(els[0].member);
  ctx.reply->Double(els[0].score);
}
void BZPopMinCommand(CommandContext& ctx) { BZPopGeneric(ctx, false); }
void BZPopMaxCommand(CommandContext& ctx) { BZPopGeneric(ctx, true); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]; BZMPOP has the
// timeout first.
void ZMPopGeneric(CommandContext& ctx, bool blocking) {
  int64_t deadline = 0;
  size_t numkeys_idx = blocking ? 2 : 1;
  if (blocking && !ParseTimeoutOrReply(ctx, ctx.args[1], &deadline)) return;
  int64_t numkeys;
  if (!ParseRangeOrReply(ctx, ctx.args[numkeys_idx], 1, INT64_MAX, kErrNumkeys, &numkeys)) {
    return;
  }
  uint64_t where_idx = numkeys_idx + static_cast<uint64_t>(numkeys) + 1;
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() || where_idx >= ctx.argc()) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  bool max;
  if (OptionIs(ctx.args[where_idx], "min")) {
    max = false;
  } else if (OptionIs(ctx.args[where_idx], "max")) {
    max = true;
  } else {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < ctx.argc(); ++j) {
    bool more = j + 1 < ctx.argc();
    if (count == -1 && OptionIs(ctx.args[j], "count") && more) {
      ++j;
      if (!ParseRangeOrReply(ctx, ctx.args[j], 1, INT64_MAX, kErrCount, &count)) return;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }
  if (count == -1) count = 1;
  auto keys = ctx.args.subspan(numkeys_idx + 1, static_cast<size_t>(numkeys));
  size_t found;
  ZSetValue* z;
  if (!FirstZSet(ctx, keys, &found, &z)) return;
  if (found == keys.size()) {
    if (blocking) {
      BlockOrNull(ctx, keys, deadline);
    } else {
      ctx.reply->NullArray();
    }
    return;
  }
  std::vector<Element> els = PopElements(ctx, keys[found], z, max, static_cast<size_t>(count));
  if (ctx.propagating()) {
    IntArg n(static_cast<int64_t>(els.size()));
    ctx.RewritePropagated({max ? "ZPOPMAX" : "ZPOPMIN", keys[found], n.view()});
  }
  ReplyKeyAndElements(ctx, keys[found], els);
}
void ZMPopCommand(CommandContext& ctx) { ZMPopGeneric(ctx, false); }
void BZMPopCommand(CommandContext& ctx) { ZMPopGeneric(ctx, true); }

// ---------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD.

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a zset, a plain set (every score 1) or nothing (absent key).
struct Source {
  const ZSetValue* zset = nullptr;
  const storage::SetValue* set = nullptr;
  double weight = 1.0;
  size_t size() const { return zset ? zset->size() : (set ? set->size() : 0); }
  bool Score(std::string_view m, double* s) const {
    if (zset != nullptr) return zset->Score(m, s);
    if (set != nullptr && set->Contains(m)) {
      *s = 1.0;
      return true;
    }
    return false;
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset != nullptr) {
      zset->Visit(0, zset->size(), false, [&](std::string_view m, double s) {
        fn(m, s);
        return true;
      });
    } else if (set != nullptr) {
      set->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
};

void Accumulate(Aggregate agg, double* target, double v) {
  switch (agg) {
    case Aggregate::kSum:
      *target += v;
      if (std::isnan(*target)) *target = 0.0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = std::min(*target, v);
      break;
    case Aggregate::kMax:
      *target = std::max(*target, v);
      break;
  }
}

// Redis's zunionInterDiffGenericCommand. dst is null for the non-store forms.
void ZSetOpGeneric(CommandContext& ctx, const std::string_view* dst, size_t numkeys_idx, SetOp op,
                   bool cardinality_only) {
  int64_t setnum;
  if (!ParseInt64OrReply(ctx, ctx.args[numkeys_idx], &setnum)) return;
  if (setnum < 1) {
    std::string name(ctx.args[0]);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ctx.reply->Error("ERR at least 1 input key is needed for '" + name + "' command");
    return;
  }
  if (static_cast<uint64_t>(setnum) > ctx.argc() - (numkeys_idx + 1)) {
    ctx.reply->Error(protocol::kErrSyntax);
    return;
  }
  std::vector<Source> src(static_cast<size_t>(setnum));
  size_t j = numkeys_idx + 1;
  for (size_t i = 0; i < src.size(); ++i, ++j) {
    // A read lookup for the *STORE forms too: Redis 7.0 counts their hits
    // and misses and reports "keymiss".
    Value* v = ctx.db->LookupRead(ctx.args[j], ctx.now_ms);
    if (v == nullptr) continue;
    if (v->type() == ValueType::kZSet) {
      src[i].zset = v->As<ZSetValue>();
    } else if (v->type() == ValueType::kSet && v->collection() != nullptr) {
      src[i].set = v->As<storage::SetValue>();
    } else {
      ctx.reply->Error(protocol::kErrWrongType);
      return;
    }
  }
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  while (j < ctx.argc()) {
    size_t remaining = ctx.argc() - j;
    std::string_view opt = ctx.args[j];
    if (op != SetOp::kDiff && !cardinality_only && remaining >= src.size() + 1 &&
        OptionIs(opt, "weights")) {
      ++j;
      for (size_t i = 0; i < src.size(); ++i, ++j) {
        if (!StringToDouble(ctx.args[j], &src[i].weight)) {
          ctx.reply->Error(kErrWeightNotFloat);
          return;
        }
      }
    } else if (op != SetOp::kDiff && !cardinality_only && remaining >= 2 &&
               OptionIs(opt, "aggregate")) {
      std::string_view a = ctx.args[j + 1];
      if (OptionIs(a, "sum")) {
        agg = Aggregate::kSum;
      } else if (OptionIs(a, "min")) {
        agg = Aggregate::kMin;
      } else if (OptionIs(a, "max")) {
        agg = Aggregate::kMax;
      } else {
        ctx.reply->Error(protocol::kErrSyntax);
        return;
      }
      j += 2;
    } else if (dst == nullptr && !cardinality_only && OptionIs(opt, "withscores")) {
      withscores = true;
      ++j;
    } else if (cardinality_only && remaining >= 2 && OptionIs(opt, "limit")) {
      if (!ParseRangeOrReply(ctx, ctx.args[j + 1], 0, INT64_MAX, kErrLimitNegative, &limit)) {
        return;
      }
      j += 2;
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
  }

  // Inter and union go through the inputs smallest first, as Redis does
  // (the order decides how floating-point sums round).
  if (op != SetOp::kDiff) {
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  std::vector<Element> result;
  if (op == SetOp::kInter) {
    if (src[0].size() > 0) {
      src[0].ForEach([&](std::string_view m, double s) {
        if (cardinality_only && limit > 0 && result.size() >= static_cast<size_t>(limit)) return;
        double score = src[0].weight * s;
        if (std::isnan(score)) score = 0;
        for (size_t i = 1; i < src.size(); ++i) {
          double other;
          if (!src[i].Score(m, &other)) return;
          // No NaN check here (Redis has none): inf * 0 turns a sum into
          // NaN, which Accumulate resets to 0.
          Accumulate(agg, &score, src[i].weight * other);
        }
        result.push_back({std::string(m), score});
      });
    }
  } else if (op == SetOp::kUnion) {
    std::unordered_map<std::string, size_t> index;
    for (const Source& s : src) {
      s.ForEach([&](std::string_view m, double v) {
        double score = s.weight * v;
        if (std::isnan(score)) score = 0;
        auto [it, inserted] = index.try_emplace(std::string(m), result.size());
        if (inserted) {
          result.push_back({std::string(m), score});
        } else {
          Accumulate(agg, &result[it->second].score, score);
        }
      });
    }
  } else {
    src[0].ForEach([&](std::string_view m, double v) {
      for (size_t i = 1; i < src.size(); ++i) {
        double ignored;
        if (src[i].Score(m, &ignored)) return;
      }
      result.push_back({std::string(m), v});
    });
  }

  if (cardinality_only) {
    ctx.reply->Integer(static_cast<int64_t>(result.size()));
    return;
  }
  if (dst != nullptr) {
    const char* event = op == SetOp::kUnion   ? "zunionstore"
                        : op == SetOp::kInter ? "zinterstore"
                                              : "zdiffstore";
    StoreResult(ctx, *dst, std::move(result), event);
    return;
  }
  std::sort(result.begin(), result.end(), [](const Element& a, const Element& b) {
    return storage::ZElementLess(a.score, a.member, b.score, b.member);
  });
  ReplyElements(ctx, result, withscores);
}

void ZUnionCommand(CommandContext& ctx) { ZSetOpGeneric(ctx, nullptr, 1, SetOp::kUnion, false); }
void ZInterCommand(CommandContext& ctx) { ZSetOpGeneric(ctx, nullptr, 1, SetOp::kInter, false); }
void ZDiffCommand(CommandContext& ctx) { ZSetOpGeneric(ctx, nullptr, 1, SetOp::kDiff, false); }
void ZInterCardCommand(CommandContext& ctx) { ZSetOpGeneric(ctx, nullptr, 1, SetOp::kInter, true); }
void ZUnionStoreCommand(CommandContext& ctx) {
  ZSetOpGeneric(ctx, &ctx.args[1], 2, SetOp::kUnion, false);
}
void ZInterStoreCommand(CommandContext& ctx) {
  ZSetOpGeneric(ctx, &ctx.args[1], 2, SetOp::kInter, false);
}
void ZDiffStoreCommand(CommandContext& ctx) {
  ZSetOpGeneric(ctx, &ctx.args[1], 2, SetOp::kDiff, false);
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER, ZSCAN.

std::mt19937_64& Rng() {
  static std::mt19937_64 rng(0x5eed2a7e);
  return rng;
}

// ZRANDMEMBER key [count [WITHSCORES]].
void ZRandMemberCommand(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!StringToInt64(ctx.args[2], &l)) {
      ctx.reply->Error(protocol::kErrNotInteger);
      return;
    }
    if (l < -INT64_MAX) {
      ctx.reply->Error(
          "ERR value is out of range, value must between -9223372036854775807 and "
          "9223372036854775807");
      return;
    }
    bool withscores = false;
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !OptionIs(ctx.args[3], "withscores"))) {
      ctx.reply->Error(protocol::kErrSyntax);
      return;
    }
    if (ctx.argc() == 4) {
      withscores = true;
      if (l < -INT64_MAX / 2 || l > INT64_MAX / 2) {
        ctx.reply->Error(protocol::kErrValueOutOfRange);
        return;
      }
    }
    ZSetValue* z;
    if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
    if (z == nullptr || l == 0) {
      ctx.reply->EmptyArray();
      return;
    }
    std::vector<Element> out;
    const size_t size = z->size();
    if (l > 0 && static_cast<uint64_t>(l) >= size) {
      // The whole set, as Redis 7.0 replies it: its zset iterator walks from
      // the tail, so the order is descending (both encodings).
      ReplyElements(ctx, Collect(*z, 0, size, true), withscores);
      return;
    }
    // A listpack reaches a rank by walking it: take its elements once.
    std::vector<Element> listpack;
    if (z->is_listpack()) listpack = Collect(*z, 0, size, false);
    auto at = [&](size_t rank) { return z->is_listpack() ? listpack[rank] : z->At(rank); };
    if (l < 0) {
      // With repetitions: |count| independent picks.
      uint64_t n = static_cast<uint64_t>(-l);
      out.reserve(std::min<uint64_t>(n, 1 << 20));
      std::uniform_int_distribution<size_t> pick(0, size - 1);
      for (uint64_t i = 0; i < n; ++i) out.push_back(at(pick(Rng())));
    } else if (static_cast<uint64_t>(l) * 3 <= size) {
      // Few of many distinct members: random ranks until enough distinct
      // ones (Redis's case 4), without a table of every rank.
      std::unordered_set<size_t> seen;
      std::uniform_int_distribution<size_t> pick(0, size - 1);
      while (out.size() < static_cast<size_t>(l)) {
        size_t rank = pick(Rng());
        if (seen.insert(rank).second) out.push_back(at(rank));
      }
    } else {
      // Distinct members: a partial Fisher-Yates over the ranks.
      std::vector<size_t> ranks(size);
      for (size_t i = 0; i < size; ++i) ranks[i] = i;
      size_t n = static_cast<size_t>(l);
      for (size_t i = 0; i < n; ++i) {
        std::uniform_int_distribution<size_t> pick(i, size - 1);
        std::swap(ranks[i], ranks[pick(Rng())]);
        out.push_back(at(ranks[i]));
      }
    }
    ReplyElements(ctx, out, withscores);
    return;
  }
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
  if (z == nullptr) {
    ctx.reply->Null();
    return;
  }
  std::uniform_int_distribution<size_t> pick(0, z->size() - 1);
  ctx.reply->Bulk(z->At(pick(Rng())).member);
}

// A score as a listpack holds it (Redis's d2string): an integral value
// within +-LLONG_MAX/2 as an integer, anything else as "%.17g".
std::string ListpackScoreText(double score) {
  constexpr double kLimit = static_cast<double>(INT64_MAX / 2);
  if (score >= -kLimit && score <= kLimit) {
    int64_t ll = static_cast<int64_t>(score);
    if (static_cast<double>(ll) == score) return Int64ToString(ll);
  }
  return DoubleToString(score);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count] (Redis's scanGenericCommand
// over a sorted set). A listpack set is returned whole with cursor 0; a
// skiplist set pages through its member index with the reverse-binary
// cursor, so an element present throughout an iteration is returned at
// least once whatever the index's resizes.
void ZScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx.args[2], &cursor)) {
    ctx.reply->Error(protocol::kErrInvalidCursor);
    return;
  }
  ZSetValue* z;
  if (!LookupZSet(ctx, ctx.args[1], false, &z)) return;
  if (z == nullptr) {
    ctx.reply->ArrayHeader(2);
    ctx.reply->Bulk("0");
    ctx.reply->EmptyArray();
    return;
  }
  ScanOptions opts;
  if (!ParseScanOptionsOrReply(ctx, 3, false, &opts)) return;
  // Views into the set: nothing writes to it before the reply is built.
  std::vector<std::pair<std::string_view, double>> out;
  auto collect = [&](std::string_view m, double s) {
    if (!opts.pattern || GlobMatch(*opts.pattern, m)) out.emplace_back(m, s);
  };
  if (z->is_listpack()) {
    cursor = z->Scan(cursor, collect);  // everything, cursor 0
  } else {
    // Like Redis, COUNT counts members and scores, before MATCH filters,
    // and a walk takes at most 10 * COUNT cursor steps.
    const uint64_t wanted = static_cast<uint64_t>(opts.count);
    uint64_t max_steps = wanted > std::numeric_limits<uint64_t>::max() / 10 ? wanted : wanted * 10;
    uint64_t visited = 0;
    auto counted = [&](std::string_view m, double s) {
      visited += 2;
      collect(m, s);
    };
    do {
      cursor = z->Scan(cursor, counted);
    } while (cursor != 0 && max_steps-- != 0 && visited < wanted);
  }
  ctx.reply->ArrayHeader(2);
  ctx.reply->Bulk(std::to_string(cursor));
  ctx.reply->ArrayHeader(out.size() * 2);
  for (const auto& [member, score] : out) {
    ctx.reply->Bulk(member);
    // Scores are the stored text: a listpack's d2string, a skiplist's %.17g.
    ctx.reply->Bulk(z->is_listpack() ? ListpackScoreText(score) : DoubleToString(score));
  }
}

// ---------------------------------------------------------------------------
// Registration.

CommandSpec ZSpec(std::string name, int arity, uint32_t flags, KeyRange keys, Handler handler,
                  std::string summary, std::string since, std::string complexity) {
  return MakeCommand(std::move(name), arity, flags, kAclSortedSet, keys, handler,
                     std::move(summary), std::move(since), "sorted-set", std::move(complexity));
}

constexpr KeyRange kKey1 = {1, 1, 1};
constexpr KeyRange kMovable = {0, 0, 0};
constexpr char kLogN[] = "O(log(N)) where N is the number of elements in the sorted set.";
constexpr char kRangeComplexity[] =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements returned.";

}  // namespace

void RegisterSortedSetCommands(CommandTable* table) {
  constexpr uint32_t kW = kCmdWrite;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr uint32_t kOom = kCmdDenyOom;
  constexpr uint32_t kFast = kCmdFast;
  constexpr uint32_t kMov = kCmdMovableKeys;
  constexpr uint32_t kBlock = kCmdBlocking;
  CommandSpec bzmpop = ZSpec("bzmpop", -5, kW | kBlock | kMov, kMovable, BZMPopCommand,
                   "Remove and return members with scores in a sorted set or block until one is "
                   "available",
                   "7.0.0",
                   "O(K) + O(M*log(N)) where K is the number of provided keys, N being "
                   "the number of elements in the sorted set, and M being the number of "
                   "elements popped.");
  bzmpop.numkeys = {0, 2, 3, 1};
  table->Add(std::move(bzmpop));
  table->Add(ZSpec("bzpopmax", -3, kW | kCmdNoScript | kBlock | kFast, {1, -2, 1}, BZPopMaxCommand,
                   "Remove and return the member with the highest score from one or more sorted "
                   "sets, or block until one is available",
                   "5.0.0", kLogN));
  table->Add(ZSpec("bzpopmin", -3, kW | kCmdNoScript | kBlock | kFast, {1, -2, 1}, BZPopMinCommand,
                   "Remove and return the member with the lowest score from one or more sorted "
                   "sets, or block until one is available",
                   "5.0.0", kLogN));
  table->Add(ZSpec("zadd", -4, kW | kOom | kFast, kKey1, ZAddCommand,
                   "Add one or more members to a sorted set, or update its score if it already "
                   "exists",
                   "1.2.0",
                   "O(log(N)) for each item added, where N is the number of elements in "
                   "the sorted set."));
  table->Add(ZSpec("zcard", 2, kR | kFast, kKey1, ZCardCommand,
                   "Get the number of members in a sorted set", "1.2.0", "O(1)"));
  table->Add(ZSpec("zcount", 4, kR | kFast, kKey1, ZCountCommand,
                   "Count the members in a sorted set with scores within the given values", "2.0.0",
                   kLogN));
  CommandSpec zdiff = ZSpec("zdiff", -3, kR | kMov, kMovable, ZDiffCommand, "Subtract multiple sorted sets",
                   "6.2.0",
                   "O(L + (N-K)log(N)) worst case where L is the total number of "
                   "elements in all the sets, N is the size of the first set, and K is "
                   "the size of the result set.");
  zdiff.numkeys = {0, 1, 2, 1};
  table->Add(std::move(zdiff));
  CommandSpec zdiffstore = ZSpec("zdiffstore", -4, kW | kOom | kMov, kKey1, ZDiffStoreCommand,
                   "Subtract multiple sorted sets and store the resulting sorted set in a new key",
                   "6.2.0",
                   "O(L + (N-K)log(N)) worst case where L is the total number of "
                   "elements in all the sets, N is the size of the first set, and K is "
                   "the size of the result set.");
  zdiffstore.numkeys = {1, 2, 3, 1};
  table->Add(std::move(zdiffstore));
  table->Add(ZSpec("zincrby", 4, kW | kOom | kFast, kKey1, ZIncrByCommand,
                   "Increment the score of a member in a sorted set", "1.2.0", kLogN));
  CommandSpec zinter = ZSpec("zinter", -3, kR | kMov, kMovable, ZInterCommand,
                   "Intersect multiple sorted sets", "6.2.0",
                   "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted "
                   "set, K being the number of input sorted sets and M being the number "
                   "of elements in the resulting sorted set.");
  zinter.numkeys = {0, 1, 2, 1};
  table->Add(std::move(zinter));
  CommandSpec zintercard = ZSpec("zintercard", -3, kR | kMov, kMovable, ZInterCardCommand,
                   "Intersect multiple sorted sets and return the cardinality of the result",
                   "7.0.0",
                   "O(N*K) worst case with N being the smallest input sorted set, K "
                   "being the number of input sorted sets.");
  zintercard.numkeys = {0, 1, 2, 1};
  table->Add(std::move(zintercard));
  CommandSpec zinterstore = ZSpec("zinterstore", -4, kW | kOom | kMov, kKey1, ZInterStoreCommand,
                   "Intersect multiple sorted sets and store the resulting sorted set in a new "
                   "key",
                   "2.0.0",
                   "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted "
                   "set, K being the number of input sorted sets and M being the number "
                   "of elements in the resulting sorted set.");
  zinterstore.numkeys = {1, 2, 3, 1};
  table->Add(std::move(zinterstore));
  table->Add(ZSpec("zlexcount", 4, kR | kFast, kKey1, ZLexCountCommand,
                   "Count the number of members in a sorted set between a given lexicographical "
                   "range",
                   "2.8.9", kLogN));
  CommandSpec zmpop = ZSpec("zmpop", -4, kW | kMov, kMovable, ZMPopCommand,
                   "Remove and return members with scores in a sorted set", "7.0.0",
                   "O(K) + O(M*log(N)) where K is the number of provided keys, N being the "
                   "number of elements in the sorted set, and M being the number of elements "
                   "popped.");
  zmpop.numkeys = {0, 1, 2, 1};
  table->Add(std::move(zmpop));
  table->Add(ZSpec("zmscore", -3, kR | kFast, kKey1, ZMScoreCommand,
                   "Get the score associated with the given members in a sorted set", "6.2.0",
                   "O(N) where N is the number of members being requested."));
  table->Add(ZSpec("zpopmax", -2, kW | kFast, kKey1, ZPopMaxCommand,
                   "Remove and return members with the highest scores in a sorted set", "5.0.0",
                   "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                   "being the number of elements popped."));
  table->Add(ZSpec("zpopmin", -2, kW | kFast, kKey1, ZPopMinCommand,
                   "Remove and return members with the lowest scores in a sorted set", "5.0.0",
                   "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                   "being the number of elements popped."));
  table->Add(ZSpec("zrandmember", -2, kR, kKey1, ZRandMemberCommand,
                   "Get one or multiple random elements from a sorted set", "6.2.0",
                   "O(N) where N is the number of elements returned"));
  table->Add(ZSpec("zrange", -4, kR, kKey1, ZRangeCommand,
                   "Return a range of members in a sorted set", "1.2.0", kRangeComplexity));
  table->Add(ZSpec("zrangebylex", -4, kR, kKey1, ZRangeByLexCommand,
                   "Return a range of members in a sorted set, by lexicographical range", "2.8.9",
                   kRangeComplexity));
  table->Add(ZSpec("zrangebyscore", -4, kR, kKey1, ZRangeByScoreCommand,
                   "Return a range of members in a sorted set, by score", "1.0.5",
                   kRangeComplexity));
  table->Add(ZSpec("zrangestore", -5, kW | kOom, {1, 2, 1}, ZRangeStoreCommand,
                   "Store a range of members from sorted set into another key", "6.2.0",
                   kRangeComplexity));
  table->Add(ZSpec("zrank", 3, kR | kFast, kKey1, ZRankCommand,
                   "Determine the index of a member in a sorted set", "2.0.0", "O(log(N))"));
  table->Add(ZSpec("zrem", -3, kW | kFast, kKey1, ZRemCommand,
                   "Remove one or more members from a sorted set", "1.2.0",
                   "O(M*log(N)) with N being the number of elements in the sorted set and M the "
                   "number of elements to be removed."));
  table->Add(ZSpec("zremrangebylex", 4, kW, kKey1, ZRemRangeByLexCommand,
                   "Remove all members in a sorted set between the given lexicographical range",
                   "2.8.9", kRangeComplexity));
  table->Add(ZSpec("zremrangebyrank", 4, kW, kKey1, ZRemRangeByRankCommand,
                   "Remove all members in a sorted set within the given indexes", "2.0.0",
                   kRangeComplexity));
  table->Add(ZSpec("zremrangebyscore", 4, kW, kKey1, ZRemRangeByScoreCommand,
                   "Remove all members in a sorted set within the given scores", "1.2.0",
                   kRangeComplexity));
  table->Add(ZSpec("zrevrange", -4, kR, kKey1, ZRevRangeCommand,
                   "Return a range of members in a sorted set, by index, with scores ordered from "
                   "high to low",
                   "1.2.0", kRangeComplexity));
  table->Add(ZSpec("zrevrangebylex", -4, kR, kKey1, ZRevRangeByLexCommand,
                   "Return a range of members in a sorted set, by lexicographical range, ordered "
                   "from higher to lower strings.",
                   "2.8.9", kRangeComplexity));
  table->Add(ZSpec("zrevrangebyscore", -4, kR, kKey1, ZRevRangeByScoreCommand,
                   "Return a range of members in a sorted set, by score, with scores ordered from "
                   "high to low",
                   "2.2.0", kRangeComplexity));
  table->Add(ZSpec("zrevrank", 3, kR | kFast, kKey1, ZRevRankCommand,
                   "Determine the index of a member in a sorted set, with scores ordered from high "
                   "to low",
                   "2.0.0", "O(log(N))"));
  table->Add(ZSpec("zscan", -3, kR, kKey1, ZScanCommand,
                   "Incrementally iterate sorted sets elements and associated scores", "2.8.0",
                   "O(1) for every call. O(N) for a complete iteration, including enough command "
                   "calls for the cursor to return back to 0. N is the number of elements inside "
                   "the collection.."));
  table->Add(ZSpec("zscore", 3, kR | kFast, kKey1, ZScoreCommand,
                   "Get the score associated with the given member in a sorted set", "1.2.0",
                   "O(1)"));
  CommandSpec zunion = ZSpec("zunion", -3, kR | kMov, kMovable, ZUnionCommand, "Add multiple sorted sets",
                   "6.2.0",
                   "O(N)+O(M*log(M)) with N being the sum of the sizes of the input "
                   "sorted sets, and M being the number of elements in the resulting "
                   "sorted set.");
  zunion.numkeys = {0, 1, 2, 1};
  table->Add(std::move(zunion));
  CommandSpec zunionstore = ZSpec("zunionstore", -4, kW | kOom | kMov, kKey1, ZUnionStoreCommand,
                   "Add multiple sorted sets and store the resulting sorted set in a new key",
                   "2.0.0",
                   "O(N)+O(M log(M)) with N being the sum of the sizes of the input "
                   "sorted sets, and M being the number of elements in the resulting "
                   "sorted set.");
  zunionstore.numkeys = {1, 2, 3, 1};
  table->Add(std::move(zunionstore));
}

}  // namespace spindle::commands
