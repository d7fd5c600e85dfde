#pragma once
// IoThreads: the I/O threads (io-threads N: the main thread plus N-1
// workers) the main thread hands a batch of independent jobs to: the socket
// reads and parsing of the clients that became readable, the reply writes
// of the clients with pending output. Command execution never comes here.
//
// ParallelFor(n, job) runs job(i) for every i in [0, n) and returns when all
// are done. The workers and the caller take indexes from one shared cursor,
// so the caller never waits for a worker to wake up: if the workers are
// asleep or busy elsewhere (on 2 cores the load generator may hold the other
// one), the caller takes every job itself, and it only ever waits for jobs a
// worker has already started. With a batch the workers do not reach, the
// cost over doing it inline is one futex wake.
//
// Back-off: a worker preempted in the middle of a job (no free core) makes
// the caller wait for it. When a batch's wait exceeds both 50 us and the
// time the caller spent working, the next batches run inline for a back-off
// that doubles (16 to 4096 batches) while such stalls repeat, so threads
// that cannot get a core cost next to nothing; on a machine with idle cores
// no stall happens and every batch is shared.
//
// No idle spinning: a worker that finds no batch spins only briefly
// (kSpinBeforeSleep polls) and then sleeps on a futex until the next
// ParallelFor wakes it, so an idle server's I/O threads use no CPU. (Redis
// 6/7's threads busy-wait on their pending counters for up to a million
// iterations before they park, the common complaint about io-threads.)
//
// Thread: ParallelFor from one thread (the main thread) at a time; jobs run
// on any of the threads and must only touch what their index owns.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

namespace spindle::net {

class IoThreads {
 public:
  // A job: fn(ctx, index).
  using JobFn = void (*)(void* ctx, size_t index);

  // threads counts the calling thread, as io-threads does: threads - 1
  // workers are started (none for 1).
  explicit IoThreads(int threads);
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(ctx, i) for i in [0, n) on the workers and the caller.
  void ParallelFor(size_t n, JobFn fn, void* ctx);

  // Convenience for a callable: job(i).
  template <typename F>
  void ParallelFor(size_t n, F& job) {
    ParallelFor(n, [](void* ctx, size_t i) { (*static_cast<F*>(ctx))(i); }, &job);
  }

  // Jobs the workers ran since the start (the rest ran on the caller): for
  // tests and INFO.
  uint64_t jobs_on_workers() const { return jobs_on_workers_.load(std::memory_order_relaxed); }
  // Batches after which the caller waited for a preempted worker longer
  // than it worked itself; each starts a back-off of inline batches.
  uint64_t stalls() const { return stalls_; }

 private:
  void WorkerLoop();
  // Claims and runs jobs of batch `gen` until none is left; returns how
  // many this thread ran.
  size_t RunClaims(uint32_t gen);

  static constexpr int kSpinBeforeSleep = 256;
  static constexpr uint32_t kClosedIndex = 0xffffffffu;  // no batch is this big
  static constexpr std::chrono::microseconds kStallFloor{50};
  static constexpr uint32_t kBackoffMin = 16, kBackoffMax = 4096;

  std::vector<std::thread> workers_;
  // (batch generation << 32) | next index: claiming a job is a CAS on it,
  // so a worker that wakes late can never take an index of a newer batch
  // with an older batch's job.
  std::atomic<uint64_t> cursor_{0};
  // The current batch's job (read under the cursor's generation).
  std::atomic<JobFn> fn_{nullptr};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<size_t> n_{0};
  uint32_t published_ = 0;  // caller only: the last generation published
  // The generation workers sleep on (the cursor's high half, as a futex word).
  std::atomic<uint32_t> generation_{0};
  std::atomic<uint32_t> sleepers_{0};        // workers in (or entering) FutexWait
  std::atomic<uint32_t> done_{0};            // jobs of the current batch finished
  std::atomic<uint32_t> caller_waiting_{0};  // the caller sleeps on done_
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> jobs_on_workers_{0};
  // Caller only: inline batches left, and the current back-off length.
  uint32_t backoff_left_ = 0;
  uint32_t backoff_ = 0;
  uint64_t stalls_ = 0;
};

}  // namespace spindle::net
