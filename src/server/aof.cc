#include "server/aof.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "common/clock.h"
#include "common/memory.h"
#include "common/strings.h"
#include "common/logging.h"
#include "persistence/rdb_reader.h"
#include "server/fork_child.h"
#include "server/server.h"

namespace spindle::server {
namespace {

// Redis's AOF_REWRITE_LIMITE_THRESHOLD / _MAX_MINUTES: after this many
// failed rewrites in a row, automatic ones wait 1, 2, 4 ... 60 minutes.
constexpr uint64_t kRewriteLimitThreshold = 3;
constexpr int64_t kRewriteLimitMaxMinutes = 60;

int64_t NowSeconds() { return Clock::NowMs() / 1000; }

std::string RewriteTempName(long pid) {
  return "temp-rewriteaof-bg-" + std::to_string(pid) + ".aof";
}

uint64_t FileSize(const std::string& path) {
  struct stat sb;
  return stat(path.c_str(), &sb) == 0 ? static_cast<uint64_t>(sb.st_size) : 0;
}

// A command the file cannot hold (not RESP, or a known command with the
// wrong number of arguments).
void LogBadFormat(const std::string& name) {
  LOG_WARNING(
      "Bad file format reading the append only file %s: make a backup of your AOF file, then use "
      "./redis-check-aof --fix <filename.manifest>",
      name.c_str());
}

bool DirExists(const std::string& path) {
  struct stat sb;
  return stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool FileExists(const std::string& path) {
  struct stat sb;
  return stat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode);
}

Status CreateDirIfMissing(const std::string& path) {
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return Status::Ok();
  return Status::IOError(std::strerror(errno));
}

// write(2) until done or an error; returns the bytes written (maybe short).
ssize_t WriteFully(int fd, const char* data, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return done > 0 ? static_cast<ssize_t>(done) : -1;
    }
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

}  // namespace

// ---------------------------------------------------------------------------
// AofFsyncThread

AofFsyncThread::AofFsyncThread() : thread_([this] { Run(); }) {}

AofFsyncThread::~AofFsyncThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void AofFsyncThread::Fsync(int fd, uint64_t offset) {
  pending_fsyncs_.fetch_add(1, std::memory_order_acq_rel);
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({true, fd, offset});
  }
  cv_.notify_one();
}

void AofFsyncThread::Close(int fd) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({false, fd, 0});
  }
  cv_.notify_one();
}

void AofFsyncThread::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return jobs_.empty() && !running_job_; });
}

void AofFsyncThread::Run() {
  memory::TrackCurrentThread();
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stop_ and nothing left
    Job job = jobs_.front();
    jobs_.pop_front();
    running_job_ = true;
    lock.unlock();
    if (job.fsync) {
      // Redis's bio: fsync, and for a replaced file, close after it.
      // EINVAL: a file that cannot be synced (a pipe, /dev/null): nothing to do.
      if (fdatasync(job.fd) == -1 && errno != EINVAL) {
        last_error_.store(errno, std::memory_order_release);
      } else {
        last_error_.store(0, std::memory_order_release);
        synced_offset_.store(job.offset, std::memory_order_release);
      }
      pending_fsyncs_.fetch_sub(1, std::memory_order_acq_rel);
    } else {
      fdatasync(job.fd);
      close(job.fd);
    }
    lock.lock();
    running_job_ = false;
    if (jobs_.empty()) idle_cv_.notify_all();
  }
}

// ---------------------------------------------------------------------------
// Aof

Aof::Aof(Server* server) : server_(server) {}

Aof::~Aof() {
  fsync_thread_.Drain();
  if (fd_ != -1) close(fd_);
}

void Aof::Refresh() {
  const Config& config = server_->config();
  auto get = [&config](const char* name) { return config.GetOne(name).value_or(""); };
  const std::string fsync = get("appendfsync");
  fsync_policy_ = fsync == "always" ? FsyncPolicy::kAlways
                  : fsync == "no"   ? FsyncPolicy::kNo
                                    : FsyncPolicy::kEverySec;
  rdb_preamble_ = get("aof-use-rdb-preamble") == "yes";
  timestamps_ = get("aof-timestamp-enabled") == "yes";
  load_truncated_ = get("aof-load-truncated") == "yes";
  incremental_fsync_ = get("aof-rewrite-incremental-fsync") == "yes";
  no_fsync_on_rewrite_ = get("no-appendfsync-on-rewrite") == "yes";
  disable_auto_gc_ = get("aof-disable-auto-gc") == "yes";
  rewrite_percentage_ = std::atoll(get("auto-aof-rewrite-percentage").c_str());
  rewrite_min_size_ = std::atoll(get("auto-aof-rewrite-min-size").c_str());
  filename_ = get("appendfilename");
  dirname_ = get("appenddirname");
}

