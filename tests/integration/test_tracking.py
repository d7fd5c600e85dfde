"""Client-side caching (CLIENT TRACKING) over a real server on every backend,
with raw RESP2 / RESP3 frames: default mode, OPTIN / OPTOUT with CLIENT
CACHING, BCAST prefixes, NOLOOP, REDIRECT (RESP2 Pub/Sub subscriber or RESP3
target), broken redirects, flushes, tracking-table-max-keys, and the state
commands and fields (TRACKINGINFO, GETREDIR, CLIENT LIST flags, INFO).

Every expectation is redis-server 7.0.15's (SPINDLE_TEST_AGAINST_REDIS=1 runs
this file against it). Pushes are collected by sending PING on the tracking
connection and reading until the pong: whatever came before it was queued
before the PING ran, which makes each check deterministic without sleeping.
"""

import re
import time

import pytest

from resp import RawConnection, encode, parse_simple
from waits import poll

PUSH = b">2\r\n$10\r\ninvalidate\r\n"
MESSAGE = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"
OK = b"+OK\r\n"


def _keys(*keys):
    out = b"*%d\r\n" % len(keys)
    for k in keys:
        k = k.encode() if isinstance(k, str) else k
        out += b"$%d\r\n%s\r\n" % (len(k), k)
    return out


def _inv(*keys):
    return PUSH + _keys(*keys)


class Conn:
    """A raw connection: cmd() returns one raw reply, drain() the frames
    queued before a PING's answer."""

    def __init__(self, srv, resp=2):
        self.c = RawConnection(srv.host, srv.port, timeout=30)
        self.resp = resp
        if resp == 3:
            hello = self.cmd("HELLO", "3")
            assert hello.startswith(b"%7\r\n"), hello
        self.id = int(self.cmd("CLIENT", "ID")[1:-2])

    def cmd(self, *argv):
        self.c.send_command(list(argv))
        return self.c.read_reply()

    def send(self, *argv):
        self.c.send_command(list(argv))

    def read(self):
        return self.c.read_reply()

    def raw(self, *argv):
        """The command's reply with whatever follows it up to a PING's
        answer (pushes sent after the reply)."""
        self.send(*argv)
        return self.read() + self.drain()

    def drain(self):
        self.send("PING")
        out = b""
        while True:
            frame = self.read()
            if frame in (b"+PONG\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"):
                return out
            out += frame

    def close(self):
        self.c.close()


@pytest.fixture
def conns(server):
    made = []

    def make(resp=2):
        c = Conn(server, resp)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def _info_field(conn, section, name):
    text = parse_simple(conn.cmd("INFO", section)).decode()
    m = re.search(r"^%s:(\S+)" % name, text, re.M)
    assert m, text
    return int(m.group(1))


def _client_info(conn):
    text = parse_simple(conn.cmd("CLIENT", "INFO"))
    return dict(f.split("=", 1) for f in text.decode().split())


# ---------------------------------------------------------------- commands
SWITCH_BCAST = (b"-ERR You can't switch BCAST mode on/off before disabling tracking for "
                b"this client, and then re-enabling it with a different mode.\r\n")
SWITCH_OPT = (b"-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for "
              b"this client, and then re-enabling it with a different mode.\r\n")


