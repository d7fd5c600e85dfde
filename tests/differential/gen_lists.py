"""Generator for the lists family.

Determinism across the two servers:
  - Every reply of the list commands is deterministic, so everything is
    compared exactly.
  - The blocking forms (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) must never
    block: they are generated only right after an RPUSH/LPUSH to one of
    their keys in the same op list (so the first list they look at holds an
    element, or a wrong-type key makes them fail first), or with a timeout
    that is an error (not a float, negative, inf), or with an argument error
    that is detected before the timeout. A timeout of 0 (forever) or a tiny
    negative one (rounds to 0) is never used on a possibly empty key.
  - Elements come mostly from a small pool so that LREM, LPOS and LINSERT
    find matches; sometimes long or binary values, and sometimes long pushes
    so that lists span several quicklist nodes.
"""

from gen_common import Op, BINARY, weighted_generator, random_case

FAMILY = "lists"

# Redis 7.0 arities (negative = at least -n arguments, command name included).
COMMANDS = {
    "LPUSH": -3, "RPUSH": -3, "LPUSHX": -3, "RPUSHX": -3, "LPOP": -2, "RPOP": -2,
    "LLEN": 2, "LRANGE": 4, "LINDEX": 3, "LSET": 4, "LINSERT": 5, "LREM": 4,
    "LTRIM": 4, "LPOS": -3, "LMOVE": 5, "RPOPLPUSH": 3, "LMPOP": -4,
    "BLPOP": -3, "BRPOP": -3, "BLMOVE": 6, "BRPOPLPUSH": 4, "BLMPOP": -5,
}

_POOL = [b"a", b"b", b"c", b"a", b"b", b"1", b"2", b"-1", b"", b"x" * 70]

# Timeouts that are always errors (never block): not a float, negative,
# or out of range (Redis 7.0 casts those to a negative number).
_BAD_TIMEOUTS = [b"abc", b"", b"nan", b"-1", b"-0.5", b"-inf", b"inf", b"1e400",
                 b"1x", b" 1", b"9.3e15", b"-100"]
# Timeouts used only when an element is present: any valid value.
_GOOD_TIMEOUTS = [b"0", b"1", b"0.5", b"10", b"0.01", b"100.25", b"1e3", b"0x10",
                  b"+1", b"01"]


def _case(rng, word):
    return random_case(rng, word, 0.75, 0.15)


def _elem(rng, ctx):
    if rng.random() < 0.75:
        return rng.choice(_POOL)
    return ctx.value(rng)


def _index(rng):
    r = rng.random()
    if r < 0.8:
        return str(rng.randint(-12, 12)).encode()
    return rng.choice([b"-9223372036854775808", b"9223372036854775807", b"100", b"-100",
                       b"abc", b"", b"1.5", b" 1", b"+1", b"01", b"9223372036854775808",
                       b"-0"])


def _count(rng):
    r = rng.random()
    if r < 0.75:
        return str(rng.choice([0, 1, 1, 2, 3, 5, 10, 100])).encode()
    return rng.choice([b"-1", b"abc", b"", b"1.5", b"9223372036854775807",
                       b"-9223372036854775808", b"99999999999999999999", b"+2"])


def _where(rng):
    if rng.random() < 0.93:
        return _case(rng, rng.choice(["LEFT", "RIGHT"]))
    return rng.choice(["UP", "", "LEFTX", "left\x00", "0"])


def _push_op(rng, ctx, key, n=None):
    name = rng.choice(["RPUSH", "LPUSH"])
    if n is None:
        n = rng.randint(1, 5)
    return Op([_case(rng, name), key] + [_elem(rng, ctx) for _ in range(n)])


def _seeded(rng, ctx, key, ops):
    """ops, preceded now and then by a push to key: in a mixed stream most
    keys hold strings, and this keeps a share of the list commands on
    lists."""
    r = rng.random()
    if r < 0.25:  # reclaim the key from whatever family holds it
        return [Op(["DEL", key]), _push_op(rng, ctx, key, rng.choice([1, 3, 6, 12]))] + ops
    if r < 0.45:
        return [_push_op(rng, ctx, key, rng.choice([1, 3, 6, 12]))] + ops
    return ops


# ---------------------------------------------------------------- pushes
def gen_push(rng, ctx):
    r = rng.random()
    key = ctx.key(rng)
    if r < 0.6:
        return [_push_op(rng, ctx, key)]
    if r < 0.85:
        name = rng.choice(["LPUSHX", "RPUSHX"])
        return [Op([_case(rng, name), key] + [_elem(rng, ctx)
                                              for _ in range(rng.randint(1, 3))])]
    if r < 0.97:  # long lists: several quicklist nodes
        return [_push_op(rng, ctx, key, rng.randint(50, 400))]
    # Big elements: nodes holding a single entry.
    return [Op(["RPUSH", key, b"y" * rng.randint(5000, 20000), b"z"])]


