"""Round trips, pipelining, binary safety, inline commands, big values,
SELECT isolation, CLIENT, HELLO and CONFIG against a real server."""

import socket

import pytest
import redis

from resp import RawConnection, encode, parse_simple


def raw(server, timeout=30):
    return RawConnection(server.host, server.port, timeout=timeout)


def test_ping_echo_set_get(r):
    assert r.ping() is True
    assert r.echo(b"hello") == b"hello"
    assert r.echo(b"") == b""
    assert r.set("k", "v") is True
    assert r.get("k") == b"v"
    assert r.get("missing") is None
    assert r.set("k", "w") is True
    assert r.get("k") == b"w"


def test_raw_replies_exact(server):
    c = raw(server)
    try:
        assert c.call([b"PING"]) == b"+PONG\r\n"
        assert c.call([b"PING", b"x y"]) == b"$3\r\nx y\r\n"
        assert c.call([b"SET", b"a", b"1"]) == b"+OK\r\n"
        assert c.call([b"GET", b"a"]) == b"$1\r\n1\r\n"
        assert c.call([b"GET", b"nope"]) == b"$-1\r\n"
        assert c.call([b"NOSUCHCMD", b"x"]) == \
            b"-ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' \r\n"
        assert c.call([b"GET"]) == b"-ERR wrong number of arguments for 'get' command\r\n"
    finally:
        c.close()


def test_pipelining_thousands_in_one_write(server):
    n = 5000
    payload = b"".join(encode([b"SET", b"pk%d" % i, b"val%d" % i]) for i in range(n))
    payload += b"".join(encode([b"GET", b"pk%d" % i]) for i in range(n))
    payload += encode([b"INCR", b"counter"]) * n
    c = raw(server)
    try:
        c.send(payload)  # one sendall: the server sees many commands per read
        for i in range(n):
            assert c.read_reply() == b"+OK\r\n", i
        for i in range(n):
            v = b"val%d" % i
            assert c.read_reply() == b"$%d\r\n%s\r\n" % (len(v), v), i
        for i in range(n):
            assert c.read_reply() == b":%d\r\n" % (i + 1)
    finally:
        c.close()


def test_pipeline_redis_py(r):
    p = r.pipeline(transaction=False)
    for i in range(3000):
        p.set("rp%d" % i, i)
        p.incr("rp%d" % i)
    out = p.execute()
    assert out == [x for i in range(3000) for x in (True, i + 1)]


@pytest.mark.parametrize("value", [
    b"", b"\x00", b"\r\n", b"a\r\nb\x00c", bytes(range(256)), b"\xff" * 1000,
    b"*1\r\n$4\r\nPING\r\n", b"$-1\r\n",
])
def test_binary_values(r, value):
    key = b"bin\x00key\r\n" + value[:8]
    assert r.set(key, value)
    assert r.get(key) == value
    assert r.strlen(key) == len(value)
    assert r.exists(key) == 1


def test_inline_commands(server):
    c = raw(server)
    try:
        c.send(b"PING\r\n")
        assert c.read_reply() == b"+PONG\r\n"
        c.send(b'set a "b c"\r\n')
        assert c.read_reply() == b"+OK\r\n"
        c.send(b"get a\r\n")
        assert c.read_reply() == b"$3\r\nb c\r\n"
        c.send(b"PING\n")  # a bare LF ends an inline command too
        assert c.read_reply() == b"+PONG\r\n"
        c.send(b"set q 'x y'\r\nget q\r\n")
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"$3\r\nx y\r\n"
        c.send(b'set e "\\x41\\n"\r\nstrlen e\r\n')
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b":2\r\n"
        c.send(b"\r\n\r\nPING\r\n")  # empty inline lines are ignored
        assert c.read_reply() == b"+PONG\r\n"
        # multibulk and inline mixed in one write
        c.send(encode([b"ECHO", b"mb"]) + b"echo inline\r\n")
        assert c.read_reply() == b"$2\r\nmb\r\n"
        assert c.read_reply() == b"$6\r\ninline\r\n"
    finally:
        c.close()


def test_partial_frames_byte_by_byte(server):
    c = raw(server)
    try:
        for b in encode([b"SET", b"slow", b"x\r\ny"]):
            c.send(bytes([b]))
        assert c.read_reply() == b"+OK\r\n"
        assert c.call([b"GET", b"slow"]) == b"$4\r\nx\r\ny\r\n"
    finally:
        c.close()


def test_large_value_20mb(r):
    value = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    assert r.set("big", value)
    assert r.strlen("big") == len(value)
    assert r.get("big") == value
    assert r.getrange("big", len(value) - 3, -1) == value[-3:]


def test_select_isolation(server):
    a = redis.Redis(host=server.host, port=server.port, db=0)
    b = redis.Redis(host=server.host, port=server.port, db=5)
    try:
        a.set("iso", "zero")
        b.set("iso", "five")
        assert a.get("iso") == b"zero"
        assert b.get("iso") == b"five"
        assert b.dbsize() == 1
        b.flushdb()
        assert b.get("iso") is None
        assert a.get("iso") == b"zero"
    finally:
        a.close()
        b.close()
    c = raw(server)
    try:
        assert c.call([b"SELECT", b"15"]) == b"+OK\r\n"
        assert c.call([b"GET", b"iso"]) == b"$-1\r\n"
        assert c.call([b"SELECT", b"16"]) == b"-ERR DB index is out of range\r\n"
        assert c.call([b"SELECT", b"x"]) == b"-ERR value is not an integer or out of range\r\n"
        assert c.call([b"SELECT", b"0"]) == b"+OK\r\n"
        assert c.call([b"GET", b"iso"]) == b"$4\r\nzero\r\n"
    finally:
        c.close()


