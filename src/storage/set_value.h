#pragma once
// SetValue: the payload of a set (Redis 7.0's t_set.c object), in one of the
// two encodings Redis 7.0 has for sets:
//
//   intset     while every member is an integer by Redis's string2ll rules
//              and there are at most set-max-intset-entries of them. Kept as
//              a sorted vector of int64, so iteration is ascending as in
//              Redis's intset (SMEMBERS of an intset replies in that order).
//   hashtable  otherwise: members in a HashTable (storage/hashtable.h), which
//              gives SSCAN Redis's reverse-binary cursor guarantees.
//
// Conversion goes one way only, as in Redis: a set never returns to intset
// by removals. (Redis 7.0 has no listpack sets; those came with 7.2.)
//
// Members are binary-safe strings; an intset member is reported as its
// canonical decimal form, which is the string it was added as (string2ll
// accepts only canonical forms).
//
// Thread: main thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/hashtable.h"
#include "storage/value.h"

namespace spindle::storage {

// One member of a hashtable-encoded set: one allocation holding the link,
// the length and the bytes. Private to SetValue; public for the traits.
struct SetMemberNode {
  SetMemberNode* next;
  uint32_t len;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view member() const { return std::string_view(bytes(), len); }

  static SetMemberNode* Create(std::string_view member);
  static void Destroy(SetMemberNode* n);
};

struct SetMemberTraits {
  static std::string_view Key(const SetMemberNode* n) { return n->member(); }
  static SetMemberNode*& Next(SetMemberNode* n) { return n->next; }
  static SetMemberNode* Next(const SetMemberNode* n) { return n->next; }
  static void Destroy(SetMemberNode* n) { SetMemberNode::Destroy(n); }
};

class SetValue final : public CollectionPayload {
 public:
  // An empty set in the encoding Redis's setTypeCreate picks for a set whose
  // first member is `first`: intset when it is an integer, else hashtable.
  static std::unique_ptr<SetValue> CreateFor(std::string_view first);
  // An empty intset (the *STORE commands build their result from one; Add
  // converts as needed).
  static std::unique_ptr<SetValue> CreateIntset();

  SetValue() = default;
  SetValue(SetValue&&) noexcept = default;
  SetValue& operator=(SetValue&&) noexcept = default;
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;
  ~SetValue() override = default;

  // Adds member; returns false if it was already there. An intset becomes a
  // hashtable when member is not an integer, or when the set grows past
  // max_intset_entries (set-max-intset-entries) members.
  bool Add(std::string_view member, int64_t max_intset_entries);
  // Removes member; returns whether it was there.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  size_t size() const { return is_intset() ? ints_.size() : table_.size(); }
  bool empty() const { return size() == 0; }
  bool is_intset() const { return intset_; }

  // Converts an intset to a hashtable (no-op for a hashtable).
  void ConvertToHashtable();

  // Visits every member: ascending for an intset, table order for a
  // hashtable. fn(std::string_view member) must not modify the set; the view
  // is valid only during the call.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (is_intset()) {
      char buf[24];
      for (int64_t v : ints_) fn(IntView(v, buf));
    } else {
      table_.ForEach([&](const SetMemberNode* n) { fn(n->member()); });
    }
  }
  // All members as strings, in ForEach order.
  std::vector<std::string> Members() const;

  // A uniformly chosen member (for a hashtable: Redis's dictGetRandomKey
  // distribution, a random bucket then a random node). The set must not be
  // empty.
  std::string RandomMember();
  // A uniform 64-bit random word from the generator RandomMember uses.
  static uint64_t RandomWord();

  // SSCAN step: visits the members stored at `cursor` and returns the next
  // cursor, 0 when done. An intset is visited whole in one call and returns
  // 0 whatever the cursor, as Redis does.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    if (is_intset()) {
      ForEach(fn);
      return 0;
    }
    return table_.Scan(cursor, [&](const SetMemberNode* n) { fn(n->member()); });
  }

  // CollectionPayload.
  std::unique_ptr<CollectionPayload> Clone() const override;
  Encoding encoding() const override { return intset_ ? Encoding::kIntset : Encoding::kHashtable; }
  size_t Length() const override { return size(); }
  size_t HeapBytes() const override;
  size_t EstimateHeapBytes(size_t samples) const override;

  // The decimal form of v in buf (at least 21 bytes).
  static std::string_view IntView(int64_t v, char* buf);

 private:
  using Table = HashTable<SetMemberNode, SetMemberTraits>;

  bool intset_ = true;
  std::vector<int64_t> ints_;  // intset: sorted ascending, unique
  Table table_;                // hashtable
};

}  // namespace spindle::storage
