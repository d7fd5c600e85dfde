"""Generator for the connection family, plus unknown commands and
wrong-arity calls of every command of the enabled families.

Not generated (their replies are not deterministic across two servers):
TIME, INFO, CLIENT ID / LIST / INFO, a successful HELLO (it contains the
client id), COMMAND / COMMAND COUNT / DOCS (the tables differ in size until
every family lands), CONFIG GET of port, dir and other per-process values,
CONFIG SET of anything that changes how the servers listen or log, QUIT and
SHUTDOWN. The integration tests check their shape instead.
"""

from gen_common import Op, BINARY, weighted_generator, random_case

FAMILY = "connection"

COMMANDS = {"PING": -1, "ECHO": 2, "SELECT": 2, "AUTH": -2, "CLIENT": -2,
            "COMMAND": -1, "CONFIG": -2, "HELLO": -1, "SLOWLOG": -2, "LATENCY": -2,
            "RESET": 1, "MONITOR": 1, "BGREWRITEAOF": 1, "BGSAVE": -1, "SAVE": 1,
            "LASTSAVE": 1}


def gen_ping(rng, ctx):
    r = rng.random()
    if r < 0.4:
        return [Op(["PING"])]
    if r < 0.8:
        return [Op(["PING", ctx.value(rng)])]
    return [Op(["PING", "a", "b"] + (["c"] if rng.random() < 0.5 else []))]


def gen_echo(rng, ctx):
    if rng.random() < 0.85:
        return [Op([rng.choice(["ECHO", "echo", "Echo"]), ctx.value(rng)])]
    return [Op(rng.choice([["ECHO"], ["ECHO", "a", "b"]]))]


def gen_select(rng, ctx):
    r = rng.random()
    if r < 0.6:
        # mostly databases 0 and 1 so that keys still collide
        return [Op(["SELECT", rng.choice(["0", "0", "1", "1", "2", "15"])])]
    return [Op(["SELECT", rng.choice(["16", "-1", "abc", "", "1.5", "0x1",
                                      " 1", "99999999999999999999",
                                      "2147483648", "-2147483649", "01"])])]


_UNKNOWN_NAMES = [b"FOO", b"GETT", b"SETT", b"hello-world", b"", b"x" * 200,
                  b"bin\x00name", b"new\r\nline", b"GET GET", b"\xff", b"'q'"]


def gen_unknown(rng, ctx):
    argv = [rng.choice(_UNKNOWN_NAMES)]
    for _ in range(rng.randint(0, 4)):
        r = rng.random()
        if r < 0.5:
            argv.append(ctx.text(rng, 0, 10))
        elif r < 0.8:
            argv.append(rng.choice(BINARY))
        else:
            argv.append(ctx.text(rng, 60, 200))  # message truncation
    return [Op(argv)]



def _random_case(rng, word):
    return random_case(rng, word, 0.5, 0.25)


def gen_wrong_arity(rng, ctx):
    table = {}
    for mod in ctx.families.values():
        table.update(getattr(mod, "COMMANDS", {}))
    # arity -1 commands (PING, FLUSHDB ...) accept any count: nothing to break
    names = sorted(n for n, a in table.items() if a != -1)
    name = rng.choice(names)
    arity = table[name]
    if arity > 0:
        n = max(1, rng.choice([arity - 1, arity + 1, arity + 2, 1]))
        if n == arity:
            n = arity + 1
    else:
        n = rng.randint(1, -arity - 1)
    argv = [_random_case(rng, name)] + [ctx.key(rng) for _ in range(n - 1)]
    return [Op(argv)]


_CLIENT_NAMES = [b"app", b"worker-1", b"", b"a b", b"new\nline", b"\xff", b"x" * 300,
                 b"~tilde!", b"\x00"]


