"""Generator for the pubsub family: SUBSCRIBE ... PUBSUB, with subscriber
connections of their own on each server.

Every server gets the same pool of subscriber connections, opened on first
use: slots 0 and 1 speak RESP2, slots 2 and 3 RESP3 (HELLO 3), and a private
RESP3 connection runs the keyspace-notification steps. An op either runs a
command on one subscriber slot ("pubsub:<slot>"), publishes from the main
connection ("publish"), runs a notification sequence ("notify"), or is a plain
PUBSUB introspection call on the main connection.

After each subscriber or publish op every open subscriber is synchronised:
it is sent PING <token>, and everything it receives up to that PING's reply
(confirmations, messages, pushes, the pong itself) is part of the op's
result. Messages are queued before that PING's reply, so what a subscriber
received is complete and compared byte for byte, except where Redis answers
in its dict's random order:
  - the pmessages one publish delivers to one subscriber (Redis walks its
    pattern dict) are sorted, after the message it got for the channel;
  - UNSUBSCRIBE / SUNSUBSCRIBE without arguments confirm the client's
    channels in dict order: the names are sorted, the counts stay in order
    (they go down by one each). PUNSUBSCRIBE without arguments is exact:
    Redis 7.0 keeps a client's patterns in subscription order;
  - PUBSUB CHANNELS / SHARDCHANNELS compare as unordered arrays.

No generated pattern can match a "__keyspace@" / "__keyevent@" channel
(every pattern starts with a literal other than '_'), so the notification
steps, which enable notify-keyspace-events for a moment, reach only the
notification connection, whatever the other families do meanwhile.
"""

import time

from gen_common import Op, BINARY, weighted_generator, random_case, side_pool
from resp import ConnectionClosed, RawConnection, encode, parse_simple

FAMILY = "pubsub"

# Redis 7.0 arities.
COMMANDS = {
    "SUBSCRIBE": -2, "UNSUBSCRIBE": -1, "PSUBSCRIBE": -2, "PUNSUBSCRIBE": -1,
    "PUBLISH": 3, "SSUBSCRIBE": -2, "SUNSUBSCRIBE": -1, "SPUBLISH": 3, "PUBSUB": -2,
}

RESP3_SLOTS = (2, 3)
SLOTS = 4
NOTIFY_DB = b"9"  # no other family uses database 9
READ_TIMEOUT = 10.0

# Channels overlap with the patterns below; binary, empty and glob-looking
# names included. None starts with '_'.
CHANNELS = [b"ch1", b"ch2", b"ch10", b"chx", b"c", b"news.a", b"news.b", b"news.",
            b"", b"bin\x00\r\nch", b"\xff\xfe", b"a*b", b"ch?", b"x y", b"CH1"]
PATTERNS = [b"ch*", b"ch?", b"ch1*", b"c*", b"news.*", b"n[a-z]ws.?", b"[a-c]*",
            b"ch[^1]", b"ch[0-9]*", b"a\\*b", b"a*b", b"bin*", b"\xff*", b"CH*", b"x?y",
            b"c", b"ch1", b"[c]h[12]", b"n*.*", b"[", b"ch\\?"]


def _case(rng, word):
    return random_case(rng, word, 0.75, 0.15)


def _names(rng, pool, lo, hi):
    return [rng.choice(pool) for _ in range(rng.randint(lo, hi))]


def _message(rng, ctx):
    r = rng.random()
    if r < 0.6:
        return ctx.value(rng)
    if r < 0.75:
        return rng.choice(BINARY)
    # Large enough to be queued by reference (PubSub's kShareMinBytes)
    # and, at times, to span several chunks.
    return ctx.text(rng, 256, 3000) if r < 0.95 else ctx.text(rng, 16000, 40000)


