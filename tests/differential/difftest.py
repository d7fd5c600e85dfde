#!/usr/bin/python3
"""Differential tester: the same seeded random command stream against
Debian's redis-server (the reference) and spindle-server, compared byte for
byte.

    difftest.py --ops 5000 --seed 42 --backend epoll
    difftest.py --ops 5000 --seed 42 --families strings,keys
    difftest.py --self-test --ops 5000          # redis vs redis: must be 0
    difftest.py --resp 3 --ops 5000             # every connection speaks RESP3
    difftest.py --aof --ops 5000                # and compare what each op appends
                                                # to the AOF (appendonly yes)
    difftest.py --dirty --families sets,lists    # also compare each command's
                                                 # change count (server.dirty)
    difftest.py --seed 42 --replay 1234          # print ops 0..1234
    difftest.py --seed 42 --replay 1234 --replay-run   # and run them, showing
                                                 # both replies side by side

Families are the gen_<family>.py modules of this directory (see
gen_common.py for the interface); a new family only adds a file.

Exit status: 0 = no mismatch, 1 = at least one mismatch, 2 = harness error
(a server did not start, died, or the stream could not be run).
"""

import argparse
import glob
import importlib
import os
import random
import socket
import sys
import time
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from gen_common import Ctx  # noqa: E402
from resp import parse_simple, ConnectionClosed, RawConnection, parse_int_reply  # noqa: E402
import servers  # noqa: E402

# Relative weight of each family in a mixed stream (unknown families: 2).
FAMILY_WEIGHTS = {"strings": 6, "keys": 3, "connection": 1}
REPLY_TIMEOUT = 10.0
TOLERANCE = {"ttl": 1, "pttl": 1000, "idletime": 60}
# A full SCAN iteration stops after this many calls (a cursor that never
# comes back to 0 is a bug; the partial result then mismatches).
SCAN_MAX_CALLS = 100000


# ---------------------------------------------------------------- families
# Comparison modes and multi-command runners that family modules add:
# a gen_<family>.py may export COMPARATORS = {mode: fn(ref_reply, test_reply)
# -> bool} and RUNNERS = {mode: fn(side, argv) -> canonical reply}.
EXTRA_COMPARATORS = {}
EXTRA_RUNNERS = {}


def discover_families():
    fams = OrderedDict()
    for path in sorted(glob.glob(os.path.join(HERE, "gen_*.py"))):
        modname = os.path.splitext(os.path.basename(path))[0]
        if modname == "gen_common":
            continue
        mod = importlib.import_module(modname)
        fams[mod.FAMILY] = mod
        EXTRA_COMPARATORS.update(getattr(mod, "COMPARATORS", {}))
        EXTRA_RUNNERS.update(getattr(mod, "RUNNERS", {}))
    return fams


def select_families(spec):
    all_fams = discover_families()
    if not spec:
        return all_fams
    out = OrderedDict()
    for name in spec.split(","):
        name = name.strip()
        if not name:
            continue
        if name not in all_fams:
            raise SystemExit("unknown family %r (known: %s)"
                             % (name, ", ".join(all_fams)))
        out[name] = all_fams[name]
    return out


def make_ctx(families):
    ctx = Ctx(families=families)
    for mod in families.values():
        ctx.wrongtype_makers.extend(getattr(mod, "WRONGTYPE_MAKERS", []))
    return ctx


def stream(seed, families, nops):
    """Yield (index, family, Op) for the first `nops` ops of the stream.

    Depends only on (seed, families): a prefix of a longer run is identical.
    """
    rng = random.Random(seed)
    ctx = make_ctx(families)
    names = list(families)
    weights = [FAMILY_WEIGHTS.get(n, 2) for n in names]
    i = 0
    while i < nops:
        fam = rng.choices(names, weights)[0]
        for op in families[fam].generate(rng, ctx):
            if i >= nops:
                return
            yield i, fam, op
            i += 1


# ---------------------------------------------------------------- display
def quote_arg(b):
    """Quote an argument so that redis-cli accepts it back."""
    if b and all(33 <= c < 127 and c not in b"\"'\\" for c in b):
        return b.decode()
    out = ['"']
    for c in b:
        ch = chr(c)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    out.append('"')
    return "".join(out)


def show_cmd(argv, limit=300):
    s = " ".join(quote_arg(a) for a in argv)
    return s if len(s) <= limit else s[:limit] + "...(%d chars)" % len(s)


