"""Generator for DUMP and RESTORE.

Three kinds of steps:
  - DUMP of a key (built here with a known history, or any key the other
    families left): the "dumpx" runner DUMPs it on each server, RESTOREs each
    server's payload into a scratch key on the *other* server as well as its
    own, and compares the contents (type, encoding, elements, TTL presence)
    of all of them. The payload bytes themselves are compared exactly when
    Redis's encoding has no history Spindle does not keep: strings,
    listpacks, intsets, skiplists, and quicklists of one node. Hash tables
    iterate in an order of their own, and a multi-node quicklist's node
    boundaries depend on how it was built, so those payloads are only
    compared through what they restore to. The stream switches rdbcompression
    on and off: Spindle's LZF compressor (common/lzf) makes valid streams
    that are not byte-identical to liblzf's, so payloads are compared as
    bytes only while compression is off.
  - RESTORE of payloads this generator encodes itself (rdbgen.py): every
    encoding Redis 7.0 writes plus the older ones it still loads (ziplist,
    zipmap, quicklist v1, string-scored zsets, linked lists), and corrupt
    payloads of the kinds Redis 7.0 detects without deep sanitization (bad
    CRC, newer RDB version, unknown type, truncations, empty collections,
    duplicate set / zset members, NaN scores). The reply is compared
    exactly, then the key's content (the "content" runner).
  - RESTORE argument errors (option syntax, TTL, BUSYKEY), compared exactly.

Spindle validates payloads completely, as Redis does with
sanitize-dump-payload yes; payloads that only a deep check would refuse
(duplicate fields inside a hash listpack ...) are not generated, since
Redis 7.0 with the default "no" would store them as they are.
"""

import struct

import rdbgen
from gen_common import Op, weighted_generator, random_case
from resp import RawConnection, encode, parse_simple

FAMILY = "dump"

COMMANDS = {"DUMP": 2, "RESTORE": -4, "DUMPX": -1, "CONTENTX": -1}

_KEYS = [b"dump:%d" % i for i in range(6)]
_SCRATCH = b"__dumpx_scratch__"


def _case(rng, word):
    return random_case(rng, word, 0.8, 0.1)


# ---------------------------------------------------------------- values
def _member(rng, ctx):
    r = rng.random()
    if r < 0.35:
        return str(rng.randint(-200, 5000)).encode()
    if r < 0.45:
        return rng.choice([b"0", b"-1", b"127", b"128", b"-4096", b"4095", b"-4097",
                           b"32767", b"-32768", b"8388607", b"-8388608", b"2147483647",
                           b"-2147483648", b"2147483648", b"9223372036854775807",
                           b"-9223372036854775808", b"007", b"-0", b"+1", b"1.5", b""])
    if r < 0.9:
        return ctx.text(rng, 0, 10)
    if r < 0.97:
        return ctx.text(rng, 60, 80)
    return ctx.text(rng, 4000, 5000)


def _score(rng):
    r = rng.random()
    if r < 0.5:
        return str(rng.randint(-100, 100)).encode()
    return rng.choice([b"0.1", b"-2.5", b"1e20", b"-inf", b"inf", b"123456789012345678",
                       b"4611686018427387904", b"1e-300", b"3.14159", b"0", b"-0"])


