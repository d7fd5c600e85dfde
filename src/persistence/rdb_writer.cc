#include "persistence/rdb_writer.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/numbers.h"
#include "persistence/compression.h"
#include "persistence/crc64.h"
#include "persistence/intset.h"
#include "persistence/listpack.h"
#include "storage/hash_value.h"
#include "storage/lfu.h"
#include "storage/list_value.h"
#include "storage/set_value.h"
#include "storage/zset_value.h"

namespace spindle::persistence {
namespace {

// Output is handed to the sink in chunks of about this size.
constexpr size_t kFlushChunk = 64 * 1024;

// Redis's quicklist optimization_level: node byte limits for fill -1..-5.
constexpr size_t kOptimizationLevel[] = {4096, 8192, 16384, 32768, 65536};
// SIZE_ESTIMATE_OVERHEAD: what Redis adds to an element's length when it
// estimates the growth of a node.
constexpr size_t kSizeEstimateOverhead = 8;
// MIN_COMPRESS_BYTES and MIN_COMPRESS_IMPROVE: when a quicklist node is kept
// compressed.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;

void PutLe(char* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// rdbEncodeInteger: the INT8 / INT16 / INT32 string encodings.
size_t EncodeInteger(int64_t v, char* enc) {
  if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
    enc[0] = static_cast<char>((kRdbEncVal << 6) | kRdbEncInt8);
    PutLe(enc + 1, static_cast<uint64_t>(v), 1);
    return 2;
  }
  if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
    enc[0] = static_cast<char>((kRdbEncVal << 6) | kRdbEncInt16);
    PutLe(enc + 1, static_cast<uint64_t>(v), 2);
    return 3;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    enc[0] = static_cast<char>((kRdbEncVal << 6) | kRdbEncInt32);
    PutLe(enc + 1, static_cast<uint64_t>(v), 4);
    return 5;
  }
  return 0;
}

// Redis's quicklistSetFill clamp.
int64_t ClampFill(int64_t fill) {
  if (fill > 32767) return 32767;
  if (fill < -5) return -5;
  return fill;
}

// Redis's _quicklistNodeAllowInsert for a packed node of node_bytes holding
// node_count elements, about to take an element of len bytes.
bool NodeAllowsInsert(size_t node_bytes, size_t node_count, int64_t fill, size_t len) {
  const size_t new_sz = node_bytes + len + kSizeEstimateOverhead;
  if (fill < 0) {
    const size_t level = static_cast<size_t>(-fill) - 1;
    if (level < std::size(kOptimizationLevel) && new_sz <= kOptimizationLevel[level]) return true;
  }
  if (new_sz > kQuicklistSizeSafetyLimit) return false;
  return static_cast<int64_t>(node_count) < fill;
}

}  // namespace

std::string ScoreToListpackString(double score) {
  if (std::isnan(score)) return "nan";
  if (std::isinf(score)) return score < 0 ? "-inf" : "inf";
  if (score == 0) return std::signbit(score) ? "-0" : "0";
  // Redis's double2ll: an integral value within +-LLONG_MAX/2 prints as an
  // integer (and so becomes an integer entry in the listpack).
  if (score >= static_cast<double>(-INT64_MAX / 2) && score <= static_cast<double>(INT64_MAX / 2)) {
    const auto ll = static_cast<int64_t>(score);
    if (static_cast<double>(ll) == score) return Int64ToString(ll);
  }
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", score);
  return std::string(buf, n);
}

RdbWriter::RdbWriter(const RdbSaveOptions& options, Sink sink)
    : options_(options), sink_(std::move(sink)) {}

void RdbWriter::MaybeFlush() {
  if (sink_ && buf_.size() >= kFlushChunk) Flush();
}

Status RdbWriter::Flush() {
  if (!sink_ || !status_.ok() || buf_.empty()) return status_;
  if (options_.checksum) crc_ = Crc64(crc_, buf_.data(), buf_.size());
  status_ = sink_(buf_);
  sunk_ += buf_.size();
  buf_.clear();
  return status_;
}

