#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <limits>
#include <random>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strings.h"
#include "net/socket.h"
#include "protocol/errors.h"
#include "server/latency_tracking.h"
#include "server/server_commands.h"
#include "storage/keyspace_events.h"

namespace spindle::server {
namespace {

// Connections accepted per readiness event (Redis's MAX_ACCEPTS_PER_CALL): a
// flood of new connections cannot starve the clients already served.
constexpr int kMaxAcceptsPerCall = 1000;
constexpr int64_t kIdleBufferReleaseMs = 2000;

// Redis's shared.bgsaveerr (stop-writes-on-bgsave-error).
constexpr std::string_view kErrMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";

// The commands a failed BGSAVE stops (Redis's processCommand): writes, an
// EXEC whose queue writes, and PING.
bool IsWriteOrPing(const Client* c, const commands::CommandSpec* cmd) {
  if (cmd->flags & commands::kCmdWrite) return true;
  if (cmd->name == "ping") return true;
  if (cmd->name == "exec" && c->in_multi()) {
    for (const QueuedCommand& q : c->multi_state()->queue) {
      if (q.cmd()->flags & commands::kCmdWrite) return true;
    }
  }
  return false;
}

std::string RandomHex(size_t n) {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ WallTimeUs());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (auto& ch : s) ch = kHex[gen() & 15];
  return s;
}

}  // namespace

void RateMeter::Sample(int64_t now_ms, uint64_t value) {
  if (last_ms_ != 0 && now_ms > last_ms_) {
    double rate = static_cast<double>(value - last_value_) * 1000.0 / (now_ms - last_ms_);
    samples_[index_] = rate;
    index_ = (index_ + 1) % kSamples;
  }
  last_ms_ = now_ms;
  last_value_ = value;
}

double RateMeter::PerSecond() const {
  double sum = 0;
  for (double s : samples_) sum += s;
  return sum / kSamples;
}

class Server::Listener : public net::FdHandler {
 public:
  Listener(Server* server, int fd, bool tcp, bool tls = false)
      : server_(server), fd_(fd), tcp_(tcp), tls_(tls) {}
  ~Listener() override { close(fd_); }
  void OnReadable(int) override { server_->AcceptFrom(fd_, tls_); }
  void OnWritable(int) override {}
  int fd() const { return fd_; }
  bool tcp() const { return tcp_; }
  bool tls() const { return tls_; }  // the tls-port's listeners

 private:
  Server* server_;
  int fd_;
  bool tcp_;
  bool tls_;
};

Server::Server(Config config) : config_(std::move(config)) {
  run_id_ = RandomHex(40);
  config_.set_on_change([this](std::string_view name) { return ApplyConfigChange(name); });
  config_.set_user_lines_source([this] { return acl_->UserLines(); });
}

Server::~Server() {
  // Nothing may publish to the clients about to go.
  if (keyspace_) keyspace_->set_observer(nullptr);
  for (auto& [id, c] : clients_) {
    if (loop_) loop_->RemoveFd(c->fd());
  }
  clients_.clear();
  if (loop_) {
    for (auto& l : listeners_) loop_->RemoveFd(l->fd());
  }
  listeners_.clear();
}

void RegisterAllCommands(commands::CommandTable* table) {
  commands::RegisterStringCommands(table);
  commands::RegisterKeyCommands(table);
  commands::RegisterKeyspaceCommands(table);
  commands::RegisterListCommands(table);
  commands::RegisterSetCommands(table);
  commands::RegisterHashCommands(table);
  commands::RegisterSortedSetCommands(table);
  commands::RegisterSortCommands(table);
  commands::RegisterDumpCommands(table);
  RegisterConnectionCommands(table);
  RegisterServerCommands(table);
  RegisterPersistenceCommands(table);
  RegisterTransactionCommands(table);
  RegisterDiagnosticCommands(table);
  RegisterPubSubCommands(table);
  RegisterAclCommands(table);
  // Last, so the implemented commands keep their ids and table order.
  commands::RegisterAbsentCommands(table);
  table->AssignIds();
}

void Server::RegisterCommands() {
  RegisterAllCommands(&commands_);
  acl_ = std::make_unique<Acl>(&commands_);
  flushall_ = commands_.Find("flushall");
  exec_ = commands_.Find("exec");
}

Status Server::Start() {
  Clock::Update();
  start_time_ms_ = Clock::NowMs();
  const ServerConfig& cfg = config_.values();
  auto poller = net::CreatePoller(cfg.io_backend);
  if (!poller) return Status::InvalidArgument("Unknown io-backend '" + cfg.io_backend + "'");
  edge_triggered_ = poller->edge_triggered();
  // The fd table holds every client plus listeners and files (Redis reserves
  // CONFIG_FDSET_INCR = 128 descriptors beyond maxclients).
  loop_ = std::make_unique<net::EventLoop>(std::move(poller), cfg.maxclients + 128 + 32);
  keyspace_ = std::make_unique<storage::Keyspace>(cfg.databases);
  snapshots_ = std::make_unique<RdbSnapshots>(this);
  aof_ = std::make_unique<Aof>(this);
  evictor_ = std::make_unique<Evictor>(this);
  pubsub_ = std::make_unique<PubSub>([this](Client* c) { OutputAppended(c); });
  notifications_ = std::make_unique<Notifications>(pubsub_.get());
  tracking_ = std::make_unique<Tracking>([this](uint64_t id) { return FindClient(id); },
                                         [this](Client* c) { OutputAppended(c); });
  watches_ = std::make_unique<WatchRegistry>(cfg.databases);
  observer_ = std::make_unique<ServerKeyspaceObserver>(this);
  keyspace_->set_observer(observer_.get());
  RegisterCommands();
  RefreshSettings();
  {
    Status users = LoadUsersAtStartup();
    if (!users.ok()) return users;
  }
  keyspace_->set_key_ready_hook(
      [this](int db, std::string_view key) { OnKeyReady(db, key); });

  // As Redis's initServer: TLS is configured before anything listens, and a
  // configuration that does not load stops the start.
  if (TlsWanted() && !ConfigureTls().ok()) {
    LOG_WARNING("Failed to configure TLS. Check logs for more info.");
    return Status::InvalidArgument("Failed to configure TLS. Check logs for more info.");
  }
  Status st = Listen();
  if (!st.ok()) return st;

  // io-threads N counts the main thread (Redis's meaning): N - 1 workers,
  // asleep until a batch of reads or writes is big enough to share.
  if (cfg.io_threads > 1) {
    io_threads_ = std::make_unique<net::IoThreads>(cfg.io_threads);
    threaded_reads_ = cfg.io_threads_do_reads;
  }
  loop_->SetBeforeSleep([this] { BeforeSleep(); });
  loop_->SetAfterSleep([] { Clock::Update(); });
  loop_->AddTimer(1, [this] { return Cron(); });
  evictor_->RecordStartup();
  return Status::Ok();
}

