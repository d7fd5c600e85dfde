"""Generator for the tracking family: client-side caching (CLIENT TRACKING),
with connections of its own on each server.

Every server gets the same pool, opened on first use and in the same order
(Redis sends a flush's invalidations in connection order):
  r3a  RESP3, tracks in any mode, may redirect to sub or w; never a target
  r3b  RESP3, tracks, redirects to itself at most; a REDIRECT target
  r2   RESP2, tracks (its invalidations go nowhere unless redirected)
  sub  RESP2, SUBSCRIBEd to __redis__:invalidate; a REDIRECT target
  w    RESP2, writes (and reads) the family's keys; a REDIRECT target that
       takes nothing (RESP2, not subscribed)
  ctl  RESP2, only waits for a closed slot to be gone (CLIENT LIST ID)
An op runs one command (or a MULTI ... EXEC block) on one slot, or closes
a slot ("kill", to break the redirects pointing at it; the slot is opened
again, with a new id, at the next op). Then every open slot is synchronised
with PING <token>: everything it received up to that PING's answer (the
command's reply, the invalidation pushes and messages that followed) is
the op's result, compared byte for byte. Client ids differ between the
servers: REDIRECT takes "@<slot>" placeholders, and ids in replies
(GETREDIR, TRACKINGINFO's redirect, tracking-redir-broken) are shown as
"<slot>#<generation>".

Determinism, and what it costs:
  - Keys are the family's own ("trk:..."); with other families in the
    stream, BCAST prefixes are never "" (BCAST always names a PREFIX then):
    other families' keys expire by active expiry, at each server's own
    moment. No short TTLs, no
    tracking-table-max-keys (it evicts random keys): the integration tests
    cover those.
  - A flush's nulls follow Redis's client list, which clientsCron rotates:
    runs of null invalidations on one connection compare sorted.
  - Redis sends one BCAST prefix's messages to its clients in pointer order.
    Those messages differ only for NOLOOP clients, so an ON with BCAST and
    NOLOOP never has REDIRECT and only r3a / r2 (whose messages reach no
    shared target) use it. For the same reason a broken redirect's pushes
    (to the tracking client itself) only reach r3a, which nobody else
    redirects to: r3b, a target, redirects to itself at most.
"""

import re
import time

from gen_common import Op, random_case, side_pool
from resp import ConnectionClosed, RawConnection, encode, parse_simple

FAMILY = "tracking"

# Redis 7.0 arities of what the ops run (MULTI / EXEC blocks show as TXN,
# closing a slot as KILL, both "(unknown command)" in the report).
COMMANDS = {
    "CLIENT": -2, "GET": 2, "MGET": -2, "EXISTS": -2, "STRLEN": 2, "TYPE": 2, "LRANGE": 4,
    "HGET": 3, "HEXISTS": 3, "GETRANGE": 4, "LLEN": 2, "SET": -3, "MSET": -3, "DEL": -2,
    "INCR": 2, "APPEND": 3, "LPUSH": -3, "RPOP": -2, "HSET": -4, "EXPIRE": -3, "PERSIST": 2,
    "RENAME": 3, "COPY": -3, "SETNX": 3, "GETDEL": 2, "UNLINK": -2, "RESET": 1, "HELLO": -1,
    "FLUSHDB": -1, "FLUSHALL": -1, "PING": -1,
}

READ_TIMEOUT = 10.0
TRACKERS = ("r3a", "r3b", "r2")
SLOT_ORDER = ("r3a", "r3b", "r2", "sub", "w", "ctl")  # opening order
RESP3 = ("r3a", "r3b")
TARGETS = {
    "r3a": ["@r3a", "@sub", "@w"],
    "r3b": ["@r3b"],
    "r2": ["@sub", "@r3b", "@w", "@r2"],
}
BOGUS_ID = b"999999999"

KEYS = [b"trk:a", b"trk:b", b"trk:ab", b"trk:a1", b"trk:b1", b"trk:x", b"trk:\x00z",
        b"trk:list", b"trk:hash"]
PREFIXES = [b"trk:", b"trk:a", b"trk:b", b"trk:ab", b"trk:x", b"trk:\x00", b"trk:q", b"nope"]


def _case(rng, word):
    return random_case(rng, word, 0.8, 0.12)


def _key(rng):
    return rng.choice(KEYS)


def _keys(rng, lo, hi):
    return [_key(rng) for _ in range(rng.randint(lo, hi))]


