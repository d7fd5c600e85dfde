"""Pub/Sub over a real server on every backend: redis-py's pubsub client,
raw RESP2 / RESP3 frames, a thousand subscribers on one channel, slow and
vanishing subscribers, RESET, CLIENT LIST / INFO fields.

No timing assertions: anything asynchronous (a disconnect noticed by the
server) is polled with a generous bound.
"""

import re
import socket

import redis

from resp import RawConnection
from waits import poll


def _conn(srv):
    return RawConnection(srv.host, srv.port, timeout=30)


def _numsub(c, channel):
    reply = c.call([b"PUBSUB", b"NUMSUB", channel])
    return int(reply.rsplit(b":", 1)[1][:-2])


def _frame(kind, *parts, push=False):
    out = b"%s%d\r\n$%d\r\n%s\r\n" % (b">" if push else b"*", len(parts) + 1, len(kind), kind)
    for p in parts:
        out += b":%d\r\n" % p if isinstance(p, int) else b"$%d\r\n%s\r\n" % (len(p), p)
    return out


def test_redis_py_pubsub(server):
    r = redis.Redis(host=server.host, port=server.port, socket_timeout=30)
    p = r.pubsub()
    try:
        p.subscribe("news")
        assert p.get_message(timeout=30) == {
            "type": "subscribe", "pattern": None, "channel": b"news", "data": 1}
        p.psubscribe("n*", "ne?s")
        got = [p.get_message(timeout=30) for _ in range(2)]
        assert [(m["type"], m["channel"], m["data"]) for m in got] == [
            ("psubscribe", b"n*", 2), ("psubscribe", b"ne?s", 3)]
        assert r.publish("news", "hello") == 3
        msgs = [p.get_message(timeout=30) for _ in range(3)]
        assert msgs[0] == {"type": "message", "pattern": None, "channel": b"news",
                           "data": b"hello"}
        # Redis walks its pattern table in hash order: compare as a set.
        assert sorted((m["type"], m["pattern"], m["channel"], m["data"]) for m in msgs[1:]) == [
            ("pmessage", b"n*", b"news", b"hello"), ("pmessage", b"ne?s", b"news", b"hello")]
        assert r.publish("nothing-here", "x") == 1  # n*
        assert p.get_message(timeout=30)["pattern"] == b"n*"
        assert r.pubsub_channels() == [b"news"]
        assert r.pubsub_numsub("news", "other") == [(b"news", 1), (b"other", 0)]
        assert r.pubsub_numpat() == 2
        p.unsubscribe("news")
        assert p.get_message(timeout=30)["type"] == "unsubscribe"
        p.punsubscribe()
        got = [p.get_message(timeout=30) for _ in range(2)]
        # PUNSUBSCRIBE without arguments: the patterns in subscription order.
        assert [(m["channel"], m["data"]) for m in got] == [(b"n*", 1), (b"ne?s", 0)]
        assert r.publish("news", "late") == 0
        assert r.pubsub_numpat() == 0
    finally:
        p.close()
        r.close()