# ---------------------------------------------------------------- pops and reads
def gen_pop(rng, ctx):
    name = rng.choice(["LPOP", "RPOP"])
    key = ctx.key(rng)
    argv = [_case(rng, name), key]
    r = rng.random()
    if r < 0.5:
        argv.append(_count(rng))
    elif r < 0.53:
        argv += [b"1", b"2"]
    return _seeded(rng, ctx, key, [Op(argv)])


def gen_read(rng, ctx):
    key = ctx.key(rng)
    r = rng.random()
    if r < 0.3:
        op = Op([_case(rng, "LLEN"), key])
    elif r < 0.6:
        op = Op([_case(rng, "LINDEX"), key, _index(rng)])
    else:
        op = Op([_case(rng, "LRANGE"), key, _index(rng), _index(rng)])
    return _seeded(rng, ctx, key, [op])


def gen_lset(rng, ctx):
    key = ctx.key(rng)
    return _seeded(rng, ctx, key, [Op([_case(rng, "LSET"), key, _index(rng), _elem(rng, ctx)])])


def gen_ltrim(rng, ctx):
    key = ctx.key(rng)
    return _seeded(rng, ctx, key, [Op([_case(rng, "LTRIM"), key, _index(rng), _index(rng)])])


def gen_linsert(rng, ctx):
    if rng.random() < 0.92:
        where = _case(rng, rng.choice(["BEFORE", "AFTER"]))
    else:
        where = rng.choice(["MIDDLE", "", "before\x00x", "BEFOREX"])
    key = ctx.key(rng)
    return _seeded(rng, ctx, key, [Op([_case(rng, "LINSERT"), key, where, _elem(rng, ctx),
                                       _elem(rng, ctx)])])


def gen_lrem(rng, ctx):
    key = ctx.key(rng)
    return _seeded(rng, ctx, key, [Op([_case(rng, "LREM"), key, _index(rng), _elem(rng, ctx)])])


def gen_lpos(rng, ctx):
    key = ctx.key(rng)
    argv = [_case(rng, "LPOS"), key, _elem(rng, ctx)]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        o = rng.random()
        if o < 0.35:
            argv += [_case(rng, "RANK"), rng.choice(
                [b"1", b"2", b"-1", b"-2", b"3", b"-3", b"0", b"abc", b"100", b"-100",
                 b"9223372036854775807", b"-9223372036854775808", b"-9223372036854775807"])]
        elif o < 0.65:
            argv += [_case(rng, "COUNT"), rng.choice(
                [b"0", b"1", b"2", b"3", b"-1", b"abc", b"100"])]
        elif o < 0.9:
            argv += [_case(rng, "MAXLEN"), rng.choice(
                [b"0", b"1", b"2", b"5", b"-1", b"abc", b"1000"])]
        else:
            argv.append(rng.choice([b"RANK", b"COUNT", b"MAXLEN", b"FOO", b""]))
    return _seeded(rng, ctx, key, [Op(argv)])


# ---------------------------------------------------------------- moves
def gen_move(rng, ctx):
    src = ctx.key(rng)
    dst = src if rng.random() < 0.2 else ctx.key(rng)
    if rng.random() < 0.6:
        op = Op([_case(rng, "LMOVE"), src, dst, _where(rng), _where(rng)])
    else:
        op = Op([_case(rng, "RPOPLPUSH"), src, dst])
    return _seeded(rng, ctx, src, [op])


def _mpop_tail(rng):
    argv = [_where(rng)]
    r = rng.random()
    if r < 0.5:
        argv += [_case(rng, "COUNT"), _count(rng)]
    elif r < 0.56:
        argv += rng.choice([[b"COUNT"], [b"COUNT", b"1", b"COUNT", b"2"], [b"FOO"]])
    return argv


def _numkeys_and_keys(rng, ctx):
    keys = ctx.keys_n(rng, 1, 3)
    r = rng.random()
    if r < 0.9:
        return [str(len(keys)).encode()] + keys
    return [rng.choice([b"0", b"-1", b"abc", str(len(keys) + 1).encode(),
                        b"9223372036854775807", b"99999999999999999999"])] + keys


def gen_lmpop(rng, ctx):
    args = _numkeys_and_keys(rng, ctx)
    return _seeded(rng, ctx, args[-1], [Op([_case(rng, "LMPOP")] + args + _mpop_tail(rng))])


