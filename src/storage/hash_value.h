#pragma once
// HashValue: the payload of a hash key, in Redis's two encodings.
//
//   listpack   one malloc'd byte buffer of field/value pairs in insertion
//              order, each string as a varint length then its bytes (the
//              idea of Redis's listpack, without its back-lengths: nothing
//              walks a hash backwards), with linear lookups. Redis keeps
//              small hashes this way and replies in this order (HGETALL,
//              HKEYS, HSCAN ...), so Spindle keeps the same order: a new field
//              goes to the end, an update keeps its place, a delete closes the
//              gap. The buffer is reallocated to its exact size on each write,
//              as Redis's listpack is.
//   hashtable  an intrusive HashTable (storage/hashtable.h) with incremental
//              rehashing and the reverse-binary SCAN cursor; its order is the
//              table's and differs from Redis's. Each field is one allocation
//              holding the chain link, both lengths and the field and value
//              bytes (16 bytes of header: a 16-byte field with a 16-byte value
//              is one 64-byte malloc chunk).
//
// A hash starts as a listpack and converts to a hashtable, once and for good
// (Redis never converts back), when it would hold more than
// hash-max-listpack-entries fields or a field or value longer than
// hash-max-listpack-value bytes, or when the listpack would pass 1 GiB
// (Redis's lpSafeToAdd). The limits are passed to each write, so a CONFIG SET
// takes effect at the next write as in Redis.
//
// Views returned by Get / ForEach / Scan / Random point into the payload and
// stay valid until the next write to it; so a write must not be passed such a
// view. Fields and values are at most 4 GiB - 1 bytes each.
//
// Thread: main thread (like every Value).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/encoding_limits.h"
#include "storage/value.h"

namespace spindle::storage {

class HashValue final : public CollectionPayload {
 public:
  using EntryFn = std::function<void(std::string_view field, std::string_view value)>;

  HashValue();  // an empty listpack
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  // CollectionPayload.
  std::unique_ptr<CollectionPayload> Clone() const override;
  Encoding encoding() const override;
  size_t Length() const override;
  size_t HeapBytes() const override;
  size_t EstimateHeapBytes(size_t samples) const override;

  bool is_listpack() const { return !hashtable_; }

  // The value of field, nullopt when absent. Does one step of rehash work
  // on a rehashing table, as Redis's lookups do.
  std::optional<std::string_view> Get(std::string_view field);
  bool Contains(std::string_view field) { return Get(field).has_value(); }

  // Redis's hashTypeTryConversion: converts a listpack to a hashtable when any
  // of `strings` (the fields and values a command is about to write) is longer
  // than hash-max-listpack-value.
  void ConvertIfAnyTooLong(std::span<const std::string_view> strings, const EncodingLimits& limits);

  // Redis's hashTypeSet: stores value under field. A listpack first converts
  // if field or value is too long, and converts after the insert if it then
  // holds more than hash-max-listpack-entries fields. Returns true when the
  // field is new, false when an existing value was replaced.
  bool Set(std::string_view field, std::string_view value, const EncodingLimits& limits);

  // Removes field; returns whether it existed. A hashtable may start a
  // shrink (never a conversion back).
  bool Delete(std::string_view field);

  // Visits every entry: a listpack in insertion order, a hashtable in table
  // order. fn must not modify the hash.
  void ForEach(const EntryFn& fn) const;

  // HSCAN over a hashtable: one reverse-binary cursor step (see
  // HashTable::Scan), returning the next cursor, 0 when done. A listpack
  // visits everything and returns 0 (Redis replies with the whole hash).
  uint64_t Scan(uint64_t cursor, const EntryFn& fn) const;

  // A random entry (Redis's hashTypeRandomElement). The hash must not be empty.
  std::pair<std::string_view, std::string_view> Random();
  // `count` distinct random entries (count < Length()): a listpack yields them
  // in its order (Redis's lpRandomPairsUnique), a hashtable in random order.
  std::vector<std::pair<std::string_view, std::string_view>> RandomDistinct(size_t count);

  // Converts a listpack to a hashtable (no-op on a hashtable).
  void ConvertToHashtable();

 private:
  struct Node;  // one field of the hashtable form (hash_value.cc)
  class Table;  // the HashTable over those nodes

  // Byte offset of field's pair in the listpack, or kNotFound.
  static constexpr size_t kNotFound = ~size_t{0};
  size_t ListpackFind(std::string_view field) const;
  // Resizes the listpack bytes [offset, offset + old_len) to new_len bytes,
  // moving what follows; returns where they start. Reallocates the buffer.
  char* ListpackSplice(size_t offset, size_t old_len, size_t new_len);
  void ListpackAppend(std::string_view field, std::string_view value);
  void FreeListpack();

  // The listpack form owns lp_ (lp_bytes_ bytes holding lp_count_ pairs,
  // nullptr while empty); the hashtable form owns table_. One word of
  // pointer and one of sizes keep the object in a 32-byte malloc chunk.
  union {
    char* lp_ = nullptr;
    Table* table_;
  };
  uint32_t lp_bytes_ = 0;
  uint32_t lp_count_ : 31 = 0;
  uint32_t hashtable_ : 1 = 0;
};

}  // namespace spindle::storage
