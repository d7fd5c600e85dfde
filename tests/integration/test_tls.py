"""TLS (tls-port and the tls-* directives), as Redis 7.0.15 built with TLS.

A throwaway CA, a server certificate (two, to see CONFIG SET reload it) and a
client certificate are made with the `openssl` command once per module. Every
test runs on every io-backend (conftest's parametrization); the io-threads
tests engage the I/O threads with enough concurrent TLS clients.
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import pytest
import redis

from conftest import AGAINST_REDIS, BINARY, IO_THREAD_ARGS
import servers
from waits import poll


def _openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _signed(cwd, name, cn, ca, ext=None):
    _openssl("req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-keyout", name + ".key",
             "-out", name + ".csr", "-subj", "/CN=" + cn, cwd=cwd)
    args = ["x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt",
            "-CAkey", ca + ".key", "-CAcreateserial", "-out", name + ".crt",
            "-days", "2"]
    if ext:
        args += ["-extfile", ext]
    _openssl(*args, cwd=cwd)


class Certs:
    def __init__(self, d):
        self.dir = d
        p = lambda n: os.path.join(d, n)  # noqa: E731
        self.ca, self.server_crt, self.server_key = p("ca.crt"), p("server.crt"), p("server.key")
        self.server2_crt, self.server2_key = p("server2.crt"), p("server2.key")
        self.client_crt, self.client_key = p("client.crt"), p("client.key")
        self.other_ca = p("other-ca.crt")
        self.stranger_crt, self.stranger_key = p("stranger.crt"), p("stranger.key")
        self.enc_key = p("server-enc.key")
        self.dh, self.bad_dh = p("dh.pem"), p("bad-dh.pem")


@pytest.fixture(scope="module")
def certs():
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed (Debian package openssl)")
    d = servers.scratch_dir("spindle-tls-")
    for ca, cn in (("ca", "Spindle Test CA"), ("other-ca", "Other CA")):
        _openssl("req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-keyout", ca + ".key",
                 "-out", ca + ".crt", "-days", "2", "-subj", "/CN=" + cn, cwd=d)
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _signed(d, "server", "spindle-one", "ca", "san.ext")
    _signed(d, "server2", "spindle-two", "ca", "san.ext")
    _signed(d, "client", "client", "ca")
    _signed(d, "stranger", "stranger", "other-ca")  # a CA the server does not trust
    _openssl("pkey", "-in", "server.key", "-out", "server-enc.key", "-aes256",
             "-passout", "pass:sesame", cwd=d)
    _openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
             "-out", "dh.pem", cwd=d)
    with open(os.path.join(d, "bad-dh.pem"), "w") as f:
        f.write("-----BEGIN DH PARAMETERS-----\nnot base64\n-----END DH PARAMETERS-----\n")
    yield Certs(d)
    shutil.rmtree(d, ignore_errors=True)


def tls_args(c, port):
    return ("--tls-port", str(port), "--tls-cert-file", c.server_crt,
            "--tls-key-file", c.server_key, "--tls-ca-cert-file", c.ca)


def start_with_tls_port(harness, args_for):
    """harness.start(*args_for(port)) with a free port for the tls-port.
    The harness retries the plain port if another process took it before
    the server bound it; this retries the TLS one the same way."""
    for attempt in range(3):
        port = servers.free_port()
        try:
            srv = harness.start(*args_for(port))
        except RuntimeError:
            if attempt == 2:
                raise
            continue
        srv.tls_port = port
        return srv


def start_tls(harness, c, *extra):
    """A server with a plain port (for readiness and control) and a tls-port."""
    return start_with_tls_port(harness, lambda port: tls_args(c, port) + extra)


def tls_client(c, port, cert=True, **kw):
    kw.setdefault("socket_timeout", 30)
    if cert:
        kw.setdefault("ssl_certfile", c.client_crt)
        kw.setdefault("ssl_keyfile", c.client_key)
    return redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=c.ca, **kw)


def plain(srv):
    return redis.Redis(host=srv.host, port=srv.port, socket_timeout=30)


def ssl_socket(c, port, cert=True, context=None):
    ctx = context or ssl.create_default_context(cafile=c.ca)
    if cert and context is None:
        ctx.load_cert_chain(c.client_crt, c.client_key)
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    return ctx.wrap_socket(raw, server_hostname="localhost")


def peer_cn(s):
    subject = dict(x[0] for x in s.getpeercert()["subject"])
    return subject["commonName"]


def redis_cli(c, port, *args, cert=True):
    argv = ["redis-cli", "--tls", "--cacert", c.ca, "-p", str(port)]
    if cert:
        argv += ["--cert", c.client_crt, "--key", c.client_key]
    return subprocess.run(argv + list(args), capture_output=True, text=True, timeout=30)


# --- serving over TLS --------------------------------------------------------


def test_redis_py_ssl_commands_big_values_and_pipelining(harness, certs):
    srv = start_tls(harness, certs)
    r = tls_client(certs, srv.tls_port)
    assert r.ping() is True
    assert r.set("k", "v") is True
    assert r.get("k") == b"v"
    # Multi-megabyte values: many TLS records each way, split across reads
    # and writes (and edge-triggered passes).
    for size in (16384, 16385, 3 << 20, (7 << 20) + 13):
        value = os.urandom(size)
        r.set("big", value)
        assert r.get("big") == value
        assert r.strlen("big") == size
    # Pipelining: thousands of commands in few records, replies gathered.
    p = r.pipeline(transaction=False)
    for i in range(5000):
        p.set("p%d" % i, "v%d" % i)
    for i in range(5000):
        p.get("p%d" % i)
    res = p.execute()
    assert res[:5000] == [True] * 5000
    assert res[5000:] == [b"v%d" % i for i in range(5000)]
    # The plain port sees the same data.
    assert plain(srv).get("p4999") == b"v4999"
    r.close()


def test_redis_cli_over_tls(harness, certs):
    helped = subprocess.run(["redis-cli", "--help"], capture_output=True, text=True)
    assert "--tls" in helped.stdout + helped.stderr, "redis-cli is built without TLS"
    srv = start_tls(harness, certs)
    out = redis_cli(certs, srv.tls_port, "SET", "cli", "hello")
    assert out.stdout.strip() == "OK", out
    out = redis_cli(certs, srv.tls_port, "GET", "cli")
    assert out.stdout.strip() == "hello", out
    out = redis_cli(certs, srv.tls_port, "CLIENT", "INFO")
    assert "cmd=client|info" in out.stdout, out


def test_pipelined_raw_commands_in_one_record(harness, certs):
    srv = start_tls(harness, certs)
    s = ssl_socket(certs, srv.tls_port)
    n = 3000
    s.sendall(b"*1\r\n$4\r\nPING\r\n" * n + b"INCR counter\r\n" * n)
    want = b"+PONG\r\n" * n + b"".join(b":%d\r\n" % i for i in range(1, n + 1))
    got = b""
    while len(got) < len(want):
        chunk = s.recv(65536)
        assert chunk, "closed early"
        got += chunk
    assert got == want
    s.close()


def test_pubsub_over_tls(harness, certs):
    srv = start_tls(harness, certs)
    sub = tls_client(certs, srv.tls_port).pubsub()
    sub.subscribe("news")
    assert sub.get_message(timeout=30)["type"] == "subscribe"
    pub = tls_client(certs, srv.tls_port)
    big = os.urandom(1 << 20)
    assert pub.publish("news", "hello") == 1
    assert plain(srv).publish("news", big) == 1
    msg = sub.get_message(timeout=30)
    assert msg["type"] == "message" and msg["data"] == b"hello"
    msg = sub.get_message(timeout=30)
    assert msg["data"] == big
    sub.close()


def test_client_closing_with_close_notify_and_without(harness, certs):
    srv = start_tls(harness, certs)
    control = plain(srv)
    s = ssl_socket(certs, srv.tls_port)
    s.sendall(b"PING\r\n")
    assert s.recv(100) == b"+PONG\r\n"
    s.unwrap().close()  # close_notify, then close
    s = ssl_socket(certs, srv.tls_port)
    s.sendall(b"PING\r\n")
    assert s.recv(100) == b"+PONG\r\n"
    s.close()  # no close_notify
    poll(lambda: control.info("clients")["connected_clients"], 1, "TLS clients freed")
    assert srv.alive()


def test_quit_sends_reply_then_closes(harness, certs):
    srv = start_tls(harness, certs)
    s = ssl_socket(certs, srv.tls_port)
    s.sendall(b"QUIT\r\n")
    got = b""
    while True:
        chunk = s.recv(100)
        if not chunk:
            break
        got += chunk
    assert got == b"+OK\r\n"
    s.close()


# --- refusing connections ----------------------------------------------------


def test_plain_text_client_on_tls_port_is_closed(harness, certs):
    srv = start_tls(harness, certs)
    for payload in (b"PING\r\n", b"*1\r\n$4\r\nPING\r\n", b"GET / HTTP/1.1\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=30)
        s.sendall(payload)
        try:
            data = s.recv(100)
        except ConnectionResetError:
            data = b""
        # Nothing readable comes back in plain text: a TLS alert or nothing.
        assert b"PONG" not in data
        s.close()
    # A client that connects and says nothing, then leaves.
    socket.create_connection(("127.0.0.1", srv.tls_port), timeout=30).close()
    assert tls_client(certs, srv.tls_port).ping() is True
    assert srv.alive()
    poll(lambda: "wrong version number" in srv.log_text() or
         "http request" in srv.log_text(), True, "handshake error logged")
    assert "Error accepting a client connection: " in srv.log_text()


def test_auth_clients_yes_refuses_a_client_without_certificate(harness, certs):
    srv = start_tls(harness, certs)  # tls-auth-clients yes is the default
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_client(certs, srv.tls_port, cert=False).ping()
    out = redis_cli(certs, srv.tls_port, "PING", cert=False)
    assert "PONG" not in out.stdout
    # A certificate from a CA the server does not trust is refused too.
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_client(certs, srv.tls_port, ssl_certfile=certs.stranger_crt,
                   ssl_keyfile=certs.stranger_key).ping()
    poll(lambda: "peer did not return a certificate" in srv.log_text(), True,
         "refusal logged")
    assert tls_client(certs, srv.tls_port).ping() is True


def test_auth_clients_optional_accepts_no_certificate_but_checks_one(harness, certs):
    srv = start_tls(harness, certs, "--tls-auth-clients", "optional")
    assert tls_client(certs, srv.tls_port, cert=False).ping() is True
    assert redis_cli(certs, srv.tls_port, "PING", cert=False).stdout.strip() == "PONG"
    assert tls_client(certs, srv.tls_port).ping() is True
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_client(certs, srv.tls_port, ssl_certfile=certs.stranger_crt,
                   ssl_keyfile=certs.stranger_key).ping()


def test_auth_clients_no_needs_no_ca(harness, certs):
    srv = start_with_tls_port(harness, lambda port: (
        "--tls-port", str(port), "--tls-cert-file", certs.server_crt,
        "--tls-key-file", certs.server_key, "--tls-auth-clients", "no"))
    port = srv.tls_port
    r = tls_client(certs, port, cert=False)
    assert r.ping() is True
    # CONFIG SET tls-auth-clients acts on the next connection.
    plain(srv).config_set("tls-auth-clients", "yes")
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_client(certs, port, cert=False).ping()
    assert r.ping() is True  # the connection made before is not affected


# --- port 0: TLS only --------------------------------------------------------


class TlsOnlyServer(servers.ServerProcess):
    """`--port 0`: the free port becomes the tls-port, readiness over TLS."""

    def __init__(self, c, backend, *extra):
        super().__init__(BINARY, args=IO_THREAD_ARGS + extra, backend=backend)
        self.certs = c

    def command_line(self, port):
        self.tls_port = port
        argv = super().command_line(port)
        return argv + ["--port", "0"] + list(tls_args(self.certs, port))

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("exited with status %s" % self.proc.returncode)
            try:
                if tls_client(self.certs, self.tls_port, socket_timeout=10).ping():
                    return
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError("not ready after %.1fs" % timeout)


def test_port_zero_with_only_a_tls_port(harness, certs, backend):
    srv = TlsOnlyServer(certs, harness.backend)
    harness.started.append(srv)
    srv.start()
    r = tls_client(certs, srv.tls_port)
    assert r.config_get("port") == {"port": "0"}
    assert r.config_get("tls-port") == {"tls-port": str(srv.tls_port)}
    value = os.urandom(2 << 20)
    r.set("x", value)
    assert r.get("x") == value
    assert redis_cli(certs, srv.tls_port, "DBSIZE").stdout.strip() == "1"


# --- start-up failures -------------------------------------------------------


def run_to_exit(*args):
    p = subprocess.run([BINARY, "--bind", "127.0.0.1", "--save", ""] + list(args),
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.parametrize("args,reason", [
    (("--tls-port", "1"), "No tls-cert-file configured!"),
    (("--tls-port", "1", "--tls-cert-file", "CERT"), "No tls-key-file configured!"),
    (("--tls-port", "1", "--tls-cert-file", "CERT", "--tls-key-file", "KEY"),
     "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
     "tls-replication or tls-auth-clients are enabled!"),
    (("--tls-port", "1", "--tls-cert-file", "/nonexistent.crt", "--tls-key-file", "KEY",
      "--tls-ca-cert-file", "CA"),
     "Failed to load certificate: /nonexistent.crt: error:80000002:system library::"
     "No such file or directory"),
    (("--tls-port", "1", "--tls-cert-file", "CERT", "--tls-key-file", "KEY",
      "--tls-ca-cert-file", "CA", "--tls-protocols", "TLSv1.2 SSLv3"),
     "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' "
     "and 'TLSv1.3'."),
    (("--tls-port", "1", "--tls-cert-file", "CERT", "--tls-key-file", "ENCKEY",
      "--tls-ca-cert-file", "CA"), "Failed to load private key: ENCKEY: "),
    (("--tls-port", "1", "--tls-cert-file", "CERT", "--tls-key-file", "KEY",
      "--tls-ca-cert-file", "CA", "--tls-dh-params-file", "BADDH"),
     "BADDH: failed to read DH params."),
    # tls-replication alone wants a context, even with tls-port 0.
    (("--tls-replication", "yes"), "No tls-cert-file configured!"),
])
def test_bad_tls_configuration_stops_the_start(certs, backend, args, reason):
    subst = {"CERT": certs.server_crt, "KEY": certs.server_key, "CA": certs.ca,
             "ENCKEY": certs.enc_key, "BADDH": certs.bad_dh}
    args = [subst.get(a, a) for a in args]
    reason = reason.replace("ENCKEY", certs.enc_key).replace("BADDH", certs.bad_dh)
    code, log = run_to_exit("--port", str(servers.free_port()), *args)
    assert code == 1, log
    assert reason in log
    assert "Failed to configure TLS. Check logs for more info." in log


def test_encrypted_key_with_its_passphrase(harness, certs):
    srv = start_with_tls_port(harness, lambda port: (
        "--tls-port", str(port), "--tls-cert-file", certs.server_crt,
        "--tls-key-file", certs.enc_key, "--tls-key-file-pass", "sesame",
        "--tls-ca-cert-file", certs.ca))
    assert tls_client(certs, srv.tls_port).ping() is True


def test_dh_params_file_loads(harness, certs):
    srv = start_tls(harness, certs, "--tls-dh-params-file", certs.dh)
    assert tls_client(certs, srv.tls_port).ping() is True


def tls12_context(certs):
    ctx = ssl.create_default_context(cafile=certs.ca)
    ctx.load_cert_chain(certs.client_crt, certs.client_key)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def test_prefer_server_ciphers(harness, certs):
    srv = start_tls(harness, certs, "--tls-ciphers",
                    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256")
    r = plain(srv)

    def chosen():
        ctx = tls12_context(certs)
        ctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305")
        s = ssl_socket(certs, srv.tls_port, context=ctx)
        name = s.cipher()[0]
        s.close()
        return name

    assert chosen() == "ECDHE-ECDSA-AES128-GCM-SHA256"  # the client's order
    r.config_set("tls-prefer-server-ciphers", "yes")
    assert chosen() == "ECDHE-ECDSA-CHACHA20-POLY1305"  # the server's order


def test_session_caching(harness, certs):
    srv = start_tls(harness, certs)
    r = plain(srv)

    def resumed(max_version):
        ctx = tls12_context(certs)
        ctx.maximum_version = max_version
        first = ssl_socket(certs, srv.tls_port, context=ctx)
        first.sendall(b"PING\r\n")
        assert first.recv(100) == b"+PONG\r\n"  # TLSv1.3 tickets arrive with it
        session = first.session
        first.close()
        raw = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=30)
        try:
            again = ctx.wrap_socket(raw, server_hostname="localhost", session=session)
        except ssl.SSLError as e:
            return str(e)
        again.sendall(b"PING\r\n")
        assert again.recv(100) == b"+PONG\r\n"
        reused = again.session_reused
        again.close()
        return reused

    assert resumed(ssl.TLSVersion.TLSv1_2) is True
    assert resumed(ssl.TLSVersion.TLSv1_3) is True
    r.config_set("tls-session-caching", "no")
    # As Redis with OpenSSL 3: without a session id context the server
    # refuses to resume a session of a verified client (an internal-error
    # alert), for session ids and tickets alike.
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        assert "TLSV1_ALERT_INTERNAL_ERROR" in str(resumed(version))
    r.execute_command("CONFIG", "SET", "tls-session-caching", "yes",
                      "tls-session-cache-size", "100", "tls-session-cache-timeout", "60")
    assert resumed(ssl.TLSVersion.TLSv1_2) is True


# --- CONFIG SET --------------------------------------------------------------

ERR_TLS = "Unable to update TLS configuration. Check server logs."


def config_set_error(r, name, value):
    with pytest.raises(redis.exceptions.ResponseError) as e:
        r.config_set(name, value)
    return str(e.value)


def test_config_set_reloads_the_context(harness, certs):
    srv = start_tls(harness, certs)
    r = plain(srv)
    old = ssl_socket(certs, srv.tls_port)
    assert peer_cn(old) == "spindle-one"

    for name, value in (("tls-cert-file", "/nonexistent.crt"), ("tls-protocols", "foo"),
                        ("tls-ciphers", "NOPE"), ("tls-ciphersuites", "NOPE"),
                        ("tls-dh-params-file", "/nonexistent.pem"),
                        ("tls-key-file", certs.client_key)):
        before = r.config_get(name)
        assert config_set_error(r, name, value) == (
            "CONFIG SET failed (possibly related to argument '%s') - %s" % (name, ERR_TLS))
        assert r.config_get(name) == before  # rolled back
    assert "Failed to load certificate: /nonexistent.crt: " in srv.log_text()
    assert "Failed to configure ciphers: NOPE" in srv.log_text()
    assert ("Failed applying new configuration. Possibly related to new tls-cert-file "
            "setting. Restoring previous settings.") in srv.log_text()
    # The context in use was kept.
    assert tls_client(certs, srv.tls_port).ping() is True

    # Both files at once: new connections get the new certificate, the old
    # connection goes on with its session.
    r.execute_command("CONFIG", "SET", "tls-cert-file", certs.server2_crt,
                      "tls-key-file", certs.server2_key)
    new = ssl_socket(certs, srv.tls_port)
    assert peer_cn(new) == "spindle-two"
    for s in (old, new):
        s.sendall(b"PING\r\n")
        assert s.recv(100) == b"+PONG\r\n"
        s.close()


def test_config_set_protocols_and_ciphersuites_act(harness, certs):
    srv = start_tls(harness, certs)
    r = plain(srv)

    def tls13_only():
        ctx = ssl.create_default_context(cafile=certs.ca)
        ctx.load_cert_chain(certs.client_crt, certs.client_key)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        return ctx

    s = ssl_socket(certs, srv.tls_port)
    assert s.version() == "TLSv1.3"
    s.close()
    r.config_set("tls-protocols", "TLSv1.2")
    s = ssl_socket(certs, srv.tls_port)
    assert s.version() == "TLSv1.2"
    s.close()
    with pytest.raises((ssl.SSLError, OSError)):
        ssl_socket(certs, srv.tls_port, context=tls13_only()).recv(1)
    r.config_set("tls-protocols", "TLSv1.2 TLSv1.3")
    r.config_set("tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
    s = ssl_socket(certs, srv.tls_port, context=tls13_only())
    assert s.cipher()[0] == "TLS_CHACHA20_POLY1305_SHA256"
    s.close()


def test_config_set_tls_port(harness, certs):
    srv = start_tls(harness, certs)
    r = plain(srv)
    r.config_set("tls-port", 0)
    with pytest.raises(OSError):
        ssl_socket(certs, srv.tls_port)
    # With tls-port 0 the files are not loaded: a bad one is accepted...
    r.config_set("tls-cert-file", "/nonexistent.crt")
    # ...and the context built at start-up is reused for the new port.
    new_port = servers.free_port()
    r.config_set("tls-port", new_port)
    assert tls_client(certs, new_port).ping() is True
    r.config_set("tls-cert-file", certs.server_crt)
    # A port that is taken: Redis's error, and the old listener stays.
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    assert config_set_error(r, "tls-port", taken.getsockname()[1]) == (
        "CONFIG SET failed (possibly related to argument 'tls-port') - "
        "Unable to listen on this port. Check server logs.")
    taken.close()
    assert r.config_get("tls-port") == {"tls-port": str(new_port)}
    assert tls_client(certs, new_port).ping() is True
    # A new bind re-listens on the TLS port too.
    r.config_set("bind", "127.0.0.1")
    assert tls_client(certs, new_port).ping() is True
    assert plain(srv).ping() is True


def test_config_set_tls_port_without_certificates(harness, certs):
    srv = harness.start()
    r = plain(srv)
    assert config_set_error(r, "tls-port", servers.free_port()) == (
        "CONFIG SET failed (possibly related to argument 'tls-port') - " + ERR_TLS)
    assert "No tls-cert-file configured!" in srv.log_text()
    # Files set first (nothing loads them while TLS is off), then the port.
    r.execute_command("CONFIG", "SET", "tls-cert-file", certs.server_crt,
                      "tls-key-file", certs.server_key, "tls-ca-cert-file", certs.ca)
    port = servers.free_port()
    r.config_set("tls-port", port)
    assert tls_client(certs, port).ping() is True


# --- I/O threads ---------------------------------------------------------------


@pytest.mark.skipif(AGAINST_REDIS, reason="Redis keeps TLS clients off its I/O threads")
def test_tls_clients_on_io_threads(harness, certs):
    srv = start_tls(harness, certs, "--io-threads", "2", "--io-threads-do-reads", "yes",
                    "--enable-debug-command", "yes")
    control = plain(srv)
    n_clients = 8
    errors = []
    # Everyone connects first, then all send at once while DEBUG SLEEP holds
    # the main thread: the next iteration reads a batch of them together.
    clients = [tls_client(certs, srv.tls_port) for _ in range(n_clients)]
    for c in clients:
        c.ping()
    barrier = threading.Barrier(n_clients + 1)

    def work(i, r):
        try:
            barrier.wait()
            for rnd in range(5):
                p = r.pipeline(transaction=False)
                value = (b"%d-%d-" % (i, rnd)) * 20000
                for j in range(50):
                    p.set("t%d:%d" % (i, j), value)
                    p.get("t%d:%d" % (i, j))
                res = p.execute()
                assert res[1::2] == [value] * 50
        except Exception as e:  # reported below
            errors.append(e)

    # Whether the burst meets the DEBUG SLEEP depends on the scheduling of
    # this machine's threads: a round that met no batch big enough for the
    # threads is run again (the data checks hold for every round).
    for _ in range(10):
        threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        sleeper = threading.Thread(
            target=lambda: control.execute_command("DEBUG", "SLEEP", "0.3"))
        sleeper.start()
        time.sleep(0.05)
        barrier.wait()
        for t in threads:
            t.join(120)
        sleeper.join()
        assert not errors, errors
        info = control.info("stats")
        if info["io_threaded_reads_processed"] > 0 and info["io_threaded_writes_processed"] > 0:
            break
    assert info["io_threaded_reads_processed"] > 0
    assert info["io_threaded_writes_processed"] > 0
    assert srv.alive()


# --- protected mode ----------------------------------------------------------


def test_protected_mode_refusal_is_sent_over_tls(harness, certs):
    """Over TLS the protected-mode check waits for the handshake (Redis's
    clientAcceptHandler runs after connAccept), so the -DENIED text arrives
    encrypted and no plain text is written on the TLS port."""
    from test_client_limits import DENIED
    srv = start_tls(harness, certs, "--protected-mode", "yes")
    ctx = ssl.create_default_context(cafile=certs.ca)
    ctx.load_cert_chain(certs.client_crt, certs.client_key)
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.settimeout(30)
    raw.bind(("127.0.0.2", 0))  # loopback, but not 127.0.0.1: not local
    raw.connect(("127.0.0.1", srv.tls_port))
    s = ctx.wrap_socket(raw, server_hostname="localhost")
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, ssl.SSLError):
        pass
    s.close()
    assert data == DENIED
    # 127.0.0.1 is local: served
    r = tls_client(certs, srv.tls_port)
    assert r.ping() is True
    r.close()
