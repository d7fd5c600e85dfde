#pragma once
// EvictionPool: Redis's EVPOOL (evict.c). The approximated LRU / LFU / TTL
// eviction samples a few keys per database at a time and keeps the 16 best
// candidates seen across rounds, sorted by their score ("idle": higher is a
// better candidate). Each eviction takes the best candidate still present;
// the others stay for the next rounds, so the choice improves with every
// sample instead of depending on one small sample alone.
//
// Scores: idle milliseconds (LRU), 255 - decayed counter (LFU), or
// UINT64_MAX - expire time (volatile-ttl: nearest expiry is best).
//
// Thread: main thread.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace spindle::storage {

class EvictionPool {
 public:
  static constexpr size_t kSize = 16;  // Redis's EVPOOL_SIZE

  struct Entry {
    uint64_t idle = 0;
    int db = 0;
    std::string key;
    bool used = false;
  };

  // Offers a sampled key (evictionPoolPopulate's insertion): kept when the
  // pool has room or the key beats the worst candidate, which then drops out.
  // The same key may be offered twice; the stale copy is skipped when popped.
  void Offer(uint64_t idle, int db, std::string_view key);

  // Takes the best candidate out (highest idle); false when empty. `present`
  // says whether the key still exists; candidates for which it returns false
  // are dropped and the next best is tried (Redis's "ghost" entries).
  template <typename Present>
  bool PopBest(Present&& present, int* db, std::string* key) {
    for (size_t k = kSize; k-- > 0;) {
      Entry& e = pool_[k];
      if (!e.used) continue;
      e.used = false;
      e.idle = 0;
      if (present(e.db, std::string_view(e.key))) {
        *db = e.db;
        key->swap(e.key);
        return true;
      }
    }
    return false;
  }

  size_t size() const;
  const Entry& at(size_t k) const { return pool_[k]; }
  void Clear();

 private:
  // Ascending idle order; unused entries at the end.
  std::array<Entry, kSize> pool_;
};

}  // namespace spindle::storage
