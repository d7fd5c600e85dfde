"""Robustness: hostile and broken clients never disturb the others.

Each test is bounded in time and in connections (a few seconds each) and
runs on every io-backend (and, under `make test`, with io-threads 2 too):
 - 500 connections sending random garbage and truncated frames at once while
   clients run a normal workload;
 - a slow reader of a big reply does not hold the others up;
 - 10,000 connections at once;
 - half-open connections (half a command, then gone or write side shut);
 - clients killed in the middle of a big reply.
Every test also passes against redis-server 7.0.15
(SPINDLE_TEST_AGAINST_REDIS=1)."""

import random
import re
import resource
import socket
import threading
import time

from resp import RawConnection
from waits import poll

MAXCLIENTS_ERR = b"-ERR max number of clients reached\r\n"


def raise_own_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n if hard == resource.RLIM_INFINITY else min(n, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


def server_nofile():
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))


def connected_clients(c):
    raw = c.call([b"INFO", b"clients"])
    return int(re.search(rb"connected_clients:(\d+)", raw).group(1))


class Workload(threading.Thread):
    """A well-behaved client: SET / GET / INCR / RPUSH with checked replies
    until stopped. Any wrong reply or error is recorded."""

    def __init__(self, srv, name):
        super().__init__(daemon=True)
        self.srv = srv
        self.name_ = name.encode()
        self.stop = threading.Event()
        self.errors = []
        self.ops = 0

    def run(self):
        try:
            c = RawConnection(self.srv.host, self.srv.port, timeout=30)
            rnd = random.Random(self.name_)
            key = b"w:" + self.name_
            n = 0
            while not self.stop.is_set():
                value = b"%d" % rnd.randrange(1 << 40)
                # a small pipeline of four commands
                c.send(b"".join([
                    b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                    % (len(key), key, len(value), value),
                    b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(key), key),
                    b"*2\r\n$4\r\nINCR\r\n$%d\r\n%s:n\r\n" % (len(key) + 2, key),
                    b"*3\r\n$5\r\nRPUSH\r\n$%d\r\n%s:l\r\n$1\r\nx\r\n" % (len(key) + 2, key),
                ]))
                n += 1
                want = [b"+OK\r\n", b"$%d\r\n%s\r\n" % (len(value), value),
                        b":%d\r\n" % n, b":%d\r\n" % n]
                for w in want:
                    got = c.read_reply()
                    if got != w:
                        self.errors.append((w, got))
                        return
                self.ops += 4
            c.close()
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            self.errors.append(repr(e))


def run_workload_during(srv, fn, clients=4):
    workers = [Workload(srv, "wl%d" % i) for i in range(clients)]
    for w in workers:
        w.start()
    try:
        fn()
    finally:
        for w in workers:
            w.stop.set()
        for w in workers:
            w.join(30)
    for w in workers:
        assert not w.is_alive(), "a workload client hung"
        assert not w.errors, w.errors[:3]
        assert w.ops > 0
    return sum(w.ops for w in workers)


def garbage_payloads(rnd):
    """What one hostile connection sends: a list of chunks."""
    kind = rnd.randrange(10)
    if kind == 0:  # random bytes
        return [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000)))]
    if kind == 1:  # a valid frame cut anywhere
        frame = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\n"
        return [frame[:rnd.randrange(1, len(frame))]]
    if kind == 2:  # a huge announced bulk that never comes
        return [b"*2\r\n$3\r\nGET\r\n$%d\r\n" % rnd.choice([536870000, 100000000, 40000]),
                b"x" * rnd.randrange(0, 5000)]
    if kind == 3:  # bad multibulk lengths
        return [rnd.choice([b"*-5\r\n", b"*abc\r\n", b"*99999999999\r\n", b"*1\r\n$-2\r\n",
                            b"*1\r\n$abc\r\n", b"*1\r\nfoo\r\n", b"*2000000000\r\n"])]
    if kind == 4:  # inline commands with unbalanced quotes and NULs
        return [rnd.choice([b"SET \"a b\r\n", b"GET 'x\r\n", b"\x00\x00\x00\r\n",
                            b"PING \"\\x4\r\n", b"\"unterminated"])]
    if kind == 5:  # a long line without a newline (inline buffer limit)
        return [b"A" * rnd.randrange(10000, 80000)]
    if kind == 6:  # a frame dribbled in tiny pieces, then truncated
        frame = b"*3\r\n$3\r\nSET\r\n$5\r\nslowk\r\n$5\r\nvalue\r\n"
        cut = rnd.randrange(5, len(frame))
        return [frame[i:i + 3] for i in range(0, cut, 3)]
    if kind == 7:  # valid commands then garbage
        return [b"*1\r\n$4\r\nPING\r\n" * rnd.randrange(1, 50) + b"$$$$\r\n"]
    if kind == 8:  # RESP3 / HELLO with nonsense, then truncated
        return [b"*3\r\n$5\r\nHELLO\r\n$1\r\n9\r\n$3\r\nfoo\r\n*1\r\n$4\r\nPI"]
    return [b"*1\r\n$" + b"9" * rnd.randrange(1, 30) + b"\r\n"]


