"""Generator for the hashes family (HSET ... HSCAN).

Determinism across the two servers:
  - A small hash is a listpack on both servers and its order is Redis's
    insertion order, so HGETALL / HKEYS / HVALS are compared byte for byte
    then; a hash past hash-max-listpack-entries (128) or holding a string
    longer than hash-max-listpack-value (64) is a hashtable whose order is
    each server's own. The "hash_all" runner asks OBJECT ENCODING first: both
    listpack -> the raw reply, exactly; otherwise the reply canonicalized
    (pairs sorted for HGETALL, a sorted multiset for HKEYS / HVALS). The
    encodings themselves are part of the comparison, so a transition at the
    wrong moment is a mismatch.
  - HRANDFIELD is random: the "hrandfield" runner reads the hash (HGETALL)
    and turns the reply into its shape: the number of entries, whether every
    field (and value) belongs to the hash, and for a positive count whether
    they are distinct and as many as min(count, size). Errors and nulls stay
    exact. Negative counts are small (the reply has |count| entries), huge
    counts appear only where Redis refuses them.
  - HSCAN runs a whole iteration ("hscan" runner) and compares the set of
    (field, value) pairs seen; it only starts from cursors equal to 0 (a
    non-zero cursor means something else on each server), non-zero cursors
    appear in their error forms only.
"""

from gen_common import Op, FLOATS, BINARY, weighted_generator, random_case
from resp import parse_simple

FAMILY = "hashes"

COMMANDS = {
    "HSET": -4, "HSETNX": 4, "HGET": 3, "HMGET": -3, "HMSET": -4, "HDEL": -3,
    "HLEN": 2, "HEXISTS": 3, "HINCRBY": 4, "HINCRBYFLOAT": 4, "HKEYS": 2,
    "HVALS": 2, "HGETALL": 2, "HSTRLEN": 3, "HRANDFIELD": -2, "HSCAN": -3,
    # Sent by this family too (claiming keys, WRONGTYPE without makers).
    "DEL": -2, "SET": -3,
}

HSCAN_MAX_CALLS = 100000

# A small pool so that fields collide; a few odd ones keep the handling of
# empty and binary fields honest; the long ones (> 64 bytes) convert.
FIELDS = [b"f%d" % i for i in range(10)] + [
    b"", b"a b", b"x\x00y", b"\r\n", b"\xff", b"*", b"a?c", b"[ab]", b"n",
    b"counter", b"float",
]
LONG_FIELDS = [b"L" * 65, b"long-field-" + b"z" * 60]


def _key(rng, ctx):
    """Mostly a key this family claimed lately (in a mixed stream the other
    families keep storing strings everywhere), else any shared key. The
    claimed list lives in ctx, so generation still depends on rng only."""
    recent = getattr(ctx, "hash_keys", None)
    if recent and rng.random() < 0.7:
        return rng.choice(recent)
    return ctx.key(rng)


def _case(rng, word):
    return random_case(rng, word, 0.8, 0.1)


def _field(rng):
    r = rng.random()
    if r < 0.93:
        return rng.choice(FIELDS)
    if r < 0.97:
        return rng.choice(LONG_FIELDS)
    return b"g%d" % rng.randint(0, 200)


def _value(rng, ctx):
    r = rng.random()
    if r < 0.35:
        return str(rng.randint(-100, 1000))
    if r < 0.45:
        return rng.choice(FLOATS)
    if r < 0.55:
        return ctx.text(rng, 60, 70)  # around hash-max-listpack-value
    return ctx.value(rng)


# ---------------------------------------------------------------- writes
def gen_hset(rng, ctx):
    name = rng.choice(["HSET", "HSET", "HSET", "HMSET"])
    argv = [_case(rng, name), _key(rng, ctx)]
    for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
        argv += [_field(rng), _value(rng, ctx)]
    if rng.random() < 0.05:
        argv.append(_field(rng))  # a field without a value: arity error
    return [Op(argv)]


