// SORT and SORT_RO (Redis 7.0's sort.c, reply for reply).
//
// Behaviour a client can see, and therefore reproduced:
//   - Options are parsed before the key is looked up, so a syntax error or a
//     bad LIMIT wins over WRONGTYPE. A repeated option overrides (the last
//     BY, the last LIMIT, the last ASC/DESC); a BY without '*' anywhere in the
//     command disables sorting for good, as Redis never resets that flag.
//   - Patterns are read as C strings: the '*', "->" and "#" tests stop at the
//     first NUL byte, while the text after '*' and the hash field keep all of
//     their bytes (Redis's strchr / strstr on an sds).
//   - Numeric weights are read with strtod: leading blanks, hex, "inf" and
//     the empty string (0) are accepted; trailing bytes, NaN and ERANGE
//     (overflow and underflow) are an error. Equal scores are ordered by the
//     element bytes, so numeric results are deterministic.
//   - ALPHA compares with strcoll in Redis; Spindle runs in the C locale, so
//     without STORE the comparison stops at the first NUL byte (strcmp), and
//     with STORE it is binary (memcmp, then length), as compareStringObjects.
//   - A constant BY keeps the native order: lists and sorted sets honour DESC
//     and LIMIT directly on that order, a set keeps its iteration order unless
//     the result is stored, when Redis forces an ALPHA sort so that replicas
//     agree.
//   - Sorting a listpack sorted set converts it to a skiplist (Redis does it
//     destructively, and OBJECT ENCODING shows it).
//
// Not reproduced: Redis's stale-errno quirk (a pipelined command that left
// ERANGE in errno can make the next SORT's numeric parse fail), and the
// forced ALPHA sort of a set inside scripts.
//
// Server.dirty: STORE adds the number of stored elements, or one when it
// deletes an existing destination.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "commands/options.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "storage/hash_value.h"
#include "storage/list_value.h"
#include "storage/set_value.h"
#include "storage/zset_value.h"

namespace spindle::commands {
namespace {

using storage::HashValue;
using storage::ListValue;
using storage::SetValue;
using storage::Value;
using storage::ValueType;
using storage::ZSetValue;

constexpr std::string_view kErrScoreConversion =
    "ERR One or more scores can't be converted into double";

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  std::optional<std::string_view> store;
  std::vector<std::string_view> gets;
};

// Parses the options after the key. Returns false after replying an error.
bool ParseSortOptions(CommandContext& ctx, bool readonly, SortOptions* opts) {
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const std::string_view arg = ctx.args[j];
    const size_t left = ctx.argc() - j - 1;
    if (OptionIs(arg, "asc")) {
      opts->desc = false;
    } else if (OptionIs(arg, "desc")) {
      opts->desc = true;
    } else if (OptionIs(arg, "alpha")) {
      opts->alpha = true;
    } else if (OptionIs(arg, "limit") && left >= 2) {
      if (!StringToInt64(ctx.args[j + 1], &opts->limit_start) ||
          !StringToInt64(ctx.args[j + 2], &opts->limit_count)) {
        ctx.reply->Error(protocol::kErrNotInteger);
        return false;
      }
      j += 2;
    } else if (!readonly && OptionIs(arg, "store") && left >= 1) {
      opts->store = ctx.args[++j];
    } else if (OptionIs(arg, "by") && left >= 1) {
      opts->by = ctx.args[++j];
      if (CStringView(*opts->by).find('*') == std::string_view::npos) opts->dontsort = true;
    } else if (OptionIs(arg, "get") && left >= 1) {
      opts->gets.push_back(ctx.args[++j]);
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return false;
    }
  }
  return true;
}

// Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first
// '*' is replaced by the element and the key (or, with "->field", the hash
// field) is read. nullopt when the pattern has no '*', the key is missing or
// of the wrong type, or the field is absent.
std::optional<std::string> LookupByPattern(CommandContext& ctx, std::string_view pattern,
                                           std::string_view element) {
  const std::string_view cpat = CStringView(pattern);
  if (cpat == "#") return std::string(element);
  const size_t star = cpat.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t arrow = cpat.find("->", star + 1);
  const bool has_field = arrow != std::string_view::npos && arrow + 2 < cpat.size();
  std::string key(pattern.substr(0, star));
  key.append(element);
  if (has_field) {
    key.append(pattern.substr(star + 1, arrow - star - 1));
  } else {
    key.append(pattern.substr(star + 1));
  }
  Value* v = ctx.db->LookupRead(key, ctx.now_ms);
  if (v == nullptr) return std::nullopt;
  if (has_field) {
    if (v->type() != ValueType::kHash) return std::nullopt;
    std::optional<std::string_view> field = v->As<HashValue>()->Get(pattern.substr(arrow + 2));
    if (!field) return std::nullopt;
    return std::string(*field);
  }
  if (!v->is_string()) return std::nullopt;
  char scratch[Value::kIntScratch];
  return std::string(v->StringView(scratch));
}