def test_garbage_from_500_connections(harness):
    raise_own_nofile(4096)
    srv = harness.start("--maxclients", "2000")
    rnd = random.Random(20240801)
    conns = []

    def storm():
        for _ in range(3):  # three waves of 500
            wave()

    def wave():
        for s, _ in conns:
            s.close()
        conns.clear()
        deadline = time.monotonic() + 20
        for _ in range(500):
            s = socket.socket()
            s.setblocking(True)
            s.connect((srv.host, srv.port))
            s.setblocking(False)
            conns.append((s, garbage_payloads(rnd)))
        # interleave: one chunk per connection per pass
        step = 0
        while time.monotonic() < deadline:
            left = False
            for s, chunks in conns:
                if step < len(chunks):
                    left = True
                    try:
                        s.send(chunks[step])
                    except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                        pass
            step += 1
            if not left:
                break
        time.sleep(0.3)  # let the server answer and close what it closes
        # half go away at once, the rest stay open with their partial frames
        for s, _ in conns[::2]:
            s.close()

    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        ops = run_workload_during(srv, storm)
        assert ops > 0
        assert c.call([b"PING"]) == b"+PONG\r\n"
        for s, _ in conns[1::2]:
            s.close()
        poll(lambda: connected_clients(c), 1, "hostile clients all gone")
        assert c.call([b"DBSIZE"]).startswith(b":")
        assert srv.alive()
    finally:
        for s, _ in conns:
            s.close()
        c.close()


def _client_omem(c, name):
    for line in c.call([b"CLIENT", b"LIST"]).split(b"\n"):
        if b" name=%s " % name in line:
            return int(re.search(rb" omem=(\d+) ", line).group(1))
    return None


