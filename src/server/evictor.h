#pragma once
// Evictor: maxmemory (Redis's evict.c) and the memory figures INFO memory
// and MEMORY STATS report (object.c's getMemoryOverheadData).
//
// Before every command, while maxmemory is set, the server asks
// BeforeCommand whether the command may run: used memory (memory.h, a few
// loads) minus what Redis does not count (the AOF buffer) is compared with
// maxmemory; above it, keys are evicted under maxmemory-policy until memory
// is back under the limit, or the time budget of maxmemory-eviction-tenacity
// runs out (a timer goes on evicting then), or nothing is left to evict. In
// the last case, or under noeviction, commands flagged denyoom (and anything
// queued in MULTI) are refused with Redis's OOM error; reads go on.
//
// Eviction deletes a key as expiry does: DEL (UNLINK with
// lazyfree-lazy-eviction) is propagated to the AOF, WATCH and client-side
// caching hear of it as of a key no client modified, and the "evicted"
// keyspace event is published. docs/MEMORY.md has the details.
//
// Thread: main thread.

#include <cstdint>
#include <string>
#include <vector>

#include "net/event_loop.h"
#include "storage/eviction_pool.h"

namespace spindle::commands {
struct CommandSpec;
}

namespace spindle::server {

class Client;
class Server;

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};
// The policy named by maxmemory-policy (noeviction for anything else).
EvictionPolicy ParseEvictionPolicy(const std::string& name);

// getMemoryOverheadData: what INFO memory and MEMORY STATS show.
struct MemoryOverhead {
  uint64_t total_allocated = 0;
  uint64_t startup_allocated = 0;
  uint64_t peak_allocated = 0;
  uint64_t clients_normal = 0;
  uint64_t aof_buffer = 0;
  struct Db {
    int index;
    uint64_t overhead_main;
    uint64_t overhead_expires;
  };
  std::vector<Db> dbs;
  uint64_t overhead_total = 0;
  uint64_t total_keys = 0;
  uint64_t bytes_per_key = 0;
  uint64_t dataset = 0;
  double dataset_perc = 0;
  double peak_perc = 0;
};

struct EvictionStats {
  uint64_t evicted_keys = 0;
  uint64_t total_exceeded_us = 0;  // time spent over maxmemory, finished spells
  int64_t exceeded_since_us = 0;   // monotonic start of the current spell, 0: none
};

class Evictor {
 public:
  explicit Evictor(Server* server);
  ~Evictor();
  Evictor(const Evictor&) = delete;
  Evictor& operator=(const Evictor&) = delete;

  // Re-reads maxmemory* / lfu-* / lazyfree-lazy-eviction and tells the
  // keyspace and new values how to stamp access data. At start and after
  // every CONFIG SET.
  void Refresh();
  // CONFIG SET maxmemory (Redis's updateMaxmemory): warns when the new limit
  // is below what is used, and starts evicting at once, between commands.
  void MaxmemoryChanged();
  // The end of start-up: the memory an empty server uses (used_memory_startup).
  void RecordStartup();

  // Redis's processCommand maxmemory step for c about to run cmd: evicts if
  // needed; returns true when the command must be refused with kErrOom.
  bool MustRejectForOom(Client* c, const commands::CommandSpec* cmd);

  enum class Result { kOk, kRunning, kFail };
  // performEvictions. kRunning: the time budget ran out with memory still
  // over the limit (a timer continues); kFail: over the limit and nothing
  // (more) can be evicted.
  Result PerformEvictions();

  // Used memory now; updates the peak (Redis records it after each command
  // and in the cron).
  uint64_t UsedMemory();
  // Memory Redis does not count toward maxmemory (freeMemoryGetNotCountedMemory):
  // the AOF buffer (no replicas here).
  uint64_t NotCountedMemory() const;
  uint64_t peak() const { return peak_; }
  void ResetPeak() { peak_ = 0; }
  uint64_t startup() const { return startup_; }
  MemoryOverhead Overhead();

  EvictionStats& stats() { return stats_; }
  // current_eviction_exceeded_time (us).
  uint64_t CurrentExceededUs() const;
  EvictionPolicy policy() const { return policy_; }
  uint64_t maxmemory() const { return maxmemory_; }

  static constexpr const char* kErrOom =
      "OOM command not allowed when used memory > 'maxmemory'.";

 private:
  // Picks the next victim: true with *db / *key set.
  bool SelectVictim(int* db, std::string* key);
  void Evict(int db, const std::string& key);
  // evictionTimeLimitUs from maxmemory-eviction-tenacity.
  uint64_t TimeLimitUs() const;
  void StartTimer();

  Server* server_;
  uint64_t maxmemory_ = 0;
  EvictionPolicy policy_ = EvictionPolicy::kNoEviction;
  int samples_ = 5;
  int tenacity_ = 10;
  bool lazy_ = false;
  uint64_t peak_ = 0;
  uint64_t startup_ = 0;
  storage::EvictionPool pool_;
  int next_db_ = 0;  // random policies visit the databases in turn
  net::TimerId timer_ = 0;
  bool timer_armed_ = false;
  EvictionStats stats_;
};

}  // namespace spindle::server
