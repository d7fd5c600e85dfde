"""Keyspace notifications from what storage reports today: "expired" (lazy
and active expiry) and "keymiss", filtered by notify-keyspace-events, set at
start-up or with CONFIG SET. The other events arrive with the commands that
raise them.

Waits for a message are bounded (30 s); a PING on the subscriber proves that
nothing was published before it (messages are queued ahead of its reply).
"""

from resp import RawConnection


def _conn(srv):
    return RawConnection(srv.host, srv.port, timeout=30)


def _pmessage(pattern, channel, data):
    return b"*4\r\n$8\r\npmessage\r\n" + b"".join(
        b"$%d\r\n%s\r\n" % (len(x), x) for x in (pattern, channel, data))


def _listen(srv, pattern=b"__key*__:*"):
    s = _conn(srv)
    assert s.call([b"PSUBSCRIBE", pattern]) == \
        b"*3\r\n$10\r\npsubscribe\r\n$%d\r\n%s\r\n:1\r\n" % (len(pattern), pattern)
    return s


def _nothing_pending(s):
    assert s.call([b"PING"]) == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"


def test_active_expiry_publishes_expired(harness):
    srv = harness.start()
    c = _conn(srv)
    s = _listen(srv)
    try:
        assert c.call([b"CONFIG", b"SET", b"notify-keyspace-events", b"KEx"]) == b"+OK\r\n"
        assert c.call([b"SELECT", b"2"]) == b"+OK\r\n"
        assert c.call([b"SET", b"k", b"v", b"PX", b"50"]) == b"+OK\r\n"
        # Nobody touches the key: the expire cycle finds it.
        assert s.read_reply() == _pmessage(b"__key*__:*", b"__keyspace@2__:k", b"expired")
        assert s.read_reply() == _pmessage(b"__key*__:*", b"__keyevent@2__:expired", b"k")
        assert c.call([b"EXISTS", b"k"]) == b":0\r\n"
        _nothing_pending(s)
    finally:
        c.close()
        s.close()


def test_lazy_expiry_then_keymiss(harness):
    srv = harness.start()
    c = _conn(srv)
    s = _listen(srv)
    try:
        assert c.call([b"CONFIG", b"SET", b"notify-keyspace-events", b"Exm"]) == b"+OK\r\n"
        # The hit first: once "gone" is set, the expire cycle may publish its
        # "expired" at any moment.
        assert c.call([b"SET", b"stay", b"v"]) == b"+OK\r\n"
        assert c.call([b"GET", b"stay"]) == b"$1\r\nv\r\n"  # a hit: nothing
        _nothing_pending(s)
        assert c.call([b"SET", b"gone", b"v", b"PX", b"1"]) == b"+OK\r\n"
        got = []
        # Expired by the cycle or by the GET below: either way "expired"
        # comes first, and the GET of the missing key raises "keymiss".
        while c.call([b"GET", b"gone"]) != b"$-1\r\n":
            pass
        got.append(s.read_reply())
        got.append(s.read_reply())
        assert got == [_pmessage(b"__key*__:*", b"__keyevent@0__:expired", b"gone"),
                       _pmessage(b"__key*__:*", b"__keyevent@0__:keymiss", b"gone")]
        _nothing_pending(s)
    finally:
        c.close()
        s.close()


def test_keymiss_with_K_and_m(harness):
    srv = harness.start()
    c = _conn(srv)
    s = _listen(srv)
    try:
        assert c.call([b"CONFIG", b"SET", b"notify-keyspace-events", b"Km"]) == b"+OK\r\n"
        assert c.call([b"CONFIG", b"GET", b"notify-keyspace-events"]) == \
            b"*2\r\n$22\r\nnotify-keyspace-events\r\n$2\r\nKm\r\n"
        assert c.call([b"GET", b"bin\x00key"]) == b"$-1\r\n"
        assert s.read_reply() == _pmessage(b"__key*__:*", b"__keyspace@0__:bin\x00key",
                                           b"keymiss")
        _nothing_pending(s)  # no keyevent message without E
    finally:
        c.close()
        s.close()


def test_flags_filter(harness):
    srv = harness.start()
    c = _conn(srv)
    s = _listen(srv)
    try:
        # A class without K or E, and K/E without the class, send nothing.
        for flags in (b"xm", b"KE", b""):
            assert c.call([b"CONFIG", b"SET", b"notify-keyspace-events", flags]) == b"+OK\r\n"
            assert c.call([b"GET", b"missing"]) == b"$-1\r\n"
            assert c.call([b"SET", b"e", b"v", b"PX", b"1"]) == b"+OK\r\n"
            while c.call([b"EXISTS", b"e"]) != b":0\r\n":
                pass
            _nothing_pending(s)
        # "m" is not part of "A".
        assert c.call([b"CONFIG", b"SET", b"notify-keyspace-events", b"KEA"]) == b"+OK\r\n"
        assert c.call([b"GET", b"missing"]) == b"$-1\r\n"
        _nothing_pending(s)
        # Switched on and off again at run time.
        assert c.call([b"CONFIG", b"SET", b"notify-keyspace-events", b"Em"]) == b"+OK\r\n"
        c.call([b"GET", b"missing"])
        assert s.read_reply() == _pmessage(b"__key*__:*", b"__keyevent@0__:keymiss", b"missing")
        assert c.call([b"CONFIG", b"SET", b"notify-keyspace-events", b""]) == b"+OK\r\n"
        c.call([b"GET", b"missing"])
        _nothing_pending(s)
    finally:
        c.close()
        s.close()


def test_flags_from_the_command_line(harness):
    srv = harness.start("--notify-keyspace-events", "KEA")
    c = _conn(srv)
    s = _listen(srv, b"__keyevent@*")
    try:
        assert c.call([b"SET", b"k", b"v", b"PX", b"1"]) == b"+OK\r\n"
        # Redis also sends "set" for SET (class $); whichever comes first,
        # "expired" arrives.
        seen = []
        while _pmessage(b"__keyevent@*", b"__keyevent@0__:expired", b"k") not in seen:
            seen.append(s.read_reply())
            c.call([b"EXISTS", b"k"])
    finally:
        c.close()
        s.close()
