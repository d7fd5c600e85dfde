// The set payload. The intset is a sorted vector rather than Redis's
// width-tagged byte array: what clients observe (ascending order, the
// "intset" label, the conversion points) is the same, and a vector of int64
// keeps lookups a plain binary search.

#include "storage/set_value.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

#include "common/memory.h"
#include "common/numbers.h"

namespace spindle::storage {
// Random numbers for SRANDMEMBER / SPOP. Not Redis's generator: which member
// is picked is not something two servers can agree on anyway.
uint64_t SetValue::RandomWord() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

SetMemberNode* SetMemberNode::Create(std::string_view member) {
  void* mem = std::malloc(sizeof(SetMemberNode) + member.size());
  if (mem == nullptr) throw std::bad_alloc();
  auto* n = static_cast<SetMemberNode*>(mem);
  n->next = nullptr;
  n->len = static_cast<uint32_t>(member.size());
  if (!member.empty()) std::memcpy(n->bytes(), member.data(), member.size());
  return n;
}

void SetMemberNode::Destroy(SetMemberNode* n) { std::free(n); }

std::unique_ptr<SetValue> SetValue::CreateFor(std::string_view first) {
  auto set = std::make_unique<SetValue>();
  int64_t v;
  if (!StringToInt64(first, &v)) set->intset_ = false;
  return set;
}

std::unique_ptr<SetValue> SetValue::CreateIntset() { return std::make_unique<SetValue>(); }

std::string_view SetValue::IntView(int64_t v, char* buf) {
  return std::string_view(buf, Int64ToChars(v, buf));
}

bool SetValue::Add(std::string_view member, int64_t max_intset_entries) {
  if (intset_) {
    int64_t v;
    if (StringToInt64(member, &v)) {
      auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
      if (it != ints_.end() && *it == v) return false;
      ints_.insert(it, v);
      // Redis adds first and converts when the intset has grown past the
      // limit (so a limit of 0 still creates the intset, then converts).
      if (static_cast<int64_t>(ints_.size()) > max_intset_entries) ConvertToHashtable();
      return true;
    }
    ConvertToHashtable();
  }
  uint64_t hash = HashKey(member);
  if (table_.Find(member, hash) != nullptr) return false;
  table_.Insert(SetMemberNode::Create(member), hash);
  return true;
}

bool SetValue::Remove(std::string_view member) {
  if (intset_) {
    int64_t v;
    if (!StringToInt64(member, &v)) return false;
    auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
    if (it == ints_.end() || *it != v) return false;
    ints_.erase(it);
    return true;
  }
  SetMemberNode* n = table_.Unlink(member, HashKey(member));
  if (n == nullptr) return false;
  SetMemberNode::Destroy(n);
  // As Redis's setTypeRemove: shrink a table that has become mostly empty.
  table_.ResizeIfNeeded();
  return true;
}

bool SetValue::Contains(std::string_view member) const {
  if (intset_) {
    int64_t v;
    return StringToInt64(member, &v) && std::binary_search(ints_.begin(), ints_.end(), v);
  }
  return table_.FindNoStep(member, HashKey(member)) != nullptr;
}

void SetValue::ConvertToHashtable() {
  if (!intset_) return;
  intset_ = false;
  char buf[24];
  for (int64_t v : ints_) {
    std::string_view s = IntView(v, buf);
    table_.Insert(SetMemberNode::Create(s), HashKey(s));
  }
  std::vector<int64_t>().swap(ints_);
}

std::vector<std::string> SetValue::Members() const {
  std::vector<std::string> out;
  out.reserve(size());
  ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::string SetValue::RandomMember() {
  if (intset_) {
    char buf[24];
    return std::string(IntView(ints_[RandomWord() % ints_.size()], buf));
  }
  const SetMemberNode* n = table_.Random(RandomWord);
  return std::string(n->member());
}

std::unique_ptr<CollectionPayload> SetValue::Clone() const {
  auto copy = std::make_unique<SetValue>();
  copy->intset_ = intset_;
  copy->ints_ = ints_;
  table_.ForEach([&](const SetMemberNode* n) {
    copy->table_.Insert(SetMemberNode::Create(n->member()), HashKey(n->member()));
  });
  return copy;
}

size_t SetValue::EstimateHeapBytes(size_t samples) const {
  const size_t self = memory::MallocSize(sizeof(SetValue));
  if (intset_) return self + memory::MallocSize(ints_.capacity() * sizeof(int64_t));
  const size_t fixed = self + table_.slots() * sizeof(void*);
  size_t seen = 0, bytes = 0;
  table_.ForEachWhile([&](const SetMemberNode* n) {
    bytes += memory::MallocSize(sizeof(SetMemberNode) + n->len);
    return samples == 0 || ++seen < samples;
  });
  if (samples == 0 || seen == 0) return fixed + bytes;
  return fixed + static_cast<size_t>(static_cast<double>(bytes) / seen * table_.size());
}

size_t SetValue::HeapBytes() const {
  if (intset_) return sizeof(SetValue) + ints_.capacity() * sizeof(int64_t);
  size_t bytes = sizeof(SetValue) + table_.buckets() * sizeof(void*);
  table_.ForEach([&](const SetMemberNode* n) { bytes += sizeof(SetMemberNode) + n->len; });
  return bytes;
}

}  // namespace spindle::storage