def test_tracking_option_errors(server, conns):
    a = conns(3)
    other = conns()
    cases = [
        (["CLIENT", "TRACKING"],
         b"-ERR wrong number of arguments for 'client|tracking' command\r\n"),
        (["CLIENT", "TRACKING", "maybe"], b"-ERR syntax error\r\n"),
        (["CLIENT", "TRACKING", "on", "foo"], b"-ERR syntax error\r\n"),
        (["CLIENT", "TRACKING", "on", "PREFIX"], b"-ERR syntax error\r\n"),
        (["CLIENT", "TRACKING", "on", "REDIRECT"], b"-ERR syntax error\r\n"),
        (["CLIENT", "TRACKING", "on", "REDIRECT", "abc"],
         b"-ERR value is not an integer or out of range\r\n"),
        (["CLIENT", "TRACKING", "on", "REDIRECT", "0"],
         b"-ERR The client ID you want redirect to does not exist\r\n"),
        (["CLIENT", "TRACKING", "on", "REDIRECT", "99999"],
         b"-ERR The client ID you want redirect to does not exist\r\n"),
        # OFF parses (and checks) its options too.
        (["CLIENT", "TRACKING", "off", "REDIRECT", "99999"],
         b"-ERR The client ID you want redirect to does not exist\r\n"),
        (["CLIENT", "TRACKING", "on", "REDIRECT", str(other.id), "REDIRECT", str(other.id)],
         b"-ERR A client can only redirect to a single other client\r\n"),
        (["CLIENT", "TRACKING", "on", "PREFIX", "a"],
         b"-ERR PREFIX option requires BCAST mode to be enabled\r\n"),
        (["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT", "PREFIX", "x"],
         b"-ERR PREFIX option requires BCAST mode to be enabled\r\n"),
        (["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
         b"-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"),
        (["CLIENT", "TRACKING", "on", "BCAST", "OPTIN", "OPTOUT"],
         b"-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"),
        (["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
         b"-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"),
        (["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"],
         b"-ERR Prefix 'a' overlaps with another provided prefix 'ab'. "
         b"Prefixes for a single client must not overlap.\r\n"),
        (["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"],
         b"-ERR Prefix 'ab' overlaps with another provided prefix 'a'. "
         b"Prefixes for a single client must not overlap.\r\n"),
        (["CLIENT", "TRACKING", "off", "PREFIX", "x", "NOLOOP"], OK),
        (["client", "tracking", "OFF"], OK),
    ]
    for argv, want in cases:
        assert a.cmd(*argv) == want, argv
    assert a.cmd("CLIENT", "TRACKINGINFO") == (
        b"%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n"
        b"$8\r\nprefixes\r\n*0\r\n")


def test_switching_modes_while_on(server, conns):
    a = conns(3)
    assert a.cmd("CLIENT", "TRACKING", "on", "OPTIN") == OK
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST") == SWITCH_BCAST
    # The BCAST switch is checked before BCAST's own option conflicts.
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST", "OPTIN") == SWITCH_BCAST
    assert a.cmd("CLIENT", "TRACKING", "on", "OPTOUT") == SWITCH_OPT
    assert a.cmd("CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP") == OK
    assert a.cmd("CLIENT", "TRACKING", "on") == OK  # neither: allowed
    assert a.cmd("CLIENT", "TRACKING", "on", "OPTOUT") == OK
    assert a.cmd("CLIENT", "TRACKING", "off") == OK
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST") == OK
    assert a.cmd("CLIENT", "TRACKING", "on") == SWITCH_BCAST


def test_prefix_overlap_after_the_first_answers_twice(server, conns):
    # Redis 7.0's checkPrefixCollisionsOrReply reports an overlap between
    # two given prefixes found past the first one, then enables tracking
    # anyway: the error and OK both arrive.
    a = conns(3)
    a.send("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b", "PREFIX", "bc")
    assert a.read() == (b"-ERR Prefix 'b' overlaps with another provided prefix 'bc'. "
                        b"Prefixes for a single client must not overlap.\r\n")
    assert a.read() == OK
    assert a.cmd("CLIENT", "TRACKINGINFO") == (
        b"%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
        b"$8\r\nprefixes\r\n" + _keys("a", "b", "bc"))
    # Overlaps with prefixes the client has, identical ones included.
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab") == (
        b"-ERR Prefix 'ab' overlaps with an existing prefix 'a'. "
        b"Prefixes for a single client must not overlap.\r\n")
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a") == (
        b"-ERR Prefix 'a' overlaps with an existing prefix 'a'. "
        b"Prefixes for a single client must not overlap.\r\n")
    # New prefixes add up; BCAST alone adds "".
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "z") == OK
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST") == OK
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[5] == [b"", b"a", b"b", b"bc", b"z"]


