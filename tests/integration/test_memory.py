"""Memory accounting, the MEMORY command, and maxmemory with every
maxmemory-policy (docs/MEMORY.md).

The backend does not matter here: each test runs on one (epoll), not four.
Run with SPINDLE_TEST_AGAINST_REDIS=1 to check the tests against redis-server.
"""

import glob
import math
import os
import subprocess
import time

import pytest
import redis

from resp import RawConnection
from waits import poll

AGAINST_REDIS = os.environ.get("SPINDLE_TEST_AGAINST_REDIS") == "1"
MB = 1024 * 1024
OOM = "OOM command not allowed when used memory > 'maxmemory'."
OOM_REPLY = b"-" + OOM.encode() + b"\r\n"


@pytest.fixture(params=["redis-reference" if AGAINST_REDIS else "epoll"], scope="module")
def backend(request):
    """Overrides conftest's: one backend is enough for memory behaviour."""
    return request.param


def _client(srv, **kw):
    return redis.Redis(host=srv.host, port=srv.port, socket_timeout=60, **kw)


def _info(c, section):
    return c.info(section)


def _pipeline_set(c, keys, value, ex=None, chunk=2000):
    """SET every key, pipelined; returns the errors met (OOM)."""
    errors = []
    keys = list(keys)
    for i in range(0, len(keys), chunk):
        p = c.pipeline(transaction=False)
        for k in keys[i:i + chunk]:
            if ex is None:
                p.set(k, value)
            else:
                p.set(k, value, ex=ex)
        for res in p.execute(raise_on_error=False):
            if isinstance(res, Exception):
                # redis-py may strip the error code: keep the text's end.
                text = str(res)
                errors.append(OOM if OOM.endswith(text) else text)
    return errors


def _existing(c, keys):
    p = c.pipeline(transaction=False)
    for k in keys:
        p.exists(k)
    return sum(p.execute())


def _oom_count(c):
    entry = _info(c, "errorstats").get("errorstat_OOM")
    if entry is None:
        return 0
    if isinstance(entry, dict):
        return int(entry["count"])
    return int(str(entry).split("=")[1])


def _limit_to_current(c):
    """maxmemory = what is used now: each further write must evict about
    as much as it adds."""
    used = _info(c, "memory")["used_memory"]
    c.config_set("maxmemory", str(used))
    return used


# ---------------------------------------------------------------------------
# MEMORY: texts and errors (identical to Redis 7.0)

MEMORY_HELP = [
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
]

MEMORY_ERRORS = [
    (["MEMORY"], "wrong number of arguments for 'memory' command"),
    (["MEMORY", "USAGE"], "wrong number of arguments for 'memory|usage' command"),
    (["MEMORY", "DOCTOR", "x"], "wrong number of arguments for 'memory|doctor' command"),
    (["MEMORY", "STATS", "x"], "wrong number of arguments for 'memory|stats' command"),
    (["MEMORY", "PURGE", "x"], "wrong number of arguments for 'memory|purge' command"),
    (["MEMORY", "HELP", "x"], "wrong number of arguments for 'memory|help' command"),
    (["MEMORY", "MALLOC-STATS", "x"],
     "wrong number of arguments for 'memory|malloc-stats' command"),
    (["MEMORY", "FOO"], "unknown subcommand 'FOO'. Try MEMORY HELP."),
    (["MEMORY", "USAGE", "k", "x"], "syntax error"),
    (["MEMORY", "USAGE", "k", "SAMPLES"], "syntax error"),
    (["MEMORY", "USAGE", "k", "SAMPLES", "x"], "value is not an integer or out of range"),
    (["MEMORY", "USAGE", "k", "SAMPLES", "-1"], "syntax error"),
    (["MEMORY", "USAGE", "k", "SAMPLES", "5", "SAMPLES"], "syntax error"),
]


