"""MULTI / EXEC / DISCARD / WATCH over a real server, every backend.

Exact reply texts are also covered by the differential family `multi`;
these tests cover what needs several clients or redis-py's own pipeline.
"""

import re
import time

import redis

from resp import RawConnection


def _conn(srv):
    return RawConnection(srv.host, srv.port, timeout=30)


def _blocked(c):
    m = re.search(rb"blocked_clients:(\d+)", c.call([b"INFO", b"clients"]))
    return int(m.group(1))


def test_redis_py_transaction_pipeline(r):
    r.flushall()
    with r.pipeline(transaction=True) as p:
        p.set("a", "1").incr("a").lpush("l", "x", "y").lrange("l", 0, -1)
        assert p.execute() == [True, 2, 2, [b"y", b"x"]]


def test_queued_replies_and_exec_array(server):
    c = _conn(server)
    try:
        c.call([b"DEL", b"k"])
        assert c.call([b"MULTI"]) == b"+OK\r\n"
        assert c.call([b"SET", b"k", b"1"]) == b"+QUEUED\r\n"
        assert c.call([b"INCR", b"k"]) == b"+QUEUED\r\n"
        assert c.call([b"LPUSH", b"k", b"x"]) == b"+QUEUED\r\n"  # fails at run time only
        assert c.call([b"EXEC"]) == (
            b"*3\r\n+OK\r\n:2\r\n"
            b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        assert c.call([b"GET", b"k"]) == b"$1\r\n2\r\n"
    finally:
        c.close()


def test_errors_while_queueing_abort_exec(server):
    c = _conn(server)
    try:
        c.call([b"DEL", b"k"])
        assert c.call([b"MULTI"]) == b"+OK\r\n"
        assert c.call([b"SET", b"k", b"1"]) == b"+QUEUED\r\n"
        assert c.call([b"NOSUCH"]).startswith(b"-ERR unknown command 'NOSUCH'")
        assert c.call([b"MULTI"]) == b"-ERR MULTI calls can not be nested\r\n"
        assert c.call([b"WATCH", b"k"]) == b"-ERR WATCH inside MULTI is not allowed\r\n"
        assert c.call([b"EXEC"]) == (
            b"-EXECABORT Transaction discarded because of previous errors.\r\n")
        assert c.call([b"EXISTS", b"k"]) == b":0\r\n"
        assert c.call([b"EXEC"]) == b"-ERR EXEC without MULTI\r\n"
        assert c.call([b"DISCARD"]) == b"-ERR DISCARD without MULTI\r\n"
        # A refused EXEC ends the transaction and says why.
        assert c.call([b"MULTI"]) == b"+OK\r\n"
        assert c.call([b"EXEC", b"x"]) == (
            b"-EXECABORT Transaction discarded because of: wrong number of arguments for "
            b"'exec' command\r\n")
        assert c.call([b"EXEC"]) == b"-ERR EXEC without MULTI\r\n"
    finally:
        c.close()


def test_client_list_shows_the_transaction(server):
    c = _conn(server)
    try:
        assert c.call([b"MULTI"]) == b"+OK\r\n"
        c.call([b"PING"])
        c.call([b"CLIENT", b"LIST"])
        reply = c.call([b"EXEC"])
        me = [l for l in reply.split(b"\n") if b"cmd=exec" in l]
        assert me and b" flags=x " in me[0] and b" multi=2 " in me[0], reply
        line = c.call([b"CLIENT", b"INFO"])
        assert b" flags=N " in line and b" multi=-1 " in line
    finally:
        c.close()


def test_blocking_command_inside_multi_does_not_block(server):
    c = _conn(server)
    try:
        c.call([b"DEL", b"empty", b"z"])
        c.call([b"MULTI"])
        c.call([b"BLPOP", b"empty", b"0"])
        c.call([b"BZPOPMIN", b"z", b"0"])
        assert c.call([b"EXEC"]) == b"*2\r\n*-1\r\n*-1\r\n"
    finally:
        c.close()


def test_waiters_are_served_after_exec_in_fifo_order(server):
    a, b, w = _conn(server), _conn(server), _conn(server)
    try:
        w.call([b"DEL", b"q"])
        a.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
        deadline = time.monotonic() + 30
        while _blocked(w) != 1:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        b.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
        while _blocked(w) != 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        w.call([b"MULTI"])
        w.call([b"RPUSH", b"q", b"1"])
        w.call([b"RPUSH", b"q", b"2"])
        w.call([b"LLEN", b"q"])
        # Nothing is served between the queued commands: LLEN sees both.
        assert w.call([b"EXEC"]) == b"*3\r\n:1\r\n:2\r\n:2\r\n"
        assert a.read_reply() == b"*2\r\n$1\r\nq\r\n$1\r\n1\r\n"
        assert b.read_reply() == b"*2\r\n$1\r\nq\r\n$1\r\n2\r\n"
        assert w.call([b"EXISTS", b"q"]) == b":0\r\n"
    finally:
        a.close()
        b.close()
        w.close()


def test_watch_key_expiring_fails_exec(server):
    c = _conn(server)
    try:
        # The key must still be live when WATCH runs: that holds when SET
        # and WATCH were answered within its TTL (the server ran both within
        # that interval); on a slower pass, again with a longer TTL.
        for ttl_ms in (30, 300, 3000, 30000):
            start = time.monotonic()
            c.call([b"SET", b"wx", b"v", b"PX", b"%d" % ttl_ms])
            assert c.call([b"WATCH", b"wx"]) == b"+OK\r\n"
            if time.monotonic() - start < ttl_ms / 1000:
                break
            assert c.call([b"UNWATCH"]) == b"+OK\r\n"
        else:
            raise AssertionError("SET and WATCH never ran within 30 s")
        time.sleep(ttl_ms / 1000 + 0.07)  # then it expires
        c.call([b"MULTI"])
        c.call([b"PING"])
        assert c.call([b"EXEC"]) == b"*-1\r\n"
        # A key already expired when watched counts as absent: no change.
        c.call([b"SET", b"wy", b"v", b"PX", b"1"])
        time.sleep(0.05)
        assert c.call([b"WATCH", b"wy"]) == b"+OK\r\n"
        c.call([b"MULTI"])
        c.call([b"PING"])
        assert c.call([b"EXEC"]) == b"*1\r\n+PONG\r\n"
    finally:
        c.close()


def test_disconnect_inside_multi_and_watch_is_cleaned_up(server):
    for _ in range(50):
        c = _conn(server)
        c.call([b"WATCH", b"a", b"b"])
        c.call([b"MULTI"])
        c.call([b"SET", b"a", b"1"])
        c.close()
    r = redis.Redis(host=server.host, port=server.port)
    assert r.ping()
    assert r.execute_command("EXISTS", "a") in (0, 1)


def _watch_then(srv, key, breaker, db=0):
    """WATCH key on one client, run `breaker` on another, then EXEC."""
    c, other = _conn(srv), _conn(srv)
    try:
        other.call([b"SELECT", str(db).encode()])
        assert c.call([b"WATCH", key]) == b"+OK\r\n"
        for cmd in breaker:
            other.call(cmd)
        c.call([b"MULTI"])
        c.call([b"PING"])
        return c.call([b"EXEC"])
    finally:
        c.close()
        other.close()


def test_watch_is_broken_by_another_clients_write(server):
    c = _conn(server)
    c.call([b"SET", b"w", b"1"])
    c.close()
    assert _watch_then(server, b"w", [[b"INCR", b"w"]]) == b"*-1\r\n"
    assert _watch_then(server, b"w", [[b"SADD", b"w2", b"x"]]) == b"*1\r\n+PONG\r\n"
    # A no-op write is no change: DEL of a missing key.
    assert _watch_then(server, b"missing", [[b"DEL", b"missing"]]) == b"*1\r\n+PONG\r\n"
    # The same name in another database is another key.
    assert _watch_then(server, b"w", [[b"SET", b"w", b"9"]], db=1) == b"*1\r\n+PONG\r\n"


def test_watch_is_broken_by_flush_and_swapdb(server):
    c = _conn(server)
    c.call([b"SET", b"f", b"1"])
    c.close()
    assert _watch_then(server, b"f", [[b"FLUSHDB"]]) == b"*-1\r\n"
    # FLUSHALL of nothing watched that exists changes nothing.
    assert _watch_then(server, b"f", [[b"FLUSHALL"]]) == b"*1\r\n+PONG\r\n"
    c = _conn(server)
    c.call([b"SELECT", b"1"])
    c.call([b"SET", b"f", b"in-db-1"])
    c.close()
    assert _watch_then(server, b"f", [[b"SWAPDB", b"0", b"1"]]) == b"*-1\r\n"


def test_watch_with_redis_py(r):
    r.set("balance", 10)
    with r.pipeline() as p:
        p.watch("balance")
        r.incr("balance")  # another connection's write
        p.multi()
        p.decr("balance")
        try:
            p.execute()
            raised = False
        except redis.WatchError:
            raised = True
    assert raised
    assert r.get("balance") == b"11"