def test_caching_getredir_trackinginfo(server, conns):
    a = conns(3)
    r2 = conns()
    assert a.cmd("CLIENT", "CACHING", "yes") == (
        b"-ERR CLIENT CACHING can be called only when the client is in tracking mode with "
        b"OPTIN or OPTOUT mode enabled\r\n")
    assert a.cmd("CLIENT", "CACHING") == (
        b"-ERR wrong number of arguments for 'client|caching' command\r\n")
    assert a.cmd("CLIENT", "GETREDIR") == b":-1\r\n"
    assert a.cmd("CLIENT", "GETREDIR", "x") == (
        b"-ERR wrong number of arguments for 'client|getredir' command\r\n")
    assert a.cmd("CLIENT", "TRACKINGINFO", "x") == (
        b"-ERR wrong number of arguments for 'client|trackinginfo' command\r\n")
    assert a.cmd("CLIENT", "TRACKING", "on") == OK
    assert a.cmd("CLIENT", "GETREDIR") == b":0\r\n"
    assert a.cmd("CLIENT", "CACHING", "yes") == (
        b"-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n")
    assert a.cmd("CLIENT", "CACHING", "no") == (
        b"-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n")
    assert a.cmd("CLIENT", "CACHING", "maybe") == b"-ERR syntax error\r\n"
    assert a.cmd("CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP") == OK
    assert a.cmd("CLIENT", "CACHING", "no") == (
        b"-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n")
    assert a.cmd("CLIENT", "CACHING", "YES") == OK
    # CLIENT subcommands keep the CACHING flag: TRACKINGINFO shows it.
    want = (b"%3\r\n$5\r\nflags\r\n~4\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n"
            b"$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n")
    assert a.cmd("CLIENT", "TRACKINGINFO") == want
    assert a.cmd("CLIENT", "TRACKINGINFO") == want
    assert a.cmd("GET", "x") == b"_\r\n"
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == [b"on", b"optin", b"noloop"]
    assert a.cmd("CLIENT", "TRACKING", "off") == OK
    assert a.cmd("CLIENT", "TRACKING", "on", "OPTOUT") == OK
    assert a.cmd("CLIENT", "CACHING", "no") == OK
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == [b"on", b"optout", b"caching-no"]
    # OFF clears CACHING; ON keeps no memory of it.
    assert a.cmd("CLIENT", "TRACKING", "off") == OK
    assert a.cmd("CLIENT", "TRACKING", "on", "OPTOUT") == OK
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == [b"on", b"optout"]
    # RESP2: a flat array with an array of flags.
    assert r2.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(a.id), "OPTOUT") == OK
    assert r2.cmd("CLIENT", "TRACKINGINFO") == (
        b"*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$6\r\noptout\r\n$8\r\nredirect\r\n:%d\r\n"
        b"$8\r\nprefixes\r\n*0\r\n" % a.id)
    assert r2.cmd("CLIENT", "GETREDIR") == b":%d\r\n" % a.id


def test_client_list_flags_and_redir(server, conns):
    a = conns(3)
    b = conns(3)
    assert _client_info(a)["flags"] == "N"
    assert _client_info(a)["redir"] == "-1"
    a.cmd("CLIENT", "TRACKING", "on")
    assert _client_info(a)["flags"] == "t"
    assert _client_info(a)["redir"] == "0"
    a.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(b.id))
    assert _client_info(a)["redir"] == str(b.id)
    a.cmd("CLIENT", "TRACKING", "off")
    a.cmd("CLIENT", "TRACKING", "on", "BCAST")
    assert _client_info(a)["flags"] == "tB"
    line = [ln for ln in parse_simple(b.cmd("CLIENT", "LIST")).decode().splitlines()
            if ln.startswith("id=%d " % a.id)]
    assert " flags=tB " in line[0] and " redir=0 " in line[0]


# ---------------------------------------------------------------- default mode
def test_default_mode_resp3(server, conns):
    a = conns(3)
    w = conns()
    assert a.cmd("CLIENT", "TRACKING", "on") == OK
    assert a.cmd("GET", "x") == b"_\r\n"
    # Its own write: the invalidation follows the reply.
    assert a.raw("SET", "x", "1") == OK + _inv("x")
    # Told once: the key is no longer tracked.
    assert a.raw("SET", "x", "2") == OK
    assert a.cmd("GET", "x") == b"$1\r\n2\r\n"
    w.cmd("SET", "x", "3")
    assert a.drain() == _inv("x")
    # Several keys read at once, invalidated one message each.
    assert a.cmd("MGET", "x", "y", "z") == b"*3\r\n$1\r\n3\r\n_\r\n_\r\n"
    w.cmd("MSET", "x", "1", "y", "2")
    assert a.drain() == _inv("x") + _inv("y")
    # A no-op write (DEL of a missing key) is no modification.
    assert a.raw("DEL", "z") == b":0\r\n"
    assert a.raw("SET", "z", "1") == OK + _inv("z")
    # Commands that only write remember nothing.
    w.cmd("SET", "z", "2")
    assert a.drain() == b""


