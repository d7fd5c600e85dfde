"""Per-command latency tracking: LATENCY HISTOGRAM, INFO latencystats and
the latency-tracking directives, as Redis 7.0.15.

No timing assertions: durations vary, so the tests check reply shapes,
command names, calls counts, that buckets grow, and lower bounds that DEBUG
SLEEP guarantees. The whole file also runs against redis-server
(SPINDLE_TEST_AGAINST_REDIS=1), and one test replays a script on both
servers and compares the skeletons of their replies.
"""

import os
import re
import time

import pytest

import servers
from resp import RawConnection

CRLF = b"\r\n"


class Map(list):
    """A RESP3 map (or what RESP2 sends for one): its (key, value) pairs."""


def parse(raw):
    """One reply as Python values, keeping a map's type apart from an
    array's: RESP3 maps read as Map, RESP2 flat arrays as lists."""
    def value(p):
        t = raw[p:p + 1]
        e = raw.index(CRLF, p)
        head = raw[p + 1:e]
        nxt = e + 2
        if t == b":":
            return int(head), nxt
        if t == b"$":
            n = int(head)
            return raw[nxt:nxt + n], nxt + n + 2
        if t in (b"+", b"-"):
            return (head if t == b"+" else Exception(head.decode())), nxt
        if t == b"=":
            n = int(head)
            return raw[nxt + 4:nxt + n], nxt + n + 2
        if t in (b"*", b"%"):
            n = int(head)
            items = []
            for _ in range(n * (2 if t == b"%" else 1)):
                v, nxt = value(nxt)
                items.append(v)
            if t == b"%":
                return Map(zip(items[0::2], items[1::2])), nxt
            return items, nxt
        raise ValueError("unexpected type %r" % t)
    return value(0)[0]


def pairs(v):
    """A map's pairs whether it came as RESP3 (Map) or RESP2 (flat array)."""
    if isinstance(v, Map):
        return list(v)
    assert isinstance(v, list) and len(v) % 2 == 0, v
    return list(zip(v[0::2], v[1::2]))


def histogram(c, *names):
    """LATENCY HISTOGRAM as [(name, calls, [(usec, cumulative)...])],
    checking the per-command shape on the way."""
    reply = parse(c.call([b"LATENCY", b"HISTOGRAM"] + [n.encode() if isinstance(n, str) else n
                                                        for n in names]))
    out = []
    for name, body in pairs(reply):
        fields = pairs(body)
        assert [k for k, _ in fields] == [b"calls", b"histogram_usec"], fields
        calls = fields[0][1]
        buckets = pairs(fields[1][1])
        out.append((name.decode(), calls, buckets))
    return out


def check_buckets(calls, buckets):
    """Buckets as Redis reports them: microseconds rising, cumulative counts
    rising (only steps that added calls), the last one every call."""
    assert buckets, "no buckets for %d calls" % calls
    usecs = [u for u, _ in buckets]
    counts = [n for _, n in buckets]
    assert all(isinstance(u, int) and u >= 0 for u in usecs), buckets
    assert usecs == sorted(usecs) and len(set(usecs)) == len(usecs), buckets
    assert counts == sorted(counts) and len(set(counts)) == len(counts), buckets
    assert counts[-1] == calls, buckets


def info_section(c, *sections):
    raw = parse(c.call([b"INFO"] + [s.encode() for s in sections]))
    return raw.decode()


def latency_lines(c):
    text = info_section(c, "latencystats")
    lines = [l for l in text.split("\r\n") if l]
    assert lines[0] == "# Latencystats", text
    return dict(l.split(":", 1) for l in lines[1:])


def _start(harness):
    return harness.start("--enable-debug-command", "local")


def _conn(srv):
    return RawConnection(srv.host, srv.port, timeout=30)


