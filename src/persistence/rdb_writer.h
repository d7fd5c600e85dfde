#pragma once
// RdbWriter: serializes values and whole keyspaces in Redis 7.0's RDB format
// (rdb_format.h), the way Redis's rdb.c does, so redis-server loads what it
// writes and DUMP payloads match Redis's byte for byte where the in-memory
// encodings agree.
//
// Objects are written in the encoding their payload has now (Redis's
// rdbSaveObjectType): strings verbatim, integer-encoded (INT8/16/32) when
// they are canonical integers of at most 11 characters, LZF-compressed when
// rdbcompression is on, the string is longer than 20 bytes and compression
// saves at least 4 bytes; lists as LIST_QUICKLIST_2 with the node boundaries
// Redis's quicklist makes when the elements are pushed at the tail;
// sets as SET_INTSET or SET; hashes as HASH_LISTPACK or HASH; sorted sets as
// ZSET_LISTPACK or ZSET_2 (binary doubles, greatest element first).
//
// Bytes collect in a buffer; with a sink, full chunks are handed to it (and
// folded into the CRC64) as they fill, so a file is written in bounded memory.
// A sink failure is sticky: later writes are dropped and status() reports it.
//
// Thread: whoever owns the writer (the main thread, or a BGSAVE child).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "persistence/rdb_format.h"
#include "storage/keyspace.h"
#include "storage/value.h"

namespace spindle::persistence {

// What the maxmemory-policy asks to keep per key (IDLE / FREQ opcodes).
enum class EvictionInfo : uint8_t { kNone, kLru, kLfu };

struct RdbSaveOptions {
  bool compression = true;  // rdbcompression
  bool checksum = true;     // rdbchecksum: false writes a zero CRC
  EvictionInfo eviction = EvictionInfo::kNone;
  int64_t now_ms = 0;                    // ctime, idle times, LFU decay
  // lfu-decay-time: minutes per lost point of the saved FREQ (0: never).
  int64_t lfu_decay_minutes = 1;
  uint64_t used_mem = 0;                 // the used-mem AUX field
  std::string redis_version = "7.0.15";  // the redis-ver AUX field
  // rdb-key-save-delay: microseconds slept after each key (negative: sleep
  // 1 us with probability 1/-n), to make saves slow in tests.
  int64_t key_save_delay_us = 0;
  // Elements at least this long get a PLAIN quicklist node of their own
  // (Redis's packed_threshold, 1 GiB).
  size_t plain_threshold = kQuicklistPackedThreshold;
  // The aof-base AUX field: 1 in the RDB preamble of an AOF base file
  // (Redis's RDBFLAGS_AOF_PREAMBLE), 0 in a plain snapshot.
  bool aof_base = false;
};

class RdbWriter {
 public:
  // Receives full chunks of output. A non-OK status stops the writer.
  using Sink = std::function<Status(std::string_view bytes)>;

  explicit RdbWriter(const RdbSaveOptions& options, Sink sink = nullptr);

  // The format's primitives (rdbWriteRaw, rdbSaveType, rdbSaveLen,
  // rdbSaveRawString, rdbSaveBinaryDoubleValue, rdbSaveMillisecondTime).
  void Raw(const void* data, size_t len);
  void Raw(std::string_view s) { Raw(s.data(), s.size()); }
  void Byte(uint8_t b);
  void Len(uint64_t len);
  void String(std::string_view s);
  void BinaryDouble(double d);
  void MillisecondTime(int64_t ms);

  // The RDB type byte for v's type and current encoding; false for a value
  // this writer cannot serialize (a stream, or a payload-less value).
  static bool ObjectType(const storage::Value& v, uint8_t* type);
  // rdbSaveObject: v's serialization (no type byte).
  Status Object(const storage::Value& v);
  // rdbSaveKeyValuePair: expiry (-1: none), IDLE / FREQ as the options ask,
  // type, key and value.
  Status KeyValue(std::string_view key, const storage::Value& v, int64_t expire_ms);

  // The EOF opcode and the CRC64 of everything written (zero when checksum
  // is off), then a final flush.
  Status Finish();
  // Hands the buffered bytes to the sink (no-op without one).
  Status Flush();

  // Bytes not yet handed to a sink (everything, without one).
  std::string& buffer() { return buf_; }
  // Bytes written so far, sunk or buffered.
  uint64_t written() const { return sunk_ + buf_.size(); }
  const Status& status() const { return status_; }
  const RdbSaveOptions& options() const { return options_; }

 private:
  void MaybeFlush();
  void WriteList(const storage::Value& v);
  void WriteSet(const storage::Value& v);
  void WriteZSet(const storage::Value& v);
  void WriteHash(const storage::Value& v);

  const RdbSaveOptions& options_;
  Sink sink_;
  std::string buf_;
  uint64_t sunk_ = 0;
  uint64_t crc_ = 0;  // over the sunk bytes
  Status status_;
};

// A whole RDB file for the keyspace: magic, AUX fields, every non-empty
// database (SELECTDB, RESIZEDB, its keys), EOF and checksum.
Status WriteRdb(storage::Keyspace& keyspace, RdbWriter& writer);

// rdb-key-save-delay after one key (Redis's debugDelay): sleeps delay_us
// microseconds; a negative value sleeps 1 us with probability 1/-delay_us.
// The AOF rewrite honours it too, as Redis's does.
void KeySaveDelay(int64_t delay_us);

// Redis's d2string: how a score is spelled inside a sorted-set listpack.
std::string ScoreToListpackString(double score);

}  // namespace spindle::persistence
