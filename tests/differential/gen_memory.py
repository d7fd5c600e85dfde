"""Generator for the memory family: MEMORY's replies that do not depend on
the allocator, and OBJECT FREQ's errors.

Determinism across the two servers: byte counts differ by design (Spindle's
layout is not Redis's, docs/COMPATIBILITY.md), so MEMORY USAGE with valid
options is only asked about keys no family ever writes (null on both); its
option errors come before the lookup in Redis, so they are asked about any
key. MEMORY STATS / DOCTOR / MALLOC-STATS are only generated in their arity
errors. OBJECT FREQ without an LFU policy is an error on any existing key,
a null on a missing one.
"""

from gen_common import Op, BINARY, weighted_generator, random_case

FAMILY = "memory"

COMMANDS = {"MEMORY": -2, "OBJECT": -2, "SET": -3}

# Never written by any family: MEMORY USAGE replies null on both servers.
ABSENT = [b"memory-absent-%d" % i for i in range(3)] + [b"memory-absent\x00bin"]


def _case(rng, word):
    return random_case(rng, word, 0.6, 0.2)


def _samples_value(rng, ctx):
    r = rng.random()
    if r < 0.5:
        return str(rng.randint(0, 20))
    if r < 0.7:
        return rng.choice(["-1", "-100", "9223372036854775807", "-9223372036854775808",
                           "9223372036854775808", "0"])
    return rng.choice([b"x", b"", b"1.5", b" 1", b"1e3", b"0x10", BINARY[1]])


def gen_usage_absent(rng, ctx):
    argv = [_case(rng, "MEMORY"), _case(rng, "USAGE"), rng.choice(ABSENT)]
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        argv += [_case(rng, "SAMPLES"), _samples_value(rng, ctx)]
    return [Op(argv)]


def gen_usage_errors(rng, ctx):
    key = rng.choice(ABSENT) if rng.random() < 0.3 else ctx.key(rng)
    shapes = [
        [_case(rng, "SAMPLES")],
        [_case(rng, "SAMPLES"), rng.choice([b"x", b"", b"1.5", b"99999999999999999999"])],
        [_case(rng, "SAMPLES"), "-%d" % rng.randint(1, 1000)],
        [rng.choice([b"SAMPLE", b"x", b"", b"COUNT", b"5"])],
        [_case(rng, "SAMPLES"), "5", _case(rng, "SAMPLES")],
        [_case(rng, "SAMPLES"), "5", b"extra"],
    ]
    return [Op([_case(rng, "MEMORY"), _case(rng, "USAGE"), key] + rng.choice(shapes))]


def gen_memory_misc(rng, ctx):
    r = rng.random()
    if r < 0.3:
        return [Op([_case(rng, "MEMORY"), _case(rng, "HELP")])]
    if r < 0.45:
        return [Op([_case(rng, "MEMORY"), _case(rng, "PURGE")])]
    return [Op(rng.choice([
        ["MEMORY"], ["MEMORY", "USAGE"], ["MEMORY", "HELP", "x"], ["MEMORY", "STATS", "x"],
        ["MEMORY", "DOCTOR", "x"], ["MEMORY", "PURGE", "x"], ["MEMORY", "MALLOC-STATS", "x"],
        ["MEMORY", "FOO"], ["MEMORY", ""], ["MEMORY", "FOO", "bar"], ["memory", "usagex", "k1"],
        ["MEMORY", b"us\x00age", "k1"], ["MEMORY", "doctor", "a", "b"],
    ]))]


def gen_object_freq(rng, ctx):
    r = rng.random()
    if r < 0.3:
        return [Op([_case(rng, "SET"), ctx.key(rng), rng.choice([b"v", b"123", b"x" * 50])])]
    if r < 0.8:
        return [Op([_case(rng, "OBJECT"), _case(rng, "FREQ"), ctx.key(rng)])]
    return [Op(rng.choice([
        ["OBJECT", "FREQ"], ["OBJECT", "FREQ", "k1", "k2"], ["OBJECT", "freq", ""],
        ["object", "Freq"],
    ]))]


GENERATORS = [
    (20, gen_usage_absent), (25, gen_usage_errors), (20, gen_memory_misc),
    (20, gen_object_freq),
]
generate = weighted_generator(GENERATORS)
