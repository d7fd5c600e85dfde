"""FLUSHALL / FLUSHDB ASYNC free the old keyspace off the main thread."""

import re
import time

from resp import RawConnection


def _fill(c, n, prefix=b"k"):
    batch = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s%d\r\n$1\r\nv\r\n"
                     % (len(prefix) + len(str(i)), prefix, i) for i in range(n))
    c.send(batch)
    for _ in range(n):
        assert c.read_reply() == b"+OK\r\n"


def _info_field(c, name):
    m = re.search(rb"%s:(\d+)" % name.encode(), c.call([b"INFO", b"memory"]))
    assert m, name
    return int(m.group(1))


def test_flushall_async_frees_in_background(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=60)
    try:
        _fill(c, 50000)
        assert c.call([b"SELECT", b"1"]) == b"+OK\r\n"
        _fill(c, 1000, b"j")
        assert c.call([b"FLUSHALL", b"ASYNC"]) == b"+OK\r\n"
        assert c.call([b"DBSIZE"]) == b":0\r\n"
        assert c.call([b"SELECT", b"0"]) == b"+OK\r\n"
        assert c.call([b"DBSIZE"]) == b":0\r\n"
        # The server keeps serving while the old keys are freed.
        assert c.call([b"SET", b"after", b"1"]) == b"+OK\r\n"
        deadline = time.monotonic() + 60
        while _info_field(c, "lazyfreed_objects") < 51000:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert _info_field(c, "lazyfree_pending_objects") == 0
        assert c.call([b"GET", b"after"]) == b"$1\r\n1\r\n"
    finally:
        c.close()


def test_flushdb_sync_and_errors(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=60)
    try:
        _fill(c, 100)
        assert c.call([b"FLUSHDB", b"SYNC"]) == b"+OK\r\n"
        assert c.call([b"DBSIZE"]) == b":0\r\n"
        assert c.call([b"FLUSHDB", b"BOGUS"]) == b"-ERR syntax error\r\n"
    finally:
        c.close()


def _wait_lazyfreed(c, at_least):
    deadline = time.monotonic() + 60
    while _info_field(c, "lazyfreed_objects") < at_least:
        assert time.monotonic() < deadline, _info_field(c, "lazyfreed_objects")
        time.sleep(0.05)


def test_lazyfree_lazy_user_flush(harness):
    srv = harness.start("--lazyfree-lazy-user-flush", "yes")
    c = RawConnection(srv.host, srv.port, timeout=60)
    try:
        _fill(c, 100)
        assert c.call([b"FLUSHALL", b"SYNC"]) == b"+OK\r\n"  # SYNC overrides the directive
        assert _info_field(c, "lazyfreed_objects") == 0
        _fill(c, 2000)
        assert c.call([b"FLUSHALL"]) == b"+OK\r\n"           # the directive makes it ASYNC
        assert c.call([b"DBSIZE"]) == b":0\r\n"
        _wait_lazyfreed(c, 2000)
    finally:
        c.close()


def test_lazyfree_lazy_user_del(harness):
    big_hash = [b"HSET", b"h"]
    for i in range(1000):
        big_hash += [b"f%d" % i, b"v"]
    for lazy, expected in ((b"no", 0), (b"yes", 1)):
        srv = harness.start("--lazyfree-lazy-user-del", lazy)
        c = RawConnection(srv.host, srv.port, timeout=60)
        try:
            assert c.call(big_hash) == b":1000\r\n"
            assert c.call([b"SET", b"s", b"v"]) == b"+OK\r\n"
            # A hashtable of 1,000 fields costs more than the lazy-free threshold
            # to free; a string never does.
            assert c.call([b"DEL", b"h", b"s", b"missing"]) == b":2\r\n"
            assert c.call([b"EXISTS", b"h", b"s"]) == b":0\r\n"
            if expected:
                _wait_lazyfreed(c, expected)
            assert _info_field(c, "lazyfreed_objects") == expected
        finally:
            c.close()


def test_lazyfree_lazy_expire(harness):
    """EXPIRE with a time already past deletes the key at once; under
    lazyfree-lazy-expire a costly value is freed off the main thread (Redis's
    dbAsyncDelete), and CONFIG SET switches it at run time."""
    big_hash = [b"HSET", b"h"]
    for i in range(1000):
        big_hash += [b"f%d" % i, b"v"]
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=60)
    try:
        assert c.call(big_hash) == b":1000\r\n"
        assert c.call([b"EXPIRE", b"h", b"-1"]) == b":1\r\n"
        assert c.call([b"EXISTS", b"h"]) == b":0\r\n"
        assert _info_field(c, "lazyfreed_objects") == 0
        assert c.call([b"CONFIG", b"SET", b"lazyfree-lazy-expire", b"yes"]) == b"+OK\r\n"
        assert c.call(big_hash) == b":1000\r\n"
        assert c.call([b"SET", b"s", b"v"]) == b"+OK\r\n"
        assert c.call([b"PEXPIREAT", b"h", b"1"]) == b":1\r\n"
        assert c.call([b"EXPIRE", b"s", b"0"]) == b":1\r\n"   # a string: freed at once
        assert c.call([b"EXISTS", b"h", b"s"]) == b":0\r\n"
        _wait_lazyfreed(c, 1)
        assert _info_field(c, "lazyfreed_objects") == 1
    finally:
        c.close()
