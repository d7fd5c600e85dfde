#include "storage/hash_value.h"

#include <algorithm>
#include <chrono>
#include <unordered_set>

namespace spindle::storage {
namespace {

// Heap bytes of a std::string beyond its own object (0 while the short-string
// buffer holds it).
size_t StringHeap(const std::string& s) {
  return s.capacity() > sizeof(std::string) - 1 ? s.capacity() + 1 : 0;
}

uint64_t SeedFromClock() {
  static uint64_t counter = 0;
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return static_cast<uint64_t>(now) ^ (++counter * 0x9e3779b97f4a7c15ULL);
}

}  // namespace

HashValue::HashValue() : rng_state_(SeedFromClock()) {}

HashValue::~HashValue() = default;

std::unique_ptr<CollectionPayload> HashValue::Clone() const {
  auto copy = std::make_unique<HashValue>();
  copy->listpack_ = listpack_;
  if (listpack_) {
    copy->entries_ = entries_;
  } else {
    table_.ForEach([&](const Node* n) {
      copy->table_.Insert(new Node{nullptr, n->field, n->value}, HashKey(n->field));
    });
  }
  return copy;
}

Encoding HashValue::encoding() const {
  return listpack_ ? Encoding::kListpack : Encoding::kHashtable;
}

size_t HashValue::Length() const { return listpack_ ? entries_.size() : table_.size(); }

size_t HashValue::HeapBytes() const {
  size_t bytes = 0;
  if (listpack_) {
    bytes += entries_.capacity() * sizeof(entries_[0]);
    for (const auto& [f, v] : entries_) bytes += StringHeap(f) + StringHeap(v);
  } else {
    bytes += table_.buckets() * sizeof(void*);
    table_.ForEach([&](const Node* n) {
      bytes += sizeof(Node) + StringHeap(n->field) + StringHeap(n->value);
    });
  }
  return bytes;
}

ptrdiff_t HashValue::ListpackFind(std::string_view field) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].first == field) return static_cast<ptrdiff_t>(i);
  }
  return -1;
}

std::optional<std::string_view> HashValue::Get(std::string_view field) {
  if (listpack_) {
    ptrdiff_t i = ListpackFind(field);
    if (i < 0) return std::nullopt;
    return std::string_view(entries_[i].second);
  }
  Node* n = table_.Find(field, HashKey(field));
  if (n == nullptr) return std::nullopt;
  return std::string_view(n->value);
}

void HashValue::ConvertIfAnyTooLong(std::span<const std::string_view> strings,
                                    const EncodingLimits& limits) {
  if (!listpack_) return;
  for (std::string_view s : strings) {
    if (static_cast<int64_t>(s.size()) > limits.hash_max_listpack_value) {
      ConvertToHashtable();
      return;
    }
  }
}

bool HashValue::Set(std::string_view field, std::string_view value, const EncodingLimits& limits) {
  // HSET and friends convert up front (ConvertIfAnyTooLong); HINCRBY and
  // HINCRBYFLOAT build their value here, so Redis checks again.
  if (listpack_) {
    const std::string_view both[] = {field, value};
    ConvertIfAnyTooLong(both, limits);
  }
  if (listpack_) {
    ptrdiff_t i = ListpackFind(field);
    if (i >= 0) {
      entries_[i].second.assign(value);
      return false;
    }
    entries_.emplace_back(std::string(field), std::string(value));
    if (static_cast<int64_t>(entries_.size()) > limits.hash_max_listpack_entries) {
      ConvertToHashtable();
    }
    return true;
  }
  const uint64_t hash = HashKey(field);
  Node* n = table_.Find(field, hash);
  if (n != nullptr) {
    n->value.assign(value);
    return false;
  }
  table_.Insert(new Node{nullptr, std::string(field), std::string(value)}, hash);
  return true;
}

bool HashValue::Delete(std::string_view field) {
  if (listpack_) {
    ptrdiff_t i = ListpackFind(field);
    if (i < 0) return false;
    entries_.erase(entries_.begin() + i);
    return true;
  }
  Node* n = table_.Unlink(field, HashKey(field));
  if (n == nullptr) return false;
  delete n;
  // Redis checks for a shrink after every delete from a hash's dict.
  table_.ResizeIfNeeded();
  return true;
}

void HashValue::ForEach(const EntryFn& fn) const {
  if (listpack_) {
    for (const auto& [f, v] : entries_) fn(f, v);
    return;
  }
  table_.ForEach([&](const Node* n) { fn(n->field, n->value); });
}

uint64_t HashValue::Scan(uint64_t cursor, const EntryFn& fn) const {
  if (listpack_) {
    ForEach(fn);
    return 0;
  }
  return table_.Scan(cursor, [&](const Node* n) { fn(n->field, n->value); });
}

uint64_t HashValue::NextRandom() {
  // splitmix64
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::pair<std::string_view, std::string_view> HashValue::Random() {
  if (listpack_) {
    const auto& e = entries_[NextRandom() % entries_.size()];
    return {e.first, e.second};
  }
  Node* n = table_.Random([this] { return NextRandom(); });
  return {n->field, n->value};
}

std::vector<std::pair<std::string_view, std::string_view>> HashValue::RandomDistinct(size_t count) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.reserve(count);
  if (listpack_) {
    // Selection sampling: each entry is taken with probability
    // needed / remaining, so the result keeps the listpack's order.
    size_t needed = std::min(count, entries_.size());
    size_t remaining = entries_.size();
    for (const auto& [f, v] : entries_) {
      if (needed == 0) break;
      if (NextRandom() % remaining < needed) {
        out.emplace_back(f, v);
        --needed;
      }
      --remaining;
    }
    return out;
  }
  if (count * 3 <= table_.size()) {
    // Few of many: random picks until enough distinct ones (Redis's case 4).
    std::unordered_set<const Node*> seen;
    while (out.size() < count) {
      const Node* n = table_.Random([this] { return NextRandom(); });
      if (seen.insert(n).second) out.emplace_back(n->field, n->value);
    }
    return out;
  }
  std::vector<const Node*> all;
  all.reserve(table_.size());
  table_.ForEach([&](const Node* n) { all.push_back(n); });
  count = std::min(count, all.size());
  // Partial Fisher-Yates: the first `count` slots become a uniform sample.
  for (size_t i = 0; i < count; ++i) {
    size_t j = i + NextRandom() % (all.size() - i);
    std::swap(all[i], all[j]);
    out.emplace_back(all[i]->field, all[i]->value);
  }
  return out;
}

void HashValue::ConvertToHashtable() {
  if (!listpack_) return;
  for (auto& [f, v] : entries_) {
    const uint64_t hash = HashKey(f);
    table_.Insert(new Node{nullptr, std::move(f), std::move(v)}, hash);
  }
  entries_.clear();
  entries_.shrink_to_fit();
  listpack_ = false;
}

}  // namespace spindle::storage