def test_read_only_commands_track_their_keys(server, conns):
    a = conns(3)
    w = conns()
    a.cmd("CLIENT", "TRACKING", "on")
    a.cmd("LPUSH", "lst", "v")
    # An error reply still tracks (the command ran).
    assert a.cmd("GET", "lst").startswith(b"-WRONGTYPE")
    for argv in (["EXISTS", "e1"], ["TYPE", "e2"], ["TTL", "e3"], ["STRLEN", "e4"],
                 ["OBJECT", "ENCODING", "e5"], ["SINTERCARD", "2", "e6", "e7"],
                 ["HGET", "e8", "f"], ["LRANGE", "e9", "0", "-1"]):
        a.cmd(*argv)
    w.cmd("DEL", "lst")
    w.cmd("MSET", *[x for i in range(1, 10) for x in ("e%d" % i, "v")])
    assert a.drain() == b"".join(_inv(k) for k in
                                 ["lst"] + ["e%d" % i for i in range(1, 10)])
    # KEYS, SCAN, DBSIZE and RANDOMKEY name no keys.
    for argv in (["KEYS", "*"], ["SCAN", "0"], ["DBSIZE"], ["RANDOMKEY"]):
        a.cmd(*argv)
    w.cmd("MSET", *[x for i in range(1, 10) for x in ("e%d" % i, "w")])
    assert a.drain() == b""


def test_transaction_invalidations_follow_exec(server, conns):
    a = conns(3)
    a.cmd("CLIENT", "TRACKING", "on")
    a.cmd("SET", "x", "1")
    a.cmd("GET", "x")
    assert a.cmd("MULTI") == OK
    for argv in (["SET", "x", "5"], ["GET", "x"], ["SET", "x", "6"]):
        assert a.cmd(*argv) == b"+QUEUED\r\n"
    # GET inside the transaction tracks x again, so both SETs invalidate it.
    assert a.raw("EXEC") == b"*3\r\n+OK\r\n$1\r\n5\r\n+OK\r\n" + _inv("x") + _inv("x")


def test_other_writers_and_databases(server, conns):
    a = conns(3)
    b = conns()
    a.cmd("CLIENT", "TRACKING", "on")
    b.cmd("SET", "x", "1")
    b.cmd("SELECT", "1")
    b.cmd("SET", "x", "2")
    assert a.cmd("GET", "x") == b"$1\r\n1\r\n"
    # SWAPDB invalidates nothing (Redis 7.0).
    b.cmd("SWAPDB", "0", "1")
    assert a.drain() == b""
    # Keys are names: a write in another database invalidates too.
    assert a.cmd("GET", "x") == b"$1\r\n2\r\n"
    b.cmd("SET", "x", "3")  # db 1 of b is the old db 0
    assert a.drain() == _inv("x")
    a.cmd("GET", "y")
    b.cmd("SELECT", "0")
    b.cmd("COPY", "x", "y")
    assert a.drain() == _inv("y")


def test_resp2_without_redirect_gets_nothing(server, conns):
    a = conns()
    w = conns()
    a.cmd("CLIENT", "TRACKING", "on")
    a.cmd("GET", "k")
    w.cmd("SET", "k", "1")
    assert a.cmd("PING") == b"+PONG\r\n"
    # The key was forgotten all the same.
    assert _info_field(w, "stats", "tracking_total_keys") == 0


def test_noloop(server, conns):
    a = conns(3)
    b = conns()
    assert a.cmd("CLIENT", "TRACKING", "on", "NOLOOP") == OK
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == [b"on", b"noloop"]
    a.cmd("GET", "k")
    assert a.raw("SET", "k", "1") == OK
    a.cmd("GET", "k")
    b.cmd("SET", "k", "2")
    assert a.drain() == _inv("k")
    # Flushes reach NOLOOP clients too.
    a.cmd("GET", "k")
    assert a.raw("FLUSHALL") == OK + PUSH + b"_\r\n"


