#pragma once
// Client: one connection's state. It owns the socket, the query buffer, the
// parser and the reply buffer, and is the FdHandler the EventLoop calls.
// The Server creates and destroys clients; a client never destroys itself:
// closing marks it and the Server frees it at the end of the loop iteration
// (after its last reply is flushed when close_after_reply is set).
//
// Thread: main thread. With io-threads, an I/O thread reads into the query
// buffer, runs the parser and writes out the reply buffer while the main
// thread waits for the batch (see client_io.cc); nothing else is touched
// off the main thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "common/chunked_buffer.h"
#include "net/buffer.h"
#include "net/event_loop.h"
#include "net/socket.h"
#include "net/tls.h"
#include "protocol/reply_builder.h"
#include "protocol/resp_parser.h"
#include "server/acl.h"
#include "server/multi.h"
#include "server/pubsub.h"
#include "server/tracking.h"

namespace spindle::server {

class Server;
class Client;

// A TLS client's session, and the handler the event loop calls for its fd in
// place of the Client: TLS events go to the handshake and the TLS handlers,
// and a plain client's events reach the plain path without a test.
class ClientTls final : public net::FdHandler {
 public:
  ClientTls(Client* client, const net::TlsContext& ctx, int fd, net::TlsAuthClients auth)
      : client_(client), conn_(ctx, fd, auth) {}
  void OnReadable(int fd) override;
  void OnWritable(int fd) override;
  net::TlsConnection* conn() { return &conn_; }

 private:
  Client* client_;
  net::TlsConnection conn_;
};

// A client blocked by BLPOP, BZPOPMIN ...: the command to run again, the keys
// it waits on and its deadline. Allocated only while blocked, so idle
// clients do not pay for it.
struct BlockedState {
  std::vector<std::string> args;  // the command, owned (the query buffer moves on)
  std::vector<std::string> keys;
  int db = 0;
  int64_t deadline_ms = 0;  // 0: forever
  net::TimerId timer = 0;
  int64_t blocked_run_us = 0;  // the run that blocked (latency tracking)
};

class Client : public commands::Session, public net::FdHandler {
 public:
  Client(Server* server, int fd, uint64_t id, const net::PeerAddress& peer, int64_t now_ms);
  ~Client() override;

  // commands::Session
  int db_index() const override { return db_index_; }

  // net::FdHandler
  void OnReadable(int fd) override;
  void OnWritable(int fd) override;

  uint64_t id() const { return id_; }
  int fd() const { return fd_; }
  // The transport: null for a plain socket, the TLS session otherwise
  // (docs/TLS.md). Set once, right after accept.
  net::TlsConnection* tls() const { return tls_ != nullptr ? tls_->conn() : nullptr; }
  ClientTls* tls_state() const { return tls_.get(); }
  void set_tls(std::unique_ptr<ClientTls> tls) { tls_ = std::move(tls); }
  Server* server() const { return server_; }
  void set_db_index(int db) { db_index_ = db; }

  // Redis's c->authenticated: the client logged in (or connected while the
  // default user was on and nopass). Whether it must still AUTH is
  // Server::AuthRequired: the default user may have become nopass since.
  bool authenticated() const { return authenticated_; }
  void set_authenticated(bool v) { authenticated_ = v; }
  // The ACL user (acl.h). Null for the AOF loader's client, which may run
  // anything (Redis's fake client has no user).
  AclUser* user() const { return user_; }
  void set_user(AclUser* u) { user_ = u; }
  // Whether the dispatcher must check ACL rules: one flag for the default,
  // unrestricted user.
  bool acl_restricted() const { return user_ != nullptr && !user_->unrestricted(); }

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  const net::PeerAddress& peer() const { return peer_; }
  std::string PeerId() const;   // "ip:port", "[ipv6]:port" is NOT used: Redis prints ip:port
  std::string LocalId() const;  // laddr

  protocol::ReplyBuilder& reply() { return reply_; }
  ChunkedBuffer& output() { return output_; }
  net::Buffer& query() { return query_; }
  protocol::RespParser& parser() { return parser_; }

  // Sizes for CLIENT LIST and INFO.
  size_t query_size() const { return query_.size(); }
  size_t query_capacity() const { return query_.capacity(); }
  size_t output_size() const { return output_.size(); }
  size_t output_allocated() const { return output_.allocated(); }
  int resp() const { return reply_.resp(); }

  int64_t created_ms() const { return created_ms_; }
  int64_t last_interaction_ms() const { return last_interaction_ms_; }
  void Touch(int64_t now_ms) { last_interaction_ms_ = now_ms; }
  // CLIENT LIST's cmd=: the full name of the last command ("NULL" before
  // the first). A pointer into the command table, not a copy per command.
  std::string_view last_command() const {
    return last_command_ != nullptr ? std::string_view(last_command_->name) : "NULL";
  }
  void set_last_command(const commands::CommandSpec* cmd) { last_command_ = cmd; }