# ---------------------------------------------------------------- blocking forms
def gen_blocking_served(rng, ctx):
    """A push, then a blocking command whose first list key is the pushed
    one (or whose keys before it are also served or wrong-type): it is
    answered at once, never blocks."""
    key = ctx.key(rng)
    ops = [_push_op(rng, ctx, key)]
    if rng.random() < 0.5:
        ops.insert(0, Op(["DEL", key]))
    timeout = rng.choice(_GOOD_TIMEOUTS)
    r = rng.random()
    if r < 0.3:
        name = rng.choice(["BLPOP", "BRPOP"])
        ops.append(Op([_case(rng, name), key] + ctx.keys_n(rng, 0, 2) + [timeout]))
    elif r < 0.5:
        dst = key if rng.random() < 0.2 else ctx.key(rng)
        ops.append(Op([_case(rng, "BLMOVE"), key, dst, _case(rng, rng.choice(["LEFT", "RIGHT"])),
                       _case(rng, rng.choice(["LEFT", "RIGHT"])), timeout]))
    elif r < 0.65:
        ops.append(Op([_case(rng, "BRPOPLPUSH"), key, ctx.key(rng), timeout]))
    else:
        keys = [key] + ctx.keys_n(rng, 0, 2)
        argv = [_case(rng, "BLMPOP"), timeout, str(len(keys)).encode()] + keys
        argv.append(_case(rng, rng.choice(["LEFT", "RIGHT"])))
        if rng.random() < 0.5:
            argv += [_case(rng, "COUNT"), rng.choice([b"1", b"2", b"5", b"100"])]
        ops.append(Op(argv))
    return ops


def gen_blocking_errors(rng, ctx):
    """Blocking commands that fail before they could block."""
    r = rng.random()
    keys = ctx.keys_n(rng, 1, 3)
    bad = rng.choice(_BAD_TIMEOUTS)
    if r < 0.3:
        return [Op([_case(rng, rng.choice(["BLPOP", "BRPOP"]))] + keys + [bad])]
    if r < 0.45:
        return [Op([_case(rng, "BLMOVE"), keys[0], ctx.key(rng),
                    rng.choice(["LEFT", "RIGHT"]), rng.choice(["LEFT", "RIGHT"]), bad])]
    if r < 0.55:  # a bad direction is found before any timeout
        return [Op([_case(rng, "BLMOVE"), keys[0], ctx.key(rng), "UP", "LEFT",
                    rng.choice(_GOOD_TIMEOUTS + _BAD_TIMEOUTS)])]
    if r < 0.65:
        return [Op([_case(rng, "BRPOPLPUSH"), keys[0], ctx.key(rng), bad])]
    if r < 0.8:
        return [Op([_case(rng, "BLMPOP"), bad, str(len(keys)).encode()] + keys
                   + [rng.choice(["LEFT", "RIGHT"])])]
    # numkeys / direction / COUNT errors come before the timeout is read.
    timeout = rng.choice(_GOOD_TIMEOUTS + _BAD_TIMEOUTS)
    return [Op([_case(rng, "BLMPOP"), timeout] + rng.choice([
        [b"0", keys[0], b"LEFT"], [b"abc", keys[0], b"LEFT"], [b"1", keys[0], b"MIDDLE"],
        [b"5", keys[0], b"LEFT"], [b"1", keys[0], b"LEFT", b"COUNT", b"0"],
        [b"1", keys[0], b"LEFT", b"COUNT"], [b"1", keys[0], b"RIGHT", b"FOO"],
    ]))]


# ---------------------------------------------------------------- misc
def gen_bad(rng, ctx):
    return [Op(rng.choice([
        ["LPUSH", "k1"], ["RPUSH"], ["LPUSHX", "k1"], ["LPOP"], ["RPOP"], ["LLEN"],
        ["LLEN", "a", "b"], ["LRANGE", "k1", "0"], ["LINDEX", "k1"], ["LSET", "k1", "0"],
        ["LINSERT", "k1", "BEFORE", "a"], ["LREM", "k1", "0"], ["LTRIM", "k1", "0"],
        ["LPOS", "k1"], ["LMOVE", "a", "b", "LEFT"], ["RPOPLPUSH", "a"], ["LMPOP", "1", "a"],
        ["BLPOP", "k1"], ["BRPOP"], ["BLMOVE", "a", "b", "LEFT", "LEFT"], ["BRPOPLPUSH", "a", "b"],
        ["BLMPOP", "1", "1", "a"], [b"lpush", b"k1", BINARY[2], BINARY[0]],
    ]))]


def gen_wrongtype(rng, ctx):
    """Put a value of another family's type under a key used by lists."""
    if not ctx.wrongtype_makers:
        return [Op(["SET", ctx.key(rng), ctx.value(rng)])]
    return [rng.choice(ctx.wrongtype_makers)(rng, ctx, ctx.key(rng))]


def make_list(rng, ctx, key):
    """WRONGTYPE maker: store a list under key."""
    return Op(["RPUSH", key] + [_elem(rng, ctx) for _ in range(rng.randint(1, 4))])


WRONGTYPE_MAKERS = [make_list]

GENERATORS = [
    (22, gen_push), (12, gen_pop), (16, gen_read), (4, gen_lset), (4, gen_ltrim),
    (5, gen_linsert), (5, gen_lrem), (8, gen_lpos), (7, gen_move), (5, gen_lmpop),
    (6, gen_blocking_served), (3, gen_blocking_errors), (2, gen_bad), (3, gen_wrongtype),
]
generate = weighted_generator(GENERATORS)
