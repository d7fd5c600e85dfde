"""maxclients, idle timeout, and the select backend past FD_SETSIZE."""

import re
import resource
import socket
import time

import pytest

from resp import ConnectionClosed, RawConnection
from waits import poll

MAXCLIENTS_ERR = b"-ERR max number of clients reached\r\n"


def raise_own_nofile(n=20000):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n if hard == resource.RLIM_INFINITY else min(n, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def server_nofile():
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))


def connect_and_ping(srv):
    """Return (conn, reply) where reply is the raw bytes until the first
    CRLF-terminated reply, or everything until EOF if the server closed."""
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        c.send(b"*1\r\n$4\r\nPING\r\n")
        return c, c.read_reply()
    except ConnectionClosed:
        return c, b"<closed>"
    except ConnectionResetError:
        # The server wrote its error and closed while our PING was unread:
        # the kernel answers with RST, which can drop the error text.
        return c, b"<reset>"


def test_maxclients(harness):
    srv = harness.start("--maxclients", "5")
    conns = []
    try:
        for _ in range(5):
            c, rep = connect_and_ping(srv)
            conns.append(c)
            assert rep == b"+PONG\r\n"
        sixth = RawConnection(srv.host, srv.port, timeout=30)
        conns.append(sixth)
        # the error is sent on accept, before any command, then EOF
        assert sixth.read_until_closed() == MAXCLIENTS_ERR
        # the five are unaffected; closing one frees a slot
        assert conns[0].call([b"PING"]) == b"+PONG\r\n"
        conns[0].close()
        deadline = time.monotonic() + 20
        while True:
            c, rep = connect_and_ping(srv)
            conns.append(c)
            if rep == b"+PONG\r\n":
                break
            assert rep in (MAXCLIENTS_ERR, b"<closed>", b"<reset>")
            assert time.monotonic() < deadline, "slot never freed"
            time.sleep(0.05)
    finally:
        for c in conns:
            c.close()


def test_idle_timeout_disconnects(harness):
    srv = harness.start("--timeout", "1")
    idle = RawConnection(srv.host, srv.port, timeout=1)
    try:
        assert idle.call([b"PING"]) == b"+PONG\r\n"
        deadline = time.monotonic() + 30  # generous bound, not a timing test
        closed = False
        while time.monotonic() < deadline:
            try:
                data = idle.sock.recv(100)
            except socket.timeout:
                continue
            except ConnectionResetError:
                closed = True
                break
            assert data == b"", data
            closed = True
            break
        assert closed, "idle client not disconnected within 30s"
        c = RawConnection(srv.host, srv.port, timeout=30)
        try:
            assert c.call([b"PING"]) == b"+PONG\r\n"
        finally:
            c.close()
    finally:
        idle.close()


def test_many_connections_and_fd_setsize(harness, backend):
    """1100 clients: select cannot watch fds >= FD_SETSIZE (1024), so those
    clients get the maxclients error and are closed; other backends (and
    redis-server) serve them all."""
    raise_own_nofile()
    srv = harness.start("--maxclients", "2000", preexec_fn=server_nofile)
    n = 1100
    ok, rejected = [], []
    try:
        for i in range(n):
            if not rejected:
                c, rep = connect_and_ping(srv)
                if rep == b"+PONG\r\n":
                    ok.append(c)
                    continue
                assert rep in (MAXCLIENTS_ERR, b"<closed>", b"<reset>"), rep
                rejected.append((c, rep))
                continue
            # Past the first rejection, send nothing: the server's error
            # comes unsolicited on accept, followed by EOF (exact bytes).
            c = RawConnection(srv.host, srv.port, timeout=30)
            try:
                rep = c.read_until_closed()
            except ConnectionResetError:
                rep = b"<reset>"
            rejected.append((c, rep))
            if rep == b"":  # accepted after all: it must answer
                assert c.call([b"PING"]) == b"+PONG\r\n"
                rejected.pop()
                ok.append(c)
                assert backend != "select", "fd reused after rejection was accepted"
        if backend == "select":
            assert rejected, "select backend accepted fds past FD_SETSIZE"
            # every fd below 1024 is usable: only the listener(s), std fds
            # and a few internal fds (log, eventfd, ...) are not clients
            assert 1000 <= len(ok) <= 1021, len(ok)
            # (the first one raced with our PING; the rest are exact)
            assert len(rejected) >= 2
            assert all(rep == MAXCLIENTS_ERR for _, rep in rejected[1:]), \
                set(rep for _, rep in rejected)
        else:
            assert len(ok) == n, "%d rejected: %r" % (len(rejected), rejected[:1])
        # every accepted client still works
        for c in ok[:: max(1, len(ok) // 50)] + ok[-3:]:
            assert c.call([b"PING"]) == b"+PONG\r\n"
        # free some fds below 1024: a fresh client gets PONG
        for c, _ in rejected:
            c.close()
        for c in ok[-5:]:
            c.close()
        del ok[-5:]
        deadline = time.monotonic() + 20
        while True:
            c, rep = connect_and_ping(srv)
            c.close()
            if rep == b"+PONG\r\n":
                break
            assert time.monotonic() < deadline, "no fresh client accepted"
            time.sleep(0.05)
    finally:
        for c in ok:
            c.close()
        for c, _ in rejected:
            c.close()


def test_idle_timeout_spares_monitors_and_subscribers(harness):
    """Redis's clientsCronHandleTimeout: no idle timeout for MONITOR (a
    replica in Redis's flags), subscribed or blocked clients."""
    srv = harness.start("--timeout", "1")
    mon = RawConnection(srv.host, srv.port, timeout=30)
    sub = RawConnection(srv.host, srv.port, timeout=30)
    blk = RawConnection(srv.host, srv.port, timeout=30)
    idle = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert mon.call([b"MONITOR"]) == b"+OK\r\n"
        assert sub.call([b"SUBSCRIBE", b"ch"]).startswith(b"*3\r\n")
        blk.send_command([b"BLPOP", b"nokey", b"0"])
        poll(lambda: re.search(rb"blocked_clients:(\d+)", idle.call([b"INFO", b"clients"]))
             .group(1), b"1", "BLPOP blocked")
        assert idle.call([b"PING"]) == b"+PONG\r\n"
        assert idle.read_until_closed() == b""  # the idle one goes
        time.sleep(2.5)  # well past the timeout for the others too
        c = RawConnection(srv.host, srv.port, timeout=30)
        try:
            listing = c.call([b"CLIENT", b"LIST"])
            assert listing.count(b" flags=O ") == 1, listing
            assert listing.count(b" flags=P ") == 1, listing
            assert listing.count(b" flags=b ") == 1, listing
        finally:
            c.close()
    finally:
        for x in (mon, sub, blk, idle):
            x.close()