std::string Aof::DirPath(std::string_view name) const { return dirname_ + "/" + std::string(name); }

// --- loading ---------------------------------------------------------------

bool Aof::UpgradeOldAof() {
  // aofUpgradePrepare: a Redis < 7 single appendonly.aof in the working
  // directory becomes the base of a new multi-part AOF.
  Status st = CreateDirIfMissing(dirname_);
  if (!st.ok()) {
    LOG_WARNING("Can't open or create append-only dir %s: %s", dirname_.c_str(),
                st.message().c_str());
    return false;
  }
  manifest_ = persistence::AofManifest();
  manifest_.base = persistence::AofFileInfo{filename_, 1, persistence::AofFileType::kBase};
  manifest_.curr_base_seq = 1;
  st = persistence::PersistAofManifest(dirname_, persistence::AofManifestName(filename_),
                                       manifest_);
  if (!st.ok()) return false;  // logged by PersistAofManifest
  if (rename(filename_.c_str(), DirPath(filename_).c_str()) != 0) {
    LOG_WARNING("Error trying to rename the existing AOF to the new AOF directory: %s",
                std::strerror(errno));
    return false;
  }
  LOG_NOTICE("Successfully migrated an old-style AOF into the AOF directory.");
  return true;
}

bool Aof::LoadManifest() {
  Refresh();
  const std::string manifest_path = DirPath(persistence::AofManifestName(filename_));
  if (!DirExists(dirname_)) return true;
  persistence::AofManifestError where;
  Status st = persistence::LoadAofManifestFile(manifest_path, &manifest_, &where);
  if (st.ok() || st.code() == Status::Code::kNotFound) return true;
  if (st.code() == Status::Code::kIOError) {
    LOG_WARNING("Fatal error: can't open the AOF manifest file %s for reading: %s",
                persistence::AofManifestName(filename_).c_str(), st.message().c_str());
    return false;
  }
  LOG_WARNING("\n*** FATAL AOF MANIFEST FILE ERROR ***");
  if (where.line > 0) {
    LOG_WARNING("Reading the manifest file, at line %d", where.line);
    LOG_WARNING(">>> '%s'", where.content.c_str());
  }
  LOG_WARNING("%s", st.message().c_str());
  return false;
}

bool Aof::LoadAtStartup() {
  state_ = State::kOn;
  if (FileExists(filename_) && (!DirExists(dirname_) || (!manifest_.base && manifest_.incrs.empty()))) {
    if (!UpgradeOldAof()) return false;
  }

  const int64_t start = MonotonicUs();
  std::vector<persistence::AofFileInfo> files;
  if (manifest_.base) files.push_back(*manifest_.base);
  files.insert(files.end(), manifest_.incrs.begin(), manifest_.incrs.end());
  bool loaded_any = false;
  for (size_t i = 0; i < files.size(); ++i) {
    const int64_t file_start = MonotonicUs();
    bool empty = false;
    if (!LoadFile(files[i], i + 1 == files.size(), &empty)) return false;
    loaded_any = true;
    const bool base = manifest_.base && i == 0;
    LOG_NOTICE("DB loaded from %s file %s: %.3f seconds", base ? "base" : "incr",
               files[i].name.c_str(), static_cast<double>(MonotonicUs() - file_start) / 1e6);
  }
  if (loaded_any) {
    LOG_NOTICE("DB loaded from append only file: %.3f seconds",
               static_cast<double>(MonotonicUs() - start) / 1e6);
  }

  // aofOpenIfNeededOnServerStart: a fresh start writes an (empty, or
  // RDB-loaded) base now, so the directory always holds a loadable AOF.
  Status st = CreateDirIfMissing(dirname_);
  if (!st.ok()) {
    LOG_WARNING("Can't open or create append-only dir %s: %s", dirname_.c_str(),
                st.message().c_str());
    return false;
  }
  if (!manifest_.base && manifest_.incrs.empty()) {
    st = CreateBaseOnStart();
    if (!st.ok()) return false;
  }
  const bool had_incr = !manifest_.incrs.empty();
  const std::string incr = had_incr ? manifest_.incrs.back().name : manifest_.NewIncr(filename_);
  st = OpenIncr(incr, !had_incr);
  if (!st.ok()) {
    LOG_WARNING("Can't open the append-only file %s: %s", incr.c_str(), st.message().c_str());
    return false;
  }
  st = persistence::PersistAofManifest(dirname_, persistence::AofManifestName(filename_),
                                       manifest_);
  if (!st.ok()) return false;  // logged by PersistAofManifest
  LOG_NOTICE("%s AOF incr file %s on server start", had_incr ? "Opening" : "Creating",
             incr.c_str());
  // Sized only when something was loaded, as Redis (a fresh start reports
  // 0 until the first write).
  if (loaded_any) UpdateSizes();
  base_size_ = current_size_;
  fsync_offset_ = current_size_;
  last_fsync_s_ = NowSeconds();
  RemoveHistory();
  return true;
}