def test_memory_help_and_errors(r):
    assert [l.decode() for l in r.execute_command("MEMORY", "HELP")] == MEMORY_HELP
    r.set("k", "v")
    for argv, text in MEMORY_ERRORS:
        with pytest.raises(redis.ResponseError) as e:
            r.execute_command(*argv)
        assert str(e.value) == text, argv
    assert r.execute_command("MEMORY", "USAGE", "missing") is None
    assert r.execute_command("MEMORY", "USAGE", "k", "SAMPLES", "0") > 0
    assert r.execute_command("MEMORY", "usage", "k", "samples", "3", "SAMPLES", "7") > 0


def test_memory_purge_doctor_malloc_stats(r):
    assert r.execute_command("MEMORY", "PURGE") == b"OK"
    # An almost empty instance: Redis's "empty" report.
    assert r.execute_command("MEMORY", "DOCTOR").startswith(
        b"Hi Sam, this instance is empty or is using very little memory")
    stats = r.execute_command("MEMORY", "MALLOC-STATS")
    assert b"jemalloc statistics" in stats or stats == b"Stats not supported for the current allocator"


def test_memory_doctor_with_data(r):
    # Above 5 MB the detector runs; a fresh fill has no peak issue.
    _pipeline_set(r, ("doc:%d" % i for i in range(8000)), "x" * 1000)
    report = r.execute_command("MEMORY", "DOCTOR")
    assert not report.startswith(b"Hi Sam, this instance is empty")
    assert (report.startswith(b"Hi Sam, I can't find any memory issue") or
            report.startswith(b"Sam, I detected a few issues"))


MEMORY_STATS_HEAD = [
    "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
    "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
    "functions.caches"]
MEMORY_STATS_TAIL = [
    "overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes",
    "dataset.percentage", "peak.percentage", "allocator.allocated", "allocator.active",
    "allocator.resident", "allocator-fragmentation.ratio", "allocator-fragmentation.bytes",
    "allocator-rss.ratio", "allocator-rss.bytes", "rss-overhead.ratio", "rss-overhead.bytes",
    "fragmentation", "fragmentation.bytes"]


def test_memory_stats_fields_in_redis_order(r):
    r.set("a", "1")
    r.execute_command("SELECT", "2")
    r.set("b", "2", ex=100)
    flat = r.execute_command("MEMORY", "STATS")
    names = [flat[i].decode() for i in range(0, len(flat), 2)]
    assert names == MEMORY_STATS_HEAD + ["db.0", "db.2"] + MEMORY_STATS_TAIL
    stats = dict(zip(names, flat[1::2]))
    db2 = dict(zip([x.decode() for x in stats["db.2"][0::2]], stats["db.2"][1::2]))
    assert list(db2) == ["overhead.hashtable.main", "overhead.hashtable.expires",
                         "overhead.hashtable.slot-to-keys"]
    assert db2["overhead.hashtable.expires"] > 0
    assert stats["keys.count"] == 2
    assert stats["total.allocated"] >= stats["startup.allocated"]
    assert stats["peak.allocated"] >= stats["total.allocated"] * 0.9
    r.execute_command("SELECT", "0")


INFO_MEMORY_FIELDS = [
    "used_memory", "used_memory_human", "used_memory_rss", "used_memory_rss_human",
    "used_memory_peak", "used_memory_peak_human", "used_memory_peak_perc",
    "used_memory_overhead", "used_memory_startup", "used_memory_dataset",
    "used_memory_dataset_perc", "allocator_allocated", "allocator_active",
    "allocator_resident", "total_system_memory", "total_system_memory_human",
    "used_memory_lua", "used_memory_vm_eval", "used_memory_lua_human",
    "used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
    "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total",
    "used_memory_vm_total_human", "used_memory_functions", "used_memory_scripts",
    "used_memory_scripts_human", "maxmemory", "maxmemory_human", "maxmemory_policy",
    "allocator_frag_ratio", "allocator_frag_bytes", "allocator_rss_ratio",
    "allocator_rss_bytes", "rss_overhead_ratio", "rss_overhead_bytes",
    "mem_fragmentation_ratio", "mem_fragmentation_bytes", "mem_not_counted_for_evict",
    "mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves",
    "mem_clients_normal", "mem_cluster_links", "mem_aof_buffer", "mem_allocator",
    "active_defrag_running", "lazyfree_pending_objects", "lazyfreed_objects"]


