#pragma once
// ActiveExpirer: Redis's activeExpireCycle. Keys with a TTL that nobody
// touches are found by sampling each database's expiry index, a little per
// call, so memory is reclaimed without ever pausing the server.
//
// Slow cycle (from the cron, hz times a second): up to 25% of the CPU time
// between two cron runs. Fast cycle (before the loop sleeps): at most 1 ms,
// only when the last cycles hit their time limit or the share of stale keys
// seen is above the acceptable level, and not more often than every 2 ms.
// Within a database the sampling repeats while more than 10% of the keys
// sampled had expired (the numbers scale with active-expire-effort as in
// Redis 7.0).
//
// Thread: main thread.

#include <cstdint>

#include "storage/keyspace.h"

namespace spindle::server {

class ActiveExpirer {
 public:
  enum class Mode { kSlow, kFast };

  struct Stats {
    uint64_t time_cap_reached_count = 0;  // INFO expired_time_cap_reached_count
    double stale_perc = 0;                // INFO expired_stale_perc (0..1)
    uint64_t cpu_us = 0;                  // INFO expire_cycle_cpu_milliseconds * 1000
  };

  // effort is active-expire-effort (1..10).
  void Cycle(storage::Keyspace& keyspace, Mode mode, int hz, int effort);

  const Stats& stats() const { return stats_; }
  void ResetStats() { stats_ = Stats(); }

 private:
  Stats stats_;
  int current_db_ = 0;
  bool timelimit_exit_ = false;
  int64_t last_fast_cycle_us_ = 0;
};

}  // namespace spindle::server
