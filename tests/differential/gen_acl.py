"""Generator for the acl family: random ACL SETUSER rule strings, then
commands run as those users (and ACL DRYRUN for them) on both servers.

Users are acl_u0 .. acl_u3 with password "pw" (most rule strings keep it).
An "acl:as" op runs AUTH <user> pw and one command on a connection of that
user's own (one per server, reopened when a server closed it, as DELUSER
does); the result is both replies, or the AUTH reply and "closed".

Where Redis answers in an order of its own the comparison is canonical:
  - ACL LIST / GETUSER: Redis lists the single-command rules after the
    categories in its command dict's order, random per process: within each
    selector the command tokens after the first (+@all / -@all) are sorted.
    Both servers' tables hold the same commands for ACL (Spindle keeps the
    ones it does not implement too), so the categories Redis picks to
    describe a user are ours;
  - ACL LOG: age-seconds and client-info (timing, ports, buffer sizes) are
    left out; every other field is compared.
"""

from gen_common import Op, weighted_generator, random_case, side_pool
from resp import ConnectionClosed, RawConnection, encode, parse_simple

FAMILY = "acl"

COMMANDS = {"ACL": -2, "AUTH": -2}

USERS = [b"acl_u%d" % i for i in range(4)]
KEYS = [b"ka", b"kb", b"ra", b"rb", b"wa", b"wb", b"x", b"rwa"]
CHANNELS = [b"ch1", b"chx", b"news", b"n1", b"x"]
PATTERNS = [b"ch*", b"news", b"n*", b"*"]

# Commands both servers know for ACL (names, subcommands and first arguments).
RULE_COMMANDS = [b"get", b"set", b"del", b"incr", b"lpush", b"lrange", b"hset", b"hget",
                 b"sadd", b"smembers", b"sunionstore", b"rename", b"exists", b"mget",
                 b"mset", b"publish", b"subscribe", b"psubscribe", b"config", b"config|get",
                 b"config|set", b"client|id", b"client", b"select", b"ping", b"echo",
                 b"expire", b"type", b"zadd", b"zrange", b"acl|whoami", b"acl", b"copy",
                 b"lmove", b"getdel", b"strlen", b"append",
                 # Redis commands Spindle does not implement (ACL only)
                 b"wait", b"geoadd", b"xadd", b"eval", b"cluster|info", b"cluster", b"pfadd"]
FIRST_ARGS = [b"select|0", b"select|1", b"echo|a"]
# Every category: Spindle's table holds Redis's commands it does not
# implement too, for ACL (CommandTable::AddAbsent), so each category has the
# same commands on both servers and Redis's best-fit description is ours.
CATEGORIES = [b"all", b"keyspace", b"read", b"write", b"set", b"sortedset", b"list", b"hash",
              b"string", b"bitmap", b"hyperloglog", b"geo", b"stream", b"pubsub", b"admin",
              b"fast", b"slow", b"blocking", b"dangerous", b"connection", b"transaction",
              b"scripting"]
KEY_RULES = [b"~k*", b"~x", b"%R~r*", b"%W~w*", b"%RW~rw*", b"~*", b"allkeys", b"resetkeys",
             b"%R~x", b"~"]
CHANNEL_RULES = [b"&ch*", b"&news", b"&n1", b"&*", b"allchannels", b"resetchannels", b"&x"]
BAD_RULES = [b"+nosuch", b"-select|0", b"+config|get|x", b"bogus", b"%X~a", b"#abc",
             b"<nope", b"+@nosuch", b"(bogus)", b"+config|"]


def _user(rng):
    return rng.choice(USERS)


def _rule(rng):
    r = rng.random()
    if r < 0.25:
        return (b"+" if rng.random() < 0.6 else b"-") + rng.choice(RULE_COMMANDS)
    if r < 0.4:
        return (b"+@" if rng.random() < 0.6 else b"-@") + rng.choice(CATEGORIES)
    if r < 0.55:
        return rng.choice(KEY_RULES)
    if r < 0.65:
        return rng.choice(CHANNEL_RULES)
    if r < 0.7:
        return b"+" + rng.choice(FIRST_ARGS)
    if r < 0.76:
        return rng.choice([b"on", b"off", b"nopass", b">pw", b"resetpass", b"<pw", b">other",
                           b"allcommands", b"nocommands", b"sanitize-payload",
                           b"skip-sanitize-payload", b"clearselectors"])
    if r < 0.82:
        inner = [_rule(rng) for _ in range(rng.randint(0, 3))]
        inner = [x for x in inner if not x.startswith(b"(") and x not in
                 (b"on", b"off", b"nopass", b">pw", b"resetpass", b"<pw", b">other",
                  b"sanitize-payload", b"skip-sanitize-payload", b"clearselectors")]
        return b"(" + b" ".join(inner) + b")"
    if r < 0.85:
        return rng.choice(BAD_RULES)
    return random_case(rng, rng.choice(["+GET", "ALLKEYS", "~k*", "+@Hash", "On"]), 0.3,
                       0.3).encode()


def gen_setuser(rng, ctx):
    rules = []
    if rng.random() < 0.4:
        rules = [b"reset", b"on", b">pw"]
    rules += [_rule(rng) for _ in range(rng.randint(1, 6))]
    return [Op([b"ACL", b"SETUSER", _user(rng)] + rules, mode="aclrules")]