def test_info_memory_fields_and_accounting(server, r):
    raw = RawConnection(server.host, server.port)
    reply = raw.call([b"INFO", b"memory"])
    raw.close()
    text = reply.split(b"\r\n", 1)[1].decode()
    names = [l.split(":")[0] for l in text.split("\r\n") if l and not l.startswith("#")]
    assert names == INFO_MEMORY_FIELDS
    before = _info(r, "memory")
    # 10,000 values of 1,000 bytes: used_memory grows by about 10 MB (each
    # value is one allocation of its size class, plus the key entries).
    _pipeline_set(r, ("acct:%d" % i for i in range(10000)), "v" * 1000)
    during = _info(r, "memory")
    grown = during["used_memory"] - before["used_memory"]
    assert 10 * MB <= grown <= 14 * MB, grown
    assert during["used_memory_dataset"] - before["used_memory_dataset"] >= 9 * MB
    assert during["used_memory_peak"] >= during["used_memory"]
    r.flushall()
    after = _info(r, "memory")
    assert after["used_memory"] - before["used_memory"] < 1 * MB
    # The peak remembers the fill.
    assert after["used_memory_peak"] >= during["used_memory"]


# Redis 7.0.15's MEMORY USAGE for these values (jemalloc, 64-bit), and how
# far from it Spindle may be: its layout differs (docs/COMPATIBILITY.md), the
# order of magnitude must not.
USAGE_CASES = {
    "int": 48, "emb": 96, "raw": 160, "big": 10288, "lsmall": 176, "lbig": 140032,
    "sint": 272, "sht": 48296, "hsmall": 144, "hbig": 64296, "zsmall": 128, "zbig": 100184,
}


def test_memory_usage_orders_of_magnitude(r):
    r.set("int", 12345)
    r.set("emb", "x" * 30)
    r.set("raw", "x" * 100)
    r.set("big", "x" * 10000)
    r.rpush("lsmall", *["e%d" % i for i in range(10)])
    r.rpush("lbig", *["element-%d" % i for i in range(10000)])
    r.sadd("sint", *range(100))
    r.sadd("sht", *["member-%d" % i for i in range(1000)])
    r.hset("hsmall", mapping={"f%d" % i: "v%d" % i for i in range(10)})
    r.hset("hbig", mapping={"field-%d" % i: "value-%d" % i for i in range(1000)})
    r.zadd("zsmall", {"m%d" % i: i for i in range(10)})
    r.zadd("zbig", {"member-%d" % i: i for i in range(1000)})
    for key, redis_usage in USAGE_CASES.items():
        # Spindle's intset keeps 8 bytes per member where Redis's picks the
        # narrowest width (2 bytes for these): up to 5x (docs/COMPATIBILITY.md).
        high = 5 if key == "sint" else 2
        usage = r.memory_usage(key)
        assert redis_usage / 4 <= usage <= redis_usage * high, (key, usage, redis_usage)
        # SAMPLES 0 counts every element; the default samples 5.
        full = r.memory_usage(key, samples=0)
        assert redis_usage / 4 <= full <= redis_usage * high, (key, full, redis_usage)
    # Bigger values report more.
    assert r.memory_usage("big") > r.memory_usage("raw") > r.memory_usage("int")
    assert r.memory_usage("hbig") > 10 * r.memory_usage("hsmall")


# ---------------------------------------------------------------------------
# maxmemory: noeviction