def gen_big_hset(rng, ctx):
    """Enough distinct fields to pass 128 entries (or stay just under)."""
    n = rng.choice([60, 120, 127, 128, 129, 140])
    start = rng.randint(0, 100)
    argv = ["HSET", _key(rng, ctx)]
    for i in range(start, start + n):
        argv += [b"g%d" % i, str(i)]
    return [Op(argv)]


def gen_hsetnx(rng, ctx):
    return [Op([_case(rng, "HSETNX"), _key(rng, ctx), _field(rng), _value(rng, ctx)])]


def gen_hdel(rng, ctx):
    fields = [_field(rng) for _ in range(rng.choice([1, 1, 2, 3, 6]))]
    return [Op([_case(rng, "HDEL"), _key(rng, ctx)] + fields)]


def gen_hincrby(rng, ctx):
    field = rng.choice([b"counter", b"n", b"f1", _field(rng)])
    if rng.random() < 0.5:
        return [Op([_case(rng, "HINCRBY"), _key(rng, ctx), field, ctx.small_int(rng)])]
    return [Op([_case(rng, "HINCRBY"), _key(rng, ctx), field, ctx.integer(rng)])]


def gen_hincrbyfloat(rng, ctx):
    field = rng.choice([b"float", b"n", b"counter", _field(rng)])
    return [Op([_case(rng, "HINCRBYFLOAT"), _key(rng, ctx), field, ctx.floaty(rng)])]


def gen_numeric_value(rng, ctx):
    """Store a number-like value for the counters to meet."""
    field = rng.choice([b"counter", b"float", b"n"])
    v = rng.choice([ctx.integer(rng), ctx.floaty(rng), rng.choice(FLOATS)])
    return [Op(["HSET", _key(rng, ctx), field, v])]


# ---------------------------------------------------------------- reads
def gen_point_reads(rng, ctx):
    r = rng.random()
    key = _key(rng, ctx)
    if r < 0.3:
        return [Op([_case(rng, "HGET"), key, _field(rng)])]
    if r < 0.5:
        fields = [_field(rng) for _ in range(rng.randint(1, 4))]
        return [Op([_case(rng, "HMGET"), key] + fields)]
    if r < 0.65:
        return [Op([_case(rng, "HLEN"), key])]
    if r < 0.8:
        return [Op([_case(rng, "HEXISTS"), key, _field(rng)])]
    return [Op([_case(rng, "HSTRLEN"), key, _field(rng)])]


def gen_getall(rng, ctx):
    name = rng.choice(["HGETALL", "HGETALL", "HKEYS", "HVALS"])
    return [Op([_case(rng, name), _key(rng, ctx)], mode="hash_all")]


def gen_getall_unordered(rng, ctx):
    """The plain comparators (no encoding check)."""
    name = rng.choice(["HGETALL", "HKEYS", "HVALS"])
    mode = "hash_pairs" if name == "HGETALL" else "hash_multiset"
    return [Op([name, _key(rng, ctx)], mode=mode)]


def _count(rng):
    r = rng.random()
    if r < 0.75:
        return str(rng.randint(-12, 12))
    if r < 0.85:
        return str(rng.choice([130, 200, 1000, 9223372036854775807]))
    return rng.choice(["abc", "", "1.5", " 1", "-9223372036854775808",
                       "9223372036854775808", "4611686018427387904"])


def gen_hrandfield(rng, ctx):
    argv = [_case(rng, "HRANDFIELD"), _key(rng, ctx)]
    r = rng.random()
    if r < 0.25:
        return [Op(argv, mode="hrandfield")]
    count = _count(rng)
    argv.append(count)
    r = rng.random()
    if r < 0.45:
        argv.append(_case(rng, "WITHVALUES"))
        if rng.random() < 0.1:
            argv[-2] = rng.choice(["4611686018427387904", "-4611686018427387904",
                                   "4611686018427387903"])
    elif r < 0.5:
        argv.append(rng.choice(["WITHVALUE", "x", ""]))
    elif r < 0.53:
        argv += ["WITHVALUES", "extra"]
    return [Op(argv, mode="hrandfield")]


ZERO_CURSORS = ["0", "0", "0", "", "00", "+0", "-0"]
BAD_CURSORS = ["abc", " 1", "1 ", "18446744073709551616", "-", "0x1", "1.5"]