# ---------------------------------------------------------------- OPTIN / OPTOUT
def test_optin_caching_lifetime(server, conns):
    a = conns(3)
    b = conns()
    a.cmd("CLIENT", "TRACKING", "on", "OPTIN")

    def tracked(*setup_then_get):
        """Runs the commands, GETs key k, and says whether k is tracked."""
        for argv in setup_then_get:
            a.send(*argv)
            a.read()
        a.cmd("GET", "k")
        b.cmd("SET", "k", "v")
        got = a.drain()
        assert got in (b"", _inv("k")), got
        return got == _inv("k")

    assert not tracked()
    assert tracked(["CLIENT", "CACHING", "yes"])
    # Any CLIENT subcommand keeps the flag for the command after it, even a
    # refused one (wrong arity); other commands end it.
    assert tracked(["CLIENT", "CACHING", "yes"], ["CLIENT", "ID"])
    assert tracked(["CLIENT", "CACHING", "yes"], ["CLIENT", "CACHING"])
    assert not tracked(["CLIENT", "CACHING", "yes"], ["PING"])
    assert not tracked(["CLIENT", "CACHING", "yes"], ["CLIENT", "NOSUCH"])
    assert not tracked(["CLIENT", "CACHING", "yes"], ["CLIENT"])
    assert not tracked(["CLIENT", "CACHING", "yes"], ["NOSUCHCOMMAND"])
    assert not tracked(["CLIENT", "CACHING", "yes"], ["GET", "a", "b"])
    assert not tracked(["CLIENT", "CACHING", "yes"], ["GET", "other"])


def test_optin_caching_spans_a_transaction(server, conns):
    a = conns(3)
    b = conns()
    a.cmd("CLIENT", "TRACKING", "on", "OPTIN")
    for argv in (["CLIENT", "CACHING", "yes"], ["MULTI"], ["GET", "m1"], ["GET", "m2"]):
        a.cmd(*argv)
    assert a.cmd("EXEC") == b"*2\r\n_\r\n_\r\n"
    a.cmd("GET", "m3")  # the transaction used the flag up
    b.cmd("MSET", "m1", "1", "m2", "2", "m3", "3")
    assert a.drain() == _inv("m1") + _inv("m2")
    # CACHING given inside the transaction covers the rest of it.
    for argv in (["MULTI"], ["CLIENT", "CACHING", "yes"], ["GET", "m4"]):
        a.cmd(*argv)
    assert a.cmd("EXEC") == b"*2\r\n+OK\r\n_\r\n"
    a.cmd("GET", "m5")
    b.cmd("MSET", "m4", "1", "m5", "2")
    assert a.drain() == _inv("m4")
    # DISCARD ends it too.
    for argv in (["CLIENT", "CACHING", "yes"], ["MULTI"], ["GET", "m6"], ["DISCARD"],
                 ["GET", "m7"]):
        a.cmd(*argv)
    b.cmd("MSET", "m6", "1", "m7", "2")
    assert a.drain() == b""


def test_optout(server, conns):
    a = conns(3)
    b = conns()
    a.cmd("CLIENT", "TRACKING", "on", "OPTOUT")
    a.cmd("GET", "p1")
    a.cmd("CLIENT", "CACHING", "no")
    a.cmd("GET", "p2")
    a.cmd("GET", "p3")
    b.cmd("MSET", "p1", "1", "p2", "1", "p3", "1")
    assert a.drain() == _inv("p1") + _inv("p3")


# ---------------------------------------------------------------- REDIRECT
def test_redirect_to_resp2_subscriber(server, conns):
    sub = conns()
    assert sub.cmd("SUBSCRIBE", "__redis__:invalidate") == (
        b"*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n")
    a = conns()
    w = conns()
    assert a.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(sub.id)) == OK
    a.cmd("GET", "x")
    a.cmd("GET", "y")
    assert a.raw("SET", "x", "1") == OK
    assert sub.drain() == MESSAGE + _keys("x")
    w.cmd("SET", "y", "1")
    assert sub.drain() == MESSAGE + _keys("y")
    # The null of a RESP2 tracking client is "$-1", of a RESP3 one "_",
    # whatever the target speaks.
    a.cmd("FLUSHALL")
    assert sub.drain() == MESSAGE + b"$-1\r\n"
    a3 = conns(3)
    a3.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(sub.id))
    a3.cmd("GET", "z")
    assert a3.raw("SET", "z", "1") == OK
    assert sub.drain() == MESSAGE + _keys("z")
    a3.cmd("FLUSHDB")
    # Both tracking clients hear of the flush, in connection order.
    assert sub.drain() == MESSAGE + b"$-1\r\n" + MESSAGE + b"_\r\n"


