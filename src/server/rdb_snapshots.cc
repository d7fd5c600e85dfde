#include "server/rdb_snapshots.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/clock.h"
#include "common/logging.h"
#include "common/memory.h"
#include "persistence/rdb_file.h"
#include "server/fork_child.h"
#include "server/server.h"
#include "server/version.h"

namespace spindle::server {
namespace {

// CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE the save rules wait this
// long before trying again.
constexpr int64_t kBgsaveRetryDelaySeconds = 5;

int64_t NowSeconds() { return Clock::NowMs() / 1000; }

}  // namespace

RdbSnapshots::RdbSnapshots(Server* server) : server_(server), lastsave_(NowSeconds()) {}

void RdbSnapshots::Refresh() {
  const Config& config = server_->config();
  rules_.clear();
  const std::string save = config.GetOne("save").value_or("");
  const char* p = save.c_str();
  for (;;) {
    char* end;
    long long seconds = std::strtoll(p, &end, 10);
    if (end == p) break;
    p = end;
    long long changes = std::strtoll(p, &end, 10);
    if (end == p) break;
    p = end;
    rules_.push_back({seconds, changes});
  }
  stop_writes_on_error_ = config.GetOne("stop-writes-on-bgsave-error").value_or("yes") == "yes";
}

persistence::RdbSaveOptions RdbSnapshots::SaveOptions() const {
  const Config& config = server_->config();
  persistence::RdbSaveOptions o;
  o.compression = server_->settings().rdb_compression;
  o.checksum = config.GetOne("rdbchecksum").value_or("yes") == "yes";
  const std::string& policy = server_->cfg().maxmemory_policy;
  if (policy.find("lru") != std::string::npos) {
    o.eviction = persistence::EvictionInfo::kLru;
  } else if (policy.find("lfu") != std::string::npos) {
    o.eviction = persistence::EvictionInfo::kLfu;
  }
  o.now_ms = Clock::NowMs();
  o.lfu_decay_minutes = server_->keyspace().access_policy().lfu_decay_time;
  o.used_mem = memory::UsedMemory();
  o.redis_version = kRedisVersion;
  o.key_save_delay_us = std::atoll(config.GetOne("rdb-key-save-delay").value_or("0").c_str());
  return o;
}

persistence::RdbFileOptions RdbSnapshots::FileOptions() const {
  persistence::RdbFileOptions o;
  o.incremental_fsync =
      server_->config().GetOne("rdb-save-incremental-fsync").value_or("yes") == "yes";
  return o;
}

persistence::RdbLoadOptions RdbSnapshots::LoadOptions() const {
  persistence::RdbLoadOptions o;
  o.limits = server_->settings().limits;
  o.now_ms = Clock::NowMs();
  o.verify_checksum = server_->config().GetOne("rdbchecksum").value_or("yes") == "yes";
  o.eviction = server_->settings().lfu_policy ? persistence::EvictionInfo::kLfu
                                              : persistence::EvictionInfo::kLru;
  return o;
}

size_t RdbSnapshots::SerializedLength(const storage::Value& v) const {
  persistence::RdbSaveOptions o;
  o.compression = server_->settings().rdb_compression;
  persistence::RdbWriter w(o);
  if (!w.Object(v).ok()) return 0;
  return w.buffer().size();
}

Status RdbSnapshots::Load(bool merge) {
  const std::string& filename = server_->cfg().dbfilename;
  persistence::RdbLoadOptions options = LoadOptions();
  options.replace_existing = merge;
  persistence::RdbLoadResult result;
  persistence::RdbError error;
  storage::Keyspace& keyspace = server_->keyspace();
  // Loading is not a command: nobody hears "new" for every loaded key
  // (Redis's dbAddRDBLoad notifies no one).
  storage::KeyspaceObserver* observer = &keyspace.observer();
  keyspace.set_observer(nullptr);
  Status st = persistence::LoadRdbFile(filename, keyspace, options, &result, &error);
  keyspace.set_observer(observer);
  last_load_keys_loaded_ = result.keys_loaded;
  last_load_keys_expired_ = result.keys_expired;
  if (st.ok() || st.code() == Status::Code::kNotFound) return st;
  if (st.code() == Status::Code::kIOError || st.code() == Status::Code::kInvalidArgument) {
    // Could not open it, or not an RDB file Redis 7.0 can read.
    LOG_WARNING("Fatal error loading the DB: %s. Exiting.",
                st.code() == Status::Code::kIOError ? st.message().c_str() : "Invalid argument");
    return st;
  }
  if (error.eof) LOG_WARNING("Short read or OOM loading DB. Unrecoverable error, aborting now.");
  std::string where;
  if (!result.failed_key.empty() || result.failed_type >= 0) {
    where = " (reading key '" + result.failed_key + "', type " +
            std::to_string(result.failed_type) + " (" +
            persistence::RdbTypeName(result.failed_type) + "))";
  }
  LOG_WARNING("Internal error in RDB reading offset %llu of file '%s' -> %s%s",
              static_cast<unsigned long long>(error.offset), filename.c_str(),
              error.message.c_str(), where.c_str());
  return st;
}

bool RdbSnapshots::LoadAtStartup() {
  const int64_t start = MonotonicUs();
  Status st = Load(/*merge=*/false);
  if (st.ok()) {
    LOG_NOTICE("DB loaded from disk: %.3f seconds",
               static_cast<double>(MonotonicUs() - start) / 1000000);
    return true;
  }
  if (st.code() == Status::Code::kNotFound) return true;
  if (st.code() == Status::Code::kCorruption) {
    LOG_WARNING("Terminating server after rdb file reading failure.");
  }
  return false;
}

Status RdbSnapshots::Save() {
  Status st = persistence::SaveRdbFile(server_->keyspace(), server_->cfg().dbfilename,
                                       SaveOptions(), FileOptions());
  if (!st.ok()) return st;
  LOG_NOTICE("DB saved on disk");
  server_->keyspace().set_dirty(0);
  lastsave_ = NowSeconds();
  last_bgsave_ok_ = true;
  return st;
}

RdbSnapshots::BackgroundResult RdbSnapshots::StartBackgroundSave() {
  if (child_active()) return BackgroundResult::kChildActive;
  ++rdb_saves_;
  dirty_before_bgsave_ = server_->keyspace().dirty();
  lastbgsave_try_ = NowSeconds();
  int64_t fork_usec = 0;
  if (!child_.Start([this](int cow_fd) { RunChild(cow_fd); }, &fork_usec)) {
    last_bgsave_ok_ = false;
    LOG_WARNING("Can't save in background: fork: %s", std::strerror(errno));
    return BackgroundResult::kForkFailed;
  }
  RecordFork(fork_usec);
  LOG_NOTICE("Background saving started by pid %ld", static_cast<long>(child_.pid()));
  save_time_start_ = NowSeconds();
  server_->ChildStateChanged();
  return BackgroundResult::kStarted;
}

void RdbSnapshots::RunChild(int cow_fd) {
  // The child only writes the file. A signal that stops the server must
  // stop it too, and SIGUSR1 is how SHUTDOWN and FLUSHALL kill it.
  StartForkedChild(server_);
  Status st = persistence::SaveRdbFile(server_->keyspace(), server_->cfg().dbfilename,
                                       SaveOptions(), FileOptions());
  if (st.ok()) {
    LOG_NOTICE("DB saved on disk");
    ReportChildCow(cow_fd, "RDB");
  }
  _exit(st.ok() ? 0 : 1);
}

void RdbSnapshots::ChildDone(int status) {
  const int64_t now = NowSeconds();
  const pid_t pid = child_.pid();
  const uint64_t cow = child_.Finish();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    LOG_NOTICE("Background saving terminated with success");
    storage::Keyspace& keyspace = server_->keyspace();
    const uint64_t dirty = keyspace.dirty();
    keyspace.set_dirty(dirty >= dirty_before_bgsave_ ? dirty - dirty_before_bgsave_ : 0);
    lastsave_ = now;
    last_bgsave_ok_ = true;
    if (cow != 0) last_cow_bytes_ = cow;
  } else if (WIFEXITED(status)) {
    LOG_WARNING("Background saving error");
    last_bgsave_ok_ = false;
  } else {
    const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    LOG_WARNING("Background saving terminated by signal %d", sig);
    unlink(persistence::RdbTempFileName(pid).c_str());
    // SIGUSR1 is how the server itself stops a child: not an error.
    if (sig != SIGUSR1) last_bgsave_ok_ = false;
  }
  save_time_last_ = now - save_time_start_;
  save_time_start_ = -1;
  server_->ChildStateChanged();
}