persistence::AofBaseOptions Aof::BaseOptions() const {
  persistence::AofBaseOptions options;
  options.rdb_preamble = rdb_preamble_;
  options.rdb = server_->snapshots().AofBaseSaveOptions();
  options.timestamp = timestamps_;
  options.now_unix_s = NowSeconds();
  options.incremental_fsync = incremental_fsync_;
  return options;
}

Status Aof::CreateBaseOnStart() {
  const std::string name = manifest_.NewBase(filename_, rdb_preamble_);
  Status st = persistence::WriteAofBaseFile(server_->keyspace(), DirPath(name), BaseOptions());
  if (!st.ok()) return st;  // logged by WriteAofBaseFile
  LOG_NOTICE("Creating AOF base file %s on server start", name.c_str());
  return Status::Ok();
}

bool Aof::LoadFile(const persistence::AofFileInfo& file, bool last, bool* empty) {
  const std::string path = DirPath(file.name);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      LOG_WARNING("The AOF file %s doesn't exist", file.name.c_str());
    } else {
      LOG_WARNING("Fatal error: can't open the append log file %s for reading: %s",
                  file.name.c_str(), std::strerror(errno));
    }
    return false;
  }
  struct stat sb;
  const uint64_t size = fstat(fd, &sb) == 0 ? static_cast<uint64_t>(sb.st_size) : 0;
  if (size == 0) {
    *empty = true;
    close(fd);
    return true;
  }
  char head[5] = {0};
  const ssize_t got = pread(fd, head, sizeof(head), 0);
  uint64_t offset = 0;
  if (got == static_cast<ssize_t>(sizeof(head)) &&
      persistence::StartsWithRdbPreamble(std::string_view(head, sizeof(head)))) {
    const bool base = file.type == persistence::AofFileType::kBase;
    LOG_NOTICE(base ? "Reading RDB base file on AOF loading..."
                    : "Reading RDB preamble from AOF file...");
    persistence::RdbReader reader(fd, size);
    persistence::RdbLoadOptions options = server_->snapshots().LoadOptionsForAof();
    persistence::RdbLoadResult result;
    Status st = persistence::LoadRdb(reader, server_->keyspace(), options, &result);
    if (!st.ok()) {
      if (reader.failed()) {
        LOG_WARNING("Internal error in RDB reading offset %llu of file '%s' -> %s",
                    static_cast<unsigned long long>(reader.error().offset), file.name.c_str(),
                    reader.error().message.c_str());
      }
      LOG_WARNING(base ? "Error reading the RDB base file %s, AOF loading aborted"
                       : "Error reading the RDB preamble of the AOF file %s, AOF loading aborted",
                  file.name.c_str());
      close(fd);
      return false;
    }
    offset = reader.offset();
    if (offset < size) LOG_NOTICE("Reading the remaining AOF tail...");
  }
  const bool ok = LoadCommands(fd, size, offset, file.name, last);
  close(fd);
  return ok;
}