void RdbWriter::Raw(const void* data, size_t len) {
  if (!status_.ok()) return;
  if (sink_ && len >= kFlushChunk) {
    // A big string goes to the sink directly instead of through the buffer.
    Flush();
    if (!status_.ok()) return;
    std::string_view bytes(static_cast<const char*>(data), len);
    if (options_.checksum) crc_ = Crc64(crc_, data, len);
    status_ = sink_(bytes);
    sunk_ += len;
    return;
  }
  buf_.append(static_cast<const char*>(data), len);
  MaybeFlush();
}

void RdbWriter::Byte(uint8_t b) { Raw(&b, 1); }

void RdbWriter::Len(uint64_t len) {
  char buf[9];
  if (len < (1 << 6)) {
    buf[0] = static_cast<char>((kRdb6BitLen << 6) | len);
    Raw(buf, 1);
  } else if (len < (1 << 14)) {
    buf[0] = static_cast<char>((kRdb14BitLen << 6) | (len >> 8));
    buf[1] = static_cast<char>(len & 0xFF);
    Raw(buf, 2);
  } else if (len <= UINT32_MAX) {
    buf[0] = static_cast<char>(kRdb32BitLen);
    for (int i = 0; i < 4; ++i) buf[1 + i] = static_cast<char>((len >> (24 - 8 * i)) & 0xFF);
    Raw(buf, 5);
  } else {
    buf[0] = static_cast<char>(kRdb64BitLen);
    for (int i = 0; i < 8; ++i) buf[1 + i] = static_cast<char>((len >> (56 - 8 * i)) & 0xFF);
    Raw(buf, 9);
  }
}

void RdbWriter::String(std::string_view s) {
  // rdbSaveRawString: small canonical integers first.
  if (s.size() <= 11) {
    int64_t v;
    char enc[5];
    size_t n;
    if (StringToInt64(s, &v) && (n = EncodeInteger(v, enc)) > 0) {
      Raw(enc, n);
      return;
    }
  }
  // LZF only pays when it saves at least 4 bytes; under 21 bytes it never
  // compresses, so Redis does not try.
  if (options_.compression && s.size() > 20) {
    std::string out(s.size() - 4, '\0');
    size_t clen = LzfCompressTo(s.data(), s.size(), out.data(), out.size());
    if (clen > 0) {
      Byte((kRdbEncVal << 6) | kRdbEncLzf);
      Len(clen);
      Len(s.size());
      Raw(out.data(), clen);
      return;
    }
  }
  Len(s.size());
  if (!s.empty()) Raw(s.data(), s.size());
}

void RdbWriter::BinaryDouble(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  char buf[8];
  PutLe(buf, bits, 8);
  Raw(buf, 8);
}

void RdbWriter::MillisecondTime(int64_t ms) {
  char buf[8];
  PutLe(buf, static_cast<uint64_t>(ms), 8);
  Raw(buf, 8);
}

bool RdbWriter::ObjectType(const storage::Value& v, uint8_t* type) {
  using storage::ValueType;
  switch (v.type()) {
    case ValueType::kString:
      *type = kRdbTypeString;
      return true;
    case ValueType::kList:
      if (v.collection() == nullptr) return false;
      *type = kRdbTypeListQuicklist2;
      return true;
    case ValueType::kSet:
      if (v.collection() == nullptr) return false;
      *type = v.As<storage::SetValue>()->is_intset() ? kRdbTypeSetIntset : kRdbTypeSet;
      return true;
    case ValueType::kZSet:
      if (v.collection() == nullptr) return false;
      *type = v.As<storage::ZSetValue>()->is_listpack() ? kRdbTypeZSetListpack : kRdbTypeZSet2;
      return true;
    case ValueType::kHash:
      if (v.collection() == nullptr) return false;
      *type = v.As<storage::HashValue>()->is_listpack() ? kRdbTypeHashListpack : kRdbTypeHash;
      return true;
    case ValueType::kStream:
      return false;
  }
  return false;
}

Status RdbWriter::Object(const storage::Value& v) {
  uint8_t type;
  if (!ObjectType(v, &type)) {
    return Status::InvalidArgument(std::string("cannot serialize a value of type ") +
                                   storage::ValueTypeName(v.type()));
  }
  switch (v.type()) {
    case storage::ValueType::kString: {
      char scratch[storage::Value::kIntScratch];
      String(v.StringView(scratch));
      break;
    }
    case storage::ValueType::kList:
      WriteList(v);
      break;
    case storage::ValueType::kSet:
      WriteSet(v);
      break;
    case storage::ValueType::kZSet:
      WriteZSet(v);
      break;
    case storage::ValueType::kHash:
      WriteHash(v);
      break;
    case storage::ValueType::kStream:
      break;
  }
  return status_;
}

