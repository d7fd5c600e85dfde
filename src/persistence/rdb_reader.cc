#include "persistence/rdb_reader.h"

#include <errno.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "common/logging.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "persistence/compression.h"
#include "persistence/crc64.h"
#include "persistence/intset.h"
#include "persistence/listpack.h"
#include "persistence/ziplist.h"
#include "storage/hash_value.h"
#include "storage/list_value.h"
#include "storage/set_value.h"
#include "storage/zset_value.h"

namespace spindle::persistence {
namespace {

constexpr size_t kFileChunk = 256 * 1024;
// LZF expands at most ~88 times (a 3-byte back reference yields 264 bytes);
// a header promising more than this is corrupt, and is refused before the
// output is allocated.
constexpr uint64_t kLzfMaxRatio = 100;

uint64_t GetLe(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

std::string EntryString(const ListpackEntry& e) {
  return e.is_int ? Int64ToString(e.value) : std::string(e.str);
}

}  // namespace

const char* RdbTypeName(int type) {
  static const char* const kNames[] = {"string",
                                       "list-linked",
                                       "set-hashtable",
                                       "zset-v1",
                                       "hash-hashtable",
                                       "zset-v2",
                                       "module-pre-release",
                                       "module-value",
                                       "",
                                       "hash-zipmap",
                                       "list-ziplist",
                                       "set-intset",
                                       "zset-ziplist",
                                       "hash-ziplist",
                                       "quicklist",
                                       "stream",
                                       "hash-listpack",
                                       "zset-listpack",
                                       "quicklist-v2",
                                       "stream-v2"};
  if (type >= 0 && type < static_cast<int>(std::size(kNames))) return kNames[type];
  return "unknown";
}

RdbReader::RdbReader(std::string_view data)
    : mem_(data), data_(data.data()), len_(data.size()), total_(data.size()) {}

RdbReader::RdbReader(int fd, uint64_t total_size) : fd_(fd), buf_(kFileChunk), total_(total_size) {
  data_ = buf_.data();
}

bool RdbReader::Fail(std::string message) {
  if (!failed_) {
    failed_ = true;
    error_.offset = offset();
    error_.message = std::move(message);
  }
  return false;
}

bool RdbReader::Eof() {
  if (!failed_) {
    Fail("Unexpected EOF reading RDB file");
    error_.eof = true;
  }
  return false;
}

bool RdbReader::Refill() {
  if (fd_ < 0) return false;
  crc_ = Crc64(crc_, data_ + crc_pos_, len_ - crc_pos_);
  base_ += len_;
  pos_ = crc_pos_ = len_ = 0;
  for (;;) {
    ssize_t n = read(fd_, buf_.data(), buf_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    len_ = static_cast<size_t>(n);
    return true;
  }
}

uint64_t RdbReader::Checksum() {
  crc_ = Crc64(crc_, data_ + crc_pos_, pos_ - crc_pos_);
  crc_pos_ = pos_;
  return crc_;
}

bool RdbReader::Raw(void* out, size_t len) {
  if (failed_) return false;
  auto* dst = static_cast<char*>(out);
  while (len > 0) {
    if (pos_ == len_ && !Refill()) return Eof();
    size_t n = std::min(len, len_ - pos_);
    std::memcpy(dst, data_ + pos_, n);
    pos_ += n;
    dst += n;
    len -= n;
  }
  return true;
}

bool RdbReader::Byte(uint8_t* b) { return Raw(b, 1); }

bool RdbReader::Len(uint64_t* len, bool* encoded) {
  if (encoded) *encoded = false;
  unsigned char buf[9];
  if (!Raw(buf, 1)) return false;
  const int type = (buf[0] & 0xC0) >> 6;
  if (type == kRdbEncVal) {
    if (encoded) *encoded = true;
    *len = buf[0] & 0x3F;
    return true;
  }
  if (type == kRdb6BitLen) {
    *len = buf[0] & 0x3F;
    return true;
  }
  if (type == kRdb14BitLen) {
    if (!Raw(buf + 1, 1)) return false;
    *len = (static_cast<uint64_t>(buf[0] & 0x3F) << 8) | buf[1];
    return true;
  }
  if (buf[0] == kRdb32BitLen || buf[0] == kRdb64BitLen) {
    const int n = buf[0] == kRdb32BitLen ? 4 : 8;
    if (!Raw(buf + 1, n)) return false;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | buf[1 + i];
    *len = v;
    return true;
  }
  return Fail("Unknown length encoding " + std::to_string(buf[0]) + " in rdbLoadLen()");
}

bool RdbReader::String(std::string* out) {
  bool encoded;
  uint64_t len;
  if (!Len(&len, &encoded)) return false;
  if (encoded) {
    unsigned char buf[4];
    switch (len) {
      case kRdbEncInt8:
        if (!Raw(buf, 1)) return false;
        *out = Int64ToString(static_cast<int8_t>(buf[0]));
        return true;
      case kRdbEncInt16:
        if (!Raw(buf, 2)) return false;
        *out = Int64ToString(static_cast<int16_t>(GetLe(buf, 2)));
        return true;
      case kRdbEncInt32:
        if (!Raw(buf, 4)) return false;
        *out = Int64ToString(static_cast<int32_t>(GetLe(buf, 4)));
        return true;
      case kRdbEncLzf: {
        uint64_t clen, ulen;
        if (!Len(&clen) || !Len(&ulen)) return false;
        if (clen > remaining()) return Eof();
        if (ulen > (clen + 1) * kLzfMaxRatio) return Fail("Invalid LZF compressed string");
        std::string compressed(clen, '\0');
        if (!Raw(compressed.data(), clen)) return false;
        if (!LzfAvailable()) {
          return Fail("LZF-compressed string, and this build has no LZF decompressor");
        }
        out->assign(ulen, '\0');
        if (!LzfDecompressTo(compressed.data(), clen, out->data(), ulen)) {
          return Fail("Invalid LZF compressed string");
        }
        return true;
      }
      default:
        return Fail("Unknown RDB string encoding type " + std::to_string(len));
    }
  }
  if (len > remaining()) return Eof();
  out->resize(len);
  return Raw(out->data(), len);
}

bool RdbReader::BinaryDouble(double* d) {
  unsigned char buf[8];
  if (!Raw(buf, 8)) return false;
  uint64_t bits = GetLe(buf, 8);
  std::memcpy(d, &bits, 8);
  return true;
}

bool RdbReader::DoubleString(double* d) {
  uint8_t len;
  if (!Byte(&len)) return false;
  switch (len) {
    case 255:
      *d = -HUGE_VAL;
      return true;
    case 254:
      *d = HUGE_VAL;
      return true;
    case 253:
      *d = std::nan("");
      return true;
    default: {
      char buf[256];
      if (!Raw(buf, len)) return false;
      buf[len] = '\0';
      if (std::sscanf(buf, "%lg", d) != 1) return Fail("Invalid double value in RDB");
      return true;
    }
  }
}

bool RdbReader::MillisecondTime(int64_t* ms) {
  unsigned char buf[8];
  if (!Raw(buf, 8)) return false;
  *ms = static_cast<int64_t>(GetLe(buf, 8));
  return true;
}

bool RdbReader::Seconds(int32_t* s) {
  unsigned char buf[4];
  if (!Raw(buf, 4)) return false;
  *s = static_cast<int32_t>(GetLe(buf, 4));
  return true;
}

// ---------------------------------------------------------------------------
// Objects.

namespace {

using storage::EncodingLimits;
using storage::HashValue;
using storage::ListValue;
using storage::SetValue;
using storage::Value;
using storage::ValueType;
using storage::ZSetValue;

// Limits that never convert a compact encoding by element size: Redis keeps
// a listpack loaded from a file as it is, converting only on the count.
EncodingLimits CountOnly(const EncodingLimits& limits) {
  EncodingLimits l = limits;
  l.hash_max_listpack_value = INT64_MAX;
  l.zset_max_listpack_value = INT64_MAX;
  return l;
}

// A sorted set from its elements: nullopt (error set) on a NaN score or a
// member seen twice.
std::optional<Value> BuildZSet(RdbReader& r, std::vector<ZSetValue::Element> elements,
                               const EncodingLimits& limits, const char* dup_error) {
  std::unordered_set<std::string_view> seen;
  for (const auto& e : elements) {
    if (std::isnan(e.score)) {
      r.Fail("Zset with NAN score detected");
      return std::nullopt;
    }
    if (!seen.insert(e.member).second) {
      r.Fail(dup_error);
      return std::nullopt;
    }
  }
  return Value::FromCollection(ValueType::kZSet,
                               ZSetValue::CreateFrom(limits, std::move(elements)));
}

// Member / score pairs of a sorted-set listpack or ziplist.
bool ZSetPairs(std::string_view blob, bool ziplist, std::vector<ZSetValue::Element>* out) {
  bool member_next = true;
  std::string member;
  auto fn = [&](const ListpackEntry& e) {
    if (member_next) {
      member = EntryString(e);
    } else {
      double score;
      if (e.is_int) {
        score = static_cast<double>(e.value);
      } else if (!StringToDouble(e.str, &score)) {
        return false;
      }
      out->push_back({std::move(member), score});
    }
    member_next = !member_next;
    return true;
  };
  bool ok = ziplist ? ForEachZiplistEntry(blob, fn) : ForEachListpackEntry(blob, fn);
  return ok && member_next;
}

// Field / value pairs of a hash listpack or ziplist, in order.
bool HashPairs(std::string_view blob, bool ziplist,
               std::vector<std::pair<std::string, std::string>>* out) {
  bool field_next = true;
  std::string field;
  auto fn = [&](const ListpackEntry& e) {
    if (field_next) {
      field = EntryString(e);
    } else {
      out->emplace_back(std::move(field), EntryString(e));
    }
    field_next = !field_next;
    return true;
  };
  bool ok = ziplist ? ForEachZiplistEntry(blob, fn) : ForEachListpackEntry(blob, fn);
  return ok && field_next;
}

// A hash built from pairs under limits; false on a duplicate field.
bool FillHash(HashValue* h, const std::vector<std::pair<std::string, std::string>>& pairs,
              const EncodingLimits& limits) {
  for (const auto& [f, v] : pairs) {
    if (!h->Set(f, v, limits)) return false;
  }
  return true;
}

}  // namespace

std::optional<Value> RdbReader::Object(int type, const EncodingLimits& limits, bool* empty_key) {
  *empty_key = false;
  uint64_t len;
  std::string s;
  switch (type) {
    case kRdbTypeString:
      if (!String(&s)) return std::nullopt;
      return Value::FromString(s);

    case kRdbTypeList: {
      if (!Len(&len)) return std::nullopt;
      if (len == 0) break;
      auto list =
          std::make_unique<ListValue>(limits.list_max_listpack_size, limits.list_compress_depth);
      while (len--) {
        if (!String(&s)) return std::nullopt;
        list->PushBack(s);
      }
      return Value::FromCollection(ValueType::kList, std::move(list));
    }

    case kRdbTypeListQuicklist:
    case kRdbTypeListQuicklist2: {
      if (!Len(&len)) return std::nullopt;
      if (len == 0) break;
      auto list =
          std::make_unique<ListValue>(limits.list_max_listpack_size, limits.list_compress_depth);
      while (len--) {
        uint64_t container = kQuicklistNodePacked;
        if (type == kRdbTypeListQuicklist2) {
          if (!Len(&container)) return std::nullopt;
          if (container != kQuicklistNodePacked && container != kQuicklistNodePlain) {
            Fail("Quicklist integrity check failed.");
            return std::nullopt;
          }
        }
        if (!String(&s)) return std::nullopt;
        if (s.empty()) {
          Fail("Quicklist integrity check failed.");
          return std::nullopt;
        }
        if (container == kQuicklistNodePlain) {
          list->PushBack(s);
          continue;
        }
        auto push = [&](const ListpackEntry& e) {
          if (e.is_int) {
            list->PushBack(Int64ToString(e.value));
          } else {
            list->PushBack(e.str);
          }
          return true;
        };
        const bool ok = type == kRdbTypeListQuicklist2 ? ForEachListpackEntry(s, push)
                                                       : ForEachZiplistEntry(s, push);
        if (!ok) {
          Fail(type == kRdbTypeListQuicklist2 ? "Listpack integrity check failed."
                                              : "Ziplist integrity check failed.");
          return std::nullopt;
        }
      }
      // Empty nodes are skipped; a list left with nothing is an empty key.
      if (list->empty()) break;
      return Value::FromCollection(ValueType::kList, std::move(list));
    }

    case kRdbTypeSet: {
      if (!Len(&len)) return std::nullopt;
      if (len == 0) break;
      auto set = SetValue::CreateIntset();
      if (len > static_cast<uint64_t>(limits.set_max_intset_entries)) set->ConvertToHashtable();
      while (len--) {
        if (!String(&s)) return std::nullopt;
        if (!set->Add(s, limits.set_max_intset_entries)) {
          Fail("Duplicate set members detected");
          return std::nullopt;
        }
      }
      return Value::FromCollection(ValueType::kSet, std::move(set));
    }

    case kRdbTypeZSet:
    case kRdbTypeZSet2: {
      if (!Len(&len)) return std::nullopt;
      if (len == 0) break;
      std::vector<ZSetValue::Element> elements;
      while (len--) {
        ZSetValue::Element e;
        if (!String(&e.member)) return std::nullopt;
        bool ok = type == kRdbTypeZSet2 ? BinaryDouble(&e.score) : DoubleString(&e.score);
        if (!ok) return std::nullopt;
        elements.push_back(std::move(e));
      }
      return BuildZSet(*this, std::move(elements), limits, "Duplicate zset fields detected");
    }

    case kRdbTypeHash: {
      if (!Len(&len)) return std::nullopt;
      if (len == 0) break;
      auto hash = std::make_unique<HashValue>();
      if (len > static_cast<uint64_t>(limits.hash_max_listpack_entries)) hash->ConvertToHashtable();
      std::string value;
      while (len--) {
        if (!String(&s) || !String(&value)) return std::nullopt;
        if (!hash->Set(s, value, limits)) {
          Fail("Duplicate hash fields detected");
          return std::nullopt;
        }
      }
      return Value::FromCollection(ValueType::kHash, std::move(hash));
    }

    case kRdbTypeHashZipmap:
    case kRdbTypeListZiplist:
    case kRdbTypeSetIntset:
    case kRdbTypeZSetZiplist:
    case kRdbTypeZSetListpack:
    case kRdbTypeHashZiplist:
    case kRdbTypeHashListpack: {
      if (!String(&s)) return std::nullopt;
      return EncodedObject(type, s, limits, empty_key);
    }

    case kRdbTypeStreamListpacks:
    case kRdbTypeStreamListpacks2:
      Fail("Streams are not supported by this server (RDB type " + std::to_string(type) + ")");
      return std::nullopt;
    case kRdbTypeModule:
    case kRdbTypeModule2:
      Fail("Module values are not supported by this server (RDB type " + std::to_string(type) +
           ")");
      return std::nullopt;
    default:
      Fail("Unknown RDB encoding type " + std::to_string(type));
      return std::nullopt;
  }
  *empty_key = true;
  return std::nullopt;
}

}  // namespace spindle::persistence

namespace spindle::persistence {

std::optional<Value> RdbReader::EncodedObject(int type, std::string_view blob,
                                              const EncodingLimits& limits, bool* empty_key) {
  switch (type) {
    case kRdbTypeHashZipmap: {
      std::vector<std::pair<std::string, std::string>> pairs;
      std::unordered_set<std::string_view> seen;
      size_t maxlen = 0;
      bool dup = false;
      bool ok = ForEachZipmapPair(blob, [&](std::string_view f, std::string_view v) {
        maxlen = std::max({maxlen, f.size(), v.size()});
        if (!seen.insert(f).second) {
          dup = true;
          return false;
        }
        pairs.emplace_back(f, v);
        return true;
      });
      if (dup) {
        Fail("Hash zipmap with dup elements, or big length (" + std::to_string(maxlen) + ")");
        return std::nullopt;
      }
      if (!ok) {
        Fail("Zipmap integrity check failed.");
        return std::nullopt;
      }
      if (pairs.empty()) break;
      auto hash = std::make_unique<HashValue>();
      FillHash(hash.get(), pairs, CountOnly(CountOnly(limits)));
      if (pairs.size() > static_cast<uint64_t>(limits.hash_max_listpack_entries) ||
          maxlen > static_cast<uint64_t>(limits.hash_max_listpack_value)) {
        hash->ConvertToHashtable();
      }
      return Value::FromCollection(ValueType::kHash, std::move(hash));
    }

    case kRdbTypeListZiplist: {
      auto list =
          std::make_unique<ListValue>(limits.list_max_listpack_size, limits.list_compress_depth);
      bool ok = ForEachZiplistEntry(blob, [&](const ListpackEntry& e) {
        list->PushBack(EntryString(e));
        return true;
      });
      if (!ok) {
        Fail("List ziplist integrity check failed.");
        return std::nullopt;
      }
      if (list->empty()) break;
      return Value::FromCollection(ValueType::kList, std::move(list));
    }

    case kRdbTypeSetIntset: {
      std::vector<int64_t> values;
      if (!ParseIntset(blob, &values)) {
        Fail("Intset integrity check failed.");
        return std::nullopt;
      }
      if (values.empty()) break;
      auto set = SetValue::CreateIntset();
      char buf[24];
      for (int64_t v : values) {
        set->Add(std::string_view(buf, Int64ToChars(v, buf)), limits.set_max_intset_entries);
      }
      return Value::FromCollection(ValueType::kSet, std::move(set));
    }

    case kRdbTypeZSetZiplist:
    case kRdbTypeZSetListpack: {
      const bool ziplist = type == kRdbTypeZSetZiplist;
      const char* integrity = ziplist ? "Zset ziplist integrity check failed."
                                      : "Zset listpack integrity check failed.";
      std::vector<ZSetValue::Element> elements;
      if (!ZSetPairs(blob, ziplist, &elements)) {
        Fail(integrity);
        return std::nullopt;
      }
      if (elements.empty()) break;
      const bool too_many =
          elements.size() > static_cast<uint64_t>(limits.zset_max_listpack_entries);
      return BuildZSet(*this, std::move(elements), too_many ? limits : CountOnly(limits),
                       integrity);
    }

    case kRdbTypeHashZiplist:
    case kRdbTypeHashListpack: {
      const bool ziplist = type == kRdbTypeHashZiplist;
      const char* integrity = ziplist ? "Hash ziplist integrity check failed."
                                      : "Hash listpack integrity check failed.";
      std::vector<std::pair<std::string, std::string>> pairs;
      if (!HashPairs(blob, ziplist, &pairs)) {
        Fail(integrity);
        return std::nullopt;
      }
      if (pairs.empty()) break;
      auto hash = std::make_unique<HashValue>();
      EncodingLimits fill = CountOnly(limits);
      fill.hash_max_listpack_entries = INT64_MAX;
      if (!FillHash(hash.get(), pairs, fill)) {
        Fail(integrity);
        return std::nullopt;
      }
      if (pairs.size() > static_cast<uint64_t>(limits.hash_max_listpack_entries)) {
        hash->ConvertToHashtable();
      }
      return Value::FromCollection(ValueType::kHash, std::move(hash));
    }
  }
  *empty_key = true;
  return std::nullopt;
}

void ApplyIdleOrFreq(Value& v, EvictionInfo eviction, int64_t lfu_freq, int64_t lru_idle_seconds,
                     int64_t now_ms) {
  if (eviction == EvictionInfo::kLfu) {
    if (lfu_freq < 0) return;
    const uint32_t minutes = static_cast<uint32_t>(now_ms / 1000 / 60) & 65535;
    v.set_lru((minutes << 8) | static_cast<uint32_t>(lfu_freq & 255));
    return;
  }
  if (lru_idle_seconds < 0) return;
  // The LRU clock is 24 bits of seconds and wraps (every ~194 days); a
  // stamp before the wrap goes back to the top of the range, where
  // IdleTimeMs's unwrapping finds the same idle time again (Redis 7.0's
  // objectSetLRUOrLFU: lru_abs += LRU_CLOCK_MAX).
  constexpr int64_t kClockMax = (1 << 24) - 1;
  const int64_t clock = Value::LruClock(now_ms);
  int64_t stamp = clock - lru_idle_seconds;
  if (stamp < 0) stamp += kClockMax;
  v.set_lru(static_cast<uint32_t>(stamp));
}

// ---------------------------------------------------------------------------
// Whole files.

Status LoadRdb(RdbReader& r, storage::Keyspace& keyspace, const RdbLoadOptions& options,
               RdbLoadResult* result) {
  auto failed = [&r]() { return Status::Corruption(r.error().message); };
  char magic[10] = {0};
  if (!r.Raw(magic, 9)) return failed();
  if (std::memcmp(magic, "REDIS", 5) != 0) {
    LOG_WARNING("Wrong signature trying to load DB from file");
    return Status::InvalidArgument("Wrong signature trying to load DB from file");
  }
  const int version = std::atoi(magic + 5);
  if (version < 1 || version > kRdbVersion) {
    LOG_WARNING("Can't handle RDB format version %d", version);
    return Status::InvalidArgument("Can't handle RDB format version " + std::to_string(version));
  }
  result->version = version;

  storage::Database* db = &keyspace.db(0);
  int64_t expire_ms = -1, lfu_freq = -1, lru_idle = -1;
  for (;;) {
    uint8_t type;
    if (!r.Byte(&type)) return failed();
    if (type == kRdbOpExpireTime) {
      int32_t seconds;
      if (!r.Seconds(&seconds)) return failed();
      expire_ms = static_cast<int64_t>(seconds) * 1000;
      continue;
    }
    if (type == kRdbOpExpireTimeMs) {
      if (!r.MillisecondTime(&expire_ms)) return failed();
      continue;
    }
    if (type == kRdbOpFreq) {
      uint8_t freq;
      if (!r.Byte(&freq)) return failed();
      lfu_freq = freq;
      continue;
    }
    if (type == kRdbOpIdle) {
      uint64_t idle;
      if (!r.Len(&idle)) return failed();
      lru_idle = static_cast<int64_t>(std::min<uint64_t>(idle, INT64_MAX));
      continue;
    }
    if (type == kRdbOpEof) break;
    if (type == kRdbOpSelectDb) {
      uint64_t id;
      if (!r.Len(&id)) return failed();
      if (id >= static_cast<uint64_t>(keyspace.count())) {
        char msg[160];
        std::snprintf(msg, sizeof(msg),
                      "FATAL: Data file was created with a Redis server configured to handle "
                      "more than %d databases. Exiting\n",
                      keyspace.count());
        LOG_WARNING("%s", msg);
        return Status::InvalidArgument(msg);
      }
      db = &keyspace.db(static_cast<int>(id));
      continue;
    }
    if (type == kRdbOpResizeDb) {
      uint64_t db_size, expires_size;
      if (!r.Len(&db_size) || !r.Len(&expires_size)) return failed();
      // A hint (Redis's dictExpand): sized at once, the tables never
      // rehash while loading. Capped by the bytes left, since every key
      // takes at least three, so a corrupt hint cannot allocate much.
      const uint64_t cap = r.remaining() / 3;
      db->Reserve(static_cast<size_t>(std::min(db_size, cap)),
                  static_cast<size_t>(std::min(expires_size, cap)));
      continue;
    }
    if (type == kRdbOpAux) {
      std::string key, value;
      if (!r.String(&key) || !r.String(&value)) return failed();
      if (!key.empty() && key[0] == '%') {
        LOG_NOTICE("RDB '%s': %s", key.c_str(), value.c_str());
      } else if (EqualsIgnoreCase(key, "redis-ver")) {
        LOG_NOTICE("Loading RDB produced by version %s", value.c_str());
      } else if (EqualsIgnoreCase(key, "ctime")) {
        int64_t age = options.now_ms / 1000 - std::strtol(value.c_str(), nullptr, 10);
        if (age < 0) age = 0;
        LOG_NOTICE("RDB age %ld seconds", static_cast<long>(age));
      } else if (EqualsIgnoreCase(key, "used-mem")) {
        long long used = std::strtoll(value.c_str(), nullptr, 10);
        LOG_NOTICE("RDB memory usage when created %.2f Mb",
                   static_cast<double>(used) / (1024 * 1024));
      } else if (EqualsIgnoreCase(key, "aof-preamble")) {
        if (std::strtoll(value.c_str(), nullptr, 10)) LOG_NOTICE("RDB has an AOF tail");
      } else if (EqualsIgnoreCase(key, "aof-base")) {
        if (std::strtoll(value.c_str(), nullptr, 10)) LOG_NOTICE("RDB is base AOF");
      } else {
        LOG_DEBUG("Unrecognized RDB AUX field: '%s'", key.c_str());
      }
      continue;
    }
    if (type == kRdbOpModuleAux) {
      r.Fail("The RDB file contains AUX module data I can't load: no matching module");
      return failed();
    }
    if (type == kRdbOpFunction || type == kRdbOpFunction2) {
      r.Fail("The RDB file contains functions, which this server does not support");
      return failed();
    }
    if (!IsRdbObjectType(type)) {
      r.Fail("Unknown RDB encoding type " + std::to_string(type));
      return failed();
    }

    std::string key;
    if (!r.String(&key)) return failed();
    bool empty_key = false;
    std::optional<Value> value = r.Object(type, options.limits, &empty_key);
    if (!value) {
      if (!empty_key) {
        result->failed_key = key;
        result->failed_type = type;
        return failed();
      }
      if (result->empty_keys_skipped++ < 10) {
        LOG_WARNING("rdbLoadObject skipping empty key: %s", key.c_str());
      }
    } else if (options.skip_expired && expire_ms != -1 && expire_ms < options.now_ms) {
      ++result->keys_expired;
    } else {
      // One lookup, not two: a key already there is overwritten, which the
      // size shows (fine with MERGE, a corrupt file otherwise).
      const size_t before = db->size();
      Value& stored = db->Set(key, std::move(*value));
      if (db->size() == before && !options.replace_existing) {
        LOG_WARNING("RDB has duplicated key '%s' in DB %d", key.c_str(), db->index());
        r.Fail("Duplicated key found in RDB file");
        result->failed_key = key;
        result->failed_type = type;
        return failed();
      }
      ++result->keys_loaded;
      if (expire_ms != -1) db->SetExpire(key, expire_ms);
      ApplyIdleOrFreq(stored, options.eviction, lfu_freq, lru_idle, options.now_ms);
    }
    expire_ms = lfu_freq = lru_idle = -1;
  }

  if (version >= 5) {
    const uint64_t expected = r.Checksum();
    unsigned char buf[8];
    if (!r.Raw(buf, 8)) return failed();
    if (options.verify_checksum) {
      const uint64_t stored = GetLe(buf, 8);
      if (stored == 0) {
        LOG_WARNING("RDB file was saved with checksum disabled: no check performed.");
      } else if (stored != expected) {
        LOG_WARNING("Wrong RDB checksum expected: (%llx) but got (%llx). Aborting now.",
                    static_cast<unsigned long long>(expected),
                    static_cast<unsigned long long>(stored));
        r.Fail("RDB CRC error");
        return failed();
      }
    }
  }
  if (result->empty_keys_skipped > 0) {
    LOG_WARNING(
        "Done loading RDB, keys loaded: %llu, keys expired: %llu, empty keys skipped: %llu.",
        static_cast<unsigned long long>(result->keys_loaded),
        static_cast<unsigned long long>(result->keys_expired),
        static_cast<unsigned long long>(result->empty_keys_skipped));
  } else {
    LOG_NOTICE("Done loading RDB, keys loaded: %llu, keys expired: %llu.",
               static_cast<unsigned long long>(result->keys_loaded),
               static_cast<unsigned long long>(result->keys_expired));
  }
  return Status::Ok();
}

}  // namespace spindle::persistence
