"""Generator for the sorted-set family (zsets).

Determinism across the two servers:
  - Sorted-set replies are ordered by (score, member), so almost everything
    is compared exactly.
  - ZRANDMEMBER picks at random: compared by shape ("zrandshape": the same
    reply type and lengths; errors exactly).
  - ZSCAN is run as a whole iteration ("zscan" runner) from cursor 0 and
    compared as the set of items seen.
  - Lex ranges are only meaningful when every score is equal; they run on
    dedicated keys (LEX_KEYS) that only ever receive score-0 members, so the
    result never depends on a server's skiplist shape.
  - Blocking forms use a small non-zero timeout (a key may be empty), never 0.
"""

from gen_common import Op, weighted_generator, random_case

FAMILY = "zsets"

# Redis 7.0 arities.
COMMANDS = {
    "ZADD": -4, "ZINCRBY": 4, "ZSCORE": 3, "ZMSCORE": -3, "ZCARD": 2,
    "ZCOUNT": 4, "ZLEXCOUNT": 4, "ZRANGE": -4, "ZRANGEBYSCORE": -4,
    "ZREVRANGEBYSCORE": -4, "ZRANGEBYLEX": -4, "ZREVRANGEBYLEX": -4,
    "ZREVRANGE": -4, "ZRANK": 3, "ZREVRANK": 3, "ZREM": -3,
    "ZREMRANGEBYRANK": 4, "ZREMRANGEBYSCORE": 4, "ZREMRANGEBYLEX": 4,
    "ZPOPMIN": -2, "ZPOPMAX": -2, "ZRANGESTORE": -5, "ZUNION": -3,
    "ZINTER": -3, "ZDIFF": -3, "ZUNIONSTORE": -4, "ZINTERSTORE": -4,
    "ZDIFFSTORE": -4, "ZINTERCARD": -3, "ZMPOP": -4, "ZRANDMEMBER": -2,
    "ZSCAN": -3, "BZPOPMIN": -3, "BZPOPMAX": -3, "BZMPOP": -5,
    "OBJECT": -2,
}

LEX_KEYS = [b"zlex%d" % i for i in range(3)]
MEMBERS = [b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"aa", b"ab", b"",
           b"\x00", b"\xff", b"a\x00b", b"m1", b"m2", b"m3", b"zz"]

SCORE_EDGES = [b"0", b"1", b"-1", b"2", b"1.5", b"-2.5", b"inf", b"-inf", b"+inf",
               b"1e308", b"-1e308", b"5e-324", b"0.1", b"3.0e2", b"-0", b"10",
               b"1e17", b"9007199254740993", b"123456789.123456789"]
BAD_SCORES = [b"nan", b"abc", b"", b" 1", b"1 ", b"0x10", b"1e400", b"NaN", b"1.5.5"]
RANGE_ITEMS = [b"-inf", b"+inf", b"inf", b"(1", b"(0", b"0", b"1", b"2", b"(2.5",
               b"-1", b"(-1", b"10", b"(inf", b"(-inf", b"1.5", b"3"]
BAD_RANGE = [b"nan", b"(nan", b"abc", b"((1", b"1a", b"[1"]
LEX_ITEMS = [b"-", b"+", b"[a", b"(a", b"[b", b"(c", b"[d", b"(aa", b"[", b"(",
             b"[zz", b"(\xff", b"[\x00"]
BAD_LEX = [b"a", b"", b"+a", b"-a", b"1"]


def _case(rng, word):
    return random_case(rng, word, 0.75, 0.15)


def _member(rng, ctx):
    r = rng.random()
    if r < 0.75:
        return rng.choice(MEMBERS)
    if r < 0.9:
        return ctx.text(rng, 1, 8)
    return ctx.text(rng, 60, 70)  # around zset-max-listpack-value (64)


def _score(rng, ctx):
    r = rng.random()
    if r < 0.45:
        return str(rng.randint(-10, 10)).encode()
    if r < 0.7:
        return rng.choice(SCORE_EDGES)
    if r < 0.9:
        return ("%.*f" % (rng.randint(0, 3), rng.uniform(-20, 20))).encode()
    if r < 0.96:
        return rng.choice(BAD_SCORES)
    return ctx.floaty(rng)


def _range_item(rng):
    if rng.random() < 0.05:
        return rng.choice(BAD_RANGE)
    if rng.random() < 0.3:
        v = "%.1f" % rng.uniform(-10, 10)
        return ("(" + v if rng.random() < 0.3 else v).encode()
    return rng.choice(RANGE_ITEMS)


