#include "server/active_expire.h"

#include "common/clock.h"

namespace spindle::server {
namespace {

// Redis 7.0's constants (expire.c), before scaling by effort.
constexpr int kKeysPerLoop = 20;
constexpr int64_t kFastDurationUs = 1000;
constexpr int kSlowTimePerc = 25;
constexpr int kAcceptableStale = 10;
constexpr int kDbsPerCall = 16;

}  // namespace

void ActiveExpirer::Cycle(storage::Keyspace& keyspace, Mode mode, int hz, int effort) {
  if (effort < 1) effort = 1;
  if (effort > 10) effort = 10;
  const int e = effort - 1;
  const size_t keys_per_loop = kKeysPerLoop + kKeysPerLoop / 4 * e;
  const int64_t fast_duration = kFastDurationUs + kFastDurationUs / 4 * e;
  const int slow_time_perc = kSlowTimePerc + 2 * e;
  const int acceptable_stale = kAcceptableStale - e;

  const int64_t start = MonotonicUs();
  if (mode == Mode::kFast) {
    // Not worth it unless the last cycle ran out of time or many keys seen
    // were stale; and never twice within two fast-cycle durations.
    if (!timelimit_exit_ && stats_.stale_perc * 100 < acceptable_stale) return;
    if (start < last_fast_cycle_us_ + fast_duration * 2) return;
    last_fast_cycle_us_ = start;
  }
  const int dbnum = keyspace.count();
  int dbs_per_call = kDbsPerCall;
  if (dbs_per_call > dbnum || timelimit_exit_) dbs_per_call = dbnum;
  if (hz < 1) hz = 1;
  int64_t timelimit = static_cast<int64_t>(slow_time_perc) * 1000000 / hz / 100;
  if (timelimit <= 0) timelimit = 1;
  if (mode == Mode::kFast) timelimit = fast_duration;
  timelimit_exit_ = false;

  const int64_t now_ms = WallTimeUs() / 1000;
  uint64_t total_sampled = 0, total_expired = 0;
  int iteration = 0;
  for (int j = 0; j < dbs_per_call && !timelimit_exit_; ++j) {
    storage::Database& db = keyspace.db(current_db_ % dbnum);
    ++current_db_;
    for (;;) {
      if (db.expires_size() == 0) {
        db.set_avg_ttl(0);
        break;
      }
      ++iteration;
      storage::Database::ExpireStep step = db.ActiveExpire(keys_per_loop, now_ms);
      total_sampled += step.sampled;
      total_expired += step.expired;
      if (step.ttl_samples > 0) {
        int64_t avg = step.ttl_sum / static_cast<int64_t>(step.ttl_samples);
        // Redis's running average: the new sample weighs 2%.
        db.set_avg_ttl(db.avg_ttl() == 0 ? avg : (db.avg_ttl() / 50) * 49 + avg / 50);
      }
      if ((iteration & 0xf) == 0 && MonotonicUs() - start > timelimit) {
        timelimit_exit_ = true;
        ++stats_.time_cap_reached_count;
        break;
      }
      // As Redis: a call that sampled nothing (it ended a pass over empty
      // buckets) repeats; the time check above bounds the loop.
      if (step.sampled > 0 &&
          step.expired * 100 / step.sampled <= static_cast<size_t>(acceptable_stale)) {
        break;
      }
    }
  }
  stats_.cpu_us += MonotonicUs() - start;
  double current = total_sampled ? static_cast<double>(total_expired) / total_sampled : 0.0;
  stats_.stale_perc = current * 0.05 + stats_.stale_perc * 0.95;
}

}  // namespace spindle::server
