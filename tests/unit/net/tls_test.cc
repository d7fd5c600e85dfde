// TLS: tls-protocols parsing, the context's failure texts (Redis's log
// lines), and a TlsConnection against an OpenSSL client over a socketpair:
// the handshake, reads that leave decrypted bytes inside OpenSSL, and writes
// that hit a full socket and must be retried with the same bytes.

#include "net/tls.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "socket_pair.h"

namespace spindle::net {
namespace {

TEST(TlsProtocolsTest, EmptyIsTheDefault) {
  EXPECT_EQ(ParseTlsProtocols(""), kTlsV1_2 | kTlsV1_3);
  EXPECT_EQ(kTlsProtocolsDefault, kTlsV1_2 | kTlsV1_3);
}

TEST(TlsProtocolsTest, WordsAnyCase) {
  EXPECT_EQ(ParseTlsProtocols("TLSv1.2"), kTlsV1_2);
  EXPECT_EQ(ParseTlsProtocols("tlsv1.3"), kTlsV1_3);
  EXPECT_EQ(ParseTlsProtocols("TLSV1 TLSv1.1"), kTlsV1 | kTlsV1_1);
  EXPECT_EQ(ParseTlsProtocols("TLSv1.2 TLSv1.3 TLSv1.2"), kTlsV1_2 | kTlsV1_3);
}

TEST(TlsProtocolsTest, UnknownOrEmptyWordsFail) {
  EXPECT_EQ(ParseTlsProtocols("TLSv1.4"), -1);
  EXPECT_EQ(ParseTlsProtocols("SSLv3"), -1);
  EXPECT_EQ(ParseTlsProtocols("TLSv1.2 foo"), -1);
  // Split on single spaces, as sdssplitlen: two spaces make an empty word.
  EXPECT_EQ(ParseTlsProtocols("TLSv1.2  TLSv1.3"), -1);
  EXPECT_EQ(ParseTlsProtocols(" TLSv1.2"), -1);
  EXPECT_EQ(ParseTlsProtocols("TLSv1.2 "), -1);
}

// A throwaway self-signed certificate and key in a temporary directory.
class CertFiles {
 public:
  CertFiles() {
    char tmpl[] = "/tmp/spindle-tls-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    FILE* f = fopen(cert_path().c_str(), "w");
    PEM_write_X509(f, cert);
    fclose(f);
    f = fopen(key_path().c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~CertFiles() {
    unlink(cert_path().c_str());
    unlink(key_path().c_str());
    rmdir(dir_.c_str());
  }
  std::string cert_path() const { return dir_ + "/cert.pem"; }
  std::string key_path() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
};

TlsOptions Options(const CertFiles& files) {
  TlsOptions o;
  o.cert_file = files.cert_path();
  o.key_file = files.key_path();
  o.ca_cert_file = files.cert_path();
  return o;
}

std::string CreateError(const TlsOptions& o) {
  auto ctx = TlsContext::Create(o);
  return ctx.ok() ? "ok" : ctx.status().message();
}

TEST(TlsContextTest, RedisFailureTexts) {
  CertFiles files;
  TlsOptions o = Options(files);
  EXPECT_EQ(CreateError(o), "ok");

  TlsOptions no_cert = o;
  no_cert.cert_file.clear();
  EXPECT_EQ(CreateError(no_cert), "No tls-cert-file configured!");
  TlsOptions no_key = o;
  no_key.key_file.clear();
  EXPECT_EQ(CreateError(no_key), "No tls-key-file configured!");
  TlsOptions no_ca = o;
  no_ca.ca_cert_file.clear();
  EXPECT_EQ(CreateError(no_ca),
            "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
            "tls-replication or tls-auth-clients are enabled!");
  no_ca.need_ca = false;  // tls-auth-clients no
  EXPECT_EQ(CreateError(no_ca), "ok");
  TlsOptions bad_protocols = o;
  bad_protocols.protocols = "TLSv1.2 TLSv9";
  EXPECT_EQ(CreateError(bad_protocols),
            "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' "
            "and 'TLSv1.3'.");
  TlsOptions missing = o;
  missing.cert_file = "/nonexistent/cert.pem";
  EXPECT_EQ(CreateError(missing),
            "Failed to load certificate: /nonexistent/cert.pem: error:80000002:system "
            "library::No such file or directory");
  TlsOptions ciphers = o;
  ciphers.ciphers = "NOPE";
  EXPECT_EQ(CreateError(ciphers), "Failed to configure ciphers: NOPE");
  TlsOptions suites = o;
  suites.ciphersuites = "NOPE";
  EXPECT_EQ(CreateError(suites), "Failed to configure ciphersuites: NOPE");
  TlsOptions dh = o;
  dh.dh_params_file = "/nonexistent/dh.pem";
  EXPECT_EQ(CreateError(dh), "Failed to load /nonexistent/dh.pem: No such file or directory");
  TlsOptions wrong_key = o;
  wrong_key.key_file = o.cert_file;  // a certificate is no private key
  EXPECT_EQ(CreateError(wrong_key).rfind("Failed to load private key: " + o.cert_file + ": ", 0),
            0u);
}

// The server side under test and an OpenSSL client on the other end.
class TlsPairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TlsOptions o = Options(files_);
    auto ctx = TlsContext::Create(o);
    ASSERT_TRUE(ctx.ok()) << ctx.status().message();
    server_ctx_ = *ctx;
    // A small send buffer makes the server's writes meet a full socket.
    int small = 4096;
    setsockopt(pair_.a, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    server_ = std::make_unique<TlsConnection>(*server_ctx_, pair_.a, TlsAuthClients::kNo);
    ASSERT_TRUE(server_->ok());
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(client_ctx_, SSL_VERIFY_NONE, nullptr);
    client_ = SSL_new(client_ctx_);
    SSL_set_fd(client_, pair_.b);
    SSL_set_connect_state(client_);
  }
  void TearDown() override {
    server_.reset();
    SSL_free(client_);
    SSL_CTX_free(client_ctx_);
  }

  void Handshake() {
    bool client_done = false;
    for (int i = 0; i < 100 && !(client_done && server_->established()); ++i) {
      if (!client_done) client_done = SSL_do_handshake(client_) == 1;
      if (!server_->established()) {
        TlsConnection::Io io = server_->Handshake();
        ASSERT_NE(io, TlsConnection::Io::kError) << server_->error();
      }
    }
    ASSERT_TRUE(client_done);
    ASSERT_TRUE(server_->established());
  }

  // Everything the client can read now.
  std::string ClientDrain() {
    std::string got;
    char buf[16384];
    size_t n = 0;
    while (SSL_read_ex(client_, buf, sizeof(buf), &n) == 1) got.append(buf, n);
    return got;
  }

  CertFiles files_;
  test_util::SocketPair pair_;
  std::shared_ptr<TlsContext> server_ctx_;
  std::unique_ptr<TlsConnection> server_;
  SSL_CTX* client_ctx_ = nullptr;
  SSL* client_ = nullptr;
};

TEST_F(TlsPairTest, HandshakeThenEcho) {
  Handshake();
  ASSERT_EQ(SSL_write(client_, "PING\r\n", 6), 6);
  char buf[64];
  TlsConnection::Io io;
  size_t n = server_->Read(buf, sizeof(buf), &io);
  ASSERT_EQ(n, 6u);
  EXPECT_EQ(std::string(buf, n), "PING\r\n");
  n = server_->Read(buf, sizeof(buf), &io);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(io, TlsConnection::Io::kWantRead);

  ChunkedBuffer out;
  out.Append("+PONG\r\n", 7);
  EXPECT_EQ(server_->Write(&out, 0, &io), 7u);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(ClientDrain(), "+PONG\r\n");
}

TEST_F(TlsPairTest, ShortReadsLeaveBytesPending) {
  Handshake();
  std::string record(10000, 'r');
  ASSERT_EQ(SSL_write(client_, record.data(), static_cast<int>(record.size())), 10000);
  char buf[100];
  TlsConnection::Io io;
  ASSERT_EQ(server_->Read(buf, sizeof(buf), &io), 100u);
  // The whole record left the socket with the first read: only pending()
  // tells that 9900 bytes are still to be had.
  char probe;
  EXPECT_EQ(recv(pair_.a, &probe, 1, MSG_PEEK | MSG_DONTWAIT), -1);
  EXPECT_TRUE(server_->pending());
  std::string rest;
  while (server_->pending()) {
    size_t n = server_->Read(buf, sizeof(buf), &io);
    ASSERT_GT(n, 0u);
    rest.append(buf, n);
  }
  EXPECT_EQ(rest.size(), 9900u);
}

TEST_F(TlsPairTest, WritesRetriedOnAFullSocketKeepTheStream) {
  Handshake();
  // Many small shared blocks (gathered into records) and a few big ones
  // (written in place), interleaved.
  ChunkedBuffer out;
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    std::string piece = "$" + std::to_string(i) + ":" + std::string(i % 97, 'a' + i % 26) + "\n";
    if (i % 500 == 0) piece += std::string(200000, 'B' + i % 20);
    out.AppendShared(std::make_shared<const std::string>(piece));
    expected += piece;
  }
  std::string got;
  int want_write = 0;
  for (int rounds = 0; !out.empty() && rounds < 100000; ++rounds) {
    TlsConnection::Io io;
    // A capped write, as level-triggered backends do, must still honour a
    // pending retry's length.
    server_->Write(&out, rounds % 2 ? 64 * 1024 : 1000, &io);
    ASSERT_NE(io, TlsConnection::Io::kError) << server_->error();
    if (io == TlsConnection::Io::kWantWrite) ++want_write;
    got += ClientDrain();
  }
  got += ClientDrain();
  EXPECT_GT(want_write, 0);  // the socket did fill up
  ASSERT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
}

TEST_F(TlsPairTest, PeerCloseNotifyIsEof) {
  Handshake();
  SSL_shutdown(client_);
  char buf[16];
  TlsConnection::Io io;
  EXPECT_EQ(server_->Read(buf, sizeof(buf), &io), 0u);
  EXPECT_EQ(io, TlsConnection::Io::kClosed);
}

TEST_F(TlsPairTest, PlainTextIsAHandshakeError) {
  test_util::SocketPair plain;
  TlsConnection conn(*server_ctx_, plain.a, TlsAuthClients::kYes);
  plain.WriteB("PING\r\n");
  EXPECT_EQ(conn.Handshake(), TlsConnection::Io::kError);
  EXPECT_NE(conn.error().find("SSL routines::"), std::string::npos) << conn.error();
}

}  // namespace
}  // namespace spindle::net