bool Aof::LoadCommands(int fd, uint64_t size, uint64_t offset, const std::string& name,
                       bool last) {
  persistence::AofReader reader(fd, size, offset);
  std::vector<std::string_view> argv;
  Server::Replayer replayer(server_);
  uint64_t valid_before_multi = 0;
  for (;;) {
    const persistence::AofReader::Result r = reader.Next(&argv);
    uint64_t cut = 0;
    if (r == persistence::AofReader::Result::kCommand) {
      if (argv.size() == 1 && EqualsIgnoreCase(argv[0], "multi")) {
        valid_before_multi = reader.last_command_offset();
      }
      const Server::Replayer::Result run = replayer.Run(argv);
      if (run == Server::Replayer::Result::kUnknown) {
        LOG_WARNING("Unknown command '%s' reading the append only file %s",
                    std::string(argv[0]).c_str(), name.c_str());
        return false;
      }
      if (run == Server::Replayer::Result::kBadArity) {
        LogBadFormat(name);
        return false;
      }
      continue;
    }
    if (r == persistence::AofReader::Result::kReadError) {
      LOG_WARNING("Unrecoverable error reading the append only file %s: %s", name.c_str(),
                  reader.read_error().c_str());
      return false;
    }
    if (r == persistence::AofReader::Result::kBadFormat) {
      LogBadFormat(name);
      return false;
    }
    if (r == persistence::AofReader::Result::kEnd) {
      if (!replayer.in_multi()) return true;
      // The file ends inside a transaction: its commands were never
      // executed as a whole, so it is cut back to before MULTI.
      LOG_WARNING("Revert incomplete MULTI/EXEC transaction in AOF file %s", name.c_str());
      cut = valid_before_multi;
    } else {
      cut = replayer.in_multi() ? valid_before_multi : reader.valid_up_to();
    }
    // A short read (or an unfinished MULTI): only the last file may be cut,
    // and only with aof-load-truncated.
    if (load_truncated_ && last) {
      LOG_WARNING("!!! Warning: short read while loading the AOF file %s!!!", name.c_str());
      LOG_WARNING("!!! Truncating the AOF %s at offset %llu !!!", name.c_str(),
                  static_cast<unsigned long long>(cut));
      if (ftruncate(fd, static_cast<off_t>(cut)) == 0 ||
          truncate(DirPath(name).c_str(), static_cast<off_t>(cut)) == 0) {
        replayer.DiscardMulti();
        LOG_WARNING("AOF %s loaded anyway because aof-load-truncated is enabled", name.c_str());
        return true;
      }
      LOG_WARNING("Error truncating the AOF file %s: %s", name.c_str(), std::strerror(errno));
    }
    LOG_WARNING(
        "Unexpected end of file reading the append only file %s. You can: 1) Make a backup of "
        "your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively "
        "you can set the 'aof-load-truncated' configuration option to yes and restart the "
        "server.",
        name.c_str());
    return false;
  }
}

// --- files -----------------------------------------------------------------

Status Aof::OpenIncr(const std::string& name, bool create) {
  const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (create ? O_TRUNC : 0);
  int fd = open(DirPath(name).c_str(), flags, 0644);
  if (fd < 0) return Status::IOError(std::strerror(errno));
  if (fd_ != -1) fsync_thread_.Close(fd_);
  fd_ = fd;
  incr_size_ = FileSize(DirPath(name));
  selected_db_ = -1;
  return Status::Ok();
}

void Aof::UpdateSizes() {
  uint64_t total = 0;
  if (manifest_.base) total += FileSize(DirPath(manifest_.base->name));
  for (const auto& f : manifest_.incrs) total += FileSize(DirPath(f.name));
  current_size_ = total;
}

void Aof::CloseFd() {
  if (fd_ == -1) return;
  if (fdatasync(fd_) == -1) {
    LOG_WARNING("Fail to fsync the AOF file: %s", std::strerror(errno));
  } else {
    fsync_offset_ = current_size_;
    last_fsync_s_ = NowSeconds();
  }
  close(fd_);
  fd_ = -1;
}

Status Aof::OpenNewIncrForRewrite() {
  // openNewIncrAofForAppend.
  if (state_ == State::kOff) return Status::Ok();
  std::string name;
  persistence::AofManifest next = manifest_;
  if (state_ == State::kWaitRewrite) {
    name = persistence::AofTempIncrName(filename_);
  } else {
    name = next.NewIncr(filename_);
  }
  int fd = open(DirPath(name).c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::string err = std::strerror(errno);
    LOG_WARNING("Can't open the append-only file %s: %s", name.c_str(), err.c_str());
    return Status::IOError(err);
  }
  if (state_ == State::kOn) {
    Status st = persistence::PersistAofManifest(dirname_, persistence::AofManifestName(filename_),
                                                next);
    if (!st.ok()) {
      close(fd);
      return st;
    }
  }
  LOG_NOTICE("Creating AOF incr file %s on background rewrite", name.c_str());
  // The old file is fsynced and closed off the main thread: under everysec
  // a delay is fine as long as it happens; under always it is synced already.
  if (fd_ != -1) {
    fsync_thread_.Fsync(fd_, current_size_);
    fsync_thread_.Close(fd_);
    fsync_offset_ = current_size_;
    last_fsync_s_ = NowSeconds();
  }
  fd_ = fd;
  incr_size_ = 0;
  temp_incr_open_ = state_ == State::kWaitRewrite;
  if (state_ == State::kOn) manifest_ = std::move(next);
  return Status::Ok();
}

