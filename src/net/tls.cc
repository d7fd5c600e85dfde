// TLS with OpenSSL: the context as Redis 7.0's tlsConfigure builds it (same
// options, same failure texts), and the non-blocking connection operations.

#include "net/tls.h"

#include <errno.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>

namespace spindle::net {
namespace {

// The largest TLS record's plaintext: SSL_write in partial-write mode sends
// at most one record per call, so small reply chunks are gathered up to this
// size first (one record, one write(2)), as Redis's connTLSWritev does.
constexpr size_t kRecordSize = 16 * 1024;
constexpr int kMaxIov = 64;

// ERR_error_string_n of the oldest queued error, as Redis prints it:
// "error:0A00010B:SSL routines::wrong version number".
std::string OpenSslError() {
  char buf[512];
  ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
  return buf;
}

void InitOpenSsl() {
  static std::once_flag once;
  // As Redis's tlsInit: openssl.cnf is honoured.
  std::call_once(once, [] { OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr); });
}

// Hands the key file's passphrase to OpenSSL (Redis's tlsPasswordCallback):
// no passphrase configured means an encrypted key cannot be loaded.
int PasswordCallback(char* buf, int size, int, void* userdata) {
  const auto* pass = static_cast<const std::string*>(userdata);
  if (pass == nullptr || pass->empty()) return -1;
  if (pass->size() > static_cast<size_t>(size)) return -1;
  memcpy(buf, pass->data(), pass->size());
  return static_cast<int>(pass->size());
}

const char* OrNull(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// Redis's createSSLContext: what server and client contexts share. On
// failure *err is Redis's log line.
SSL_CTX* CreateBaseContext(const TlsOptions& o, int protocols, bool client, std::string* err) {
  const std::string& cert = client ? o.client_cert_file : o.cert_file;
  const std::string& key = client ? o.client_key_file : o.key_file;
  const std::string& pass = client ? o.client_key_file_pass : o.key_file_pass;
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  if (ctx == nullptr) {
    *err = "Failed to create SSL context: " + OpenSslError();
    return nullptr;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS |
                               SSL_OP_NO_COMPRESSION);
  if (!(protocols & kTlsV1)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1);
  if (!(protocols & kTlsV1_1)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_1);
  if (!(protocols & kTlsV1_2)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_2);
  if (!(protocols & kTlsV1_3)) SSL_CTX_set_options(ctx, SSL_OP_NO_TLSv1_3);
  // Partial writes: SSL_write returns after each record, so a big reply
  // goes out as the socket takes it. Moving buffer: a retried write may
  // offer the same bytes from another address (see TlsConnection::Write).
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);

  SSL_CTX_set_default_passwd_cb(ctx, PasswordCallback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&pass));
  auto fail = [&](std::string msg) {
    *err = std::move(msg);
    SSL_CTX_free(ctx);
    return nullptr;
  };
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) <= 0) {
    return fail("Failed to load certificate: " + cert + ": " + OpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) <= 0) {
    return fail("Failed to load private key: " + key + ": " + OpenSslError());
  }
  // The passphrase is only read while loading: the options go away after.
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if ((!o.ca_cert_file.empty() || !o.ca_cert_dir.empty()) &&
      SSL_CTX_load_verify_locations(ctx, OrNull(o.ca_cert_file), OrNull(o.ca_cert_dir)) <= 0) {
    return fail("Failed to configure CA certificate(s) file/directory: " + OpenSslError());
  }
  if (!o.ciphers.empty() && !SSL_CTX_set_cipher_list(ctx, o.ciphers.c_str())) {
    return fail("Failed to configure ciphers: " + o.ciphers);
  }
  if (!o.ciphersuites.empty() && !SSL_CTX_set_ciphersuites(ctx, o.ciphersuites.c_str())) {
    return fail("Failed to configure ciphersuites: " + o.ciphersuites);
  }
  return ctx;
}