void RdbSnapshots::Cron() {
  const int64_t now = NowSeconds();
  if (child_active()) {
    if (int status = 0; child_.Poll(&status)) ChildDone(status);
    return;
  }
  // One child at a time: an AOF rewrite must end first.
  if (server_->HasActiveChild()) return;
  const bool may_retry = now - lastbgsave_try_ > kBgsaveRetryDelaySeconds || last_bgsave_ok_;
  const uint64_t dirty = server_->keyspace().dirty();
  for (const SaveRule& rule : rules_) {
    if (dirty >= static_cast<uint64_t>(rule.changes) && now - lastsave_ > rule.seconds &&
        may_retry) {
      LOG_NOTICE("%d changes in %d seconds. Saving...", static_cast<int>(rule.changes),
                 static_cast<int>(rule.seconds));
      StartBackgroundSave();
      return;
    }
  }
  if (bgsave_scheduled_ && may_retry && StartBackgroundSave() == BackgroundResult::kStarted) {
    bgsave_scheduled_ = false;
  }
}

void RdbSnapshots::AfterFlushAll() {
  KillChild(/*quiet=*/true);
  if (has_save_rules()) Save();
}

void RdbSnapshots::KillChild(bool quiet) {
  if (!child_active()) return;
  if (!quiet) LOG_WARNING("There is a child saving an .rdb. Killing it!");
  child_.Kill();
  unlink(persistence::RdbTempFileName(child_.pid()).c_str());
  child_.Finish();
  save_time_start_ = -1;
  server_->ChildStateChanged();
}