def _build(rng, ctx, key):
    kind = rng.choice(["string", "int", "list", "biglist", "set", "intset", "hash", "bighash",
                       "zset", "bigzset"])
    ops = [Op([b"DEL", key])]
    if kind == "string":
        ops.append(Op([b"SET", key, ctx.value(rng)]))
    elif kind == "int":
        ops.append(Op([b"SET", key, ctx.integer(rng)]))
        if rng.random() < 0.3:
            ops.append(Op([b"INCR", key]))
    elif kind in ("list", "biglist"):
        n = rng.randint(1, 10) if kind == "list" else rng.randint(100, 400)
        items = [_member(rng, ctx) for _ in range(n)]
        for i in range(0, n, 50):
            ops.append(Op([b"RPUSH", key] + items[i:i + 50]))
        if kind == "list" and rng.random() < 0.3:
            ops.append(Op([b"LPUSH", key, _member(rng, ctx)]))
    elif kind in ("set", "intset"):
        n = rng.randint(1, 20) if rng.random() < 0.8 else rng.randint(500, 700)
        if kind == "intset":
            items = [str(rng.randint(-2**40, 2**40) if rng.random() < 0.1
                         else rng.randint(-1000, 1000)).encode() for _ in range(n)]
        else:
            items = [_member(rng, ctx) for _ in range(n)]
        for i in range(0, n, 100):
            ops.append(Op([b"SADD", key] + items[i:i + 100]))
    elif kind in ("hash", "bighash"):
        n = rng.randint(1, 12) if kind == "hash" else rng.randint(129, 200)
        args = []
        for _ in range(n):
            args += [_member(rng, ctx), _member(rng, ctx)]
        ops.append(Op([b"HSET", key] + args))
    else:
        n = rng.randint(1, 12) if kind == "zset" else rng.randint(129, 200)
        args = []
        for _ in range(n):
            args += [_score(rng), _member(rng, ctx)]
        ops.append(Op([b"ZADD", key] + args))
    if rng.random() < 0.2:
        ops.append(Op([b"PEXPIRE", key, str(rng.randint(100000, 10**7)).encode()]))
    return ops


def _build_and_dump(rng, ctx):
    key = rng.choice(_KEYS)
    return _build(rng, ctx, key) + [Op([b"DUMPX", key], mode="dumpx")]


def _compression(rng, ctx):
    return [Op([b"CONFIG", b"SET", b"rdbcompression", b"no" if rng.random() < 0.7 else b"yes"])]


def _dump_any(rng, ctx):
    key = rng.choice(_KEYS) if rng.random() < 0.3 else ctx.key(rng)
    if rng.random() < 0.1:
        return [Op([_case(rng, "DUMP"), key, b"extra"])]
    return [Op([b"DUMPX", key], mode="dumpx")]


# ---------------------------------------------------------------- payloads
def _strings(rng, ctx, n):
    return [_member(rng, ctx) for _ in range(n)]


def _distinct(rng, ctx, n):
    seen = []
    for _ in range(n * 3):
        m = _member(rng, ctx)
        if m not in seen:
            seen.append(m)
        if len(seen) == n:
            break
    return seen


