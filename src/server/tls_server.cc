// The server's side of TLS: the context built from the tls-* directives (at
// start-up and on CONFIG SET, as Redis 7.0), the tls-port listeners, each
// TLS client's handshake, and the TLS versions of a read and a write pass.
//
// A TLS client goes through the same event loop, the same backends and the
// same read / parse / run / write path as a plain one; only the three places
// that touch the socket differ: the handshake (here, main thread), ReadTls
// and WriteTls (on the main thread or an I/O thread, exactly where the plain
// ReadSocket / WriteSocket would run). docs/TLS.md has the design.

#include <errno.h>
#include <string.h>

#include <cstdlib>
#include <string>

#include "common/clock.h"
#include "common/logging.h"
#include "server/server.h"

namespace spindle::server {
namespace {

// As client_io.cc's: bytes written per writable event under level-triggered
// backends, bytes read per pass under edge-triggered ones.
constexpr size_t kMaxWritePerEvent = 64 * 1024;
constexpr size_t kMaxReadPerPassEt = 1024 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
// A read into less free room than this grows the buffer to kReadChunk first.
constexpr size_t kMinReadRoom = 1024;

constexpr std::string_view kErrTlsConfig = "Unable to update TLS configuration. Check server logs.";

}  // namespace

bool Server::TlsWanted() const {
  return config_.GetOne("tls-port").value_or("0") != "0" ||
         config_.GetOne("tls-replication").value_or("no") == "yes" ||
         config_.GetOne("tls-cluster").value_or("no") == "yes";
}

Status Server::ConfigureTls() {
  auto get = [this](const char* name) { return config_.GetOne(name).value_or(""); };
  net::TlsOptions o;
  o.cert_file = get("tls-cert-file");
  o.key_file = get("tls-key-file");
  o.key_file_pass = get("tls-key-file-pass");
  o.client_cert_file = get("tls-client-cert-file");
  o.client_key_file = get("tls-client-key-file");
  o.client_key_file_pass = get("tls-client-key-file-pass");
  o.ca_cert_file = get("tls-ca-cert-file");
  o.ca_cert_dir = get("tls-ca-cert-dir");
  o.dh_params_file = get("tls-dh-params-file");
  o.protocols = get("tls-protocols");
  o.ciphers = get("tls-ciphers");
  o.ciphersuites = get("tls-ciphersuites");
  o.prefer_server_ciphers = get("tls-prefer-server-ciphers") == "yes";
  o.session_caching = get("tls-session-caching") == "yes";
  o.session_cache_size = std::atol(get("tls-session-cache-size").c_str());
  o.session_cache_timeout = std::atol(get("tls-session-cache-timeout").c_str());
  o.need_ca = get("tls-auth-clients") != "no" || get("tls-cluster") == "yes" ||
              get("tls-replication") == "yes";
  auto ctx = net::TlsContext::Create(o);
  if (!ctx.ok()) {
    LOG_WARNING("%s", ctx.status().message().c_str());
    return ctx.status();
  }
  tls_ctx_ = std::move(*ctx);
  return Status::Ok();
}

Status Server::ApplyTlsConfigChange(std::string_view name) {
  if (name == "tls-auth-clients") return Status::Ok();  // read at each accept
  if (name == "tls-port") {
    // Redis's applyTLSPort: a context is built only if there is none yet
    // (one left from an earlier tls-port is reused as it is).
    if (tls_ctx_ == nullptr && !ConfigureTls().ok()) {
      return Status::IOError(std::string(kErrTlsConfig));
    }
    const int port = std::atoi(config_.GetOne("tls-port").value_or("0").c_str());
    const int old_port = tls_listen_port_;
    CloseTcpListeners(/*tls=*/true);
    if (!ListenTcp(port, listen_bind_, /*tls=*/true).ok()) {
      CloseTcpListeners(/*tls=*/true);
      Status back = ListenTcp(old_port, listen_bind_, /*tls=*/true);
      if (!back.ok()) {
        LOG_WARNING("Failed to restore the previous TLS listeners: %s", back.message().c_str());
      }
      return Status::IOError("Unable to listen on this port. Check server logs.");
    }
    return Status::Ok();
  }
  // Redis's applyTlsCfg: every other tls-* directive rebuilds the context,
  // but only while TLS is in use. Connections already made keep theirs.
  if (TlsWanted() && !ConfigureTls().ok()) return Status::IOError(std::string(kErrTlsConfig));
  return Status::Ok();
}

// --- the handshake (main thread) -------------------------------------------

void Server::StartTls(Client* c) {
  const std::string auth = config_.GetOne("tls-auth-clients").value_or("yes");
  const net::TlsAuthClients mode = auth == "no"         ? net::TlsAuthClients::kNo
                                   : auth == "optional" ? net::TlsAuthClients::kOptional
                                                        : net::TlsAuthClients::kYes;
  auto tls = std::make_unique<ClientTls>(c, *tls_ctx_, c->fd(), mode);
  ClientTls* handler = tls.get();
  c->set_tls(std::move(tls));
  if (!c->tls()->ok()) {
    LOG_WARNING("Error accepting a client connection: %s (conn: fd=%d)", c->tls()->error().c_str(),
                c->fd());
    CloseClientAsync(c);
    return;
  }
  // From now on the loop calls the TLS handler for this fd.
  loop_->RemoveFd(c->fd());
  Status st = loop_->AddFd(c->fd(), net::kReadable, handler);
  if (!st.ok()) {
    LOG_WARNING("Error registering fd event for the new client: %s (fd=%d)", st.message().c_str(),
                c->fd());
    CloseClientAsync(c);
    return;
  }
  // The ClientHello may be here already (Redis calls SSL_accept at once too).
  DriveTlsHandshake(c, /*first=*/true);
}

void Server::DriveTlsHandshake(Client* c, bool first) {
  using Io = net::TlsConnection::Io;
  net::TlsConnection* tls = c->tls();
  switch (tls->Handshake()) {
    case Io::kOk:
      loop_->SetMask(c->fd(), net::kReadable);
      // Protected mode is decided here for a TLS client (Redis's
      // clientAcceptHandler runs once connAccept's handshake is done), so
      // the refusal goes out encrypted, not as plain text on a TLS port.
      if (ProtectedModeRefuses(config_.values().protected_mode, acl_->default_user()->nopass(),
                               c->peer())) {
        c->reply().Raw(kProtectedModeDenied);
        c->MarkCloseAfterReply();
        ++stats_.rejected_connections;
        QueueWrite(c);
        return;
      }
      // A command sent right behind the client's last handshake flight may
      // be in the socket already, and under edge-triggered epoll its edge
      // was spent on the handshake: read now (EAGAIN costs nothing).
      HandleReadable(c);
      return;
    case Io::kWantRead:
      loop_->SetMask(c->fd(), net::kReadable);
      return;
    case Io::kWantWrite:
      loop_->SetMask(c->fd(), net::kWritable);
      return;
    case Io::kClosed:
    case Io::kError:
      break;
  }
  // Redis logs the two cases apart: a failure on the accept itself names the
  // connection, one met later (from the event handler) does not.
  if (first) {
    LOG_WARNING("Error accepting a client connection: %s (conn: fd=%d)", tls->error().c_str(),
                c->fd());
  } else {
    LOG_WARNING("Error accepting a client connection: %s", tls->error().c_str());
  }
  CloseClientAsync(c);
}

void Server::HandleTlsReadable(Client* c) {
  if (c->close_asap()) return;
  net::TlsConnection* tls = c->tls();
  if (!tls->established()) {
    DriveTlsHandshake(c, /*first=*/false);
    return;
  }
  HandleReadable(c);
  if (tls->write_wants_read && !c->close_asap()) {
    // The blocked write can go on now that the socket had something to read
    // (HandleWritable: the AOF goes first under appendfsync always).
    tls->write_wants_read = false;
    HandleWritable(c);
  }
}

void Server::HandleTlsWritable(Client* c) {
  if (c->close_asap()) return;
  net::TlsConnection* tls = c->tls();
  if (!tls->established()) {
    DriveTlsHandshake(c, /*first=*/false);
    return;
  }
  if (tls->read_wants_write) {
    tls->read_wants_write = false;
    HandleReadable(c);
    if (c->close_asap()) return;
  }
  // Writes what is queued and sets the interest from what is left (and from
  // a read that wants to write again).
  HandleWritable(c);
  if (tls->write_wants_read && c->write_interest && !c->close_asap()) {
    // FinishWrite kept the write interest this write had: the write now
    // waits for readable instead (level-triggered backends would spin).
    if (loop_->SetMask(c->fd(), net::kReadable).ok()) c->write_interest = false;
  }
}

// --- a read and a write pass (any thread) -----------------------------------

void Server::ReadTls(Client* c, ReadOutcome* out) const {
  using Io = net::TlsConnection::Io;
  net::TlsConnection* tls = c->tls();
  net::Buffer& q = c->query();
  const size_t limit = static_cast<size_t>(config_.values().client_query_buffer_limit);
  for (;;) {
    size_t want = kReadChunk;
    const size_t hint = c->parser().BulkHint();
    if (hint > q.size()) {
      want = hint - q.size();  // a big argument lands in place, as in ReadSocket
    } else if (q.writable() >= kMinReadRoom) {
      want = q.writable();  // the room there is: no growth for a partial command
    }
    Io io;
    const size_t n = tls->Read(q.PrepareWrite(want), want, &io);
    if (n > 0) {
      q.Commit(n);
      out->bytes += n;
      ++out->reads;
      if (q.size() > limit) return;
      if (edge_triggered_) {
        // Until OpenSSL meets EAGAIN (kWantRead), as the plain path.
        if (out->bytes >= kMaxReadPerPassEt) {
          out->more = true;
          return;
        }
        continue;
      }
      // Level-triggered: one read per event, except that bytes OpenSSL has
      // already decrypted are taken now. They came off the socket with the
      // record, so no readiness event would ever announce them.
      if (tls->pending()) continue;
      return;
    }
    switch (io) {
      case Io::kOk:
      case Io::kWantRead:
        return;
      case Io::kWantWrite:
        out->more = true;
        out->tls_want_write = true;
        return;
      case Io::kClosed:
        out->end = ReadOutcome::End::kEof;
        return;
      case Io::kError:
        out->end = ReadOutcome::End::kError;
        out->err = kTlsError;
        return;
    }
  }
}

void Server::WriteTls(Client* c, WriteOutcome* out) const {
  using Io = net::TlsConnection::Io;
  Io io;
  out->bytes += c->tls()->Write(&c->output(), edge_triggered_ ? 0 : kMaxWritePerEvent, &io);
  // kWantWrite: the socket is full (FinishWrite keeps write interest);
  // kWantRead: HandleTlsReadable writes again.
  if (io == Io::kError || io == Io::kClosed) out->err = kTlsError;
}

std::string Server::IoErrorText(const Client* c, int err) {
  if (err == kTlsError && c->tls() != nullptr) return c->tls()->error();
  return strerror(err);
}

}  // namespace spindle::server