void Aof::RemoveHistory() {
  // aof-disable-auto-gc: the history files stay (named in the manifest as
  // type h) for whoever wants them.
  if (manifest_.history.empty() || disable_auto_gc_) return;
  for (const auto& f : manifest_.history) {
    LOG_NOTICE("Removing the history file %s in the background", f.name.c_str());
    unlink(DirPath(f.name).c_str());
  }
  manifest_.history.clear();
  persistence::PersistAofManifest(dirname_, persistence::AofManifestName(filename_), manifest_);
}

// --- feeding and flushing --------------------------------------------------

void Aof::Feed(int db, std::span<const std::string_view> argv) {
  // While the first rewrite runs (kWaitRewrite) the commands accumulate for
  // the temporary incr file; without that child they would go nowhere.
  if (state_ == State::kOff || (state_ == State::kWaitRewrite && !child_active())) return;
  if (timestamps_) {
    const int64_t now = NowSeconds();
    if (now > last_timestamp_) {
      persistence::AppendAofTimestamp(&buf_, now);
      last_timestamp_ = now;
    }
  }
  if (db != selected_db_) {
    persistence::AppendAofSelect(&buf_, db);
    selected_db_ = db;
  }
  persistence::AppendAofCommand(&buf_, argv);
}

void Aof::Flush(bool force) {
  if (fd_ == -1) return;
  const int64_t now = NowSeconds();
  bool sync_in_progress = false;
  if (buf_.empty()) {
    // Under everysec an fsync is due even with nothing new to write, or data
    // written just before the writes stopped would wait in the page cache.
    if (fsync_policy_ == FsyncPolicy::kEverySec && fsync_offset_ != current_size_ &&
        now > last_fsync_s_ && fsync_thread_.pending_fsyncs() == 0) {
      goto try_fsync;
    }
    return;
  }
  if (fsync_policy_ == FsyncPolicy::kEverySec) sync_in_progress = fsync_thread_.pending_fsyncs() > 0;
  if (fsync_policy_ == FsyncPolicy::kEverySec && !force && sync_in_progress) {
    // The disk is busy with the last fsync: a write now would block behind
    // it. Wait up to two seconds, then write anyway.
    if (flush_postponed_start_ == 0) {
      flush_postponed_start_ = now;
      return;
    }
    if (now - flush_postponed_start_ < 2) return;
    ++delayed_fsyncs_;
    LOG_NOTICE(
        "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
        "without waiting for fsync to complete, this may slow down Redis.");
  }
  {
    const ssize_t n = WriteFully(fd_, buf_.data(), buf_.size());
    flush_postponed_start_ = 0;
    if (n != static_cast<ssize_t>(buf_.size())) {
      ssize_t written = n;
      if (n == -1) {
        last_write_errno_ = errno;
        LOG_WARNING("Error writing to the AOF file: %s", std::strerror(errno));
      } else {
        LOG_WARNING("Short write while writing to the AOF file: (nwritten=%lld, expected=%lld)",
                    static_cast<long long>(n), static_cast<long long>(buf_.size()));
        // Take the partial command back out, so the file stays loadable.
        if (ftruncate(fd_, static_cast<off_t>(incr_size_)) == 0) {
          written = -1;
        } else {
          LOG_WARNING(
              "Could not remove short write from the append-only file.  Spindle may refuse to "
              "load the AOF the next time it starts.  ftruncate: %s",
              std::strerror(errno));
        }
        last_write_errno_ = ENOSPC;
      }
      if (fsync_policy_ == FsyncPolicy::kAlways) {
        // The replies are in the output buffers and the dataset changed: the
        // promise that an acknowledged write is on disk cannot be kept.
        LOG_WARNING(
            "Can't recover from AOF write error when the AOF fsync policy is 'always'. "
            "Exiting...");
        _exit(1);
      }
      last_write_ok_ = false;
      if (written > 0) {
        current_size_ += static_cast<uint64_t>(written);
        incr_size_ += static_cast<uint64_t>(written);
        buf_.erase(0, static_cast<size_t>(written));
      }
      return;  // retried by the next Flush or the cron
    }
    if (!last_write_ok_) {
      LOG_WARNING("AOF write error looks solved, Spindle can write again.");
      last_write_ok_ = true;
    }
    current_size_ += static_cast<uint64_t>(n);
    incr_size_ += static_cast<uint64_t>(n);
    if (buf_.capacity() < 4000) {
      buf_.clear();
    } else {
      std::string().swap(buf_);
    }
  }
try_fsync:
  if (no_fsync_on_rewrite_ && server_->HasActiveChild()) return;
  if (fsync_policy_ == FsyncPolicy::kAlways) {
    if (fdatasync(fd_) == -1) {
      LOG_WARNING(
          "Can't persist AOF for fsync error when the AOF fsync policy is 'always': %s. "
          "Exiting...",
          std::strerror(errno));
      _exit(1);
    }
    fsync_offset_ = current_size_;
    last_fsync_s_ = now;
  } else if (fsync_policy_ == FsyncPolicy::kEverySec && now > last_fsync_s_) {
    if (!sync_in_progress) {
      fsync_thread_.Fsync(fd_, current_size_);
      fsync_offset_ = current_size_;
    }
    last_fsync_s_ = now;
  }
}