def _valid_payload(rng, ctx, kinds=16):
    kind = rng.randrange(16) if kinds == 16 else rng.choice(kinds)
    n = rng.randint(1, 8) if rng.random() < 0.85 else rng.randint(130, 200)
    if kind == 0:
        return rdbgen.payload(rdbgen.STRING, rdbgen.string(ctx.value(rng),
                                                           int_encode=rng.random() < 0.7))
    if kind == 1:
        return rdbgen.payload(rdbgen.LIST, rdbgen.length(n) +
                              b"".join(rdbgen.string(s) for s in _strings(rng, ctx, n)))
    if kind == 2:
        nodes = [_strings(rng, ctx, rng.randint(1, 5)) for _ in range(rng.randint(1, 3))]
        body = rdbgen.length(len(nodes))
        for node in nodes:
            if rng.random() < 0.2 and len(node) == 1:
                body += rdbgen.length(1) + rdbgen.string(node[0], int_encode=False)
            else:
                body += rdbgen.length(2) + rdbgen.string(rdbgen.listpack(node), int_encode=False)
        return rdbgen.payload(rdbgen.LIST_QUICKLIST_2, body)
    if kind == 3:
        nodes = [_strings(rng, ctx, rng.randint(1, 5)) for _ in range(rng.randint(1, 3))]
        body = rdbgen.length(len(nodes)) + b"".join(
            rdbgen.string(rdbgen.ziplist(node), int_encode=False) for node in nodes)
        return rdbgen.payload(rdbgen.LIST_QUICKLIST, body)
    if kind == 4:
        return rdbgen.payload(rdbgen.LIST_ZIPLIST,
                              rdbgen.string(rdbgen.ziplist(_strings(rng, ctx, n)), False))
    if kind == 5:
        members = _distinct(rng, ctx, n)
        return rdbgen.payload(rdbgen.SET, rdbgen.length(len(members)) +
                              b"".join(rdbgen.string(m) for m in members))
    if kind == 6:
        values = sorted({rng.randint(-70000, 70000) if rng.random() < 0.9
                         else rng.randint(-2**62, 2**62) for _ in range(n)})
        return rdbgen.payload(rdbgen.SET_INTSET, rdbgen.string(rdbgen.intset(values), False))
    fields = _distinct(rng, ctx, n)
    pairs = [(f, _member(rng, ctx)) for f in fields]
    flat = [x for p in pairs for x in p]
    if kind == 7:
        return rdbgen.payload(rdbgen.HASH, rdbgen.length(len(pairs)) +
                              b"".join(rdbgen.string(x) for x in flat))
    if kind == 8:
        return rdbgen.payload(rdbgen.HASH_LISTPACK, rdbgen.string(rdbgen.listpack(flat), False))
    if kind == 9:
        return rdbgen.payload(rdbgen.HASH_ZIPLIST, rdbgen.string(rdbgen.ziplist(flat), False))
    if kind == 10:
        small = [(f[:200], v[:200]) for f, v in pairs]
        return rdbgen.payload(rdbgen.HASH_ZIPMAP, rdbgen.string(rdbgen.zipmap(small), False))
    scored = [(m, rng.choice([float(rng.randint(-50, 50)), rng.uniform(-1e6, 1e6), 0.5,
                               float("inf"), float("-inf"), 1e20])) for m in fields]
    scored.sort(key=lambda e: (e[1], e[0]))
    if kind == 11:
        body = rdbgen.length(len(scored)) + b"".join(
            rdbgen.string(m) + struct.pack("<d", s) for m, s in reversed(scored))
        return rdbgen.payload(rdbgen.ZSET_2, body)
    if kind == 12:
        body = rdbgen.length(len(scored)) + b"".join(
            rdbgen.string(m) + rdbgen.double_string(s) for m, s in scored)
        return rdbgen.payload(rdbgen.ZSET, body)

    def score_text(s):  # Redis's d2string
        if s in (float("inf"), float("-inf")):
            return b"inf" if s > 0 else b"-inf"
        if s == int(s) and abs(s) <= 2**62:
            return str(int(s)).encode()
        return ("%.17g" % s).encode()
    flat = [x for m, s in scored for x in (m, score_text(s))]
    if kind == 13:
        return rdbgen.payload(rdbgen.ZSET_LISTPACK, rdbgen.string(rdbgen.listpack(flat), False))
    if kind == 14:
        return rdbgen.payload(rdbgen.ZSET_ZIPLIST, rdbgen.string(rdbgen.ziplist(flat), False))
    return rdbgen.payload(rdbgen.STRING, rdbgen.string(b"x" * rng.randint(0, 3000), False))


def _fix_crc(data):
    body = data[:-8]
    return body + struct.pack("<Q", rdbgen.crc64(body))