def _command(rng):
    k = lambda: rng.choice(KEYS)  # noqa: E731
    ch = lambda: rng.choice(CHANNELS)  # noqa: E731
    shapes = [
        lambda: [b"GET", k()], lambda: [b"SET", k(), b"v"], lambda: [b"SET", k(), b"v", b"GET"],
        lambda: [b"DEL", k(), k()], lambda: [b"INCR", k()], lambda: [b"LPUSH", k(), b"v"],
        lambda: [b"EXISTS", k()], lambda: [b"MGET", k(), k(), k()],
        lambda: [b"SUNIONSTORE", k(), k(), k()], lambda: [b"RENAME", k(), k()],
        lambda: [b"COPY", k(), k()], lambda: [b"LMOVE", k(), k(), b"LEFT", b"RIGHT"],
        lambda: [b"GETDEL", k()], lambda: [b"STRLEN", k()], lambda: [b"APPEND", k(), b"x"],
        lambda: [b"HSET", k(), b"f", b"v"], lambda: [b"TYPE", k()],
        lambda: [b"PUBLISH", ch(), b"m"], lambda: [b"CONFIG", b"GET", b"maxclients"],
        lambda: [b"CONFIG", b"SET", b"maxclients", b"10000"],
        lambda: [b"SELECT", rng.choice([b"0", b"1"])], lambda: [b"SELECT", b"0"],
        lambda: [b"ECHO", rng.choice([b"a", b"A", b"b"])], lambda: [b"PING"],
        lambda: [b"ACL", b"WHOAMI"], lambda: [b"EXPIRE", k(), b"100"],
        lambda: [b"ZADD", k(), b"1", b"m"], lambda: [b"NOSUCH"], lambda: [b"GET"],
    ]
    return rng.choice(shapes)()


def _subscribe_shape(rng):
    if rng.random() < 0.5:
        return [b"SUBSCRIBE"] + [rng.choice(CHANNELS) for _ in range(rng.randint(1, 3))]
    return [b"PSUBSCRIBE"] + [rng.choice(PATTERNS) for _ in range(rng.randint(1, 2))]


def gen_as_user(rng, ctx):
    return [Op([_user(rng)] + _command(rng), mode="acl:as")]


def gen_dryrun(rng, ctx):
    cmd = _command(rng) if rng.random() < 0.7 else _subscribe_shape(rng)
    return [Op([b"ACL", b"DRYRUN", _user(rng)] + cmd)]


def gen_introspect(rng, ctx):
    r = rng.random()
    if r < 0.4:
        return [Op([b"ACL", b"GETUSER", _user(rng)], mode="aclrules")]
    if r < 0.6:
        return [Op([b"ACL", b"LIST"], mode="aclrules")]
    if r < 0.7:
        return [Op([b"ACL", b"USERS"])]
    if r < 0.85:
        return [Op([b"ACL", b"LOG", rng.choice([b"5", b"20"])], mode="acllog")]
    if r < 0.9:
        return [Op([b"ACL", b"LOG", b"RESET"])]
    return [Op([b"ACL", b"DELUSER", _user(rng), _user(rng)])]


def gen_auth(rng, ctx):
    user = _user(rng)
    pw = rng.choice([b"pw", b"other", b"bad"])
    return [Op([user, b"AUTH", user, pw], mode="acl:as")]


generate = weighted_generator([
    (4, gen_setuser), (6, gen_as_user), (5, gen_dryrun), (2, gen_introspect), (1, gen_auth),
])


# ---------------------------------------------------------------- runners
_POOLS = {}


class _Pool:
    def __init__(self, side):
        self.side = side
        self.conns = {}

    def conn(self, user):
        c = self.conns.get(user)
        if c is None:
            c = self.conns[user] = RawConnection(self.side.server.host, self.side.server.port,
                                                 timeout=10.0)
        return c

    def drop(self, user):
        c = self.conns.pop(user, None)
        if c is not None:
            c.close()


def run_as(side, argv):
    """argv: user, command...: AUTH as the user, then the command."""
    pool = side_pool(_POOLS, side, _Pool)
    user, cmd = argv[0], argv[1:]
    out = b""
    for attempt in range(2):
        conn = pool.conn(user)
        try:
            auth = b""
            if cmd[0].upper() != b"AUTH":
                auth = conn.call([b"AUTH", user, b"pw"])
            reply = conn.call(cmd)
            return out + auth + b" | " + reply
        except (ConnectionClosed, OSError):
            # Closed by the server (DELUSER, ACL rules): note it, reconnect.
            pool.drop(user)
            out += b"<closed> "
    return out


def _canonical_rules(text):
    """Sorts the tokens after +@all / -@all in each selector (they come last
    in a selector's description)."""
    parts = []
    for part in text.split(b" ("):
        closing = part.endswith(b")")
        body = part[:-1] if closing else part
        tokens = body.split(b" ")
        for i, t in enumerate(tokens):
            if t in (b"+@all", b"-@all"):
                tokens[i + 1:] = sorted(tokens[i + 1:])
                break
        parts.append(b" ".join(tokens) + (b")" if closing else b""))
    return b" (".join(parts)


def _canonical(value):
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, bytes):
        return _canonical_rules(value)
    return value


def run_rules(side, argv):
    err = side.send(argv)
    raw = err or side.read()
    if isinstance(raw, str) or raw[:1] == b"-":
        return raw
    return repr(_canonical(parse_simple(raw))).encode()


def run_log(side, argv):
    err = side.send(argv)
    raw = err or side.read()
    if isinstance(raw, str) or raw[:1] == b"-":
        return raw
    entries = parse_simple(raw)
    kept = []
    for e in entries:
        fields = dict(zip(e[::2], e[1::2]))
        kept.append([(k, fields[k]) for k in (b"count", b"reason", b"context", b"object",
                                               b"username")])
        kept[-1].append((b"fields", sorted(fields)))
    return repr(kept).encode()


RUNNERS = {"acl:as": run_as, "aclrules": run_rules, "acllog": run_log}
