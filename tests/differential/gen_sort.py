"""Generator for SORT and SORT_RO.

Determinism across the two servers:
  - Numeric sorts are deterministic: equal scores are ordered by the element
    bytes. They are compared exactly, with or without LIMIT.
  - ALPHA compares with strcoll (without STORE) or memcmp (with STORE), and
    ties are left to qsort, which is not stable. Scenario elements are
    distinct ASCII strings (byte order under C and C.UTF-8 alike); ALPHA with
    BY always gets a distinct weight for every element. A SORT ... ALPHA of
    an arbitrary key (other families' values may hold NUL bytes, which tie
    under strcoll) is compared unordered and without LIMIT, or run with
    STORE (binary order, ties only between equal strings).
  - BY nosort keeps a set's iteration order, which is the hash table's: such
    replies are compared unordered, without LIMIT. With STORE Redis sorts the
    set ALPHA, so that is exact.
  - A stored result is read back with LRANGE.
"""

from gen_common import Op, weighted_generator, random_case
from resp import RawConnection, parse_simple

FAMILY = "sort"

COMMANDS = {"SORT": -2, "SORT_RO": -2}

_NUMS = [str(i).encode() for i in range(-20, 40)] + [
    b"1.5", b"-2.25", b"1e3", b"0x10", b"inf", b"-inf", b"01", b"+1", b"1.0", b" 7", b""]
_WORDS = [b"a", b"b", b"c", b"ab", b"ba", b"abc", b"x1", b"y", b"zz", b"10", b"9", b"B", b"A"]
_BAD_NUMS = [b"abc", b"1 ", b"nan", b"1e400", b"1e-400", b"5e-324", b"1x"]
_DESTS = [b"sort_dst", b"sort_dst2"]


def _case(rng, word):
    return random_case(rng, word, 0.75, 0.15)


def _limit(rng):
    r = rng.random()
    if r < 0.7:
        return [_case(rng, "LIMIT"), str(rng.randint(-2, 8)).encode(),
                str(rng.randint(-2, 8)).encode()]
    return [_case(rng, "LIMIT")] + rng.choice([
        [b"0", b"9223372036854775807"], [b"2", b"9223372036854775807"],
        [b"9223372036854775807", b"1"], [b"-9223372036854775808", b"-9223372036854775808"],
        [b"1", b"-1"], [b"100", b"100"]])


def _elements(rng, kind, numeric):
    pool = _NUMS if numeric else _WORDS
    n = rng.randint(0, 7)
    if kind == "list":
        return [rng.choice(pool) for _ in range(n)]
    return rng.sample(pool, min(n, len(pool))) or [rng.choice(pool)]


def _build(rng, ctx, key, kind, elements):
    ops = [Op(["DEL", key])]
    if not elements:
        return ops
    if kind == "list":
        ops.append(Op([rng.choice(["RPUSH", "LPUSH"]), key] + elements))
    elif kind == "set":
        ops.append(Op(["SADD", key] + elements))
    else:
        flat = []
        for e in elements:
            flat += [str(rng.randint(-5, 5)).encode(), e]
        ops.append(Op(["ZADD", key] + flat))
    return ops


def _weights(rng, elements, prefix, distinct_words):
    """SET prefix<elem> for most elements; all of them, distinct, when asked."""
    ops = []
    uniq = list(dict.fromkeys(elements))
    values = rng.sample(range(1000), len(uniq))
    for e, v in zip(uniq, values):
        if not distinct_words and rng.random() < 0.2:
            ops.append(Op(["DEL", prefix + e]))
            continue
        if distinct_words:
            val = b"w%03d" % v
        elif rng.random() < 0.05:
            val = rng.choice(_BAD_NUMS)
        else:
            val = str(rng.randint(-10, 10)).encode()
        ops.append(Op(["SET", prefix + e, val]))
    return ops


def _hashes(rng, elements, distinct_words):
    ops = []
    uniq = list(dict.fromkeys(elements))
    values = rng.sample(range(1000), len(uniq))
    for e, v in zip(uniq, values):
        if not distinct_words and rng.random() < 0.2:
            ops.append(Op(["DEL", b"sh_" + e]))
            continue
        f = (b"w%03d" % v) if distinct_words else str(rng.randint(-9, 9)).encode()
        ops.append(Op(["HSET", b"sh_" + e, b"f", f, b"g", b"g" + e]))
    return ops


def _gets(rng):
    out = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        out += [_case(rng, "GET"), rng.choice(
            [b"#", b"so_*", b"sh_*->g", b"sh_*->f", b"sh_*->", b"nostar", b"sw_*",
             b"sh_*->nofield", b"missing_*"])]
    return out


