// IoThreads. The protocol, in short:
//  - The caller publishes a batch: the job and its size (relaxed atomics),
//    then the cursor (generation, 0) with release, then the generation word
//    the workers sleep on, and wakes sleepers (only if any sleeps).
//  - Every thread claims an index with a CAS on the cursor. The CAS only
//    succeeds while the cursor still holds the generation the thread read
//    the job under; the caller rewrites the job only after every index of
//    the batch was claimed and finished, and closes the old cursor (index
//    kClosedIndex) before it does, so a claimed index always runs with its
//    own batch's job and exactly once. (Without the closing, a worker
//    holding the exhausted cursor (g, n) that read the next batch's larger
//    size claimed index n of g and ran it with the new job: a unit test
//    caught one index run twice in about one run of ten.)
//  - A thread adds what it ran to done_ once it runs out of indexes; the
//    caller, after taking what was left, waits for done_ == n: a short spin
//    (the jobs a worker has in hand are single syscalls), then a futex.

#include "net/io_threads.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>

#include "common/memory.h"

namespace spindle::net {
namespace {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

void FutexWait(std::atomic<uint32_t>* word, uint32_t expected) {
  // Returns at once if *word != expected (EAGAIN), on a wake, or on a signal;
  // every caller re-checks its condition in a loop.
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word, int count) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, count, nullptr,
          nullptr, 0);
}

constexpr int kCallerSpin = 4096;

}  // namespace

IoThreads::IoThreads(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

IoThreads::~IoThreads() {
  stop_.store(true, std::memory_order_seq_cst);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  FutexWake(&generation_, INT_MAX);
  for (auto& t : workers_) t.join();
}

void IoThreads::ParallelFor(size_t n, JobFn fn, void* ctx) {
  if (n == 0) return;
  if (workers_.empty() || n == 1 || backoff_left_ > 0) {
    if (backoff_left_ > 0) --backoff_left_;
    for (size_t i = 0; i < n; ++i) fn(ctx, i);
    return;
  }
  // Close the finished batch first. A worker may still hold a stale cursor
  // value (old generation, old size) and be about to check it against the
  // size: if it read the new size it could claim "index old-size" of the old
  // generation with the new batch's job, and that index would run twice.
  // With the closed value stored before the new job (the release stores
  // below order it), a worker that sees any new field fails its CAS.
  cursor_.store((static_cast<uint64_t>(published_) << 32) | kClosedIndex,
                std::memory_order_relaxed);
  fn_.store(fn, std::memory_order_release);
  ctx_.store(ctx, std::memory_order_release);
  n_.store(n, std::memory_order_release);
  done_.store(0, std::memory_order_relaxed);
  // Generation 0 is the workers' starting point: skipped when it wraps.
  if (++published_ == 0) ++published_;
  uint32_t gen = published_;
  cursor_.store(static_cast<uint64_t>(gen) << 32, std::memory_order_release);
  generation_.store(gen, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) FutexWake(&generation_, INT_MAX);

  const auto started = std::chrono::steady_clock::now();
  size_t ran = RunClaims(gen);
  if (ran > 0) done_.fetch_add(static_cast<uint32_t>(ran), std::memory_order_acq_rel);
  const uint32_t total = static_cast<uint32_t>(n);
  if (done_.load(std::memory_order_acquire) == total) {
    if (backoff_ > 0) backoff_ /= 2;  // the batch cost nobody a wait
    return;
  }
  const auto waiting = std::chrono::steady_clock::now();
  for (int spin = 0; done_.load(std::memory_order_acquire) != total; ++spin) {
    if (spin < kCallerSpin) {
      CpuRelax();
      continue;
    }
    caller_waiting_.store(1, std::memory_order_seq_cst);
    uint32_t d = done_.load(std::memory_order_seq_cst);
    if (d != total) FutexWait(&done_, d);
    caller_waiting_.store(0, std::memory_order_relaxed);
  }
  // A stall: the caller waited for a worker longer than it worked itself
  // (and more than kStallFloor), which is what happens when the worker was
  // preempted mid-job because no core was free (on 2 cores, the load
  // generator's). Then the threads cost more than they give: the next
  // batches run on the caller alone, for a back-off that doubles while
  // stalls repeat and halves with each batch that had none.
  const auto now = std::chrono::steady_clock::now();
  const auto waited = now - waiting;
  if (waited > kStallFloor && waited > waiting - started) {
    backoff_ = backoff_ == 0 ? kBackoffMin : std::min(backoff_ * 2, kBackoffMax);
    backoff_left_ = backoff_;
    ++stalls_;
  } else if (backoff_ > 0) {
    backoff_ /= 2;
  }
}

size_t IoThreads::RunClaims(uint32_t gen) {
  size_t ran = 0;
  uint64_t c = cursor_.load(std::memory_order_acquire);
  for (;;) {
    if (static_cast<uint32_t>(c >> 32) != gen) break;
    // Read under the generation just acquired; only used if the CAS below
    // proves the batch is still this one.
    JobFn fn = fn_.load(std::memory_order_acquire);
    void* ctx = ctx_.load(std::memory_order_acquire);
    size_t n = n_.load(std::memory_order_acquire);
    uint32_t index = static_cast<uint32_t>(c);
    if (index >= n) break;
    if (cursor_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
      fn(ctx, index);
      ++ran;
      c = cursor_.load(std::memory_order_acquire);
    }
  }
  return ran;
}

void IoThreads::WorkerLoop() {
  // Reads grow query buffers here: counted toward used_memory.
  memory::TrackCurrentThread();
  uint32_t seen = 0;
  while (!stop_.load(std::memory_order_acquire)) {
    uint32_t g = generation_.load(std::memory_order_acquire);
    for (int i = 0; g == seen && i < kSpinBeforeSleep; ++i) {
      CpuRelax();
      g = generation_.load(std::memory_order_acquire);
    }
    if (g == seen) {
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      if (generation_.load(std::memory_order_seq_cst) == seen &&
          !stop_.load(std::memory_order_seq_cst)) {
        FutexWait(&generation_, seen);
      }
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      continue;
    }
    seen = g;
    size_t ran = RunClaims(g);
    if (ran == 0) continue;
    jobs_on_workers_.fetch_add(ran, std::memory_order_relaxed);
    done_.fetch_add(static_cast<uint32_t>(ran), std::memory_order_seq_cst);
    if (caller_waiting_.load(std::memory_order_seq_cst) != 0) FutexWake(&done_, 1);
  }
}

}  // namespace spindle::net
