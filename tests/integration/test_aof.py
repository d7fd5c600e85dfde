"""The append-only file: Redis 7's multi-part layout (manifest, base, incr),
replay at start-up, BGREWRITEAOF, CONFIG SET appendonly, the fsync
policies, automatic rewrites, timestamps, truncated and corrupt files,
old single-file AOFs, and interoperability with redis-server 7.0 in both
directions (redis-check-aof included).

Contents are compared through ordinary reads (persist_common.snapshot).
With SPINDLE_TEST_AGAINST_REDIS=1 every test runs against redis-server
itself (log wording checks apart), which proves the expectations.
"""

import os
import shutil
import subprocess

import pytest

import servers
from persist_common import client, raw, is_spindle, fill, snapshot, start_redis, run_to_exit
from waits import poll

REDIS_CHECK_AOF = "/usr/bin/redis-check-aof"
AOF = ("--appendonly", "yes")
# What a test that SIGKILLs the server, or reads the AOF right after a reply,
# runs with: under everysec a write may wait (up to 2 s) behind a busy
# background fsync, acknowledged but not yet written (CI once caught the
# transaction test that way on a loaded machine).
AOF_ALWAYS = AOF + ("--appendfsync", "always")
MANIFEST = "appendonly.aof.manifest"


@pytest.fixture(scope="module",
                params=["redis-reference"] if os.environ.get("SPINDLE_TEST_AGAINST_REDIS") == "1"
                else ["epoll"])
def backend(request):
    return request.param


def aof_dir(srv_or_dir):
    base = srv_or_dir if isinstance(srv_or_dir, str) else srv_or_dir.workdir
    return os.path.join(base, "appendonlydir")


def aof_files(srv):
    return sorted(os.listdir(aof_dir(srv)))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def manifest(srv):
    return read(os.path.join(aof_dir(srv), MANIFEST)).decode()


def incr_path(srv, seq=1):
    return os.path.join(aof_dir(srv), "appendonly.aof.%d.incr.aof" % seq)


def rewrite_done(r):
    info = r.info("persistence")
    return info["aof_rewrite_in_progress"] == 0 and info["aof_rewrite_scheduled"] == 0


def wait_rewrite(r):
    poll(lambda: rewrite_done(r), True, "AOF rewrite finished")


def workload(r):
    """fill() plus the commands whose AOF form is not what the client sent:
    relative TTLs, float increments, random pops, blocking pops, GETEX,
    transactions, expired keys met by a command."""
    fill(r)
    r.incrbyfloat("float", "1.5")
    r.incrbyfloat("float", "0.25")
    r.hincrbyfloat("hfloat", "f", "2.5")
    r.set("ex", "v", ex=1000)
    r.setex("setex", 1000, "v")
    r.set("pxat", "v", pxat=4102444800000)
    r.expire("str", 5000)
    r.pexpire("hash", 900000)
    r.sadd("pop", *range(20))
    r.spop("pop")
    r.spop("pop", 3)
    r.rpush("bl", "a", "b", "c", "d")
    r.blpop("bl", 1)
    r.brpop("bl", 1)
    r.blmove("bl", "bl2", 1, "LEFT", "RIGHT")
    r.zadd("bz", {"a": 1, "b": 2})
    r.bzpopmin("bz", 1)
    r.getex("int", ex=3000)
    r.getex("neg", persist=True)
    r.set("short", "v", px=1)
    p = r.pipeline(transaction=True)
    p.set("tx1", "1")
    p.incr("tx2")
    p.lpush("txl", "a", "b")
    p.execute()
    r.execute_command("SWAPDB", 3, 4)
    r.set("short", "again")  # met expired: DEL + SET
    r.delete("nosuchkey")