def show_reply(raw, limit=300):
    if isinstance(raw, str):
        return raw
    s = repr(raw)
    return s if len(s) <= limit else s[:limit] + "...(%d bytes)" % len(raw)


# ---------------------------------------------------------------- compare
def _pairs(raw):
    """A flat name/value array as a sorted list of pairs, or None."""
    try:
        v = parse_simple(raw)
    except Exception:  # noqa: BLE001 - not a well-formed array
        return None
    if not isinstance(v, list) or len(v) % 2:
        return None
    return sorted(zip(v[0::2], v[1::2]))


def _sorted_array(raw):
    """An array reply as a sorted list of its raw elements, or None."""
    try:
        v = parse_simple(raw)
    except Exception:  # noqa: BLE001 - not a well-formed array
        return None
    if not isinstance(v, list) or any(isinstance(x, (list, Exception)) for x in v):
        return None
    return sorted(v, key=lambda x: (x is None, repr(x)))


def compare(mode, a, b):
    """True when replies a (reference) and b agree under `mode`.

    exact      byte for byte (the default)
    pairs      a flat name/value array, in any pair order (CONFIG GET)
    unordered  an array compared as a sorted multiset (KEYS)
    ttl, pttl  integers within TOLERANCE; negative values (-1, -2) exact
    idletime   integers within TOLERANCE (OBJECT IDLETIME: seconds since
               the last access, which Redis shares between keys holding the
               same small integer), anything else exact
    scan       "scan" ops are run by run_op as a whole iteration and already
               canonical (sorted unique keys): exact
    randomkey  run_op turns the reply into its shape: exact
    """
    if a == b:
        return True
    if isinstance(a, str) or isinstance(b, str):
        return False
    if mode in ("pairs", "unordered") and a[:1] != b[:1]:
        return False  # RESP3: a set, map or array must stay what it is
    if mode == "pairs":  # CONFIG GET: Redis orders by its hash table
        pa = _pairs(a)
        return pa is not None and pa == _pairs(b)
    if mode == "unordered":
        sa = _sorted_array(a)
        return sa is not None and sa == _sorted_array(b)
    if mode in EXTRA_COMPARATORS:
        return EXTRA_COMPARATORS[mode](a, b)
    tol = TOLERANCE.get(mode)
    if tol is None:
        return False
    x, y = parse_int_reply(a), parse_int_reply(b)
    if x is None or y is None:
        return False
    if x < 0 or y < 0:  # -1 (no TTL) and -2 (no key) are exact
        return x == y
    return abs(x - y) <= tol


# ---------------------------------------------------------------- multi-command ops
# Some replies are not deterministic but have a deterministic meaning; for
# those ops run_op sends more than one command to the same server and returns
# one canonical reply (RESP bytes) instead of the raw one, so that compare()
# can stay exact.
def _glob_escape(key):
    """A KEYS pattern matching exactly `key`."""
    out = bytearray()
    for c in key:
        if c in b"*?[]\\":
            out += b"\\"
        out.append(c)
    return bytes(out)


def _canonical_keys(keys):
    uniq = sorted(set(keys))
    return b"*%d\r\n" % len(uniq) + b"".join(b"$%d\r\n%s\r\n" % (len(k), k) for k in uniq)


def scan_iteration(side, argv, cursor_index=1):
    """Runs SCAN argv (argv[cursor_index] is the first cursor: 1 for SCAN,
    2 for HSCAN / SSCAN / ZSCAN) and the calls that follow until the cursor
    is back to 0. Returns the canonical set of keys seen
    (an array of sorted unique keys), or the first reply that is not a
    well-formed SCAN reply (an error is returned as is), or a transport
    failure string."""
    argv = list(argv)
    keys = []
    for _ in range(SCAN_MAX_CALLS):
        err = side.send(argv)
        raw = err or side.read()
        if isinstance(raw, str):
            return raw
        try:
            v = parse_simple(raw)
        except Exception:  # noqa: BLE001
            return raw
        if (not isinstance(v, list) or len(v) != 2 or not isinstance(v[0], bytes)
                or not isinstance(v[1], list)):
            return raw
        keys.extend(v[1])
        if v[0] == b"0":
            return _canonical_keys(keys)
        argv[cursor_index] = v[0]
    return b"<scan did not finish in %d calls>" % SCAN_MAX_CALLS