# ---------------------------------------------------------------- generators
def gen_subscriber(rng, ctx):
    slot = rng.randrange(SLOTS)
    mode = "pubsub:%d" % slot
    r = rng.random()
    if r < 0.22:
        argv = [_case(rng, "SUBSCRIBE")] + _names(rng, CHANNELS, 1, 3)
    elif r < 0.40:
        argv = [_case(rng, "PSUBSCRIBE")] + _names(rng, PATTERNS, 1, 3)
    elif r < 0.50:
        argv = [_case(rng, "SSUBSCRIBE")] + _names(rng, CHANNELS, 1, 3)
    elif r < 0.60:
        argv = [_case(rng, "UNSUBSCRIBE")] + _names(rng, CHANNELS, 0, 2)
    elif r < 0.70:
        argv = [_case(rng, "PUNSUBSCRIBE")] + _names(rng, PATTERNS, 0, 2)
    elif r < 0.76:
        argv = [_case(rng, "SUNSUBSCRIBE")] + _names(rng, CHANNELS, 0, 2)
    elif r < 0.82:
        argv = rng.choice([["PING"], ["PING", "hello"], ["PING", ""], ["PING", "a", "b"]])
    elif r < 0.91:
        # Commands outside the subscribed context: refused for a subscribed
        # RESP2 client, run for the others. PUBLISH from a subscriber may
        # reach the subscriber itself (a RESP3 push before the reply).
        argv = rng.choice([
            ["ECHO", "x"], ["PUBSUB", "NUMPAT"], ["PUBSUB", "NUMSUB", "ch1"],
            ["PUBLISH", rng.choice(CHANNELS), ctx.value(rng)],
            ["SPUBLISH", rng.choice(CHANNELS), "s"], ["nosuchcommand"], ["GET"],
            ["PUBSUB", "bogus"],
        ])
    elif r < 0.96:
        # Wrong arity.
        argv = [rng.choice(["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"])]
    elif r < 0.985:
        argv = ["RESET"]
    else:
        argv = ["QUIT"]
    return [Op(argv, mode=mode)]


def gen_publish(rng, ctx):
    r = rng.random()
    if r < 0.7:
        argv = [_case(rng, "PUBLISH"), rng.choice(CHANNELS), _message(rng, ctx)]
    elif r < 0.93:
        argv = [_case(rng, "SPUBLISH"), rng.choice(CHANNELS), _message(rng, ctx)]
    else:
        argv = rng.choice([["PUBLISH", "ch1"], ["PUBLISH", "ch1", "a", "b"], ["SPUBLISH"],
                           ["SPUBLISH", "ch1"]])
    return [Op(argv, mode="publish")]


def gen_introspection(rng, ctx):
    r = rng.random()
    if r < 0.2:
        return [Op([_case(rng, "PUBSUB"), "CHANNELS"] +
                   ([rng.choice(PATTERNS + [b"*"])] if rng.random() < 0.6 else []),
                   mode="unordered")]
    if r < 0.3:
        return [Op([_case(rng, "PUBSUB"), _case(rng, "SHARDCHANNELS")] +
                   ([rng.choice(PATTERNS + [b"*"])] if rng.random() < 0.6 else []),
                   mode="unordered")]
    if r < 0.55:
        return [Op(["PUBSUB", _case(rng, "NUMSUB")] + _names(rng, CHANNELS, 0, 4))]
    if r < 0.7:
        return [Op(["PUBSUB", "SHARDNUMSUB"] + _names(rng, CHANNELS, 0, 4))]
    if r < 0.85:
        return [Op(["PUBSUB", _case(rng, "NUMPAT")])]
    return [Op(rng.choice([
        ["PUBSUB"], ["PUBSUB", "HELP"], ["PUBSUB", "help", "x"], ["PUBSUB", "NUMPAT", "x"],
        ["PUBSUB", "CHANNELS", "a", "b"], ["PUBSUB", "shardchannels", "a", "b"],
        ["PUBSUB", "bogus"], ["PUBSUB", "bogus", "x"],
    ]))]


# notify-keyspace-events values whose classes only storage raises today
# (expired, keymiss), with and without K / E.
NOTIFY_FLAGS = [b"", b"K", b"E", b"x", b"m", b"xm", b"Kx", b"Ex", b"Km", b"Em", b"KEx",
                b"KEm", b"KExm", b"Exm", b"Kxm", b"mE", b"EKmx"]


