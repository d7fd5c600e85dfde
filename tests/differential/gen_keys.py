"""Generator for the keys family (generic keyspace commands)."""

from gen_common import Op, weighted_generator

FAMILY = "keys"

COMMANDS = {
    "DEL": -2, "EXISTS": -2, "TYPE": 2, "DBSIZE": 1, "FLUSHDB": -1,
    "FLUSHALL": -1, "TTL": 2, "PTTL": 2,
}


def gen_del_exists(rng, ctx):
    name = rng.choice(["DEL", "EXISTS", "EXISTS"])
    ks = ctx.keys_n(rng, 1, 5)
    if rng.random() < 0.3 and ks:
        ks.append(ks[0])  # duplicates count twice for EXISTS, once for DEL
    return [Op([name] + ks)]


def gen_type(rng, ctx):
    return [Op(["TYPE", ctx.key(rng)])]


def gen_dbsize(rng, ctx):
    # A key whose (absolute, already past) expiry has passed stays counted by
    # DBSIZE until the server's active expiry cycle or an access reclaims it;
    # that cycle runs on each server's own clock.  Touching every key of the
    # key space first (EXISTS, compared too) expires them lazily on both
    # servers, so DBSIZE is deterministic.
    return [Op(["EXISTS"] + list(ctx.keys)), Op(["DBSIZE"])]


def gen_flush(rng, ctx):
    name = "FLUSHALL" if rng.random() < 0.3 else "FLUSHDB"
    argv = [name]
    r = rng.random()
    if r < 0.2:
        argv.append("ASYNC")
    elif r < 0.4:
        argv.append(rng.choice(["SYNC", "sync", "async"]))
    elif r < 0.5:
        argv.append(rng.choice(["FOO", "ASYNC SYNC", ""]))
    elif r < 0.55:
        argv += ["SYNC", "ASYNC"]
    return [Op(argv)]


def gen_ttl(rng, ctx):
    # TTL/PTTL values depend on when each server ran the command: compared
    # with a tolerance of 1 s / 1000 ms; -1 and -2 must match exactly.
    if rng.random() < 0.5:
        return [Op(["TTL", ctx.key(rng)], mode="ttl")]
    return [Op(["PTTL", ctx.key(rng)], mode="pttl")]


def gen_bad(rng, ctx):
    return [Op(rng.choice([["TYPE"], ["TYPE", "a", "b"], ["DEL"], ["EXISTS"],
                           ["DBSIZE", "x"], ["TTL"], ["PTTL", "a", "b"]]))]


GENERATORS = [
    (30, gen_del_exists), (15, gen_type), (8, gen_dbsize), (1, gen_flush),
    (25, gen_ttl), (4, gen_bad),
]
generate = weighted_generator(GENERATORS)
