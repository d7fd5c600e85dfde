"""Generator for the connection family, plus unknown commands and
wrong-arity calls of every command of the enabled families.

Not generated (their replies are not deterministic across two servers):
TIME, INFO, CLIENT ID / CLIENT LIST, HELLO (contains the client id),
DEBUG, CONFIG, SHUTDOWN.  The integration tests check their shape instead.
"""

from gen_common import Op, BINARY, weighted_generator

FAMILY = "connection"

COMMANDS = {"PING": -1, "ECHO": 2, "SELECT": 2}


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


def _random_case(rng, name):
    r = rng.random()
    if r < 0.5:
        return name
    if r < 0.75:
        return name.lower()
    return "".join(c.lower() if rng.random() < 0.5 else c for c in name)


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


GENERATORS = [
    (20, gen_ping), (20, gen_echo), (15, gen_select), (15, gen_unknown),
    (30, gen_wrong_arity),
]
generate = weighted_generator(GENERATORS)