def gen_notify(rng, ctx):
    key = ctx.key(rng)
    return [Op([b"NOTIFY", rng.choice(NOTIFY_FLAGS), key], mode="notify")]


generate = weighted_generator([
    (40, gen_subscriber), (30, gen_publish), (15, gen_introspection), (4, gen_notify),
])


# ---------------------------------------------------------------- runners
class _Pool:
    """One server's subscriber connections and sync counter."""

    def __init__(self, side):
        self.side = side
        self.conns = {}
        self.token = 0

    def open(self, slot):
        c = self.conns.get(slot)
        if c is None:
            c = RawConnection(self.side.server.host, self.side.server.port, timeout=READ_TIMEOUT)
            if slot in RESP3_SLOTS or slot == "notify":
                hello = c.call([b"HELLO", b"3"])
                if not hello.startswith(b"%"):
                    raise RuntimeError("HELLO 3 refused: %r" % hello[:80])
            self.conns[slot] = c
        return c

    def drop(self, slot):
        c = self.conns.pop(slot, None)
        if c:
            c.close()

    def next_token(self):
        self.token += 1
        return b"sync-%d" % self.token


_POOLS = {}


def _pool(side):
    return side_pool(_POOLS, side, _Pool)


def _read_until_token(conn, token):
    """Every reply up to (not including) the reply of PING <token>, and that
    reply."""
    got = []
    while True:
        raw = conn.read_reply()
        try:
            v = parse_simple(raw)
        except Exception:  # noqa: BLE001
            v = None
        if v == token or v == [b"pong", token]:
            return got, raw
        got.append(raw)


def _confirmation(raw):
    """(header byte, kind, name, count) of a (un)subscribe confirmation."""
    v = parse_simple(raw)
    return raw[:1], v[0], v[1], v[2]


def _encode_confirmation(head, kind, name, count):
    out = head + b"3\r\n$%d\r\n%s\r\n" % (len(kind), kind)
    out += b"_\r\n" if name is None and head == b">" else (
        b"$-1\r\n" if name is None else b"$%d\r\n%s\r\n" % (len(name), name))
    return out + b":%d\r\n" % count


def _canonical_unsubscribe_all(replies):
    """Confirmations of an UNSUBSCRIBE / SUNSUBSCRIBE without arguments:
    names sorted, counts in their order (Redis walks a dict)."""
    try:
        parts = [_confirmation(r) for r in replies]
    except Exception:  # noqa: BLE001 - not confirmations: leave as is
        return replies
    names = sorted((p[2] for p in parts), key=lambda n: (n is None, n or b""))
    return [_encode_confirmation(p[0], p[1], n, p[3]) for p, n in zip(parts, names)]


def _canonical_messages(replies):
    """pmessages sorted after the rest (Redis walks its pattern dict)."""
    plain, pattern = [], []
    for r in replies:
        (pattern if b"\r\n$8\r\npmessage\r\n" in r[:20] else plain).append(r)
    return plain + sorted(pattern)


def _sync_all(pool, acting=None, acting_argv=None):
    """PING <token> on every open subscriber; returns the canonical record of
    what each received, the acting slot's command output included. The
    acting slot is synchronised first: until its command has run (a PUBLISH
    from a subscriber, say), another slot's PING may be served before it."""
    slots = sorted(pool.conns, key=str)
    if acting in pool.conns:
        slots.remove(acting)
        slots.insert(0, acting)
    record = {}
    for slot in slots:
        conn = pool.conns[slot]
        token = pool.next_token()
        conn.send(encode([b"PING", token]))
        replies, pong = _read_until_token(conn, token)
        name = acting_argv[0].upper() if slot == acting else b""
        if name in (b"UNSUBSCRIBE", b"SUNSUBSCRIBE") and len(acting_argv) == 1:
            replies = _canonical_unsubscribe_all(replies)
        else:
            replies = _canonical_messages(replies)
        record[slot] = b"".join(replies) + b" <" + pong + b">"
    return b"\n".join(b"[%s] " % str(slot).encode() + record[slot]
                      for slot in sorted(record, key=str))


