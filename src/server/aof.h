#pragma once
// Aof: the server's half of the append-only file (Redis 7.0's aof.c):
// feeding propagated commands into a buffer, writing it before replies go
// out and fsyncing it as appendfsync says, the multi-part AOF's life cycle
// (manifest, base, incremental files), BGREWRITEAOF in a forked child,
// automatic rewrites, turning AOF on and off at run time, loading at
// start-up, and INFO persistence's aof_* fields. The file formats are the
// persistence layer's (persistence/aof.h).
//
// Durability: Flush runs in BeforeSleep before any reply is written, and
// before a write-event handler writes (HandleWritable), so under
// appendfsync always no client hears of a write before it is on disk.
// Under everysec the fsync runs on the fsync thread (AofFsyncThread) once a
// second; when that fsync is still running, writes are postponed up to two
// seconds (aof_delayed_fsync), as Redis does.
//
// Files live in appenddirname inside the working directory (the `dir`
// directive; the process chdirs there).
//
// Thread: main thread; the fsync thread only runs fsync / close jobs.

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"
#include "persistence/aof.h"
#include "server/fork_child.h"

namespace spindle::server {

class Server;

// Redis's bio for the AOF: fsyncs (everysec) and closes of replaced incr
// files run here so the main thread never waits on the disk.
class AofFsyncThread {
 public:
  AofFsyncThread();
  ~AofFsyncThread();
  AofFsyncThread(const AofFsyncThread&) = delete;
  AofFsyncThread& operator=(const AofFsyncThread&) = delete;

  // fdatasync(fd); offset is the file size the fsync covers once done.
  void Fsync(int fd, uint64_t offset);
  void Close(int fd);
  // fsync jobs queued or running (aof_pending_bio_fsync).
  int pending_fsyncs() const { return pending_fsyncs_.load(std::memory_order_acquire); }
  // errno of the last failed fsync, 0 after a success (Redis's
  // aof_bio_fsync_status / errno).
  int last_error() const { return last_error_.load(std::memory_order_acquire); }
  uint64_t synced_offset() const { return synced_offset_.load(std::memory_order_acquire); }
  // Waits until every queued job ran (turning AOF off, shutdown).
  void Drain();

 private:
  struct Job {
    bool fsync;
    int fd;
    uint64_t offset;
  };
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Job> jobs_;
  bool running_job_ = false;
  bool stop_ = false;
  std::atomic<int> pending_fsyncs_{0};
  std::atomic<int> last_error_{0};
  std::atomic<uint64_t> synced_offset_{0};
  std::thread thread_;
};

class Aof {
 public:
  explicit Aof(Server* server);
  ~Aof();
  Aof(const Aof&) = delete;
  Aof& operator=(const Aof&) = delete;

  enum class State { kOff, kOn, kWaitRewrite };

  // Re-reads the directives (appendfsync, aof-use-rdb-preamble ...). At
  // start and after every CONFIG SET.
  void Refresh();

  // Start-up, whatever appendonly says (Redis's aofLoadManifestFromDisk):
  // reads the directives and the manifest, if any, so a later BGREWRITEAOF
  // or CONFIG SET appendonly yes continues its sequence numbers. False: a
  // manifest exists but is malformed (logged); the server must exit(1).
  bool LoadManifest();

  // Start-up with appendonly yes (loadDataFromDisk + aofOpenIfNeeded...):
  // upgrades an old single-file AOF into the directory, loads the base and
  // the incremental files the manifest names (executing their commands),
  // then creates a base and an incr file when there were none and opens the
  // last incr file for appending. False: the reason is logged (naming the
  // file and offset) and the server must exit with status 1.
  bool LoadAtStartup();

  // Whether commands are fed (appendonly yes, or the first rewrite running).
  bool enabled() const { return state_ != State::kOff; }
  State state() const { return state_; }
  // feedAppendOnlyFile: one propagated command in database db.
  void Feed(int db, std::span<const std::string_view> argv);
  // Bytes the buffer holds allocated (mem_aof_buffer; not counted toward
  // maxmemory, as Redis's freeMemoryGetNotCountedMemory).
  size_t buffered_bytes() const { return state_ == State::kOff ? 0 : buf_.capacity(); }
  // flushAppendOnlyFile: writes the buffer and fsyncs as appendfsync says.
  // force: even when an everysec fsync is still running.
  void Flush(bool force);
  // Whether replies must wait for a Flush (appendfsync always with bytes
  // buffered): the write-event path flushes first.
  bool must_flush_before_replies() const {
    return fsync_policy_ == FsyncPolicy::kAlways && !buf_.empty();
  }

