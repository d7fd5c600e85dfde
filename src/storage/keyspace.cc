// Database: two intrusive HashTables, the keys (KeyEntry: key, value and a
// has-expire bit in one allocation) and the expiry index (ExpireEntry: a
// pointer to its KeyEntry plus the absolute time). The has-expire bit spares
// a second lookup for the common key without a TTL; both tables use the same
// hash of the key, computed once per operation.

#include "storage/keyspace.h"

#include <algorithm>
#include <utility>

#include "common/memory.h"
#include "storage/lfu.h"

namespace spindle::storage {
namespace {

// Redis's LRU clock: seconds, 24 bits.

// RandomKey gives up after deleting this many expired keys in one call (Redis
// would keep going and could delete every key of an all-expired database in
// one command; the active expire cycle does that job in bounded slices).

// ActiveExpire visits at most this many buckets per key it may sample
// (Redis's activeExpireCycle: max_buckets = num * 20).
constexpr size_t kBucketsPerSample = 20;

}  // namespace

// ---------------------------------------------------------------------------
// Database

ExpireEntry* Database::FindExpire(const KeyEntry* e, uint64_t hash) const {
  return expires_.FindNoStep(e->key(), hash);
}

void Database::Remove(KeyEntry* e, uint64_t hash) {
  std::string_view key = e->key();
  if (e->has_expire()) delete expires_.Unlink(key, hash);
  keys_.Unlink(key, hash);
  KeyEntry::Destroy(e);
}

void Database::RemoveExpired(KeyEntry* e, uint64_t hash) {
  std::string key(e->key());
  Remove(e, hash);
  ++stats_->expired_keys;
  KeyspaceObserver& obs = observer();
  obs.KeyEvent(kNotifyExpired, "expired", key, index_);
  obs.KeyModified(index_, key);
}

KeyEntry* Database::FindLive(std::string_view key, uint64_t hash, int64_t now_ms) {
  KeyEntry* e = keys_.Find(key, hash);
  if (expires_.rehashing()) expires_.Rehash(1);
  if (e == nullptr || !e->has_expire()) return e;
  const ExpiryMode mode = expiry_mode();
  // Redis's keyIsExpired: expired only once now is past the deadline.
  if (mode == ExpiryMode::kOff || FindExpire(e, hash)->when_ms >= now_ms) return e;
  if (mode == ExpiryMode::kNormal) RemoveExpired(e, hash);
  return nullptr;
}

bool Database::ExpireIfNeeded(std::string_view key, int64_t now_ms) {
  uint64_t hash = HashKey(key);
  KeyEntry* e = keys_.FindNoStep(key, hash);
  if (e == nullptr || !e->has_expire()) return false;
  return FindLive(key, hash, now_ms) == nullptr;
}

Value* Database::LookupWrite(std::string_view key, int64_t now_ms) {
  KeyEntry* e = FindLive(key, HashKey(key), now_ms);
  if (e == nullptr) return nullptr;
  // Redis's lookupKey: not while a child shares the pages (LookupModes).
  if (modes_ != nullptr && modes_->no_touch) return &e->value;
  if (modes_ != nullptr && modes_->access.lfu) {
    const AccessPolicy& p = modes_->access;
    e->value.set_lru(LfuTouch(e->value.lru(), now_ms, p.lfu_log_factor, p.lfu_decay_time));
  } else {
    e->value.set_lru(Value::LruClock(now_ms));
  }
  return &e->value;
}

Value* Database::LookupRead(std::string_view key, int64_t now_ms) {
  return CountRead(key, LookupWrite(key, now_ms));
}

Value* Database::LookupReadNoTouch(std::string_view key, int64_t now_ms) {
  return CountRead(key, LookupNoTouch(key, now_ms));
}

Value* Database::CountRead(std::string_view key, Value* v) {
  if (v) {
    ++stats_->keyspace_hits;
  } else {
    ++stats_->keyspace_misses;
    observer().KeyEvent(kNotifyKeyMiss, "keymiss", key, index_);
  }
  return v;
}

Value* Database::LookupNoTouch(std::string_view key, int64_t now_ms) {
  KeyEntry* e = FindLive(key, HashKey(key), now_ms);
  return e == nullptr ? nullptr : &e->value;
}

Value& Database::Set(std::string_view key, Value value, bool keep_ttl) {
  if (key_ready_ && *key_ready_) {
    ValueType t = value.type();
    if (t == ValueType::kList || t == ValueType::kZSet || t == ValueType::kStream) {
      (*key_ready_)(index_, key);
    }
  }
  uint64_t hash = HashKey(key);
  KeyEntry* e = keys_.Find(key, hash);
  if (e == nullptr) {
    e = KeyEntry::Create(key, std::move(value));
    keys_.Insert(e, hash);
    // Redis's dbAdd: a key that did not exist is announced as it is stored,
    // before the command reports its own event.
    observer().KeyEvent(kNotifyNew, "new", key, index_);
    return e->value;
  }
  // Redis 7.0's dbOverwrite: under an LFU policy the key keeps its counter.
  if (modes_ != nullptr && modes_->access.lfu) value.set_lru(e->value.lru());
  e->value = std::move(value);
  if (!keep_ttl && e->has_expire()) {
    delete expires_.Unlink(key, hash);
    e->set_has_expire(false);
  }
  return e->value;
}

bool Database::Delete(std::string_view key, int64_t now_ms) {
  uint64_t hash = HashKey(key);
  KeyEntry* e = FindLive(key, hash, now_ms);
  if (e == nullptr) return false;
  Remove(e, hash);
  return true;
}

bool Database::DeleteRaw(std::string_view key) {
  uint64_t hash = HashKey(key);
  KeyEntry* e = keys_.Find(key, hash);
  if (e == nullptr) return false;
  Remove(e, hash);
  return true;
}

std::optional<Value> Database::Take(std::string_view key, int64_t now_ms, int64_t* expire_ms) {
  uint64_t hash = HashKey(key);
  KeyEntry* e = FindLive(key, hash, now_ms);
  if (e == nullptr) return std::nullopt;
  *expire_ms = e->has_expire() ? FindExpire(e, hash)->when_ms : -1;
  std::optional<Value> v(std::move(e->value));
  Remove(e, hash);
  return v;
}

bool Database::ContainsRaw(std::string_view key) const {
  return keys_.FindNoStep(key, HashKey(key)) != nullptr;
}

int64_t Database::GetExpire(std::string_view key) const {
  uint64_t hash = HashKey(key);
  const KeyEntry* e = keys_.FindNoStep(key, hash);
  if (e == nullptr || !e->has_expire()) return -1;
  return FindExpire(e, hash)->when_ms;
}

void Database::SetExpire(std::string_view key, int64_t when_ms) {
  uint64_t hash = HashKey(key);
  KeyEntry* e = keys_.Find(key, hash);
  if (e == nullptr) return;
  if (e->has_expire()) {
    FindExpire(e, hash)->when_ms = when_ms;
    return;
  }
  expires_.Insert(new ExpireEntry{nullptr, e, when_ms}, hash);
  e->set_has_expire(true);
}

bool Database::RemoveExpire(std::string_view key) {
  uint64_t hash = HashKey(key);
  KeyEntry* e = keys_.Find(key, hash);
  if (e == nullptr || !e->has_expire()) return false;
  delete expires_.Unlink(key, hash);
  e->set_has_expire(false);
  return true;
}

void Database::Clear() {
  // The expiry index first: its nodes point into the key entries.
  expires_.Clear();
  keys_.Clear();
  expire_cursor_ = 0;
}

void Database::Clear(BackgroundFreer* freer) {
  if (freer == nullptr || keys_.size() == 0) {
    Clear();
    return;
  }
  // Detach both tables; the background thread frees every node and bucket
  // array. Nothing on the main thread refers to them any more.
  struct Detached {
    HashTable<ExpireEntry, ExpireEntryTraits> expires;
    HashTable<KeyEntry, KeyEntryTraits> keys;
  };
  const uint64_t objects = keys_.size();
  auto* d = new Detached{std::move(expires_), std::move(keys_)};
  expire_cursor_ = 0;
  freer->Submit([d] { delete d; }, objects);
}

void Database::ForEach(
    const std::function<void(std::string_view key, const Value& value)>& fn) const {
  keys_.ForEach([&](const KeyEntry* e) { fn(e->key(), e->value); });
}

uint64_t Database::Scan(
    uint64_t cursor,
    const std::function<void(std::string_view key, const Value& value)>& fn) const {
  return keys_.Scan(cursor, [&](const KeyEntry* e) { fn(e->key(), e->value); });
}

std::optional<std::string> Database::RandomKey(int64_t now_ms) {
  // splitmix64: cheap, and good enough to pick buckets.
  auto rnd = [this] {
    uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  // As Redis on a master: every expired key met is deleted, so the loop ends
  // with a live key or an empty database.
  while (keys_.size() > 0) {
    KeyEntry* e = keys_.Random(rnd);
    if (e->has_expire() && expiry_mode() != ExpiryMode::kOff) {
      uint64_t hash = HashKey(e->key());
      if (FindExpire(e, hash)->when_ms < now_ms) {
        RemoveExpired(e, hash);
        continue;
      }
    }
    return std::string(e->key());
  }
  return std::nullopt;
}

Database::ExpireStep Database::ActiveExpire(size_t max_keys, int64_t now_ms) {
  ExpireStep step;
  const size_t target = std::min(expires_.size(), max_keys);
  if (target == 0) return step;
  const size_t max_buckets = target * kBucketsPerSample;
  size_t checked = 0;
  std::vector<KeyEntry*> dead;
  while (step.sampled < target && checked < max_buckets) {
    dead.clear();
    expire_cursor_ = expires_.Scan(expire_cursor_, [&](const ExpireEntry* x) {
      ++step.sampled;
      if (x->when_ms < now_ms) {
        dead.push_back(x->owner);
      } else {
        step.ttl_sum += x->when_ms - now_ms;
        ++step.ttl_samples;
      }
    });
    ++checked;
    // Deleting between Scan calls is safe: the cursor's guarantee holds
    // across any change to the table.
    for (KeyEntry* e : dead) {
      RemoveExpired(e, HashKey(e->key()));
      ++step.expired;
    }
    if (expire_cursor_ == 0) break;  // a full pass: do not sample twice
  }
  return step;
}

void Database::SampleKeys(
    bool volatile_only, size_t count,
    const std::function<void(std::string_view key, const Value& value, int64_t expire_ms)>& fn) {
  auto rnd = [this] {
    uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  for (size_t i = 0; i < count; ++i) {
    if (volatile_only) {
      ExpireEntry* x = expires_.Random(rnd);
      if (x == nullptr) return;
      fn(x->owner->key(), x->owner->value, x->when_ms);
    } else {
      KeyEntry* e = keys_.Random(rnd);
      if (e == nullptr) return;
      const int64_t when = e->has_expire() ? FindExpire(e, HashKey(e->key()))->when_ms : -1;
      fn(e->key(), e->value, when);
    }
  }
}

bool Database::DeleteForEviction(std::string_view key, BackgroundFreer* freer) {
  const uint64_t hash = HashKey(key);
  KeyEntry* e = keys_.Find(key, hash);
  if (e == nullptr) return false;
  if (freer != nullptr && LazyFreeEffort(e->value) > kLazyFreeThreshold) {
    // dbAsyncDelete: the costly part, the value, is freed off the main thread.
    auto owned = std::make_shared<Value>(std::move(e->value));
    freer->Submit([owned]() mutable { owned.reset(); });
  }
  Remove(e, hash);
  return true;
}

const Value* Database::PeekRaw(std::string_view key) const {
  const KeyEntry* e = keys_.FindNoStep(key, HashKey(key));
  return e == nullptr ? nullptr : &e->value;
}

std::optional<size_t> Database::MemoryUsage(std::string_view key, size_t samples) const {
  const KeyEntry* e = keys_.FindNoStep(key, HashKey(key));
  if (e == nullptr) return std::nullopt;
  // The entry holds the key and the 24-byte value; the bucket slot pointing
  // at it is counted as table overhead (MEMORY STATS), as Redis does.
  size_t bytes = memory::MallocSize(KeyEntry::KeyOffset() + key.size());
  if (e->has_expire()) bytes += memory::MallocSize(sizeof(ExpireEntry));
  bytes += e->value.EstimateHeapBytes(samples);
  return bytes;
}

size_t Database::EntryOverhead() { return KeyEntry::KeyOffset(); }
size_t Database::ExpireEntryBytes() { return memory::MallocSize(sizeof(ExpireEntry)); }

bool Database::RehashStep(int steps) {
  // Redis's tryResizeHashTables (shrink under 10% full) then
  // incrementallyRehash, for both tables.
  keys_.ResizeIfNeeded();
  expires_.ResizeIfNeeded();
  bool more = keys_.Rehash(steps);
  more = expires_.Rehash(steps) || more;
  return more;
}

void Database::SwapContents(Database& other) {
  keys_.Swap(other.keys_);
  expires_.Swap(other.expires_);
  std::swap(avg_ttl_, other.avg_ttl_);
  std::swap(expire_cursor_, other.expire_cursor_);
}

// ---------------------------------------------------------------------------
// BackgroundFreer

BackgroundFreer::BackgroundFreer() {
  thread_ = std::thread([this] { Run(); });
}

BackgroundFreer::~BackgroundFreer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void BackgroundFreer::Submit(std::function<void()> destroy, uint64_t objects) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(Job{std::move(destroy), objects});
    pending_.fetch_add(objects, std::memory_order_relaxed);
  }
  wake_.notify_one();
}

uint64_t BackgroundFreer::freed() const { return freed_.load(std::memory_order_relaxed); }

uint64_t BackgroundFreer::pending() const { return pending_.load(std::memory_order_relaxed); }

void BackgroundFreer::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void BackgroundFreer::Run() {
  // It frees what the main thread allocated: untracked, used_memory would
  // only ever grow.
  memory::TrackCurrentThread();
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stop_ with nothing left: pending work is done first
    Job job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    job.destroy();
    job.destroy = nullptr;  // whatever the closure owned dies here, unlocked
    lock.lock();
    busy_ = false;
    pending_.fetch_sub(job.objects, std::memory_order_relaxed);
    freed_.fetch_add(job.objects, std::memory_order_relaxed);
    if (queue_.empty()) idle_.notify_all();
  }
}

// ---------------------------------------------------------------------------
// Keyspace

Keyspace::Keyspace(int databases) : freer_(std::make_unique<BackgroundFreer>()) {
  dbs_.reserve(databases);
  for (int i = 0; i < databases; ++i) dbs_.push_back(std::make_unique<Database>(i, &stats_, &key_ready_, &observer_, &modes_));
}

void Keyspace::FlushAll(BackgroundFreer* freer) {
  for (auto& db : dbs_) db->Clear(freer);
}

void Keyspace::Swap(int a, int b) {
  if (a != b) dbs_[a]->SwapContents(*dbs_[b]);
}

}  // namespace spindle::storage