std::string Aof::WriteErrorText() const {
  if (state_ == State::kOff) return "";
  int err = 0;
  if (!last_write_ok_) {
    err = last_write_errno_;
  } else if (fsync_thread_.last_error() != 0) {
    err = fsync_thread_.last_error();
  } else {
    return "";
  }
  return std::string("MISCONF Errors writing to the AOF file: ") + std::strerror(err);
}

// --- rewrite ---------------------------------------------------------------

bool Aof::RewriteLimited() const {
  if (consecutive_failures_ < kRewriteLimitThreshold) return false;
  return NowSeconds() < next_rewrite_allowed_s_;
}

Aof::RewriteResult Aof::StartRewriteCommand() {
  if (child_active()) return RewriteResult::kInProgress;
  if (server_->HasActiveChild() || server_->in_exec()) {
    rewrite_scheduled_ = true;
    // Asked for by hand: the failure limit does not apply.
    consecutive_failures_ = 0;
    return RewriteResult::kScheduled;
  }
  return StartRewrite();
}

Aof::RewriteResult Aof::StartRewrite() {
  // rewriteAppendOnlyFileBackground.
  if (server_->HasActiveChild()) return RewriteResult::kFailed;
  Status st = CreateDirIfMissing(dirname_);
  if (!st.ok()) {
    LOG_WARNING("Can't open or create append-only dir %s: %s", dirname_.c_str(),
                st.message().c_str());
    last_rewrite_ok_ = false;
    return RewriteResult::kFailed;
  }
  // The next command after the switch names its database again.
  selected_db_ = -1;
  Flush(true);
  if (!OpenNewIncrForRewrite().ok()) {
    last_rewrite_ok_ = false;
    return RewriteResult::kFailed;
  }
  ++rewrites_;
  int64_t fork_usec = 0;
  if (!child_.Start([this](int cow_fd) { RunChild(cow_fd); }, &fork_usec)) {
    last_rewrite_ok_ = false;
    LOG_WARNING("Can't rewrite append only file in background: fork: %s", std::strerror(errno));
    return RewriteResult::kFailed;
  }
  server_->snapshots().RecordFork(fork_usec);
  LOG_NOTICE("Background append only file rewriting started by pid %ld",
             static_cast<long>(child_.pid()));
  server_->ChildStateChanged();
  rewrite_scheduled_ = false;
  rewrite_time_start_ = NowSeconds();
  return RewriteResult::kStarted;
}

void Aof::RunChild(int cow_fd) {
  StartForkedChild(server_);
  const std::string tmp = RewriteTempName(static_cast<long>(getpid()));
  Status st = persistence::WriteAofBaseFile(server_->keyspace(), tmp, BaseOptions());
  if (st.ok()) {
    LOG_NOTICE("Successfully created the temporary AOF base file %s", tmp.c_str());
    ReportChildCow(cow_fd, "AOF rewrite");
  }
  _exit(st.ok() ? 0 : 1);
}