  // Every cron tick: reaps a finished rewrite child (never blocks),
  // retries a failed write, starts scheduled or automatic rewrites, and the
  // everysec fsync of a postponed flush.
  void Cron();

  enum class RewriteResult { kStarted, kScheduled, kInProgress, kFailed };
  // BGREWRITEAOF (rewriteAppendOnlyFileBackground, bgrewriteaofCommand's
  // checks): kScheduled while another child (BGSAVE) runs.
  RewriteResult StartRewriteCommand();
  bool child_active() const { return child_.active(); }
  bool rewrite_scheduled() const { return rewrite_scheduled_; }

  // CONFIG SET appendonly yes / no (startAppendOnly / stopAppendOnly).
  Status Start();
  void Stop();

  // SHUTDOWN (prepareForShutdown's AOF part): false when the first rewrite
  // is still running and not forced ("Writing initial AOF, can't exit.");
  // otherwise kills a rewrite child, flushes and fsyncs.
  bool PrepareShutdown(bool force);
  // Kills a running rewrite child and removes its temporary files.
  void KillChild();

  // Write commands are refused while the last write (or fsync) failed:
  // returns the MISCONF text, or "" when writes may go on.
  std::string WriteErrorText() const;
  bool write_failed() const {
    return state_ != State::kOff && (!last_write_ok_ || fsync_thread_.last_error() != 0);
  }

  // INFO persistence: Redis 7.0's aof_* fields (the part every server
  // reports, then the part only an enabled AOF reports).
  std::vector<std::pair<std::string, std::string>> InfoFields() const;
  std::vector<std::pair<std::string, std::string>> EnabledInfoFields() const;

 private:
  enum class FsyncPolicy { kNo, kAlways, kEverySec };

  std::string DirPath(std::string_view name) const;
  // Loading.
  bool LoadFile(const persistence::AofFileInfo& file, bool last, bool* empty);
  bool LoadCommands(int fd, uint64_t size, uint64_t offset, const std::string& name, bool last);
  bool UpgradeOldAof();
  // Files.
  Status CreateBaseOnStart();
  // How a base file is written (at start, and by the rewrite child).
  persistence::AofBaseOptions BaseOptions() const;
  Status OpenIncr(const std::string& name, bool create);
  Status OpenNewIncrForRewrite();
  void UpdateSizes();
  // Rewrite child.
  RewriteResult StartRewrite();
  [[noreturn]] void RunChild(int cow_fd);
  void ChildDone(int status);
  bool FinishRewrite(pid_t child_pid);
  void RemoveHistory();
  bool RewriteLimited() const;
  void CloseFd();

  Server* server_;
  State state_ = State::kOff;
  FsyncPolicy fsync_policy_ = FsyncPolicy::kEverySec;
  bool rdb_preamble_ = true;
  bool timestamps_ = false;
  bool load_truncated_ = true;
  bool incremental_fsync_ = true;
  bool no_fsync_on_rewrite_ = false;
  bool disable_auto_gc_ = false;
  int64_t rewrite_percentage_ = 100;
  int64_t rewrite_min_size_ = 64LL * 1024 * 1024;
  std::string filename_;  // appendfilename
  std::string dirname_;   // appenddirname

  persistence::AofManifest manifest_;
  int fd_ = -1;             // the incr file being appended to
  std::string buf_;         // Redis's aof_buf
  int selected_db_ = -1;    // what the file's last SELECT chose
  int64_t last_timestamp_ = 0;
  uint64_t current_size_ = 0;      // base + incrs (aof_current_size)
  uint64_t base_size_ = 0;         // aof_rewrite_base_size
  uint64_t incr_size_ = 0;         // the open incr file's size
  uint64_t fsync_offset_ = 0;      // current_size_ at the last fsync request
  int64_t last_fsync_s_ = 0;
  int64_t flush_postponed_start_ = 0;  // unix s; 0: none
  uint64_t delayed_fsyncs_ = 0;
  bool last_write_ok_ = true;
  int last_write_errno_ = 0;
  AofFsyncThread fsync_thread_;

  ChildProcess child_;
  bool rewrite_scheduled_ = false;
  int64_t rewrite_time_start_ = -1;  // unix s
  int64_t rewrite_time_last_ = -1;
  bool last_rewrite_ok_ = true;
  uint64_t rewrites_ = 0;
  uint64_t consecutive_failures_ = 0;
  int64_t next_rewrite_allowed_s_ = 0;  // after repeated failures
  uint64_t last_cow_bytes_ = 0;
  bool temp_incr_open_ = false;  // kWaitRewrite: fd_ is temp-<name>.incr
};

}  // namespace spindle::server
