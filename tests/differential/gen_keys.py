"""Generator for the keys family (generic keyspace commands).

Determinism across the two servers:
  - TTLs are either far in the future (relative >= 1000 s, or absolute in
    the year 2100+) or already past (0, negative, absolute 1970s-2020), so a
    key is alive on one server exactly when it is on the other; TTL/PTTL
    replies use the tolerance modes.
  - Unordered replies have their own modes (see gen_common.MODES): KEYS is
    compared as a multiset, SCAN as the set of keys of a whole iteration,
    RANDOMKEY by shape, OBJECT IDLETIME with a tolerance.
  - SCAN is only started from cursors equal to 0 ("0", "", "+0", "00",
    "-0"): a non-zero cursor means something different on each server, so
    non-zero cursors appear only in their error forms.
"""

from gen_common import Op, BINARY, weighted_generator, random_case

FAMILY = "keys"

# Redis 7.0 arities. SET and MSET are here too because this family stores
# its own values (so that --families keys has keys to work on).
COMMANDS = {
    "DEL": -2, "EXISTS": -2, "TYPE": 2, "DBSIZE": 1, "FLUSHDB": -1,
    "FLUSHALL": -1, "TTL": 2, "PTTL": 2,
    "UNLINK": -2, "RENAME": 3, "RENAMENX": 3, "COPY": -3, "MOVE": 3,
    "SWAPDB": 3, "KEYS": 2, "SCAN": -2, "RANDOMKEY": 1, "EXPIRE": -3,
    "PEXPIRE": -3, "EXPIREAT": -3, "PEXPIREAT": -3, "PERSIST": 2,
    "TOUCH": -2, "OBJECT": -2, "SET": -3, "MSET": -3,
}

FUTURE_S = 4102444800  # 2100-01-01
PAST_S = 1600000000    # 2020-09-13



def _case(rng, word):
    return random_case(rng, word, 0.7, 0.15)


def _db_index(rng):
    """A database argument: mostly valid (0-3 so that keys meet again)."""
    r = rng.random()
    if r < 0.8:
        return str(rng.choice([0, 0, 1, 1, 2, 3, 15]))
    return rng.choice(["16", "-1", "abc", "", "1.5", " 1", "01", "0x1",
                       "2147483648", "-2147483649", "99999999999999999999"])


# ---------------------------------------------------------------- values
def _stored_value(rng, ctx):
    """Values whose encodings and refcounts differ: shared integers
    (0..9999), other integers, embstr (<= 44 bytes), raw, binary."""
    r = rng.random()
    if r < 0.25:
        return str(rng.randint(0, 9999))
    if r < 0.35:
        return rng.choice(["10000", "-1", "-100", "123456789012",
                           "9223372036854775807", "-9223372036854775808",
                           "05", "+1", "1.5", " 7"])
    if r < 0.55:
        return ctx.text(rng, 0, 44)
    if r < 0.65:
        return ctx.text(rng, 45, 120)
    return ctx.value(rng)


def gen_populate(rng, ctx):
    r = rng.random()
    if r < 0.5:
        argv = ["MSET"]
        for k in ctx.keys_n(rng, 1, 4):
            argv += [k, _stored_value(rng, ctx)]
        return [Op(argv)]
    argv = ["SET", ctx.key(rng), _stored_value(rng, ctx)]
    r = rng.random()
    if r < 0.3:
        argv += ["EX", str(rng.randint(1000, 10**6))]
    elif r < 0.45:
        argv += ["PXAT", str(FUTURE_S * 1000 + rng.randint(0, 10**9))]
    return [Op(argv)]


# ---------------------------------------------------------------- original commands
def gen_del_exists(rng, ctx):
    name = rng.choice(["DEL", "EXISTS", "EXISTS"])
    ks = ctx.keys_n(rng, 1, 5)
    if rng.random() < 0.3 and ks:
        ks.append(ks[0])  # duplicates count twice for EXISTS, once for DEL
    return [Op([name] + ks)]


def gen_type(rng, ctx):
    return [Op(["TYPE", ctx.key(rng)])]


def gen_dbsize(rng, ctx):
    # A key whose (absolute, already past) expiry has passed stays counted by
    # DBSIZE until the server's active expiry cycle or an access reclaims it;
    # that cycle runs on each server's own clock.  Touching every key of the
    # key space first (EXISTS, compared too) expires them lazily on both
    # servers, so DBSIZE is deterministic.
    return [Op(["EXISTS"] + list(ctx.keys)), Op(["DBSIZE"])]


def gen_flush(rng, ctx):
    name = "FLUSHALL" if rng.random() < 0.3 else "FLUSHDB"
    argv = [name]
    r = rng.random()
    if r < 0.2:
        argv.append("ASYNC")
    elif r < 0.4:
        argv.append(rng.choice(["SYNC", "sync", "async"]))
    elif r < 0.5:
        argv.append(rng.choice(["FOO", "ASYNC SYNC", ""]))
    elif r < 0.55:
        argv += ["SYNC", "ASYNC"]
    return [Op(argv)]