def gen_client(rng, ctx):
    r = rng.random()
    if r < 0.35:
        return [Op(["CLIENT", "SETNAME", rng.choice(_CLIENT_NAMES)]),
                Op(["CLIENT", "GETNAME"])]
    if r < 0.45:
        return [Op(["CLIENT", "GETNAME"] + (["x"] if rng.random() < 0.3 else []))]
    if r < 0.6:
        # Error paths and kills that match nobody (never the caller itself).
        return [Op(rng.choice([
            ["CLIENT", "KILL", "1.2.3.4:5"],
            ["CLIENT", "KILL", "ID", "999999999"],
            ["CLIENT", "KILL", "ID", "0"],
            ["CLIENT", "KILL", "ID", "abc"],
            ["CLIENT", "KILL", "TYPE", "bogus"],
            ["CLIENT", "KILL", "USER", "nobody"],
            ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "maybe"],
            ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "yes"],
            ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"],
            ["CLIENT", "KILL", "ADDR"],
            ["CLIENT", "KILL", "ADDR", "x", "BOGUS", "y"],
        ]))]
    if r < 0.75:
        lists = [
            ["CLIENT", "LIST", "TYPE", "bogus"],
            ["CLIENT", "LIST", "ID", "abc"],
            ["CLIENT", "LIST", "ID", "999999999"],
            ["CLIENT", "LIST", "bogus"],
            ["CLIENT", "LIST", "TYPE", "pubsub"],
            ["CLIENT", "LIST", "TYPE", "replica"],
        ]
        if "pubsub" in ctx.families or "tracking" in ctx.families:
            # The pubsub and tracking families' subscriber connections would
            # be listed (ids, addresses): empty only without them.
            lists.remove(["CLIENT", "LIST", "TYPE", "pubsub"])
        return [Op(rng.choice(lists))]
    if r < 0.85:
        return [Op(["CLIENT", "HELP"])]
    return [Op(rng.choice([["CLIENT"], ["CLIENT", "bogus"], ["client", "NoSuch", "x"],
                           ["CLIENT", "SETNAME"], ["CLIENT", "SETNAME", "a", "b"],
                           ["CLIENT", "ID", "x"]]))]


def gen_auth_hello(rng, ctx):
    # The servers run without a password: AUTH's errors and the nopass
    # default user are deterministic; HELLO only on its error paths.
    return [Op(rng.choice([
        ["AUTH", "x"],
        ["AUTH", "default", "anything"],
        ["AUTH", "nobody", "x"],
        ["AUTH", "a", "b", "c"],
        ["HELLO", "4"],
        ["HELLO", "1"],
        ["HELLO", "abc"],
        ["HELLO", "99999999999999999999"],
        ["HELLO", "2", "SETNAME", "a b"],
        ["HELLO", "2", "BOGUS"],
        ["HELLO", "2", "AUTH", "default"],
        ["HELLO", "2", "AUTH", "nobody", "pw"],
    ]))]


def gen_command(rng, ctx):
    """COMMAND GETKEYS over the enabled families' commands, plus errors."""
    table = {}
    for mod in ctx.families.values():
        table.update(getattr(mod, "COMMANDS", {}))
    keyed = sorted(n for n in table if n not in COMMANDS and n not in
                   ("DBSIZE", "FLUSHDB", "FLUSHALL"))
    r = rng.random()
    if r < 0.6 and keyed:
        name = rng.choice(keyed)
        arity = table[name]
        n = arity if arity > 0 else -arity + rng.randint(0, 3)
        return [Op(["COMMAND", "GETKEYS", name] + [ctx.key(rng) for _ in range(n - 1)])]
    return [Op(rng.choice([
        ["COMMAND", "GETKEYS", "nosuchcommand", "a"],
        ["COMMAND", "GETKEYS", "get"],
        ["COMMAND", "GETKEYS", "ping", "x"],
        ["COMMAND", "GETKEYS"],
        ["COMMAND", "INFO", "nosuchcommand"],
        ["COMMAND", "LIST", "FILTERBY", "bogus", "x"],
        ["COMMAND", "LIST", "x"],
        ["COMMAND", "bogus"],
        ["COMMAND", "HELP"],
    ]))]


