#pragma once
// The nodes of a Database's two tables. Private to the storage layer.
//
// KeyEntry is one allocation: [next | Value (24 bytes) | key length + flag |
// key bytes]. With a 14-byte key that is 50 bytes, one 64-byte malloc chunk,
// and a value of up to 19 bytes lives inside it. ExpireEntry (the expiry
// index) points at its KeyEntry instead of copying the key.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include "storage/value.h"

namespace spindle::storage {

struct KeyEntry {
  static constexpr uint32_t kHasExpire = 1u << 31;

  KeyEntry* next;
  Value value;
  uint32_t key_meta;  // key length | kHasExpire

  static size_t KeyOffset() { return offsetof(KeyEntry, key_meta) + sizeof(uint32_t); }

  static KeyEntry* Create(std::string_view key, Value&& v) {
    void* mem = std::malloc(KeyOffset() + key.size());
    if (mem == nullptr) throw std::bad_alloc();
    auto* e = static_cast<KeyEntry*>(mem);
    e->next = nullptr;
    new (&e->value) Value(std::move(v));
    e->key_meta = static_cast<uint32_t>(key.size());
    if (!key.empty()) std::memcpy(reinterpret_cast<char*>(e) + KeyOffset(), key.data(), key.size());
    return e;
  }
  static void Destroy(KeyEntry* e) {
    e->value.~Value();
    std::free(e);
  }

  std::string_view key() const {
    return std::string_view(reinterpret_cast<const char*>(this) + KeyOffset(),
                            key_meta & ~kHasExpire);
  }
  bool has_expire() const { return key_meta & kHasExpire; }
  void set_has_expire(bool on) {
    key_meta = on ? (key_meta | kHasExpire) : (key_meta & ~kHasExpire);
  }
};

struct KeyEntryTraits {
  static std::string_view Key(const KeyEntry* e) { return e->key(); }
  static KeyEntry*& Next(KeyEntry* e) { return e->next; }
  static KeyEntry* Next(const KeyEntry* e) { return e->next; }
  static void Destroy(KeyEntry* e) { KeyEntry::Destroy(e); }
};

struct ExpireEntry {
  ExpireEntry* next;
  KeyEntry* owner;
  int64_t when_ms;
};

struct ExpireEntryTraits {
  static std::string_view Key(const ExpireEntry* e) { return e->owner->key(); }
  static ExpireEntry*& Next(ExpireEntry* e) { return e->next; }
  static ExpireEntry* Next(const ExpireEntry* e) { return e->next; }
  static void Destroy(ExpireEntry* e) { delete e; }
};

}  // namespace spindle::storage