std::string RdbSnapshots::DebugReload(bool merge, bool noflush, bool nosave) {
  if (!nosave && !Save().ok()) return "ERR";
  storage::Keyspace& keyspace = server_->keyspace();
  if (!noflush) {
    keyspace.observer().DatabaseFlushed(-1);
    keyspace.FlushAll();
  }
  Status st = Load(merge);
  if (!st.ok()) return "ERR Error trying to load the RDB dump, check server logs.";
  LOG_WARNING("DB reloaded by DEBUG RELOAD");
  return "";
}

std::vector<std::pair<std::string, std::string>> RdbSnapshots::InfoFields() const {
  const int64_t now = NowSeconds();
  auto n = [](auto v) { return std::to_string(v); };
  return {
      {"loading", "0"},
      {"async_loading", "0"},
      {"current_cow_peak", "0"},
      {"current_cow_size", "0"},
      {"current_cow_size_age", "0"},
      {"current_fork_perc", "0.00"},
      {"current_save_keys_processed", "0"},
      {"current_save_keys_total", "0"},
      {"rdb_changes_since_last_save", n(server_->keyspace().dirty())},
      {"rdb_bgsave_in_progress", child_active() ? "1" : "0"},
      {"rdb_last_save_time", n(lastsave_)},
      {"rdb_last_bgsave_status", last_bgsave_ok_ ? "ok" : "err"},
      {"rdb_last_bgsave_time_sec", n(save_time_last_)},
      {"rdb_current_bgsave_time_sec", n(save_time_start_ == -1 ? -1 : now - save_time_start_)},
      {"rdb_saves", n(rdb_saves_)},
      {"rdb_last_cow_size", n(last_cow_bytes_)},
      {"rdb_last_load_keys_expired", n(last_load_keys_expired_)},
      {"rdb_last_load_keys_loaded", n(last_load_keys_loaded_)},
      {"module_fork_in_progress", "0"},
      {"module_fork_last_cow_size", "0"},
  };
}

}  // namespace spindle::server
