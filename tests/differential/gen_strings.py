"""Generator for the strings family."""

from gen_common import Op, INT_EDGES, NUMBERISH, weighted_generator, random_case

FAMILY = "strings"

# Redis 7.0 arities (negative = at least -n arguments, command name included).
COMMANDS = {
    "APPEND": 3, "DECR": 2, "DECRBY": 3, "GET": 2, "GETDEL": 2, "GETEX": -2,
    "GETRANGE": 4, "GETSET": 3, "INCR": 2, "INCRBY": 3, "INCRBYFLOAT": 3,
    "LCS": -3, "MGET": -2, "MSET": -3, "MSETNX": -3, "PSETEX": 4, "SET": -3,
    "SETEX": 4, "SETNX": 3, "SETRANGE": 4, "STRLEN": 2, "SUBSTR": 4,
}

# Far-future absolute times (year 2100+) and clearly past ones, so that both
# servers agree on whether a key is alive whatever the few microseconds
# between them.  Relative TTLs are always >= 1000 s.  Small relative TTLs
# (PX 1, EX 1) are NOT generated: they would expire between the two
# servers' executions and make the comparison flaky; "small TTLs" appear as
# already-past absolute times (EXAT 1, PXAT 5 ...) and as the invalid 0 / -1.
FUTURE_S = 4102444800



def _case(rng, word):
    return random_case(rng, word, 0.8, 0.1)


def _bad_ttl(rng):
    return rng.choice([b"0", b"-1", b"-100", b"abc", b"1.5", b"", b" 10",
                       b"9223372036854775807", b"-9223372036854775808",
                       b"9223372036854775808", b"9223372036854775",
                       b"9223372036854776", b"0x10", b"+100000"])


def expire_option(rng, allow_past=True):
    """Return [OPTION, value] for SET / GETEX."""
    r = rng.random()
    if r < 0.25:
        return [_case(rng, "EX"), str(rng.randint(1000, 10**6))]
    if r < 0.45:
        return [_case(rng, "PX"), str(rng.randint(10**6, 10**9))]
    if r < 0.55:
        return [_case(rng, "EXAT"), str(FUTURE_S + rng.randint(0, 10**6))]
    if r < 0.65:
        return [_case(rng, "PXAT"), str(FUTURE_S * 1000 + rng.randint(0, 10**9))]
    if r < 0.8 and allow_past:
        if rng.random() < 0.5:
            return [_case(rng, "EXAT"), str(rng.randint(1, 1600000000))]
        return [_case(rng, "PXAT"), str(rng.randint(1, 1600000000000))]
    return [_case(rng, rng.choice(["EX", "PX", "EXAT", "PXAT"])), _bad_ttl(rng)]


def gen_set(rng, ctx):
    argv = [_case(rng, "SET"), ctx.key(rng), ctx.value(rng)]
    opts = []
    for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
        r = rng.random()
        if r < 0.15:
            opts.append([_case(rng, "NX")])
        elif r < 0.3:
            opts.append([_case(rng, "XX")])
        elif r < 0.45:
            opts.append([_case(rng, "GET")])
        elif r < 0.55:
            opts.append([_case(rng, "KEEPTTL")])
        elif r < 0.93:
            opts.append(expire_option(rng))
        elif r < 0.97:
            opts.append([rng.choice(["FOO", "EXX", "NXX", "", "PERSIST"])])
        else:
            opts.append([rng.choice(["EX", "PX", "EXAT", "PXAT"])])  # no value
    # A dangling option (missing its value) only makes sense at the end.
    for o in opts:
        argv += o
    return [Op(argv)]


def gen_getex(rng, ctx):
    argv = [_case(rng, "GETEX"), ctx.key(rng)]
    r = rng.random()
    if r < 0.3:
        pass
    elif r < 0.45:
        argv.append(_case(rng, "PERSIST"))
    elif r < 0.85:
        argv += expire_option(rng)
    elif r < 0.9:
        argv += expire_option(rng) + [_case(rng, "PERSIST")]
    elif r < 0.95:
        argv += expire_option(rng) + expire_option(rng)
    else:
        argv.append(rng.choice(["FOO", "EX", "KEEPTTL", "NX", "GET"]))
    return [Op(argv)]


def _range_arg(rng):
    r = rng.random()
    if r < 0.7:
        return str(rng.randint(-30, 30)).encode()
    if r < 0.9:
        return rng.choice(INT_EDGES)
    return rng.choice(NUMBERISH)


def gen_getrange(rng, ctx):
    name = rng.choice(["GETRANGE", "GETRANGE", "SUBSTR"])
    return [Op([_case(rng, name), ctx.key(rng), _range_arg(rng), _range_arg(rng)])]