  // Closing. CloseAfterReply: stop reading and executing; close once the
  // output is written. CloseAsap: close at the end of this iteration.
  bool closing() const { return close_after_reply_ || close_asap_; }
  bool close_after_reply() const { return close_after_reply_; }
  bool close_asap() const { return close_asap_; }
  void MarkCloseAfterReply() { close_after_reply_ = true; }
  void MarkCloseAsap() { close_asap_ = true; }

  // Blocking commands (managed by the Server, see blocking.cc).
  bool blocked() const { return blocked_ != nullptr; }
  BlockedState* blocked_state() { return blocked_.get(); }
  void set_blocked(std::unique_ptr<BlockedState> state) { blocked_ = std::move(state); }

  // MULTI / WATCH state (multi.h), allocated on first use.
  MultiState* multi_state() { return multi_.get(); }
  const MultiState* multi_state() const { return multi_.get(); }
  MultiState& EnsureMultiState() {
    if (!multi_) multi_ = std::make_unique<MultiState>();
    return *multi_;
  }
  bool in_multi() const { return multi_ && multi_->in_multi; }
  // Drops the state (the server unwatches first).
  void ResetMultiState() { multi_.reset(); }

  // MONITOR (the server keeps the list of monitors).
  bool monitor() const { return monitor_; }
  void set_monitor(bool v) { monitor_ = v; }
  // CLIENT NO-EVICT.
  bool no_evict() const { return no_evict_; }
  void set_no_evict(bool v) { no_evict_ = v; }
  // CLIENT REPLY: kSkipNext becomes kSkip once the CLIENT REPLY SKIP
  // command is done; kSkip silences one command, then back to kOn.
  enum class ReplyMode : uint8_t { kOn, kOff, kSkipNext, kSkip };
  ReplyMode reply_mode() const { return reply_mode_; }
  void set_reply_mode(ReplyMode m) { reply_mode_ = m; }
  // Waiting for CLIENT PAUSE to end, its next command unread.
  bool postponed() const { return postponed_; }
  void set_postponed(bool v) { postponed_ = v; }
  // Pub/Sub (managed by PubSub, see pubsub.h). Null until the first
  // subscription and again after the last one goes.
  ClientSubscriptions* subscriptions() { return subs_.get(); }
  const ClientSubscriptions* subscriptions() const { return subs_.get(); }
  ClientSubscriptions& EnsureSubscriptions();
  void ReleaseSubscriptions() { subs_.reset(); }
  // Channels + patterns (what SUBSCRIBE / PSUBSCRIBE confirmations count),
  // and shard channels (what SSUBSCRIBE confirmations count).
  size_t subscription_count() const;
  size_t shard_subscription_count() const;
  // Redis's CLIENT_PUBSUB: subscribed to anything. In RESP2 such a client
  // may only run the commands of the subscribed context.
  bool subscribed() const { return subs_ != nullptr && !subs_->empty(); }
  // Client-side caching (managed by Tracking, see tracking.h). Null unless
  // CLIENT TRACKING is on.
  ClientTracking* tracking() { return tracking_.get(); }
  const ClientTracking* tracking() const { return tracking_.get(); }
  ClientTracking& EnableTracking() {
    if (!tracking_) tracking_ = std::make_unique<ClientTracking>();
    return *tracking_;
  }
  void DisableTracking() { tracking_.reset(); }

  // Bytes held by the queued transaction (CLIENT LIST multi-mem).
  size_t multi_memory() const;

  // Pending-read / pending-write bookkeeping owned by the Server.
  bool pending_read = false;  // listed for the next threaded read batch
  bool in_pending_writes = false;
  bool write_interest = false;  // kWritable registered with the loop
  // Client limits (client_limits.cc): when the output first reached the
  // soft limit (unix seconds, 0: under it), and the memory this client
  // counts for in the server's total (maxmemory-clients).
  int64_t obuf_soft_since_s = 0;
  size_t accounted_memory = 0;

  // Events the loop watches, for CLIENT LIST "events=".
  std::string EventsString() const;

 private:
  Server* server_;
  int fd_;
  uint64_t id_;
  std::unique_ptr<ClientTls> tls_;  // destroyed (close_notify) before fd_ closes
  net::PeerAddress peer_;
  std::string local_addr_;
  int db_index_ = 0;
  std::string name_;
  net::Buffer query_;
  protocol::RespParser parser_;
  ChunkedBuffer output_;
  protocol::ReplyBuilder reply_{&output_};
  int64_t created_ms_;
  int64_t last_interaction_ms_;
  const commands::CommandSpec* last_command_ = nullptr;
  bool authenticated_ = true;
  AclUser* user_ = nullptr;
  std::unique_ptr<BlockedState> blocked_;
  std::unique_ptr<MultiState> multi_;
  std::unique_ptr<ClientSubscriptions> subs_;
  std::unique_ptr<ClientTracking> tracking_;
  bool close_after_reply_ = false;
  bool close_asap_ = false;
  bool monitor_ = false;
  bool no_evict_ = false;
  bool postponed_ = false;
  ReplyMode reply_mode_ = ReplyMode::kOn;
};

}  // namespace spindle::server