def _lex_item(rng, ctx):
    r = rng.random()
    if r < 0.05:
        return rng.choice(BAD_LEX)
    if r < 0.7:
        return rng.choice(LEX_ITEMS)
    return rng.choice([b"[", b"("]) + _member(rng, ctx)


def _index(rng):
    if rng.random() < 0.05:
        return rng.choice([b"abc", b"1.5", b"", b"9223372036854775807",
                           b"-9223372036854775808", b"99999999999999999999"])
    return str(rng.randint(-12, 12)).encode()


def _limit(rng):
    if rng.random() < 0.1:
        return [b"LIMIT", rng.choice([b"x", b"-1", b"0", b"1.5"]), rng.choice([b"-1", b"2", b"z"])]
    return [b"LIMIT", str(rng.randint(-1, 5)).encode(), str(rng.randint(-2, 6)).encode()]


def _zkey(rng, ctx):
    return ctx.key(rng)


# ---------------------------------------------------------------- writes
def gen_zadd(rng, ctx):
    argv = [_case(rng, "ZADD"), _zkey(rng, ctx)]
    opts = []
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
        opts.append(_case(rng, rng.choice(["NX", "XX", "GT", "LT", "CH", "INCR"])))
    argv += opts
    n = 1 if "INCR" in [o.upper() for o in opts] and rng.random() < 0.8 else rng.randint(1, 6)
    for _ in range(n):
        argv += [_score(rng, ctx), _member(rng, ctx)]
    if rng.random() < 0.04:
        argv.append(_score(rng, ctx))  # odd count: syntax error
    return [Op(argv)]


def gen_zadd_big(rng, ctx):
    """Grows a key past zset-max-listpack-entries (128)."""
    argv = [b"ZADD", _zkey(rng, ctx)]
    for i in range(rng.randint(60, 140)):
        argv += [str(rng.randint(-50, 50)).encode(), b"big%d" % rng.randint(0, 200)]
    return [Op(argv), Op([b"OBJECT", b"ENCODING", argv[1]])]


def gen_zadd_lex(rng, ctx):
    argv = [b"ZADD", rng.choice(LEX_KEYS)]
    for _ in range(rng.randint(1, 8)):
        argv += [b"0", _member(rng, ctx)]
    return [Op(argv)]


def gen_zincrby(rng, ctx):
    return [Op([_case(rng, "ZINCRBY"), _zkey(rng, ctx), _score(rng, ctx), _member(rng, ctx)])]


def gen_zrem(rng, ctx):
    key = rng.choice(LEX_KEYS) if rng.random() < 0.2 else _zkey(rng, ctx)
    return [Op([_case(rng, "ZREM"), key] + [_member(rng, ctx) for _ in range(rng.randint(1, 4))])]


def gen_zremrange(rng, ctx):
    r = rng.random()
    if r < 0.35:
        return [Op([_case(rng, "ZREMRANGEBYRANK"), _zkey(rng, ctx), _index(rng), _index(rng)])]
    if r < 0.7:
        return [Op([_case(rng, "ZREMRANGEBYSCORE"), _zkey(rng, ctx), _range_item(rng),
                    _range_item(rng)])]
    return [Op([_case(rng, "ZREMRANGEBYLEX"), rng.choice(LEX_KEYS), _lex_item(rng, ctx),
                _lex_item(rng, ctx)])]


def gen_zpop(rng, ctx):
    argv = [_case(rng, rng.choice(["ZPOPMIN", "ZPOPMAX"])), _zkey(rng, ctx)]
    r = rng.random()
    if r < 0.5:
        argv.append(rng.choice([b"0", b"1", b"2", b"3", b"10", b"-1", b"abc"]))
    elif r < 0.55:
        argv += [b"1", b"2"]
    return [Op(argv)]


def gen_zmpop(rng, ctx):
    keys = [_zkey(rng, ctx) for _ in range(rng.randint(1, 3))]
    numkeys = str(len(keys)).encode()
    if rng.random() < 0.05:
        numkeys = rng.choice([b"0", b"-1", b"abc", b"9"])
    where = rng.choice([b"MIN", b"MAX", b"min", b"max"]) if rng.random() > 0.05 else b"MID"
    argv = [numkeys] + keys + [where]
    if rng.random() < 0.5:
        argv += [b"COUNT", rng.choice([b"1", b"2", b"5", b"0", b"-1", b"x"])]
    if rng.random() < 0.4:
        return [Op([_case(rng, "BZMPOP"), rng.choice([b"0.01", b"0.001"])] + argv)]
    return [Op([_case(rng, "ZMPOP")] + argv)]