def test_fresh_start_creates_base_and_incr(harness):
    srv = harness.start(*AOF_ALWAYS)
    assert aof_files(srv) == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", MANIFEST]
    assert manifest(srv) == ("file appendonly.aof.1.base.rdb seq 1 type b\n"
                             "file appendonly.aof.1.incr.aof seq 1 type i\n")
    assert read(os.path.join(aof_dir(srv), "appendonly.aof.1.base.rdb")).startswith(b"REDIS0010")
    r = client(srv)
    info = r.info("persistence")
    assert info["aof_enabled"] == 1
    # A fresh start counts nothing yet (Redis sizes the files when it loads
    # them, and there was nothing to load).
    assert info["aof_base_size"] == info["aof_current_size"] == 0
    r.set("a", "1")
    assert read(incr_path(srv)) == (b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                                    b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n")
    assert r.info("persistence")["aof_current_size"] == info["aof_current_size"] + 50
    if is_spindle(harness):
        log = srv.log_text()
        assert "Creating AOF base file appendonly.aof.1.base.rdb on server start" in log
        assert "Creating AOF incr file appendonly.aof.1.incr.aof on server start" in log


def test_restart_after_kill_replays_everything(harness):
    srv = harness.start(*AOF_ALWAYS)
    r = client(srv)
    workload(r)
    before = snapshot(srv)
    # SIGKILL: nothing is saved on the way out, the AOF alone brings it back.
    srv.proc.kill()
    srv.proc.wait()
    again = harness.start("--dir", srv.workdir, *AOF)
    assert snapshot(again) == before
    assert client(again).get("short") == b"again"
    if is_spindle(harness):
        log = again.log_text()
        assert "DB loaded from base file appendonly.aof.1.base.rdb" in log
        assert "DB loaded from incr file appendonly.aof.1.incr.aof" in log
        assert "Opening AOF incr file appendonly.aof.1.incr.aof on server start" in log


def test_expired_and_then_persisted_keys_replay_as_they_ran(harness):
    # Loading never expires keys: a key whose TTL had passed by the restart
    # but was PERSISTed before it expired must come back.
    srv = harness.start(*AOF_ALWAYS)
    r = client(srv)
    r.set("k", "v", px=1500)
    r.append("k", "w")
    r.persist("k")
    r.set("gone", "x", px=200)
    srv.proc.kill()
    srv.proc.wait()
    again = harness.start("--dir", srv.workdir, *AOF)
    r2 = client(again)
    assert r2.get("k") == b"vw"
    assert r2.pttl("k") == -1


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_redis_aof_loads_into_spindle(harness, preamble):
    peer = start_redis(*AOF, "--aof-use-rdb-preamble", preamble)
    try:
        rr = client(peer)
        workload(rr)
        assert raw(peer, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
        wait_rewrite(rr)
        rr.rpush("after-rewrite", "x", "y")   # goes to incr 2
        rr.incr("counter")
        expected = snapshot(peer)
    finally:
        peer.stop()
    srv = harness.start("--dir", peer.workdir, *AOF)
    assert snapshot(srv) == expected
    # And it goes on from redis-server's sequence numbers.
    assert "seq 2 type b" in read(os.path.join(aof_dir(peer.workdir), MANIFEST)).decode()


def test_spindle_aof_loads_into_redis_and_passes_check_aof(harness):
    srv = harness.start(*AOF, "--aof-use-rdb-preamble", "no")
    r = client(srv)
    workload(r)
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    wait_rewrite(r)
    r.sadd("after", "1", "2")
    expected = snapshot(srv)
    srv.stop()
    check = subprocess.run([REDIS_CHECK_AOF, os.path.join(aof_dir(srv), MANIFEST)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = check.stdout.decode(errors="replace")
    assert check.returncode == 0, out
    assert "is valid" in out
    peer = start_redis("--dir", srv.workdir, *AOF)
    try:
        assert snapshot(peer) == expected
    finally:
        peer.stop()


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_bgrewriteaof_rotates_the_files(harness, preamble):
    srv = harness.start(*AOF_ALWAYS, "--aof-use-rdb-preamble", preamble)
    r = client(srv)
    workload(r)
    expected = snapshot(srv)
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    wait_rewrite(r)
    ext = "rdb" if preamble == "yes" else "aof"
    assert aof_files(srv) == ["appendonly.aof.2.base." + ext, "appendonly.aof.2.incr.aof",
                              MANIFEST]
    assert manifest(srv) == ("file appendonly.aof.2.base.%s seq 2 type b\n"
                             "file appendonly.aof.2.incr.aof seq 2 type i\n" % ext)
    base = read(os.path.join(aof_dir(srv), "appendonly.aof.2.base." + ext))
    assert base.startswith(b"REDIS0010" if preamble == "yes" else b"*2\r\n$6\r\nSELECT\r\n")
    info = r.info("persistence")
    assert info["aof_rewrites"] == 1
    assert info["aof_last_bgrewrite_status"] == "ok"
    assert info["aof_base_size"] == len(base)
    # The first command after the switch names its database again.
    r.set("post", "1")
    assert read(incr_path(srv, 2)).startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
    expected[(0, b"post")] = ("string", b"int", -1, b"1")
    srv.stop()
    again = harness.start("--dir", srv.workdir, *AOF)
    assert snapshot(again) == expected


def test_writes_during_a_rewrite_are_kept(harness):
    srv = harness.start(*AOF_ALWAYS, "--rdb-key-save-delay", "20000")
    r = client(srv)
    for i in range(50):
        r.set("k%d" % i, i)
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    assert r.info("persistence")["aof_rewrite_in_progress"] == 1
    for i in range(50, 100):
        r.set("k%d" % i, i)
    r.delete("k0")
    wait_rewrite(r)
    r.config_set("rdb-key-save-delay", 0)
    expected = snapshot(srv)
    assert len(expected) == 99
    srv.proc.kill()
    srv.proc.wait()
    again = harness.start("--dir", srv.workdir, *AOF)
    assert snapshot(again) == expected


def test_one_child_at_a_time(harness):
    srv = harness.start(*AOF, "--rdb-key-save-delay", "20000")
    r = client(srv)
    for i in range(50):
        r.set("k%d" % i, i)
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    assert raw(srv, "BGREWRITEAOF") == (
        b"-ERR Background append only file rewriting already in progress\r\n")
    assert raw(srv, "BGSAVE") == (
        b"-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
        b"SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
    assert raw(srv, "BGSAVE", "SCHEDULE") == b"+Background saving scheduled\r\n"
    wait_rewrite(r)
    # The scheduled BGSAVE runs once the rewrite is done.
    poll(lambda: os.path.exists(os.path.join(srv.workdir, "dump.rdb")), True, "scheduled BGSAVE")
    poll(lambda: r.info("persistence")["rdb_bgsave_in_progress"], 0, "BGSAVE done")
    # And a rewrite asked for during a BGSAVE is scheduled.
    assert raw(srv, "BGSAVE") == b"+Background saving started\r\n"
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting scheduled\r\n"
    assert r.info("persistence")["aof_rewrite_scheduled"] == 1
    r.config_set("rdb-key-save-delay", 0)
    wait_rewrite(r)
    assert r.info("persistence")["aof_rewrites"] == 2


def test_config_set_appendonly_on_and_off(harness):
    srv = harness.start("--appendfsync", "always")
    r = client(srv)
    r.set("before", "1")
    assert r.info("persistence")["aof_enabled"] == 0
    assert r.config_set("appendonly", "yes")
    wait_rewrite(r)
    assert r.info("persistence")["aof_enabled"] == 1
    assert aof_files(srv) == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof",
                              MANIFEST]
    r.set("after", "2")
    assert b"after" in read(incr_path(srv))
    assert r.config_set("appendonly", "no")
    assert r.info("persistence")["aof_enabled"] == 0
    size = os.path.getsize(incr_path(srv))
    r.set("ignored", "3")
    assert os.path.getsize(incr_path(srv)) == size
    srv.stop()
    again = harness.start("--dir", srv.workdir, *AOF)
    r2 = client(again)
    assert sorted(r2.keys("*")) == [b"after", b"before"]


def test_bgrewriteaof_with_appendonly_no_writes_a_base(harness):
    srv = harness.start()
    r = client(srv)
    r.set("x", "1")
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    wait_rewrite(r)
    assert aof_files(srv) == ["appendonly.aof.1.base.rdb", MANIFEST]
    assert manifest(srv) == "file appendonly.aof.1.base.rdb seq 1 type b\n"
    srv.stop()
    again = harness.start("--dir", srv.workdir, *AOF)
    assert client(again).get("x") == b"1"


@pytest.mark.parametrize("policy", ["always", "everysec", "no"])
def test_every_fsync_policy_writes_before_replying(harness, policy):
    srv = harness.start(*AOF, "--appendfsync", policy)
    r = client(srv)
    for i in range(20):
        r.rpush("l", i)
        tail = b"$1\r\nl\r\n$%d\r\n%d\r\n" % (len(str(i)), i)
        if policy == "everysec":
            # The write may wait up to 2 s behind a busy background fsync.
            poll(lambda: read(incr_path(srv)).endswith(tail), True, "write %d in the AOF" % i)
        else:
            # always: written and fsynced before the reply; no: written
            # before the reply, fsynced whenever the kernel likes.
            assert read(incr_path(srv)).endswith(tail)
    assert r.config_get("appendfsync") == {"appendfsync": policy}
    r.config_set("appendfsync", "always" if policy != "always" else "no")
    r.set("k", "v")
    assert read(incr_path(srv)).endswith(b"$1\r\nk\r\n$1\r\nv\r\n")


def test_automatic_rewrite_on_growth(harness):
    srv = harness.start(*AOF, "--auto-aof-rewrite-min-size", "20000",
                        "--auto-aof-rewrite-percentage", "100")
    r = client(srv)
    for i in range(400):
        r.set("key:%d" % i, "x" * 100)
    poll(lambda: r.info("persistence")["aof_rewrites"] >= 1, True, "automatic rewrite")
    wait_rewrite(r)
    if is_spindle(harness):
        assert "Starting automatic rewriting of AOF on" in srv.log_text()


def test_timestamp_annotations(harness):
    srv = harness.start(*AOF_ALWAYS, "--aof-timestamp-enabled", "yes")
    r = client(srv)
    r.set("a", "1")
    data = read(incr_path(srv))
    assert data.startswith(b"#TS:")
    ts = int(data[4:data.index(b"\r\n")])
    assert abs(ts - r.time()[0]) < 60
    srv.stop()
    again = harness.start("--dir", srv.workdir, *AOF, "--aof-timestamp-enabled", "yes")
    assert client(again).get("a") == b"1"


def killed_with(harness, *setup):
    srv = harness.start(*AOF_ALWAYS)
    r = client(srv)
    for argv in setup:
        r.execute_command(*argv)
    srv.proc.kill()
    srv.proc.wait()
    return srv


def test_truncated_tail_is_cut_with_aof_load_truncated(harness):
    srv = killed_with(harness, ("SET", "a", "1"), ("SET", "b", "2"))
    path = incr_path(srv)
    good = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhel")
    code, out = run_to_exit(harness_binary(harness), ["--dir", srv.workdir, *AOF,
                                                      "--aof-load-truncated", "no"],
                            srv.workdir, timeout=30)
    assert code == 1
    if is_spindle(harness):
        assert "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof" in out
    assert os.path.getsize(path) > good  # untouched
    again = harness.start("--dir", srv.workdir, *AOF)
    r = client(again)
    assert sorted(r.keys("*")) == [b"a", b"b"]
    assert os.path.getsize(path) == good
    if is_spindle(harness):
        log = again.log_text()
        assert "!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!" in log
        assert "AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled" in log


def test_unfinished_multi_is_reverted(harness):
    srv = killed_with(harness, ("SET", "a", "1"))
    path = incr_path(srv)
    good = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n")
    again = harness.start("--dir", srv.workdir, *AOF)
    assert client(again).keys("*") == [b"a"]
    assert os.path.getsize(path) == good
    if is_spindle(harness):
        assert "Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof" in again.log_text()


def harness_binary(harness):
    return servers.REDIS_SERVER if harness.against_redis else os.environ.get(
        "SPINDLE_SERVER", servers.DEFAULT_SPINDLE)


@pytest.mark.parametrize("garbage,message", [
    (b"this is not an aof\r\n", "Bad file format reading the append only file"),
    (b"*2\r\n$8\r\nNOTACMD!\r\n$1\r\nx\r\n", "Unknown command 'NOTACMD!' reading the append only file"),
])
def test_corrupt_aof_is_refused(harness, garbage, message):
    srv = killed_with(harness, ("SET", "a", "1"))
    with open(incr_path(srv), "ab") as f:
        f.write(garbage)
    code, out = run_to_exit(harness_binary(harness), ["--dir", srv.workdir, *AOF], srv.workdir)
    assert code == 1
    if is_spindle(harness):
        assert message in out


def test_a_damaged_file_that_is_not_the_last_is_refused(harness):
    srv = harness.start(*AOF, "--aof-use-rdb-preamble", "no")
    r = client(srv)
    r.set("a", "1")
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    wait_rewrite(r)
    r.set("b", "2")
    srv.stop()
    base = os.path.join(aof_dir(srv), "appendonly.aof.2.base.aof")
    data = read(base)
    with open(base, "wb") as f:
        f.write(data[:-3])  # the base is not the last file: no truncation allowed
    code, out = run_to_exit(harness_binary(harness), ["--dir", srv.workdir, *AOF], srv.workdir)
    assert code == 1
    if is_spindle(harness):
        assert "Unexpected end of file reading the append only file appendonly.aof.2.base.aof" in out


def test_old_style_single_aof_is_migrated(harness, tmp_path):
    work = str(tmp_path)
    with open(os.path.join(work, "appendonly.aof"), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$3\r\nyes\r\n"
                b"*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n")
    srv = harness.start("--dir", work, *AOF)
    r = client(srv)
    assert r.get("old") == b"yes"
    assert r.lrange("l", 0, -1) == [b"a"]
    assert not os.path.exists(os.path.join(work, "appendonly.aof"))
    assert sorted(os.listdir(aof_dir(work))) == ["appendonly.aof", "appendonly.aof.1.incr.aof",
                                                 MANIFEST]
    assert read(os.path.join(aof_dir(work), MANIFEST)).decode() == (
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")


def test_shutdown_nosave_keeps_the_aof(harness):
    srv = harness.start(*AOF, "--appendfsync", "everysec")
    r = client(srv)
    r.set("a", "1")
    try:
        r.shutdown(nosave=True)
    except Exception:  # noqa: BLE001 - the connection closes
        pass
    srv.proc.wait(timeout=30)
    again = harness.start("--dir", srv.workdir, *AOF)
    assert client(again).get("a") == b"1"
    if is_spindle(harness):
        assert "Calling fsync() on the AOF file." in srv.log_text()


def test_info_persistence_fields_with_aof_match_redis(harness):
    srv = harness.start(*AOF)
    names = list(client(srv).info("persistence").keys())
    peer = start_redis(*AOF)
    try:
        assert names == list(client(peer).info("persistence").keys())
    finally:
        peer.stop()
    assert names[-6:] == ["aof_current_size", "aof_base_size", "aof_pending_rewrite",
                          "aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync"]


def test_bgrewriteaof_command_info(harness):
    srv = harness.start()
    peer = start_redis()
    try:
        assert raw(srv, "COMMAND", "INFO", "bgrewriteaof") == raw(peer, "COMMAND", "INFO",
                                                                  "bgrewriteaof")
        assert raw(srv, "BGREWRITEAOF", "x") == raw(peer, "BGREWRITEAOF", "x")
    finally:
        peer.stop()


def test_aof_dir_is_self_contained(harness):
    # A copied directory restores the dataset anywhere (what backups rely on).
    srv = harness.start(*AOF)
    r = client(srv)
    fill(r)
    expected = snapshot(srv)
    srv.stop()
    other = harness.start(*AOF)
    other.stop()
    shutil.rmtree(aof_dir(other))
    shutil.copytree(aof_dir(srv), aof_dir(other))
    copy = harness.start("--dir", other.workdir, *AOF)
    assert snapshot(copy) == expected


def test_transactions_are_written_as_redis_writes_them(harness):
    srv = harness.start(*AOF_ALWAYS)
    r = client(srv)
    p = r.pipeline(transaction=True)
    p.set("a", "1")
    p.execute()
    p = r.pipeline(transaction=True)
    p.set("b", "2")
    p.get("a")
    p.incr("c")
    p.execute()
    p = r.pipeline(transaction=True)
    p.get("a")
    p.execute()
    # One write alone is not wrapped; EXEC itself is never written.
    assert read(incr_path(srv)) == (
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
        b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
        b"*1\r\n$5\r\nMULTI\r\n"
        b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"
        b"*3\r\n$6\r\nINCRBY\r\n$1\r\nc\r\n$1\r\n1\r\n"
        b"*1\r\n$4\r\nEXEC\r\n")


def resp_command(*argv):
    out = b"*%d\r\n" % len(argv)
    for a in argv:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def test_times_that_passed_before_the_restart_do_not_delete_while_loading(harness):
    # The original run set a TTL in the future and then removed it; by the
    # restart that time has passed. Replaying must not delete the key at the
    # PEXPIREAT / RESTORE ABSTTL (Redis's checkAlreadyExpired is off while
    # loading), or the PERSIST after it would find nothing.
    srv = killed_with(harness, ("SET", "k", "v"), ("SET", "payload", "restored"))
    payload = None
    probe = harness.start()
    try:
        pc = client(probe)
        pc.set("x", "restored")
        payload = pc.dump("x")
    finally:
        probe.stop()
    past = 1000000  # unix ms, long gone
    with open(incr_path(srv), "ab") as f:
        f.write(resp_command("PEXPIREAT", "k", past) + resp_command("PERSIST", "k"))
        f.write(resp_command("RESTORE", "r", past, payload, "ABSTTL") + resp_command("PERSIST", "r"))
    again = harness.start("--dir", srv.workdir, *AOF)
    r = client(again)
    assert r.get("k") == b"v"
    assert r.pttl("k") == -1
    assert r.get("r") == b"restored"
    assert r.pttl("r") == -1


def test_aof_disable_auto_gc_keeps_the_history(harness):
    srv = harness.start(*AOF, "--aof-disable-auto-gc", "yes")
    r = client(srv)
    r.set("a", "1")
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    wait_rewrite(r)
    assert aof_files(srv) == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof",
                              "appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", MANIFEST]
    assert manifest(srv) == ("file appendonly.aof.2.base.rdb seq 2 type b\n"
                             "file appendonly.aof.1.incr.aof seq 1 type h\n"
                             "file appendonly.aof.1.base.rdb seq 1 type h\n"
                             "file appendonly.aof.2.incr.aof seq 2 type i\n")
    # Turned back on, the next rewrite removes them all.
    r.config_set("aof-disable-auto-gc", "no")
    assert raw(srv, "BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    wait_rewrite(r)
    assert aof_files(srv) == ["appendonly.aof.3.base.rdb", "appendonly.aof.3.incr.aof", MANIFEST]