# Directives whose values are the same on both servers in the harness.
_STABLE_DIRECTIVES = ["maxclients", "databases", "hz", "timeout", "tcp-keepalive",
                      "proto-max-bulk-len", "client-query-buffer-limit", "maxmemory",
                      "maxmemory-policy", "tcp-backlog", "save", "appendonly",
                      "hash-max-listpack-entries", "lua-time-limit", "notify-keyspace-events",
                      "io-threads", "io-threads-do-reads",
                      # issue 8: memory, client limits, access control, TLS
                      "maxmemory-samples", "maxmemory-eviction-tenacity", "lfu-log-factor",
                      "lfu-decay-time", "lazyfree-lazy-eviction", "maxmemory-clients",
                      "client-output-buffer-limit", "protected-mode", "acllog-max-len",
                      "acl-pubsub-default", "aclfile", "tls-port", "tls-auth-clients",
                      "tls-protocols", "tls-ciphersuites", "tls-session-caching",
                      "latency-tracking", "latency-tracking-info-percentiles"]


def gen_config(rng, ctx):
    r = rng.random()
    if r < 0.4:
        return [Op(["CONFIG", "GET"] + rng.sample(_STABLE_DIRECTIVES, rng.randint(1, 3)),
                   mode="pairs")]
    if r < 0.5:
        return [Op(["CONFIG", "GET", rng.choice(["nosuch*", "nosuch", "max*", "hash-max-*"])],
                   mode="pairs")]
    if r < 0.9:
        # Invalid values and unknown names: errors only, nothing changes.
        return [Op(["CONFIG", "SET"] + rng.choice([
            ["hz", "abc"], ["maxclients", "-1"], ["timeout", "1.5"],
            ["proto-max-bulk-len", "1kb"], ["maxmemory-policy", "bogus"],
            ["nosuchdirective", "1"], ["databases", "4"], ["daemonize", "yes"],
            ["appendonly", "maybe"], ["hz", "10", "HZ", "11"],
            ["tcp-keepalive", "99999999999999999999"], ["save", "bad"],
            # Threaded I/O is set at start only (immutable), as in Redis.
            ["io-threads", "2"], ["io-threads-do-reads", "yes"], ["io-threads", "x"],
            # issue 8's directives
            ["maxmemory", "1zb"], ["maxmemory-samples", "0"], ["maxmemory-samples", "x"],
            ["maxmemory-eviction-tenacity", "101"], ["lfu-log-factor", "-1"],
            ["lfu-decay-time", "abc"], ["lazyfree-lazy-eviction", "maybe"],
            ["maxmemory-clients", "abc"], ["maxmemory-clients", "101%"],
            ["maxmemory-clients", "-1"], ["client-output-buffer-limit", "normal 1 2"],
            ["client-output-buffer-limit", "bogus 0 0 0"],
            ["client-output-buffer-limit", "pubsub 1mb x 60"],
            ["protected-mode", "maybe"], ["acllog-max-len", "-1"],
            ["acl-pubsub-default", "bogus"], ["aclfile", "/tmp/x.acl"],
            ["tls-port", "70000"], ["tls-port", "x"], ["tls-auth-clients", "maybe"],
            ["tls-session-caching", "maybe"], ["tls-session-cache-size", "-1"],
            # latency tracking: numbers in [0, 100], one space apart
            ["latency-tracking", "maybe"],
            ["latency-tracking-info-percentiles", rng.choice(
                ["abc", "50 abc", "50  99", " 50", "50 ", "nan", "50,99", "101", "50 -1",
                 "inf", "1e3", "100.0000001", "0x"])],
        ]))]
    if r < 0.93:
        # Valid percentile lists, kept as "%f" without trailing zeros.
        return [Op(["CONFIG", "SET", "latency-tracking-info-percentiles", rng.choice(
            ["50 99 99.9", "99 50", ".5", "1e1 50.50", "0x10", "-0", "", "0 100", "12.500"])])]
    return [Op(rng.choice([["CONFIG"], ["CONFIG", "SET", "hz"], ["CONFIG", "GET"],
                           ["CONFIG", "bogus"], ["CONFIG", "HELP"],
                           ["CONFIG", "RESETSTAT", "x"]]))]