def test_histogram_shape_resp2_and_resp3(harness):
    c = _conn(_start(harness))
    try:
        c.call([b"CONFIG", b"RESETSTAT"])
        for i in range(5):
            c.call([b"SET", b"k%d" % i, b"v"])
        c.call([b"GET", b"k1"])
        c.call([b"CONFIG", b"GET", b"maxmemory"])
        raw = c.call([b"LATENCY", b"HISTOGRAM", b"set", b"get", b"config|get"])
        assert raw.startswith(b"*6\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:5\r\n"
                              b"$14\r\nhistogram_usec\r\n*"), raw
        got = histogram(c, "set", "get", "config|get")
        assert [(n, calls) for n, calls, _ in got] == [("set", 5), ("get", 1), ("config|get", 1)]
        for _, calls, buckets in got:
            check_buckets(calls, buckets)
        # RESP3: maps all the way down.
        assert c.call([b"HELLO", b"3"]).startswith(b"%")
        raw = c.call([b"LATENCY", b"HISTOGRAM", b"set"])
        assert raw.startswith(b"%1\r\n$3\r\nset\r\n%2\r\n$5\r\ncalls\r\n:5\r\n"
                              b"$14\r\nhistogram_usec\r\n%"), raw
        reply = parse(raw)
        assert isinstance(reply, Map) and isinstance(reply[0][1], Map)
        assert isinstance(dict(reply[0][1])[b"histogram_usec"], Map)
        assert parse(c.call([b"LATENCY", b"HISTOGRAM", b"nosuch"])) == Map()
        assert c.call([b"LATENCY", b"HISTOGRAM", b"nosuch"]) == b"%0\r\n"
        c.call([b"HELLO", b"2"])
        assert c.call([b"LATENCY", b"HISTOGRAM", b"nosuch"]) == b"*0\r\n"
    finally:
        c.close()


def test_histogram_arguments(harness):
    c = _conn(_start(harness))
    try:
        c.call([b"CONFIG", b"RESETSTAT"])
        c.call([b"SET", b"a", b"1"])
        c.call([b"CONFIG", b"GET", b"port"])
        c.call([b"CONFIG", b"GET", b"hz"])
        names = lambda *args: [(n, calls) for n, calls, _ in histogram(c, *args)]
        # Unknown names, "|" forms that name nothing, and commands without
        # calls are skipped; names are case-insensitive, answered with the
        # command's own name; a name given twice answers twice.
        assert names("nosuch", "", "set|x", "config|", "|get", "config|get|x", "get") == []
        assert names("SET", "Config|GET", "set") == [("set", 1), ("config|get", 2), ("set", 1)]
        # A container stands for its subcommands that have calls (it has
        # none itself): CONFIG GET and the CONFIG RESETSTAT above.
        assert sorted(names("config")) == [("config|get", 2), ("config|resetstat", 1)]
        # No names: every command and subcommand with calls (this one's
        # own call counts once it has run).
        everything = dict(names())
        assert everything == {"set": 1, "config|get": 2, "config|resetstat": 1,
                              "latency|histogram": 3}, everything
        # Calls refused before running are not calls: no histogram.
        assert c.call([b"GET"]).startswith(b"-ERR wrong number")
        assert names("get") == []
    finally:
        c.close()


def test_transactions_record_exec_and_each_inner_command(harness):
    c = _conn(_start(harness))
    try:
        c.call([b"CONFIG", b"RESETSTAT"])
        c.call([b"MULTI"])
        c.call([b"DEBUG", b"SLEEP", b"0.02"])
        c.call([b"INCR", b"n"])
        c.call([b"INCR", b"n"])
        assert c.call([b"EXEC"]).startswith(b"*3\r\n")
        got = {n: (calls, b) for n, calls, b in histogram(c, "multi", "exec", "debug", "incr")}
        assert {n: v[0] for n, v in got.items()} == {"multi": 1, "exec": 1, "debug": 1, "incr": 2}
        # EXEC's time includes what it ran: both at least the 20 ms sleep.
        assert got["exec"][1][0][0] >= 20000 and got["debug"][1][0][0] >= 20000, got
    finally:
        c.close()


