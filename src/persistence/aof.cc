// AOF commands (catAppendOnlyGenericCommand) and base files
// (rewriteAppendOnlyFile / rewriteAppendOnlyFileRio).

#include "persistence/aof.h"

#include <algorithm>

#include "common/logging.h"
#include "common/numbers.h"
#include "persistence/file_io.h"
#include "storage/hash_value.h"
#include "storage/list_value.h"
#include "storage/set_value.h"
#include "storage/zset_value.h"

namespace spindle::persistence {
namespace {

// AOF_REWRITE_ITEMS_PER_CMD: elements (pairs for hashes and sorted sets) per
// RPUSH / SADD / ZADD / HMSET of a rewrite.
constexpr size_t kItemsPerCommand = 64;

// Output goes to the sink in chunks of about this size; an argument at
// least this long goes on its own, without a copy.
constexpr size_t kSinkChunk = 64 * 1024;

void AppendCount(std::string* out, char prefix, int64_t n) {
  char buf[32];
  buf[0] = prefix;
  size_t len = 1 + Int64ToChars(n, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out->append(buf, len);
}

void AppendBulk(std::string* out, std::string_view s) {
  AppendCount(out, '$', static_cast<int64_t>(s.size()));
  out->append(s);
  out->append("\r\n", 2);
}

// The command form of a keyspace, handed to a sink in chunks.
class CommandWriter {
 public:
  explicit CommandWriter(const std::function<Status(std::string_view)>& sink) : sink_(sink) {}

  void Raw(std::string_view s) {
    buf_.append(s);
    MaybeFlush();
  }
  void Count(char prefix, int64_t n) { AppendCount(&buf_, prefix, n); }
  void Bulk(std::string_view s) {
    if (s.size() < kSinkChunk) {
      AppendBulk(&buf_, s);
      MaybeFlush();
      return;
    }
    Count('$', static_cast<int64_t>(s.size()));
    Flush();
    Sink(s);
    buf_.append("\r\n", 2);
  }
  void BulkInt(int64_t v) {
    char digits[24];
    Bulk(std::string_view(digits, Int64ToChars(v, digits)));
  }
  // The header of a batch, "*<n>\r\n$<len>\r\n<name>\r\n" and the key.
  void Header(int64_t argc, std::string_view name, std::string_view key) {
    Count('*', argc);
    AppendBulk(&buf_, name);
    Bulk(key);
  }

  Status Flush() {
    if (!buf_.empty()) Sink(buf_);
    buf_.clear();
    return status_;
  }
  const Status& status() const { return status_; }

 private:
  void MaybeFlush() {
    if (buf_.size() >= kSinkChunk) Flush();
  }
  void Sink(std::string_view bytes) {
    if (status_.ok()) status_ = sink_(bytes);
  }

  const std::function<Status(std::string_view)>& sink_;
  std::string buf_;
  Status status_;
};

// Batches of kItemsPerCommand: the header goes out before the first element
// of each (Redis's rewriteListObject and friends).
class Batcher {
 public:
  Batcher(CommandWriter& w, std::string_view name, std::string_view key, size_t items, int per_item)
      : w_(w), name_(name), key_(key), left_(items), per_item_(per_item) {}

  void BeforeItem() {
    if (in_batch_ == 0) {
      const size_t n = std::min(left_, kItemsPerCommand);
      w_.Header(2 + static_cast<int64_t>(n) * per_item_, name_, key_);
    }
    if (++in_batch_ == kItemsPerCommand) in_batch_ = 0;
    --left_;
  }

 private:
  CommandWriter& w_;
  std::string_view name_;
  std::string_view key_;
  size_t left_;
  int per_item_;
  size_t in_batch_ = 0;
};

Status WriteKey(CommandWriter& w, std::string_view key, const storage::Value& v) {
  using storage::ValueType;
  if (v.type() != ValueType::kString && v.collection() == nullptr) {
    return Status::InvalidArgument(std::string("cannot rewrite a value of type ") +
                                   storage::ValueTypeName(v.type()));
  }
  switch (v.type()) {
    case ValueType::kString: {
      w.Raw("*3\r\n$3\r\nSET\r\n");
      w.Bulk(key);
      char scratch[storage::Value::kIntScratch];
      w.Bulk(v.StringView(scratch));
      break;
    }
    case ValueType::kList: {
      const auto* list = v.As<storage::ListValue>();
      if (list->empty()) break;
      Batcher batch(w, "RPUSH", key, list->size(), 1);
      list->Visit(0, false, [&](size_t, std::string_view e) {
        batch.BeforeItem();
        w.Bulk(e);
        return w.status().ok();
      });
      break;
    }
    case ValueType::kSet: {
      const auto* set = v.As<storage::SetValue>();
      Batcher batch(w, "SADD", key, set->size(), 1);
      set->ForEach([&](std::string_view m) {
        batch.BeforeItem();
        w.Bulk(m);
      });
      break;
    }
    case ValueType::kZSet: {
      // Redis walks a listpack in score order and a skiplist's dict in hash
      // order; rank order serves both (any order rebuilds the same set).
      const auto* zset = v.As<storage::ZSetValue>();
      Batcher batch(w, "ZADD", key, zset->size(), 2);
      zset->Visit(0, zset->size(), false, [&](std::string_view member, double score) {
        batch.BeforeItem();
        w.Bulk(DoubleToString(score));  // rioWriteBulkDouble: "%.17g"
        w.Bulk(member);
        return w.status().ok();
      });
      break;
    }
    case ValueType::kHash: {
      const auto* hash = v.As<storage::HashValue>();
      Batcher batch(w, "HMSET", key, hash->Length(), 2);
      hash->ForEach([&](std::string_view field, std::string_view value) {
        batch.BeforeItem();
        w.Bulk(field);
        w.Bulk(value);
      });
      break;
    }
    case ValueType::kStream:
      return Status::InvalidArgument("cannot rewrite a value of type stream");
  }
  return w.status();
}

}  // namespace

void AppendAofCommand(std::string* out, std::span<const std::string_view> argv) {
  AppendCount(out, '*', static_cast<int64_t>(argv.size()));
  for (std::string_view arg : argv) AppendBulk(out, arg);
}

void AppendAofSelect(std::string* out, int db) {
  out->append("*2\r\n$6\r\nSELECT\r\n");
  char digits[24];
  AppendBulk(out, std::string_view(digits, Int64ToChars(db, digits)));
}

void AppendAofTimestamp(std::string* out, int64_t unix_seconds) {
  out->append("#TS:");
  char digits[24];
  out->append(digits, Int64ToChars(unix_seconds, digits));
  out->append("\r\n", 2);
}

Status WriteAofCommands(storage::Keyspace& keyspace, const AofBaseOptions& options,
                        const std::function<Status(std::string_view)>& sink) {
  CommandWriter w(sink);
  if (options.timestamp) {
    std::string ts;
    AppendAofTimestamp(&ts, options.now_unix_s);
    w.Raw(ts);
  }
  for (int i = 0; i < keyspace.count() && w.status().ok(); ++i) {
    storage::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    w.Raw("*2\r\n$6\r\nSELECT\r\n");
    w.BulkInt(i);
    Status st;
    db.ForEach([&](std::string_view key, const storage::Value& value) {
      if (!st.ok() || !w.status().ok()) return;
      st = WriteKey(w, key, value);
      if (!st.ok()) return;
      const int64_t expire_ms = db.GetExpire(key);
      if (expire_ms != -1) {
        w.Raw("*3\r\n$9\r\nPEXPIREAT\r\n");
        w.Bulk(key);
        w.BulkInt(expire_ms);
      }
      KeySaveDelay(options.rdb.key_save_delay_us);
    });
    if (!st.ok()) return st;
  }
  return w.Flush();
}

Status WriteAofBaseFile(storage::Keyspace& keyspace, const std::string& path,
                        const AofBaseOptions& options) {
  DurableFileWriter file;
  Status st = file.Open(path, options.incremental_fsync);
  if (!st.ok()) {
    LOG_WARNING("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): %s",
                st.message().c_str());
    return st;
  }
  auto sink = [&](std::string_view bytes) { return file.Append(bytes); };
  if (options.rdb_preamble) {
    RdbSaveOptions rdb = options.rdb;
    rdb.aof_base = true;  // RDBFLAGS_AOF_PREAMBLE
    RdbWriter writer(rdb, sink);
    st = WriteRdb(keyspace, writer);
  } else {
    st = WriteAofCommands(keyspace, options, sink);
  }
  if (st.ok()) st = file.Finish();
  if (!st.ok()) {
    LOG_WARNING("Write error writing append only file on disk: %s", st.message().c_str());
    file.Discard();
    return st;
  }
  return Status::Ok();
}

}  // namespace spindle::persistence
