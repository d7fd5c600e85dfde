"""Shared pieces for the per-family command generators.

A family is a module named gen_<family>.py in this directory exposing:

    FAMILY   = "strings"              # the name used by --families
    COMMANDS = {"GET": 2, ...}        # command -> Redis arity (for shapes
                                      # such as wrong-arity calls)
    def generate(rng, ctx) -> list[Op]  # one logical step (usually 1 command)

Optionally `WRONGTYPE_MAKERS`: functions (rng, ctx, key) -> Op that store a
value of the family's own type under `key`; other families use them to hit a
key with the wrong type (only makers of enabled families are used).

Generation depends only on the random generator (never on replies or the
clock), so a (seed, families) pair always yields the same stream and any
prefix of it can be replayed.
"""

from dataclasses import dataclass, field

# Comparison modes (implemented in difftest.compare and difftest.run_op):
#   exact     - byte-for-byte equality of the raw reply (the default)
#   ttl       - integer replies may differ by 1 (seconds left), -1/-2 exact
#   pttl      - integer replies may differ by 1000 (ms left), -1/-2 exact
#   pairs     - a flat name/value array in any pair order (CONFIG GET)
#   unordered - an array compared as a sorted multiset (KEYS)
#   idletime  - integers within 60 s (OBJECT IDLETIME), the rest exact
#   scan      - the op is a SCAN whose argv[1] is the first cursor: the
#               runner iterates on each server until the cursor is 0 and
#               compares the sets of keys seen (errors exactly)
#   randomkey - RANDOMKEY compared by shape: null on both, or on each side
#               a key that exists there (checked with KEYS), errors exactly
MODES = ("exact", "ttl", "pttl", "pairs", "unordered", "idletime", "scan", "randomkey")


@dataclass
class Op:
    argv: list
    mode: str = "exact"

    def __post_init__(self):
        self.argv = [a if isinstance(a, bytes) else str(a).encode()
                     for a in self.argv]


# ~20 key names so that commands collide; a few odd names (binary, spaces,
# empty) keep the key handling honest.
KEYS = [b"k%d" % i for i in range(15)] + [
    b"", b"key with space", b"bin\x00\r\nkey", b"\xff\xfe", b"{tag}k",
]

INT64_MAX = 9223372036854775807
INT64_MIN = -9223372036854775808

# Strings that are (or almost are) numbers: edges for INCR*, ranges, TTLs.
INT_EDGES = [
    b"0", b"1", b"-1", b"2", b"10", b"100", b"-100", b"4096",
    b"9223372036854775807", b"-9223372036854775808",
    b"9223372036854775806", b"-9223372036854775807",
    b"9223372036854775808", b"-9223372036854775809",
    b"18446744073709551616", b"99999999999999999999999",
    b"4611686018427387904", b"-4611686018427387904",
]
NUMBERISH = [
    b"0x10", b" 1", b"1 ", b"+1", b"01", b"-0", b"00", b"1.0", b"1.5",
    b"1e3", b"1e308", b"-1e308", b"1.7976931348623157e308", b"5e-324",
    b"1e-300", b"inf", b"-inf", b"+inf", b"Infinity", b"nan", b"NaN",
    b"-nan", b"", b"abc", b"1abc", b"3.14159", b"0.1", b"-0.0", b"1e",
    b".5", b"5.", b"1\x00", b"\t1", b"1e400", b"-", b"+", b"2.5e-3",
]
FLOATS = [
    b"0", b"1", b"-1", b"0.1", b"-0.1", b"1.5", b"3.0e3", b"1e308",
    b"-1e308", b"1e-308", b"5e-324", b"1.7976931348623157e308", b"inf",
    b"-inf", b"nan", b"10.5", b"-5", b"0.0001", b"123456789.123456789",
    b"1e17", b"9007199254740993", b"0x10", b" 1", b"1 ", b"+1", b"01",
    b"-0", b"1e400", b"abc", b"",
]

BINARY = [
    b"", b"\x00", b"\r\n", b"a\r\nb", b"\x00\x01\x02\xff", b"\r", b"\n",
    b"$3\r\nfoo\r\n", b"*1\r\n", b"-ERR x", b"\xe2\x82\xac", b" ",
    b"\"quoted\"", b"'single'", b"\\x00",
]


@dataclass
class Ctx:
    """Per-stream generation context (no server state is tracked)."""
    keys: list = field(default_factory=lambda: list(KEYS))
    families: dict = field(default_factory=dict)   # name -> module
    wrongtype_makers: list = field(default_factory=list)

    def key(self, rng):
        return rng.choice(self.keys)

    def keys_n(self, rng, lo, hi):
        return [self.key(rng) for _ in range(rng.randint(lo, hi))]

    def integer(self, rng):
        r = rng.random()
        if r < 0.45:
            return str(rng.randint(-50, 200)).encode()
        if r < 0.75:
            return rng.choice(INT_EDGES)
        if r < 0.9:
            return rng.choice(NUMBERISH)
        return str(rng.randint(-2**70, 2**70)).encode()

    def small_int(self, rng, lo=-20, hi=40):
        if rng.random() < 0.1:
            return rng.choice(INT_EDGES + NUMBERISH)
        return str(rng.randint(lo, hi)).encode()

    def floaty(self, rng):
        r = rng.random()
        if r < 0.4:
            return rng.choice(FLOATS)
        if r < 0.7:
            return ("%.*f" % (rng.randint(0, 6), rng.uniform(-1000, 1000))).encode()
        if r < 0.8:
            return ("%g" % rng.uniform(-1e20, 1e20)).encode()
        return self.integer(rng)

    def text(self, rng, lo=0, hi=12):
        n = rng.randint(lo, hi)
        return bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789")
                     for _ in range(n))

    def value(self, rng):
        """A value to store: text, numbers, binary, empty, sometimes long."""
        r = rng.random()
        if r < 0.30:
            return self.text(rng, 0, 12)
        if r < 0.55:
            return self.integer(rng)
        if r < 0.65:
            return self.floaty(rng)
        if r < 0.80:
            return rng.choice(BINARY)
        if r < 0.92:
            return bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        if r < 0.98:
            return self.text(rng, 100, 600)
        return b""


def weighted_generator(generators):
    """Returns generate(rng, ctx) picking one of (weight, fn) pairs by weight,
    the shape every family module exports."""
    total = sum(w for w, _ in generators)

    def generate(rng, ctx):
        x = rng.uniform(0, total)
        for w, fn in generators:
            x -= w
            if x <= 0:
                return fn(rng, ctx)
        return generators[-1][1](rng, ctx)

    return generate


def random_case(rng, word, keep, lower):
    """word as given with probability keep, lower-cased with probability
    lower, else in random mixed case: command names are case-insensitive."""
    r = rng.random()
    if r < keep:
        return word
    if r < keep + lower:
        return word.lower()
    return "".join(c.lower() if rng.random() < 0.5 else c for c in word)


def side_pool(pools, side, make):
    """The per-server helper object a multi-connection runner keeps in
    `pools` (a dict by id(side)): made with make(side) the first time, and
    again if that id now belongs to another Side (the old one was freed)."""
    p = pools.get(id(side))
    if p is None or p.side is not side:
        p = pools[id(side)] = make(side)
    return p