def test_blocked_commands_record_when_they_end(harness):
    srv = _start(harness)
    c, b = _conn(srv), _conn(srv)
    try:
        bid = b.call([b"CLIENT", b"ID"])[1:-2]

        def blpop_state():
            h = histogram(c, "blpop")
            stats = info_section(c, "commandstats")
            m = re.search(r"cmdstat_blpop:calls=(\d+),.*failed_calls=(\d+)", stats)
            return (h[0][1] if h else 0), (int(m.group(1)), int(m.group(2))) if m else None

        def wait_blocked():
            for _ in range(500):
                if b"blocked_clients:1" in c.call([b"INFO", b"clients"]):
                    return
                time.sleep(0.01)
            pytest.fail("client never blocked")

        # Served by a push: recorded.
        c.call([b"CONFIG", b"RESETSTAT"])
        b.send_command([b"BLPOP", b"l", b"0"])
        wait_blocked()
        c.call([b"RPUSH", b"l", b"x"])
        assert b.read_reply() == b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n"
        assert blpop_state() == (1, (1, 0))
        # Timed out: a call in commandstats, but not recorded.
        c.call([b"CONFIG", b"RESETSTAT"])
        assert b.call([b"BLPOP", b"l", b"0.05"]) == b"*-1\r\n"
        assert blpop_state() == (0, (1, 0))
        # CLIENT UNBLOCK, either form: recorded, and a failed call.
        for form in ([], [b"ERROR"]):
            c.call([b"CONFIG", b"RESETSTAT"])
            b.send_command([b"BLPOP", b"l", b"0"])
            wait_blocked()
            assert c.call([b"CLIENT", b"UNBLOCK", bid] + form) == b":1\r\n"
            b.read_reply()
            assert blpop_state() == (1, (1, 1)), form
        # Inside MULTI it does not block: recorded like any command.
        c.call([b"CONFIG", b"RESETSTAT"])
        c.call([b"MULTI"])
        c.call([b"BLPOP", b"l", b"0"])
        assert c.call([b"EXEC"]) == b"*1\r\n*-1\r\n"
        assert blpop_state() == (1, (1, 0))
    finally:
        c.close()
        b.close()


def test_resetstat_and_tracking_off(harness):
    c = _conn(_start(harness))
    try:
        c.call([b"SET", b"a", b"1"])
        c.call([b"CONFIG", b"RESETSTAT"])
        # Only CONFIG RESETSTAT itself, recorded after it ran.
        assert [n for n, _, _ in histogram(c)] == ["config|resetstat"]
        c.call([b"SET", b"a", b"1"])
        assert c.call([b"CONFIG", b"GET", b"latency-tracking"]) == (
            b"*2\r\n$16\r\nlatency-tracking\r\n$3\r\nyes\r\n")
        assert c.call([b"CONFIG", b"SET", b"latency-tracking", b"no"]) == b"+OK\r\n"
        c.call([b"SET", b"a", b"1"])
        c.call([b"GET", b"a"])
        # Nothing new recorded; what was stays visible to LATENCY HISTOGRAM,
        # and INFO shows the section's header only.
        assert [(n, calls) for n, calls, _ in histogram(c, "set", "get")] == [("set", 1)]
        assert info_section(c, "latencystats") == "# Latencystats\r\n"
        c.call([b"CONFIG", b"SET", b"latency-tracking", b"yes"])
        c.call([b"SET", b"a", b"1"])
        assert [(n, calls) for n, calls, _ in histogram(c, "set")] == [("set", 2)]
        assert c.call([b"CONFIG", b"SET", b"latency-tracking", b"maybe"]).startswith(
            b"-ERR CONFIG SET failed (possibly related to argument 'latency-tracking')")
    finally:
        c.close()


def test_info_latencystats(harness):
    c = _conn(_start(harness))
    try:
        c.call([b"CONFIG", b"RESETSTAT"])
        c.call([b"SET", b"a", b"1"])
        c.call([b"DEBUG", b"SLEEP", b"0.01"])
        c.call([b"CONFIG", b"GET", b"hz"])
        lines = latency_lines(c)
        assert set(lines) == {"latency_percentiles_usec_set", "latency_percentiles_usec_debug",
                              "latency_percentiles_usec_config|get",
                              "latency_percentiles_usec_config|resetstat"}, lines
        fmt = re.compile(r"^p50=(\d+\.\d{3}),p99=(\d+\.\d{3}),p99\.9=(\d+\.\d{3})$")
        for name, value in lines.items():
            assert fmt.match(value), (name, value)
        # One call: every percentile is its value; DEBUG SLEEP 0.01 took 10 ms
        # at least.
        p50, p99, p999 = map(float, fmt.match(lines["latency_percentiles_usec_debug"]).groups())
        assert p50 == p99 == p999 >= 10000.0
        # Which INFO selections carry the section.
        assert "# Latencystats" not in info_section(c)
        assert "# Latencystats" not in info_section(c, "default")
        for sel in ("all", "everything", "LatencyStats"):
            assert "# Latencystats" in info_section(c, sel), sel
        text = info_section(c, "everything")
        assert text.index("# Errorstats") < text.index("# Latencystats") < text.index("# Keyspace")
        assert text.index("# Commandstats") < text.index("# Latencystats")
        # Other percentiles, their labels as "%f" without trailing zeros.
        assert c.call([b"CONFIG", b"SET", b"latency-tracking-info-percentiles",
                       b"0 12.5 100 99.990"]) == b"+OK\r\n"
        value = latency_lines(c)["latency_percentiles_usec_debug"]
        m = re.match(r"^p0=(\d+\.\d{3}),p12\.5=(\d+\.\d{3}),p100=(\d+\.\d{3}),"
                     r"p99\.99=(\d+\.\d{3})$", value)
        assert m, value
        p0, p125, p100, p9999 = map(float, m.groups())
        # p0 is the lowest value of the recorded value's range, the others
        # its highest.
        assert 10000.0 <= p0 < p125 == p100 == p9999
        assert c.call([b"CONFIG", b"SET", b"latency-tracking-info-percentiles", b""]) == (
            b"+OK\r\n")
        assert set(latency_lines(c).values()) == {""}
    finally:
        c.close()