def gen_bzpop(rng, ctx):
    keys = [_zkey(rng, ctx) for _ in range(rng.randint(1, 3))]
    timeout = rng.choice([b"0.01", b"0.001", b"0.01", b"-1", b"abc", b"nan"])
    return [Op([_case(rng, rng.choice(["BZPOPMIN", "BZPOPMAX"]))] + keys + [timeout])]


def gen_store(rng, ctx):
    dst = _zkey(rng, ctx)
    r = rng.random()
    if r < 0.4:
        argv = [_case(rng, "ZRANGESTORE"), dst, _zkey(rng, ctx)]
        kind = rng.random()
        if kind < 0.4:
            argv += [_index(rng), _index(rng)]
        else:
            argv += [_range_item(rng), _range_item(rng), b"BYSCORE"]
        if rng.random() < 0.3:
            argv.append(b"REV")
        if rng.random() < 0.3:
            argv += _limit(rng)
        return [Op(argv), Op([b"OBJECT", b"ENCODING", dst])]
    name = rng.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])
    return [Op([_case(rng, name), dst] + _setop_args(rng, ctx, name != "ZDIFFSTORE", False)),
            Op([b"OBJECT", b"ENCODING", dst])]


# ---------------------------------------------------------------- reads
def gen_reads(rng, ctx):
    key = _zkey(rng, ctx)
    r = rng.random()
    if r < 0.2:
        return [Op([_case(rng, "ZSCORE"), key, _member(rng, ctx)])]
    if r < 0.35:
        return [Op([_case(rng, "ZMSCORE"), key] + [_member(rng, ctx) for _ in range(rng.randint(1, 4))])]
    if r < 0.5:
        return [Op([_case(rng, "ZCARD"), key])]
    if r < 0.65:
        return [Op([_case(rng, "ZCOUNT"), key, _range_item(rng), _range_item(rng)])]
    if r < 0.8:
        return [Op([_case(rng, rng.choice(["ZRANK", "ZREVRANK"])), key, _member(rng, ctx)])]
    if r < 0.9:
        return [Op([_case(rng, "ZLEXCOUNT"), rng.choice(LEX_KEYS), _lex_item(rng, ctx),
                    _lex_item(rng, ctx)])]
    return [Op([b"OBJECT", b"ENCODING", key])]


