"""Client limits: client-output-buffer-limit (normal and pubsub classes, hard
and soft), maxmemory-clients (client eviction, CLIENT NO-EVICT) and
protected-mode. Every test also passes against redis-server 7.0.15
(SPINDLE_TEST_AGAINST_REDIS=1)."""

import re
import socket
import time

from conftest import SANITIZED
from resp import RawConnection
from waits import poll

DENIED = (
    b"-DENIED Redis is running in protected mode because protected mode is enabled and no "
    b"password is set for the default user. In this mode connections are only accepted from the "
    b"loopback interface. If you want to connect from external computers to Redis you may adopt "
    b"one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    b"SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    b"host the server is running, however MAKE SURE Redis is not publicly accessible from "
    b"internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    b"you can just disable the protected mode by editing the Redis configuration file, and "
    b"setting the protected mode option to 'no', and then restarting the server. 3) If you "
    b"started the server manually just for testing, restart it with the '--protected-mode no' "
    b"option. 4) Setup a an authentication password for the default user. NOTE: You only need "
    b"to do one of the above things in order for the server to start accepting connections from "
    b"the outside.\r\n")


def rss_bytes(srv):
    """The server's resident memory; on an ASan build, where RSS includes
    the quarantine of freed blocks, the sanitizer allocator's live bytes
    (conftest.SANITIZED)."""
    if SANITIZED:
        c = RawConnection(srv.host, srv.port, timeout=30)
        try:
            return int(info_field(c, b"memory", b"used_memory"))
        finally:
            c.close()
    with open("/proc/%d/status" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def info_field(c, section, name):
    raw = c.call([b"INFO", section])
    m = re.search(rb"\r\n" + name + rb":([^\r]*)\r\n", raw)
    assert m, raw
    return m.group(1)


def client_line(c, name):
    raw = c.call([b"CLIENT", b"LIST"])
    for line in raw.split(b"\n"):
        if b" name=" + name + b" " in line:
            return line
    return None


def numsub(c, channel):
    raw = c.call([b"PUBSUB", b"NUMSUB", channel])
    return int(raw.rsplit(b":", 1)[1].strip())


def silent_subscriber(srv, name, channel):
    """A subscriber with a tiny receive buffer that never reads."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((srv.host, srv.port))
    s.sendall(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$%d\r\n%s\r\n"
              b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n"
              % (len(name), name, len(channel), channel))
    return s


def drain_until_closed(s, limit=30.0):
    """Reads everything until EOF (or reset); True if the server closed."""
    s.settimeout(limit)
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            if not s.recv(1 << 20):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def publish_pipelined(c, channel, message, count, batch=20):
    """PUBLISHes count messages, batch at a time; returns the receivers."""
    got = []
    frame = b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
        len(channel), channel, len(message), message)
    left = count
    while left:
        n = min(batch, left)
        c.send(frame * n)
        for _ in range(n):
            got.append(int(c.read_reply()[1:-2]))
        left -= n
    return got


# --- client-output-buffer-limit ---------------------------------------------

def test_pubsub_hard_limit_disconnects_a_silent_subscriber(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    sub = silent_subscriber(srv, b"silent", b"flood")
    try:
        assert c.call([b"CONFIG", b"SET", b"client-output-buffer-limit",
                       b"pubsub 2mb 0 0"]) == b"+OK\r\n"
        poll(lambda: numsub(c, b"flood"), 1, "NUMSUB flood")
        base = rss_bytes(srv)
        # 200 MB offered to a subscriber that reads nothing.
        receivers = publish_pipelined(c, b"flood", b"m" * 100000, 2000)
        peak = rss_bytes(srv)
        # delivered to the subscriber until the limit, then it was gone
        assert receivers[0] == 1 and receivers[-1] == 0
        assert 10 <= receivers.count(1) <= 60, receivers.count(1)
        assert numsub(c, b"flood") == 0
        assert drain_until_closed(sub)
        # nothing of the 200 MB stayed (the bound is loose: allocator slack)
        assert peak - base < 40 * 1024 * 1024, (base, peak)
        assert c.call([b"PING"]) == b"+PONG\r\n"
        log = srv.log_text()
        m = re.search(r"Client (id=\d+ addr=\S+ .*) scheduled to be closed ASAP for overcoming "
                      r"of output buffer limits\.", log)
        assert m, log[-2000:]
        assert " name=silent " in m.group(1) and " flags=P " in m.group(1), m.group(1)
        assert " sub=1 " in m.group(1) and " cmd=subscribe " in m.group(1), m.group(1)
    finally:
        sub.close()
        c.close()


def test_pubsub_soft_limit_acts_after_its_seconds(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    sub = silent_subscriber(srv, b"soft", b"ch")
    try:
        assert c.call([b"CONFIG", b"SET", b"client-output-buffer-limit",
                       b"pubsub 0 1mb 1"]) == b"+OK\r\n"
        poll(lambda: numsub(c, b"ch"), 1, "NUMSUB ch")
        # over the soft limit once; nothing more is published
        # (10 MB: the kernel takes a few MB of it into the socket buffers).
        # The clock starts at one of these PUBLISHes, so not before `started`
        # (taken after them, the time the rest of them took on a loaded
        # machine would count against the second); they go in one write, so
        # that little time passes between that PUBLISH and the NUMSUB below.
        started = time.monotonic()
        assert publish_pipelined(c, b"ch", b"s" * 100000, 100, batch=100) == [1] * 100
        assert numsub(c, b"ch") == 1  # not at once: the clock has just started
        # held over it for more than a second: the cron closes it
        poll(lambda: numsub(c, b"ch"), 0, "soft-limited subscriber closed")
        assert time.monotonic() - started > 0.9
        assert drain_until_closed(sub)
        log = srv.log_text()
        assert re.search(r"Client id=\d+ .* name=soft .* closed for overcoming of output buffer "
                         r"limits\.", log), log[-2000:]
    finally:
        sub.close()
        c.close()


def test_soft_limit_clock_restarts_under_it(harness):
    """A subscriber that reads in time is never closed by the soft limit."""
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    sub = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"CONFIG", b"SET", b"client-output-buffer-limit",
                       b"pubsub 0 64kb 1"]) == b"+OK\r\n"
        sub.call([b"SUBSCRIBE", b"ch"])
        message = b"r" * 30000
        for _ in range(3):
            assert publish_pipelined(c, b"ch", message, 5) == [1] * 5
            for _ in range(5):
                assert sub.read_reply().endswith(message + b"\r\n")
            time.sleep(0.8)
        assert numsub(c, b"ch") == 1
    finally:
        sub.close()
        c.close()


def test_normal_limit_stops_a_pipeline_nobody_reads(harness):
    """A client that pipelines a million GETs without reading its replies
    is closed at the normal-class hard limit; memory stays bounded."""
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"CONFIG", b"SET", b"client-output-buffer-limit",
                       b"normal 4mb 0 0"]) == b"+OK\r\n"
        assert c.call([b"SET", b"k", b"v" * 100]) == b"+OK\r\n"
        base = rss_bytes(srv)
        greedy = socket.socket()
        greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        greedy.connect((srv.host, srv.port))
        greedy.sendall(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$6\r\ngreedy\r\n")
        chunk = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" * 10000
        sent = 0
        greedy.settimeout(30)
        try:
            for _ in range(100):  # 1,000,000 GETs, 100 MB of replies
                greedy.sendall(chunk)
                sent += 10000
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert sent < 1000000, "the server never closed the client"
        assert drain_until_closed(greedy)
        greedy.close()
        assert rss_bytes(srv) - base < 40 * 1024 * 1024
        assert c.call([b"PING"]) == b"+PONG\r\n"
        assert client_line(c, b"greedy") is None
        assert re.search(r"Client id=\d+ .* name=greedy .* cmd=get .*scheduled to be closed "
                         r"ASAP for overcoming of output buffer limits\.", srv.log_text())
        value = b"normal 4194304 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        assert c.call([b"CONFIG", b"GET", b"client-output-buffer-limit"]) == (
            b"*2\r\n$26\r\nclient-output-buffer-limit\r\n$%d\r\n%s\r\n" % (len(value), value))
    finally:
        c.close()


def test_big_reply_over_the_normal_limit(harness):
    """One command whose reply alone is over the limit: no reply arrives
    whole, the connection is closed, others go on."""
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    big = RawConnection(srv.host, srv.port, timeout=30)
    try:
        values = [b"x" * 1000] * 5000
        assert c.call([b"RPUSH", b"l"] + values) == b":5000\r\n"
        assert c.call([b"CONFIG", b"SET", b"client-output-buffer-limit",
                       b"normal 1mb 0 0"]) == b"+OK\r\n"
        big.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        big.send(b"*4\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$1\r\n0\r\n$2\r\n-1\r\n")
        got = big.read_until_closed(limit=10 << 20)
        assert len(got) < 5000 * 1000
        # the controlling client's small replies are never limited
        assert c.call([b"LLEN", b"l"]) == b":5000\r\n"
    finally:
        big.close()
        c.close()



def test_one_huge_reply_stops_growing_at_the_limit(harness):
    """Redis stops queueing output for a client once it is over its hard
    limit, in the middle of a reply too: one LRANGE whose reply is 20 MB
    builds a little over the 1 MB limit, not 20 MB, before the client is
    closed (the log line shows its omem when it was marked)."""
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    big = RawConnection(srv.host, srv.port, timeout=30)
    try:
        for _ in range(20):
            assert c.call([b"RPUSH", b"l"] + [b"x" * 1000] * 1000).startswith(b":")
        assert c.call([b"CONFIG", b"SET", b"client-output-buffer-limit",
                       b"normal 1mb 0 0"]) == b"+OK\r\n"
        assert big.call([b"CLIENT", b"SETNAME", b"huge"]) == b"+OK\r\n"
        big.send(b"*4\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$1\r\n0\r\n$2\r\n-1\r\n")
        # Nothing of the reply is written: the client is closed first.
        assert big.read_until_closed(limit=30 << 20) == b""
        m = re.search(r"Client id=\d+ .* name=huge .* omem=(\d+) .*cmd=lrange .*scheduled to "
                      r"be closed ASAP for overcoming of output buffer limits\.", srv.log_text())
        assert m, srv.log_text()
        omem = int(m.group(1))
        assert 1024 * 1024 <= omem < 2 * 1024 * 1024, omem
        assert c.call([b"LLEN", b"l"]) == b":20000\r\n"
    finally:
        big.close()
        c.close()

# --- maxmemory-clients ------------------------------------------------------

def partial_bulk(srv, name, size):
    """A client whose query buffer holds a SET of a size-byte value but
    the last 2 bytes."""
    s = socket.create_connection((srv.host, srv.port))
    try:
        s.sendall(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$%d\r\n%s\r\n" % (len(name), name))
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % size + b"p" * (size - 2))
    except (BrokenPipeError, ConnectionResetError):
        pass  # evicted already (the caller checks who is evicted)
    return s


def wait_named(c, name):
    poll(lambda: client_line(c, name) is not None, True, "client %r listed" % name)


def tot_mem(c, name):
    line = client_line(c, name)
    return int(re.search(rb" tot-mem=(\d+) ", line).group(1)) if line else None


def all_tot_mem(c):
    raw = c.call([b"CLIENT", b"LIST"])
    return sum(int(m) for m in re.findall(rb" tot-mem=(\d+) ", raw))


def test_client_eviction_biggest_first(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    held = []
    try:
        assert c.call([b"CLIENT", b"SETNAME", b"ctl"]) == b"+OK\r\n"
        assert info_field(c, b"stats", b"evicted_clients") == b"0"
        for name, size in ((b"small", 150 * 1024), (b"big", 800 * 1024), (b"mid", 350 * 1024)):
            held.append(partial_bulk(srv, name, size))
            poll(lambda: (tot_mem(c, name) or 0) >= size, True, "%r's query buffer" % name)
        # Query buffers may hold some room beyond the bytes received: the
        # limit is set from what the clients measure, so that evicting the
        # biggest one is enough.
        big = tot_mem(c, b"big")
        assert big > tot_mem(c, b"mid") > tot_mem(c, b"small")
        limit = all_tot_mem(c) - big // 2
        assert c.call([b"CONFIG", b"SET", b"maxmemory-clients", b"%d" % limit]) == b"+OK\r\n"
        poll(lambda: client_line(c, b"big"), None, "big evicted")
        assert client_line(c, b"mid") is not None
        assert client_line(c, b"small") is not None
        assert info_field(c, b"stats", b"evicted_clients") == b"1"
        assert drain_until_closed(held[1])
        assert re.search(r"Evicting client: id=\d+ .* name=big ", srv.log_text())
        # a new client that takes the total over the limit is evicted itself
        # if it is now the biggest
        held.append(partial_bulk(srv, b"new", 900 * 1024))
        poll(lambda: info_field(c, b"stats", b"evicted_clients"), b"2", "second eviction")
        assert client_line(c, b"new") is None
        assert client_line(c, b"mid") is not None
    finally:
        for s in held:
            s.close()
        c.close()


def test_client_no_evict(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    held = []
    try:
        assert c.call([b"CLIENT", b"NO-EVICT", b"on"]) == b"+OK\r\n"
        assert b" flags=e " in c.call([b"CLIENT", b"INFO"])
        assert c.call([b"CONFIG", b"SET", b"maxmemory-clients", b"1mb"]) == b"+OK\r\n"
        kept = socket.create_connection((srv.host, srv.port))
        held.append(kept)
        kept.sendall(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$4\r\nkept\r\n"
                     b"*3\r\n$6\r\nCLIENT\r\n$8\r\nNO-EVICT\r\n$2\r\non\r\n")
        got = b""
        while got != b"+OK\r\n+OK\r\n":
            got += kept.recv(100)
        kept.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n" + b"q" * 1500000)
        poll(lambda: (tot_mem(c, b"kept") or 0) >= 1500000, True, "kept's query buffer")
        # over the limit with nobody evictable: a warning, nobody goes
        poll(lambda: "Over client maxmemory after evicting all evictable clients"
             in srv.log_text(), True, "warning logged")
        assert b" flags=e " in client_line(c, b"kept")
        assert info_field(c, b"stats", b"evicted_clients") == b"0"
        # an evictable client, however small, goes while the total is over
        victim = partial_bulk(srv, b"victim", 1000)
        held.append(victim)
        assert drain_until_closed(victim)
        assert info_field(c, b"stats", b"evicted_clients") == b"1"
        assert client_line(c, b"kept") is not None
        # once the big one is gone, a new client stays
        kept.close()
        poll(lambda: client_line(c, b"kept"), None, "kept gone")
        fine = RawConnection(srv.host, srv.port, timeout=30)
        held.append(fine.sock)
        assert fine.call([b"PING"]) == b"+PONG\r\n"
        assert info_field(c, b"stats", b"evicted_clients") == b"1"
    finally:
        for s in held:
            s.close()
        c.close()


def test_maxmemory_clients_percent_of_maxmemory(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    held = []
    try:
        assert c.call([b"CLIENT", b"NO-EVICT", b"on"]) == b"+OK\r\n"
        assert c.call([b"CONFIG", b"SET", b"maxmemory-clients", b"10%"]) == b"+OK\r\n"
        # maxmemory 0: a percentage means no limit
        held.append(partial_bulk(srv, b"p1", 1500000))
        poll(lambda: (tot_mem(c, b"p1") or 0) >= 1400000, True, "p1's query buffer")
        time.sleep(0.3)
        assert client_line(c, b"p1") is not None
        # 10% of 10 MB is 1 MB
        assert c.call([b"CONFIG", b"SET", b"maxmemory", b"10mb"]) == b"+OK\r\n"
        poll(lambda: client_line(c, b"p1"), None, "p1 evicted")
        assert info_field(c, b"stats", b"evicted_clients") == b"1"
    finally:
        c.call([b"CONFIG", b"SET", b"maxmemory", b"0"])
        for s in held:
            s.close()
        c.close()


# --- protected mode ---------------------------------------------------------

def connect_from(srv, source_ip):
    s = socket.socket()
    s.bind((source_ip, 0))
    s.connect((srv.host, srv.port))
    s.settimeout(30)
    return s


def read_all(s):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data


def test_protected_mode_refuses_non_local_peers(harness):
    """Redis 7.0.15 counts only 127.0.0.1 and ::1 as local, so a connection
    from 127.0.0.2 (still this machine's loopback network) is refused: the
    wire path is tested without leaving loopback."""
    srv = harness.start("--protected-mode", "yes")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        before = int(info_field(c, b"stats", b"rejected_connections"))
        s = connect_from(srv, "127.0.0.2")
        assert read_all(s) == DENIED  # unsolicited, then EOF
        s.close()
        s = connect_from(srv, "127.0.0.3")
        try:
            s.sendall(b"PING\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = read_all(s)
        s.close()
        assert got in (DENIED, b"")  # our PING may make the kernel reset it
        assert int(info_field(c, b"stats", b"rejected_connections")) == before + 2
        # 127.0.0.1 is local
        s = connect_from(srv, "127.0.0.1")
        s.sendall(b"PING\r\n")
        assert s.recv(100) == b"+PONG\r\n"
        s.close()
        # CONFIG SET protected-mode no lets them in
        assert c.call([b"CONFIG", b"SET", b"protected-mode", b"no"]) == b"+OK\r\n"
        s = connect_from(srv, "127.0.0.2")
        s.sendall(b"PING\r\n")
        assert s.recv(100) == b"+PONG\r\n"
        s.close()
        # so does a password for the default user
        assert c.call([b"CONFIG", b"SET", b"protected-mode", b"yes"]) == b"+OK\r\n"
        assert c.call([b"CONFIG", b"SET", b"requirepass", b"pw"]) == b"+OK\r\n"
        s = connect_from(srv, "127.0.0.2")
        s.sendall(b"AUTH pw\r\nPING\r\n")
        poll(lambda: len(s.recv(100, socket.MSG_PEEK)) >= 12, True, "AUTH and PING")
        assert s.recv(100) == b"+OK\r\n+PONG\r\n"
        s.close()
    finally:
        c.close()


def test_protected_mode_ignores_bind(harness):
    """An explicit bind does not turn protected mode off in Redis 7.0."""
    srv = harness.start("--bind", "127.0.0.1", "127.0.0.2")
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.2", srv.port))
    s.settimeout(30)
    try:
        assert read_all(s) == DENIED
    finally:
        s.close()