Status Server::ListenTcp(int port, const std::vector<std::string>& bind, bool tls) {
  const ServerConfig& cfg = config_.values();
  (tls ? tls_listen_port_ : listen_port_) = port;
  listen_bind_ = bind;
  if (port == 0) return Status::Ok();
  for (const std::string& spec : bind) {
    bool optional = !spec.empty() && spec[0] == '-';
    std::string addr = optional ? spec.substr(1) : spec;
    auto fd = net::ListenTcp(addr, port, cfg.tcp_backlog);
    if (!fd.ok()) {
      if (optional) {
        LOG_NOTICE("%s (skipped: optional address)", fd.status().message().c_str());
        continue;
      }
      LOG_WARNING("Warning: %s", fd.status().message().c_str());
      return fd.status();
    }
    auto l = std::make_unique<Listener>(this, *fd, /*tcp=*/true, tls);
    Status st = loop_->AddFd(*fd, net::kReadable, l.get());
    if (!st.ok()) return st;
    listeners_.push_back(std::move(l));
  }
  return Status::Ok();
}

void Server::CloseListenersInChild() {
  for (auto& l : listeners_) close(l->fd());
}

void Server::CloseTcpListeners(bool tls) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if ((*it)->tcp() && (*it)->tls() == tls) {
      loop_->RemoveFd((*it)->fd());
      it = listeners_.erase(it);  // ~Listener closes the socket
    } else {
      ++it;
    }
  }
}

Status Server::Listen() {
  const ServerConfig& cfg = config_.values();
  Status st = ListenTcp(cfg.port, cfg.bind);
  if (!st.ok()) return st;
  const int tls_port = static_cast<int>(std::atoll(config_.GetOne("tls-port").value_or("0").c_str()));
  st = ListenTcp(tls_port, cfg.bind, /*tls=*/true);
  if (!st.ok()) {
    LOG_WARNING("Failed listening on port %d (TLS), aborting.", tls_port);
    return st;
  }
  if (!cfg.unixsocket.empty()) {
    auto fd = net::ListenUnix(cfg.unixsocket, cfg.unixsocketperm, cfg.tcp_backlog);
    if (!fd.ok()) {
      LOG_WARNING("%s", fd.status().message().c_str());
      return fd.status();
    }
    auto l = std::make_unique<Listener>(this, *fd, /*tcp=*/false);
    st = loop_->AddFd(*fd, net::kReadable, l.get());
    if (!st.ok()) return st;
    listeners_.push_back(std::move(l));
  }
  if (listeners_.empty()) {
    LOG_WARNING("Configured to not listen anywhere, exiting.");
    return Status::InvalidArgument("Configured to not listen anywhere, exiting.");
  }
  return Status::Ok();
}

int Server::Run() {
  LOG_NOTICE("Ready to accept connections (io-backend %s)", loop_->poller()->Name());
  for (;;) {
    while (!shutdown_requested_.load()) loop_->RunOnce();
    // SHUTDOWN prepared itself; a signal shuts down as shutdown-on-sig*
    // says, and a failed final save keeps the server running (Redis's
    // serverCron on shutdown_asap).
    if (shutdown_prepared_ || PrepareShutdown(SignalShutdownFlags())) break;
    LOG_WARNING(
        "SIGTERM received but errors trying to shut down the server, check the logs for more "
        "information");
    shutdown_requested_.store(false);
  }
  return 0;
}

int Server::SignalShutdownFlags() const {
  const char* name = shutdown_signal_.load() == SIGINT ? "shutdown-on-sigint" : "shutdown-on-sigterm";
  const std::string value = config_.GetOne(name).value_or("default");
  int flags = 0;
  size_t start = 0;
  while (start < value.size()) {
    size_t end = value.find(' ', start);
    if (end == std::string::npos) end = value.size();
    const std::string_view word(value.data() + start, end - start);
    if (word == "save") flags |= kShutdownSave;
    if (word == "nosave") flags |= kShutdownNoSave;
    if (word == "now") flags |= kShutdownNow;
    if (word == "force") flags |= kShutdownForce;
    start = end + 1;
  }
  return flags;
}

void Server::RequestShutdown(int signal) {
  LogFromSignalHandler(signal == SIGINT ? "Received SIGINT scheduling shutdown..."
                                        : "Received SIGTERM scheduling shutdown...");
  shutdown_signal_.store(signal);
  shutdown_requested_.store(true);
  if (loop_) loop_->Stop();
}