def gen_hscan(rng, ctx):
    argv = [_case(rng, "HSCAN"), _key(rng, ctx)]
    if rng.random() < 0.1:
        argv.append(rng.choice(BAD_CURSORS))
        return [Op(argv)]
    argv.append(rng.choice(ZERO_CURSORS))
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        r = rng.random()
        if r < 0.45:
            argv += [_case(rng, "COUNT"), rng.choice(
                ["1", "2", "5", "10", "100", "1000"] * 3 + ["0", "-1", "abc", ""])]
        elif r < 0.9:
            argv += [_case(rng, "MATCH"), rng.choice(
                [b"*", b"f*", b"f[1-3]", b"g1*", b"*o*", b"", b"\\*", b"?", b"x\x00y"])]
        elif r < 0.95:
            argv += ["TYPE", "hash"]
        else:
            argv.append(rng.choice(["COUNT", "MATCH", "FOO"]))
    return [Op(argv, mode="hscan")]


def gen_wrongtype(rng, ctx):
    """A value of another family's type where the hashes work."""
    if not ctx.wrongtype_makers:
        return [Op(["SET", ctx.key(rng), ctx.text(rng)])]
    return [rng.choice(ctx.wrongtype_makers)(rng, ctx, ctx.key(rng))]


def gen_del(rng, ctx):
    return [Op(["DEL", ctx.key(rng)])]


def gen_claim(rng, ctx):
    """Turn a shared key (most hold strings in a mixed stream) into a hash,
    so that the hash commands mostly meet hashes."""
    key = ctx.key(rng)
    recent = getattr(ctx, "hash_keys", [])
    ctx.hash_keys = ([key] + [k for k in recent if k != key])[:3]
    argv = ["HSET", key]
    for _ in range(rng.randint(1, 6)):
        argv += [rng.choice(FIELDS), _value(rng, ctx)]
    return [Op(["DEL", key]), Op(argv)]


def make_hash(rng, ctx, key):
    """WRONGTYPE maker: store a small hash under key."""
    argv = ["HSET", key]
    for _ in range(rng.randint(1, 3)):
        argv += [rng.choice(FIELDS), str(rng.randint(0, 100))]
    return Op(argv)


WRONGTYPE_MAKERS = [make_hash]

GENERATORS = [
    (18, gen_hset), (2, gen_big_hset), (5, gen_hsetnx), (8, gen_hdel),
    (8, gen_hincrby), (6, gen_hincrbyfloat), (3, gen_numeric_value),
    (16, gen_point_reads), (9, gen_getall), (2, gen_getall_unordered),
    (7, gen_hrandfield), (6, gen_hscan), (2, gen_wrongtype), (2, gen_del),
    (8, gen_claim),
]
_generate_one = weighted_generator(GENERATORS)


def generate(rng, ctx):
    # In a mixed stream, sometimes claim a key right before the op, so that
    # the op usually meets a hash of a few steps' history.
    if len(ctx.families) > 1 and rng.random() < 0.25:
        return gen_claim(rng, ctx) + _generate_one(rng, ctx)
    return _generate_one(rng, ctx)


# ---------------------------------------------------------------- comparing
def _value_or_none(raw):
    try:
        return parse_simple(raw)
    except Exception:  # noqa: BLE001 - not a well-formed reply
        return None


def _flat_array(raw):
    v = _value_or_none(raw)
    if not isinstance(v, list) or any(not isinstance(x, bytes) for x in v):
        return None
    return v


def _encode_array(items):
    return b"*%d\r\n" % len(items) + b"".join(
        b"$%d\r\n%s\r\n" % (len(x), x) for x in items)


def canonical_pairs(raw):
    """HGETALL: the flat field/value array with its pairs sorted, or None."""
    v = _flat_array(raw)
    if v is None or len(v) % 2:
        return None
    pairs = sorted(zip(v[0::2], v[1::2]))
    return _encode_array([x for p in pairs for x in p])


def canonical_multiset(raw):
    """HKEYS / HVALS: the array sorted, or None."""
    v = _flat_array(raw)
    if v is None:
        return None
    return _encode_array(sorted(v))