// A weight as Redis's sort reads it (strtod on the C string); false when it
// is not a usable double.
bool ParseWeight(const std::string& s, double* out) {
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

// Binary comparison of two strings (memcmp, then length).
int CompareBinary(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// strcoll in the C locale: strcmp on the C strings.
int CompareCollate(std::string_view a, std::string_view b) {
  return CompareBinary(CStringView(a), CStringView(b));
}

struct SortItem {
  std::string element;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA with BY: the weight, if found
};

// The elements of the value to sort, all of them, in native order.
std::vector<std::string> LoadAll(const Value& v) {
  std::vector<std::string> out;
  switch (v.type()) {
    case ValueType::kList: {
      const ListValue* list = v.As<ListValue>();
      out.reserve(list->size());
      if (!list->empty()) {
        list->Visit(0, false, [&](size_t, std::string_view e) {
          out.emplace_back(e);
          return true;
        });
      }
      break;
    }
    case ValueType::kSet:
      out = v.As<SetValue>()->Members();
      break;
    case ValueType::kZSet: {
      const ZSetValue* zset = v.As<ZSetValue>();
      out.reserve(zset->size());
      zset->Visit(0, zset->size(), false, [&](std::string_view m, double) {
        out.emplace_back(m);
        return true;
      });
      break;
    }
    default:
      break;
  }
  return out;
}

// Elements [start, end] of a list or sorted set in native order, or in
// reverse order counted from the tail when desc (Redis's "BY nosort" path).
std::vector<std::string> LoadRange(const Value& v, int64_t start, int64_t end, bool desc) {
  std::vector<std::string> out;
  if (end < start) return out;
  const size_t n = static_cast<size_t>(end - start + 1);
  out.reserve(n);
  auto add = [&](std::string_view e) {
    out.emplace_back(e);
    return out.size() < n;
  };
  if (v.type() == ValueType::kList) {
    const ListValue* list = v.As<ListValue>();
    const size_t first = desc ? list->size() - 1 - static_cast<size_t>(start)
                              : static_cast<size_t>(start);
    list->Visit(first, desc, [&](size_t, std::string_view e) { return add(e); });
  } else {
    const ZSetValue* zset = v.As<ZSetValue>();
    size_t lo = desc ? zset->size() - 1 - static_cast<size_t>(end) : static_cast<size_t>(start);
    zset->Visit(lo, lo + n, desc, [&](std::string_view m, double) { return add(m); });
  }
  return out;
}

void SortGeneric(CommandContext& ctx, bool readonly) {
  SortOptions opts;
  if (!ParseSortOptions(ctx, readonly, &opts)) return;

  Value* sortval = ctx.db->LookupRead(ctx.args[1], ctx.now_ms);
  if (sortval != nullptr && sortval->type() != ValueType::kList &&
      sortval->type() != ValueType::kSet && sortval->type() != ValueType::kZSet) {
    ctx.reply->Error(protocol::kErrWrongType);
    return;
  }
  const ValueType type = sortval == nullptr ? ValueType::kList : sortval->type();

  // A set has no native order Redis is willing to replicate: a stored result
  // is sorted ALPHA instead.
  bool dontsort = opts.dontsort;
  bool alpha = opts.alpha;
  std::optional<std::string_view> by = opts.by;
  if (dontsort && type == ValueType::kSet && opts.store) {
    dontsort = false;
    alpha = true;
    by.reset();
  }
  if (type == ValueType::kZSet) {
    ZSetValue* zset = sortval->As<ZSetValue>();
    if (zset->is_listpack()) zset->ConvertToSkiplist();
  }

  const int64_t len =
      sortval == nullptr ? 0 : static_cast<int64_t>(sortval->collection()->Length());
  // LIMIT clamping as Redis 7.0.15: inputs are first bounded by the length.
  int64_t start = std::min(std::max<int64_t>(opts.limit_start, 0), len);
  const int64_t count = std::min(std::max<int64_t>(opts.limit_count, -1), len);
  int64_t end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  std::vector<SortItem> items;
  auto take = [&](std::vector<std::string> elements) {
    items.reserve(elements.size());
    for (std::string& e : elements) items.push_back(SortItem{std::move(e), 0, std::nullopt});
  };
  if (sortval != nullptr && dontsort &&
      (type == ValueType::kList || type == ValueType::kZSet)) {
    take(LoadRange(*sortval, start, end, opts.desc));
    end -= start;
    start = 0;
  } else if (sortval != nullptr) {
    take(LoadAll(*sortval));
  }

  if (!dontsort) {
    bool conversion_error = false;
    for (SortItem& item : items) {
      std::optional<std::string> weight;
      if (by) {
        weight = LookupByPattern(ctx, *by, item.element);
        if (!weight) continue;
      }
      if (alpha) {
        if (by) item.cmp = std::move(weight);
      } else if (!ParseWeight(by ? *weight : item.element, &item.score)) {
        conversion_error = true;
      }
    }
    if (conversion_error) {
      ctx.reply->Error(kErrScoreConversion);
      return;
    }
    const bool binary = opts.store.has_value();
    const bool by_pattern = by.has_value();
    auto compare = [&](const SortItem& a, const SortItem& b) {
      int cmp;
      if (!alpha) {
        if (a.score != b.score) {
          cmp = a.score < b.score ? -1 : 1;
        } else {
          cmp = CompareBinary(a.element, b.element);
        }
      } else if (by_pattern) {
        if (!a.cmp || !b.cmp) {
          cmp = a.cmp.has_value() == b.cmp.has_value() ? 0 : (a.cmp ? 1 : -1);
        } else {
          cmp = binary ? CompareBinary(*a.cmp, *b.cmp) : CompareCollate(*a.cmp, *b.cmp);
        }
      } else {
        cmp = binary ? CompareBinary(a.element, b.element)
                     : CompareCollate(a.element, b.element);
      }
      return (opts.desc ? -cmp : cmp) < 0;
    };
    std::stable_sort(items.begin(), items.end(), compare);
  }

  const int64_t rows = end - start + 1;
  const int64_t output_len =
      opts.gets.empty() ? rows : static_cast<int64_t>(opts.gets.size()) * rows;
  if (!opts.store) {
    ctx.reply->ArrayHeader(static_cast<size_t>(output_len));
    for (int64_t j = start; j <= end; ++j) {
      const std::string& element = items[static_cast<size_t>(j)].element;
      if (opts.gets.empty()) ctx.reply->Bulk(element);
      for (std::string_view pattern : opts.gets) {
        std::optional<std::string> val = LookupByPattern(ctx, pattern, element);
        if (val) {
          ctx.reply->Bulk(*val);
        } else {
          ctx.reply->Null();
        }
      }
    }
    return;
  }

  auto list = std::make_unique<ListValue>(ctx.limits->list_max_listpack_size);
  for (int64_t j = start; j <= end; ++j) {
    const std::string& element = items[static_cast<size_t>(j)].element;
    if (opts.gets.empty()) list->PushBack(element);
    for (std::string_view pattern : opts.gets) {
      std::optional<std::string> val = LookupByPattern(ctx, pattern, element);
      list->PushBack(val ? std::string_view(*val) : std::string_view());
    }
  }
  if (output_len > 0) {
    ctx.db->ExpireIfNeeded(*opts.store, ctx.now_ms);  // setKey's lookup
    ctx.db->Set(*opts.store, Value::FromCollection(ValueType::kList, std::move(list)));
    ctx.keyspace->AddDirty(static_cast<uint64_t>(output_len));
    ctx.KeyModified(*opts.store);
    ctx.Notify(storage::kNotifyList, "sortstore", *opts.store);
  } else if (ctx.db->DeleteRaw(*opts.store)) {  // dbDelete: a key past its TTL counts
    ctx.keyspace->AddDirty(1);
    ctx.KeyModified(*opts.store);
    ctx.Notify(storage::kNotifyGeneric, "del", *opts.store);
  }
  ctx.reply->Integer(output_len);
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
//      [ALPHA] [STORE destination]
void SortCommand(CommandContext& ctx) { SortGeneric(ctx, /*readonly=*/false); }

// SORT_RO: the same without STORE (STORE is a syntax error).
void SortRoCommand(CommandContext& ctx) { SortGeneric(ctx, /*readonly=*/true); }

}  // namespace

namespace {

// Redis's sortGetKeys: the sorted key, plus the destination of the last
// STORE. Options are assumed to take no argument except LIMIT (2), GET and
// BY (1), exactly as Redis scans them.
bool SortGetKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  out->push_back(1);
  int store = 0;
  for (size_t i = 2; i < args.size(); ++i) {
    if (OptionIs(args[i], "limit")) {
      i += 2;
    } else if (OptionIs(args[i], "get") || OptionIs(args[i], "by")) {
      i += 1;
    } else if (OptionIs(args[i], "store") && i + 1 < args.size()) {
      store = static_cast<int>(i + 1);
    }
  }
  if (store != 0) out->push_back(store);
  return true;
}

}  // namespace

void RegisterSortCommands(CommandTable* table) {
  constexpr uint64_t kAcl = kAclSet | kAclSortedSet | kAclList | kAclDangerous;
  // Redis 7.0 reports 1,1,1 with movablekeys: the STORE destination can sit
  // anywhere among the options.
  constexpr KeyRange kKeys{1, 1, 1};
  const std::string kCost =
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).";
  CommandSpec sort = MakeCommand("sort", -2, kCmdWrite | kCmdDenyOom | kCmdMovableKeys, kAcl,
                                 kKeys, SortCommand,
                                 "Sort the elements in a list, set or sorted set", "1.0.0",
                                 "generic", kCost);
  sort.keys_fn = SortGetKeys;
  table->Add(std::move(sort));
  CommandSpec sort_ro = MakeCommand("sort_ro", -2, kCmdReadOnly | kCmdMovableKeys, kAcl, kKeys,
                                    SortRoCommand,
                                    "Sort the elements in a list, set or sorted set. Read-only "
                                    "variant of SORT.",
                                    "7.0.0", "generic", kCost);
  sort_ro.keys_fn = SortGetKeys;
  table->Add(std::move(sort_ro));
}

}  // namespace spindle::commands