def test_noeviction_refuses_writes_but_serves_reads(harness):
    srv = harness.start("--maxmemory-policy", "noeviction")
    c = _client(srv)
    c.set("kept", "v")
    _pipeline_set(c, ("pre:%d" % i for i in range(2000)), "x" * 500)
    _limit_to_current(c)
    errors = _pipeline_set(c, ("more:%d" % i for i in range(3000)), "x" * 500)
    assert errors and set(errors) == {OOM}
    raw = RawConnection(srv.host, srv.port)
    assert raw.call([b"SET", b"another", b"x" * 500]) == OOM_REPLY
    # Reads, and commands that free memory, keep working.
    assert raw.call([b"GET", b"kept"]) == b"$1\r\nv\r\n"
    assert c.exists("pre:1") == 1
    assert c.dbsize() >= 2001
    assert c.delete("pre:1") == 1
    # Inside MULTI everything but EXEC / DISCARD is refused while out of
    # memory (queueing takes memory too), and EXEC aborts.
    used = _info(c, "memory")["used_memory"]
    c.config_set("maxmemory", str(used // 2))
    assert raw.call([b"MULTI"]) == b"+OK\r\n"
    assert raw.call([b"SET", b"m", b"1"]) == OOM_REPLY
    assert raw.call([b"GET", b"kept"]) == OOM_REPLY
    assert raw.call([b"EXEC"]) == (
        b"-EXECABORT Transaction discarded because of previous errors.\r\n")
    assert raw.call([b"MULTI"]) == b"+OK\r\n"
    assert raw.call([b"DISCARD"]) == b"+OK\r\n"
    raw.close()
    stats = _info(c, "stats")
    assert stats["evicted_keys"] == 0
    assert _oom_count(c) >= len(errors) + 3
    c.config_set("maxmemory", "0")
    assert c.set("another", "x") is True


def test_oom_on_exec_of_a_queued_write(harness):
    # Memory runs out between MULTI's queueing and EXEC: EXEC itself is
    # refused with EXECABORT since its queue holds a denyoom command.
    srv = harness.start("--maxmemory-policy", "noeviction")
    c = _client(srv)
    other = _client(srv)
    _pipeline_set(c, ("pre:%d" % i for i in range(2000)), "x" * 500)
    raw = RawConnection(srv.host, srv.port)
    assert raw.call([b"MULTI"]) == b"+OK\r\n"
    assert raw.call([b"SET", b"m", b"1"]) == b"+QUEUED\r\n"
    used = _info(other, "memory")["used_memory"]
    other.config_set("maxmemory", str(used // 2))
    assert raw.call([b"EXEC"]) == (
        b"-EXECABORT Transaction discarded because of: " + OOM.encode() + b"\r\n")
    # The transaction is gone.
    assert raw.call([b"EXEC"]) == b"-ERR EXEC without MULTI\r\n"
    raw.close()
    other.config_set("maxmemory", "0")
    assert c.get("m") is None


# ---------------------------------------------------------------------------
# maxmemory: what each policy evicts

def _start(harness, policy, *extra):
    srv = harness.start("--maxmemory-policy", policy, *extra)
    return srv, _client(srv)


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random"])
def test_volatile_policies_never_evict_keys_without_ttl(harness, policy):
    srv, c = _start(harness, policy)
    persistent = ["p:%d" % i for i in range(1000)]
    volatile = ["v:%d" % i for i in range(1000)]
    _pipeline_set(c, persistent, "x" * 500)
    _pipeline_set(c, volatile, "x" * 500, ex=100000)
    _limit_to_current(c)
    errors = _pipeline_set(c, ("f:%d" % i for i in range(500)), "x" * 500)
    assert errors == []
    assert _existing(c, persistent) == 1000
    evicted = 1000 - _existing(c, volatile)
    assert evicted >= 300
    assert _info(c, "stats")["evicted_keys"] >= evicted
    # Once no key with a TTL is left, writes are refused: keys without a TTL
    # are never evicted.
    errors = _pipeline_set(c, ("g:%d" % i for i in range(3000)), "x" * 500)
    assert errors and set(errors) == {OOM}
    assert _existing(c, volatile) == 0
    assert _existing(c, persistent) == 1000


def test_volatile_ttl_evicts_nearest_expiry_first(harness):
    srv, c = _start(harness, "volatile-ttl")
    soon = ["soon:%d" % i for i in range(1000)]
    late = ["late:%d" % i for i in range(1000)]
    _pipeline_set(c, soon, "x" * 500, ex=1000)
    _pipeline_set(c, late, "x" * 500, ex=1000000)
    _limit_to_current(c)
    _pipeline_set(c, ("f:%d" % i for i in range(500)), "x" * 500)
    soon_left, late_left = _existing(c, soon), _existing(c, late)
    assert soon_left <= 700
    assert late_left >= 980, late_left


@pytest.mark.parametrize("policy", ["allkeys-random", "volatile-random"])
def test_random_policies_evict_from_both_groups(harness, policy):
    # allkeys-random: keys with and without TTL alike. volatile-random: among
    # keys with a TTL, the short and the long ones alike.
    srv, c = _start(harness, policy)
    a = ["a:%d" % i for i in range(1000)]
    b = ["b:%d" % i for i in range(1000)]
    if policy == "allkeys-random":
        _pipeline_set(c, a, "x" * 500)
    else:
        _pipeline_set(c, a, "x" * 500, ex=1000)
    _pipeline_set(c, b, "x" * 500, ex=1000000)
    _limit_to_current(c)
    _pipeline_set(c, ("f:%d" % i for i in range(800)), "x" * 500, ex=1000000)
    a_lost, b_lost = 1000 - _existing(c, a), 1000 - _existing(c, b)
    assert a_lost >= 100 and b_lost >= 100, (a_lost, b_lost)


def test_allkeys_lru_keeps_recently_touched_keys(harness):
    srv, c = _start(harness, "allkeys-lru")
    cold = ["cold:%d" % i for i in range(2000)]
    hot = ["hot:%d" % i for i in range(500)]
    _pipeline_set(c, cold + hot, "x" * 500)
    time.sleep(2.1)  # the LRU clock counts seconds
    touched = time.monotonic()
    p = c.pipeline(transaction=False)
    for k in hot:
        p.get(k)
    p.execute()
    _limit_to_current(c)
    _pipeline_set(c, ("f:%d" % i for i in range(800)), "x" * 500)
    hot_left, cold_left = _existing(c, hot), _existing(c, cold)
    assert cold_left <= 2000 - 600, cold_left
    assert hot_left >= 475, hot_left
    # OBJECT IDLETIME shows the difference the policy used: read in one
    # transaction (one clock), a hot key is less idle than a surviving cold
    # one, and no idler than the seconds since it was touched (plus one for
    # the clock's granularity), however slow the machine.
    hot_key = next(k for k in hot if c.exists(k))
    cold_key = next(k for k in cold if c.exists(k))
    p = c.pipeline(transaction=True)
    p.object("idletime", hot_key)
    p.object("idletime", cold_key)
    hot_idle, cold_idle = p.execute()
    assert hot_idle < cold_idle, (hot_idle, cold_idle)
    assert hot_idle <= math.ceil(time.monotonic() - touched) + 1, hot_idle


def test_inspecting_reads_leave_the_access_clock_alone(harness):
    """EXISTS, TYPE and the TTL family look keys up with Redis's
    LOOKUP_NOTOUCH, as OBJECT does: a key only inspected stays as idle (and
    as evictable) as one nobody touched; GET does touch."""
    srv, c = _start(harness, "allkeys-lru")
    inspect = [["EXISTS"], ["TYPE"], ["TTL"], ["PTTL"], ["EXPIRETIME"], ["PEXPIRETIME"],
               ["OBJECT", "ENCODING"], ["OBJECT", "IDLETIME"]]
    keys = ["k%d" % i for i in range(len(inspect))]
    c.mset({k: "v" for k in keys + ["untouched", "read"]})
    c.expire("k2", 100000)
    # The clock has moved on: the untouched key is idle (OBJECT does not touch).
    poll(lambda: c.object("idletime", "untouched") >= 2, True, "idle time")
    # One transaction: one clock for every command.
    p = c.pipeline(transaction=True)
    for argv, key in zip(inspect, keys):
        if argv[0] == "OBJECT":
            p.object(argv[1].lower(), key)
        else:
            p.execute_command(*argv, key)
    p.get("read")
    for key in keys + ["untouched", "read"]:
        p.object("idletime", key)
    idle = p.execute()[len(keys) + 1:]
    untouched = idle[-2]
    assert untouched >= 2
    assert dict(zip(keys, idle)) == {k: untouched for k in keys}
    assert idle[-1] == 0  # GET touched its key


def test_allkeys_lfu_keeps_frequently_used_keys(harness):
    srv, c = _start(harness, "allkeys-lfu")
    cold = ["cold:%d" % i for i in range(2000)]
    hot = ["hot:%d" % i for i in range(500)]
    _pipeline_set(c, cold + hot, "x" * 500)
    p = c.pipeline(transaction=False)
    for _ in range(100):
        for k in hot:
            p.get(k)
    p.execute()
    assert c.object("freq", "hot:1") >= 8
    assert c.object("freq", "cold:1") <= 5
    _limit_to_current(c)
    _pipeline_set(c, ("f:%d" % i for i in range(800)), "x" * 500)
    hot_left, cold_left = _existing(c, hot), _existing(c, cold)
    assert cold_left <= 2000 - 600, cold_left
    assert hot_left >= 475, hot_left


def test_lfu_settings_and_object_freq(harness):
    # lfu-decay-time 0: a minute turning between two commands must not
    # take a point off the exact counts below.
    srv, c = _start(harness, "allkeys-lfu", "--lfu-log-factor", "0", "--lfu-decay-time", "0")
    c.set("k", "v")
    assert c.object("freq", "k") == 5  # LFU_INIT_VAL
    for _ in range(20):
        c.get("k")
    assert c.object("freq", "k") == 25  # factor 0: every access counts
    with pytest.raises(redis.ResponseError) as e:
        c.object("idletime", "k")
    assert str(e.value).startswith("An LFU maxmemory policy is selected")
    c.config_set("maxmemory-policy", "allkeys-lru")
    with pytest.raises(redis.ResponseError) as e:
        c.object("freq", "k")
    assert str(e.value).startswith("An LFU maxmemory policy is not selected")


def test_lfu_freq_through_debug_reload_and_dump_restore(harness):
    """rdbSaveKeyValuePair writes the decayed counter as FREQ and the loader
    (objectSetLRUOrLFU) restores it; DUMP carries no FREQ (a plain RESTORE
    starts at LFU_INIT_VAL) but touches the key; RESTORE FREQ sets it.
    lfu-decay-time 0: a minute turning between two commands must not take a
    point off the exact counts (the decay itself is the next test's)."""
    srv, c = _start(harness, "allkeys-lfu", "--lfu-log-factor", "0", "--lfu-decay-time", "0",
                    "--enable-debug-command", "yes")
    c.set("k", "v")
    for _ in range(10):
        c.get("k")
    assert c.object("freq", "k") == 15
    c.execute_command("DEBUG", "RELOAD")
    assert c.object("freq", "k") == 15
    payload = c.dump("k")
    assert c.object("freq", "k") == 16  # DUMP is a read
    c.restore("plain", 0, payload)
    assert c.object("freq", "plain") == 5
    c.restore("given", 0, payload, frequency=77)
    assert c.object("freq", "given") == 77
    c.set("n", 123)  # an integer: its own object, not a shared one
    c.execute_command("DEBUG", "RELOAD")
    assert [c.object("freq", k) for k in ("k", "plain", "given", "n")] == [16, 5, 77, 5]
    # Under an LRU policy the file holds IDLE instead, which restores the
    # same access word within the same second.
    c.config_set("maxmemory-policy", "allkeys-lru")
    c.execute_command("DEBUG", "RELOAD")
    c.config_set("maxmemory-policy", "allkeys-lfu")
    assert c.object("freq", "given") == 77
    c.restore("top", 0, payload, frequency=255)
    c.execute_command("DEBUG", "RELOAD")
    assert c.object("freq", "top") == 255


def test_lfu_freq_saved_decays_by_lfu_decay_time(harness):
    """The FREQ saved is LFUDecrAndReturn under lfu-decay-time (one point
    per lfu-decay-time minutes since the key's last decrement), and the
    loader stamps the key with its own time. Waits for the next minute of
    the clock (up to a minute)."""
    srv, c = _start(harness, "allkeys-lfu", "--lfu-decay-time", "2",
                    "--enable-debug-command", "yes")
    c.set("src", "v")
    payload = c.dump("src")
    # The minute the key is stamped with: the RESTORE ran between the two
    # readings of the clock; if a minute turned between them (a loaded
    # machine, or an edge of a minute), do it again.
    while True:
        minute = int(time.time() // 60)
        c.restore("k", 0, payload, frequency=100, replace=True)
        if int(time.time() // 60) == minute:
            break
    time.sleep((minute + 1) * 60 + 0.5 - time.time())  # one minute elapsed
    assert c.object("freq", "k") == 100  # 1 minute / 2: no period yet
    c.config_set("lfu-decay-time", "1")
    assert c.object("freq", "k") == 99
    c.config_set("lfu-decay-time", "2")
    c.execute_command("DEBUG", "RELOAD")  # saves 100, not 99
    assert c.object("freq", "k") == 100
    c.config_set("lfu-decay-time", "1")
    assert c.object("freq", "k") == 100  # stamped by the load: no minute yet


def test_lru_idle_survives_the_clock_wrap(harness):
    """objectSetLRUOrLFU puts an access time before the 24-bit LRU clock's
    last wrap back at the top of the range (lru_abs += LRU_CLOCK_MAX), so
    RESTORE IDLETIME and an RDB's IDLE give back the same idle time; an LFU
    word saved as IDLE under an LRU policy comes back unchanged."""
    srv, c = _start(harness, "allkeys-lru", "--enable-debug-command", "yes")
    c.set("src", "v")
    payload = c.dump("src")
    idles = [5, 100000, 16000000, 16777214, 16777215, 20000000]
    want = [5, 100000, 16000000, 16777214, 0, 20000000 - (1 << 24)]
    # One transaction: every command sees one LRU clock, so a second turning
    # in between cannot add one to the exact idle times.
    p = c.pipeline(transaction=True)
    for idle in idles:
        p.restore("k%d" % idle, 0, payload, idletime=idle)
    for idle in idles:
        p.object("idletime", "k%d" % idle)
    p.execute_command("DEBUG", "RELOAD")
    for idle in idles:
        p.object("idletime", "k%d" % idle)
    got = p.execute()
    n = len(idles)
    assert got[n:2 * n] == want
    assert got[2 * n + 1:] == want


def test_small_integers_are_not_shared_under_lru_with_maxmemory(harness):
    srv, c = _start(harness, "allkeys-lru", "--maxmemory", "1gb")
    c.set("n", "100")
    assert c.object("refcount", "n") == 1
    c.config_set("maxmemory", "0")
    c.set("m", "100")
    assert c.object("refcount", "m") == 2147483647


# ---------------------------------------------------------------------------
# What an eviction tells the rest of the server

@pytest.mark.parametrize("lazy", ["no", "yes"])
def test_eviction_is_propagated_notified_and_invalidates(harness, tmp_path, lazy):
    srv, c = _start(harness, "allkeys-lru", "--appendonly", "yes", "--dir", str(tmp_path),
                    "--notify-keyspace-events", "Ee", "--lazyfree-lazy-eviction", lazy)
    c.rpush("victim", *["element-%d" % i for i in range(5000)])
    sub = RawConnection(srv.host, srv.port)
    sub.call([b"PSUBSCRIBE", b"__keyevent@0__:evicted"])
    # Client-side caching: the tracked key is invalidated.
    inv = RawConnection(srv.host, srv.port)
    inv_id = inv.call([b"CLIENT", b"ID"])[1:-2]
    inv.call([b"SUBSCRIBE", b"__redis__:invalidate"])
    tracker = _client(srv, single_connection_client=True)
    tracker.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", inv_id)
    tracker.lrange("victim", 0, 0)
    # WATCH: the transaction of the watcher fails.
    watcher = _client(srv, single_connection_client=True)
    watcher.execute_command("WATCH", "victim")
    c.config_set("maxmemory", "1")
    # CONFIG SET maxmemory starts evicting at once: the event arrives before
    # any other command runs.
    assert sub.read_reply() == (b"*4\r\n$8\r\npmessage\r\n$22\r\n__keyevent@0__:evicted\r\n"
                                b"$22\r\n__keyevent@0__:evicted\r\n$6\r\nvictim\r\n")
    c.config_set("maxmemory", "0")
    assert c.exists("victim") == 0
    assert _info(c, "stats")["evicted_keys"] == 1
    assert inv.read_reply() == (b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"
                                b"*1\r\n$6\r\nvictim\r\n")
    watcher.execute_command("MULTI")
    watcher.execute_command("SET", "w", "1")
    assert watcher.execute_command("EXEC") is None
    # The AOF holds the deletion (under appendfsync everysec the write may
    # wait behind a busy background fsync: a generous bound).
    deadline = time.monotonic() + 30
    want = b"UNLINK" if lazy == "yes" else b"DEL"
    while True:
        data = b"".join(open(f, "rb").read()
                        for f in glob.glob(os.path.join(str(tmp_path), "appendonlydir", "*incr*")))
        if b"$6\r\nvictim" in data and want in data:
            break
        assert time.monotonic() < deadline, data[-200:]
        time.sleep(0.05)


# ---------------------------------------------------------------------------
# 64 MB under ~500 MB of writes, every policy

FILL_POLICIES = ["allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
                 "volatile-lfu", "volatile-random", "volatile-ttl"]


@pytest.mark.parametrize("policy", FILL_POLICIES)
def test_fill_stays_within_maxmemory(harness, policy):
    srv = harness.start("--maxmemory", "64mb", "--maxmemory-policy", policy)
    c = _client(srv)
    value = "x" * 1000
    # 500,000 SETs of 1,000-byte values (~500 MB), pipelined by
    # redis-benchmark; the volatile policies need keys with a TTL.
    cmd = ["SET", "key:__rand_int__", value]
    if policy.startswith("volatile"):
        cmd += ["EX", "100000"]
    out = subprocess.run(
        ["redis-benchmark", "-h", srv.host, "-p", str(srv.port), "-n", "500000", "-r",
         "100000000", "-P", "64", "-c", "4", "-q"] + cmd,
        capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    mem = _info(c, "memory")
    limit = 64 * MB
    assert mem["used_memory"] <= limit * 1.03, mem["used_memory"]
    assert mem["used_memory"] >= limit * 0.85, mem["used_memory"]
    assert mem["used_memory_peak"] <= limit * 1.05, mem["used_memory_peak"]
    stats = _info(c, "stats")
    assert stats["evicted_keys"] > 300000
    assert c.dbsize() > 40000
    # Nothing was refused: every SET found something to evict.
    assert _oom_count(c) == 0