def test_raw_resp2_subscribed_context(server):
    a, b = _conn(server), _conn(server)
    try:
        assert a.call([b"UNSUBSCRIBE"]) == b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n"
        a.send_command([b"SUBSCRIBE", b"c1", b"c2", b"c1"])
        assert [a.read_reply() for _ in range(3)] == [
            _frame(b"subscribe", b"c1", 1), _frame(b"subscribe", b"c2", 2),
            _frame(b"subscribe", b"c1", 2)]
        assert a.call([b"SSUBSCRIBE", b"s1"]) == _frame(b"ssubscribe", b"s1", 1)  # counted apart
        assert a.call([b"PSUBSCRIBE", b"c*"]) == _frame(b"psubscribe", b"c*", 3)
        assert a.call([b"GET", b"k"]) == (
            b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            b"RESET are allowed in this context\r\n")
        assert a.call([b"CONFIG", b"GET", b"x"]).startswith(b"-ERR Can't execute 'config|get'")
        assert a.call([b"GET"]) == b"-ERR wrong number of arguments for 'get' command\r\n"
        assert a.call([b"PING"]) == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
        assert a.call([b"PING", b"x"]) == b"*2\r\n$4\r\npong\r\n$1\r\nx\r\n"
        assert b.call([b"PUBLISH", b"c1", b"m"]) == b":2\r\n"
        assert a.read_reply() == _frame(b"message", b"c1", b"m")
        assert a.read_reply() == _frame(b"pmessage", b"c*", b"c1", b"m")
        assert b.call([b"SPUBLISH", b"s1", b"m"]) == b":1\r\n"
        assert a.read_reply() == _frame(b"smessage", b"s1", b"m")
        assert b.call([b"SPUBLISH", b"c1", b"m"]) == b":0\r\n"  # shard namespace
        assert a.call([b"PUNSUBSCRIBE", b"c*"]) == _frame(b"punsubscribe", b"c*", 2)
        assert a.call([b"SUNSUBSCRIBE"]) == _frame(b"sunsubscribe", b"s1", 0)
        a.send_command([b"UNSUBSCRIBE"])
        got = sorted(a.read_reply() for _ in range(2))
        assert got in ([_frame(b"unsubscribe", b"c1", 0), _frame(b"unsubscribe", b"c2", 1)],
                       [_frame(b"unsubscribe", b"c1", 1), _frame(b"unsubscribe", b"c2", 0)])
        assert a.call([b"GET", b"k"]) == b"$-1\r\n"  # out of the subscribed context
        assert a.call([b"PING"]) == b"+PONG\r\n"
    finally:
        a.close()
        b.close()


def test_raw_resp3_pushes(server):
    a, b = _conn(server), _conn(server)
    try:
        assert a.call([b"HELLO", b"3"]).startswith(b"%7\r\n")
        assert a.call([b"SUBSCRIBE", b"ch"]) == _frame(b"subscribe", b"ch", 1, push=True)
        assert a.call([b"PSUBSCRIBE", b"c?"]) == _frame(b"psubscribe", b"c?", 2, push=True)
        # Any command runs in RESP3; PING keeps its normal reply.
        assert a.call([b"GET", b"missing"]) == b"_\r\n"
        assert a.call([b"PING"]) == b"+PONG\r\n"
        assert b.call([b"PUBLISH", b"ch", b"hi"]) == b":2\r\n"
        assert a.read_reply() == _frame(b"message", b"ch", b"hi", push=True)
        assert a.read_reply() == _frame(b"pmessage", b"c?", b"ch", b"hi", push=True)
        # Publishing to itself: the pushes come before the reply.
        a.send_command([b"PUBLISH", b"ch", b"self"])
        assert a.read_reply() == _frame(b"message", b"ch", b"self", push=True)
        assert a.read_reply() == _frame(b"pmessage", b"c?", b"ch", b"self", push=True)
        assert a.read_reply() == b":2\r\n"
        assert a.call([b"PUNSUBSCRIBE"]) == _frame(b"punsubscribe", b"c?", 1, push=True)
        assert a.call([b"UNSUBSCRIBE"]) == _frame(b"unsubscribe", b"ch", 0, push=True)
        assert a.call([b"UNSUBSCRIBE"]) == b">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n"
        # HELLO 2 while subscribed: back to the RESP2 subscribed context.
        assert a.call([b"SUBSCRIBE", b"ch"]) == _frame(b"subscribe", b"ch", 1, push=True)
        assert a.call([b"HELLO", b"2"]).startswith(b"*14\r\n")
        assert a.call([b"GET", b"k"]).startswith(b"-ERR Can't execute 'get'")
        assert b.call([b"PUBLISH", b"ch", b"again"]) == b":1\r\n"
        assert a.read_reply() == _frame(b"message", b"ch", b"again")
    finally:
        a.close()
        b.close()


def test_thousand_subscribers_one_channel(server):
    n = 1000
    pub = _conn(server)
    subs = []
    try:
        for _ in range(n):
            s = _conn(server)
            s.send_command([b"SUBSCRIBE", b"fan"])
            subs.append(s)
        for i, s in enumerate(subs):
            assert s.read_reply() == _frame(b"subscribe", b"fan", 1)
        assert _numsub(pub, b"fan") == n
        # A large message takes the shared-block path; a small one is copied.
        for message in (b"x" * 70000, b"small"):
            assert pub.call([b"PUBLISH", b"fan", message]) == b":%d\r\n" % n
            want = _frame(b"message", b"fan", message)
            for s in subs:
                assert s.read_reply() == want
    finally:
        for s in subs:
            s.close()
        pub.close()


