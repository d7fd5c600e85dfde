"""Generator for the sets family (SADD ... SSCAN).

Determinism across the two servers:
  - Replies in hash order (SMEMBERS, SINTER, SUNION, SDIFF) compare as
    unordered multisets; errors stay exact.
  - SRANDMEMBER is compared by shape (the "srandmember" runner: how many
    members, all in the set, distinct when the count asks for it).
  - SPOP changes each server's set differently, so the "spop" runner checks
    the pop against the set before and after (popped + remaining = before,
    disjoint, distinct) and then DELetes the key on both servers, which
    makes them agree again.
  - SSCAN runs as a whole iteration from cursor 0 (the "sscan" runner) and
    compares the set of members seen; a non-zero cursor means something
    different on each server, so only the error forms of cursors appear.
  - OBJECT ENCODING is exact: intset / hashtable transitions are
    deterministic (integers by string2ll rules, set-max-intset-entries 512).
"""

from gen_common import Op, INT_EDGES, BINARY, weighted_generator, random_case

FAMILY = "sets"

# Redis 7.0 arities.
COMMANDS = {
    "SADD": -3, "SREM": -3, "SMEMBERS": 2, "SISMEMBER": 3, "SMISMEMBER": -3,
    "SCARD": 2, "SPOP": -2, "SRANDMEMBER": -2, "SMOVE": 4, "SINTER": -2,
    "SINTERCARD": -3, "SINTERSTORE": -3, "SUNION": -2, "SUNIONSTORE": -3,
    "SDIFF": -2, "SDIFFSTORE": -3, "SSCAN": -3,
}


def _case(rng, word):
    return random_case(rng, word, 0.75, 0.15)


# ---------------------------------------------------------------- members
# A small pool so that sets overlap; integers (intset) and strings that look
# like integers but are not by string2ll rules (they force a hashtable).
SMALL_INTS = [str(i).encode() for i in range(-5, 30)]
NOT_INTS = [b"01", b"-0", b"+1", b" 1", b"1 ", b"1.0", b"0x1", b"00",
            b"9223372036854775808", b"-9223372036854775809"]
WORDS = [b"a", b"b", b"c", b"apple", b"banana", b"cherry", b"m1", b"m10",
         b"m2", b"x", b"hello world", b"*", b"?", b"[a]"]


def _member(rng, ctx):
    r = rng.random()
    if r < 0.45:
        return rng.choice(SMALL_INTS)
    if r < 0.55:
        return rng.choice(INT_EDGES[:8] + [b"9223372036854775807", b"-9223372036854775808"])
    if r < 0.62:
        return rng.choice(NOT_INTS)
    if r < 0.88:
        return rng.choice(WORDS)
    if r < 0.95:
        return rng.choice(BINARY)
    return ctx.text(rng, 0, 30)


def _int_member(rng):
    return rng.choice(SMALL_INTS)


def _members(rng, ctx, lo, hi, ints_only=False):
    return [_int_member(rng) if ints_only else _member(rng, ctx)
            for _ in range(rng.randint(lo, hi))]


def _count_arg(rng):
    r = rng.random()
    if r < 0.7:
        return str(rng.randint(-6, 12))
    return rng.choice(["0", "-1", "abc", "", "1.5", " 1", "01", "+2",
                       "9223372036854775807", "-9223372036854775808",
                       "9223372036854775808"])
    # (Never a huge negative count: SRANDMEMBER would build that many
    # replies, on Redis too.)


# ---------------------------------------------------------------- generators
def gen_sadd(rng, ctx):
    ints_only = rng.random() < 0.5
    k = ctx.key(rng)
    op = Op([_case(rng, "SADD"), k] + _members(rng, ctx, 1, 6, ints_only))
    # Other families overwrite keys often; reclaiming one now and then keeps
    # enough sets around for the multi-key commands to meet.
    if rng.random() < 0.4:
        return [Op(["DEL", k]), op]
    return [op]


def gen_sadd_big(rng, ctx):
    """Crosses set-max-intset-entries (512) with integers only."""
    start = rng.randint(-1000, 1000)
    n = rng.choice([100, 300, 520])
    return [Op(["SADD", ctx.key(rng)] + [str(start + i) for i in range(n)]),
            Op(["SCARD", ctx.key(rng)])]


