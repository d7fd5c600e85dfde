// Value layout (24 bytes, no heap allocation for short strings):
//
//   meta_     uint32: the 24-bit LRU/LFU word, the encoding label, the type
//   data_[0]  the physical form: 0..19 = an inline string of that length in
//             data_[1..19]; otherwise an 8-byte payload at data_ + 4
//
// The label (what OBJECT ENCODING says) and the physical form are separate on
// purpose: Redis's "embstr" is one allocation holding the object header and
// up to 44 bytes, and Spindle gets the same effect more cheaply by keeping up
// to 19 bytes inside the value, which itself lives inside the key's table
// entry. Longer strings take one allocation (Blob: length + bytes), and only
// an in-place edit (APPEND, SETRANGE) turns a value into a std::string, the
// form with spare capacity that makes repeated appends amortized O(1).

#include "storage/value.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "common/clock.h"
#include "common/memory.h"
#include "common/numbers.h"
#include "storage/lfu.h"
#include "storage/list_value.h"

namespace spindle::storage {
namespace {

constexpr uint32_t kLruMask = (1u << 24) - 1;
// Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
constexpr size_t kEmbStrLimit = 44;

struct Blob {
  size_t len;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
};

Blob* NewBlob(std::string_view s) {
  void* mem = std::malloc(sizeof(Blob) + s.size());
  if (mem == nullptr) throw std::bad_alloc();
  Blob* b = static_cast<Blob*>(mem);
  b->len = s.size();
  if (!s.empty()) std::memcpy(b->bytes(), s.data(), s.size());
  return b;
}

// Redis's LRU clock at creation: seconds of the cached wall time, 24 bits.
// What maxmemory-policy asks of new values (Value::SetCreationPolicy).
Value::CreationPolicy creation_policy;

// Redis's createObject: the LRU clock at creation, or under an LFU policy a
// fresh LFU word (now, LFU_INIT_VAL).
uint32_t CreationLru() {
  const int64_t now = Clock::NowMs();
  return creation_policy.lfu ? LfuInitialWord(now) : Value::LruClock(now);
}
// meta_ bit 31: one of Redis's shared integer objects (0..9999).
constexpr uint32_t kSharedBit = 1u << 31;
constexpr int64_t kSharedIntegers = 10000;

size_t DigitCount(int64_t v) {
  char buf[24];
  return Int64ToChars(v, buf);
}

}  // namespace

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kHash:
      return "hash";
    case ValueType::kStream:
      return "stream";
  }
  return "none";
}

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kRaw:
      return "raw";
    case Encoding::kInt:
      return "int";
    case Encoding::kEmbStr:
      return "embstr";
    case Encoding::kHashtable:
      return "hashtable";
    case Encoding::kQuicklist:
      return "quicklist";
    case Encoding::kListpack:
      return "listpack";
    case Encoding::kIntset:
      return "intset";
    case Encoding::kSkiplist:
      return "skiplist";
    case Encoding::kStream:
      return "stream";
  }
  return "unknown";
}

template <typename T>
T Value::LoadPayload() const {
  T v;
  std::memcpy(&v, data_ + kPayload, sizeof(T));
  return v;
}

template <typename T>
void Value::StorePayload(T v) {
  std::memcpy(data_ + kPayload, &v, sizeof(T));
}

void Value::SetHeader(ValueType type, Encoding encoding) {
  meta_ =
      (static_cast<uint32_t>(type) << 28) | (static_cast<uint32_t>(encoding) << 24) | CreationLru();
}

Value Value::MakeString(std::string_view s, Encoding encoding) {
  Value v;
  v.SetHeader(ValueType::kString, encoding);
  if (s.size() <= kInlineMax) {
    v.data_[0] = static_cast<char>(s.size());
    if (!s.empty()) std::memcpy(v.data_ + 1, s.data(), s.size());
  } else {
    v.data_[0] = static_cast<char>(kFormBlob);
    v.StorePayload(NewBlob(s));
  }
  return v;
}