def _corrupt_payload(rng, ctx):
    good = _valid_payload(rng, ctx)
    kind = rng.randrange(9)
    if kind == 0:  # CRC off by one bit
        i = rng.randrange(len(good) - 8, len(good))
        return good[:i] + bytes([good[i] ^ (1 << rng.randrange(8))]) + good[i + 1:]
    if kind == 1:  # a newer RDB version
        body = good[:-10] + struct.pack("<H", rng.choice([11, 12, 255, 65535]))
        return body + struct.pack("<Q", rdbgen.crc64(body))
    if kind == 2:  # not an object type
        return _fix_crc(bytes([rng.choice([8, 20, 21, 100, 200, 245, 255])]) + good[1:])
    if kind == 3:  # shorter than a footer
        return good[:rng.randrange(0, 10)]
    if kind == 4:  # the object cut short, footer recomputed
        # Only types Redis reads element by element: a listpack, ziplist or
        # intset blob is checked by its header alone unless payloads are
        # sanitized deeply (Spindle always checks them completely).
        good = _valid_payload(rng, ctx, kinds=(0, 1, 5, 7, 11, 12))
        cut = rng.randrange(1, max(2, len(good) - 10))
        return _fix_crc(good[:cut] + good[-10:])
    if kind == 5:  # empty collections
        t = rng.choice([rdbgen.LIST, rdbgen.SET, rdbgen.HASH, rdbgen.ZSET_2, rdbgen.LIST_QUICKLIST_2])
        return rdbgen.payload(t, rdbgen.length(0))
    if kind == 6:  # duplicate set / zset members
        m = _member(rng, ctx)
        if rng.random() < 0.5:
            return rdbgen.payload(rdbgen.SET, rdbgen.length(2) + rdbgen.string(m) * 2)
        return rdbgen.payload(rdbgen.ZSET_2, rdbgen.length(2) +
                              (rdbgen.string(m) + struct.pack("<d", 1.0)) * 2)
    if kind == 7:  # a NaN score
        return rdbgen.payload(rdbgen.ZSET_2, rdbgen.length(1) + rdbgen.string(b"m") +
                              struct.pack("<d", float("nan")))
    # A length encoding Redis does not know (0x82..0xBF) as the string length.
    return rdbgen.payload(rdbgen.STRING, bytes([rng.randrange(0x82, 0xC0)]) + b"abc")


def _restore_generated(rng, ctx):
    key = rng.choice(_KEYS)
    data = _valid_payload(rng, ctx) if rng.random() < 0.7 else _corrupt_payload(rng, ctx)
    argv = [_case(rng, "RESTORE"), key, b"0", data, _case(rng, "REPLACE")]
    if rng.random() < 0.2:
        argv[2] = str(rng.randint(100000, 10**7)).encode()
    return [Op(argv), Op([b"CONTENTX", key], mode="content")]


def _restore_errors(rng, ctx):
    key = rng.choice(_KEYS)
    data = _valid_payload(rng, ctx)
    r = rng.randrange(8)
    if r == 0:
        return [Op([b"SET", key, b"x"]), Op([b"RESTORE", key, b"0", data])]  # BUSYKEY
    if r == 1:
        return [Op([b"RESTORE", key, rng.choice([b"-1", b"abc", b"1.5", b"", b"-9223372036854775808"]),
                    data, b"REPLACE"])]
    if r == 2:
        return [Op([b"RESTORE", key, b"0", data, b"REPLACE",
                    rng.choice([b"IDLETIME", b"FREQ"]), rng.choice([b"-1", b"256", b"x", b"5", b"255"])])]
    if r == 3:
        return [Op([b"RESTORE", key, b"0", data, b"REPLACE", b"IDLETIME", b"5", b"FREQ", b"3"])]
    if r == 4:
        return [Op([b"RESTORE", key, b"0", data, b"REPLACE", rng.choice([b"NOPE", b"IDLETIME", b"FREQ"])])]
    if r == 5:  # an absolute TTL in the past replaces and deletes
        return [Op([b"SET", key, b"old"]),
                Op([b"RESTORE", key, b"1", data, b"REPLACE", b"ABSTTL"]),
                Op([b"EXISTS", key])]
    if r == 6:
        return [Op([b"RESTORE", key, b"0", data, b"REPLACE", b"IDLETIME", b"1000"]),
                Op([b"OBJECT", b"IDLETIME", key], mode="idletime")]
    return [Op([b"RESTORE", key, b"0"])]


