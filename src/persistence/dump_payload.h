#pragma once
// DUMP / RESTORE payloads as Redis 7.0 makes them (cluster.c's
// createDumpPayload / verifyDumpPayload):
//
//   <RDB type byte> <object serialization> <RDB version: u16 LE> <CRC64: u64 LE>
//
// the CRC covering everything before it. The payload of a value is the same
// bytes its key would have in an RDB file after the key name.
//
// Thread: any.

#include <optional>
#include <string>
#include <string_view>

#include "persistence/rdb_writer.h"
#include "storage/encoding_limits.h"
#include "storage/value.h"

namespace spindle::persistence {

// DUMP's payload for v; false for a value that cannot be serialized.
// `compression` is rdbcompression.
bool CreateDumpPayload(const storage::Value& v, bool compression, std::string* out);

enum class DumpPayloadError {
  kNone,
  kVersionOrChecksum,  // "ERR DUMP payload version or checksum are wrong"
  kBadFormat,          // "ERR Bad data format"
};

// RESTORE's parse: checks the footer (length, RDB version not newer than 10,
// CRC unless skip_checksum), then reads the object with the encodings the
// limits pick. nullopt with *error set on failure; an empty collection is a
// bad format, as in Redis.
std::optional<storage::Value> ParseDumpPayload(std::string_view payload,
                                               const storage::EncodingLimits& limits,
                                               bool skip_checksum, DumpPayloadError* error);

}  // namespace spindle::persistence