# ---------------------------------------------------------------- generators
def _tracking_on(rng, slot, solo):
    argv = ["CLIENT", _case(rng, "TRACKING"), _case(rng, "on")]
    bcast = rng.random() < 0.4
    noloop = rng.random() < 0.3
    redirect = rng.random() < (0.35 if slot != "r2" else 0.85)
    if bcast and noloop and (slot == "r3b" or redirect):
        noloop = False  # see the module docstring
    opts = []
    if redirect:
        target = BOGUS_ID if rng.random() < 0.05 else rng.choice(TARGETS[slot]).encode()
        opts.append(["REDIRECT", target])
    if bcast:
        opts.append(["BCAST"])
        # No PREFIX means "": every key, other families' too.
        for _ in range(rng.choice([0, 1, 1, 1, 2, 3] if solo else [1, 1, 1, 2, 3])):
            pool = PREFIXES + ([b""] if solo else [])
            opts.append(["PREFIX", rng.choice(pool)])
    elif rng.random() < 0.04:
        opts.append(["PREFIX", rng.choice(PREFIXES)])  # refused without BCAST
    if rng.random() < 0.25:
        opts.append(["OPTIN"])
    if rng.random() < 0.2:
        opts.append(["OPTOUT"])
    if noloop:
        opts.append(["NOLOOP"])
    rng.shuffle(opts)
    for o in opts:
        argv += [_case(rng, o[0])] + o[1:]
    return argv


def _read(rng):
    r = rng.random()
    if r < 0.4:
        return ["GET", _key(rng)]
    if r < 0.6:
        return ["MGET"] + _keys(rng, 1, 4)
    return rng.choice([
        ["EXISTS"] + _keys(rng, 1, 3), ["STRLEN", _key(rng)], ["TYPE", _key(rng)],
        ["LRANGE", "trk:list", "0", "-1"], ["HGET", "trk:hash", "f"], ["HEXISTS", _key(rng), "f"],
        ["GETRANGE", _key(rng), "0", "2"], ["LLEN", _key(rng)],
    ])


def _write(rng):
    r = rng.random()
    if r < 0.35:
        return ["SET", _key(rng), rng.choice(["1", "v", "xyz"])]
    if r < 0.5:
        args = []
        for k in _keys(rng, 1, 4):
            args += [k, "m"]
        return ["MSET"] + args
    if r < 0.62:
        return ["DEL"] + _keys(rng, 1, 3)
    return rng.choice([
        ["INCR", _key(rng)], ["APPEND", _key(rng), "+"], ["LPUSH", "trk:list", "e"],
        ["RPOP", "trk:list"], ["HSET", "trk:hash", "f", "v"], ["EXPIRE", _key(rng), "100000"],
        ["PERSIST", _key(rng)], ["RENAME", _key(rng), _key(rng)], ["COPY", _key(rng), _key(rng)],
        ["SETNX", _key(rng), "n"], ["GETDEL", _key(rng)], ["UNLINK", _key(rng)],
    ])