def test_redirect_to_any_subscriber_and_to_resp3(server, conns):
    other_channel = conns()
    other_channel.cmd("SUBSCRIBE", "unrelated")  # any subscription takes messages
    plain = conns()  # RESP2, not subscribed: gets nothing
    target3 = conns(3)
    a = conns()
    b = conns()
    c = conns()
    a.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(other_channel.id))
    b.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(plain.id))
    c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(target3.id))
    for x in (a, b, c):
        x.cmd("GET", "k")
    a.cmd("SET", "k", "1")
    assert other_channel.drain() == MESSAGE + _keys("k")
    assert plain.drain() == b""
    assert target3.drain() == _inv("k")
    c.cmd("FLUSHALL")
    assert target3.drain() == PUSH + b"$-1\r\n"


def test_redirect_to_self(server, conns):
    a = conns(3)
    w = conns()
    assert a.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(a.id)) == OK
    a.cmd("GET", "k")
    w.cmd("SET", "k", "1")
    assert a.drain() == _inv("k")


def test_broken_redirect(server, conns):
    a = conns(3)
    w = conns()
    gone = conns()
    gone_id = gone.id
    a.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(gone_id))
    for k in ("x", "y", "z"):
        a.cmd("GET", k)
    gone.close()
    poll(lambda: w.cmd("CLIENT", "LIST", "ID", str(gone_id)), b"$0\r\n\r\n",
          "redirect target gone")
    info = _client_info(a)
    assert (info["flags"], info["redir"]) == ("t", str(gone_id))
    broken = b">2\r\n$21\r\ntracking-redir-broken\r\n:%d\r\n" % gone_id
    # Each time a message would have gone out, not once.
    assert a.raw("SET", "x", "1") == OK + broken
    assert _client_info(a)["flags"] == "tR"
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == [b"on", b"broken_redirect"]
    w.cmd("SET", "y", "1")
    assert a.drain() == broken
    assert a.raw("FLUSHALL") == OK + broken
    # Enabling again (with a live target) clears R.
    assert a.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(w.id)) == OK
    assert _client_info(a)["flags"] == "t"


def test_broken_flag_outlives_tracking_off(server, conns):
    # A transaction writes a tracked key, then turns tracking off: the held
    # back invalidation finds the redirect gone and sets R on a client that
    # no longer tracks; OFF and RESET leave it, only ON clears it.
    a = conns(3)
    w = conns()
    gone = conns()
    gone_id = gone.id
    a.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(gone_id))
    a.cmd("GET", "k")
    gone.close()
    poll(lambda: w.cmd("CLIENT", "LIST", "ID", str(gone_id)), b"$0\r\n\r\n",
          "redirect target gone")
    for argv in (["MULTI"], ["SET", "k", "1"], ["CLIENT", "TRACKING", "off"]):
        a.cmd(*argv)
    assert a.raw("EXEC") == (b"*2\r\n+OK\r\n+OK\r\n"
                             b">2\r\n$21\r\ntracking-redir-broken\r\n:%d\r\n" % gone_id)
    off_broken = [b"off", b"broken_redirect"]
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == off_broken
    info = _client_info(a)
    assert (info["flags"], info["redir"]) == ("R", "-1")
    assert a.cmd("CLIENT", "GETREDIR") == b":-1\r\n"
    assert a.cmd("RESET") == b"+RESET\r\n"
    assert a.cmd("CLIENT", "TRACKING", "off") == OK
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == off_broken
    assert a.cmd("CLIENT", "TRACKING", "on") == OK
    assert parse_simple(a.cmd("CLIENT", "TRACKINGINFO"))[1] == [b"on"]
    assert _client_info(a)["flags"] == "t"


