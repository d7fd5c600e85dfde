#pragma once
// TLS transport (OpenSSL), after Redis 7.0's tls.c: a server context built
// from the tls-* directives, and one connection's SSL object driven over a
// non-blocking socket.
//
// A connection's transport is either the plain fd (no object at all: the
// client's `tls()` is null and the read/write paths are the plain ones) or a
// TlsConnection. The server branches once per read or write pass on that
// pointer, so plain clients pay nothing else for TLS.
//
// Thread: TlsContext is built and replaced on the main thread; an SSL_CTX
// may then be used by SSL_new on the main thread while connections made from
// an older one live on (each SSL holds a reference to its SSL_CTX).
// A TlsConnection is used by one thread at a time: the main thread for the
// handshake and shutdown, the main thread or one I/O thread for Read/Write
// within a batch (the batch's fork/join publishes its state; see
// docs/THREADING.md). OpenSSL's error queue is per thread: every call here
// clears it first and turns a failure into text before returning.

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/chunked_buffer.h"
#include "common/status.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace spindle::net {

// tls-protocols bits.
enum TlsProtocol : int {
  kTlsV1 = 1 << 0,
  kTlsV1_1 = 1 << 1,
  kTlsV1_2 = 1 << 2,
  kTlsV1_3 = 1 << 3,
};
constexpr int kTlsProtocolsDefault = kTlsV1_2 | kTlsV1_3;

// Parses tls-protocols as Redis's parseProtocolsConfig: "" means the default
// (TLSv1.2 and TLSv1.3); otherwise words split on single spaces, each one of
// TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 (any case). An unknown word, or an empty
// one (two spaces in a row), gives -1.
int ParseTlsProtocols(std::string_view text);

// The tls-* directives a context is built from. Empty strings mean "not set"
// (Redis stores them as NULL).
struct TlsOptions {
  std::string cert_file;
  std::string key_file;
  std::string key_file_pass;
  std::string client_cert_file;  // a client context (replication, cluster):
  std::string client_key_file;   // built and checked only, Spindle has no
  std::string client_key_file_pass;  // outgoing connections
  std::string ca_cert_file;
  std::string ca_cert_dir;
  std::string dh_params_file;
  std::string protocols;
  std::string ciphers;
  std::string ciphersuites;
  bool prefer_server_ciphers = false;
  bool session_caching = true;
  long session_cache_size = 20 * 1024;
  long session_cache_timeout = 300;
  // tls-auth-clients is not "no", or tls-cluster / tls-replication: a CA is
  // required.
  bool need_ca = true;
};

// tls-auth-clients, applied per accepted connection.
enum class TlsAuthClients { kNo, kYes, kOptional };

// A server-side SSL_CTX. Immutable once built: CONFIG SET builds a new one.
class TlsContext {
 public:
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Builds a context as Redis's tlsConfigure does. On failure returns the
  // line Redis logs, e.g. "No tls-cert-file configured!",
  // "Failed to load certificate: a.crt: error:80000002:system
  // library::No such file or directory" (the caller logs it).
  static Result<std::shared_ptr<TlsContext>> Create(const TlsOptions& options);

  SSL_CTX* ssl_ctx() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

// One accepted connection's TLS session over a non-blocking fd (not owned).
class TlsConnection {
 public:
  // What an operation ended with when it did not transfer data.
  enum class Io : uint8_t {
    kOk,         // done (Handshake) / data moved (Read, Write)
    kWantRead,   // retry when the socket is readable
    kWantWrite,  // retry when the socket is writable
    kClosed,     // the peer closed (close_notify, or EOF)
    kError,      // fatal: error() says why
  };

  // SSL_new on ctx's SSL_CTX, server side, with the verify mode of auth.
  // ok() is false if OpenSSL refused (error() says why).
  TlsConnection(const TlsContext& ctx, int fd, TlsAuthClients auth);
  // Sends close_notify (best effort, non-blocking) if the session was
  // established and never failed, then frees it. Before close(fd).
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  bool ok() const { return ssl_ != nullptr; }
  bool established() const { return established_; }

  // Continues the server handshake (SSL_accept).
  Io Handshake();

  // Reads up to len decrypted bytes. Returns > 0 (Io::kOk), or 0 with *io
  // set. Never returns a short count while OpenSSL still holds decrypted
  // bytes of the record without saying so: see pending().
  size_t Read(char* buf, size_t len, Io* io);
  // Decrypted bytes OpenSSL already holds (SSL_pending): the socket may have
  // nothing left for them, so no readiness event would announce them.
  bool pending() const;

  // Writes what it can of out, at most max_bytes (0: no cap), and Consume()s
  // it. Returns bytes written; *io is kOk, or what stopped it. Small chunks
  // are coalesced into 16 KiB records; after a kWantRead / kWantWrite the
  // same bytes are offered again (they are still at out's front: OpenSSL's
  // retry rule, with SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER since the copy may
  // sit elsewhere).
  size_t Write(ChunkedBuffer* out, size_t max_bytes, Io* io);

  // The last failure in Redis's words ("error:0A00010B:SSL
  // routines::wrong version number", or strerror for a socket error).
  const std::string& error() const { return error_; }
  int last_errno() const { return last_errno_; }

  // What an operation wanted that its own event cannot give: a read that
  // must write (kWantWrite from SSL_read) is run again when writable, a
  // write that must read when readable (Redis's TLS_CONN_FLAG_*).
  bool read_wants_write = false;
  bool write_wants_read = false;

 private:
  // Maps a <= 0 return of an SSL call to Io, recording errors.
  Io Classify(int ret);

  SSL* ssl_ = nullptr;
  bool established_ = false;
  bool failed_ = false;
  size_t retry_len_ = 0;  // bytes offered by the SSL_write that must be retried
  int last_errno_ = 0;
  std::string error_;
};

}  // namespace spindle::net