def gen_diagnostics(rng, ctx):
    """SLOWLOG, LATENCY and the client-control commands in the shapes whose
    replies do not depend on timing: their errors, HELP, empty histories,
    and the CLIENT NO-EVICT toggle."""
    return [Op(rng.choice([
        ["SLOWLOG", "GET", rng.choice(["x", "-2", "1.5", "", "99999999999999999999"])],
        ["SLOWLOG", "GET", "1", "2"], ["SLOWLOG", "GET", "0"], ["SLOWLOG", "nosuch"],
        ["SLOWLOG", "HELP"], ["SLOWLOG", "LEN", "x"], ["SLOWLOG"],
        ["LATENCY", "HELP"], ["LATENCY", "nosuch"], ["LATENCY"],
        ["LATENCY", "HISTORY", "nosuch-event"], ["LATENCY", "GRAPH", "nosuch-event"],
        ["LATENCY", "RESET", "nosuch-event"], ["LATENCY", "HISTORY"],
        # Names that have no calls: an empty map.
        ["LATENCY", "HISTOGRAM", rng.choice(["nosuch", "", "set|x", "config|get|x", "|get"])],
        ["CLIENT", "PAUSE"], ["CLIENT", "PAUSE", rng.choice(["x", "-1", "1.5", ""])],
        ["CLIENT", "PAUSE", "10", rng.choice(["foo", "", "writes"])],
        ["CLIENT", "PAUSE", "10", "WRITE", "extra"], ["CLIENT", "UNPAUSE", "x"],
        ["CLIENT", "REPLY"], ["CLIENT", "REPLY", rng.choice(["foo", "", "onn"])],
        ["CLIENT", "NO-EVICT", rng.choice(["on", "OFF", "maybe", ""])],
        ["CLIENT", "NO-EVICT"], ["RESET", "x"], ["MONITOR", "x"],
    ]))]


def gen_persistence(rng, ctx):
    """The persistence commands and directives in the shapes that change
    nothing: wrong arities, bad options, bad values (a BGSAVE or rewrite that
    started would make the two servers' files and timings differ)."""
    return [Op(rng.choice([
        ["BGREWRITEAOF", rng.choice(["x", "", "SCHEDULE"])],
        ["BGSAVE", rng.choice(["foo", "", "SCHEDULEX"])], ["BGSAVE", "SCHEDULE", "x"],
        ["SAVE", "x"], ["LASTSAVE", "x"],
        ["CONFIG", "SET", "appendfsync", rng.choice(["maybe", "", "ALWAYSX"])],
        ["CONFIG", "SET", "appendonly", rng.choice(["maybe", "2"])],
        ["CONFIG", "SET", "auto-aof-rewrite-percentage", rng.choice(["-1", "x", "1.5"])],
        ["CONFIG", "SET", "auto-aof-rewrite-min-size", rng.choice(["-1", "x", "1zz"])],
        ["CONFIG", "SET", rng.choice(["appendfilename", "appenddirname"]), "other"],
        ["CONFIG", "SET", rng.choice(["aof-use-rdb-preamble", "aof-load-truncated",
                                      "aof-timestamp-enabled", "no-appendfsync-on-rewrite"]),
         rng.choice(["maybe", ""])],
    ]))]


GENERATORS = [
    (20, gen_ping), (20, gen_echo), (15, gen_select), (15, gen_unknown),
    (30, gen_wrong_arity), (8, gen_client), (5, gen_auth_hello), (6, gen_command),
    (6, gen_config), (6, gen_diagnostics), (4, gen_persistence),
]
generate = weighted_generator(GENERATORS)
