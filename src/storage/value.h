#pragma once
// Value: what a key maps to. Strings exist today; the collection types arrive
// with the collections work behind the same type() switch, so commands check
// the type before touching the payload.
//
// Encodings are tracked as Redis tracks them, because OBJECT ENCODING reports
// them and clients and tests read that: a string stored from a command
// argument is "int" when it is a canonical integer (Redis's string2l, at most
// 20 chars), "embstr" up to 44 bytes, "raw" beyond; a string modified in place
// (APPEND, SETRANGE) becomes "raw"; INCR/DECR results are "int". The physical
// layout is the storage layer's business (small payloads live inside the
// value, integers as integers) and need not match the label.
//
// Thread: main thread (a value handed to the background freer belongs to it).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace spindle::storage {

enum class ValueType : uint8_t { kString, kList, kSet, kZSet, kHash, kStream };

// The name TYPE replies with.
const char* ValueTypeName(ValueType type);

// Redis's object encodings, named as OBJECT ENCODING reports them.
enum class Encoding : uint8_t {
  kRaw,
  kInt,
  kEmbStr,
  kHashtable,
  kQuicklist,
  kListpack,
  kIntset,
  kSkiplist,
  kStream,
};
const char* EncodingName(Encoding encoding);

// The payload of a collection value (list, hash, set, sorted set). Each
// family defines its own payload class in src/storage/<family>.h, with the
// compact and full encodings it converts between; a Value owns it through
// this interface.
class CollectionPayload {
 public:
  virtual ~CollectionPayload() = default;
  // A deep copy (COPY, and DUMP/RESTORE later).
  virtual std::unique_ptr<CollectionPayload> Clone() const = 0;
  // The encoding OBJECT ENCODING reports right now (listpack, quicklist,
  // hashtable, intset, skiplist).
  virtual Encoding encoding() const = 0;
  // Number of elements (fields for a hash): lazy-free effort, DEBUG.
  virtual size_t Length() const = 0;
  // Bytes held on the heap (lazy-free decisions, MEMORY USAGE).
  virtual size_t HeapBytes() const = 0;
  // MEMORY USAGE: HeapBytes, estimated from the first `samples` elements
  // (0: all) where counting every one is O(n), as Redis's objectComputeSize
  // averages a sample and multiplies by the element count.
  virtual size_t EstimateHeapBytes(size_t samples) const { return HeapBytes(); }
};

class Value {
 public:
  // A string stored from a command argument (SET, MSET, SETNX, GETSET ...),
  // encoded as Redis's tryObjectEncoding: int / embstr / raw.
  static Value FromString(std::string_view s);
  // A string built in place (APPEND, SETRANGE on a new key): always raw.
  static Value RawString(std::string_view s);
  // An integer result (INCR, DECR, INCRBY ...): int encoding.
  static Value FromInt(int64_t v);
  // A string from a formatted number (INCRBYFLOAT): embstr / raw by length,
  // never int (Redis's createStringObject).
  static Value FromFormatted(std::string_view s);
  // An empty value of the given type, without payload: lets tests hold a key
  // of a type whose family has not landed yet (WRONGTYPE paths).
  static Value EmptyOfType(ValueType type);
  // A collection value of the given type owning payload.
  static Value FromCollection(ValueType type, std::unique_ptr<CollectionPayload> payload);

  // The collection payload, or nullptr for strings and payload-less values.
  CollectionPayload* collection();
  const CollectionPayload* collection() const;
  // The payload as the family's class (the caller checked type()).
  template <typename T>
  T* As() {
    return static_cast<T*>(collection());
  }
  template <typename T>
  const T* As() const {
    return static_cast<const T*>(collection());
  }

