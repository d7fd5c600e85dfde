"""Generator for the notify family: keyspace notifications.

Each op is a command drawn from the other data families' generators (their
generate functions, imported), run with notify-keyspace-events set to one of
FLAG_VARIANTS. A connection of its own per op and server, PSUBSCRIBEd to
__key*__:*, collects what the command published; the op's canonical reply holds the
command's own reply and that list of (channel, payload) messages, and both
must match.

How one op runs on one server (the "notify/<flags>/<mode>" runners):
  1. CONFIG SET notify-keyspace-events <flags> on the op's connection.
  2. EXISTS over every key of the shared pool: keys whose (absolute, past)
     TTL has passed are expired now, on both servers, instead of by each
     server's own active-expiry clock while the command runs.
  3. A subscriber connection PSUBSCRIBEs and sends PING, reading until the
     pong: the subscription is in place.
  4. The command itself, through its family's runner when its mode has one
     (SPOP, SSCAN ... are multi-command runs; their extra commands publish
     the same on both servers), or sent as is.
  5. PING on the subscriber again: the messages before the pong are the
     command's.
  6. The subscriber closes (CLIENT LIST TYPE pubsub, which the connection
     family compares, sees none) and CONFIG SET notify-keyspace-events ""
     makes the other families' ops publish nothing.

"expired" events are left out of the comparison: a key with a past TTL in
another database (MOVE, COPY ... DB, SWAPDB) or outside the key pool is
reclaimed by each server's active expiry at its own moment. They are
covered by the unit tests (storage and commands).

The reply part compares as the command's own mode does (unordered,
pairs, a family's comparator ...); the messages compare exactly, in order,
except where hash-table order shows through (unordered replies, SORT of a
set), where they compare as a multiset (see _UNORDERED).

Spindle passes this family only with PSUBSCRIBE and keyspace notifications
in place (the pub/sub work). A server that refuses PSUBSCRIBE still runs
each command (the data stays in step, so the other families' ops keep
matching), but every notify op mismatches.
"""

import glob
import importlib
import os

from gen_common import KEYS, MODES, Ctx, Op
from resp import RawConnection, encode, parse_simple

FAMILY = "notify"

# Families whose commands are replayed here: every data family. The
# connection family (PING, SELECT, CONFIG, CLIENT ...) publishes nothing.
_SKIP = {"gen_common", "gen_notify", "gen_connection"}
# Relative weights, as difftest's mixed streams use them.
_WEIGHTS = {"strings": 6, "keys": 3}

# notify-keyspace-events values the ops run with: everything (A) on both
# channels, with and without the classes A leaves out (n: "new", m:
# "keymiss"), and a few partial ones that check the filtering.
FLAG_VARIANTS = ["KEA", "KEA", "KEAn", "KEAm", "KEAnm", "Eg", "K$lshz", "Kn", "Em", "E$x"]

SUBSCRIBE_PATTERN = b"__key*__:*"
REPLY_TIMEOUT = 10.0