def gen_scenario(rng, ctx):
    """Builds a list / set / sorted set and weight keys, then sorts it."""
    key = ctx.key(rng)
    kind = rng.choice(["list", "set", "zset"])
    numeric = rng.random() < 0.5
    elements = _elements(rng, kind, numeric)
    ops = _build(rng, ctx, key, kind, elements)
    by_mode = rng.choice(["none", "none", "weight", "hash", "nosort"])
    alpha = (not numeric) or rng.random() < 0.3
    if not numeric and by_mode in ("weight", "hash") and rng.random() < 0.5:
        alpha = False  # weights are numbers: a numeric sort by them works
    distinct = alpha and by_mode in ("weight", "hash")
    if by_mode == "weight":
        ops += _weights(rng, elements, b"sw_", distinct)
    elif by_mode == "hash":
        ops += _hashes(rng, elements, distinct)
    if rng.random() < 0.5:
        for e in dict.fromkeys(elements):
            if rng.random() < 0.7:
                ops.append(Op(["SET", b"so_" + e, b"o" + e]))
            else:
                ops.append(Op(["DEL", b"so_" + e]))
        if elements and not distinct:
            ops += _hashes(rng, elements[:1], False)
    opts = []
    if by_mode == "weight":
        opts += [_case(rng, "BY"), b"sw_*"]
    elif by_mode == "hash":
        opts += [_case(rng, "BY"), b"sh_*->f"]
    elif by_mode == "nosort":
        opts += [_case(rng, "BY"), rng.choice([b"nosort", b"constant", b"sw_"])]
    store = rng.random() < 0.3
    readonly = not store and rng.random() < 0.3
    set_order = by_mode == "nosort" and kind == "set" and not store
    use_limit = rng.random() < 0.4 and not set_order
    if use_limit:
        opts += _limit(rng)
    opts += _gets(rng)
    if rng.random() < 0.5:
        opts.append(_case(rng, rng.choice(["ASC", "DESC"])))
    if alpha:
        opts.append(_case(rng, "ALPHA"))
    if store:
        dst = rng.choice(_DESTS + [key])
        opts += [_case(rng, "STORE"), dst]
    cmd = "SORT_RO" if readonly else "SORT"
    mode = "unordered" if set_order else "exact"
    ops.append(Op([_case(rng, cmd), key] + opts, mode))
    if store:
        ops.append(Op(["LRANGE", dst, b"0", b"-1"]))
        ops.append(Op(["EXISTS", dst]))
    return ops


def gen_any_key(rng, ctx):
    """SORT of whatever another family left under a key."""
    key = ctx.key(rng)
    r = rng.random()
    if r < 0.45:  # numeric: exact
        opts = []
        if rng.random() < 0.4:
            opts += _limit(rng)
        if rng.random() < 0.4:
            opts.append(_case(rng, "DESC"))
        return [Op([_case(rng, rng.choice(["SORT", "SORT_RO"])), key] + opts)]
    if r < 0.7:  # ALPHA with STORE: binary order, exact
        dst = rng.choice(_DESTS)
        opts = [_case(rng, "ALPHA"), _case(rng, "STORE"), dst]
        if rng.random() < 0.4:
            opts += _limit(rng)
        if rng.random() < 0.4:
            opts.append(_case(rng, "DESC"))
        return [Op([_case(rng, "SORT"), key] + opts), Op(["LRANGE", dst, b"0", b"-1"])]
    # ALPHA without STORE: ties under strcoll are possible, compare unordered.
    return [Op([_case(rng, rng.choice(["SORT", "SORT_RO"])), key, _case(rng, "ALPHA")],
               "unordered")]


def gen_errors(rng, ctx):
    key = ctx.key(rng)
    return [Op(rng.choice([
        ["SORT"], ["SORT_RO"], ["SORT", key, "foo"], ["SORT", key, "BY"], ["SORT", key, "GET"],
        ["SORT", key, "STORE"], ["SORT", key, "LIMIT", "1"], ["SORT", key, "LIMIT", "a", "1"],
        ["SORT", key, "LIMIT", "1", "1.5"], ["SORT_RO", key, "STORE", "d"],
        ["SORT", key, "ALPHA", "LIMIT", "", "1"], ["SORT", key, "DESC", "ASCX"],
        ["SORT", key, "LIMIT", "0", "1", "LIMIT"], ["SORT", key, "store\x00x", "d"],
        ["SORT", key, "alpha\x00x"],
    ]))]


def gen_wrongtype(rng, ctx):
    key = ctx.key(rng)
    return [rng.choice([Op(["SET", key, b"1"]), Op(["HSET", key, b"f", b"1"])]),
            Op([_case(rng, "SORT"), key])]


GENERATORS = [(60, gen_scenario), (20, gen_any_key), (12, gen_errors), (4, gen_wrongtype)]
_generate = weighted_generator(GENERATORS)


def generate(rng, ctx):
    ops = _generate(rng, ctx)
    for op in ops:
        if op.argv and op.argv[0].upper() in (b"SORT", b"SORT_RO"):
            op.mode = "sort_unordered" if op.mode == "unordered" else "sort"
    return ops


# Redis 7.0.15's SORT tests errno == ERANGE after strtod without clearing
# errno first, so a stale ERANGE left by an earlier command on the same
# connection (ZADD 1e400, INCRBYFLOAT overflow ...) fails a valid numeric
# SORT. Accepting a new connection ends Redis's accept loop on EAGAIN, which
# clears it, so each SORT is preceded by a short-lived connection (a PING on
# it proves it was accepted). Spindle is unaffected; the SORT itself goes on
# the op's own connection (its selected database).
def _clear_stale_errno(side):
    c = RawConnection(side.server.host, side.server.port, timeout=10)
    try:
        c.call([b"PING"])
    finally:
        c.close()


def _run_sort(side, argv):
    _clear_stale_errno(side)
    err = side.send(argv)
    return err or side.read()


def _unordered(a, b):
    try:
        va, vb = parse_simple(a), parse_simple(b)
    except Exception:  # noqa: BLE001 - not a well-formed reply
        return False
    if not isinstance(va, list) or not isinstance(vb, list):
        return False
    key = lambda x: (x is None, x or b"")  # noqa: E731
    return sorted(va, key=key) == sorted(vb, key=key)


RUNNERS = {"sort": _run_sort, "sort_unordered": _run_sort}
COMPARATORS = {"sort": lambda a, b: False, "sort_unordered": _unordered}