// tls-dh-params-file (OpenSSL 3's decoder, as Redis built against it).
bool LoadDhParams(SSL_CTX* ctx, const std::string& path, std::string* err) {
  FILE* f = fopen(path.c_str(), "r");
  if (f == nullptr) {
    *err = "Failed to load " + path + ": " + strerror(errno);
    return false;
  }
  EVP_PKEY* pkey = nullptr;
  OSSL_DECODER_CTX* dctx = OSSL_DECODER_CTX_new_for_pkey(
      &pkey, "PEM", nullptr, "DH", OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS, nullptr, nullptr);
  if (dctx == nullptr) {
    fclose(f);
    *err = "No decoder for DH params.";
    return false;
  }
  const bool decoded = OSSL_DECODER_from_fp(dctx, f) == 1;
  OSSL_DECODER_CTX_free(dctx);
  fclose(f);
  if (!decoded) {
    *err = path + ": failed to read DH params.";
    return false;
  }
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, pkey) <= 0) {
    *err = "Failed to load DH params file: " + path + ": " + OpenSslError();
    EVP_PKEY_free(pkey);
    return false;
  }
  return true;  // pkey belongs to the context now
}

}  // namespace

int ParseTlsProtocols(std::string_view text) {
  if (text.empty()) return kTlsProtocolsDefault;
  int protocols = 0;
  size_t start = 0;
  for (;;) {
    // sdssplitlen on " ": every space separates, so "a  b" has an empty word.
    size_t end = text.find(' ', start);
    std::string_view word = text.substr(start, end == std::string_view::npos ? end : end - start);
    auto is = [word](std::string_view name) {
      return word.size() == name.size() &&
             std::equal(word.begin(), word.end(), name.begin(),
                        [](char a, char b) { return (a | 0x20) == (b | 0x20); });
    };
    if (is("tlsv1")) {
      protocols |= kTlsV1;
    } else if (is("tlsv1.1")) {
      protocols |= kTlsV1_1;
    } else if (is("tlsv1.2")) {
      protocols |= kTlsV1_2;
    } else if (is("tlsv1.3")) {
      protocols |= kTlsV1_3;
    } else {
      return -1;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return protocols;
}

// --- TlsContext --------------------------------------------------------------

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

Result<std::shared_ptr<TlsContext>> TlsContext::Create(const TlsOptions& o) {
  InitOpenSsl();
  ERR_clear_error();
  if (o.cert_file.empty()) return Status::InvalidArgument("No tls-cert-file configured!");
  if (o.key_file.empty()) return Status::InvalidArgument("No tls-key-file configured!");
  if (o.need_ca && o.ca_cert_file.empty() && o.ca_cert_dir.empty()) {
    return Status::InvalidArgument(
        "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
        "tls-replication or tls-auth-clients are enabled!");
  }
  const int protocols = ParseTlsProtocols(o.protocols);
  if (protocols == -1) {
    return Status::InvalidArgument(
        "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and "
        "'TLSv1.3'.");
  }
  std::string err;
  SSL_CTX* ctx = CreateBaseContext(o, protocols, /*client=*/false, &err);
  if (ctx == nullptr) return Status::InvalidArgument(err);
  auto context = std::shared_ptr<TlsContext>(new TlsContext(ctx));  // owns ctx from here

  if (o.session_caching) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, o.session_cache_size);
    SSL_CTX_set_timeout(ctx, o.session_cache_timeout);
    static const unsigned char kSessionIdContext[] = "redis";
    SSL_CTX_set_session_id_context(ctx, kSessionIdContext, 5);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  // Client-initiated renegotiation stays refused (OpenSSL 3's default,
  // which Redis asks for explicitly on older versions): besides the DoS it
  // invites, it is the one way a write could need a read (TLS 1.2). The
  // write_wants_read path still handles it should a peer manage one.
  if (o.prefer_server_ciphers) SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_options(ctx, SSL_OP_SINGLE_DH_USE);
  if (!o.dh_params_file.empty()) {
    if (!LoadDhParams(ctx, o.dh_params_file, &err)) return Status::InvalidArgument(err);
  } else {
    SSL_CTX_set_dh_auto(ctx, 1);
  }

  // Redis builds a client context for replication and cluster links when a
  // client certificate is configured; Spindle makes none of those links, but
  // a bad client certificate fails the configuration as it does in Redis.
  if (!o.client_cert_file.empty() && !o.client_key_file.empty()) {
    SSL_CTX* client = CreateBaseContext(o, protocols, /*client=*/true, &err);
    if (client == nullptr) return Status::InvalidArgument(err);
    SSL_CTX_free(client);
  }
  return context;
}

// --- TlsConnection -----------------------------------------------------------

TlsConnection::TlsConnection(const TlsContext& ctx, int fd, TlsAuthClients auth) {
  ERR_clear_error();
  ssl_ = SSL_new(ctx.ssl_ctx());
  if (ssl_ == nullptr) {
    error_ = OpenSslError();
    return;
  }
  switch (auth) {
    case TlsAuthClients::kNo:
      SSL_set_verify(ssl_, SSL_VERIFY_NONE, nullptr);
      break;
    case TlsAuthClients::kOptional:
      SSL_set_verify(ssl_, SSL_VERIFY_PEER, nullptr);
      break;
    case TlsAuthClients::kYes:
      SSL_set_verify(ssl_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  SSL_set_fd(ssl_, fd);
  SSL_set_accept_state(ssl_);
}

TlsConnection::~TlsConnection() {
  if (ssl_ == nullptr) return;
  // close_notify, without waiting for the peer's: the socket closes next.
  // Not after a fatal error, where OpenSSL forbids it.
  if (established_ && !failed_) {
    ERR_clear_error();
    SSL_shutdown(ssl_);
  }
  SSL_free(ssl_);
}

TlsConnection::Io TlsConnection::Classify(int ret) {
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return Io::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Io::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return Io::kClosed;  // the peer's close_notify
    case SSL_ERROR_SYSCALL:
      failed_ = true;
      last_errno_ = saved_errno;
      if (saved_errno == 0) {
        // EOF where OpenSSL did not call it an error (Redis: CONN_STATE_CLOSED).
        error_ = "(null)";
        return Io::kClosed;
      }
      error_ = strerror(saved_errno);
      return Io::kError;
    default:
      failed_ = true;
      last_errno_ = 0;
      error_ = OpenSslError();
      return Io::kError;
  }
}

TlsConnection::Io TlsConnection::Handshake() {
  ERR_clear_error();
  errno = 0;
  int ret = SSL_accept(ssl_);
  if (ret == 1) {
    established_ = true;
    return Io::kOk;
  }
  Io io = Classify(ret);
  // An EOF during the handshake is a failed handshake.
  if (io == Io::kClosed) io = Io::kError;
  return io;
}

size_t TlsConnection::Read(char* buf, size_t len, Io* io) {
  ERR_clear_error();
  errno = 0;
  size_t got = 0;
  int ret = SSL_read_ex(ssl_, buf, len, &got);
  if (ret == 1) {
    *io = Io::kOk;
    return got;
  }
  *io = Classify(ret);
  if (*io == Io::kWantWrite) read_wants_write = true;
  return 0;
}

bool TlsConnection::pending() const { return SSL_pending(ssl_) > 0; }

size_t TlsConnection::Write(ChunkedBuffer* out, size_t max_bytes, Io* io) {
  thread_local char gather[kRecordSize];
  struct iovec iov[kMaxIov];
  size_t total = 0;
  *io = Io::kOk;
  while (!out->empty() && (max_bytes == 0 || total < max_bytes)) {
    const int n = out->Iov(iov, kMaxIov);
    const char* data;
    size_t len;
    if (n == 1 || iov[0].iov_len >= kRecordSize) {
      data = static_cast<const char*>(iov[0].iov_base);
      len = iov[0].iov_len;
    } else {
      // Gathered from the front, so a retry gathers the same bytes again
      // (and maybe more): what OpenSSL's retry rule asks for.
      len = 0;
      for (int i = 0; i < n && len < kRecordSize; ++i) {
        size_t take = std::min(iov[i].iov_len, kRecordSize - len);
        memcpy(gather + len, iov[i].iov_base, take);
        len += take;
      }
      data = gather;
    }
    // The cap may shorten a write, but never below what a pending retry
    // offered before (OpenSSL fails a shorter retry with "bad length").
    if (max_bytes != 0) len = std::min(len, std::max(max_bytes - total, retry_len_));
    ERR_clear_error();
    errno = 0;
    size_t written = 0;
    int ret = SSL_write_ex(ssl_, data, len, &written);
    if (ret != 1) {
      *io = Classify(ret);
      if (*io == Io::kWantRead || *io == Io::kWantWrite) {
        retry_len_ = std::max(retry_len_, len);
        if (*io == Io::kWantRead) write_wants_read = true;
      }
      break;
    }
    retry_len_ = 0;
    out->Consume(written);
    total += written;
  }
  return total;
}

}  // namespace spindle::net