generate = weighted_generator([
    (4, _build_and_dump),
    (2, _dump_any),
    (5, _restore_generated),
    (2, _restore_errors),
    (1, _compression),
])


# ---------------------------------------------------------------- runners
_AUX = {}
_STASH = {}


def _aux(side):
    conn = _AUX.get(id(side))
    if conn is None:
        conn = RawConnection(side.server.host, side.server.port, timeout=10.0)
        _AUX[id(side)] = conn
    return conn


def _call(side, argv):
    conn = _aux(side)
    conn.send(encode(argv))
    return parse_simple(conn.read_reply())


def _content(side, key, ttl=True):
    """The key's content in canonical form: type, encoding, TTL presence
    (unless ttl is false) and elements (sets and hashes sorted)."""
    t = _call(side, [b"TYPE", key])
    if t == "none":
        return b"none"
    enc = _call(side, [b"OBJECT", b"ENCODING", key])
    pttl = _call(side, [b"PTTL", key])
    if t == "string":
        items = [_call(side, [b"GET", key])]
    elif t == "list":
        items = _call(side, [b"LRANGE", key, b"0", b"-1"])
    elif t == "set":
        items = sorted(_call(side, [b"SMEMBERS", key]))
    elif t == "hash":
        flat = _call(side, [b"HGETALL", key])
        items = sorted(zip(flat[0::2], flat[1::2]))
    elif t == "zset":
        items = _call(side, [b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"])
    else:
        items = []
    if not ttl:
        pttl = None
    elif isinstance(pttl, int) and pttl >= 0:
        pttl = "ttl"
    return repr((t, enc, pttl, items)).encode()


def _exact_bytes(side, key, data):
    """Whether Redis's payload bytes are history-free (see the docstring)."""
    if _call(side, [b"CONFIG", b"GET", b"rdbcompression"])[1] != b"no":
        return False
    enc = _call(side, [b"OBJECT", b"ENCODING", key])
    if enc in (b"raw", b"embstr", b"int", b"listpack", b"intset", b"skiplist"):
        return True
    # One packed node: Redis keeps a PLAIN node as it was restored.
    return enc == b"quicklist" and len(data) > 2 and data[1] == 1 and data[2] == 2


def run_dumpx(side, argv):
    key = argv[1]
    try:
        data = _call(side, [b"DUMP", key])
        if side.label == "redis":
            exact = data is not None and _exact_bytes(side, key, data)
            _STASH.update(ref=side, data=data, exact=exact)
            # What Redis makes of its own payload, twice: the test side's
            # two restores must both come out like this.
            copy = _restored(side, side, data, key)
            return b"|".join([data if exact else b"<payload>", _content(side, key), copy, copy])
        ref, ref_data, exact = _STASH["ref"], _STASH["data"], _STASH["exact"]
        # Redis's payload restored here, and this server's restored on Redis.
        return b"|".join([data if exact else b"<payload>", _content(side, key),
                          _restored(side, side, ref_data, key),
                          _restored(side, ref, data, key)])
    except Exception as e:  # noqa: BLE001
        return "<%s: %s>" % (type(e).__name__, e)


def _restored(side, target, payload, key):
    """The content of payload RESTOREd into a scratch key on target. Both
    sides must send their own server the same commands (the notify family
    replays this runner and compares what each server publishes), so a
    missing payload queries nothing."""
    if payload is None:
        return b"<no payload>"
    reply = _call(target, [b"RESTORE", _SCRATCH, b"0", payload, b"REPLACE"])
    out = repr(reply).encode() if reply != "OK" else _content(target, _SCRATCH, ttl=False)
    _call(target, [b"DEL", _SCRATCH])
    return out


def run_content(side, argv):
    try:
        return _content(side, argv[1])
    except Exception as e:  # noqa: BLE001
        return "<%s: %s>" % (type(e).__name__, e)


RUNNERS = {"dumpx": run_dumpx, "content": run_content}