def test_disconnected_subscriber_is_forgotten(server):
    pub = _conn(server)
    subs = [_conn(server) for _ in range(5)]
    try:
        for s in subs:
            s.send_command([b"SUBSCRIBE", b"gone", b"also"])
            s.send_command([b"PSUBSCRIBE", b"go*"])
            s.send_command([b"SSUBSCRIBE", b"shard"])
            for _ in range(4):
                s.read_reply()
        assert _numsub(pub, b"gone") == 5
        for s in subs[:3]:
            s.close()
        poll(lambda: _numsub(pub, b"gone"), 2, "NUMSUB gone")
        assert _numsub(pub, b"also") == 2
        assert pub.call([b"PUBSUB", b"SHARDNUMSUB", b"shard"]) == b"*2\r\n$5\r\nshard\r\n:2\r\n"
        assert pub.call([b"PUBLISH", b"gone", b"m"]) == b":4\r\n"  # 2 channel + 2 pattern
        for s in subs[3:]:
            s.close()
        poll(lambda: pub.call([b"PUBSUB", b"NUMPAT"]), b":0\r\n", "NUMPAT")
        assert pub.call([b"PUBSUB", b"CHANNELS"]) == b"*0\r\n"
        assert pub.call([b"PUBSUB", b"SHARDCHANNELS"]) == b"*0\r\n"
    finally:
        for s in subs:
            s.close()
        pub.close()


def _client_line(c, name):
    for line in c.call([b"CLIENT", b"LIST"]).split(b"\n"):
        if b" name=%s " % name in line:
            return line
    return b""


def test_client_list_and_info_fields(server):
    a, b = _conn(server), _conn(server)
    try:
        a.call([b"CLIENT", b"SETNAME", b"subber"])
        a.send_command([b"SUBSCRIBE", b"x", b"y"])
        a.send_command([b"PSUBSCRIBE", b"p*"])
        a.send_command([b"SSUBSCRIBE", b"s1", b"s2", b"s3"])
        for _ in range(6):
            a.read_reply()
        line = _client_line(b, b"subber")
        assert b" flags=P " in line and b" sub=2 psub=1 ssub=3 " in line, line
        listed = b.call([b"CLIENT", b"LIST", b"TYPE", b"pubsub"])
        assert b"name=subber" in listed and listed.count(b"id=") == 1
        assert b"name=subber" not in b.call([b"CLIENT", b"LIST", b"TYPE", b"normal"])
        info = b.call([b"INFO", b"stats"])
        assert b"pubsub_channels:2\r\n" in info
        assert b"pubsub_patterns:1\r\n" in info
        assert b"pubsubshard_channels:3\r\n" in info
        assert b.call([b"CLIENT", b"KILL", b"TYPE", b"pubsub"]) == b":1\r\n"
        poll(lambda: b.call([b"PUBSUB", b"NUMPAT"]), b":0\r\n", "NUMPAT after kill")
        assert b"pubsub_channels:0\r\n" in b.call([b"INFO", b"stats"])
    finally:
        a.close()
        b.close()