void RdbWriter::WriteList(const storage::Value& v) {
  const auto* list = v.As<storage::ListValue>();
  const int64_t fill = ClampFill(list->fill());
  // First pass: the node boundaries Redis's quicklistPushTail would make,
  // as (element count, plain) per node, from the exact listpack sizes.
  struct NodeShape {
    size_t count;
    bool plain;
  };
  std::vector<NodeShape> nodes;
  size_t node_bytes = 0;   // of the last packed node
  bool last_plain = true;  // no node yet behaves like "cannot insert"
  if (!list->empty()) {
    list->Visit(0, false, [&](size_t, std::string_view e) {
      if (e.size() >= options_.plain_threshold) {
        nodes.push_back({1, true});
        last_plain = true;
        return true;
      }
      if (!last_plain && NodeAllowsInsert(node_bytes, nodes.back().count, fill, e.size())) {
        ++nodes.back().count;
        node_bytes += ListpackEntrySize(e);
      } else {
        nodes.push_back({1, false});
        node_bytes = 7 + ListpackEntrySize(e);  // header, end byte, entry
        last_plain = false;
      }
      return true;
    });
  }
  Len(nodes.size());
  // With list-compress-depth, Redis keeps the nodes past `depth` from either
  // end LZF-compressed (when that saves more than 8 bytes of at least 48)
  // and writes them as they are, whatever rdbcompression says.
  const size_t depth = list->compress_depth();
  auto interior = [&](size_t i) { return depth > 0 && i >= depth && i + depth < nodes.size(); };
  auto write_node = [&](size_t i, const std::string& bytes) {
    if (interior(i) && bytes.size() >= kMinCompressBytes) {
      std::string out(bytes.size(), '\0');
      const size_t clen = LzfCompressTo(bytes.data(), bytes.size(), out.data(), out.size());
      if (clen > 0 && clen + kMinCompressImprove < bytes.size()) {
        Byte((kRdbEncVal << 6) | kRdbEncLzf);
        Len(clen);
        Len(bytes.size());
        Raw(out.data(), clen);
        return;
      }
    }
    String(bytes);
  };
  // Second pass: each node's listpack (or plain element), written as built.
  size_t node = 0;
  size_t in_node = 0;
  ListpackBuilder lp;
  if (list->empty()) return;
  list->Visit(0, false, [&](size_t, std::string_view e) {
    if (nodes[node].plain) {
      Len(kQuicklistNodePlain);
      write_node(node, std::string(e));
      ++node;
      return status_.ok();
    }
    lp.AppendString(e);
    if (++in_node == nodes[node].count) {
      Len(kQuicklistNodePacked);
      write_node(node, lp.Finish());
      in_node = 0;
      ++node;
    }
    return status_.ok();
  });
}

void RdbWriter::WriteSet(const storage::Value& v) {
  const auto* set = v.As<storage::SetValue>();
  if (set->is_intset()) {
    std::vector<int64_t> values;
    values.reserve(set->size());
    set->ForEach([&](std::string_view m) {
      int64_t n = 0;
      StringToInt64(m, &n);
      values.push_back(n);
    });
    String(BuildIntset(values));
    return;
  }
  Len(set->size());
  set->ForEach([&](std::string_view m) { String(m); });
}

void RdbWriter::WriteZSet(const storage::Value& v) {
  const auto* zset = v.As<storage::ZSetValue>();
  const size_t n = zset->size();
  if (zset->is_listpack()) {
    ListpackBuilder lp;
    zset->Visit(0, n, false, [&](std::string_view member, double score) {
      lp.AppendString(member);
      lp.AppendString(ScoreToListpackString(score));
      return true;
    });
    String(lp.Finish());
    return;
  }
  // Greatest first, as Redis walks its skiplist from the tail: loading then
  // always inserts at the head.
  Len(n);
  zset->Visit(0, n, true, [&](std::string_view member, double score) {
    String(member);
    BinaryDouble(score);
    return status_.ok();
  });
}