bool Aof::FinishRewrite(pid_t child_pid) {
  // backgroundRewriteDoneHandler's success path: the new base and (for the
  // first rewrite) the temporary incr take their names, the incrs the base
  // now covers become history, and the manifest says so, durably, before
  // any old file is removed.
  const std::string tmp = RewriteTempName(static_cast<long>(child_pid));
  persistence::AofManifest next = manifest_;
  const std::string base = next.NewBase(filename_, rdb_preamble_);
  if (rename(tmp.c_str(), DirPath(base).c_str()) != 0) {
    LOG_WARNING("Error trying to rename the temporary AOF base file %s into %s: %s", tmp.c_str(),
                DirPath(base).c_str(), std::strerror(errno));
    return false;
  }
  LOG_NOTICE("Successfully renamed the temporary AOF base file %s into %s", tmp.c_str(),
             base.c_str());
  std::string incr;
  if (state_ == State::kWaitRewrite) {
    const std::string temp_incr = persistence::AofTempIncrName(filename_);
    incr = next.NewIncr(filename_);
    if (rename(DirPath(temp_incr).c_str(), DirPath(incr).c_str()) != 0) {
      LOG_WARNING("Error trying to rename the temporary AOF incr file %s into %s: %s",
                  temp_incr.c_str(), DirPath(incr).c_str(), std::strerror(errno));
      unlink(DirPath(base).c_str());
      return false;
    }
    LOG_NOTICE("Successfully renamed the temporary AOF incr file %s into %s", temp_incr.c_str(),
               incr.c_str());
    temp_incr_open_ = false;
  }
  // With AOF off no new incr was opened: every incr is covered by the base.
  next.MarkRewrittenIncrsAsHistory(/*keep_last=*/state_ != State::kOff);
  Status st = persistence::PersistAofManifest(dirname_, persistence::AofManifestName(filename_),
                                              next);
  if (!st.ok()) {
    unlink(DirPath(base).c_str());
    if (!incr.empty()) unlink(DirPath(incr).c_str());
    return false;
  }
  manifest_ = std::move(next);
  if (fd_ != -1) {
    current_size_ = FileSize(DirPath(base)) + incr_size_;
    base_size_ = current_size_;
    fsync_offset_ = current_size_;
    last_fsync_s_ = NowSeconds();
  }
  RemoveHistory();
  return true;
}

void Aof::ChildDone(int status) {
  const pid_t pid = child_.pid();
  const uint64_t cow = child_.Finish();
  const bool ok_exit = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (ok_exit) {
    LOG_NOTICE("Background AOF rewrite terminated with success");
    if (FinishRewrite(pid)) {
      last_rewrite_ok_ = true;
      consecutive_failures_ = 0;
      last_cow_bytes_ = cow;
      LOG_NOTICE("Background AOF rewrite finished successfully");
      if (state_ == State::kWaitRewrite) state_ = State::kOn;
    } else {
      last_rewrite_ok_ = false;
      ++consecutive_failures_;
    }
  } else if (WIFEXITED(status)) {
    last_rewrite_ok_ = false;
    ++consecutive_failures_;
    LOG_WARNING("Background AOF rewrite terminated with error");
  } else {
    const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    // SIGUSR1 is how the server itself stops a child: not an error.
    if (sig != SIGUSR1) {
      last_rewrite_ok_ = false;
      ++consecutive_failures_;
    }
    LOG_WARNING("Background AOF rewrite terminated by signal %d", sig);
  }
  if (consecutive_failures_ >= kRewriteLimitThreshold) {
    // aofRewriteLimited: 1, 2, 4 ... 60 minutes between automatic tries.
    int64_t minutes = int64_t{1} << std::min<uint64_t>(consecutive_failures_ - kRewriteLimitThreshold, 6);
    if (minutes > kRewriteLimitMaxMinutes) minutes = kRewriteLimitMaxMinutes;
    next_rewrite_allowed_s_ = NowSeconds() + minutes * 60;
    LOG_WARNING(
        "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in %d "
        "minutes",
        static_cast<int>(minutes));
  }
  unlink(RewriteTempName(static_cast<long>(pid)).c_str());
  if (state_ == State::kWaitRewrite) {
    // The first rewrite failed: what accumulated is dropped with the
    // temporary incr, and the rewrite is tried again.
    buf_.clear();
    unlink(DirPath(persistence::AofTempIncrName(filename_)).c_str());
    rewrite_scheduled_ = true;
  }
  server_->ChildStateChanged();
  rewrite_time_last_ = NowSeconds() - rewrite_time_start_;
  rewrite_time_start_ = -1;
}

void Aof::KillChild() {
  if (!child_active()) return;
  LOG_NOTICE("Killing running AOF rewrite child: %ld", static_cast<long>(child_.pid()));
  child_.Kill();
  unlink(RewriteTempName(static_cast<long>(child_.pid())).c_str());
  if (temp_incr_open_) unlink(DirPath(persistence::AofTempIncrName(filename_)).c_str());
  child_.Finish();
  rewrite_time_start_ = -1;
  server_->ChildStateChanged();
}