# Field names of CLIENT LIST / CLIENT INFO in redis-server 7.0.15, in order.
CLIENT_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags",
                 "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free",
                 "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                 "tot-mem", "events", "cmd", "user", "redir", "resp"]


def parse_client_line(line):
    out = {}
    for part in line.split(" "):
        k, _, v = part.partition("=")
        out[k] = v
    return out


def test_client_setname_getname_id_list(server):
    c = raw(server)
    other = raw(server)
    try:
        assert c.call([b"CLIENT", b"GETNAME"]) == b"$-1\r\n"
        assert c.call([b"CLIENT", b"SETNAME", b"tester"]) == b"+OK\r\n"
        assert c.call([b"CLIENT", b"GETNAME"]) == b"$6\r\ntester\r\n"
        assert c.call([b"CLIENT", b"SETNAME", b"has space"]) == \
            b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        idr = c.call([b"CLIENT", b"ID"])
        assert idr.startswith(b":")
        my_id = int(idr[1:-2])
        other_id = int(other.call([b"CLIENT", b"ID"])[1:-2])
        assert my_id > 0 and other_id > 0 and my_id != other_id
        assert c.call([b"SELECT", b"3"]) == b"+OK\r\n"
        text = parse_simple(c.call([b"CLIENT", b"LIST"])).decode()
        assert text.endswith("\n")
        lines = text.rstrip("\n").split("\n")
        assert len(lines) >= 2
        by_id = {}
        for line in lines:
            assert [p.split("=", 1)[0] for p in line.split(" ")] == CLIENT_FIELDS, line
            f = parse_client_line(line)
            by_id[int(f["id"])] = f
        me = by_id[my_id]
        assert me["name"] == "tester"
        assert me["db"] == "3"
        host, port = c.sock.getsockname()[:2]
        assert me["addr"] == "%s:%d" % (host, port)
        assert me["laddr"] == "%s:%d" % (server.host, server.port)
        assert me["cmd"] == "client|list"
        assert me["resp"] == "2"
        assert int(me["fd"]) > 0
        assert other_id in by_id and by_id[other_id]["name"] == ""
        info = parse_simple(c.call([b"CLIENT", b"INFO"])).decode()
        assert parse_client_line(info.rstrip("\n"))["id"] == str(my_id)
        assert c.call([b"CLIENT", b"SETNAME", b""]) == b"+OK\r\n"
        assert c.call([b"CLIENT", b"GETNAME"]) == b"$-1\r\n"
    finally:
        c.close()
        other.close()


def test_hello_2(server):
    c = raw(server)
    try:
        reply = parse_simple(c.call([b"HELLO", b"2"]))
        assert isinstance(reply, list) and len(reply) == 14
        fields = dict(zip(reply[0::2], reply[1::2]))
        assert list(fields) == [b"server", b"version", b"proto", b"id", b"mode",
                                b"role", b"modules"]
        assert fields[b"server"] == b"redis"
        assert fields[b"proto"] == 2
        assert fields[b"mode"] == b"standalone"
        assert fields[b"role"] == b"master"
        assert fields[b"modules"] == []
        assert fields[b"id"] == int(c.call([b"CLIENT", b"ID"])[1:-2])
        assert fields[b"version"].count(b".") == 2
        assert c.call([b"HELLO", b"4"]) == b"-NOPROTO unsupported protocol version\r\n"
        assert c.call([b"HELLO", b"1"]) == b"-NOPROTO unsupported protocol version\r\n"
        assert c.call([b"HELLO", b"x"]) == \
            b"-ERR Protocol version is not an integer or out of range\r\n"
        assert c.call([b"PING"]) == b"+PONG\r\n"  # still RESP2
    finally:
        c.close()


def test_hello_3(server):
    c = raw(server)
    try:
        reply = c.call([b"HELLO", b"3"])
        assert reply.startswith(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n")  # a RESP3 map
        assert b"$5\r\nproto\r\n:3\r\n" in reply
        # RESP3 types from then on: a null, a map, a verbatim string.
        assert c.call([b"GET", b"nokey"]) == b"_\r\n"
        assert c.call([b"CONFIG", b"GET", b"maxclients"]) == \
            b"%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"
        assert c.call([b"CLIENT", b"INFO"]).startswith(b"=")
        assert b"$5\r\nproto\r\n:2\r\n" in c.call([b"HELLO", b"2"])
        assert c.call([b"GET", b"nokey"]) == b"$-1\r\n"
    finally:
        c.close()


@pytest.mark.parametrize("name,value", [
    ("maxmemory", "10000000"),
    ("timeout", "300"),
    ("maxclients", "4000"),
    ("hz", "20"),
    ("maxmemory-policy", "allkeys-lru"),
    ("proto-max-bulk-len", "104857600"),
])
def test_config_get_set_round_trip(r, name, value):
    before = r.config_get(name)
    assert list(before) == [name]
    try:
        assert r.config_set(name, value) is True
        assert r.config_get(name) == {name: value}
    finally:
        r.config_set(name, before[name])
    assert r.config_get(name) == before


def test_config_errors(server):
    c = raw(server)
    try:
        assert c.call([b"CONFIG", b"GET", b"no-such-directive"]) == b"*0\r\n"
        assert c.call([b"CONFIG", b"SET", b"no-such-directive", b"1"]) == \
            b"-ERR Unknown option or number of arguments for CONFIG SET - 'no-such-directive'\r\n"
        assert c.call([b"CONFIG", b"SET", b"hz", b"abc"]) == \
            b"-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n"
    finally:
        c.close()