def _guard(fn):
    def run(side, argv):
        try:
            return fn(side, argv)
        except (OSError, ValueError, RuntimeError, ConnectionClosed) as e:  # a stuck or dead server
            pool = _POOLS.pop(id(side), None)
            if pool:
                for slot in list(pool.conns):
                    pool.drop(slot)
            return "<pubsub runner failed: %s>" % e
    return run


def _make_slot_runner(slot):
    def run(side, argv):
        pool = _pool(side)
        conn = pool.open(slot)
        conn.send(encode(argv))
        if argv[0].upper() == b"QUIT":
            first = conn.read_reply()
            closed = conn.read_until_closed()  # the server closes after +OK
            pool.drop(slot)
            return first + b" closed:%r\n" % closed + _sync_all(pool)
        record = _sync_all(pool, acting=slot, acting_argv=argv)
        if argv[0].upper() == b"RESET" and slot in RESP3_SLOTS:
            hello = conn.call([b"HELLO", b"3"])  # RESET went back to RESP2
            if not hello.startswith(b"%"):
                return record + b"\nHELLO 3 after RESET refused: " + hello
        return record
    return _guard(run)


def run_publish(side, argv):
    pool = _pool(side)
    err = side.send(argv)
    raw = err or side.read()
    if isinstance(raw, str):
        return raw
    return raw + b"\n" + _sync_all(pool)


def run_notify(side, argv):
    """On the notification connection (RESP3, so it may run any command while
    subscribed; pushes arrive in line with the replies): subscribe to the
    key's keyspace channel and the expired / keymiss keyevent channels of
    database NOTIFY_DB, set the flags, let a key expire and read it twice,
    clear the flags, unsubscribe."""
    _, flags, key = argv
    pool = _pool(side)
    conn = pool.open("notify")
    space = b"__keyspace@" + NOTIFY_DB + b"__:" + key
    event = b"__keyevent@" + NOTIFY_DB + b"__:"
    # Active expiry off while the key waits: the expire cycle could run
    # between SET and the first PING on one server and not on the other,
    # which puts "expired" before that PING's reply on one side only. The
    # first GET expires it (lazily) on both.
    steps = [
        [b"SELECT", NOTIFY_DB],
        [b"SUBSCRIBE", space, event + b"expired", event + b"keymiss"],
        [b"CONFIG", b"SET", b"notify-keyspace-events", flags],
        [b"DEBUG", b"SET-ACTIVE-EXPIRE", b"0"],
        [b"SET", key, b"v", b"PX", b"1"],
    ]
    for cmd in steps:
        conn.send(encode(cmd))
    # The SET must have run before the pause: a server that read SET and GET
    # in one batch could judge both at one cached time.
    token = pool.next_token()
    conn.send(encode([b"PING", token]))
    first, pong1 = _read_until_token(conn, token)
    time.sleep(0.005)  # the key's 1 ms is over on both servers
    steps = [
        [b"GET", key],
        [b"GET", key],
        [b"CONFIG", b"SET", b"notify-keyspace-events", b""],
        # Back as the stream had it (off in AOF mode: see difftest.run_stream).
        [b"DEBUG", b"SET-ACTIVE-EXPIRE", b"1" if getattr(side, "active_expire", True) else b"0"],
        [b"UNSUBSCRIBE"],
        [b"SELECT", b"0"],
    ]
    for cmd in steps:
        conn.send(encode(cmd))
    token = pool.next_token()
    conn.send(encode([b"PING", token]))
    replies, pong2 = _read_until_token(conn, token)
    # The closing UNSUBSCRIBE confirms three channels in dict order.
    tail = _canonical_unsubscribe_all(replies[-4:-1])
    return (b"".join(first) + b" <" + pong1 + b"> " + b"".join(replies[:-4] + tail + replies[-1:]) +
            b" <" + pong2 + b">")


RUNNERS = {"pubsub:%d" % s: _make_slot_runner(s) for s in range(SLOTS)}
RUNNERS["publish"] = _guard(run_publish)
RUNNERS["notify"] = _guard(run_notify)