def compare_pairs(a, b):
    ca = canonical_pairs(a)
    return ca is not None and ca == canonical_pairs(b)


def compare_multiset(a, b):
    ca = canonical_multiset(a)
    return ca is not None and ca == canonical_multiset(b)


COMPARATORS = {"hash_pairs": compare_pairs, "hash_multiset": compare_multiset}


# ---------------------------------------------------------------- runners
def _call(side, argv):
    err = side.send(argv)
    return err or side.read()


def run_hash_all(side, argv):
    """HGETALL / HKEYS / HVALS with the key's encoding: exact for a listpack,
    canonical for a hashtable (see the module docstring)."""
    enc = _call(side, [b"OBJECT", b"ENCODING", argv[1]])
    if isinstance(enc, str):
        return enc
    raw = _call(side, argv)
    if isinstance(raw, str) or enc != b"$9\r\nhashtable\r\n":
        return enc + raw
    canon = (canonical_pairs(raw) if argv[0].upper() == b"HGETALL"
             else canonical_multiset(raw))
    # The reply's type byte stays: RESP3 answers HGETALL with a map.
    return enc + (raw[:1] + canon if canon is not None else raw)


def _int_or_none(b):
    try:
        return int(b)
    except ValueError:
        return None


def run_hrandfield(side, argv):
    """HRANDFIELD by shape (see the module docstring)."""
    whole = _call(side, [b"HGETALL", argv[1]])
    if isinstance(whole, str):
        return whole
    raw = _call(side, argv)
    if isinstance(raw, str) or raw[:1] in (b"-", b"_") or raw.startswith(b"$-1"):
        return raw
    v = _value_or_none(whole)
    hash_map = {}
    if isinstance(v, list) and len(v) % 2 == 0:
        hash_map = dict(zip(v[0::2], v[1::2]))
    reply = _value_or_none(raw)
    if isinstance(reply, bytes):
        return b"+single member=%d\r\n" % (reply in hash_map)
    if not isinstance(reply, list):
        return raw
    count = _int_or_none(argv[2]) if len(argv) > 2 else None
    with_values = len(argv) > 3
    nested = bool(reply) and all(isinstance(e, list) and len(e) == 2 for e in reply)
    if with_values and nested:  # RESP3: an array of [field, value] pairs
        entries = [tuple(e) for e in reply]
        members = all(hash_map.get(f) == val for f, val in entries)
    elif with_values:
        if len(reply) % 2:
            return b"+odd withvalues reply " + raw
        entries = list(zip(reply[0::2], reply[1::2]))
        members = all(hash_map.get(f) == val for f, val in entries)
    else:
        entries = reply
        members = all(f in hash_map for f in entries)
    shape = b"+n=%d members=%d nested=%d" % (len(entries), members, nested)
    if count is not None and count > 0:
        fields = [e[0] for e in entries] if with_values else entries
        shape += b" distinct=%d full=%d" % (
            len(set(fields)) == len(fields), len(entries) == min(count, len(hash_map)))
    return shape + b"\r\n"


def run_hscan(side, argv):
    """A whole HSCAN iteration: the sorted unique (field, value) pairs seen,
    or the first reply that is not a well-formed HSCAN reply (errors)."""
    argv = list(argv)
    pairs = set()
    for _ in range(HSCAN_MAX_CALLS):
        raw = _call(side, argv)
        if isinstance(raw, str):
            return raw
        v = _value_or_none(raw)
        if (not isinstance(v, list) or len(v) != 2 or not isinstance(v[0], bytes)
                or not isinstance(v[1], list) or len(v[1]) % 2):
            return raw
        pairs.update(zip(v[1][0::2], v[1][1::2]))
        if v[0] == b"0":
            return _encode_array([x for p in sorted(pairs) for x in p])
        argv[2] = v[0]
    return b"<hscan did not finish in %d calls>" % HSCAN_MAX_CALLS


RUNNERS = {"hash_all": run_hash_all, "hrandfield": run_hrandfield, "hscan": run_hscan}
