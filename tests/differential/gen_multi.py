"""Transactions: MULTI / EXEC / DISCARD / WATCH / UNWATCH.

Most ops are whole scripts run by the "txscript" runner: a sequence of steps
on the stream's connection (0) and on a second connection of the same server
(1), so another client can break a WATCH, plus sleeps that let a watched key
expire. The commands inside come from the data families' own generators
(only their exact-mode ops: random replies cannot be compared inside EXEC),
so every family is exercised queued, run by EXEC, and as the write that
touches a watched key. The runner's reply is every step's reply in order.
"""

import time

from gen_common import Op

import gen_hashes
import gen_keys
import gen_lists
import gen_sets
import gen_strings
import gen_zsets

FAMILY = "multi"
COMMANDS = {"MULTI": 1, "EXEC": 1, "DISCARD": 1, "WATCH": -2, "UNWATCH": 1,
            "TXSCRIPT": -1}

_DATA_FAMILIES = [gen_strings, gen_keys, gen_lists, gen_hashes, gen_sets, gen_zsets]
# Commands that would block the second connection, or change what the
# connection is (so the two servers' connections could drift apart).
_NEVER = {b"BLPOP", b"BRPOP", b"BLMOVE", b"BRPOPLPUSH", b"BLMPOP", b"BZPOPMIN",
          b"BZPOPMAX", b"BZMPOP", b"QUIT", b"RESET", b"HELLO", b"AUTH", b"CLIENT",
          b"SHUTDOWN", b"DEBUG", b"MONITOR", b"SUBSCRIBE", b"PSUBSCRIBE",
          b"SSUBSCRIBE", b"MULTI", b"EXEC", b"DISCARD", b"WATCH", b"UNWATCH",
          b"SELECT"}
_BLOCKING = {b"BLPOP", b"BRPOP", b"BLMOVE", b"BRPOPLPUSH", b"BLMPOP", b"BZPOPMIN",
             b"BZPOPMAX", b"BZMPOP"}


def _data_command(rng, ctx, blocking_ok=False):
    """One exact-mode command from a data family."""
    while True:
        fam = rng.choice(_DATA_FAMILIES)
        ops = [op for op in fam.generate(rng, ctx) if op.mode == "exact"]
        # Inside MULTI a blocking command answers as its non-blocking form.
        ops = [op for op in ops if op.argv and (
            op.argv[0].upper() not in _NEVER
            or (blocking_ok and op.argv[0].upper() in _BLOCKING))]
        if ops:
            return ops[0].argv


def _rejected(rng, ctx):
    """A command refused while queueing (EXEC then answers EXECABORT)."""
    return rng.choice([
        [b"NOSUCHCOMMAND", ctx.key(rng)],
        [b"SET", ctx.key(rng)],                 # wrong arity
        [b"GET"],
        [b"CONFIG", b"NOSUCHSUB"],             # unknown subcommand
        [b"LPUSH"],
    ])


def _script(steps):
    argv = [b"TXSCRIPT"]
    for conn, cmd in steps:
        argv += [conn, b"%d" % len(cmd)] + list(cmd)
    return Op(argv, "txscript")