def randomkey_shape(side, argv):
    """Runs RANDOMKEY; a bulk reply becomes "+existing key" when KEYS with
    the escaped name finds it (KEYS neither counts hits nor touches the key),
    so two servers agree whatever key each picked. Null and errors stay."""
    err = side.send(argv)
    raw = err or side.read()
    if isinstance(raw, str) or not raw.startswith(b"$") or raw.startswith(b"$-1"):
        return raw
    key = parse_simple(raw)
    err = side.send([b"KEYS", _glob_escape(key)])
    check = err or side.read()
    if isinstance(check, str):
        return check
    try:
        found = parse_simple(check) == [key]
    except Exception:  # noqa: BLE001
        found = False
    return b"+existing key\r\n" if found else b"+missing key %r\r\n" % key


def run_op(ref, test, op):
    """Sends op to both servers; returns (reply_ref, reply_test)."""
    if op.mode == "scan":
        return scan_iteration(ref, op.argv), scan_iteration(test, op.argv)
    if op.mode == "randomkey":
        return randomkey_shape(ref, op.argv), randomkey_shape(test, op.argv)
    if op.mode in EXTRA_RUNNERS:
        run = EXTRA_RUNNERS[op.mode]
        return run(ref, op.argv), run(test, op.argv)
    e1 = ref.send(op.argv)
    e2 = test.send(op.argv)
    return e1 or ref.read(), e2 or test.read()


# ---------------------------------------------------------------- running
class Side:
    """One server under test and our connection to it."""

    def __init__(self, label, server, resp=2):
        self.label = label
        self.server = server
        self.resp = resp
        self.conn = None

    def connect(self):
        if self.conn:
            self.conn.close()
        self.conn = RawConnection(self.server.host, self.server.port,
                                  timeout=REPLY_TIMEOUT)
        if self.resp == 3:
            hello = self.conn.call([b"HELLO", b"3"])
            if not hello.startswith(b"%"):
                raise RuntimeError("%s refused HELLO 3: %r" % (self.label, hello[:80]))

    def send(self, argv):
        from resp import encode
        try:
            self.conn.send(encode(argv))
            return None
        except OSError as e:
            return "<send failed: %s>" % e

    def read(self):
        try:
            return self.conn.read_reply()
        except ConnectionClosed:
            return "<connection closed>"
        except socket.timeout:
            return "<timeout after %.0fs>" % REPLY_TIMEOUT
        except OSError as e:
            return "<read failed: %s>" % e
        except ValueError as e:
            return "<unparsable reply: %s>" % e


# ---------------------------------------------------------------- AOF
AOF_INCR = os.path.join("appendonlydir", "appendonly.aof.1.incr.aof")
# Arguments that hold an absolute unix time in ms the server computed from
# its own clock: compared with this tolerance.
AOF_TIME_TOLERANCE_MS = 2000
# Runners that cross the servers (a DUMP of one restored into the other):
# what each server appends then depends on the order the runner visits them.
AOF_UNCOMPARABLE_MODES = {"dumpx"}
# SPOP pops random members, different on each server: compared with the
# members of its SREMs masked (how many, in which key, wrapped how).
AOF_MASKED_MODES = {"spop"}


def mask_random_members(entries):
    return [(db, argv[:2] + [b"?"] if argv and argv[0].upper() == b"SREM" and len(argv) == 3
             else argv) for db, argv in entries]


def parse_aof(data):
    """The commands in an AOF chunk as lists of bytes; a '#' annotation line
    is kept as a one-element list. Raises ValueError on a bad format."""
    cmds = []
    i = 0
    while i < len(data):
        eol = data.index(b"\r\n", i)
        line = data[i:eol]
        i = eol + 2
        if line.startswith(b"#"):
            cmds.append([line])
            continue
        if not line.startswith(b"*"):
            raise ValueError("bad AOF line %r" % line[:40])
        argv = []
        for _ in range(int(line[1:])):
            eol = data.index(b"\r\n", i)
            n = int(data[i + 1:eol])
            argv.append(data[eol + 2:eol + 2 + n])
            i = eol + 2 + n + 2
        cmds.append(argv)
    return cmds