def gen_srem(rng, ctx):
    return [Op([_case(rng, "SREM"), ctx.key(rng)] + _members(rng, ctx, 1, 5))]


def gen_read_one(rng, ctx):
    r = rng.random()
    k = ctx.key(rng)
    if r < 0.3:
        return [Op([_case(rng, "SMEMBERS"), k], mode="unordered")]
    if r < 0.55:
        return [Op([_case(rng, "SISMEMBER"), k, _member(rng, ctx)])]
    if r < 0.75:
        return [Op([_case(rng, "SMISMEMBER"), k] + _members(rng, ctx, 1, 5))]
    return [Op([_case(rng, "SCARD"), k])]


def gen_encoding(rng, ctx):
    return [Op(["OBJECT", "ENCODING", ctx.key(rng)])]


def gen_smove(rng, ctx):
    src = ctx.key(rng)
    dst = src if rng.random() < 0.15 else ctx.key(rng)
    return [Op([_case(rng, "SMOVE"), src, dst, _member(rng, ctx)])]


def gen_multi(rng, ctx):
    name = rng.choice(["SINTER", "SUNION", "SDIFF"])
    keys = ctx.keys_n(rng, 1, 4)
    if rng.random() < 0.2:
        keys.append(keys[0])
    return [Op([_case(rng, name)] + keys, mode="unordered")]


def gen_store(rng, ctx):
    name = rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
    keys = ctx.keys_n(rng, 1, 4)
    dst = keys[0] if rng.random() < 0.25 else ctx.key(rng)
    ops = [Op([_case(rng, name), dst] + keys)]
    if rng.random() < 0.5:
        ops.append(Op(["OBJECT", "ENCODING", dst]))
    return ops


def gen_sintercard(rng, ctx):
    keys = ctx.keys_n(rng, 1, 4)
    r = rng.random()
    if r < 0.8:
        numkeys = str(len(keys))
    else:
        numkeys = rng.choice(["0", "-1", "abc", str(len(keys) + 1), "", "1", "99"])
    argv = [_case(rng, "SINTERCARD"), numkeys] + keys
    r = rng.random()
    if r < 0.4:
        argv += [_case(rng, "LIMIT"), rng.choice(["0", "1", "2", "3", "10", "-1", "abc", ""])]
    elif r < 0.5:
        argv += rng.choice([["LIMIT"], ["FOO"], ["LIMIT", "1", "LIMIT", "0"], ["limit", "2", "x"]])
    return [Op(argv)]


def gen_srandmember(rng, ctx):
    argv = [_case(rng, "SRANDMEMBER"), ctx.key(rng)]
    r = rng.random()
    if r < 0.75:
        argv.append(_count_arg(rng))
    elif r < 0.8:
        argv += ["1", "2"]
    return [Op(argv, mode="srandmember")]


def gen_spop(rng, ctx):
    argv = [_case(rng, "SPOP"), ctx.key(rng)]
    r = rng.random()
    if r < 0.7:
        c = _count_arg(rng)
        # A negative count is an error; a huge one pops everything.
        argv.append(c)
    elif r < 0.75:
        argv += ["1", "2"]
    return [Op(argv, mode="spop")]


def _cursor_zero(rng):
    return rng.choice(["0", "0", "0", "", "00", "+0", "-0"])


def gen_sscan(rng, ctx):
    argv = [_case(rng, "SSCAN"), ctx.key(rng), _cursor_zero(rng)]
    r = rng.random()
    if r < 0.08:
        argv[2] = rng.choice(["abc", " 0", "0x", "1.5", "18446744073709551616", "-"])
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        o = rng.random()
        if o < 0.45:
            argv += [_case(rng, "MATCH"), rng.choice(["*", "1*", "*a*", "m?", "[ab]*", "-*",
                                                       "\\*", "x", ""])]
        elif o < 0.9:
            argv += [_case(rng, "COUNT"), rng.choice(["1", "2", "5", "10", "100", "0", "-1",
                                                       "abc"])]
        elif o < 0.95:
            argv += ["TYPE", "set"]
        else:
            argv += [rng.choice(["MATCH", "COUNT", "FOO"])]
    return [Op(argv, mode="sscan")]


