"""Blocking sorted-set commands: BZPOPMIN / BZPOPMAX, and type checks
between list and sorted-set waiters."""

from test_blocking import _conn, _wait_blocked, _blocked


def test_bzpopmin_served_by_zadd_and_times_out(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        assert a.call([b"BZPOPMIN", b"nokey", b"0.05"]) == b"*-1\r\n"
        a.send(b"*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nz\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"ZADD", b"z", b"2", b"two", b"1", b"one"]) == b":2\r\n"
        assert a.read_reply() == b"*3\r\n$1\r\nz\r\n$3\r\none\r\n$1\r\n1\r\n"
        a.send(b"*3\r\n$8\r\nBZPOPMAX\r\n$1\r\ny\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"ZADD", b"y", b"5", b"five"]) == b":1\r\n"
        assert a.read_reply() == b"*3\r\n$1\r\ny\r\n$4\r\nfive\r\n$1\r\n5\r\n"
    finally:
        a.close()
        b.close()


def test_a_sorted_set_does_not_serve_blpop(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"ZADD", b"k", b"1", b"m"]) == b":1\r\n"
        assert _blocked(b) == 1
        assert b.call([b"DEL", b"k"]) == b":1\r\n"
        assert b.call([b"RPUSH", b"k", b"v"]) == b":1\r\n"
        assert a.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
    finally:
        a.close()
        b.close()