def aof_time_positions(argv):
    """Positions of absolute times a server derived from its clock."""
    name = argv[0].upper() if argv else b""
    out = set()
    if name == b"PEXPIREAT" and len(argv) >= 3:
        out.add(2)
    if name == b"SET":
        for j in range(3, len(argv) - 1):
            if argv[j].upper() == b"PXAT":
                out.add(j + 1)
    if name == b"RESTORE" and any(a.upper() == b"ABSTTL" for a in argv[4:]):
        out.add(2)
    return out


def aof_entries(cmds, db):
    """Commands as (db, argv), SELECTs applied (where a SELECT falls depends
    on what else was written, not on the command)."""
    out = []
    for argv in cmds:
        if len(argv) == 1 and argv[0].startswith(b"#"):
            continue  # timestamp annotations: compared by the integration tests
        if argv and argv[0].upper() == b"SELECT" and len(argv) == 2:
            db = int(argv[1])
            continue
        out.append((db, argv))
    return out, db


def is_loose_del(db, argv, depth, had_ttl):
    """A DEL / UNLINK of one key that is the DEL of a key found expired, as
    far as the AOF can tell: a lone one, or one inside MULTI of a key that
    had a TTL. When a command meets a key with a TTL before or after its
    deadline depends on the microsecond each server runs it (the two set
    their absolute times a few ms apart), so such DELs are compared as a
    multiset over the run (loose_difference), not in place."""
    if len(argv) != 2 or argv[0].upper() not in (b"DEL", b"UNLINK"):
        return False
    return depth == 0 or argv[1] in had_ttl


def argv_equal(x, y):
    if len(x) != len(y):
        return False
    times = aof_time_positions(x)
    for j, (u, v) in enumerate(zip(x, y)):
        if u == v:
            continue
        if j in times:
            try:
                if abs(int(u) - int(v)) <= AOF_TIME_TOLERANCE_MS:
                    continue
            except ValueError:
                pass
        return False
    return True


def split_loose(entries, had_ttl):
    """(strict entries, loose DELs). A MULTI block left with at most one
    command once its loose DELs are out loses its MULTI / EXEC: Redis wraps
    a command with the DEL of a key it found expired."""
    strict, loose = [], []
    block = None  # entries of the open MULTI block
    for db, argv in entries:
        name = argv[0].upper() if argv else b""
        if block is None and name == b"MULTI":
            block = [(db, argv)]
            continue
        if is_loose_del(db, argv, 0 if block is None else 1, had_ttl):
            loose.append((db, tuple(argv)))
            continue
        if block is None:
            strict.append((db, argv))
            continue
        block.append((db, argv))
        if name == b"EXEC":
            inner = block[1:-1]
            strict.extend(inner if len(inner) <= 1 else block)
            block = None
    if block is not None:
        strict.extend(block)
    return strict, loose


def aof_equal(a, b):
    """Two chunks of (db, argv) hold the same commands in the same order,
    absolute times within the tolerance (lone DELs apart: see is_loose_del)."""
    if len(a) != len(b):
        return False
    return all(da == db_ and argv_equal(x, y) for (da, x), (db_, y) in zip(a, b))