def gen_ttl(rng, ctx):
    # TTL/PTTL values depend on when each server ran the command: compared
    # with a tolerance of 1 s / 1000 ms; -1 and -2 must match exactly.
    if rng.random() < 0.5:
        return [Op(["TTL", ctx.key(rng)], mode="ttl")]
    return [Op(["PTTL", ctx.key(rng)], mode="pttl")]


# ---------------------------------------------------------------- UNLINK, RENAME, COPY, MOVE, SWAPDB
def gen_unlink(rng, ctx):
    ks = ctx.keys_n(rng, 1, 5)
    if rng.random() < 0.3:
        ks.append(ks[0])
    return [Op([_case(rng, "UNLINK")] + ks)]


def gen_rename(rng, ctx):
    name = rng.choice(["RENAME", "RENAMENX"])
    src = ctx.key(rng)
    dst = src if rng.random() < 0.15 else ctx.key(rng)
    return [Op([_case(rng, name), src, dst])]


def gen_copy(rng, ctx):
    src = ctx.key(rng)
    dst = src if rng.random() < 0.2 else ctx.key(rng)
    argv = [_case(rng, "COPY"), src, dst]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        r = rng.random()
        if r < 0.45:
            argv += [_case(rng, "DB"), _db_index(rng)]
        elif r < 0.85:
            argv.append(_case(rng, "REPLACE"))
        elif r < 0.93:
            argv.append("DB")  # missing its value when last
        else:
            argv.append(rng.choice(["FOO", "", "REPLACEX", "NX"]))
    return [Op(argv)]


def gen_move(rng, ctx):
    return [Op([_case(rng, "MOVE"), ctx.key(rng), _db_index(rng)])]


def gen_swapdb(rng, ctx):
    def idx():
        if rng.random() < 0.85:
            return str(rng.choice([0, 1, 1, 2, 3]))
        return _db_index(rng)
    return [Op([_case(rng, "SWAPDB"), idx(), idx()])]


# ---------------------------------------------------------------- KEYS, SCAN, RANDOMKEY
_PATTERNS = [
    b"*", b"*", b"k*", b"k1?", b"k[0-5]", b"k[^1]*", b"*key*", b"", b"\\*",
    b"[", b"{tag}*", b"k\\1", b"*\x00*", b"**", b"?", b"bin*", b"k1[0-4]",
    b"[a-z][0-9]", b"*e*", b"\xff*", b"k[9-0]", b"nomatch",
]


def _pattern(rng):
    return rng.choice(_PATTERNS)


def gen_keys_cmd(rng, ctx):
    return [Op([_case(rng, "KEYS"), _pattern(rng)], mode="unordered")]


# Not "none": in Redis (and Spindle) a key whose TTL has passed but that
# active expiry has not reached yet reads as type "none" and slips through
# SCAN TYPE none, so the reply depends on when each server's cycle ran.
_TYPES = ["string", "STRING", "String", "list", "hash", "set", "zset", "stream",
          "bogus", "string\x00x"]


def gen_scan(rng, ctx):
    r = rng.random()
    if r < 0.8:
        argv = [_case(rng, "SCAN"), rng.choice(["0", "0", "0", "", "+0", "00", "-0"])]
        for _ in range(rng.randint(0, 3)):
            o = rng.random()
            if o < 0.4:
                argv += [_case(rng, "MATCH"), _pattern(rng)]
            elif o < 0.75:
                argv += [_case(rng, "COUNT"),
                         str(rng.choice([1, 1, 2, 3, 5, 10, 100, 1000]))]
            else:
                argv += [_case(rng, "TYPE"), rng.choice(_TYPES)]
        return [Op(argv, mode="scan")]
    # Error forms, compared exactly.
    if r < 0.9:
        return [Op(["SCAN", rng.choice(["abc", " 1", "1 ", "0x10", "+", "-", "1.5",
                                        "18446744073709551616", "\t0",
                                        "-18446744073709551616"])]
                   + rng.choice([[], ["COUNT", "0"], ["MATCH", "*"]]))]
    return [Op(["SCAN", "0"] + rng.choice([
        ["COUNT", "0"], ["COUNT", "-1"], ["COUNT", "abc"], ["COUNT"],
        ["MATCH"], ["TYPE"], ["FOO", "bar"], ["COUNT", "99999999999999999999"],
        ["COUNT", "5", "MATCH"], ["COUNT", "0", "COUNT", "abc"], ["count", "1.5"],
    ]))]


def gen_randomkey(rng, ctx):
    if rng.random() < 0.95:
        return [Op([_case(rng, "RANDOMKEY")], mode="randomkey")]
    return [Op(["RANDOMKEY", "x"])]


