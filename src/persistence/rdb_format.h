#pragma once
// The RDB file format as Redis 7.0 writes it (RDB version 10): the constants
// shared by the writer (rdb_writer.h) and the reader (rdb_reader.h), with the
// names of Redis's rdb.h in comments.
//
// A file is the magic "REDIS0010", then opcodes and key/value pairs, then the
// EOF opcode and an 8-byte little-endian CRC64 of everything before it (zero
// when rdbchecksum is off). A DUMP payload is one object (type byte and
// serialization) followed by the 2-byte RDB version and a CRC64 of both.
//
// Thread: any (constants only).

#include <cstdint>

namespace spindle::persistence {

// RDB_VERSION: what this writer produces and the newest the reader accepts.
inline constexpr int kRdbVersion = 10;

// Object types (RDB_TYPE_*). The ones Redis 7.0 no longer writes are still
// loaded.
enum RdbType : uint8_t {
  kRdbTypeString = 0,
  kRdbTypeList = 1,  // linked list of strings (before 3.2)
  kRdbTypeSet = 2,
  kRdbTypeZSet = 3,  // scores as strings (before 4.0)
  kRdbTypeHash = 4,
  kRdbTypeZSet2 = 5,  // binary double scores
  kRdbTypeModule = 6,
  kRdbTypeModule2 = 7,
  kRdbTypeHashZipmap = 9,
  kRdbTypeListZiplist = 10,
  kRdbTypeSetIntset = 11,
  kRdbTypeZSetZiplist = 12,
  kRdbTypeHashZiplist = 13,
  kRdbTypeListQuicklist = 14,  // quicklist of ziplists (3.2 .. 6.2)
  kRdbTypeStreamListpacks = 15,
  kRdbTypeHashListpack = 16,
  kRdbTypeZSetListpack = 17,
  kRdbTypeListQuicklist2 = 18,  // quicklist of listpack / plain nodes (7.0)
  kRdbTypeStreamListpacks2 = 19,
};

// Whether t names an object type (rdbIsObjectType).
inline bool IsRdbObjectType(int t) { return (t >= 0 && t <= 7) || (t >= 9 && t <= 19); }

// Opcodes (RDB_OPCODE_*), read where a type byte could be.
enum RdbOpcode : uint8_t {
  kRdbOpFunction2 = 245,
  kRdbOpFunction = 246,
  kRdbOpModuleAux = 247,
  kRdbOpIdle = 248,          // LRU idle seconds of the next key
  kRdbOpFreq = 249,          // LFU counter of the next key
  kRdbOpAux = 250,           // string key / string value
  kRdbOpResizeDb = 251,      // key count and expire count hints
  kRdbOpExpireTimeMs = 252,  // 8-byte LE unix ms of the next key
  kRdbOpExpireTime = 253,    // 4-byte LE unix seconds (before RDB 3)
  kRdbOpSelectDb = 254,
  kRdbOpEof = 255,
};

// Length prefixes (RDB_6BITLEN ...): the top two bits of the first byte.
inline constexpr uint8_t kRdb6BitLen = 0;
inline constexpr uint8_t kRdb14BitLen = 1;
inline constexpr uint8_t kRdbEncVal = 3;  // a special string encoding follows
inline constexpr uint8_t kRdb32BitLen = 0x80;
inline constexpr uint8_t kRdb64BitLen = 0x81;

// Special string encodings (RDB_ENC_*), in the low 6 bits after kRdbEncVal.
inline constexpr uint8_t kRdbEncInt8 = 0;
inline constexpr uint8_t kRdbEncInt16 = 1;
inline constexpr uint8_t kRdbEncInt32 = 2;
inline constexpr uint8_t kRdbEncLzf = 3;

// Quicklist node containers (QUICKLIST_NODE_CONTAINER_*) in LIST_QUICKLIST_2.
inline constexpr uint64_t kQuicklistNodePlain = 1;
inline constexpr uint64_t kQuicklistNodePacked = 2;

// Redis's quicklist SIZE_SAFETY_LIMIT and packed_threshold: a positive
// list-max-listpack-size still caps a node at 8 KiB, and an element of 1 GiB
// or more is stored alone in a PLAIN node.
inline constexpr size_t kQuicklistSizeSafetyLimit = 8192;
inline constexpr size_t kQuicklistPackedThreshold = 1u << 30;

}  // namespace spindle::persistence