def test_slow_subscriber_output_is_counted(server):
    """A subscriber that does not read keeps every message queued; CLIENT
    LIST's omem counts the shared blocks it holds."""
    slow = socket.create_connection((server.host, server.port))
    c = _conn(server)
    try:
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.sendall(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$4\r\nslow\r\n"
                     b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nslow\r\n")
        poll(lambda: _numsub(c, b"slow"), 1, "NUMSUB slow")
        message = b"m" * 100000
        for _ in range(200):  # 20 MB, far past the socket buffers (and under
            # the default 32 MB pubsub hard limit; the 8 MB soft one needs 60 s)
            assert c.call([b"PUBLISH", b"slow", message]) == b":1\r\n"
        line = _client_line(c, b"slow")
        omem = int(re.search(rb" omem=(\d+) ", line).group(1))
        assert omem > 10 * 1000 * 1000, line
        tot = int(re.search(rb" tot-mem=(\d+) ", line).group(1))
        assert tot >= omem, line
    finally:
        slow.close()
        c.close()


def test_reset_leaves_the_subscribed_context(harness):
    srv = harness.start("--requirepass", "pw")
    a, b = _conn(srv), _conn(srv)
    try:
        assert a.call([b"AUTH", b"pw"]) == b"+OK\r\n"
        assert b.call([b"AUTH", b"pw"]) == b"+OK\r\n"
        assert a.call([b"HELLO", b"3", b"SETNAME", b"r"]).startswith(b"%7\r\n")
        a.call([b"SELECT", b"3"])
        assert a.call([b"SUBSCRIBE", b"ch"]) == _frame(b"subscribe", b"ch", 1, push=True)
        assert a.call([b"PSUBSCRIBE", b"c*"]) == _frame(b"psubscribe", b"c*", 2, push=True)
        assert a.call([b"RESET"]) == b"+RESET\r\n"  # no unsubscribe confirmations
        assert b.call([b"PUBSUB", b"NUMSUB", b"ch"]) == b"*2\r\n$2\r\nch\r\n:0\r\n"
        assert b.call([b"PUBSUB", b"NUMPAT"]) == b":0\r\n"
        assert b.call([b"PUBLISH", b"ch", b"x"]) == b":0\r\n"
        # requirepass: the connection must authenticate again.
        assert a.call([b"GET", b"k"]) == b"-NOAUTH Authentication required.\r\n"
        assert a.call([b"AUTH", b"pw"]) == b"+OK\r\n"
        assert a.call([b"GET", b"k"]) == b"$-1\r\n"  # RESP2 again
        assert a.call([b"CLIENT", b"GETNAME"]) == b"$-1\r\n"
        info = a.call([b"CLIENT", b"INFO"])
        assert b" db=0 " in info and b" resp=2" in info and b" flags=N " in info, info
    finally:
        a.close()
        b.close()


def test_pubsub_introspection_errors(server):
    c = _conn(server)
    try:
        assert c.call([b"PUBSUB"]) == b"-ERR wrong number of arguments for 'pubsub' command\r\n"
        assert c.call([b"PUBSUB", b"foo"]) == b"-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n"
        assert c.call([b"PUBSUB", b"NUMPAT", b"x"]) == \
            b"-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"
        assert c.call([b"PUBSUB", b"channels", b"a", b"b"]) == (
            b"-ERR unknown subcommand or wrong number of arguments for 'channels'. "
            b"Try PUBSUB HELP.\r\n")
        assert c.call([b"PUBSUB", b"NUMSUB"]) == b"*0\r\n"
        assert c.call([b"PUBSUB", b"HELP"]).startswith(
            b"*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
        assert c.call([b"SUBSCRIBE"]) == \
            b"-ERR wrong number of arguments for 'subscribe' command\r\n"
        assert c.call([b"PUBLISH", b"a"]) == \
            b"-ERR wrong number of arguments for 'publish' command\r\n"
        assert c.call([b"COMMAND", b"GETKEYS", b"SPUBLISH", b"ch", b"m"]) == \
            b"-ERR The command has no key arguments\r\n"
        info = c.call([b"COMMAND", b"INFO", b"spublish"])
        assert b"+not_key\r\n" in info and b":1\r\n:1\r\n:1\r\n" in info
    finally:
        c.close()


# COMMAND INFO of each command as redis-server 7.0.15 answers it.
COMMAND_INFO = {
    b'subscribe': (
        b'*1\r\n*10\r\n$9\r\nsubscribe\r\n:-2\r\n*4\r\n+pubsub\r\n+noscript\r\n+loadin'
        b'g\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@pubsub\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n'
    ),
    b'unsubscribe': (
        b'*1\r\n*10\r\n$11\r\nunsubscribe\r\n:-1\r\n*4\r\n+pubsub\r\n+noscript\r\n+loa'
        b'ding\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@pubsub\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n'
    ),
    b'psubscribe': (
        b'*1\r\n*10\r\n$10\r\npsubscribe\r\n:-2\r\n*4\r\n+pubsub\r\n+noscript\r\n+load'
        b'ing\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@pubsub\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n'
    ),
    b'punsubscribe': (
        b'*1\r\n*10\r\n$12\r\npunsubscribe\r\n:-1\r\n*4\r\n+pubsub\r\n+noscript\r\n+lo'
        b'ading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@pubsub\r\n+@slow\r\n*0\r\n*0\r\n*0\r'
        b'\n'
    ),
    b'publish': (
        b'*1\r\n*10\r\n$7\r\npublish\r\n:3\r\n*4\r\n+pubsub\r\n+loading\r\n+stale\r\n+fa'
        b'st\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@pubsub\r\n+@fast\r\n*0\r\n*0\r\n*0\r\n'
    ),
    b'ssubscribe': (
        b'*1\r\n*10\r\n$10\r\nssubscribe\r\n:-2\r\n*4\r\n+pubsub\r\n+noscript\r\n+load'
        b'ing\r\n+stale\r\n:1\r\n:-1\r\n:1\r\n*2\r\n+@pubsub\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n'
        b'$5\r\nflags\r\n*1\r\n+not_key\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5'
        b'\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r'
        b'\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeyste'
        b'p\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n'
    ),
    b'sunsubscribe': (
        b'*1\r\n*10\r\n$12\r\nsunsubscribe\r\n:-1\r\n*4\r\n+pubsub\r\n+noscript\r\n+lo'
        b'ading\r\n+stale\r\n:1\r\n:-1\r\n:1\r\n*2\r\n+@pubsub\r\n+@slow\r\n*0\r\n*1\r\n*6'
        b'\r\n$5\r\nflags\r\n*1\r\n+not_key\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n'
        b'$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$'
        b'4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeys'
        b'tep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n'
    ),
    b'spublish': (
        b'*1\r\n*10\r\n$8\r\nspublish\r\n:3\r\n*4\r\n+pubsub\r\n+loading\r\n+stale\r\n+f'
        b'ast\r\n:1\r\n:1\r\n:1\r\n*2\r\n+@pubsub\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags'
        b'\r\n*1\r\n+not_key\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n'
        b'$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5'
        b'\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r'
        b'\nlimit\r\n:0\r\n*0\r\n'
    ),
    b'reset': (
        b'*1\r\n*10\r\n$5\r\nreset\r\n:1\r\n*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fa'
        b'st\r\n+no_auth\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connect'
        b'ion\r\n*0\r\n*0\r\n*0\r\n'
    ),
    b'pubsub|numpat': (
        b'*1\r\n*10\r\n$13\r\npubsub|numpat\r\n:2\r\n*3\r\n+pubsub\r\n+loading\r\n+sta'
        b'le\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@pubsub\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n'
    ),
    b'pubsub|help': (
        b'*1\r\n*10\r\n$11\r\npubsub|help\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r'
        b'\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n'
    ),
}


def test_command_info_as_redis(server):
    c = _conn(server)
    try:
        for name, want in COMMAND_INFO.items():
            assert c.call([b"COMMAND", b"INFO", name]) == want, name
    finally:
        c.close()


def test_subscribers_are_exempt_from_idle_timeout(harness):
    srv = harness.start("--timeout", "1")
    sub, idle = _conn(srv), _conn(srv)
    try:
        assert sub.call([b"SUBSCRIBE", b"ch"]) == _frame(b"subscribe", b"ch", 1)
        assert idle.call([b"PING"]) == b"+PONG\r\n"
        # The normal client is closed once idle past a second (read blocks
        # until then, 30 s at most); the subscriber, idle longer, stays.
        assert idle.read_until_closed() == b""
        check = _conn(srv)
        try:
            assert _numsub(check, b"ch") == 1
            assert check.call([b"PUBLISH", b"ch", b"still here"]) == b":1\r\n"
        finally:
            check.close()
        assert sub.read_reply() == _frame(b"message", b"ch", b"still here")
    finally:
        sub.close()
        idle.close()