Value Value::FromString(std::string_view s) {
  // tryObjectEncoding: string2l first (at most 20 chars), then embstr.
  int64_t n;
  if (s.size() <= 20 && StringToInt64(s, &n)) return FromInt(n);
  return MakeString(s, s.size() <= kEmbStrLimit ? Encoding::kEmbStr : Encoding::kRaw);
}

Value Value::RawString(std::string_view s) { return MakeString(s, Encoding::kRaw); }

Value Value::FromFormatted(std::string_view s) {
  return MakeString(s, s.size() <= kEmbStrLimit ? Encoding::kEmbStr : Encoding::kRaw);
}

Value Value::FromInt(int64_t n) {
  Value v;
  v.SetHeader(ValueType::kString, Encoding::kInt);
  if (creation_policy.share_integers && n >= 0 && n < kSharedIntegers) v.meta_ |= kSharedBit;
  v.data_[0] = static_cast<char>(kFormInt);
  v.StorePayload(n);
  return v;
}

Value Value::EmptyOfType(ValueType type) {
  if (type == ValueType::kString) return MakeString("", Encoding::kEmbStr);
  // What Redis 7.0 reports for a fresh collection of each type.
  Encoding e = Encoding::kListpack;
  if (type == ValueType::kList) e = Encoding::kQuicklist;
  if (type == ValueType::kSet) e = Encoding::kHashtable;
  if (type == ValueType::kStream) e = Encoding::kStream;
  Value v;
  v.SetHeader(type, e);
  v.data_[0] = static_cast<char>(kFormNone);
  return v;
}

Value Value::FromCollection(ValueType type, std::unique_ptr<CollectionPayload> payload) {
  Value v;
  v.SetHeader(type, payload->encoding());
  v.data_[0] = static_cast<char>(kFormCollection);
  v.StorePayload(payload.release());
  return v;
}

CollectionPayload* Value::collection() {
  return form() == kFormCollection ? LoadPayload<CollectionPayload*>() : nullptr;
}

const CollectionPayload* Value::collection() const {
  return form() == kFormCollection ? LoadPayload<CollectionPayload*>() : nullptr;
}

void Value::Release() {
  switch (form()) {
    case kFormCollection:
      delete LoadPayload<CollectionPayload*>();
      break;
    case kFormBlob:
      std::free(LoadPayload<Blob*>());
      break;
    case kFormString:
      delete LoadPayload<std::string*>();
      break;
    default:
      break;
  }
  data_[0] = static_cast<char>(kFormNone);
}

Value::Value(Value&& other) noexcept : meta_(other.meta_) {
  std::memcpy(data_, other.data_, sizeof(data_));
  other.data_[0] = static_cast<char>(kFormNone);
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    Release();
    meta_ = other.meta_;
    std::memcpy(data_, other.data_, sizeof(data_));
    other.data_[0] = static_cast<char>(kFormNone);
  }
  return *this;
}

Value::~Value() { Release(); }

Value Value::Clone() const {
  Value v;
  v.meta_ = meta_ & ~kSharedBit;
  std::memcpy(v.data_, data_, sizeof(data_));
  if (form() == kFormBlob) {
    Blob* b = LoadPayload<Blob*>();
    v.StorePayload(NewBlob(std::string_view(b->bytes(), b->len)));
  } else if (form() == kFormString) {
    v.StorePayload(new std::string(*LoadPayload<std::string*>()));
  } else if (form() == kFormCollection) {
    v.StorePayload(LoadPayload<CollectionPayload*>()->Clone().release());
  }
  return v;
}

ValueType Value::type() const { return static_cast<ValueType>((meta_ >> 28) & 0x7); }

Encoding Value::encoding() const {
  // A collection converts between encodings as it grows: ask its payload.
  if (form() == kFormCollection) return LoadPayload<CollectionPayload*>()->encoding();
  return static_cast<Encoding>((meta_ >> 24) & 0xf);
}

