#pragma once
// HashValue: the payload of a hash key, in Redis's two encodings.
//
//   listpack   a flat sequence of field/value pairs in insertion order, with
//              linear lookups. Redis keeps small hashes this way and replies
//              in this order (HGETALL, HKEYS, HSCAN ...), so Spindle keeps the
//              same order: a new field goes to the end, an update keeps its
//              place, a delete closes the gap.
//   hashtable  an intrusive HashTable (storage/hashtable.h) with incremental
//              rehashing and the reverse-binary SCAN cursor; its order is the
//              table's and differs from Redis's.
//
// A hash starts as a listpack and converts to a hashtable, once and for good
// (Redis never converts back), when it would hold more than
// hash-max-listpack-entries fields or a field or value longer than
// hash-max-listpack-value bytes. The limits are passed to each write, so a
// CONFIG SET takes effect at the next write as in Redis.
//
// Views returned by Get / ForEach / Scan / Random point into the payload and
// stay valid until the next write to it.
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
#include "storage/hashtable.h"
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

  bool is_listpack() const { return listpack_; }

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
  struct Node {
    Node* next = nullptr;
    std::string field;
    std::string value;
  };
  struct NodeTraits {
    static std::string_view Key(const Node* n) { return n->field; }
    static Node*& Next(Node* n) { return n->next; }
    static Node* Next(const Node* n) { return n->next; }
    static void Destroy(Node* n) { delete n; }
  };
  using Table = HashTable<Node, NodeTraits>;

  // Index of field in entries_, or -1.
  ptrdiff_t ListpackFind(std::string_view field) const;
  uint64_t NextRandom();

  bool listpack_ = true;
  std::vector<std::pair<std::string, std::string>> entries_;  // listpack form
  Table table_;                                               // hashtable form
  uint64_t rng_state_;
};

}  // namespace spindle::storage
