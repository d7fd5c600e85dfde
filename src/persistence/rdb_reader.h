#pragma once
// RdbReader: reads Redis's RDB format (rdb_format.h), versions 1 to 10, from
// memory (DUMP payloads) or from a file descriptor in bounded chunks, and
// builds storage values with the encodings Redis 7.0's rdbLoadObject picks
// under the current EncodingLimits.
//
// Nothing in the input is trusted: every length is checked against the bytes
// left before anything is allocated, every embedded listpack / ziplist /
// intset / zipmap is validated completely, and a malformed input ends in an
// error naming the offset, never in a crash. Errors are sticky: after the
// first failure every read fails and error() describes the first one.
//
// Thread: whoever owns the reader.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "persistence/rdb_writer.h"
#include "storage/encoding_limits.h"
#include "storage/keyspace.h"
#include "storage/value.h"

namespace spindle::persistence {

struct RdbError {
  uint64_t offset = 0;  // input offset where the problem was found
  std::string message;  // Redis's wording: "Unexpected EOF reading RDB file" ...
  bool eof = false;     // the input ended early (truncated file)
};

class RdbReader {
 public:
  // Over bytes in memory; data must outlive the reader.
  explicit RdbReader(std::string_view data);
  // Over an open file (not owned) of total_size bytes, from its current
  // position.
  RdbReader(int fd, uint64_t total_size);

  // Primitives (rioRead, rdbLoadType, rdbLoadLen, rdbGenericLoadStringObject,
  // rdbLoadBinaryDoubleValue, rdbLoadDoubleValue, rdbLoadMillisecondTime).
  // Each returns false on failure, with error() set.
  bool Raw(void* out, size_t len);
  bool Byte(uint8_t* b);
  // *encoded (optional) tells a special string encoding apart from a length.
  bool Len(uint64_t* len, bool* encoded = nullptr);
  bool String(std::string* out);
  bool BinaryDouble(double* d);
  bool DoubleString(double* d);
  bool MillisecondTime(int64_t* ms);
  bool Seconds(int32_t* s);

  // rdbLoadObject: a value of RDB type `type`. nullopt on failure (error()
  // set), or, with *empty_key set and no error, for a collection with no
  // elements (Redis skips those when loading a file and refuses them in
  // RESTORE).
  std::optional<storage::Value> Object(int type, const storage::EncodingLimits& limits,
                                       bool* empty_key);

  // Records a corruption at the current offset (the first one wins).
  bool Fail(std::string message);
  bool failed() const { return failed_; }
  const RdbError& error() const { return error_; }

  uint64_t offset() const { return base_ + pos_; }
  uint64_t remaining() const { return total_ - offset(); }
  // CRC64 of every byte consumed so far.
  uint64_t Checksum();

 private:
  bool Refill();
  bool Eof();
  // The types stored as one blob (listpack, ziplist, intset, zipmap).
  std::optional<storage::Value> EncodedObject(int type, std::string_view blob,
                                              const storage::EncodingLimits& limits,
                                              bool* empty_key);

  std::string_view mem_;
  int fd_ = -1;
  std::vector<char> buf_;
  const char* data_ = nullptr;  // current window
  size_t len_ = 0;              // window size
  size_t pos_ = 0;              // read position in the window
  size_t crc_pos_ = 0;          // window bytes before this are in crc_
  uint64_t base_ = 0;           // input offset of data_[0]
  uint64_t total_ = 0;
  uint64_t crc_ = 0;
  bool failed_ = false;
  RdbError error_;
};

// How a file's IDLE / FREQ hints and expired keys are applied.
struct RdbLoadOptions {
  storage::EncodingLimits limits;
  int64_t now_ms = 0;
  // A master drops keys whose TTL has already passed (rdbLoad's iAmMaster).
  bool skip_expired = true;
  // rdbchecksum: when off the stored CRC is not checked.
  bool verify_checksum = true;
  EvictionInfo eviction = EvictionInfo::kNone;
  // DEBUG RELOAD MERGE (RDBFLAGS_ALLOW_DUP): a loaded key replaces a key
  // already present instead of failing the load.
  bool replace_existing = false;
};

struct RdbLoadResult {
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;
  uint64_t empty_keys_skipped = 0;
  int version = 0;
  // Where the failure happened, when the load failed in a key.
  std::string failed_key;
  int failed_type = -1;
};

// Loads a whole RDB stream into keyspace, logging as Redis's rdbLoadRio does
// ("Loading RDB produced by version ...", "Done loading RDB, keys loaded: ..").
// On failure returns a non-OK status and r.error() (when set) says where;
// the keyspace then holds whatever was loaded before the failure.
Status LoadRdb(RdbReader& r, storage::Keyspace& keyspace, const RdbLoadOptions& options,
               RdbLoadResult* result);

// Redis's name for an RDB type in diagnostics ("string", "zset-listpack" ...).
const char* RdbTypeName(int type);

// Redis's objectSetLRUOrLFU for a loaded or restored value: an LFU policy
// takes the frequency (when >= 0), the others the idle seconds (when >= 0).
void ApplyIdleOrFreq(storage::Value& v, EvictionInfo eviction, int64_t lfu_freq,
                     int64_t lru_idle_seconds, int64_t now_ms);

}  // namespace spindle::persistence