def test_slow_reader_does_not_block_others(harness):
    """While the server holds a reply a client does not read (8 MB, far
    more than the socket buffers take), other clients are served: first
    while the reader reads nothing at all, then one command per chunk it
    reads. No latency bound: a server that waited for the reader would not
    answer at all."""
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    size = 4 * 1024 * 1024
    value = bytes(random.Random(7).randrange(256) for _ in range(4096)) * (size // 4096)
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    slow.connect((srv.host, srv.port))
    try:
        c.send(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n" % size + value + b"\r\n")
        assert c.read_reply() == b"+OK\r\n"
        slow.sendall(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$4\r\nslow\r\n" +
                     b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 2)
        poll(lambda: (_client_omem(c, b"slow") or 0) > 0, True, "the slow reader's reply queued")
        count = 0
        for _ in range(200):
            count += 1
            assert c.call([b"INCR", b"n"]) == b":%d\r\n" % count
        assert _client_omem(c, b"slow") > 0  # nothing was read: still queued
        one = b"$%d\r\n" % size + value + b"\r\n"
        want = b"+OK\r\n" + one + one
        received = bytearray()
        slow.settimeout(30)
        while len(received) < len(want):
            chunk = slow.recv(65536)
            if not chunk:
                break
            received.extend(chunk)
            count += 1
            assert c.call([b"INCR", b"n"]) == b":%d\r\n" % count
        assert bytes(received) == want
    finally:
        slow.close()
        c.close()


def test_ten_thousand_connections(harness, backend):
    have = raise_own_nofile(20000)
    assert have >= 10100, "need 10,100 descriptors, have %d" % have
    srv = harness.start("--maxclients", "10100", preexec_fn=server_nofile)
    c = RawConnection(srv.host, srv.port, timeout=30)
    conns = []
    try:
        for _ in range(10000):
            s = socket.socket()
            s.connect((srv.host, srv.port))
            conns.append(s)
        # one PING on every connection, then every answer
        for s in conns:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
        pong = refused = 0
        for s in conns:
            s.settimeout(30)
            data = b""
            try:
                while not data.endswith(b"\r\n"):
                    chunk = s.recv(100)
                    if not chunk:
                        break
                    data += chunk
            except ConnectionResetError:
                data = b"<reset>"
            if data == b"+PONG\r\n":
                pong += 1
            else:
                assert data in (MAXCLIENTS_ERR, b"<reset>", b""), data
                refused += 1
        if backend == "select":
            # select cannot watch descriptors past FD_SETSIZE: those clients
            # are refused cleanly, the others served
            assert 900 <= pong <= 1021 and pong + refused == 10000, (pong, refused)
        else:
            assert pong == 10000, (pong, refused)
            assert connected_clients(c) == 10001
        assert c.call([b"PING"]) == b"+PONG\r\n"
        for s in conns:
            s.close()
        conns = []
        poll(lambda: connected_clients(c), 1, "all 10,000 gone")
    finally:
        for s in conns:
            s.close()
        c.close()


def test_half_open_connections(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    held = []
    try:
        half = b"*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\n01234"
        # 1. half a command, then the client is gone (close)
        for _ in range(100):
            s = socket.create_connection((srv.host, srv.port))
            s.sendall(half)
            s.close()
        # 2. half a command, then an abortive close (RST)
        for _ in range(100):
            s = socket.create_connection((srv.host, srv.port))
            s.sendall(half)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        # 3. half a command, then the write side shut: the server closes
        # (the command can never complete), without a reply
        for _ in range(100):
            s = socket.create_connection((srv.host, srv.port))
            s.sendall(half)
            s.shutdown(socket.SHUT_WR)
            held.append(s)
        for s in held:
            s.settimeout(30)
            assert s.recv(100) == b""
            s.close()
        held = []
        # 4. a whole command, then the write side shut: the reply comes,
        # then EOF
        for i in range(50):
            s = socket.create_connection((srv.host, srv.port))
            s.sendall(b"*3\r\n$3\r\nSET\r\n$3\r\nk%02d\r\n$1\r\nv\r\n" % i)
            s.shutdown(socket.SHUT_WR)
            held.append(s)
        for s in held:
            s.settimeout(30)
            data = b""
            while True:
                chunk = s.recv(100)
                if not chunk:
                    break
                data += chunk
            assert data == b"+OK\r\n"
            s.close()
        held = []
        poll(lambda: connected_clients(c), 1, "half-open clients gone")
        assert c.call([b"GET", b"half"]) == b"$-1\r\n"
        assert c.call([b"GET", b"k49"]) == b"$1\r\nv\r\n"
    finally:
        for s in held:
            s.close()
        c.close()


def test_client_killed_mid_reply(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        size = 16 * 1024 * 1024
        c.send(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n" % size + b"b" * size + b"\r\n")
        assert c.read_reply() == b"+OK\r\n"
        items = [b"item-%06d" % i for i in range(100000)]
        for i in range(0, len(items), 10000):
            c.call([b"RPUSH", b"list"] + items[i:i + 10000])
        requests = [b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n",
                    b"*4\r\n$6\r\nLRANGE\r\n$4\r\nlist\r\n$1\r\n0\r\n$2\r\n-1\r\n"]
        for i in range(40):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
            s.connect((srv.host, srv.port))
            s.sendall(requests[i % 2] * (1 + i % 3))
            s.settimeout(30)
            got = 0
            while got < 20000 + i * 1000:
                chunk = s.recv(65536)
                assert chunk, "closed by the server"
                got += len(chunk)
            if i % 4 == 0:  # abortive close: RST
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        poll(lambda: connected_clients(c), 1, "killed clients gone")
        # the server is intact and serves the same big reply whole
        reply = c.call([b"GET", b"big"])
        assert reply == b"$%d\r\n" % size + b"b" * size + b"\r\n"
        assert c.call([b"LLEN", b"list"]) == b":100000\r\n"
        assert srv.alive()
    finally:
        c.close()