@pytest.mark.parametrize("value,error", [
    (b"abc", b"Invalid latency-tracking-info-percentiles parameters"),
    (b"50 abc", b"Invalid latency-tracking-info-percentiles parameters"),
    (b"50  99", b"Invalid latency-tracking-info-percentiles parameters"),
    (b" 50", b"Invalid latency-tracking-info-percentiles parameters"),
    (b"nan", b"Invalid latency-tracking-info-percentiles parameters"),
    (b"50,99", b"Invalid latency-tracking-info-percentiles parameters"),
    (b"101", b"latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"),
    (b"50 -1", b"latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"),
    (b"inf", b"latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"),
])
def test_percentiles_config_rejects(server, value, error):
    c = _conn(server)
    try:
        got = c.call([b"CONFIG", b"SET", b"latency-tracking-info-percentiles", value])
        assert got == (b"-ERR CONFIG SET failed (possibly related to argument "
                       b"'latency-tracking-info-percentiles') - " + error + b"\r\n")
        # Left as it was.
        assert c.call([b"CONFIG", b"GET", b"latency-tracking-info-percentiles"]) == (
            b"*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$10\r\n50 99 99.9\r\n")
    finally:
        c.close()


def _skeleton(c):
    """The parts of a fixed script's replies that do not depend on timing."""
    out = []
    c.call([b"CONFIG", b"RESETSTAT"])
    for argv in ([b"SET", b"a", b"1"], [b"SET", b"b", b"2"], [b"GET", b"a"],
                 [b"CONFIG", b"GET", b"hz"], [b"CLIENT", b"GETNAME"],
                 [b"MULTI"], [b"INCR", b"n"], [b"EXEC"], [b"LPUSH", b"x"]):
        c.call(argv)
    for proto in (b"2", b"3"):
        c.call([b"HELLO", proto])
        for args in ([], [b"set", b"get", b"nosuch", b"client", b"config|get", b"set"]):
            raw = c.call([b"LATENCY", b"HISTOGRAM"] + args)
            reply = parse(raw)
            entries = []
            for name, body in pairs(reply):
                fields = pairs(body)
                entries.append((name, type(body).__name__, [k for k, _ in fields], fields[0][1],
                                type(fields[1][1]).__name__))
            # The order of the no-argument form is Redis's dict order: compare as a set.
            out.append((proto, raw[:1], sorted(entries) if not args else entries))
    info = info_section(c, "latencystats")
    out.append(sorted(re.sub(r"=\d+\.\d{3}", "=N", l) for l in info.split("\r\n") if l))
    return out


@pytest.mark.skipif(not os.access(servers.REDIS_SERVER, os.X_OK), reason="no redis-server")
def test_same_skeleton_as_redis(harness):
    if harness.against_redis:
        pytest.skip("compares Spindle with Redis")
    mine = _conn(harness.start())
    ref_srv = servers.ServerProcess(servers.REDIS_SERVER)
    ref_srv.start()
    ref = _conn(ref_srv)
    try:
        assert _skeleton(mine) == _skeleton(ref)
    finally:
        mine.close()
        ref.close()
        ref_srv.stop()