def gen_setrange(rng, ctx):
    r = rng.random()
    if r < 0.75:
        off = str(rng.randint(0, 64))
    elif r < 0.85:
        off = str(rng.randint(64, 1000))
    elif r < 0.9:
        # past proto-max-bulk-len (512 MB): must fail without allocating
        off = rng.choice(["536870912", "536870911", "9223372036854775807",
                          "4294967296"])
    else:
        off = rng.choice(["-1", "abc", "1.5", "", "0x10", " 1",
                          "-9223372036854775808"])
    val = ctx.value(rng) if rng.random() < 0.9 else b""
    if off in ("536870911", "9223372036854775807", "4294967296") and val:
        val = b"xy"  # stays over the limit: error, no 512 MB allocation
    return [Op([_case(rng, "SETRANGE"), ctx.key(rng), off, val])]


def gen_incr(rng, ctx):
    r = rng.random()
    k = ctx.key(rng)
    if r < 0.3:
        return [Op([_case(rng, rng.choice(["INCR", "DECR"])), k])]
    if r < 0.75:
        return [Op([_case(rng, rng.choice(["INCRBY", "DECRBY"])), k, ctx.integer(rng)])]
    return [Op([_case(rng, "INCRBYFLOAT"), k, ctx.floaty(rng)])]


def gen_numeric_set(rng, ctx):
    """Store numbers / edges so that INCR* often finds a numeric value."""
    r = rng.random()
    if r < 0.5:
        v = ctx.integer(rng)
    elif r < 0.8:
        v = ctx.floaty(rng)
    else:
        v = rng.choice(INT_EDGES[8:14])
    return [Op(["SET", ctx.key(rng), v])]


def gen_simple(rng, ctx):
    name = rng.choice(["GET", "GET", "GETDEL", "STRLEN", "GETSET", "SETNX",
                       "APPEND", "APPEND"])
    argv = [_case(rng, name), ctx.key(rng)]
    if name in ("GETSET", "SETNX", "APPEND"):
        argv.append(ctx.value(rng))
    return [Op(argv)]


def gen_setex(rng, ctx):
    name = rng.choice(["SETEX", "PSETEX"])
    r = rng.random()
    if r < 0.75:
        ttl = str(rng.randint(1000, 10**6) if name == "SETEX" else rng.randint(10**6, 10**9))
    else:
        ttl = _bad_ttl(rng)
    return [Op([_case(rng, name), ctx.key(rng), ttl, ctx.value(rng)])]


def gen_multi(rng, ctx):
    name = rng.choice(["MGET", "MGET", "MSET", "MSETNX"])
    if name == "MGET":
        return [Op([_case(rng, name)] + ctx.keys_n(rng, 1, 6))]
    argv = [_case(rng, name)]
    for _ in range(rng.randint(1, 4)):
        argv += [ctx.key(rng), ctx.value(rng)]
    if rng.random() < 0.1:
        argv.append(ctx.key(rng))  # odd count: wrong number of arguments
    return [Op(argv)]


def gen_lcs(rng, ctx):
    argv = [_case(rng, "LCS"), ctx.key(rng), ctx.key(rng)]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        r = rng.random()
        if r < 0.3:
            argv.append(_case(rng, "LEN"))
        elif r < 0.6:
            argv.append(_case(rng, "IDX"))
        elif r < 0.8:
            argv += [_case(rng, "MINMATCHLEN"),
                     rng.choice(["0", "1", "2", "3", "5", "-1", "abc", "9223372036854775807"])]
        elif r < 0.95:
            argv.append(_case(rng, "WITHMATCHLEN"))
        else:
            argv.append(rng.choice(["FOO", "MINMATCHLEN"]))
    return [Op(argv)]


def gen_lcs_setup(rng, ctx):
    """Short similar strings so that LCS has interesting matches."""
    alphabet = b"abcde"
    return [Op(["SET", ctx.key(rng),
                bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))])]


def gen_wrongtype(rng, ctx):
    """Put a value of another family's type under a key used by strings."""
    if not ctx.wrongtype_makers:
        return gen_simple(rng, ctx)
    return [rng.choice(ctx.wrongtype_makers)(rng, ctx, ctx.key(rng))]


GENERATORS = [
    (14, gen_set), (5, gen_getex), (6, gen_getrange), (5, gen_setrange),
    (14, gen_incr), (6, gen_numeric_set), (16, gen_simple), (4, gen_setex),
    (7, gen_multi), (4, gen_lcs), (3, gen_lcs_setup), (2, gen_wrongtype),
]
generate = weighted_generator(GENERATORS)
