#include "storage/hash_value.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <unordered_set>

#include "common/memory.h"
#include "common/packed.h"
#include "storage/hashtable.h"

namespace spindle::storage {
namespace {

// Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack that would grow past it
// converts to a hashtable (lpSafeToAdd). It also keeps lp_bytes_ in 32 bits.
constexpr size_t kListpackMaxSafety = size_t{1} << 30;

// Bytes a string takes in the listpack.
size_t Encoded(std::string_view s) { return VarintSize(s.size()) + s.size(); }

char* WriteString(char* p, std::string_view s) {
  p = WriteVarint(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

const char* ReadString(const char* p, std::string_view* s) {
  uint64_t len;
  p = ReadVarint(p, &len);
  *s = std::string_view(p, len);
  return p + len;
}

// One listpack pair read at some offset, and where the next one starts.
struct Pair {
  std::string_view field;
  std::string_view value;
  const char* end;
};

Pair ReadPair(const char* p) {
  Pair out;
  p = ReadString(p, &out.field);
  out.end = ReadString(p, &out.value);
  return out;
}

// Calls fn(field, value) for each pair of a listpack; stops when fn returns
// false.
template <typename Fn>
void WalkListpack(const char* lp, size_t bytes, Fn&& fn) {
  const char* end = lp + bytes;
  for (const char* p = lp; p < end;) {
    Pair pair = ReadPair(p);
    if (!fn(pair.field, pair.value)) return;
    p = pair.end;
  }
}

// One generator for every hash (HRANDFIELD): splitmix64 seeded from the clock.
uint64_t NextRandom() {
  static uint64_t state =
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

// One field of the hashtable form: [next | field length | value length |
// field bytes | value bytes], one allocation.
struct HashValue::Node {
  Node* next;
  uint32_t field_len;
  uint32_t value_len;

  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view field() const { return std::string_view(bytes(), field_len); }
  std::string_view value() const { return std::string_view(bytes() + field_len, value_len); }

  static Node* Create(std::string_view field, std::string_view value) {
    auto* n = static_cast<Node*>(std::malloc(sizeof(Node) + field.size() + value.size()));
    if (n == nullptr) throw std::bad_alloc();
    n->next = nullptr;
    n->field_len = static_cast<uint32_t>(field.size());
    n->value_len = static_cast<uint32_t>(value.size());
    if (!field.empty()) std::memcpy(n->bytes(), field.data(), field.size());
    if (!value.empty()) std::memcpy(n->bytes() + field.size(), value.data(), value.size());
    return n;
  }
  // n with its value replaced; a new length reallocates, so n may move (the
  // caller unlinks it first and links the result).
  static Node* WithValue(Node* n, std::string_view value) {
    if (value.size() != n->value_len) {
      void* mem = std::realloc(n, sizeof(Node) + n->field_len + value.size());
      if (mem == nullptr) throw std::bad_alloc();
      n = static_cast<Node*>(mem);
      n->value_len = static_cast<uint32_t>(value.size());
    }
    if (!value.empty()) std::memmove(n->bytes() + n->field_len, value.data(), value.size());
    return n;
  }
  static void Destroy(Node* n) { std::free(n); }
  size_t bytes_used() const { return sizeof(Node) + field_len + value_len; }
};

namespace {
template <typename N>
struct HashNodeTraits {
  static std::string_view Key(const N* n) { return n->field(); }
  static N*& Next(N* n) { return n->next; }
  static N* Next(const N* n) { return n->next; }
  static void Destroy(N* n) { N::Destroy(n); }
};
}  // namespace

class HashValue::Table : public HashTable<Node, HashNodeTraits<Node>> {};

// vptr, the union and the sizes: a 32-byte malloc chunk per hash.
static_assert(sizeof(HashValue) == 24);

HashValue::HashValue() = default;

HashValue::~HashValue() {
  if (hashtable_) {
    delete table_;
  } else {
    std::free(lp_);
  }
}

std::unique_ptr<CollectionPayload> HashValue::Clone() const {
  auto copy = std::make_unique<HashValue>();
  if (!hashtable_) {
    if (lp_bytes_ > 0) {
      copy->lp_ = static_cast<char*>(std::malloc(lp_bytes_));
      if (copy->lp_ == nullptr) throw std::bad_alloc();
      std::memcpy(copy->lp_, lp_, lp_bytes_);
      copy->lp_bytes_ = lp_bytes_;
      copy->lp_count_ = lp_count_;
    }
    return copy;
  }
  copy->table_ = new Table;
  copy->hashtable_ = 1;
  table_->ForEach([&](const Node* n) {
    copy->table_->Insert(Node::Create(n->field(), n->value()), HashKey(n->field()));
  });
  return copy;
}

Encoding HashValue::encoding() const {
  return hashtable_ ? Encoding::kHashtable : Encoding::kListpack;
}

size_t HashValue::Length() const { return hashtable_ ? table_->size() : lp_count_; }

size_t HashValue::EstimateHeapBytes(size_t samples) const {
  if (!hashtable_) return memory::MallocSize(sizeof(HashValue)) + memory::MallocSize(lp_bytes_);
  const size_t fixed = memory::MallocSize(sizeof(HashValue)) + memory::MallocSize(sizeof(Table)) +
                       table_->slots() * sizeof(void*);
  size_t seen = 0, bytes = 0;
  table_->ForEachWhile([&](const Node* n) {
    bytes += memory::MallocSize(n->bytes_used());
    return samples == 0 || ++seen < samples;
  });
  if (samples == 0 || seen == 0) return fixed + bytes;
  return fixed + static_cast<size_t>(static_cast<double>(bytes) / seen * table_->size());
}

size_t HashValue::HeapBytes() const {
  if (!hashtable_) return lp_bytes_;
  size_t bytes = sizeof(Table) + table_->buckets() * sizeof(void*);
  table_->ForEach([&](const Node* n) { bytes += n->bytes_used(); });
  return bytes;
}

size_t HashValue::ListpackFind(std::string_view field) const {
  const char* p = lp_;
  const char* end = lp_ + lp_bytes_;
  while (p < end) {
    Pair pair = ReadPair(p);
    if (pair.field == field) return static_cast<size_t>(p - lp_);
    p = pair.end;
  }
  return kNotFound;
}

char* HashValue::ListpackSplice(size_t offset, size_t old_len, size_t new_len) {
  return SpliceBytes(&lp_, &lp_bytes_, offset, old_len, new_len);
}

void HashValue::ListpackAppend(std::string_view field, std::string_view value) {
  char* p = ListpackSplice(lp_bytes_, 0, Encoded(field) + Encoded(value));
  WriteString(WriteString(p, field), value);
  ++lp_count_;
}

void HashValue::FreeListpack() {
  std::free(lp_);
  lp_ = nullptr;
  lp_bytes_ = 0;
  lp_count_ = 0;
}

std::optional<std::string_view> HashValue::Get(std::string_view field) {
  if (!hashtable_) {
    size_t at = ListpackFind(field);
    if (at == kNotFound) return std::nullopt;
    return ReadPair(lp_ + at).value;
  }
  Node* n = table_->Find(field, HashKey(field));
  if (n == nullptr) return std::nullopt;
  return n->value();
}

void HashValue::ConvertIfAnyTooLong(std::span<const std::string_view> strings,
                                    const EncodingLimits& limits) {
  if (hashtable_) return;
  size_t sum = 0;
  for (std::string_view s : strings) {
    if (static_cast<int64_t>(s.size()) > limits.hash_max_listpack_value) {
      ConvertToHashtable();
      return;
    }
    sum += s.size();
  }
  // Redis's lpSafeToAdd on the sum of the lengths.
  if (lp_bytes_ + sum > kListpackMaxSafety) ConvertToHashtable();
}

bool HashValue::Set(std::string_view field, std::string_view value, const EncodingLimits& limits) {
  // HSET and friends convert up front (ConvertIfAnyTooLong); HINCRBY and
  // HINCRBYFLOAT build their value here, so Redis checks again.
  if (!hashtable_) {
    const std::string_view both[] = {field, value};
    ConvertIfAnyTooLong(both, limits);
  }
  if (!hashtable_) {
    size_t at = ListpackFind(field);
    if (at != kNotFound) {
      Pair old = ReadPair(lp_ + at);
      const size_t value_at =
          static_cast<size_t>(old.value.data() - lp_) - VarintSize(old.value.size());
      const size_t old_len = static_cast<size_t>(old.end - lp_) - value_at;
      WriteString(ListpackSplice(value_at, old_len, Encoded(value)), value);
      return false;
    }
    ListpackAppend(field, value);
    if (static_cast<int64_t>(lp_count_) > limits.hash_max_listpack_entries) {
      ConvertToHashtable();
    }
    return true;
  }
  const uint64_t hash = HashKey(field);
  Node* n = table_->Find(field, hash);
  if (n != nullptr) {
    if (value.size() == n->value_len) {
      Node::WithValue(n, value);  // in place
    } else {
      // A new length reallocates the node: relink whatever realloc returns.
      n = table_->Unlink(field, hash);
      table_->Insert(Node::WithValue(n, value), hash);
    }
    return false;
  }
  table_->Insert(Node::Create(field, value), hash);
  return true;
}

bool HashValue::Delete(std::string_view field) {
  if (!hashtable_) {
    size_t at = ListpackFind(field);
    if (at == kNotFound) return false;
    const size_t len = static_cast<size_t>(ReadPair(lp_ + at).end - lp_) - at;
    ListpackSplice(at, len, 0);
    --lp_count_;
    return true;
  }
  Node* n = table_->Unlink(field, HashKey(field));
  if (n == nullptr) return false;
  Node::Destroy(n);
  // Redis checks for a shrink after every delete from a hash's dict.
  table_->ResizeIfNeeded();
  return true;
}

void HashValue::ForEach(const EntryFn& fn) const {
  if (!hashtable_) {
    WalkListpack(lp_, lp_bytes_, [&](std::string_view f, std::string_view v) {
      fn(f, v);
      return true;
    });
    return;
  }
  table_->ForEach([&](const Node* n) { fn(n->field(), n->value()); });
}

uint64_t HashValue::Scan(uint64_t cursor, const EntryFn& fn) const {
  if (!hashtable_) {
    ForEach(fn);
    return 0;
  }
  return table_->Scan(cursor, [&](const Node* n) { fn(n->field(), n->value()); });
}

std::pair<std::string_view, std::string_view> HashValue::Random() {
  if (!hashtable_) {
    size_t skip = NextRandom() % lp_count_;
    std::pair<std::string_view, std::string_view> out;
    WalkListpack(lp_, lp_bytes_, [&](std::string_view f, std::string_view v) {
      if (skip-- > 0) return true;
      out = {f, v};
      return false;
    });
    return out;
  }
  Node* n = table_->Random([] { return NextRandom(); });
  return {n->field(), n->value()};
}

std::vector<std::pair<std::string_view, std::string_view>> HashValue::RandomDistinct(size_t count) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.reserve(count);
  if (!hashtable_) {
    // Selection sampling: each entry is taken with probability
    // needed / remaining, so the result keeps the listpack's order.
    size_t needed = std::min<size_t>(count, lp_count_);
    size_t remaining = lp_count_;
    WalkListpack(lp_, lp_bytes_, [&](std::string_view f, std::string_view v) {
      if (needed == 0) return false;
      if (NextRandom() % remaining < needed) {
        out.emplace_back(f, v);
        --needed;
      }
      --remaining;
      return true;
    });
    return out;
  }
  if (count * 3 <= table_->size()) {
    // Few of many: random picks until enough distinct ones (Redis's case 4).
    std::unordered_set<const Node*> seen;
    while (out.size() < count) {
      const Node* n = table_->Random([] { return NextRandom(); });
      if (seen.insert(n).second) out.emplace_back(n->field(), n->value());
    }
    return out;
  }
  std::vector<const Node*> all;
  all.reserve(table_->size());
  table_->ForEach([&](const Node* n) { all.push_back(n); });
  count = std::min(count, all.size());
  // Partial Fisher-Yates: the first `count` slots become a uniform sample.
  for (size_t i = 0; i < count; ++i) {
    size_t j = i + NextRandom() % (all.size() - i);
    std::swap(all[i], all[j]);
    out.emplace_back(all[i]->field(), all[i]->value());
  }
  return out;
}

void HashValue::ConvertToHashtable() {
  if (hashtable_) return;
  auto table = std::make_unique<Table>();
  WalkListpack(lp_, lp_bytes_, [&](std::string_view f, std::string_view v) {
    table->Insert(Node::Create(f, v), HashKey(f));
    return true;
  });
  FreeListpack();
  table_ = table.release();
  hashtable_ = 1;
}

}  // namespace spindle::storage
