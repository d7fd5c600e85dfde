"""Active expiry, DEBUG SET-ACTIVE-EXPIRE and the INFO fields it feeds."""

import re
import time

from resp import RawConnection

N = 100_000


def _fill_with_ttl(c, n, px):
    batch = []
    for i in range(n):
        batch.append(b"*5\r\n$3\r\nSET\r\n$%d\r\nttl:%d\r\n$1\r\nv\r\n$2\r\nPX\r\n$%d\r\n%d\r\n"
                     % (len(b"ttl:%d" % i), i, len(str(px)), px))
        if len(batch) == 5000:
            c.send(b"".join(batch))
            for _ in batch:
                assert c.read_reply() == b"+OK\r\n"
            batch = []
    if batch:
        c.send(b"".join(batch))
        for _ in batch:
            assert c.read_reply() == b"+OK\r\n"


def _dbsize(c):
    return int(c.call([b"DBSIZE"])[1:-2])


def test_untouched_keys_expire_in_the_background(harness):
    """The issue's case: 100,000 keys with a 200 ms TTL, never touched again,
    leave DBSIZE within a few seconds (polled with a generous bound)."""
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=60)
    try:
        _fill_with_ttl(c, N, 200)
        deadline = time.monotonic() + 60
        while _dbsize(c) > 0:
            assert time.monotonic() < deadline, "keys were not expired in the background"
            time.sleep(0.2)
        info = c.call([b"INFO", b"stats"])
        expired = int(re.search(rb"expired_keys:(\d+)", info).group(1))
        assert expired == N
    finally:
        c.close()


def test_set_active_expire_off_keeps_keys_until_touched(harness):
    srv = harness.start("--enable-debug-command", "local")
    c = RawConnection(srv.host, srv.port, timeout=60)
    try:
        assert c.call([b"DEBUG", b"SET-ACTIVE-EXPIRE", b"0"]) == b"+OK\r\n"
        _fill_with_ttl(c, 1000, 50)
        time.sleep(1.0)
        # Nothing removes them in the background; DBSIZE counts them ...
        assert _dbsize(c) == 1000
        # ... yet no command can see one.
        assert c.call([b"GET", b"ttl:7"]) == b"$-1\r\n"
        assert c.call([b"EXISTS", b"ttl:8"]) == b":0\r\n"
        assert _dbsize(c) == 998
        assert c.call([b"DEBUG", b"SET-ACTIVE-EXPIRE", b"1"]) == b"+OK\r\n"
        deadline = time.monotonic() + 60
        while _dbsize(c) > 0:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        c.close()


def test_keyspace_info_reports_avg_ttl(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=60)
    try:
        _fill_with_ttl(c, 2000, 3_600_000)
        assert c.call([b"SET", b"plain", b"v"]) == b"+OK\r\n"
        deadline = time.monotonic() + 30
        while True:
            info = c.call([b"INFO", b"keyspace"])
            m = re.search(rb"db0:keys=(\d+),expires=(\d+),avg_ttl=(\d+)", info)
            assert m, info
            assert (int(m.group(1)), int(m.group(2))) == (2001, 2000)
            if int(m.group(3)) > 0:  # filled in by the active-expire cycle
                assert int(m.group(3)) <= 3_600_000
                break
            assert time.monotonic() < deadline, info
            time.sleep(0.1)
    finally:
        c.close()


def test_each_pipelined_command_sees_its_own_time(harness):
    """Redis refreshes its cached time for every command it runs (call()), so
    a key whose TTL passes in the middle of a pipeline is expired for the
    commands after that point, even though they arrived in the same read."""
    srv = harness.start("--enable-debug-command", "local")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        c.call([b"DEBUG", b"SET-ACTIVE-EXPIRE", b"0"])
        c.send(b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nPX\r\n$1\r\n5\r\n"
               b"*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$4\r\n0.05\r\n"
               b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"$-1\r\n"
    finally:
        c.close()