class AofTail:
    """What a server appended to its incr AOF file since the last read."""

    def __init__(self, server):
        self.path = os.path.join(server.workdir, AOF_INCR)
        self.offset = 0
        self.db = 0
        self.loose = defaultdict(int)  # lone DELs seen, by (db, argv)
        # Keys that were given a TTL, in any database (MOVE, COPY and SWAPDB
        # take a TTL along to another one).
        self.had_ttl = set()

    def read_new(self, discard=False):
        """(strict entries, raw bytes) appended since the last call (with
        discard: skipped, lone DELs not counted either)."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return [(-1, [b"<no file %s>" % AOF_INCR.encode()])], b""
        # Only whole commands: a command is written with one write(2), but
        # be safe against reading in the middle of one.
        end = data.rfind(b"\r\n") + 2 if data else 0
        try:
            cmds = parse_aof(data[:end])
        except (ValueError, IndexError):
            return [], b""
        self.offset += end
        entries, self.db = aof_entries(cmds, self.db)
        for db, argv in entries:
            if aof_time_positions(argv) and len(argv) > 1:
                self.had_ttl.add(argv[1])
        strict, loose = split_loose(entries, self.had_ttl)
        if discard:
            return [], b""
        for e in loose:
            self.loose[e] += 1
        return strict, data[:end]


def loose_difference(tails):
    """Lone DELs one server wrote and the other did not (over the run),
    except for keys that had a TTL: whether a command met such a key before
    or after its deadline depends on the microsecond each server ran it."""
    a, b = tails[0].loose, tails[1].loose
    ttl = tails[0].had_ttl | tails[1].had_ttl
    return {k: (a.get(k, 0), b.get(k, 0)) for k in set(a) | set(b)
            if a.get(k, 0) != b.get(k, 0) and k[1][1] not in ttl}
def dirty_counter(side):
    """Redis's server.dirty (INFO persistence rdb_changes_since_last_save);
    None when the side cannot answer (the op left it in MULTI, or closed)."""
    try:
        raw = side.conn.call([b"INFO", b"persistence"])
    except (OSError, ConnectionClosed, ValueError):
        return None
    for line in raw.split(b"\r\n"):
        if line.startswith(b"rdb_changes_since_last_save:"):
            return int(line.split(b":", 1)[1])
    return None


class Result:
    def __init__(self):
        self.counts = defaultdict(int)
        self.mismatch_counts = defaultdict(int)
        self.examples = defaultdict(list)
        self.errors = defaultdict(int)
        self.total = 0
        self.mismatches = 0
        self.aborted = None

    def add(self, name, ok, example, is_error=False):
        self.total += 1
        self.counts[name] += 1
        self.errors[name] += is_error
        if not ok:
            self.mismatches += 1
            self.mismatch_counts[name] += 1
            if len(self.examples[name]) < 3:
                self.examples[name].append(example)


def command_name(argv):
    try:
        return argv[0].decode("ascii").upper() if argv else "<empty>"
    except UnicodeDecodeError:
        return repr(argv[0])


def run_stream(ref, test, seed, families, nops, verbose=False, out=sys.stdout,
               check_dirty=False, aof=False):
    """check_dirty: after each op, also compare how much it moved the change
    counter (AOF propagation follows it: a command that changed nothing must
    not add to it, one that changed something must). The op's name is then
    recorded with a "dirty" entry on mismatch. aof: compare what each op
    appended to the AOF (see AofTail)."""
    ref.connect()
    test.connect()
    tails = None
    if aof:
        # Keys expire only when a command meets them: the active cycle
        # would add DELs at moments (and in an order) no stream controls.
        for side in (ref, test):
            reply = side.conn.call([b"DEBUG", b"SET-ACTIVE-EXPIRE", b"0"])
            if reply != b"+OK\r\n":
                raise RuntimeError("%s refused DEBUG SET-ACTIVE-EXPIRE 0: %r"
                                   % (side.label, reply))
            side.active_expire = False  # runners that switch it restore this
        tails = (AofTail(ref.server), AofTail(test.server))
    dirty = (dirty_counter(ref), dirty_counter(test)) if check_dirty else None
    res = Result()
    transport_failures = 0
    known = set()
    for mod in families.values():
        known.update(getattr(mod, "COMMANDS", {}))
    for i, fam, op in stream(seed, families, nops):
        r1, r2 = run_op(ref, test, op)
        ok = compare(op.mode, r1, r2)
        name = command_name(op.argv)
        if name not in known:
            name = "(unknown command)"
        if check_dirty:
            now = (dirty_counter(ref), dirty_counter(test))
            # Multi-command runners (DUMPX restores one server's payload on
            # the other) touch the two sides differently: not comparable.
            if None not in now and None not in dirty and op.mode not in EXTRA_RUNNERS:
                d1, d2 = now[0] - dirty[0], now[1] - dirty[1]
                if ok and d1 != d2:
                    ok = False
                    r1 = b"%s(dirty +%d)" % (r1 if isinstance(r1, bytes) else b"", d1)
                    r2 = b"%s(dirty +%d)" % (r2 if isinstance(r2, bytes) else b"", d2)
            dirty = now
        res.add(name, ok, (i, op.argv, r1, r2),
                is_error=isinstance(r1, bytes) and r1.startswith(b"-"))
        if verbose:
            print("%s #%d %s" % ("  " if ok else "!!", i, show_cmd(op.argv)), file=out)
            print("     %-8s %s" % (ref.label, show_reply(r1)), file=out)
            if not ok or r1 != r2:
                print("     %-8s %s" % (test.label, show_reply(r2)), file=out)
        if tails is not None and op.mode.split("/")[-1] in AOF_UNCOMPARABLE_MODES:
            tails[0].read_new(discard=True)
            tails[1].read_new(discard=True)
        elif tails is not None:
            (e1, a1), (e2, a2) = tails[0].read_new(), tails[1].read_new()
            if op.mode.split("/")[-1] in AOF_MASKED_MODES:
                e1, e2 = mask_random_members(e1), mask_random_members(e2)
            aok = aof_equal(e1, e2)
            res.add("AOF " + name, aok, (i, op.argv, a1, a2))
            if verbose and (a1 or a2):
                print("  %s AOF %-8s %r" % ("  " if aok else "!!", ref.label, a1), file=out)
                if not aok:
                    print("  !! AOF %-8s %r" % (test.label, a2), file=out)
        if not (isinstance(r1, str) or isinstance(r2, str)):
            transport_failures = 0
        else:
            transport_failures += 1
            if transport_failures >= 3:
                res.aborted = ("3 consecutive transport failures (last at op #%d: "
                               "%s / %s)" % (i, show_reply(r1), show_reply(r2)))
                return res
            for side in (ref, test):
                if not side.server.alive():
                    res.aborted = ("%s died at op #%d (exit status %s)"
                                   % (side.label, i, side.server.proc.returncode))
                    return res
            # A side closed its connection: reconnect both so that the two
            # connections keep the same state (database 0, no client name).
            try:
                ref.connect()
                test.connect()
            except OSError as e:
                res.aborted = "cannot reconnect after op #%d: %s" % (i, e)
                return res
    if tails is not None:
        tails[0].read_new()
        tails[1].read_new()
        diff = loose_difference(tails)
        for (db, argv), (n1, n2) in sorted(diff.items())[:20]:
            res.add("AOF lone DEL", False, (-1, list(argv), b"%d in db %d" % (n1, db),
                                            b"%d in db %d" % (n2, db)))
        if not diff:
            res.add("AOF lone DEL", True, None)
    return res


def report(res, seed, args, ref_label, test_label, out=sys.stdout):
    fams = args.families or ",".join(discover_families())
    print("difftest: seed=%d ops=%d families=%s backend=%s: %d mismatches"
          % (seed, res.total, fams, args.backend if not args.self_test else "-",
             res.mismatches), file=out)
    if res.aborted:
        print("ABORTED: %s" % res.aborted, file=out)
    # err% = share of the reference's replies that were errors (a check that
    # the generators produce enough valid commands, not a failure).
    print("\n%-22s %8s %10s %6s" % ("command", "ops", "mismatch", "err%"), file=out)
    for name in sorted(res.counts):
        print("%-22s %8d %10d %5.0f%%" % (
            name[:22], res.counts[name], res.mismatch_counts.get(name, 0),
            100.0 * res.errors[name] / res.counts[name]), file=out)
    for name in sorted(res.examples):
        print("\n=== %s: %d mismatches, first %d:" %
              (name, res.mismatch_counts[name], len(res.examples[name])), file=out)
        for i, argv, r1, r2 in res.examples[name]:
            print("  op #%d: %s" % (i, show_cmd(argv)), file=out)
            print("    %-8s %s" % (ref_label, show_reply(r1)), file=out)
            print("    %-8s %s" % (test_label, show_reply(r2)), file=out)
            print("    replay: %s --seed %d%s%s --replay %d [--replay-run]" % (
                os.path.relpath(__file__), seed,
                " --families " + args.families if args.families else "",
                "" if args.self_test else " --backend " + args.backend, i),
                file=out)


def do_replay(args, seed, families):
    idx = args.replay
    start = max(0, idx - args.replay_context + 1) if args.replay_context else 0
    ops = [(i, fam, op) for i, fam, op in stream(seed, families, idx + 1)]
    if not args.replay_run:
        if not args.replay_bare:
            print("# seed=%d families=%s: ops %d..%d (redis-cli syntax; "
                  "TTL/PTTL compare with tolerance)" %
                  (seed, ",".join(families), start, idx))
        for i, fam, op in ops[start:]:
            if args.replay_bare:
                print(show_cmd(op.argv, 10**9))
            else:
                print("[op %d %s%s] %s" % (i, fam, "" if op.mode == "exact" else
                                          ", " + op.mode, show_cmd(op.argv, 10**9)))
        return 0
    # Run the whole prefix on fresh servers, printing the tail verbosely.
    ref, test = start_pair(args)
    try:
        ref.connect()
        test.connect()
        bad = 0
        for i, fam, op in ops:
            r1, r2 = run_op(ref, test, op)
            ok = compare(op.mode, r1, r2)
            bad += not ok
            if i >= start:
                print("%s #%d %s" % ("  " if ok else "!!", i, show_cmd(op.argv)))
                print("     %-8s %s" % (ref.label, show_reply(r1)))
                print("     %-8s %s" % (test.label, show_reply(r2)))
        return 1 if bad else 0
    finally:
        ref.server.stop()
        test.server.stop()


def start_pair(args):
    extra = []
    if getattr(args, "aof", False):
        # auto-aof-rewrite off: a rewrite would switch to a new incr file.
        # enable-debug-command: run_stream turns active expiry off with DEBUG.
        extra = ["--appendonly", "yes", "--appendfsync", "always",
                 "--auto-aof-rewrite-percentage", "0",
                 "--enable-debug-command", "local"]
    ref_srv = servers.ServerProcess(args.redis, name="redis", args=extra)
    if args.self_test:
        test_srv = servers.ServerProcess(args.redis, name="redis-b", args=extra)
        test_label = "redis-b"
    else:
        test_srv = servers.ServerProcess(args.spindle, backend=args.backend,
                                         name="spindle", args=extra)
        test_label = "spindle"
    try:
        ref_srv.start()
        test_srv.start()
    except Exception:
        ref_srv.stop()
        test_srv.stop()
        raise
    return (Side("redis", ref_srv, args.resp),
            Side(test_label, test_srv, args.resp))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ops", type=int, default=2000, help="number of commands")
    p.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    p.add_argument("--backend", default="epoll", choices=servers.BACKENDS)
    p.add_argument("--families", default=None,
                   help="comma list, default all: " + ",".join(discover_families()))
    p.add_argument("--spindle", default=os.environ.get("SPINDLE_SERVER", servers.DEFAULT_SPINDLE))
    p.add_argument("--redis", default=servers.REDIS_SERVER)
    p.add_argument("--resp", type=int, default=2, choices=(2, 3),
                   help="protocol of the command connections (3: HELLO 3 on connect)")
    p.add_argument("--self-test", action="store_true",
                   help="redis-server against a second redis-server (must be 0 mismatches)")
    p.add_argument("--replay", type=int, default=None, metavar="IDX",
                   help="print the command sequence 0..IDX of this seed and exit")
    p.add_argument("--replay-context", type=int, default=0, metavar="K",
                   help="with --replay, only show the last K commands")
    p.add_argument("--replay-run", action="store_true",
                   help="with --replay, run the sequence on fresh servers and show both replies")
    p.add_argument("--replay-bare", action="store_true",
                   help="with --replay, print only the commands (pipe into redis-cli)")
    p.add_argument("--aof", action="store_true",
                   help="run both servers with appendonly yes and compare, after each op, "
                        "what it appended to the AOF (absolute times within 2 s)")
    p.add_argument("--verbose", "-v", action="store_true", help="print every command and reply")
    p.add_argument("--dirty", action="store_true",
                   help="also compare each command's change count (INFO "
                        "rdb_changes_since_last_save); data families only")
    args = p.parse_args(argv)

    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    families = select_families(args.families)

    if args.replay is not None:
        try:
            return do_replay(args, seed, families)
        except RuntimeError as e:
            print("difftest: %s" % e, file=sys.stderr)
            return 2

    if not args.self_test and not os.access(args.spindle, os.X_OK):
        print("difftest: spindle-server not found or not executable: %s" % args.spindle,
              file=sys.stderr)
        return 2
    try:
        ref, test = start_pair(args)
    except RuntimeError as e:
        print("difftest: %s" % e, file=sys.stderr)
        return 2
    t0 = time.monotonic()
    try:
        res = run_stream(ref, test, seed, families, args.ops, verbose=args.verbose,
                         check_dirty=args.dirty, aof=args.aof)
    except RuntimeError as e:
        print("difftest: %s" % e, file=sys.stderr)
        return 2
    finally:
        ref.server.stop()
        test.server.stop()
    report(res, seed, args, ref.label, test.label)
    print("\n%d ops in %.1fs" % (res.total, time.monotonic() - t0))
    if res.aborted:
        print("\n--- %s log (tail) ---\n%s" % (test.label, test.server.log_text(4000)))
        return 2
    return 1 if res.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