bool Server::PrepareShutdown(int flags) {
  LOG_WARNING("User requested shutdown...");
  // A saving child could overwrite the final snapshot: it goes first.
  snapshots_->KillChild();
  if (!aof_->PrepareShutdown(flags & kShutdownForce)) {
    LOG_WARNING("Errors trying to shut down the server. Check the logs for more information.");
    return false;
  }
  if ((snapshots_->has_save_rules() && !(flags & kShutdownNoSave)) || (flags & kShutdownSave)) {
    LOG_NOTICE("Saving the final RDB snapshot before exiting.");
    if (!snapshots_->Save().ok()) {
      if (flags & kShutdownForce) {
        LOG_WARNING("Error trying to save the DB. Exit anyway.");
      } else {
        LOG_WARNING("Error trying to save the DB, can't exit.");
        LOG_WARNING("Errors trying to shut down the server. Check the logs for more information.");
        return false;
      }
    }
  }
  // Flush what can still be flushed without blocking, then close everyone.
  for (auto& [id, c] : clients_) {
    if (!c->output().empty()) {
      if (c->tls() != nullptr) {
        if (c->tls()->established()) {
          net::TlsConnection::Io io;
          c->tls()->Write(&c->output(), 0, &io);
        }
        continue;
      }
      int err;
      net::WriteChunks(c->fd(), &c->output(), 0, &err);
    }
  }
  const ServerConfig& cfg = config_.values();
  if (!cfg.unixsocket.empty()) unlink(cfg.unixsocket.c_str());
  if (!cfg.pidfile.empty()) {
    LOG_NOTICE("Removing the pid file.");
    unlink(cfg.pidfile.c_str());
  }
  LOG_WARNING("Spindle is now ready to exit, bye bye...");
  shutdown_prepared_ = true;
  return true;
}

void Server::RejectConnection(int fd, std::string_view reply) {
  // Best effort, as Redis: the socket is fresh, so the short error fits.
  if (!reply.empty()) {
    ssize_t ignored = write(fd, reply.data(), reply.size());
    (void)ignored;
  }
  close(fd);
  ++stats_.rejected_connections;
}

void Server::AcceptFrom(int listen_fd, bool tls) {
  const ServerConfig& cfg = config_.values();
  // Under edge-triggered epoll the listener is reported once per change, so
  // it must be drained: no per-call cap there.
  for (int i = 0; edge_triggered_ || i < kMaxAcceptsPerCall; ++i) {
    net::PeerAddress peer;
    int err = 0;
    int fd = net::Accept(listen_fd, &peer, &err);
    if (fd < 0) {
      if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != ECONNABORTED) {
        LOG_WARNING("Accepting client connection: %s", strerror(err));
      }
      if (err == EINTR || err == ECONNABORTED) continue;
      return;
    }
    ++stats_.total_connections_received;
    if (clients_.size() >= static_cast<size_t>(cfg.maxclients)) {
      // Over TLS nothing can be said before the handshake: the connection
      // just drops, as in Redis.
      RejectConnection(fd, tls ? "" : "-ERR max number of clients reached\r\n");
      continue;
    }
    // Protected mode, after the maxclients check as in Redis: refused while
    // the default user has nopass (requirepass empty) and the peer is remote.
    // A TLS client is refused after its handshake (tls_server.cc).
    if (!tls && ProtectedModeRefuses(cfg.protected_mode, acl_->default_user()->nopass(), peer)) {
      RejectConnection(fd, kProtectedModeDenied);
      continue;
    }
    if (!peer.unix_socket) {
      net::SetNoDelay(fd);
      if (cfg.tcp_keepalive > 0) net::SetKeepAlive(fd, cfg.tcp_keepalive);
    }
    uint64_t id = next_client_id_++;
    auto client = std::make_unique<Client>(this, fd, id, peer, Clock::NowMs());
    Status st = loop_->AddFd(fd, net::kReadable, client.get());
    if (!st.ok()) {
      // select() cannot watch descriptors past FD_SETSIZE: refuse this one
      // client cleanly instead of corrupting an fd_set.
      LOG_WARNING("Error registering fd event for the new client: %s (fd=%d)",
                  st.message().c_str(), fd);
      static constexpr std::string_view kErr = "-ERR max number of clients reached\r\n";
      if (!tls) {
        ssize_t ignored = write(fd, kErr.data(), kErr.size());
        (void)ignored;
      }
      ++stats_.rejected_connections;
      client.reset();  // closes the socket
      continue;
    }
    // Redis's createClient: logged in as the default user, authenticated
    // when that user is on and needs no password.
    client->set_user(acl_->default_user());
    client->set_authenticated(!acl_->DefaultNeedsAuth());
    UpdateParserLimits(client.get());
    LOG_VERBOSE("Accepted %s", client->PeerId().c_str());
    // Not counted for maxmemory-clients until its first read, as Redis puts
    // a client in its memory buckets only once it has been measured.
    Client* added = client.get();
    clients_.emplace(id, std::move(client));
    if (tls) StartTls(added);
  }
}

void Server::UpdateParserLimits(Client* c) {
  protocol::ParserLimits limits;
  limits.max_bulk_len = config_.values().proto_max_bulk_len;
  limits.authenticated = !AuthRequired(c);
  c->parser().set_limits(limits);
}