# ---------------------------------------------------------------- BCAST
def test_bcast_prefixes(server, conns):
    a = conns(3)
    c = conns(3)
    w = conns()
    assert a.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a") == OK
    assert c.cmd("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP") == OK
    w.cmd("MSET", "a2", "1", "a1", "1", "b1", "1", "c1", "1")
    # One message per prefix, in prefix order, keys in byte order.
    assert a.drain() == _inv("a1", "a2") + _inv("b1")
    assert c.drain() == _inv("a1", "a2", "b1", "c1")
    # Its own write, without NOLOOP: after the reply.
    assert a.raw("SET", "a3", "1") == OK + _inv("a3")
    assert c.drain() == _inv("a3")
    # NOLOOP: not about its own writes.
    assert c.raw("SET", "a4", "1") == OK
    assert a.drain() == _inv("a4")
    assert c.raw("MSET", "a5", "1", "zz", "1") == OK
    assert a.drain() == _inv("a5")
    # A key written twice is sent once.
    w.cmd("MULTI")
    w.cmd("SET", "a1", "1")
    w.cmd("SET", "a1", "2")
    w.cmd("DEL", "b1")
    w.cmd("EXEC")
    assert a.drain() == _inv("a1") + _inv("b1")
    assert c.drain() == _inv("a1", "b1")
    # BCAST clients remember nothing they read.
    a.cmd("GET", "x1")
    w.cmd("SET", "x1", "1")
    assert a.drain() == b""
    assert c.drain() == _inv("x1")  # its prefix "" matches every key
    # Flushes: the null, to BCAST clients too.
    w.cmd("FLUSHALL")
    assert a.drain() == PUSH + b"_\r\n"
    assert c.drain() == PUSH + b"_\r\n"


def test_bcast_redirect_to_resp2_subscriber(server, conns):
    sub = conns()
    sub.cmd("SUBSCRIBE", "__redis__:invalidate")
    a = conns()
    w = conns()
    a.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "REDIRECT", str(sub.id))
    w.cmd("MSET", "user:2", "x", "user:1", "y", "other", "z")
    assert sub.drain() == MESSAGE + _keys("user:1", "user:2")


# ---------------------------------------------------------------- expiry
def test_expired_keys_invalidate(harness):
    srv = harness.start("--enable-debug-command", "yes")
    # The first reads must run before the keys' TTL is over: on a pass too
    # slow for that, the whole scenario again with a longer TTL.
    for ttl_ms in (300, 3000, 30000):
        if _expiry_scenario(srv, ttl_ms):
            return
    raise AssertionError("the reads never ran within the keys' TTL")


def _expiry_scenario(srv, ttl_ms):
    """False if the reads that must find the keys live came too late."""
    a = Conn(srv, 3)
    n = Conn(srv, 3)
    b = Conn(srv, 3)
    w = Conn(srv)
    ttl = b"%d" % ttl_ms
    try:
        assert w.cmd("FLUSHALL") == OK
        assert w.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "0") == OK
        a.cmd("CLIENT", "TRACKING", "on")
        n.cmd("CLIENT", "TRACKING", "on", "NOLOOP")
        b.cmd("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP", "PREFIX", "e")
        w.cmd("MSET", "ea", "v", "en", "v")
        start = time.monotonic()  # the TTLs end after start + ttl_ms
        w.cmd("PEXPIRE", "ea", ttl)
        w.cmd("PEXPIRE", "en", ttl)
        # One message per event-loop iteration: per command here.
        assert b.drain() == _inv("ea", "en") + _inv("ea") + _inv("en")
        got = (a.cmd("GET", "ea"), n.cmd("GET", "en"))
        if time.monotonic() - start >= ttl_ms / 1000:
            return False  # answered within the TTL: certainly read live
        assert got == (b"$1\r\nv\r\n", b"$1\r\nv\r\n")
        time.sleep(ttl_ms / 1000 + 0.1)
        # Found expired by its reader's GET: deleted, with an invalidation
        # for the reader after its reply; the key is tracked again.
        assert a.raw("GET", "ea") == b"_\r\n" + _inv("ea")
        w.cmd("SET", "ea", "v")
        assert a.drain() == _inv("ea")
        # NOLOOP: the reader's own command deleted it, so it is not told.
        assert n.raw("GET", "en") == b"_\r\n"
        # BCAST NOLOOP: an expired key has no modifier; the prefix's clients
        # are told, the one whose read expired it too.
        assert b.drain() == _inv("ea") + _inv("ea") + _inv("en")
        w.cmd("SET", "ek", "v", "PX", ttl)
        assert b.drain() == _inv("ek")
        time.sleep(ttl_ms / 1000 + 0.1)
        assert b.raw("GET", "ek") == b"_\r\n" + _inv("ek")
        return True
    finally:
        for c in (a, n, b, w):
            c.close()


