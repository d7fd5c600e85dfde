#include "storage/eviction_pool.h"

#include <utility>

namespace spindle::storage {

void EvictionPool::Offer(uint64_t idle, int db, std::string_view key) {
  // The first entry that is free or scores at least as well as this one.
  size_t k = 0;
  while (k < kSize && pool_[k].used && pool_[k].idle < idle) ++k;
  if (k == 0 && pool_[kSize - 1].used) {
    return;  // worse than every candidate of a full pool
  }
  if (k < kSize && !pool_[k].used) {
    // A free slot, right where the order wants it.
  } else if (!pool_[kSize - 1].used) {
    // Room on the right: shift k.. one place right.
    for (size_t j = kSize - 1; j > k; --j) pool_[j] = std::move(pool_[j - 1]);
  } else {
    // Full: the worst candidate (index 0) drops out; insert at k - 1.
    --k;
    for (size_t j = 0; j < k; ++j) pool_[j] = std::move(pool_[j + 1]);
  }
  Entry& e = pool_[k];
  e.idle = idle;
  e.db = db;
  e.key.assign(key.data(), key.size());
  e.used = true;
}

size_t EvictionPool::size() const {
  size_t n = 0;
  for (const Entry& e : pool_) n += e.used ? 1 : 0;
  return n;
}

void EvictionPool::Clear() {
  for (Entry& e : pool_) {
    e.used = false;
    e.idle = 0;
    e.key.clear();
  }
}

}  // namespace spindle::storage