def _tracker_command(rng, slot, solo):
    r = rng.random()
    if r < 0.16:
        return _tracking_on(rng, slot, solo)
    if r < 0.2:
        return ["CLIENT", "TRACKING", _case(rng, "off")]
    if r < 0.45:
        return _read(rng)
    if r < 0.58:
        return _write(rng)
    if r < 0.68:
        return ["CLIENT", _case(rng, "CACHING"), rng.choice(["yes", "no", "YES", "maybe"])]
    if r < 0.73:
        return ["CLIENT", "TRACKINGINFO"]
    if r < 0.76:
        return ["CLIENT", "GETREDIR"]
    if r < 0.8:
        # CLIENT subcommands keep CACHING's flag for the next command.
        return rng.choice([["CLIENT", "ID"], ["CLIENT", "GETNAME"], ["CLIENT", "CACHING"],
                           ["CLIENT", "NOSUCH"], ["PING"], ["NOSUCHCOMMAND"]])
    if r < 0.83:
        return rng.choice([
            ["CLIENT", "TRACKING"], ["CLIENT", "TRACKING", "maybe"],
            ["CLIENT", "TRACKING", "on", "REDIRECT"], ["CLIENT", "TRACKING", "on", "REDIRECT", "x"],
            ["CLIENT", "TRACKING", "on", "REDIRECT", "@w", "REDIRECT", "@w"],
            ["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
            ["CLIENT", "TRACKING", "on", "BCAST", "OPTOUT"],
            ["CLIENT", "TRACKINGINFO", "x"], ["CLIENT", "GETREDIR", "x"],
        ])
    if r < 0.85:
        return ["RESET"]
    if r < 0.87 and slot in RESP3:
        return ["HELLO", rng.choice(["2", "3", "3"])]
    if r < 0.9:
        return ["FLUSHDB"] if rng.random() < 0.5 else ["FLUSHALL"]
    return _read(rng) if rng.random() < 0.5 else _write(rng)


def gen_tracker(rng, ctx):
    slot = rng.choice(TRACKERS)
    solo = set(ctx.families) == {FAMILY}
    return [Op(_tracker_command(rng, slot, solo), mode="tracking:" + slot)]


def gen_transaction(rng, ctx):
    slot = rng.choice(TRACKERS)
    solo = set(ctx.families) == {FAMILY}
    cmds = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.4:
            cmds.append(_read(rng))
        elif r < 0.75:
            cmds.append(_write(rng))
        elif r < 0.85:
            cmds.append(["CLIENT", "CACHING", rng.choice(["yes", "no"])])
        elif r < 0.92:
            cmds.append(_tracking_on(rng, slot, solo) if rng.random() < 0.7
                        else ["CLIENT", "TRACKING", "off"])
        else:
            cmds.append(["FLUSHDB"])
    # CLIENT CACHING before MULTI covers the whole transaction.
    pre = [["CLIENT", "CACHING", rng.choice(["yes", "no"])]] if rng.random() < 0.3 else []
    argv = ["TXN", str(len(pre))]
    for c in pre + cmds:
        argv += [str(len(c))] + c
    return [Op(argv, mode="tracking:" + slot)]


def gen_writer(rng, ctx):
    if rng.random() < 0.85:
        argv = _write(rng)
    elif rng.random() < 0.5:
        argv = _read(rng)
    else:
        argv = ["FLUSHDB"] if rng.random() < 0.5 else ["FLUSHALL"]
    return [Op(argv, mode="tracking:w")]


def gen_kill(rng, ctx):
    return [Op(["KILL", rng.choice(["sub", "r3b", "w", "r3a", "r2", "sub", "r3b"])],
               mode="tracking:kill")]


def generate(rng, ctx):
    r = rng.random()
    if r < 0.55:
        return gen_tracker(rng, ctx)
    if r < 0.65:
        return gen_transaction(rng, ctx)
    if r < 0.97:
        return gen_writer(rng, ctx)
    return gen_kill(rng, ctx)


# ---------------------------------------------------------------- runners
class _Pool:
    """One server's connections, their ids and generations."""

    def __init__(self, side):
        self.side = side
        self.conns = {}
        self.ids = {}          # slot -> current client id
        self.labels = {}       # client id -> "slot#generation"
        self.generation = {s: 0 for s in SLOT_ORDER}
        self.token = 0

    def ensure_all(self):
        for slot in SLOT_ORDER:
            if slot not in self.conns:
                self.open(slot)

    def open(self, slot):
        c = RawConnection(self.side.server.host, self.side.server.port, timeout=READ_TIMEOUT)
        if slot in RESP3:
            hello = c.call([b"HELLO", b"3"])
            if not hello.startswith(b"%"):
                raise RuntimeError("HELLO 3 refused: %r" % hello[:80])
        raw = c.call([b"CLIENT", b"ID"])
        cid = int(raw[1:-2])
        if slot == "sub":
            c.call([b"SUBSCRIBE", b"__redis__:invalidate"])
        self.conns[slot] = c
        self.ids[slot] = cid
        self.labels[cid] = "%s#%d" % (slot, self.generation[slot])
        self.generation[slot] += 1

    def kill(self, slot):
        c = self.conns.pop(slot)
        cid = self.ids.pop(slot)
        c.close()
        # Gone on the server before anything else happens: only then is a
        # redirect to it broken, on both servers alike.
        ctl = self.conns["ctl"]
        deadline = time.monotonic() + 30  # generous: a loaded machine is slow to see the close
        while time.monotonic() < deadline:
            if ctl.call([b"CLIENT", b"LIST", b"ID", b"%d" % cid]) == b"$0\r\n\r\n":
                return
            time.sleep(0.001)
        raise RuntimeError("client %d never went away" % cid)

    def next_token(self):
        self.token += 1
        return b"trk-sync-%d" % self.token

    def resolve(self, argv):
        out = []
        for a in argv:
            if a.startswith(b"@") and a[1:].decode(errors="replace") in self.ids:
                a = b"%d" % self.ids[a[1:].decode()]
            out.append(a)
        return out

    def label(self, m):
        cid = int(m.group(2))
        if cid == 0:
            return m.group(0)  # no redirect
        return m.group(1) + self.labels.get(cid, "?%d" % cid).encode() + m.group(3)


_POOLS = {}


def _pool(side):
    return side_pool(_POOLS, side, _Pool)


_REDIRECT_FIELD = re.compile(rb"(\$8\r\nredirect\r\n:)(\d+)(\r\n)")
_BROKEN = re.compile(rb"(\$21\r\ntracking-redir-broken\r\n:)(\d+)(\r\n)")
_HELLO_ID = re.compile(rb"(\$7\r\nversion\r\n\$[0-9]+\r\n[0-9.]+\r\n\$5\r\nproto\r\n:[23]\r\n"
                       rb"\$2\r\nid\r\n:)(\d+)(\r\n)")


_INTEGER = re.compile(rb"^(:)(\d+)(\r\n)$")


def _canonical(pool, raw, answers_id):
    """Client ids in raw as slot labels: TRACKINGINFO's redirect, the
    tracking-redir-broken push, HELLO's id and the reply of CLIENT
    GETREDIR / CLIENT ID."""
    raw = _REDIRECT_FIELD.sub(pool.label, raw)
    raw = _BROKEN.sub(pool.label, raw)
    raw = _HELLO_ID.sub(pool.label, raw)
    if answers_id:
        raw = _INTEGER.sub(pool.label, raw)
    return raw


def _read_until_token(conn, token):
    got = []
    while True:
        raw = conn.read_reply()
        try:
            v = parse_simple(raw)
        except Exception:  # noqa: BLE001
            v = None
        if v == token or v == [b"pong", token]:
            return got
        got.append(raw)


_NULL_INVALIDATIONS = {
    head + null
    for head in (b">2\r\n$10\r\ninvalidate\r\n",
                 b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n")
    for null in (b"_\r\n", b"$-1\r\n")
}


def _sort_flush_runs(frames):
    """A flush's null invalidations, in the order Redis walks its client
    list: that list rotates with every clientsCron run, so the order in
    which one REDIRECT target hears of several tracking clients' nulls
    changes with time. Runs of such frames are sorted."""
    out, run = [], []
    for f in frames + [None]:
        if f in _NULL_INVALIDATIONS:
            run.append(f)
            continue
        out.extend(sorted(run))
        run = []
        if f is not None:
            out.append(f)
    return out


def _read_replies(conn, n):
    """Frames up to and including the n-th that is not a push (a reply)."""
    got = []
    while n > 0:
        raw = conn.read_reply()
        got.append(raw)
        if not raw.startswith(b">"):
            n -= 1
    return got


def _sync_all(pool, acting, argv, first=()):
    """PING <token> on every open slot, the acting one first. first: what
    the acting slot received up to its last reply: that command's event-loop
    iteration is over, so whatever it sent anyone (BCAST messages go out
    with the replies) is queued before the PINGs are read. argv: the acting
    slot's command when it ran one alone (its reply is the first frame)."""
    order = [s for s in SLOT_ORDER if s in pool.conns and s != "ctl"]
    if acting in order:
        order.remove(acting)
        order.insert(0, acting)
    lines = []
    for slot in order:
        conn = pool.conns[slot]
        token = pool.next_token()
        conn.send(encode([b"PING", token]))
        frames = (list(first) if slot == acting else []) + _read_until_token(conn, token)
        answers_id = (slot == acting and argv is not None and len(argv) == 2 and
                      argv[0].upper() == b"CLIENT" and argv[1].upper() in (b"GETREDIR", b"ID"))
        # The reply is not always the first frame: a push (a flush's null
        # invalidation) may come before it. Only a bare integer frame is
        # relabelled, and pushes never are one.
        out = _sort_flush_runs([_canonical(pool, f, answers_id) for f in frames])
        lines.append(b"[%s] " % slot.encode() + b"".join(out))
    return b"\n".join(lines)


def _split_txn(argv):
    """TXN <commands before MULTI> (<argc> <argv...>)...: the commands to
    send, MULTI and EXEC included."""
    cmds, i = [], 2
    while i < len(argv):
        n = int(argv[i])
        cmds.append(argv[i + 1:i + 1 + n])
        i += 1 + n
    npre = int(argv[1])
    return cmds[:npre] + [[b"MULTI"]] + cmds[npre:] + [[b"EXEC"]]


def _make_runner(slot):
    def run(side, argv):
        pool = _pool(side)
        try:
            pool.ensure_all()
            if slot == "kill":
                pool.kill(argv[1].decode())
                return b"killed\n" + _sync_all(pool, None, None)
            conn = pool.conns[slot]
            # A transaction's commands are pipelined: nothing before EXEC
            # changes keys, so where the server's reads split them does not
            # matter; EXEC runs in one iteration.
            cmds = _split_txn(argv) if argv[0] == b"TXN" else [argv]
            conn.send(b"".join(encode(pool.resolve(c)) for c in cmds))
            first = _read_replies(conn, len(cmds))
            return _sync_all(pool, slot, None if len(cmds) > 1 else argv, first)
        except (OSError, ValueError, RuntimeError, ConnectionClosed) as e:
            dead = _POOLS.pop(id(side), None)
            if dead:
                for c in dead.conns.values():
                    c.close()
            return "<tracking runner failed: %s>" % e
    return run


RUNNERS = {"tracking:" + s: _make_runner(s) for s in TRACKERS + ("w", "kill")}
