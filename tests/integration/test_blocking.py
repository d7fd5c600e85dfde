"""Blocking commands in the event loop: BLPOP / BRPOP / BLMOVE / BZPOPMIN.

No timing assertions: a blocked client is checked to be blocked through INFO
(blocked_clients) and CLIENT LIST flags, never by how long something took.
"""

import re
import time

from resp import RawConnection


def _blocked(c):
    m = re.search(rb"blocked_clients:(\d+)", c.call([b"INFO", b"clients"]))
    return int(m.group(1))


def _wait_blocked(c, n):
    deadline = time.monotonic() + 30
    while _blocked(c) != n:
        assert time.monotonic() < deadline, "blocked_clients never reached %d" % n
        time.sleep(0.01)


def _conn(srv):
    return RawConnection(srv.host, srv.port, timeout=30)


def test_blpop_served_by_a_later_push(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b" flags=b " in b.call([b"CLIENT", b"LIST"])
        assert b.call([b"LPUSH", b"k", b"v"]) == b":1\r\n"
        assert a.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
        assert b.call([b"EXISTS", b"k"]) == b":0\r\n"
        assert _blocked(b) == 0
    finally:
        a.close()
        b.close()


def test_timeout_replies_null(harness):
    srv = harness.start()
    a = _conn(srv)
    try:
        assert a.call([b"BLPOP", b"nokey", b"0.05"]) == b"*-1\r\n"
        # Redis 7.0 times out every list / sorted-set wait with a null array,
        # BLMOVE included.
        assert a.call([b"BLMOVE", b"nokey", b"dst", b"LEFT", b"RIGHT", b"0.05"]) == b"*-1\r\n"
        assert a.call([b"BLPOP", b"k", b"-1"]) == b"-ERR timeout is negative\r\n"
        assert a.call([b"BLPOP", b"k", b"abc"]) == \
            b"-ERR timeout is not a float or out of range\r\n"
    finally:
        a.close()


def test_fifo_across_three_clients(harness):
    srv = harness.start()
    waiters = [_conn(srv) for _ in range(3)]
    pusher = _conn(srv)
    try:
        for i, w in enumerate(waiters):
            w.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
            _wait_blocked(pusher, i + 1)
        assert pusher.call([b"RPUSH", b"q", b"1", b"2", b"3"]) == b":3\r\n"
        for w, v in zip(waiters, [b"1", b"2", b"3"]):
            assert w.read_reply() == b"*2\r\n$1\r\nq\r\n$1\r\n" + v + b"\r\n"
        assert _blocked(pusher) == 0
    finally:
        for c in waiters + [pusher]:
            c.close()


def test_several_keys_and_pipelined_commands_wait(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        # The PING behind the blocking command runs only once it is served.
        a.send(b"*4\r\n$5\r\nBRPOP\r\n$2\r\nk1\r\n$2\r\nk2\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"RPUSH", b"k2", b"x"]) == b":1\r\n"
        assert a.read_reply() == b"*2\r\n$2\r\nk2\r\n$1\r\nx\r\n"
        assert a.read_reply() == b"+PONG\r\n"
    finally:
        a.close()
        b.close()


def test_key_of_another_type_does_not_serve(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"SET", b"k", b"str"]) == b"+OK\r\n"
        assert _blocked(b) == 1  # a string does not serve BLPOP
        assert b.call([b"DEL", b"k"]) == b":1\r\n"
        assert b.call([b"RPUSH", b"k", b"v"]) == b":1\r\n"
        assert a.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
    finally:
        a.close()
        b.close()


def test_blmove_served_by_lmove(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        a.send(b"*6\r\n$6\r\nBLMOVE\r\n$3\r\nsrc\r\n$3\r\ndst\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        # A push done by LMOVE wakes the waiter too.
        assert b.call([b"RPUSH", b"other", b"e"]) == b":1\r\n"
        assert b.call([b"LMOVE", b"other", b"src", b"LEFT", b"LEFT"]) == b"$1\r\ne\r\n"
        assert a.read_reply() == b"$1\r\ne\r\n"
        assert b.call([b"LRANGE", b"dst", b"0", b"-1"]) == b"*1\r\n$1\r\ne\r\n"
    finally:
        a.close()
        b.close()


def test_client_unblock_and_disconnect_while_blocked(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        a_id = int(a.call([b"CLIENT", b"ID"])[1:-2])
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"CLIENT", b"UNBLOCK", str(a_id).encode()]) == b":1\r\n"
        assert a.read_reply() == b"*-1\r\n"
        assert b.call([b"CLIENT", b"UNBLOCK", str(a_id).encode()]) == b":0\r\n"
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"CLIENT", b"UNBLOCK", str(a_id).encode(), b"ERROR"]) == b":1\r\n"
        assert a.read_reply() == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
        # A client that disconnects while blocked is cleaned up.
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        a.close()
        _wait_blocked(b, 0)
        assert b.call([b"RPUSH", b"k", b"v"]) == b":1\r\n"
        assert b.call([b"LLEN", b"k"]) == b":1\r\n"
    finally:
        a.close()
        b.close()


def test_sort_store_wakes_a_blocked_client(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        assert b.call([b"RPUSH", b"src", b"3", b"1", b"2"]) == b":3\r\n"
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$3\r\ndst\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"SORT", b"src", b"STORE", b"dst"]) == b":3\r\n"
        assert a.read_reply() == b"*2\r\n$3\r\ndst\r\n$1\r\n1\r\n"
        assert b.call([b"LRANGE", b"dst", b"0", b"-1"]) == b"*2\r\n$1\r\n2\r\n$1\r\n3\r\n"
    finally:
        a.close()
        b.close()


def test_commandstats_count_blocked_calls_once(harness):
    srv = harness.start()
    a, b = _conn(srv), _conn(srv)
    try:
        assert b.call([b"CONFIG", b"RESETSTAT"]) == b"+OK\r\n"
        assert a.call([b"BLPOP", b"k", b"0.01"]) == b"*-1\r\n"      # timed out
        a_id = int(a.call([b"CLIENT", b"ID"])[1:-2])
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"CLIENT", b"UNBLOCK", str(a_id).encode(), b"ERROR"]) == b":1\r\n"
        assert a.read_reply().startswith(b"-UNBLOCKED")
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
        _wait_blocked(b, 1)
        assert b.call([b"RPUSH", b"k", b"v"]) == b":1\r\n"              # served
        assert a.read_reply() == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
        info = b.call([b"INFO", b"commandstats"])
        m = re.search(rb"cmdstat_blpop:calls=(\d+),usec=\d+,usec_per_call=[\d.]+,"
                      rb"rejected_calls=(\d+),failed_calls=(\d+)", info)
        assert m, info
        assert (m.group(1), m.group(2), m.group(3)) == (b"3", b"0", b"1")
    finally:
        a.close()
        b.close()