std::string_view Value::StringView(char* scratch) const {
  uint8_t f = form();
  if (f <= kInlineMax) return std::string_view(data_ + 1, f);
  switch (f) {
    case kFormInt:
      return std::string_view(scratch, Int64ToChars(LoadPayload<int64_t>(), scratch));
    case kFormBlob: {
      Blob* b = LoadPayload<Blob*>();
      return std::string_view(b->bytes(), b->len);
    }
    case kFormString:
      return *LoadPayload<std::string*>();
    default:
      return std::string_view();
  }
}

size_t Value::StringLength() const {
  uint8_t f = form();
  if (f <= kInlineMax) return f;
  switch (f) {
    case kFormInt:
      return DigitCount(LoadPayload<int64_t>());
    case kFormBlob:
      return LoadPayload<Blob*>()->len;
    case kFormString:
      return LoadPayload<std::string*>()->size();
    default:
      return 0;
  }
}

bool Value::GetInt(int64_t* out) const {
  if (form() != kFormInt) return false;
  *out = LoadPayload<int64_t>();
  return true;
}

std::string& Value::MutableRaw() {
  if (form() != kFormString) {
    char scratch[kIntScratch];
    auto* s = new std::string(StringView(scratch));
    Release();
    data_[0] = static_cast<char>(kFormString);
    StorePayload(s);
  }
  // An edited value is a private raw string: no longer a shared integer.
  meta_ = (meta_ & ~((0xfu << 24) | kSharedBit)) | (static_cast<uint32_t>(Encoding::kRaw) << 24);
  return *LoadPayload<std::string*>();
}

void Value::SetCreationPolicy(CreationPolicy policy) { creation_policy = policy; }

size_t LazyFreeEffort(const Value& v) {
  const CollectionPayload* c = v.collection();
  if (c == nullptr) return 1;
  switch (v.encoding()) {
    case Encoding::kQuicklist:
      return v.As<ListValue>()->node_count();
    case Encoding::kHashtable:
    case Encoding::kSkiplist:
      return c->Length();
    case Encoding::kStream:
      return v.HeapBytes() / 4096;  // a rax node with its listpack (no streams yet)
    default:
      return 1;
  }
}

uint32_t Value::lru() const { return meta_ & kLruMask; }

uint32_t Value::LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 1000) & kLruMask; }

int64_t Value::IdleTimeMs(int64_t now_ms) const {
  uint32_t clock = LruClock(now_ms);
  uint32_t stamp = lru();
  int64_t ticks = clock >= stamp ? static_cast<int64_t>(clock) - stamp
                                 : static_cast<int64_t>(clock) + (kLruMask - stamp);
  return ticks * 1000;
}

bool Value::shared_integer() const {
  return (meta_ & kSharedBit) != 0 && encoding() == Encoding::kInt;
}

void Value::set_lru(uint32_t lru) { meta_ = (meta_ & ~kLruMask) | (lru & kLruMask); }

size_t Value::EstimateHeapBytes(size_t samples) const {
  switch (form()) {
    case kFormCollection:
      return LoadPayload<CollectionPayload*>()->EstimateHeapBytes(samples);
    case kFormBlob:
      return memory::MallocSize(sizeof(Blob) + LoadPayload<Blob*>()->len);
    case kFormString: {
      const std::string* s = LoadPayload<std::string*>();
      size_t sso = std::string().capacity();
      return memory::MallocSize(sizeof(std::string)) +
             (s->capacity() > sso ? memory::MallocSize(s->capacity() + 1) : 0);
    }
    default:
      return 0;  // inline in the key's entry
  }
}

size_t Value::HeapBytes() const {
  switch (form()) {
    case kFormCollection:
      return LoadPayload<CollectionPayload*>()->HeapBytes();
    case kFormBlob:
      return sizeof(Blob) + LoadPayload<Blob*>()->len;
    case kFormString: {
      const std::string* s = LoadPayload<std::string*>();
      // The buffer lives outside the string object once past its SSO size.
      size_t sso = std::string().capacity();
      return sizeof(std::string) + (s->capacity() > sso ? s->capacity() + 1 : 0);
    }
    default:
      return 0;
  }
}

}  // namespace spindle::storage