void Aof::Cron() {
  if (int status = 0; child_.Poll(&status)) ChildDone(status);
  if (!server_->HasActiveChild() && rewrite_scheduled_ && !RewriteLimited()) StartRewrite();
  if (state_ == State::kOn && !server_->HasActiveChild() && rewrite_percentage_ > 0 &&
      current_size_ > static_cast<uint64_t>(rewrite_min_size_)) {
    const uint64_t base = base_size_ != 0 ? base_size_ : 1;
    const long long growth = static_cast<long long>(current_size_ * 100 / base) - 100;
    if (growth >= rewrite_percentage_ && !RewriteLimited()) {
      LOG_NOTICE("Starting automatic rewriting of AOF on %lld%% growth", growth);
      StartRewrite();
    }
  }
  // A postponed write, a write to retry after an error, or an everysec
  // fsync that falls due with nothing new written: Flush sees to each.
  if (state_ != State::kOff) Flush(false);
}

// --- on / off --------------------------------------------------------------

Status Aof::Start() {
  // startAppendOnly.
  if (state_ != State::kOff) return Status::Ok();
  Refresh();
  state_ = State::kWaitRewrite;
  if (server_->HasActiveChild() && !child_active()) {
    rewrite_scheduled_ = true;
    LOG_WARNING(
        "AOF was enabled but there is already another background operation. An AOF background "
        "was scheduled to start when possible.");
  } else if (server_->in_exec()) {
    rewrite_scheduled_ = true;
    LOG_WARNING(
        "AOF was enabled during a transaction. An AOF background was scheduled to start when "
        "possible.");
  } else {
    if (child_active()) {
      LOG_WARNING(
          "AOF was enabled but there is already an AOF rewriting in background. Stopping "
          "background AOF and starting a rewrite now.");
      KillChild();
    }
    if (StartRewrite() != RewriteResult::kStarted) {
      state_ = State::kOff;
      LOG_WARNING(
          "Spindle needs to enable the AOF but can't trigger a background AOF rewrite operation. "
          "Check the above logs for more info about the error.");
      return Status::IOError("can't start the AOF rewrite");
    }
  }
  last_fsync_s_ = NowSeconds();
  return Status::Ok();
}

void Aof::Stop() {
  // stopAppendOnly.
  if (state_ == State::kOff) return;
  Flush(true);
  fsync_thread_.Drain();
  CloseFd();
  selected_db_ = -1;
  const bool temp = temp_incr_open_;
  state_ = State::kOff;
  rewrite_scheduled_ = false;
  incr_size_ = 0;
  KillChild();
  if (temp) unlink(DirPath(persistence::AofTempIncrName(filename_)).c_str());
  temp_incr_open_ = false;
  buf_.clear();
}

bool Aof::PrepareShutdown(bool force) {
  if (state_ == State::kOff) return true;
  if (child_active()) {
    if (state_ == State::kWaitRewrite && !force) {
      LOG_WARNING("Writing initial AOF, can't exit.");
      return false;
    }
    KillChild();
  }
  LOG_NOTICE("Calling fsync() on the AOF file.");
  Flush(true);
  fsync_thread_.Drain();
  if (fd_ != -1) fdatasync(fd_);
  return true;
}

// --- INFO ------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> Aof::InfoFields() const {
  auto n = [](auto v) { return std::to_string(v); };
  const bool write_ok = last_write_ok_ && fsync_thread_.last_error() == 0;
  return {
      {"aof_enabled", state_ != State::kOff ? "1" : "0"},
      {"aof_rewrite_in_progress", child_active() ? "1" : "0"},
      {"aof_rewrite_scheduled", rewrite_scheduled_ ? "1" : "0"},
      {"aof_last_rewrite_time_sec", n(rewrite_time_last_)},
      {"aof_current_rewrite_time_sec",
       n(rewrite_time_start_ == -1 ? -1 : NowSeconds() - rewrite_time_start_)},
      {"aof_last_bgrewrite_status", last_rewrite_ok_ ? "ok" : "err"},
      {"aof_rewrites", n(rewrites_)},
      {"aof_rewrites_consecutive_failures", n(consecutive_failures_)},
      {"aof_last_write_status", write_ok ? "ok" : "err"},
      {"aof_last_cow_size", n(last_cow_bytes_)},
  };
}

std::vector<std::pair<std::string, std::string>> Aof::EnabledInfoFields() const {
  auto n = [](auto v) { return std::to_string(v); };
  return {
      {"aof_current_size", n(current_size_)},
      {"aof_base_size", n(base_size_)},
      {"aof_pending_rewrite", rewrite_scheduled_ ? "1" : "0"},
      {"aof_buffer_length", n(buf_.size())},
      {"aof_pending_bio_fsync", n(fsync_thread_.pending_fsyncs())},
      {"aof_delayed_fsync", n(delayed_fsyncs_)},
  };
}

}  // namespace spindle::server