def gen_range(rng, ctx):
    key = _zkey(rng, ctx)
    r = rng.random()
    if r < 0.2:
        argv = [_case(rng, rng.choice(["ZRANGE", "ZREVRANGE"])), key, _index(rng), _index(rng)]
        if rng.random() < 0.5:
            argv.append(_case(rng, "WITHSCORES"))
        return [Op(argv)]
    if r < 0.45:
        argv = [_case(rng, rng.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"])), key,
                _range_item(rng), _range_item(rng)]
        opts = []
        if rng.random() < 0.5:
            opts.append([b"WITHSCORES"])
        if rng.random() < 0.4:
            opts.append(_limit(rng))
        rng.shuffle(opts)
        for o in opts:
            argv += o
        return [Op(argv)]
    if r < 0.6:
        argv = [_case(rng, rng.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX"])), rng.choice(LEX_KEYS),
                _lex_item(rng, ctx), _lex_item(rng, ctx)]
        if rng.random() < 0.4:
            argv += _limit(rng)
        return [Op(argv)]
    # ZRANGE with its options, in any order (some invalid combinations).
    kind = rng.choice(["rank", "score", "lex"])
    if kind == "lex":
        key = rng.choice(LEX_KEYS)
        argv = [_case(rng, "ZRANGE"), key, _lex_item(rng, ctx), _lex_item(rng, ctx)]
    elif kind == "score":
        argv = [_case(rng, "ZRANGE"), key, _range_item(rng), _range_item(rng)]
    else:
        argv = [_case(rng, "ZRANGE"), key, _index(rng), _index(rng)]
    opts = []
    if kind == "lex":
        opts.append([_case(rng, "BYLEX")])
    elif kind == "score":
        opts.append([_case(rng, "BYSCORE")])
    if rng.random() < 0.4:
        opts.append([_case(rng, "REV")])
    if rng.random() < 0.4:
        opts.append([_case(rng, "WITHSCORES")])
    if rng.random() < 0.3:
        opts.append(_limit(rng))
    if rng.random() < 0.03:
        opts.append([rng.choice([b"BYSCORE", b"BYLEX", b"REV", b"FOO"])])
    rng.shuffle(opts)
    for o in opts:
        argv += o
    return [Op(argv)]


def _setop_args(rng, ctx, weights_ok, withscores_ok):
    keys = [_zkey(rng, ctx) for _ in range(rng.randint(1, 3))]
    numkeys = str(len(keys)).encode()
    if rng.random() < 0.04:
        numkeys = rng.choice([b"0", b"-1", b"abc", b"7"])
    argv = [numkeys] + keys
    if weights_ok and rng.random() < 0.3:
        argv.append(b"WEIGHTS")
        argv += [rng.choice([b"1", b"2", b"0.5", b"-1", b"0", b"inf", b"nan", b"x"])
                 for _ in keys]
    if weights_ok and rng.random() < 0.3:
        argv += [b"AGGREGATE", rng.choice([b"SUM", b"MIN", b"MAX", b"max", b"avg"])]
    if withscores_ok and rng.random() < 0.5:
        argv.append(_case(rng, "WITHSCORES"))
    return argv


def gen_setops(rng, ctx):
    r = rng.random()
    if r < 0.8:
        name = rng.choice(["ZUNION", "ZINTER", "ZDIFF"])
        return [Op([_case(rng, name)] + _setop_args(rng, ctx, name != "ZDIFF", True))]
    argv = [_case(rng, "ZINTERCARD")] + _setop_args(rng, ctx, False, False)
    if rng.random() < 0.4:
        argv += [b"LIMIT", rng.choice([b"0", b"1", b"2", b"-1", b"x"])]
    return [Op(argv)]


def gen_zrandmember(rng, ctx):
    argv = [_case(rng, "ZRANDMEMBER"), _zkey(rng, ctx)]
    r = rng.random()
    if r < 0.7:
        argv.append(rng.choice([b"0", b"1", b"3", b"-3", b"5", b"200", b"-5", b"abc",
                                b"-9223372036854775808", b"4611686018427387904"]))
        if rng.random() < 0.5:
            argv.append(rng.choice([b"WITHSCORES", b"withscores", b"FOO"]))
    return [Op(argv, mode="zrandshape")]


def gen_zscan(rng, ctx):
    argv = [_case(rng, "ZSCAN"), _zkey(rng, ctx), b"0"]
    if rng.random() < 0.4:
        argv += [b"MATCH", rng.choice([b"*", b"a*", b"m?", b"[a-c]*", b"*b*"])]
    if rng.random() < 0.3:
        argv += [b"COUNT", rng.choice([b"1", b"10", b"100", b"0", b"x"])]
    if rng.random() < 0.05:
        argv[2] = rng.choice([b"abc", b"-1x"])
    return [Op(argv, mode="zscan")]


def gen_wrongtype(rng, ctx):
    if not ctx.wrongtype_makers:
        return [Op([b"SET", ctx.key(rng), b"str"])]
    return [rng.choice(ctx.wrongtype_makers)(rng, ctx, ctx.key(rng))]


def gen_del(rng, ctx):
    return [Op([b"DEL", ctx.key(rng)])]


def make_zset(rng, ctx, key):
    """WRONGTYPE maker: a small sorted set under key."""
    argv = [b"ZADD", key]
    for _ in range(rng.randint(1, 3)):
        argv += [str(rng.randint(0, 5)).encode(), rng.choice(MEMBERS)]
    return Op(argv)


WRONGTYPE_MAKERS = [make_zset]


# ---------------------------------------------------------------- comparators / runners
def _shape(v):
    if isinstance(v, list):
        return ("list", len(v), tuple(_shape(x) for x in v))
    if v is None:
        return ("nil",)
    if isinstance(v, Exception):
        return ("err", str(v))
    if isinstance(v, int):
        return ("int",)
    return ("bulk",)


def zrand_compare(a, b):
    if a.startswith(b"-") or b.startswith(b"-"):
        return a == b
    from resp import parse_simple
    try:
        return _shape(parse_simple(a)) == _shape(parse_simple(b))
    except Exception:  # noqa: BLE001
        return False


def zscan_runner(side, argv):
    import difftest
    return difftest.scan_iteration(side, argv, 2)


COMPARATORS = {"zrandshape": zrand_compare}
RUNNERS = {"zscan": zscan_runner}

generate = weighted_generator([
    (14, gen_zadd), (2, gen_zadd_big), (5, gen_zadd_lex), (4, gen_zincrby), (6, gen_zrem),
    (5, gen_zremrange), (5, gen_zpop), (4, gen_zmpop), (2, gen_bzpop), (6, gen_store),
    (14, gen_reads), (14, gen_range), (8, gen_setops), (3, gen_zrandmember), (3, gen_zscan),
    (2, gen_wrongtype), (2, gen_del),
])