def _load_families():
    here = os.path.dirname(os.path.abspath(__file__))
    mods = []
    for path in sorted(glob.glob(os.path.join(here, "gen_*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name not in _SKIP:
            mods.append(importlib.import_module(name))
    return mods


_INNER = _load_families()
_INNER_RUNNERS = {}
_INNER_COMPARATORS = {}
for _mod in _INNER:
    _INNER_RUNNERS.update(getattr(_mod, "RUNNERS", {}))
    _INNER_COMPARATORS.update(getattr(_mod, "COMPARATORS", {}))

COMMANDS = {}
for _mod in _INNER:
    COMMANDS.update(getattr(_mod, "COMMANDS", {}))

# The generation context of the replayed families: all of them, so that
# their wrong-type makers are available whatever --families selects.
_CTX = Ctx(families={m.FAMILY: m for m in _INNER})
for _mod in _INNER:
    _CTX.wrongtype_makers.extend(getattr(_mod, "WRONGTYPE_MAKERS", []))
_NAMES = [m.FAMILY for m in _INNER]
_FAMILY_WEIGHTS = [_WEIGHTS.get(n, 2) for n in _NAMES]


def _mode(flags, inner):
    return "notify/%s/%s" % (flags, inner)


def generate(rng, ctx):
    fam = rng.choices(_NAMES, _FAMILY_WEIGHTS)[0]
    inner_ops = _INNER[_NAMES.index(fam)].generate(rng, _CTX)
    flags = rng.choice(FLAG_VARIANTS)
    return [Op(op.argv, mode=_mode(flags, op.mode)) for op in inner_ops]


# ---------------------------------------------------------------- events
class SubscribeRefused(Exception):
    """The server answered PSUBSCRIBE with something else than a
    subscription (no pub/sub): a mismatch, not a transport failure."""


class Subscriber:
    """A connection PSUBSCRIBEd to every keyspace / keyevent channel."""

    def __init__(self, side):
        self.conn = RawConnection(side.server.host, side.server.port, timeout=REPLY_TIMEOUT)
        self.conn.send_command([b"PSUBSCRIBE", SUBSCRIBE_PATTERN])
        raw = self.conn.read_reply()
        reply = parse_simple(raw)
        if not (isinstance(reply, list) and reply and reply[0] == b"psubscribe"):
            self.conn.close()
            raise SubscribeRefused(raw)

    def close(self):
        self.conn.close()

    def messages(self):
        """Everything published since the last call, as (channel, payload)
        pairs in order: a PING marks the end."""
        self.conn.send_command([b"PING"])
        out = []
        while True:
            msg = parse_simple(self.conn.read_reply())
            if isinstance(msg, list) and msg and msg[0] == b"pong":
                return out
            if isinstance(msg, list) and len(msg) == 4 and msg[0] == b"pmessage":
                out.append((msg[2], msg[3]))
            else:
                raise RuntimeError("unexpected message on the subscriber: %r" % (msg,))


def event_source(side):
    """A new subscriber for one op (a seam for tools that read events
    another way): messages() and close()."""
    return Subscriber(side)


def _is_expired(channel, payload):
    if channel.startswith(b"__keyspace@"):
        return payload == b"expired"
    # __keyevent@<db>__:<event>
    return channel.split(b"__:", 1)[-1] == b"expired"


def _call(side, argv):
    err = side.send(argv)
    return err or side.read()


def _run_inner(side, argv, inner):
    if inner in _INNER_RUNNERS:
        return _INNER_RUNNERS[inner](side, argv)
    if inner == "scan":
        from difftest import scan_iteration
        return scan_iteration(side, argv)
    if inner == "randomkey":
        from difftest import randomkey_shape
        return randomkey_shape(side, argv)
    return _call(side, argv)


def _run(side, argv, flags, inner):
    for step in ([b"CONFIG", b"SET", b"notify-keyspace-events", flags.encode()],
                 [b"EXISTS"] + list(KEYS)):
        raw = _call(side, step)
        if isinstance(raw, str):
            return raw
    try:
        source = event_source(side)
    except SubscribeRefused as e:
        # The command still runs, so that both servers keep the same data;
        # in place of its messages, what PSUBSCRIBE answered.
        reply = _run_inner(side, argv, inner)
        _call(side, [b"CONFIG", b"SET", b"notify-keyspace-events", b""])
        if isinstance(reply, str):
            return reply
        return encode([reply, b"PSUBSCRIBE answered", e.args[0]])
    except (OSError, RuntimeError, ValueError) as e:
        return "<subscriber failed: %s>" % e
    try:
        source.messages()
        reply = _run_inner(side, argv, inner)
        if isinstance(reply, str):
            return reply
        events = [m for m in source.messages() if not _is_expired(*m)]
    except (OSError, RuntimeError, ValueError) as e:
        return "<subscriber failed: %s>" % e
    finally:
        source.close()
    raw = _call(side, [b"CONFIG", b"SET", b"notify-keyspace-events", b""])
    if isinstance(raw, str):
        return raw
    # [reply, channel, payload, channel, payload ...]
    return encode([reply] + [x for m in events for x in m])


def _split(blob):
    """A canonical blob as (reply, [(channel, payload) ...])."""
    v = parse_simple(blob)
    return v[0], list(zip(v[1::2], v[2::2]))


def _compare_inner(inner, a, b):
    if a == b:
        return True
    if inner in _INNER_COMPARATORS:
        return _INNER_COMPARATORS[inner](a, b)
    from difftest import compare
    return compare(inner, a, b)


# Modes whose events may come in hash-table order, which differs between two
# processes, so they compare as a multiset: replies in that order, and SORT,
# which reads its BY and GET keys (a "keymiss" each when absent) in the
# order it meets a set's members.
_UNORDERED = {"unordered", "sort_unordered", "sort", "hash_pairs", "hash_multiset", "pairs"}


def _make(flags, inner):
    def run(side, argv):
        return _run(side, argv, flags, inner)

    def compare(a, b):
        try:
            ra, ea = _split(a)
            rb, eb = _split(b)
        except Exception:  # noqa: BLE001 - not a canonical blob
            return False
        if inner in _UNORDERED:
            same = sorted(ea) == sorted(eb)
        else:
            same = ea == eb
        return same and _compare_inner(inner, ra, rb)

    return run, compare


RUNNERS = {}
COMPARATORS = {}
for _flags in set(FLAG_VARIANTS):
    for _inner in set(MODES) | set(_INNER_RUNNERS) | set(_INNER_COMPARATORS):
        RUNNERS[_mode(_flags, _inner)], COMPARATORS[_mode(_flags, _inner)] = _make(_flags, _inner)
