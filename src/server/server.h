#pragma once
// Server: wires the layers. It owns the config, the event loop, the keyspace,
// the command table, the listening sockets and every client, and runs the
// path of one request: accept -> read -> parse -> dispatch -> reply buffer ->
// write before the loop sleeps.
//
// Thread: main thread, except RequestShutdown (async-signal-safe).

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <deque>
#include <vector>

#include "commands/command_table.h"
#include "net/event_loop.h"
#include "net/io_threads.h"
#include "net/tls.h"
#include "server/acl.h"
#include "server/active_expire.h"
#include "server/aof.h"
#include "server/client.h"
#include "server/client_limits.h"
#include "server/config.h"
#include "server/evictor.h"
#include "server/keyspace_observer.h"
#include "server/multi.h"
#include "server/rdb_snapshots.h"
#include "server/slowlog.h"
#include "server/notifications.h"
#include "server/pubsub.h"
#include "server/tracking.h"
#include "storage/keyspace.h"

namespace spindle::server {

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  size_t client_recent_max_input_buffer = 0;
  size_t client_recent_max_output_buffer = 0;
  uint64_t evicted_clients = 0;  // maxmemory-clients
};

// Samples of a growing counter, for INFO's instantaneous_* fields (Redis keeps
// 16 samples taken every 100 ms and reports their mean rate per second).
class RateMeter {
 public:
  void Sample(int64_t now_ms, uint64_t value);
  double PerSecond() const;

 private:
  static constexpr int kSamples = 16;
  double samples_[kSamples] = {0};
  int index_ = 0;
  int64_t last_ms_ = 0;
  uint64_t last_value_ = 0;
};

// Settings read on the hot path, refreshed from Config at start and after
// every CONFIG SET (so no lookup by name per command).
struct RuntimeSettings {
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE
  int active_expire_effort = 1;
  bool active_rehashing = true;
  bool lfu_policy = false;
  bool lazy_user_del = false;
  bool lazy_user_flush = false;
  bool lazy_expire = false;  // lazyfree-lazy-expire: expired keys propagate as UNLINK
  bool rdb_compression = true;  // rdbcompression (DUMP, saves)
  std::string enable_debug_command = "no";  // no | yes | local
  storage::EncodingLimits limits;
  int64_t slowlog_log_slower_than_us = 10000;  // < 0: off
  size_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold_ms = 0;    // 0: off
  bool latency_tracking = true;                // per-command histograms (latency_tracking.h)
  std::vector<double> latency_percentiles = {50, 99, 99.9};  // INFO latencystats
  size_t tracking_table_max_keys = 1000000;    // 0: no limit
  size_t acllog_max_len = 128;
  OutputBufferLimits obuf_limits;              // client-output-buffer-limit
  size_t client_eviction_limit = 0;            // maxmemory-clients in bytes; 0: off
};

