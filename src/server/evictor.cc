// Eviction as Redis 7.0's evict.c does it: sample, keep the best candidates
// in a pool, evict the best one, repeat until memory is back under the
// limit; a time budget per call so one command never stalls for long.

#include "server/evictor.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/clock.h"
#include "common/logging.h"
#include "common/memory.h"
#include "server/server.h"
#include "storage/lfu.h"

namespace spindle::server {
namespace {

bool IsLru(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLru || p == EvictionPolicy::kVolatileLru;
}
bool IsLfu(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}
bool IsAllKeys(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLru || p == EvictionPolicy::kAllKeysLfu ||
         p == EvictionPolicy::kAllKeysRandom;
}
bool IsRandom(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysRandom || p == EvictionPolicy::kVolatileRandom;
}

}  // namespace

EvictionPolicy ParseEvictionPolicy(const std::string& name) {
  if (name == "allkeys-lru") return EvictionPolicy::kAllKeysLru;
  if (name == "allkeys-lfu") return EvictionPolicy::kAllKeysLfu;
  if (name == "allkeys-random") return EvictionPolicy::kAllKeysRandom;
  if (name == "volatile-lru") return EvictionPolicy::kVolatileLru;
  if (name == "volatile-lfu") return EvictionPolicy::kVolatileLfu;
  if (name == "volatile-random") return EvictionPolicy::kVolatileRandom;
  if (name == "volatile-ttl") return EvictionPolicy::kVolatileTtl;
  return EvictionPolicy::kNoEviction;
}

Evictor::Evictor(Server* server) : server_(server) {}

Evictor::~Evictor() {
  if (timer_armed_) server_->loop().CancelTimer(timer_);
}

void Evictor::Refresh() {
  Config& config = server_->config();
  auto num = [&config](const char* name) {
    return std::atoll(config.GetOne(name).value_or("0").c_str());
  };
  const ServerConfig& cfg = config.values();
  maxmemory_ = cfg.maxmemory > 0 ? static_cast<uint64_t>(cfg.maxmemory) : 0;
  policy_ = ParseEvictionPolicy(cfg.maxmemory_policy);
  samples_ = static_cast<int>(num("maxmemory-samples"));
  if (samples_ < 1) samples_ = 1;
  tenacity_ = static_cast<int>(num("maxmemory-eviction-tenacity"));
  lazy_ = config.GetOne("lazyfree-lazy-eviction").value_or("no") == "yes";

  storage::AccessPolicy access;
  access.lfu = IsLfu(policy_);
  access.lfu_log_factor = num("lfu-log-factor");
  access.lfu_decay_time = num("lfu-decay-time");
  server_->keyspace().set_access_policy(access);
  // tryObjectEncoding: with maxmemory and an LRU / LFU policy each key needs
  // its own access word, so small integers stop being shared.
  storage::Value::CreationPolicy creation;
  creation.lfu = access.lfu;
  creation.share_integers = maxmemory_ == 0 || !(IsLru(policy_) || IsLfu(policy_));
  storage::Value::SetCreationPolicy(creation);
  // A policy change invalidates the candidates' scores.
  pool_.Clear();
}

void Evictor::RecordStartup() { startup_ = UsedMemory(); }

void Evictor::MaxmemoryChanged() {
  if (maxmemory_ == 0) return;
  const uint64_t used = UsedMemory() - std::min(UsedMemory(), NotCountedMemory());
  if (maxmemory_ < used) {
    LOG_WARNING(
        "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than the current "
        "memory usage (%llu). This will result in key eviction and/or the inability to accept "
        "new write commands depending on the maxmemory-policy.",
        static_cast<unsigned long long>(maxmemory_), static_cast<unsigned long long>(used));
  }
  StartTimer();
}

uint64_t Evictor::UsedMemory() {
  const uint64_t used = memory::UsedMemory();
  if (used > peak_) peak_ = used;
  return used;
}

uint64_t Evictor::NotCountedMemory() const { return server_->aof().buffered_bytes(); }

uint64_t Evictor::CurrentExceededUs() const {
  if (stats_.exceeded_since_us == 0) return 0;
  return static_cast<uint64_t>(MonotonicUs() - stats_.exceeded_since_us);
}

uint64_t Evictor::TimeLimitUs() const {
  // evictionTimeLimitUs: 50 us per point up to 10 (500 us, the default),
  // then 15% more per point; 100 means no limit.
  if (tenacity_ <= 10) return 50ULL * static_cast<uint64_t>(tenacity_);
  if (tenacity_ < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity_ - 10));
  return std::numeric_limits<uint64_t>::max();
}