void RdbWriter::WriteHash(const storage::Value& v) {
  const auto* hash = v.As<storage::HashValue>();
  if (hash->is_listpack()) {
    ListpackBuilder lp;
    hash->ForEach([&](std::string_view f, std::string_view val) {
      lp.AppendString(f);
      lp.AppendString(val);
    });
    String(lp.Finish());
    return;
  }
  Len(hash->Length());
  hash->ForEach([&](std::string_view f, std::string_view val) {
    String(f);
    String(val);
  });
}

Status RdbWriter::KeyValue(std::string_view key, const storage::Value& v, int64_t expire_ms) {
  uint8_t type;
  if (!ObjectType(v, &type)) {
    return Status::InvalidArgument(std::string("cannot serialize a value of type ") +
                                   storage::ValueTypeName(v.type()));
  }
  if (expire_ms != -1) {
    Byte(kRdbOpExpireTimeMs);
    MillisecondTime(expire_ms);
  }
  if (options_.eviction == EvictionInfo::kLru) {
    Byte(kRdbOpIdle);
    Len(static_cast<uint64_t>(v.IdleTimeMs(options_.now_ms) / 1000));
  } else if (options_.eviction == EvictionInfo::kLfu) {
    Byte(kRdbOpFreq);
    // Redis's LFUDecrAndReturn under the server's lfu-decay-time: the
    // counter as OBJECT FREQ would report it now (the time of the last
    // decrement is not saved; the loader stamps its own now).
    Byte(static_cast<uint8_t>(
        storage::LfuDecrAndReturn(v.lru(), options_.now_ms, options_.lfu_decay_minutes)));
  }
  Byte(type);
  String(key);
  return Object(v);
}

Status RdbWriter::Finish() {
  Byte(kRdbOpEof);
  if (!status_.ok()) return status_;
  uint64_t crc = 0;
  if (options_.checksum) crc = Crc64(crc_, buf_.data(), buf_.size());
  char buf[8];
  PutLe(buf, crc, 8);
  // Appended directly: the CRC does not cover itself.
  buf_.append(buf, 8);
  if (sink_) {
    status_ = sink_(buf_);
    sunk_ += buf_.size();
    buf_.clear();
  }
  return status_;
}

namespace {

void AuxField(RdbWriter& w, std::string_view key, std::string_view value) {
  w.Byte(kRdbOpAux);
  w.String(key);
  w.String(value);
}

}  // namespace

void KeySaveDelay(int64_t delay_us) {
  if (delay_us == 0) return;
  if (delay_us < 0) delay_us = (std::rand() % -delay_us) == 0 ? 1 : 0;
  if (delay_us > 0) usleep(static_cast<useconds_t>(delay_us));
}

Status WriteRdb(storage::Keyspace& keyspace, RdbWriter& w) {
  const RdbSaveOptions& o = w.options();
  char magic[16];
  std::snprintf(magic, sizeof(magic), "REDIS%04d", kRdbVersion);
  w.Raw(magic, 9);
  AuxField(w, "redis-ver", o.redis_version);
  AuxField(w, "redis-bits", std::to_string(sizeof(void*) * 8));
  AuxField(w, "ctime", std::to_string(o.now_ms / 1000));
  AuxField(w, "used-mem", std::to_string(o.used_mem));
  AuxField(w, "aof-base", o.aof_base ? "1" : "0");
  for (int i = 0; i < keyspace.count() && w.status().ok(); ++i) {
    storage::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    w.Byte(kRdbOpSelectDb);
    w.Len(static_cast<uint64_t>(i));
    w.Byte(kRdbOpResizeDb);
    w.Len(db.size());
    w.Len(db.expires_size());
    Status st;
    db.ForEach([&](std::string_view key, const storage::Value& value) {
      if (!st.ok() || !w.status().ok()) return;
      st = w.KeyValue(key, value, db.GetExpire(key));
      KeySaveDelay(o.key_save_delay_us);
    });
    if (!st.ok()) return st;
  }
  if (!w.status().ok()) return w.status();
  return w.Finish();
}

}  // namespace spindle::persistence