  Value(Value&& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  ~Value();
  // A deep copy (COPY).
  Value Clone() const;

  ValueType type() const;
  Encoding encoding() const;
  bool is_string() const { return type() == ValueType::kString; }

  // The string payload (type() == kString). For an int-encoded value the
  // digits are written into scratch (at least kIntScratch bytes) and the
  // view points there; otherwise it points into the value and stays valid
  // until the value is modified or destroyed.
  static constexpr size_t kIntScratch = 24;
  std::string_view StringView(char* scratch) const;
  size_t StringLength() const;
  // True (and *out set) when the value is int-encoded.
  bool GetInt(int64_t* out) const;
  // Mutable access for in-place edits (APPEND, SETRANGE): converts the value
  // to the raw encoding first, as Redis's dbUnshareStringValue.
  std::string& MutableRaw();

  // The access clock for OBJECT IDLETIME (seconds, 24 bits as Redis's LRU
  // clock) or, under an LFU policy, Redis's LFU word (OBJECT FREQ).
  uint32_t lru() const;
  void set_lru(uint32_t lru);
  // Redis's LRU clock at now_ms: seconds, wrapping at 2^24.
  static uint32_t LruClock(int64_t now_ms);
  // Redis's estimateObjectIdleTime: ms since the last access (a stamp ahead
  // of the clock means the clock wrapped once since).
  int64_t IdleTimeMs(int64_t now_ms) const;

  // True for the integers 0..9999 that Redis keeps as shared objects (OBJECT
  // REFCOUNT reads 2147483647 for them). A Clone() is never shared: Redis's
  // COPY duplicates the object.
  bool shared_integer() const;

  // What maxmemory-policy asks of values created from now on (Redis's
  // createObject and tryObjectEncoding read server.maxmemory_policy): under an
  // LFU policy the access word starts as an LFU counter (lfu.h); with
  // maxmemory set and an LRU or LFU policy the integers 0..9999 are not
  // shared, so each key keeps its own access data. Process-wide, like the
  // clock. Thread: main thread.
  struct CreationPolicy {
    bool lfu = false;
    bool share_integers = true;
  };
  static void SetCreationPolicy(CreationPolicy policy);

  // Bytes this value holds on the heap beyond its own size (MEMORY USAGE,
  // lazy-free decisions).
  size_t HeapBytes() const;
  // MEMORY USAGE: the heap bytes as the allocator counts them (size classes),
  // collections estimated from `samples` elements (0: all).
  size_t EstimateHeapBytes(size_t samples) const;

 private:
  // The representation is the storage layer's to choose (see value.cc).
  Value() = default;

  // Physical forms, kept in data_[0]. 0..kInlineMax is an inline string of
  // that length stored in data_[1..]; the others keep an 8-byte payload at
  // data_ + kPayload (an int64, a Blob* or a std::string*).
  static constexpr uint8_t kInlineMax = 19;
  static constexpr uint8_t kFormInt = 0x80;
  static constexpr uint8_t kFormBlob = 0x81;    // one malloc: length + bytes
  static constexpr uint8_t kFormString = 0x82;  // std::string (after MutableRaw)
  static constexpr uint8_t kFormNone = 0x83;    // no payload (EmptyOfType)
  static constexpr uint8_t kFormCollection = 0x84;  // CollectionPayload*
  static constexpr size_t kPayload = 4;

  static Value MakeString(std::string_view s, Encoding encoding);
  uint8_t form() const { return static_cast<uint8_t>(data_[0]); }
  void SetHeader(ValueType type, Encoding encoding);
  template <typename T>
  T LoadPayload() const;
  template <typename T>
  void StorePayload(T v);
  void Release();

  // lru in bits 0..23, encoding in 24..27, type in 28..30.
  uint32_t meta_ = 0;
  char data_[20] = {static_cast<char>(kFormNone)};
};
static_assert(sizeof(Value) == 24);

// Redis's lazyfreeGetFreeEffort: roughly how many allocations freeing v
// takes. Strings and the compact encodings (listpack, intset) are one; a
// quicklist counts its nodes, a hashtable or skiplist its elements. UNLINK
// and lazy eviction hand values above 64 to the background freer.
size_t LazyFreeEffort(const Value& v);
inline constexpr size_t kLazyFreeThreshold = 64;  // LAZYFREE_THRESHOLD

}  // namespace spindle::storage