bool Evictor::MustRejectForOom(Client* c, const commands::CommandSpec* cmd) {
  // Without maxmemory nothing is read here: the counter's read costs ~50
  // instructions (two atomic adds; 3% of a pipelined SET, docs/MEMORY.md),
  // and the peak is recorded by the cron and by INFO / MEMORY instead of
  // after every command.
  if (maxmemory_ == 0) return false;
  const uint64_t used = UsedMemory();  // records the peak of the last command
  if (used <= maxmemory_ && stats_.exceeded_since_us == 0) return false;  // the common case
  const bool out_of_memory = PerformEvictions() == Result::kFail;
  if (!out_of_memory) return false;
  // Denyoom commands, EXEC of a transaction holding one, and anything queued
  // in MULTI (queueing itself takes memory) but EXEC, DISCARD, QUIT, RESET.
  bool deny = (cmd->flags & commands::kCmdDenyOom) != 0;
  if (c->in_multi()) {
    if (cmd->name == "exec") {
      for (const QueuedCommand& q : c->multi_state()->queue) {
        if (q.cmd()->flags & commands::kCmdDenyOom) deny = true;
      }
    } else if (cmd->name != "discard" && cmd->name != "quit" && cmd->name != "reset") {
      deny = true;
    }
  }
  return deny;
}

Evictor::Result Evictor::PerformEvictions() {
  // isSafeToPerformEvictions: not while loading, nor while clients are
  // paused (nothing may change the dataset then).
  if (server_->loading_ || server_->pause_type_ != Server::PauseType::kNone) return Result::kOk;
  if (maxmemory_ == 0) return Result::kOk;
  auto over = [this](uint64_t* to_free) {
    uint64_t used = UsedMemory();
    const uint64_t not_counted = NotCountedMemory();
    used = used > not_counted ? used - not_counted : 0;
    if (used <= maxmemory_) return false;
    if (to_free) *to_free = used - maxmemory_;
    return true;
  };
  uint64_t to_free = 0;
  if (!over(&to_free)) {
    if (stats_.exceeded_since_us != 0) {
      stats_.total_exceeded_us += CurrentExceededUs();
      stats_.exceeded_since_us = 0;
    }
    return Result::kOk;
  }
  if (policy_ == EvictionPolicy::kNoEviction) return Result::kFail;
  if (stats_.exceeded_since_us == 0) stats_.exceeded_since_us = MonotonicUs();

  const uint64_t limit_us = TimeLimitUs();
  const int64_t started = MonotonicUs();
  uint64_t freed = 0;
  uint64_t keys_freed = 0;
  int db = 0;
  std::string key;
  Result result = Result::kOk;
  while (freed < to_free) {
    if (!SelectVictim(&db, &key)) {
      result = Result::kFail;  // nothing left to evict
      break;
    }
    const uint64_t before = memory::UsedMemory();
    Evict(db, key);
    const uint64_t after = memory::UsedMemory();
    if (before > after) freed += before - after;
    ++keys_freed;
    if (keys_freed % 16 == 0) {
      // With lazy freeing the memory goes down on another thread: look at
      // the real figure instead of what this loop counted.
      if (lazy_ && !over(nullptr)) break;
      if (static_cast<uint64_t>(MonotonicUs() - started) > limit_us) {
        // Still over: a timer goes on evicting between commands.
        StartTimer();
        result = Result::kRunning;
        break;
      }
    }
  }
  if (result == Result::kFail && server_->keyspace().freer().pending() > 0) {
    // Keys being freed in the background may bring memory under the limit:
    // a short wait, as Redis does, before refusing.
    usleep(static_cast<useconds_t>(std::min<uint64_t>(limit_us, 100000)));
    if (!over(nullptr)) result = Result::kOk;
  }
  return result;
}