class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens the listeners and sets up the loop. Returns an error (already
  // logged in Redis's words) when nothing could be listened on.
  Status Start();
  // Serves until shutdown. Returns the process exit code.
  int Run();
  // Async-signal-safe: asks the loop to shut down (SIGTERM / SIGINT).
  void RequestShutdown(int signal);

  Config& config() { return config_; }
  const ServerConfig& cfg() const { return config_.values(); }
  commands::CommandTable& commands() { return commands_; }
  storage::Keyspace& keyspace() { return *keyspace_; }
  net::EventLoop& loop() { return *loop_; }
  PubSub& pubsub() { return *pubsub_; }
  Notifications& notifications() { return *notifications_; }
  Tracking& tracking() { return *tracking_; }
  ServerStats& stats() { return stats_; }
  const std::map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  Client* FindClient(uint64_t id);
  int64_t start_time_ms() const { return start_time_ms_; }
  const std::string& run_id() const { return run_id_; }
  const std::string& executable() const { return executable_; }
  void set_executable(std::string path) { executable_ = std::move(path); }
  double instantaneous_ops() const { return ops_meter_.PerSecond(); }
  double instantaneous_input_kbps() const { return input_meter_.PerSecond() / 1024; }
  double instantaneous_output_kbps() const { return output_meter_.PerSecond() / 1024; }

  RuntimeSettings& settings() { return settings_; }
  const ActiveExpirer& expirer() const { return expirer_; }
  // INFO errorstats: error replies counted by their code word ("ERR", "WRONGTYPE").
  const std::map<std::string, uint64_t, std::less<>>& error_stats() const { return error_stats_; }
  // CONFIG RESETSTAT.
  void ResetStats();

  // Closes c at the end of this iteration (never inside its own callback).
  void CloseClientAsync(Client* c);
  // SHUTDOWN: stop serving after this iteration with exit code 0 (after
  // PrepareShutdown succeeded).
  void ShutdownFromCommand() { shutdown_requested_ = true; }
  // Redis's prepareForShutdown: kills a saving child, saves when save rules
  // exist (or kShutdownSave) unless kShutdownNoSave, removes the pid file and
  // the unix socket. False when the save failed and kShutdownForce is not
  // set: the server must keep running (already logged).
  static constexpr int kShutdownSave = 1, kShutdownNoSave = 2, kShutdownNow = 4,
                       kShutdownForce = 8;
  bool PrepareShutdown(int flags);

  // RDB snapshots (rdb_snapshots.h).
  RdbSnapshots& snapshots() { return *snapshots_; }
  // In a forked child (BGSAVE): closes the listening sockets, so a restart
  // of the server can bind them while the child still runs (Redis's
  // closeChildUnusedResourceAfterFork). Touches nothing else.
  void CloseListenersInChild();
  // Start-up (Redis's loadDataFromDisk): with appendonly yes the AOF, and
  // only the AOF; otherwise the RDB file, if any. False: the server must
  // exit(1) (already logged).
  bool LoadDataFromDisk();

  // The append-only file (aof.h).
  Aof& aof() { return *aof_; }
  // A BGSAVE or BGREWRITEAOF child is running (one at a time, as Redis).
  bool HasActiveChild() const { return snapshots_->child_active() || aof_->child_active(); }
  // Called when a child starts or ends: while one runs, lookups leave the
  // access clock alone and the cron does not rehash, so the parent writes
  // as few shared pages as it can (each write copies a 4 KiB page).
  void ChildStateChanged() { keyspace_->set_no_touch(HasActiveChild()); }
  // EXEC is running its queue: nothing may fork now (BGSAVE, BGREWRITEAOF).
  bool in_exec() const { return in_exec_; }

  // Runs the commands of an AOF being loaded through a client without a
  // connection (Redis's fake client): replies are dropped, nothing is
  // propagated, and keys do not expire while it lives (Redis never expires
  // a key while loading: a replayed command must see what the original saw).
  class Replayer {
   public:
    explicit Replayer(Server* server);
    ~Replayer();
    Replayer(const Replayer&) = delete;
    Replayer& operator=(const Replayer&) = delete;
    enum class Result { kOk, kUnknown, kBadArity };
    Result Run(std::span<const std::string_view> argv);
    // Inside a MULTI whose EXEC has not come yet.
    bool in_multi() const { return client_->in_multi(); }
    // Drops the queued commands of an unfinished MULTI (a truncated file).
    void DiscardMulti();

   private:
    Server* server_;
    std::unique_ptr<Client> client_;
    ChunkedBuffer scratch_;
  };

  // Called by Client.
  void HandleReadable(Client* c);
  void HandleWritable(Client* c);
  // The same for a TLS client (tls_server.cc): the handshake first, then
  // what a read or write wanted of the other event, then the above.
  void HandleTlsReadable(Client* c);
  void HandleTlsWritable(Client* c);
  // Parses and runs every complete command in c's query buffer.
  void ProcessInput(Client* c) { ProcessInput(c, nullptr); }

  // Threaded I/O (io-threads > 1), for INFO.
  bool io_threads_active() const { return io_threads_active_; }
  uint64_t io_threaded_reads() const { return io_threaded_reads_; }
  uint64_t io_threaded_writes() const { return io_threaded_writes_; }

  // Schedules c's pending output for the write before the loop sleeps.
  void QueueWrite(Client* c);

  // Client limits (client_limits.cc). OutputAppended: output was queued on
  // c from outside its own command (a pub/sub message, an invalidation, a
  // MONITOR line, a served blocked command): checks c's output-buffer limit,
  // updates its memory figure and schedules the write.
  void OutputAppended(Client* c);
  // Closes c (asynchronously) when its output is over its class's limit,
  // logging Redis's line (from_cron: clientsCron's wording). True if closed.
  bool CloseOnOutputLimit(Client* c, bool from_cron);
  // Brings c's share of clients_memory() up to date.
  void UpdateClientMemory(Client* c);
  // maxmemory-clients: closes the biggest evictable clients until the total
  // is under the limit (Redis's evictClients).
  void EvictClients();
  // The memory of every client not yet closing, as last measured.
  size_t clients_memory() const { return clients_memory_; }

  // Recomputes c's protocol limits (proto-max-bulk-len, authentication).
  void UpdateParserLimits(Client* c);

  // --- Access control (acl_commands.cc) -------------------------------------
  Acl& acl() { return *acl_; }
  // Redis's authRequired: c has not authenticated and the default user is
  // off or has passwords.
  bool AuthRequired(const Client* c) const {
    return !c->authenticated() && acl_->DefaultNeedsAuth();
  }
  // Logs into c as user (AUTH, HELLO AUTH).
  void Authenticate(Client* c, AclUser* user);
  // Redis's ACLAuthenticateUser: checks the credentials, logs in on success,
  // writes the ACL LOG entry on failure (its object: `command` as typed).
  bool AuthenticateWithPassword(Client* c, std::string_view command, std::string_view user,
                                std::string_view pass);
  // Adds an ACL LOG entry for c (acllog-max-len bounds the log).
  void AclLogDenial(Client* c, AclResult reason, std::string object, std::string username);
  // ACL DELUSER / LOAD (Redis's ACLFreeUserAndKillClients): every client
  // logged in as u goes back to the default user, unauthenticated, and is
  // closed (the client running the command after its reply).
  void KillClientsOfUser(const AclUser* u);
  // ACL SETUSER (Redis's ACLKillPubsubClientsIfNeeded): clients of u
  // subscribed to a channel or pattern u may no longer use are closed.
  void KillPubSubClientsIfNeeded(const AclUser* u);
  // The default user's state changed (requirepass, ACL SETUSER default ...):
  // the parser limits of unauthenticated clients follow it.
  void DefaultUserChanged();
  // Loads the users of the config file (`user` lines) or of aclfile at
  // start-up (Redis's ACLLoadUsersAtStartup). An error is fatal.
  Status LoadUsersAtStartup();
  // ACL LOAD / SAVE on aclfile. Errors are Redis's reply texts.
  Status LoadAclFile(const std::string& path);
  Status SaveAclFile(const std::string& path);
  // Blocking commands (blocking.cc).
  size_t blocked_clients() const { return blocked_count_; }
  // CLIENT UNBLOCK: ends c's wait with the timeout reply or an UNBLOCKED
  // error. Returns false when c is not blocked.
  bool UnblockByRequest(Client* c, bool with_error);

  // maxmemory, eviction and the memory figures (evictor.h).
  Evictor& evictor() { return *evictor_; }

  // SLOWLOG and LATENCY (slowlog.h).
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency() { return latency_; }

  // client_control.cc: MONITOR, CLIENT PAUSE.
  void StartMonitoring(Client* c) {
    c->set_monitor(true);
    monitors_.push_back(c->id());
  }
  void StopMonitoring(Client* c);
  enum class PauseType : uint8_t { kNone, kWrite, kAll };
  void PauseClients(PauseType type, int64_t end_ms);
  void UnpauseClients();

  // Transactions (multi.cc).
  WatchRegistry& watches() { return *watches_; }
  void ExecTransaction(Client* c);
  // Ends c's MULTI state and drops its watches.
  void DiscardTransaction(Client* c);

  // Applies a config directive changed at run time (CONFIG SET).
  Status ApplyConfigChange(std::string_view name);

 private:
  class Listener;

  void AcceptFrom(int listen_fd, bool tls);
  void RejectConnection(int fd, std::string_view why);
  void ExecuteCommand(Client* c, std::span<const std::string_view> args);
  void BeforeSleep();

  // --- client_io.cc: a client's bytes in and out ---------------------------
  // What one socket read pass found. Filled on any thread.
  struct ReadOutcome {
    enum class End : uint8_t { kOk, kEof, kError } end = End::kOk;
    int err = 0;       // errno of kError
    size_t bytes = 0;  // read in all
    uint32_t reads = 0;
    bool more = false;  // edge-triggered: stopped at the per-pass cap, not at EAGAIN
    // TLS, with more: the read goes on once the socket is writable (the
    // read must write first), not in the next iteration.
    bool tls_want_write = false;
  };
  // Commands an I/O thread cut out of a client's query buffer, for the main
  // thread to run: arguments as offsets into the buffer (its bytes do not
  // move until the main thread has run them) or into `storage` (inline
  // commands whose quoting the parser had to unescape).
  struct PreParsed {
    struct Arg {
      size_t offset;
      size_t len;
      bool in_storage;
    };
    struct Command {
      uint32_t argc;
      size_t consumed;
    };
    std::vector<Arg> args;
    std::vector<Command> commands;
    std::string storage;
    size_t next = 0;  // the next command to run (ProcessInput's progress)
    void Clear() {
      args.clear();
      commands.clear();
      storage.clear();
      next = 0;
    }
  };
  // What one socket write pass did. Filled on any thread.
  struct WriteOutcome {
    size_t bytes = 0;
    int err = 0;  // a fatal errno (not EAGAIN)
    bool skipped = false;
  };
  // The parts that touch only c's socket and buffers (any thread, while
  // the main thread does not touch c) and the parts that follow on the
  // main thread (stats, closing, event masks, running commands).
  void ReadSocket(Client* c, ReadOutcome* out) const;
  static void PreParse(Client* c, PreParsed* out);
  void FinishRead(Client* c, const ReadOutcome& r, PreParsed* pre);
  void WriteSocket(Client* c, WriteOutcome* out) const;
  bool FinishWrite(Client* c, const WriteOutcome& w);
  // Writes c's pending output now. Returns false if the client was closed.
  bool WriteToClient(Client* c);
  void ProcessInput(Client* c, PreParsed* pre);
  void HandlePendingReads();
  void WritePendingClients();
  // Whether a batch of n clients goes to the I/O threads.
  bool UseIoThreads(size_t n) const;
  // The query buffer of a client that holds none is lent from a pool for
  // the read and given back once it is empty again: an idle client holds no
  // buffer at all, and a busy one allocates none per read.
  void LendQueryBuffer(Client* c);
  void ReturnQueryBuffer(Client* c);
  void FreeClient(Client* c);
  void FreeClosedClients();
  int64_t Cron();
  void ClientsCron(int64_t now_ms);
  void CountErrors(Client* c, uint64_t errors_before);
  // Runs one parsed command for c: lookup, checks, handler. block may be
  // null (the command must not block).
  void RunCommand(Client* c, std::span<const std::string_view> args,
                  commands::BlockRequest* block);
  // blocking.cc
  void BlockClient(Client* c, std::span<const std::string_view> args,
                   const commands::BlockRequest& request);
  void UnblockClient(Client* c);
  void OnKeyReady(int db, std::string_view key);
  void ServeReadyKeys();
  void OnBlockTimeout(uint64_t client_id);
  void CountUnblockedCall(Client* c, bool failed, bool record_latency);
  static std::string WaitKey(int db, std::string_view key);
  void RefreshSettings();
  // client_control.cc: shows a command that ran to the monitors.
  void FeedMonitors(Client* c, const commands::CommandSpec* cmd,
                    std::span<const std::string_view> args);
  // Whether c's next command (args) must wait for the pause to end.
  bool MustPostpone(Client* c, std::span<const std::string_view> args);
  void Postpone(Client* c);
  void ForgetPostponed(Client* c);
  // After a command ran: slow log and latency monitor (Redis's call()).
  void RecordDuration(Client* c, const commands::CommandSpec* cmd,
                      std::span<const std::string_view> args, int64_t duration_us);
  // multi.cc: commands run at once even inside MULTI; queueing.
  static bool IsTransactionControl(const commands::CommandSpec* cmd);
  void QueueCommand(Client* c, const commands::CommandSpec* cmd,
                    std::span<const std::string_view> args);
  // A command refused before running: the error, the rejected-call count,
  // and for a client in MULTI the mark that makes EXEC abort (Redis's
  // rejectCommand; a refused EXEC itself discards the transaction).
  void RejectCommand(Client* c, const commands::CommandSpec* cmd, std::string_view error);
  void DatabasesCron();
  // Client-side caching: trackingLimitUsedSlots when anyone tracks, from the
  // cron and where Redis's processCommand calls it (after the checks of
  // arity, authentication and MULTI, before the command is refused in the
  // subscribed context, queued or run).
  void LimitTrackingTable();
  // Whether args name a CLIENT subcommand (what keeps CLIENT CACHING's flag
  // for the next command).
  bool IsClientSubcommand(std::span<const std::string_view> args) const;
  // The ACL check of a restricted client (c->acl_restricted()): false when
  // the command was refused (NOPERM, logged).
  bool CheckAclPermission(Client* c, const commands::CommandSpec* cmd,
                          std::span<const std::string_view> args);
  // Whether a protected command (DEBUG) may run for c (enable-debug-command).
  bool ProtectedAllowed(const Client* c) const;
  void RegisterCommands();
  Status Listen();
  // Propagation (Redis's alsoPropagate / propagatePendingCommands): what
  // the running top-level command (or EXEC, or a served blocked client)
  // propagates, handed to the AOF as one unit when it ends.
  class CallPropagator;
  friend class CallPropagator;
  friend class ServerKeyspaceObserver;
  friend class Evictor;
  struct PropagatedOp {
    int db;
    std::vector<std::string> argv;
  };
  bool propagating() const { return aof_->enabled() && !loading_; }
  void AddPropagated(int db, std::span<const std::string_view> argv);
  // A key found expired (lazily or by the active cycle): DEL, or UNLINK with
  // lazyfree-lazy-expire.
  void PropagateExpired(int db, std::string_view key);
  // An evicted key: DEL, or UNLINK with lazyfree-lazy-eviction (Redis's
  // propagateDeletion), fed on its own as eviction runs between commands.
  void PropagateDeletion(int db, std::string_view key, bool lazy);
  // Feeds what was collected, wrapped in MULTI / EXEC when more than one.
  void PropagatePending();
  // Opens TCP listeners (TLS ones with tls) on every bind address at port
  // (0: none) and records them as what the listeners were opened with.
  Status ListenTcp(int port, const std::vector<std::string>& bind, bool tls = false);
  void CloseTcpListeners(bool tls = false);

  // --- tls_server.cc: the TLS transport (docs/TLS.md) -----------------------
  // tls-port, tls-replication or tls-cluster: a context is needed (Redis
  // configures TLS at start-up and on CONFIG SET only then).
  bool TlsWanted() const;
  // Builds a new context from the tls-* directives and makes it the one new
  // connections use (live ones keep theirs). Logs Redis's reason on failure.
  Status ConfigureTls();
  // CONFIG SET of a tls-* directive (Redis's applyTlsCfg / applyTLSPort).
  Status ApplyTlsConfigChange(std::string_view name);
  // A client accepted on a TLS listener: its TlsConnection, then the
  // handshake, driven by the client's events until done.
  void StartTls(Client* c);
  void DriveTlsHandshake(Client* c, bool first);
  // ReadSocket / WriteSocket for a TLS client (any thread, as those).
  void ReadTls(Client* c, ReadOutcome* out) const;
  void WriteTls(Client* c, WriteOutcome* out) const;
  // The text of a read or write error: strerror(err), or for kTlsError the
  // TLS connection's own.
  static constexpr int kTlsError = -1;
  static std::string IoErrorText(const Client* c, int err);
  // The shutdown-on-sigterm / shutdown-on-sigint flags of the last signal.
  int SignalShutdownFlags() const;

  Config config_;
  std::unique_ptr<net::EventLoop> loop_;
  // Declared before the keyspace, which calls the observer: destroyed after it.
  std::unique_ptr<PubSub> pubsub_;
  std::unique_ptr<Notifications> notifications_;
  std::unique_ptr<Tracking> tracking_;
  std::unique_ptr<storage::Keyspace> keyspace_;
  std::unique_ptr<WatchRegistry> watches_;
  std::unique_ptr<ServerKeyspaceObserver> observer_;
  // Errors answered by the commands an EXEC ran (counted by those runs, so
  // not again for EXEC itself).
  std::vector<uint64_t> monitors_;   // client ids, in MONITOR order
  PauseType pause_type_ = PauseType::kNone;
  int64_t pause_end_ms_ = 0;
  net::TimerId pause_timer_ = 0;
  std::vector<uint64_t> postponed_;  // client ids, in arrival order
  bool reprocessing_ = false;        // a blocked command runs again
  SlowLog slowlog_;
  LatencyMonitor latency_;
  uint64_t exec_inner_errors_ = 0;
  bool in_exec_ = false;  // EXEC is running its queue (Redis's server.in_exec)
  commands::CommandTable commands_;
  std::unique_ptr<Acl> acl_;  // after commands_, whose ids its users keep
  std::vector<std::unique_ptr<Listener>> listeners_;
  int listen_port_ = 0;
  int tls_listen_port_ = 0;
  std::shared_ptr<net::TlsContext> tls_ctx_;  // null until TLS is configured
  std::vector<std::string> listen_bind_;
  std::map<uint64_t, std::unique_ptr<Client>> clients_;  // by id = creation order
  std::vector<Client*> pending_writes_;
  // Threaded I/O (client_io.cc).
  std::unique_ptr<net::IoThreads> io_threads_;  // null with io-threads 1
  bool threaded_reads_ = false;                 // io-threads-do-reads (and threads)
  bool io_threads_active_ = false;              // the last batch went to the threads
  uint64_t io_threaded_reads_ = 0;
  uint64_t io_threaded_writes_ = 0;
  std::vector<Client*> pending_reads_;
  std::vector<Client*> read_batch_;
  std::vector<ReadOutcome> read_outcomes_;
  std::vector<PreParsed> pre_parsed_;
  std::vector<uint8_t> parse_allowed_;
  std::vector<WriteOutcome> write_outcomes_;
  std::vector<net::Buffer> read_pool_;  // empty query buffers to lend
  std::vector<Client*> to_close_;
  size_t clients_memory_ = 0;  // sum of the clients' accounted_memory
  std::vector<std::string_view> argv_;  // scratch for the command being parsed
  uint64_t next_client_id_ = 1;
  uint64_t clients_cron_cursor_ = 0;
  ServerStats stats_;
  RuntimeSettings settings_;
  ActiveExpirer expirer_;
  int rehash_db_cursor_ = 0;
  // Blocked clients by "<db>\0<key>", FIFO; ids, so a freed client is
  // simply skipped.
  std::unordered_map<std::string, std::deque<uint64_t>> waiters_;
  std::vector<std::string> ready_keys_;
  std::unordered_set<std::string> ready_set_;
  size_t blocked_count_ = 0;
  bool serving_ready_keys_ = false;
  std::vector<uint64_t> unblocked_;  // ids: resume parsing their buffered input
  std::map<std::string, uint64_t, std::less<>> error_stats_;
  RateMeter ops_meter_, input_meter_, output_meter_;
  int64_t start_time_ms_ = 0;
  std::string run_id_;
  std::string executable_;
  std::atomic<bool> shutdown_requested_{false};
  std::atomic<int> shutdown_signal_{0};
  bool shutdown_prepared_ = false;
  std::unique_ptr<RdbSnapshots> snapshots_;
  const commands::CommandSpec* flushall_ = nullptr;  // saves after it (save rules)
  const commands::CommandSpec* exec_ = nullptr;      // never propagated itself
  bool edge_triggered_ = false;
  std::unique_ptr<Aof> aof_;
  std::unique_ptr<Evictor> evictor_;
  std::vector<PropagatedOp> also_propagate_;
  int call_depth_ = 0;    // RunCommand nesting (EXEC runs its queue inside)
  bool loading_ = false;  // an AOF is being replayed
};

}  // namespace spindle::server