# ---------------------------------------------------------------- EXPIRE family, PERSIST, TOUCH
_EXPIRE_CMDS = ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]


def _expire_time(rng, name):
    """A time far in the future, already past, or invalid, for `name`."""
    seconds = name in ("EXPIRE", "EXPIREAT")
    absolute = name.endswith("AT")
    r = rng.random()
    if r < 0.5:  # future
        if absolute:
            t = FUTURE_S + rng.randint(0, 10**6)
            return str(t if seconds else t * 1000 + rng.randint(0, 999))
        t = rng.randint(1000, 10**6)
        return str(t if seconds else t * 1000 + rng.randint(0, 999))
    if r < 0.75:  # past: the key is deleted
        if absolute:
            t = rng.randint(0, PAST_S)
            return str(t if seconds else t * 1000)
        return rng.choice(["0", "-1", "-100", str(-rng.randint(1, 10**9))])
    return rng.choice(["abc", "1.5", "", " 10", "+100000", "0x10",
                       "9223372036854775807", "-9223372036854775808",
                       "9223372036854775808", "9223372036854775",
                       "9223372036854776", "-9223372036854776",
                       "9223372036854775000", "-9223372036854775807"])


def gen_expire(rng, ctx):
    name = rng.choice(_EXPIRE_CMDS)
    key = ctx.key(rng)
    argv = [_case(rng, name), key, _expire_time(rng, name)]
    r = rng.random()
    if r < 0.5:
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            argv.append(_case(rng, rng.choice(["NX", "XX", "GT", "LT"])))
    elif r < 0.56:
        argv.append(rng.choice(["FOO", "", "N X", "nx\x00", "GTLT", "a\r\nb"]))
    ops = [Op(argv)]
    if rng.random() < 0.5:
        ops.append(Op(["PTTL", key], mode="pttl"))
    return ops


def gen_persist(rng, ctx):
    return [Op([_case(rng, "PERSIST"), ctx.key(rng)])]


def gen_touch(rng, ctx):
    ks = ctx.keys_n(rng, 1, 4)
    if rng.random() < 0.3:
        ks.append(ks[0])
    return [Op([_case(rng, "TOUCH")] + ks)]


# ---------------------------------------------------------------- OBJECT
def gen_object(rng, ctx):
    r = rng.random()
    if r < 0.35:
        return [Op([_case(rng, "OBJECT"), _case(rng, "ENCODING"), ctx.key(rng)])]
    if r < 0.55:
        return [Op([_case(rng, "OBJECT"), _case(rng, "REFCOUNT"), ctx.key(rng)])]
    if r < 0.75:
        return [Op([_case(rng, "OBJECT"), _case(rng, "IDLETIME"), ctx.key(rng)],
                   mode="idletime")]
    if r < 0.85:  # an LFU policy is never configured: the error, or null
        return [Op([_case(rng, "OBJECT"), _case(rng, "FREQ"), ctx.key(rng)])]
    if r < 0.9:
        return [Op([_case(rng, "OBJECT"), _case(rng, "HELP")])]
    return [Op(rng.choice([
        ["OBJECT"], ["OBJECT", "ENCODING"], ["OBJECT", "HELP", "x"],
        ["OBJECT", "FOO"], ["OBJECT", "FOO", "k1"], ["OBJECT", ""],
        ["OBJECT", "ENCODING", "k1", "k2"], ["OBJECT", "refcount"],
        ["OBJECT", b"enc\x00oding", "k1"], ["OBJECT", "x" * 200],
    ]))]


def gen_bad(rng, ctx):
    return [Op(rng.choice([
        ["TYPE"], ["TYPE", "a", "b"], ["DEL"], ["EXISTS"], ["DBSIZE", "x"],
        ["TTL"], ["PTTL", "a", "b"], ["UNLINK"], ["RENAME", "a"],
        ["RENAMENX", "a", "b", "c"], ["COPY", "a"], ["MOVE", "a"],
        ["SWAPDB", "0"], ["KEYS"], ["KEYS", "a", "b"], ["SCAN"],
        ["EXPIRE", "a"], ["PEXPIREAT"], ["PERSIST"], ["PERSIST", "a", "b"],
        ["TOUCH"], [b"expire", b"k1", BINARY[2]],
    ]))]


GENERATORS = [
    (25, gen_populate), (20, gen_del_exists), (10, gen_type), (5, gen_dbsize),
    (1, gen_flush), (15, gen_ttl), (6, gen_unlink), (8, gen_rename), (8, gen_copy),
    (5, gen_move), (2, gen_swapdb), (5, gen_keys_cmd), (5, gen_scan), (3, gen_randomkey),
    (15, gen_expire), (4, gen_persist), (4, gen_touch), (8, gen_object), (4, gen_bad),
]
generate = weighted_generator(GENERATORS)
