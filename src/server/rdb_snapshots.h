#pragma once
// RdbSnapshots: the server's half of RDB persistence (Redis's rdb.c and the
// persistence parts of server.c): SAVE, BGSAVE in a forked child that the
// cron reaps without blocking, the `save` rules, loading at start-up,
// DEBUG RELOAD, stop-writes-on-bgsave-error, and the state INFO persistence
// reports. The format itself is the persistence layer's.
//
// Files live in the working directory, which is the `dir` directive (the
// process chdirs there); the snapshot is dbfilename, written through
// temp-<pid>.rdb and renamed (persistence/rdb_file.h).
//
// A BGSAVE child shares the parent's memory copy-on-write and only writes
// the file: it never returns to the event loop and leaves with _exit, so no
// destructor, atexit handler or background thread of the parent runs in it.
// Before exiting it measures its private dirty memory (the copy-on-write
// cost) and sends it through a pipe for INFO's rdb_last_cow_size.
//
// Thread: main thread.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "persistence/rdb_file.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/fork_child.h"

namespace spindle::server {

class Server;

class RdbSnapshots {
 public:
  explicit RdbSnapshots(Server* server);
  RdbSnapshots(const RdbSnapshots&) = delete;
  RdbSnapshots& operator=(const RdbSnapshots&) = delete;

  // Re-reads the directives that steer saving (save, stop-writes-on-bgsave-
  // error ...). Called at start and after every CONFIG SET.
  void Refresh();

  // Start-up (Redis's loadDataFromDisk): loads dbfilename if it exists,
  // logging as Redis does. False when the file exists but cannot be loaded
  // (truncated, corrupt, unreadable): the reason is logged, naming the file
  // and the offset, and the server must exit with status 1.
  bool LoadAtStartup();

  // SAVE (rdbSave): writes the snapshot now. On success logs "DB saved on
  // disk", resets the dirty counter and the save time, and clears a BGSAVE
  // error. Failures are logged by the writer.
  Status Save();

  enum class BackgroundResult { kStarted, kChildActive, kForkFailed };
  // BGSAVE (rdbSaveBackground): forks the child that writes the snapshot.
  BackgroundResult StartBackgroundSave();
  // BGSAVE SCHEDULE: the cron starts one when no child is active.
  void ScheduleBackgroundSave() { bgsave_scheduled_ = true; }

  // Every cron tick: reaps a finished child (waitpid with WNOHANG: never
  // blocks), then applies the `save` rules and a scheduled BGSAVE.
  void Cron();

  bool child_active() const { return child_.active(); }
  // SHUTDOWN: kills a saving child with SIGUSR1 and removes its temporary
  // file ("There is a child saving an .rdb. Killing it!").
  void KillChild(bool quiet = false);
  bool has_save_rules() const { return !rules_.empty(); }
  // stop-writes-on-bgsave-error: write commands (and PING) are refused with
  // MISCONF while save rules exist and the last background save failed.
  bool WritesRefused() const {
    return stop_writes_on_error_ && !rules_.empty() && !last_bgsave_ok_;
  }

  // After a FLUSHALL (Redis's flushAllDataAndResetRDB): a saving child is
  // killed, and with save rules the now empty dataset is saved at once, so
  // a restart cannot bring the flushed keys back.
  void AfterFlushAll();
  // SAVE counts in rdb_saves (the saves of SHUTDOWN, FLUSHALL and DEBUG
  // RELOAD do not, as in Redis 7.0.15).
  void CountSave() { ++rdb_saves_; }

  // DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless nosave), empty the
  // databases (unless noflush), load the file back (merge: loaded keys
  // replace existing ones). Returns the error reply text, or "" for OK.
  std::string DebugReload(bool merge, bool noflush, bool nosave);

  // The snapshot size of one value (DEBUG OBJECT's serializedlength).
  size_t SerializedLength(const storage::Value& v) const;

  // INFO: the Persistence section's RDB fields in Redis 7.0's order (then
  // module_fork_*; the server puts the AOF's between), and two Stats fields.
  std::vector<std::pair<std::string, std::string>> InfoFields() const;
  int64_t latest_fork_usec() const { return latest_fork_usec_; }
  // Any fork of the server (the AOF rewrite's too) counts in latest_fork_usec
  // and total_forks.
  void RecordFork(int64_t usec) {
    latest_fork_usec_ = usec;
    ++total_forks_;
  }
  // The options an AOF base with an RDB preamble is written with (the aux
  // field aof-base 1), and those an AOF's RDB part is loaded with.
  persistence::RdbSaveOptions AofBaseSaveOptions() const {
    persistence::RdbSaveOptions o = SaveOptions();
    o.aof_base = true;
    return o;
  }
  persistence::RdbLoadOptions LoadOptionsForAof() const { return LoadOptions(); }
  uint64_t total_forks() const { return total_forks_; }
  // LASTSAVE: unix seconds of the last successful save (start-up time
  // before any).
  int64_t lastsave() const { return lastsave_; }

 private:
  persistence::RdbSaveOptions SaveOptions() const;
  persistence::RdbLoadOptions LoadOptions() const;
  persistence::RdbFileOptions FileOptions() const;
  // Loads dbfilename into the keyspace; logs failures as Redis does.
  Status Load(bool merge);
  void ChildDone(int status);
  [[noreturn]] void RunChild(int cow_fd);

  struct SaveRule {
    int64_t seconds;
    int64_t changes;
  };

  Server* server_;
  std::vector<SaveRule> rules_;
  bool stop_writes_on_error_ = true;

  ChildProcess child_;
  bool bgsave_scheduled_ = false;
  uint64_t dirty_before_bgsave_ = 0;
  int64_t lastsave_ = 0;        // unix s
  int64_t lastbgsave_try_ = 0;  // unix s
  bool last_bgsave_ok_ = true;
  int64_t save_time_start_ = -1;  // unix s of the running BGSAVE
  int64_t save_time_last_ = -1;   // seconds the last BGSAVE took
  uint64_t rdb_saves_ = 0;
  uint64_t last_cow_bytes_ = 0;
  int64_t latest_fork_usec_ = 0;
  uint64_t total_forks_ = 0;
  uint64_t last_load_keys_loaded_ = 0;
  uint64_t last_load_keys_expired_ = 0;
};

}  // namespace spindle::server