bool Evictor::SelectVictim(int* out_db, std::string* out_key) {
  storage::Keyspace& ks = server_->keyspace();
  const bool all_keys = IsAllKeys(policy_);
  const int64_t now = Clock::NowMs();
  if (IsRandom(policy_)) {
    // Visit the databases in turn, one random key from the first non-empty.
    for (int i = 0; i < ks.count(); ++i) {
      next_db_ = (next_db_ + 1) % ks.count();
      storage::Database& d = ks.db(next_db_);
      if ((all_keys ? d.size() : d.expires_size()) == 0) continue;
      bool found = false;
      d.SampleKeys(!all_keys, 1, [&](std::string_view k, const storage::Value&, int64_t) {
        out_key->assign(k.data(), k.size());
        found = true;
      });
      if (found) {
        *out_db = next_db_;
        return true;
      }
    }
    return false;
  }
  const storage::AccessPolicy& access = ks.access_policy();
  for (;;) {
    size_t total = 0;
    for (int i = 0; i < ks.count(); ++i) {
      storage::Database& d = ks.db(i);
      const size_t n = all_keys ? d.size() : d.expires_size();
      if (n == 0) continue;
      total += n;
      d.SampleKeys(!all_keys, static_cast<size_t>(samples_),
                   [&](std::string_view k, const storage::Value& v, int64_t expire_ms) {
                     uint64_t idle;
                     if (IsLru(policy_)) {
                       idle = static_cast<uint64_t>(v.IdleTimeMs(now));
                     } else if (IsLfu(policy_)) {
                       idle = 255 - storage::LfuDecrAndReturn(v.lru(), now, access.lfu_decay_time);
                     } else {  // volatile-ttl: the nearest expiry is the best candidate
                       idle = std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(expire_ms);
                     }
                     pool_.Offer(idle, i, k);
                   });
    }
    if (total == 0) return false;
    auto present = [&](int db, std::string_view k) {
      storage::Database& d = ks.db(db);
      if (d.PeekRaw(k) == nullptr) return false;
      return all_keys || d.GetExpire(k) >= 0;
    };
    if (pool_.PopBest(present, out_db, out_key)) return true;
    // Every candidate was a ghost: sample again.
  }
}

void Evictor::Evict(int db, const std::string& key) {
  storage::Keyspace& ks = server_->keyspace();
  // Propagated first, while the key is known to exist (Redis propagates
  // right after deleting; nothing runs between).
  server_->PropagateDeletion(db, key, lazy_);
  ks.db(db).DeleteForEviction(key, lazy_ ? &ks.freer() : nullptr);
  ++stats_.evicted_keys;
  // signalModifiedKey(NULL, ...) then the "evicted" event.
  server_->observer_->KeyEvicted(db, key);
}

void Evictor::StartTimer() {
  if (timer_armed_) return;
  timer_armed_ = true;
  // evictionTimeProc: runs again at once while eviction is still running.
  timer_ = server_->loop().AddTimer(0, [this]() -> int64_t {
    if (PerformEvictions() == Result::kRunning) return 0;
    timer_armed_ = false;
    return -1;
  });
}

MemoryOverhead Evictor::Overhead() {
  MemoryOverhead mh;
  const uint64_t used = UsedMemory();
  mh.total_allocated = used;
  mh.startup_allocated = startup_;
  mh.peak_allocated = peak_;
  uint64_t total = startup_;
  for (const auto& [id, c] : server_->clients()) {
    mh.clients_normal += sizeof(Client) + c->query_capacity() + c->output_allocated();
  }
  total += mh.clients_normal;
  mh.aof_buffer = NotCountedMemory();
  total += mh.aof_buffer;
  storage::Keyspace& ks = server_->keyspace();
  for (int i = 0; i < ks.count(); ++i) {
    storage::Database& d = ks.db(i);
    if (d.size() == 0) continue;
    mh.total_keys += d.size();
    MemoryOverhead::Db row{i, 0, 0};
    row.overhead_main = d.size() * storage::Database::EntryOverhead() + d.key_slots() * sizeof(void*);
    row.overhead_expires = d.expires_size() * storage::Database::ExpireEntryBytes() +
                           d.expire_slots() * sizeof(void*);
    total += row.overhead_main + row.overhead_expires;
    mh.dbs.push_back(row);
  }
  mh.overhead_total = total;
  mh.dataset = used > total ? used - total : 0;
  mh.peak_perc = mh.peak_allocated ? static_cast<double>(used) * 100 / mh.peak_allocated : 0;
  const uint64_t net = used > startup_ ? used - startup_ : 1;
  mh.dataset_perc = static_cast<double>(mh.dataset) * 100 / net;
  mh.bytes_per_key = mh.total_keys ? net / mh.total_keys : 0;
  return mh;
}

}  // namespace spindle::server