def _transaction(rng, ctx):
    steps = []
    watched = []
    if rng.random() < 0.04:
        # Expiry: a key that expires after WATCH fails the EXEC; one that
        # had already expired when watched counts as absent (no change).
        key = ctx.key(rng)
        watched = [key]
        if rng.random() < 0.5:
            steps.append((b"1", [b"SET", key, b"v", b"PX", b"20"]))
            steps.append((b"0", [b"WATCH", key]))
            steps.append((b"S", [b"0.04"]))
        else:
            steps.append((b"1", [b"SET", key, b"v", b"PX", b"1"]))
            steps.append((b"S", [b"0.01"]))
            steps.append((b"0", [b"WATCH", key]))
    elif rng.random() < 0.5:
        watched = ctx.keys_n(rng, 1, 3)
        steps.append((b"0", [b"WATCH"] + watched))
        if rng.random() < 0.15:
            steps.append((b"0", [b"WATCH"] + ctx.keys_n(rng, 1, 2)))
    # Writes between WATCH and EXEC: by another client or by this one.
    r = rng.random()
    if watched and r < 0.45:
        for _ in range(rng.randint(1, 3)):
            cmd = _data_command(rng, ctx)
            # Aim the write at a watched key, when its first argument is a
            # key at all (not SCAN's cursor, KEYS' pattern ...).
            if rng.random() < 0.6 and len(cmd) > 1 and cmd[1] in ctx.keys:
                cmd = [cmd[0], rng.choice(watched)] + cmd[2:]
            steps.append((rng.choice([b"1", b"1", b"0"]), cmd))
    elif watched and r < 0.55:
        steps.append((b"0", [b"UNWATCH"]))
        steps.append((b"1", [b"DEL", rng.choice(watched)]))
    steps.append((b"0", [b"MULTI"]))
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if r < 0.05:
            steps.append((b"0", _rejected(rng, ctx)))
        elif r < 0.08:
            steps.append((b"0", [b"MULTI"]))
        elif r < 0.11:
            steps.append((b"0", [b"WATCH", ctx.key(rng)]))
        elif r < 0.14:
            steps.append((b"0", [b"UNWATCH"]))
        elif r < 0.17 and watched:
            steps.append((b"1", [b"SET", rng.choice(watched), b"x"]))
        else:
            steps.append((b"0", _data_command(rng, ctx, blocking_ok=True)))
    r = rng.random()
    if r < 0.8:
        steps.append((b"0", [b"EXEC"]))
    elif r < 0.9:
        steps.append((b"0", [b"DISCARD"]))
    elif r < 0.95:
        steps.append((b"0", [b"EXEC", b"extra"]))   # refused EXEC: EXECABORT
        steps.append((b"0", [b"EXEC"]))
    else:
        steps.append((b"0", [b"DISCARD", b"extra"]))
        steps.append((b"0", [b"DISCARD"]))
    return _script(steps)


def generate(rng, ctx):
    r = rng.random()
    if r < 0.8:
        return [_transaction(rng, ctx)]
    if r < 0.86:
        # Outside MULTI (a bare MULTI here would queue the other families'
        # next ops, whose random replies cannot be compared inside EXEC).
        return [Op([rng.choice([b"EXEC", b"DISCARD", b"UNWATCH"])]
                   + ([b"x"] if rng.random() < 0.2 else []))]
    if r < 0.93:
        # A dangling WATCH: a later transaction of the stream meets it.
        return [Op([b"WATCH"] + ctx.keys_n(rng, 1, 3))]
    return [Op([b"WATCH"])]


# ---------------------------------------------------------------- runner
_AUX = {}


def _aux(side):
    from resp import RawConnection
    conn = _AUX.get(id(side))
    if conn is None:
        conn = RawConnection(side.server.host, side.server.port, timeout=10.0)
        _AUX[id(side)] = conn
    return conn


def _roundtrip(conn, argv):
    from resp import encode
    conn.send(encode(argv))
    return conn.read_reply()


def run_script(side, argv):
    out = []
    i = 1
    while i < len(argv):
        conn, n = argv[i], int(argv[i + 1])
        cmd = argv[i + 2:i + 2 + n]
        i += 2 + n
        if conn == b"S":
            time.sleep(float(cmd[0]))
            continue
        try:
            target = side.conn if conn == b"0" else _aux(side)
            out.append(_roundtrip(target, cmd))
        except Exception as e:  # noqa: BLE001
            return "<%s: %s>" % (type(e).__name__, e)
    return b"".join(b"[%d]" % j + r for j, r in enumerate(out))


RUNNERS = {"txscript": run_script}