def gen_bad(rng, ctx):
    name = rng.choice(list(COMMANDS))
    arity = COMMANDS[name]
    n = abs(arity) - 2 if arity < 0 else (arity - 2 if rng.random() < 0.5 else arity)
    argv = [name] + [ctx.key(rng) for _ in range(max(0, n))]
    if len(argv) < 1:
        argv = [name]
    return [Op(argv)]


def gen_wrongtype(rng, ctx):
    """Another family's value on a key, then a set command on it."""
    if not ctx.wrongtype_makers:
        return gen_sadd(rng, ctx)
    k = ctx.key(rng)
    return [rng.choice(ctx.wrongtype_makers)(rng, ctx, k),
            Op(["SADD", k, _member(rng, ctx)])]


GENERATORS = [
    (14, gen_sadd), (1, gen_sadd_big), (6, gen_srem), (12, gen_read_one),
    (3, gen_encoding), (4, gen_smove), (7, gen_multi), (5, gen_store),
    (3, gen_sintercard), (4, gen_srandmember), (3, gen_spop), (3, gen_sscan),
    (1, gen_bad), (1, gen_wrongtype),
]

generate = weighted_generator(GENERATORS)


def make_set(rng, ctx, key):
    return Op(["SADD", key] + _members(rng, ctx, 1, 4))


WRONGTYPE_MAKERS = [make_set]


# ---------------------------------------------------------------- runners
def _roundtrip(side, argv):
    err = side.send(argv)
    return err or side.read()


def _parse(raw):
    from resp import parse_simple
    try:
        return parse_simple(raw)
    except Exception:  # noqa: BLE001
        return None


def _is_plain(raw):
    """An error, a null or a transport failure: compared as is."""
    return isinstance(raw, str) or raw.startswith(b"-") or raw.startswith(b"$-1")


def _members_of(side, key):
    raw = _roundtrip(side, [b"SMEMBERS", key])
    v = None if isinstance(raw, str) else _parse(raw)
    return v if isinstance(v, list) else None


def _count_of(argv):
    try:
        return int(argv[2])
    except (IndexError, ValueError):
        return None


def srandmember_shape(side, argv):
    """SRANDMEMBER by shape: errors and nulls exact; otherwise how many
    members came back and whether they belong to the set (and are distinct
    for a positive count)."""
    before = _members_of(side, argv[1]) if len(argv) == 3 else None
    raw = _roundtrip(side, argv)
    if _is_plain(raw):
        return raw
    if raw.startswith(b"$"):
        full = _members_of(side, argv[1]) or []
        return b"+one member, in set: %d\r\n" % (_parse(raw) in full)
    got = _parse(raw)
    if not isinstance(got, list) or before is None:
        return raw
    count = _count_of(argv)
    distinct = len(set(got)) == len(got) if count is not None and count > 0 else True
    return b"+%d members, in set: %d, distinct: %d\r\n" % (
        len(got), all(m in before for m in got), distinct)


def spop_shape(side, argv):
    """SPOP checked against the set before and after, then the key is
    deleted so that both servers agree again."""
    key = argv[1]
    before = _members_of(side, key)
    raw = _roundtrip(side, argv)
    after = _members_of(side, key)
    gone = _roundtrip(side, [b"DEL", key])
    if isinstance(gone, str):
        return gone
    if _is_plain(raw):
        return raw
    if raw.startswith(b"$"):
        popped = [_parse(raw)]
    else:
        popped = _parse(raw)
        if not isinstance(popped, list):
            return raw
    if before is None or after is None:
        return b"+popped %d, no set around it\r\n" % len(popped)
    ok = (len(set(popped)) == len(popped) and not set(popped) & set(after)
          and sorted(popped + after) == sorted(before))
    return b"+popped %d, left %d, consistent: %d, del: %s\r\n" % (
        len(popped), len(after), ok, gone.strip())


def sscan_full(side, argv):
    from difftest import scan_iteration
    return scan_iteration(side, argv, 2)


RUNNERS = {"srandmember": srandmember_shape, "spop": spop_shape, "sscan": sscan_full}