Client* Server::FindClient(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

void Server::CloseClientAsync(Client* c) {
  if (c->close_asap()) return;
  // A closing client no longer counts against maxmemory-clients.
  clients_memory_ -= c->accounted_memory;
  c->accounted_memory = 0;
  c->MarkCloseAsap();
  to_close_.push_back(c);
}

// Propagation: what one command run asks for (see commands::Propagator).
class Server::CallPropagator final : public commands::Propagator {
 public:
  explicit CallPropagator(Server* server) : server_(server) {}
  void Rewrite(std::span<const std::string_view> argv) override {
    owned_.assign(argv.begin(), argv.end());
    views_.assign(owned_.begin(), owned_.end());
    rewritten_ = true;
  }
  void Also(int db, std::span<const std::string_view> argv) override {
    server_->AddPropagated(db, argv);
  }
  void Prevent() override { prevented_ = true; }

  bool rewritten() const { return rewritten_; }
  bool prevented() const { return prevented_; }
  std::span<const std::string_view> argv() const { return views_; }

 private:
  Server* server_;
  std::vector<std::string> owned_;
  std::vector<std::string_view> views_;
  bool rewritten_ = false;
  bool prevented_ = false;
};

void Server::ExecuteCommand(Client* c, std::span<const std::string_view> args) {
  // Each command sees the time it runs at, as Redis's call() refreshes its
  // cached time per top-level command: in a pipeline, a TTL can pass between
  // two commands of the same read. (Commands inside EXEC share EXEC's time.)
  Clock::Update();
  // maxmemory-clients: evict before the command runs, as Redis's
  // processCommand; the command of a client evicted here does not run.
  if (settings_.client_eviction_limit != 0 &&
      clients_memory_ >= settings_.client_eviction_limit) {
    EvictClients();
    if (c->close_asap()) return;
  }
  // What the reply may grow to before the client is over its output limit
  // (Redis queues nothing more once the limit is reached: one LRANGE of
  // millions of elements stops there, not at its full size).
  const OutputBufferLimit& obuf_limit = settings_.obuf_limits.Of(OutputClassFor(c->subscribed()));
  c->output().set_grow_limit(
      obuf_limit.enabled() ? OutputGrowLimit(obuf_limit, c->obuf_soft_since_s, Clock::NowMs() / 1000)
                           : std::numeric_limits<size_t>::max());
  commands::BlockRequest block;
  // CLIENT REPLY OFF / SKIP: the command's reply goes to a scratch buffer.
  const Client::ReplyMode mode = c->reply_mode();
  const bool silenced = mode == Client::ReplyMode::kOff || mode == Client::ReplyMode::kSkip;
  if (silenced) {
    ChunkedBuffer scratch;
    c->reply().set_output(&scratch);
    RunCommand(c, args, &block);
    c->reply().set_output(&c->output());
    // CLIENT REPLY ON answers OK once replies are on again.
    if (c->reply_mode() == Client::ReplyMode::kOn) c->output().Append(scratch.ToString());
  } else {
    RunCommand(c, args, &block);
  }
  // CLIENT CACHING covers the next command, or the next transaction: Redis's
  // resetClient clears it after any command but a CLIENT subcommand, unless
  // the client is in MULTI.
  if (ClientTracking* t = c->tracking(); t != nullptr && t->caching && !c->in_multi() &&
                                         !IsClientSubcommand(args)) {
    t->caching = false;
  }
  if (c->reply_mode() == Client::ReplyMode::kSkip) {
    c->set_reply_mode(Client::ReplyMode::kOn);
  } else if (c->reply_mode() == Client::ReplyMode::kSkipNext) {
    c->set_reply_mode(Client::ReplyMode::kSkip);
  }
  if (block.requested) BlockClient(c, args, block);
  // The reply may have taken c over its output-buffer limit: it is closed
  // after this command, and the rest of its pipeline is not run. Both
  // checks cost a few instructions when off (the default for normal
  // clients); the total of client memory is otherwise brought up to date
  // once per read batch (ProcessInput), which is enough when nothing evicts.
  if (settings_.obuf_limits.Of(OutputClassFor(c->subscribed())).enabled() ||
      c->output().truncated()) {
    CloseOnOutputLimit(c, false);
  }
  // The bound is for this command's reply only: output queued later (pub/sub
  // messages, a served BLPOP) is checked as it arrives, and a soft limit
  // whose clock was cleared meanwhile must start a new clock, not close.
  c->output().set_grow_limit(std::numeric_limits<size_t>::max());
  if (settings_.client_eviction_limit != 0) UpdateClientMemory(c);
  // Writes may have made keys ready for blocked clients: serve them now, in
  // the order the keys became ready, before the next command runs.
  if (!ready_keys_.empty()) ServeReadyKeys();
}

void Server::RunCommand(Client* c, std::span<const std::string_view> args,
                        commands::BlockRequest* block) {
  protocol::ReplyBuilder& reply = c->reply();
  uint64_t errors_before = reply.errors_written();
  // Client-side caching's view of "the client whose command runs" (Redis's
  // server.current_client); EXEC runs its queue in here too.
  Client* const outer_current = tracking_->current();
  tracking_->set_current(c);
  const commands::CommandSpec* cmd = commands_.Find(args[0]);
  if (cmd && cmd->is_container() && args.size() >= 2) {
    const commands::CommandSpec* sub = commands::CommandTable::FindSubcommand(*cmd, args[1]);
    if (!sub) {
      RejectCommand(c, cmd, protocol::UnknownSubcommandError(args[0], args[1]));
      cmd = nullptr;
    } else {
      cmd = sub;
    }
  } else if (!cmd) {
    RejectCommand(c, nullptr, protocol::UnknownCommandError(args[0], args.subspan(1)));
  }
  if (cmd) {
    // Redis's order of checks: arity, protected commands, authentication,
    // commands refused in a transaction, ACL permissions; then a client in
    // MULTI queues.
    if (!cmd->ArityOk(args.size())) {
      RejectCommand(c, cmd, protocol::WrongArityError(cmd->name));
    } else if ((cmd->flags & commands::kCmdProtected) && !ProtectedAllowed(c)) {
      RejectCommand(
          c, cmd,
          "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
          "\"local\", you can run it from a local connection, otherwise you need to set this "
          "option in the configuration file, and then restart the server.");
    } else if (AuthRequired(c) && !(cmd->flags & commands::kCmdNoAuth)) {
      RejectCommand(c, cmd, protocol::kErrNoAuth);
    } else if (c->in_multi() && !in_exec_ && (cmd->flags & commands::kCmdNoMulti)) {
      RejectCommand(c, cmd, "ERR Command not allowed inside a transaction");
    } else if (c->acl_restricted() && !CheckAclPermission(c, cmd, args)) {
      // Refused with NOPERM and logged (acl_commands.cc).
    } else if (call_depth_ == 0 && !reprocessing_ && evictor_->MustRejectForOom(c, cmd)) {
      // maxmemory (Redis's processCommand; not for what EXEC runs or a
      // served blocked client, which bypass it there too).
      RejectCommand(c, cmd, Evictor::kErrOom);
    } else if (snapshots_->WritesRefused() && IsWriteOrPing(c, cmd)) {
      RejectCommand(c, cmd, kErrMisconf);
    } else if (aof_->write_failed() && IsWriteOrPing(c, cmd)) {
      RejectCommand(c, cmd, aof_->WriteErrorText());
    } else if (c->subscribed() && c->resp() == 2 && !AllowedWhileSubscribed(cmd->name)) {
      // RESP2 cannot tell a pushed message from a reply, so a subscribed
      // client is held to the subscribed context; RESP3 pushes are typed.
      LimitTrackingTable();
      RejectCommand(c, cmd, protocol::SubscribeContextError(cmd->name));
    } else if (c->in_multi() && !in_exec_ && !IsTransactionControl(cmd)) {
      LimitTrackingTable();
      QueueCommand(c, cmd, args);
    } else {
      LimitTrackingTable();
      commands::CommandContext ctx;
      ctx.args = args;
      ctx.reply = &reply;
      ctx.keyspace = keyspace_.get();
      ctx.db = &keyspace_->db(c->db_index());
      ctx.session = c;
      ctx.now_ms = Clock::NowMs();
      ctx.proto_max_bulk_len = config_.values().proto_max_bulk_len;
      ctx.lfu_policy = settings_.lfu_policy;
      ctx.lazy_user_del = settings_.lazy_user_del;
      ctx.lazy_user_flush = settings_.lazy_user_flush;
      ctx.lazy_expire = settings_.lazy_expire;
      ctx.limits = &settings_.limits;
      ctx.rdb_compression = settings_.rdb_compression;
      ctx.block = (cmd->flags & commands::kCmdBlocking) ? block : nullptr;
      CallPropagator propagator(this);
      const bool propagate = propagating();
      if (propagate) ctx.propagator = &propagator;
      const uint64_t dirty_before = keyspace_->dirty();
      ++call_depth_;
      // CLIENT LIST shows the running command (EXEC while it runs its queue).
      if (!in_exec_) c->set_last_command(cmd);
      uint64_t errors_in = reply.errors_written();
      const uint64_t outer_inner_errors = exec_inner_errors_;
      exec_inner_errors_ = 0;
      int64_t started = MonotonicUs();
      const bool outer_executing = tracking_->executing();
      tracking_->set_executing(true);
      cmd->handler(ctx);
      tracking_->set_executing(outer_executing);
      --call_depth_;
      // Redis's call(): a command that changed the dataset is propagated
      // (EXEC's own change is its commands', propagated one by one).
      if (propagate && keyspace_->dirty() > dirty_before && !propagator.prevented() &&
          cmd != exec_) {
        std::span<const std::string_view> own = propagator.rewritten() ? propagator.argv() : args;
        // The common case, one command alone, goes to the AOF without a copy.
        if (call_depth_ == 0 && also_propagate_.empty()) {
          aof_->Feed(c->db_index(), own);
        } else {
          AddPropagated(c->db_index(), own);
        }
      }
      if (call_depth_ == 0 && !also_propagate_.empty()) PropagatePending();
      if (cmd == flushall_ && reply.errors_written() == errors_in) snapshots_->AfterFlushAll();
      const int64_t duration_us = MonotonicUs() - started;
      // Client-side caching: the keys a read-only command read may now be
      // cached by its client (Redis's call() -> trackingRememberKeys).
      if ((cmd->flags & commands::kCmdReadOnly) && c->tracking() != nullptr) {
        tracking_->RememberKeys(c, *cmd, args);
      }
      cmd->stats.usec += duration_us;
      // Errors of the commands an EXEC ran were counted by their own runs.
      const uint64_t inner_errors = exec_inner_errors_;
      exec_inner_errors_ = outer_inner_errors;
      errors_before += inner_errors;
      // A command that blocked is counted when it is served (its re-run).
      if (ctx.block == nullptr || !ctx.block->requested) {
        ++cmd->stats.calls;
        RecordDuration(c, cmd, args, duration_us);
        if (settings_.latency_tracking) {
          // A served blocked command counts the run that blocked too.
          const int64_t blocked_run_us =
              reprocessing_ && c->blocked() ? c->blocked_state()->blocked_run_us : 0;
          RecordCommandLatency(*cmd, duration_us + blocked_run_us);
        }
      } else {
        ctx.block->ran_us = duration_us;
      }
      // Monitors see a command once, after it ran (or blocked).
      if (!reprocessing_) FeedMonitors(c, cmd, args);
      if (reply.errors_written() - errors_in > inner_errors) ++cmd->stats.failed_calls;
      ++stats_.total_commands_processed;
    }
  }
  CountErrors(c, errors_before);
  // Invalidations this command caused for its own client follow its reply;
  // for a transaction, EXEC's whole reply.
  if (!in_exec_) tracking_->FlushPending();
  tracking_->set_current(outer_current);
}

void Server::RecordDuration(Client* c, const commands::CommandSpec* cmd,
                            std::span<const std::string_view> args, int64_t duration_us) {
  const int64_t threshold = settings_.slowlog_log_slower_than_us;
  if (threshold >= 0 && duration_us >= threshold && !(cmd->flags & commands::kCmdSkipSlowlog)) {
    std::vector<int> redacted = RedactedArgs(*cmd, args);
    slowlog_.Push(args, redacted, duration_us, Clock::NowMs() / 1000, c->PeerId(), c->name(),
                  settings_.slowlog_max_len);
  }
  const int64_t latency_ms = duration_us / 1000;
  if (settings_.latency_monitor_threshold_ms > 0 &&
      latency_ms >= settings_.latency_monitor_threshold_ms) {
    latency_.Add((cmd->flags & commands::kCmdFast) ? "fast-command" : "command", latency_ms,
                 Clock::NowMs() / 1000);
  }
}

void Server::RejectCommand(Client* c, const commands::CommandSpec* cmd, std::string_view error) {
  if (cmd != nullptr) ++cmd->stats.rejected_calls;
  if (cmd != nullptr && cmd->name == "exec") {
    // Redis's execCommandAbort: the transaction ends, and the reason is
    // told without the generic ERR code.
    std::string_view reason = error;
    if (reason.rfind("ERR ", 0) == 0) reason.remove_prefix(4);
    DiscardTransaction(c);
    c->reply().Error("EXECABORT Transaction discarded because of: " + std::string(reason));
    return;
  }
  if (c->in_multi()) c->multi_state()->dirty_exec = true;
  c->reply().Error(error);
}

void Server::LimitTrackingTable() {
  // Not for what EXEC or a served blocked client runs: Redis does it in
  // processCommand, which they bypass.
  if (in_exec_ || reprocessing_ || tracking_->tracking_clients() == 0) return;
  tracking_->LimitKeys(settings_.tracking_table_max_keys);
}

bool Server::IsClientSubcommand(std::span<const std::string_view> args) const {
  if (args.size() < 2 || !EqualsIgnoreCase(args[0], "client")) return false;
  const commands::CommandSpec* client = commands_.Find(args[0]);
  return client != nullptr && commands::CommandTable::FindSubcommand(*client, args[1]) != nullptr;
}

bool Server::ProtectedAllowed(const Client* c) const {
  const std::string& mode = settings_.enable_debug_command;
  if (mode == "yes") return true;
  if (mode != "local") return false;
  const net::PeerAddress& peer = c->peer();
  return peer.unix_socket || peer.ip.rfind("127.", 0) == 0 || peer.ip == "::1";
}

void Server::RefreshSettings() {
  auto get = [this](const char* name) { return config_.GetOne(name).value_or(""); };
  settings_.active_expire_effort = std::atoi(get("active-expire-effort").c_str());
  settings_.active_rehashing = get("activerehashing") == "yes";
  settings_.lfu_policy = config_.values().maxmemory_policy.find("lfu") != std::string::npos;
  settings_.lazy_user_del = get("lazyfree-lazy-user-del") == "yes";
  settings_.acllog_max_len = std::strtoull(get("acllog-max-len").c_str(), nullptr, 10);
  // Read where a selector is created (ACL SETUSER, reset), as Redis reads
  // server.acl_pubsub_default.
  if (acl_) acl_->set_pubsub_all(get("acl-pubsub-default") == "allchannels");
  settings_.lazy_user_flush = get("lazyfree-lazy-user-flush") == "yes";
  settings_.lazy_expire = get("lazyfree-lazy-expire") == "yes";
  settings_.rdb_compression = get("rdbcompression") == "yes";
  if (snapshots_) snapshots_->Refresh();
  if (aof_) aof_->Refresh();
  if (evictor_) evictor_->Refresh();
  settings_.enable_debug_command = get("enable-debug-command");
  if (notifications_) notifications_->set_flags(config_.notify_keyspace_events_flags());
  auto num = [&get](const char* name) { return std::atoll(get(name).c_str()); };
  storage::EncodingLimits& l = settings_.limits;
  l.hash_max_listpack_entries = num("hash-max-listpack-entries");
  l.hash_max_listpack_value = num("hash-max-listpack-value");
  l.set_max_intset_entries = num("set-max-intset-entries");
  l.zset_max_listpack_entries = num("zset-max-listpack-entries");
  l.zset_max_listpack_value = num("zset-max-listpack-value");
  l.list_max_listpack_size = num("list-max-listpack-size");
  l.list_compress_depth = num("list-compress-depth");
  settings_.slowlog_log_slower_than_us = num("slowlog-log-slower-than");
  settings_.slowlog_max_len = static_cast<size_t>(num("slowlog-max-len"));
  settings_.latency_monitor_threshold_ms = num("latency-monitor-threshold");
  settings_.latency_tracking = get("latency-tracking") == "yes";
  settings_.latency_percentiles.clear();
  {
    // Validated by CONFIG SET: numbers in [0, 100], space-separated.
    const std::string percentiles = get("latency-tracking-info-percentiles");
    const char* p = percentiles.c_str();
    char* end = nullptr;
    for (double v = std::strtod(p, &end); end != p; v = std::strtod(p, &end)) {
      settings_.latency_percentiles.push_back(v);
      p = end;
    }
  }
  settings_.tracking_table_max_keys = static_cast<size_t>(num("tracking-table-max-keys"));
  settings_.obuf_limits = OutputBufferLimits::Parse(get("client-output-buffer-limit"));
  // maxmemory is read as configured (its own accounting is not this one's).
  settings_.client_eviction_limit = ClientEvictionLimit(
      get("maxmemory-clients"), static_cast<uint64_t>(config_.values().maxmemory));
  slowlog_.Trim(settings_.slowlog_max_len);
}

void Server::CountErrors(Client* c, uint64_t errors_before) {
  uint64_t n = c->reply().errors_written() - errors_before;
  if (n == 0) return;
  stats_.total_error_replies += n;
  std::string_view code = c->reply().last_error_code();
  auto it = error_stats_.find(code);
  if (it != error_stats_.end()) {
    it->second += n;
  } else if (error_stats_.size() < 128) {  // Redis caps distinct error codes at 128
    error_stats_.emplace(std::string(code), n);
  }
}

void Server::ResetStats() {
  stats_ = ServerStats();
  io_threaded_reads_ = io_threaded_writes_ = 0;
  error_stats_.clear();
  expirer_.ResetStats();
  evictor_->stats() = EvictionStats();
  commands_.ForEach([](const commands::CommandSpec& cmd) {
    cmd.stats = commands::CommandStats();
    for (const auto& sub : cmd.subcommands) sub.stats = commands::CommandStats();
  });
  keyspace_->stats() = storage::KeyspaceStats();
}

void Server::BeforeSleep() {
  // With threaded reads, the clients found readable since the last
  // iteration: read and parsed (on the I/O threads), then their commands run
  // here in the order the poller reported them (Redis's
  // handleClientsWithPendingReadsUsingThreads).
  HandlePendingReads();
  // Clients unblocked since the last iteration go on with the commands they
  // pipelined while blocked.
  while (!unblocked_.empty()) {
    std::vector<uint64_t> ids;
    ids.swap(unblocked_);
    for (uint64_t id : ids) {
      Client* c = FindClient(id);
      if (c != nullptr && !c->closing() && !c->blocked()) ProcessInput(c);
    }
  }
  // The fast expire cycle runs before the writes, as in Redis's beforeSleep:
  // the "expired" notifications it publishes go out in this same pass.
  // While clients are paused nothing may change the dataset: no expiry.
  if (settings_.active_expire_enabled && pause_type_ == PauseType::kNone) {
    expirer_.Cycle(*keyspace_, ActiveExpirer::Mode::kFast, config_.values().hz,
                   settings_.active_expire_effort);
  }
  // Client-side caching in BCAST mode: what this iteration modified, one
  // message per prefix, written with the replies below.
  tracking_->BroadcastPending();
  // The AOF is written (and under appendfsync always, fsynced) before any
  // reply: a client never hears of a write the file does not hold.
  aof_->Flush(false);
  // Replies are written here, right before the loop sleeps, so most of them
  // go out with one writev and no write-readiness round trip (Redis's
  // handleClientsWithPendingWrites), on the I/O threads when there are any.
  WritePendingClients();
  // Redis's beforeSleep evicts clients after the writes: what is left
  // queued counts.
  EvictClients();
  FreeClosedClients();
  if (shutdown_requested_.load()) loop_->Stop();
}

void Server::FreeClosedClients() {
  for (Client* c : to_close_) FreeClient(c);
  to_close_.clear();
}

void Server::FreeClient(Client* c) {
  if (c->blocked()) UnblockClient(c);
  ForgetPostponed(c);
  StopMonitoring(c);
  DiscardTransaction(c);
  pubsub_->RemoveClient(c);
  tracking_->ClientFreed(c);
  clients_memory_ -= c->accounted_memory;
  loop_->RemoveFd(c->fd());
  uint64_t id = c->id();
  clients_.erase(id);  // ~Client closes the socket
}

int64_t Server::Cron() {
  int64_t now = Clock::NowMs();
  ops_meter_.Sample(now, stats_.total_commands_processed);
  input_meter_.Sample(now, stats_.total_net_input_bytes);
  output_meter_.Sample(now, stats_.total_net_output_bytes);
  ClientsCron(now);
  evictor_->UsedMemory();  // the peak (cronUpdateMemoryStats)
  DatabasesCron();
  // Even an idle server gets under a lowered tracking-table-max-keys.
  LimitTrackingTable();
  snapshots_->Cron();
  aof_->Cron();
  // Clients closed here are freed by the next BeforeSleep, which runs before
  // the loop waits again: freeing them now could free a client still listed
  // for this iteration's reads or writes.
  int hz = config_.values().hz;
  if (hz < 1) hz = 1;
  return 1000 / hz;
}

void Server::DatabasesCron() {
  if (settings_.active_expire_enabled && pause_type_ == PauseType::kNone) {
    expirer_.Cycle(*keyspace_, ActiveExpirer::Mode::kSlow, config_.values().hz,
                   settings_.active_expire_effort);
  }
  // Rehashing moves entries between tables: with a child sharing the pages
  // copy-on-write it would copy them (Redis rehashes only without a child).
  if (!settings_.active_rehashing || HasActiveChild()) return;
  // Redis's incrementallyRehash: give one database that is rehashing up to
  // 1 ms of work per cron run, visiting the databases in turn.
  const int n = keyspace_->count();
  for (int i = 0; i < n; ++i) {
    storage::Database& db = keyspace_->db(rehash_db_cursor_ % n);
    ++rehash_db_cursor_;
    if (!db.RehashStep(100)) continue;
    int64_t start = MonotonicUs();
    while (MonotonicUs() - start < 1000 && db.RehashStep(100)) {
    }
    break;
  }
}

void Server::ClientsCron(int64_t now_ms) {
  if (clients_.empty()) return;
  // Visit a slice of the clients each call so the whole set is covered about
  // once a second without a pause proportional to the number of clients.
  int hz = config_.values().hz > 0 ? config_.values().hz : 1;
  size_t budget = clients_.size() / hz;
  if (budget < 5) budget = 5;
  int64_t max_idle_ms = static_cast<int64_t>(config_.values().timeout) * 1000;
  auto it = clients_.lower_bound(clients_cron_cursor_);
  for (size_t n = 0; n < budget && n < clients_.size(); ++n) {
    if (it == clients_.end()) it = clients_.begin();
    Client* c = it->second.get();
    ++it;
    if (c->close_asap()) continue;
    // Redis's clientsCron: a client held over its soft output limit is
    // closed even if nothing more is queued for it.
    if (CloseOnOutputLimit(c, true)) continue;
    int64_t idle = now_ms - c->last_interaction_ms();
    // Blocked and subscribed clients wait by design, and so do monitors
    // (Redis flags them as replicas): no idle timeout for them (Redis's
    // clientsCronHandleTimeout).
    if (max_idle_ms > 0 && idle > max_idle_ms && !c->blocked() && !c->subscribed() &&
        !c->monitor()) {
      LOG_VERBOSE("Closing idle client");
      CloseClientAsync(c);
      continue;
    }
    if (c->query().empty() && idle > kIdleBufferReleaseMs) c->query().Release();
    UpdateClientMemory(c);
  }
  clients_cron_cursor_ = (it == clients_.end()) ? 0 : it->first;
}

Status Server::ApplyConfigChange(std::string_view name) {
  const ServerConfig& cfg = config_.values();
  RefreshSettings();
  if (name == "loglevel") {
    SetLogLevel(cfg.loglevel);
  } else if (name == "logfile") {
    if (!SetLogFile(cfg.logfile)) return Status::IOError("can't open the log file");
  } else if (name == "proto-max-bulk-len") {
    for (auto& [id, c] : clients_) UpdateParserLimits(c.get());
  } else if (name == "requirepass") {
    // requirepass is the default user's password (Redis's updateRequirePass).
    acl_->SetDefaultPassword(cfg.requirepass);
    DefaultUserChanged();

  } else if (name.starts_with("tls-")) {
    return ApplyTlsConfigChange(name);
  } else if (name == "port" || name == "bind") {
    // As Redis: close the TCP listeners and listen again with the new
    // settings; if that fails, listen again as before (Config restores the
    // directive's old value) and report Redis's error.
    // A new bind moves the tls-port's listeners too (Redis's changeBindAddr).
    const bool tls_too = name == "bind" && tls_listen_port_ != 0;
    int old_port = listen_port_;
    std::vector<std::string> old_bind = listen_bind_;
    CloseTcpListeners();
    if (tls_too) CloseTcpListeners(/*tls=*/true);
    Status st = ListenTcp(cfg.port, cfg.bind);
    if (st.ok() && tls_too) st = ListenTcp(tls_listen_port_, cfg.bind, /*tls=*/true);
    if (!st.ok()) {
      CloseTcpListeners();
      if (tls_too) CloseTcpListeners(/*tls=*/true);
      Status back = ListenTcp(old_port, old_bind);
      if (back.ok() && tls_too) back = ListenTcp(tls_listen_port_, old_bind, /*tls=*/true);
      if (!back.ok()) LOG_WARNING("Failed to restore the previous listeners: %s", back.message().c_str());
      return Status::IOError(name == "port" ? "Unable to listen on this port. Check server logs."
                                            : "Failed to bind to specified addresses.");
    }
  } else if (name == "appendonly") {
    // Redis's updateAppendonly: on starts the first rewrite (the AOF is
    // written once it ends), off flushes, fsyncs and closes.
    const bool on = config_.GetOne("appendonly").value_or("no") == "yes";
    if (on && !aof_->enabled()) {
      if (!aof_->Start().ok()) return Status::IOError("Unable to turn on AOF. Check server logs.");
    } else if (!on && aof_->enabled()) {
      aof_->Stop();
    }
  } else if (name == "maxmemory") {
    evictor_->MaxmemoryChanged();
  } else if (name == "maxclients") {
    if (cfg.maxclients + 128 + 32 > loop_->max_fds()) {
      return Status::InvalidArgument(
          "The event loop API used by Spindle is not able to handle the specified number of "
          "clients");
    }
  }
  return Status::Ok();
}

// --- propagation -----------------------------------------------------------

void Server::AddPropagated(int db, std::span<const std::string_view> argv) {
  PropagatedOp op{db, {}};
  op.argv.assign(argv.begin(), argv.end());
  also_propagate_.push_back(std::move(op));
}

void Server::PropagateExpired(int db, std::string_view key) {
  if (!propagating()) return;
  const std::string_view argv[] = {settings_.lazy_expire ? "UNLINK" : "DEL", key};
  if (call_depth_ > 0) {
    AddPropagated(db, argv);
  } else {
    // The active expire cycle: each key on its own, as Redis.
    aof_->Feed(db, argv);
  }
}

void Server::PropagateDeletion(int db, std::string_view key, bool lazy) {
  if (!propagating()) return;
  const std::string_view argv[] = {lazy ? "UNLINK" : "DEL", key};
  aof_->Feed(db, argv);
}

void Server::PropagatePending() {
  std::vector<PropagatedOp> ops;
  ops.swap(also_propagate_);
  if (!propagating()) return;
  // Several commands from one top-level command replay as one unit.
  const bool wrap = ops.size() > 1;
  std::vector<std::string_view> views;
  if (wrap) {
    const std::string_view multi[] = {"MULTI"};
    aof_->Feed(ops.front().db, multi);
  }
  for (const PropagatedOp& op : ops) {
    views.assign(op.argv.begin(), op.argv.end());
    aof_->Feed(op.db, views);
  }
  if (wrap) {
    // In the last command's database, so no SELECT comes between.
    const std::string_view exec[] = {"EXEC"};
    aof_->Feed(ops.back().db, exec);
  }
}

// --- loading ---------------------------------------------------------------

Server::Replayer::Replayer(Server* server)
    : server_(server),
      client_(std::make_unique<Client>(server, -1, 0, net::PeerAddress{}, Clock::NowMs())) {
  client_->reply().set_output(&scratch_);
  server_->loading_ = true;
  server_->keyspace_->set_expiry_mode(storage::ExpiryMode::kOff);
}

Server::Replayer::~Replayer() {
  server_->keyspace_->set_expiry_mode(storage::ExpiryMode::kNormal);
  server_->loading_ = false;
  if (client_->in_multi()) server_->DiscardTransaction(client_.get());
}

Server::Replayer::Result Server::Replayer::Run(std::span<const std::string_view> argv) {
  const commands::CommandSpec* cmd = server_->commands_.Find(argv[0]);
  if (cmd == nullptr) return Result::kUnknown;
  if (cmd->is_container() && argv.size() >= 2) {
    cmd = commands::CommandTable::FindSubcommand(*cmd, argv[1]);
    if (cmd == nullptr) return Result::kUnknown;
  }
  if (!cmd->ArityOk(argv.size())) return Result::kBadArity;
  Clock::Update();
  server_->RunCommand(client_.get(), argv, nullptr);
  scratch_.Clear();
  return Result::kOk;
}

void Server::Replayer::DiscardMulti() {
  if (client_->in_multi()) server_->DiscardTransaction(client_.get());
}

bool Server::LoadDataFromDisk() {
  if (!aof_->LoadManifest()) return false;
  if (config_.GetOne("appendonly").value_or("no") != "yes") return snapshots_->LoadAtStartup();
  if (!aof_->LoadAtStartup()) return false;
  // Replaying ran commands; a fresh server has served none.
  ResetStats();
  return true;
}

}  // namespace spindle::server