# ---------------------------------------------------------------- counters, cleanup
def test_info_fields_and_cleanup(harness):
    srv = harness.start()
    a = Conn(srv, 3)
    b = Conn(srv, 3)
    w = Conn(srv)
    try:
        def fields():
            return (_info_field(w, "clients", "tracking_clients"),
                    _info_field(w, "stats", "tracking_total_keys"),
                    _info_field(w, "stats", "tracking_total_items"),
                    _info_field(w, "stats", "tracking_total_prefixes"))

        assert fields() == (0, 0, 0, 0)
        a.cmd("CLIENT", "TRACKING", "on")
        b.cmd("CLIENT", "TRACKING", "on")
        a.cmd("MGET", "k1", "k2", "k3")
        b.cmd("MGET", "k1", "k4")
        assert fields() == (2, 4, 5, 0)
        # OFF: the client's entries stay until their keys change (lazily).
        b.cmd("CLIENT", "TRACKING", "off")
        assert fields() == (1, 4, 5, 0)
        w.cmd("SET", "k4", "x")
        assert fields() == (1, 3, 4, 0)
        assert b.drain() == b""
        b.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b")
        c = Conn(srv)
        c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "c")
        assert fields() == (3, 3, 4, 3)
        # RESET turns tracking off.
        assert b.cmd("RESET") == b"+RESET\r\n"
        assert b.cmd("CLIENT", "TRACKINGINFO") == (
            b"*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n"
            b"$8\r\nprefixes\r\n*0\r\n")
        assert fields() == (2, 3, 4, 2)
        # Disconnecting too.
        c.close()
        poll(fields, (1, 3, 4, 0), "after disconnect")
        a.close()
        poll(lambda: fields()[0], 0, "tracking clients")
        assert fields() == (0, 3, 4, 0)
        w.cmd("FLUSHALL")
        assert fields() == (0, 0, 0, 0)
    finally:
        for x in (a, b, w):
            x.close()


# ---------------------------------------------------------------- table limit
def test_table_limit_before_commands(harness):
    srv = harness.start()
    a = Conn(srv, 3)
    w = Conn(srv)
    try:
        assert w.cmd("CONFIG", "SET", "tracking-table-max-keys", "2") == OK
        a.cmd("CLIENT", "TRACKING", "on")
        # Checked before each command runs: GET k4 finds three keys and
        # evicts one (its invalidation before GET k4's reply), the PING
        # after it one more. Which key goes is random.
        a.send("GET", "k1")
        a.send("GET", "k2")
        a.send("GET", "k3")
        a.send("GET", "k4")
        a.send("PING")
        got = [a.read() for _ in range(7)]
        assert got[:3] == [b"_\r\n"] * 3
        assert got[3] in [_inv("k1"), _inv("k2"), _inv("k3")]
        assert got[4] == b"_\r\n"
        assert got[5].startswith(PUSH) and got[5] != got[3]
        assert got[6] == b"+PONG\r\n"
        assert _info_field(w, "stats", "tracking_total_keys") == 2
    finally:
        a.close()
        w.close()


def test_table_limit_from_cron(harness):
    srv = harness.start()
    a = Conn(srv, 3)
    w = Conn(srv)
    try:
        a.cmd("CLIENT", "TRACKING", "on")
        a.cmd("MGET", *["k%d" % i for i in range(500)])
        assert _info_field(w, "stats", "tracking_total_keys") == 500
        # Lowered at run time: an idle server gets under it on its own.
        assert w.cmd("CONFIG", "SET", "tracking-table-max-keys", "10") == OK
        poll(lambda: _info_field(w, "stats", "tracking_total_keys"), 10, "evicted")
        frames = []
        while len(frames) < 490:
            frames.append(a.read())
        assert all(f.startswith(PUSH + b"*1\r\n") for f in frames)
        evicted = {parse_simple(f)[1][0] for f in frames}
        assert len(evicted) == 490
        assert evicted <= {b"k%d" % i for i in range(500)}
        # 0: no limit.
        w.cmd("CONFIG", "SET", "tracking-table-max-keys", "0")
        a.cmd("MGET", *["n%d" % i for i in range(100)])
        time.sleep(0.3)
        assert _info_field(w, "stats", "tracking_total_keys") == 110
        assert w.cmd("CONFIG", "GET", "tracking-table-max-keys") == encode(
            ["tracking-table-max-keys", "0"])
    finally:
        a.close()
        w.close()
