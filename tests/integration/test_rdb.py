"""RDB persistence: SAVE / BGSAVE / restart, interoperability with
redis-server 7.0 in both directions, the save rules, stop-writes-on-bgsave-
error, SHUTDOWN and SIGTERM saves, DEBUG RELOAD, and refusing corrupt or
truncated files.

Contents are compared through ordinary reads (TYPE, OBJECT ENCODING, GET,
LRANGE, SMEMBERS, HGETALL, ZRANGE WITHSCORES, PTTL), never through DUMP, so
a payload bug cannot hide itself.

With SPINDLE_TEST_AGAINST_REDIS=1 every test runs against redis-server
itself (log wording checks apart), which proves the expectations.
"""

import math
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import redis

import servers
from persist_common import client, raw, is_spindle, fill, snapshot, start_redis, run_to_exit, wait_for  # noqa: F401
from resp import RawConnection

REDIS_CHECK_RDB = "/usr/bin/redis-check-rdb"


# Persistence does not touch the I/O backends (the BGSAVE child never runs
# the event loop), so one backend is enough; the file is a minute of work.
@pytest.fixture(scope="module",
                params=["redis-reference"] if os.environ.get("SPINDLE_TEST_AGAINST_REDIS") == "1"
                else ["epoll"])
def backend(request):
    return request.param


def persistence(r):
    return r.info("persistence")


def saving_child(srv):
    """The pid of the BGSAVE child, from the parent's log line (Redis's
    wording, which Spindle shares)."""
    started = "Background saving started by pid"
    assert wait_for(lambda: started in srv.log_text())
    return int(re.search(started + r" (\d+)", srv.log_text()).group(1))


def test_save_then_restart_loads_identical_content(harness):
    srv = harness.start()
    r = client(srv)
    fill(r)
    before = snapshot(srv)
    assert persistence(r)["rdb_changes_since_last_save"] > 0
    t0 = r.lastsave()
    assert raw(srv, "SAVE") == b"+OK\r\n"
    assert persistence(r)["rdb_changes_since_last_save"] == 0
    assert r.lastsave() >= t0
    r.close()
    srv.stop()
    assert os.path.exists(os.path.join(srv.workdir, "dump.rdb"))

    again = harness.start("--dir", srv.workdir)
    assert snapshot(again) == before
    info = persistence(client(again))
    assert info["rdb_last_load_keys_loaded"] == len(before)
    assert info["rdb_last_load_keys_expired"] == 0
    if is_spindle(harness):
        log = again.log_text()
        assert "Loading RDB produced by version 7.0.15" in log
        assert "Done loading RDB, keys loaded: %d, keys expired: 0." % len(before) in log
        assert "DB loaded from disk: " in log


def test_expired_keys_are_not_loaded(harness):
    # Active expiry off: the key is still there for SAVE to write however
    # late SAVE runs on a loaded machine (nothing reads it before).
    srv = harness.start("--enable-debug-command", "yes")
    r = client(srv)
    assert raw(srv, "DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
    r.set("gone", "x", px=300)
    set_by = time.time()  # the server's deadline is at most this + 0.3 s
    r.set("kept", "y")
    assert raw(srv, "SAVE") == b"+OK\r\n"
    srv.stop()
    time.sleep(max(0.0, set_by + 0.4 - time.time()))
    again = harness.start("--dir", srv.workdir)
    r2 = client(again)
    assert r2.keys("*") == [b"kept"]
    info = persistence(r2)
    assert info["rdb_last_load_keys_expired"] == 1
    assert info["rdb_last_load_keys_loaded"] == 1


def test_redis_dump_loads_into_spindle(harness):
    peer = start_redis()
    try:
        rr = client(peer)
        fill(rr)
        # Older encodings a 7.0 server still writes for small values, and
        # list nodes compressed by list-compress-depth.
        rr.config_set("list-compress-depth", 1)
        rr.rpush("compressed", *["node-%d" % i for i in range(20000)])
        assert raw(peer, "SAVE") == b"+OK\r\n"
        expected = snapshot(peer)
    finally:
        peer.stop()
    srv = harness.start("--dir", peer.workdir)
    assert snapshot(srv) == expected


def test_spindle_dump_loads_into_redis_and_passes_check_rdb(harness):
    srv = harness.start()
    r = client(srv)
    fill(r)
    # Inner list nodes are written LZF-compressed under list-compress-depth.
    r.config_set("list-compress-depth", 1)
    r.rpush("compressed", *["node-%d" % (i % 50) for i in range(20000)])
    expected = snapshot(srv)
    assert raw(srv, "SAVE") == b"+OK\r\n"
    path = os.path.join(srv.workdir, "dump.rdb")
    check = subprocess.run([REDIS_CHECK_RDB, path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
    out = check.stdout.decode(errors="replace")
    assert check.returncode == 0, out
    assert "RDB looks OK!" in out
    assert "Checksum OK" in out
    peer = start_redis("--dir", srv.workdir)
    try:
        assert snapshot(peer) == expected
    finally:
        peer.stop()


def test_rdbcompression_and_rdbchecksum_off(harness):
    srv = harness.start("--rdbcompression", "no", "--rdbchecksum", "no")
    r = client(srv)
    fill(r)
    expected = snapshot(srv)
    assert raw(srv, "SAVE") == b"+OK\r\n"
    data = open(os.path.join(srv.workdir, "dump.rdb"), "rb").read()
    assert data[-8:] == b"\0" * 8          # no checksum
    assert b"x" * 300 in data              # no compression
    srv.stop()
    peer = start_redis("--dir", srv.workdir)
    try:
        assert snapshot(peer) == expected
    finally:
        peer.stop()
    again = harness.start("--dir", srv.workdir)
    assert snapshot(again) == expected


def test_bgsave_while_serving(harness):
    srv = harness.start("--rdb-key-save-delay", "1000")  # 1 ms per key
    r = client(srv)
    pipe = r.pipeline(transaction=False)
    for i in range(1500):
        pipe.set("key:%d" % i, i)
    pipe.execute()
    t0 = r.lastsave()
    assert raw(srv, "BGSAVE") == b"+Background saving started\r\n"
    info = persistence(r)
    assert info["rdb_bgsave_in_progress"] == 1
    assert info["rdb_current_bgsave_time_sec"] >= 0
    busy = b"-ERR Background save already in progress\r\n"
    assert raw(srv, "BGSAVE") == busy
    assert raw(srv, "BGSAVE", "SCHEDULE") == busy
    assert raw(srv, "SAVE") == busy
    # The parent keeps serving while the child writes. The child is held
    # stopped meanwhile, so every write below certainly happens during the
    # save, however slow the machine (a parent that waited for its child
    # would not answer at all).
    child = saving_child(srv)
    os.kill(child, signal.SIGSTOP)
    try:
        for i in range(200):
            assert r.set("during:%d" % i, i)
        assert persistence(r)["rdb_bgsave_in_progress"] == 1
    finally:
        os.kill(child, signal.SIGCONT)
    assert wait_for(lambda: persistence(r)["rdb_bgsave_in_progress"] == 0)
    info = persistence(r)
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_last_bgsave_time_sec"] >= 1
    assert info["rdb_current_bgsave_time_sec"] == -1
    assert info["rdb_changes_since_last_save"] == 200  # the writes made meanwhile
    assert info["rdb_saves"] == 1
    assert r.lastsave() >= t0
    stats = r.info("stats")
    assert stats["total_forks"] == 1
    assert stats["latest_fork_usec"] > 0
    if is_spindle(harness):
        assert info["rdb_last_cow_size"] > 0
        log = srv.log_text()
        assert "Background saving started by pid" in log
        assert "DB saved on disk" in log
        assert "Background saving terminated with success" in log
    # The file holds the dataset as it was at the fork.
    srv.stop()
    again = harness.start("--dir", srv.workdir)
    r2 = client(again)
    assert r2.dbsize() == 1500
    assert r2.get("key:1499") == b"1499"


def test_bgsave_arguments_and_schedule_inside_exec(harness):
    srv = harness.start()
    r = client(srv)
    r.set("k", "v")
    assert raw(srv, "BGSAVE", "NOW") == b"-ERR syntax error\r\n"
    assert raw(srv, "BGSAVE", "SCHEDULE", "x") == b"-ERR syntax error\r\n"
    c = RawConnection(srv.host, srv.port, timeout=30)
    assert c.call([b"MULTI"]) == b"+OK\r\n"
    assert c.call([b"BGSAVE"]) == b"+QUEUED\r\n"
    assert c.call([b"EXEC"]) == b"*1\r\n+Background saving scheduled\r\n"
    c.close()
    # The cron starts the scheduled save.
    assert wait_for(lambda: persistence(r)["rdb_saves"] == 1)
    assert wait_for(lambda: persistence(r)["rdb_bgsave_in_progress"] == 0)
    assert persistence(r)["rdb_last_bgsave_status"] == "ok"
    assert os.path.exists(os.path.join(srv.workdir, "dump.rdb"))
    # SAVE is refused inside MULTI.
    pipe = r.pipeline(transaction=True)
    pipe.execute_command("SAVE")
    with pytest.raises(redis.ResponseError, match="Command not allowed inside a transaction"):
        pipe.execute()


def test_save_rules_trigger_bgsave(harness):
    srv = harness.start("--save", "1 2")
    r = client(srv)
    assert r.config_get("save") == {"save": "1 2"}
    r.set("a", 1)
    time.sleep(1.5)
    assert persistence(r)["rdb_saves"] == 0      # 1 change is not 2
    r.set("b", 2)
    assert wait_for(lambda: persistence(r)["rdb_saves"] == 1)
    assert wait_for(lambda: persistence(r)["rdb_changes_since_last_save"] == 0)
    if is_spindle(harness):
        assert "2 changes in 1 seconds. Saving..." in srv.log_text()
    # CONFIG SET save "" turns the rules off.
    r.config_set("save", "")
    r.set("c", 3)
    r.set("d", 4)
    time.sleep(1.5)
    assert persistence(r)["rdb_saves"] == 1


MISCONF = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
           "persist to disk. Commands that may modify the data set are disabled, because this "
           "instance is configured to report errors during writes if RDB snapshotting fails "
           "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about "
           "the RDB error.")


def test_stop_writes_on_bgsave_error(harness):
    srv = harness.start("--save", "3600 1", "--enable-protected-configs", "yes")
    os.mkdir(os.path.join(srv.workdir, "adir"))
    r = client(srv)
    r.set("k", "v")
    r.config_set("dbfilename", "adir")          # the rename onto a directory fails
    assert raw(srv, "BGSAVE") == b"+Background saving started\r\n"
    assert wait_for(lambda: persistence(r)["rdb_last_bgsave_status"] == "err")
    for cmd in (["SET", "k", "w"], ["DEL", "nokey"], ["PING"]):
        assert raw(srv, *cmd) == b"-" + MISCONF.encode() + b"\r\n"
    assert r.get("k") == b"v"                    # reads still work
    # Inside MULTI the write is refused when queued, and EXEC aborts.
    pipe = client(srv).pipeline(transaction=True)
    pipe.set("k", "x")
    with pytest.raises(redis.ResponseError):
        pipe.execute()
    # A failed SAVE answers a bare ERR.
    assert raw(srv, "SAVE") == b"-ERR\r\n"
    if is_spindle(harness):
        assert "Background saving error" in srv.log_text()
        assert "Error moving temp DB file" in srv.log_text()
    # Turning the option off lets writes through; so does a good save.
    r.config_set("stop-writes-on-bgsave-error", "no")
    assert r.set("k", "w")
    r.config_set("stop-writes-on-bgsave-error", "yes")
    with pytest.raises(redis.ResponseError):
        r.set("k", "x")
    r.config_set("dbfilename", "dump.rdb")
    assert raw(srv, "BGSAVE") == b"+Background saving started\r\n"
    assert wait_for(lambda: persistence(r)["rdb_last_bgsave_status"] == "ok")
    assert r.set("k", "x")


def test_shutdown_and_sigterm_save_when_rules_exist(harness):
    srv = harness.start("--save", "3600 1")
    r = client(srv)
    r.set("k", "v")
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(timeout=30) == 0
    assert os.path.exists(os.path.join(srv.workdir, "dump.rdb"))
    if is_spindle(harness):
        log = srv.log_text()
        assert "Saving the final RDB snapshot before exiting." in log
        assert "DB saved on disk" in log
    again = harness.start("--dir", srv.workdir)
    assert client(again).get("k") == b"v"
    # SHUTDOWN NOSAVE does not save, even with rules.
    again.stop()
    third = harness.start("--dir", srv.workdir, "--save", "3600 1")
    r3 = client(third)
    r3.set("k", "changed")
    with pytest.raises(redis.ConnectionError):
        r3.execute_command("SHUTDOWN", "NOSAVE")
    assert third.proc.wait(timeout=30) == 0
    fourth = harness.start("--dir", srv.workdir)
    assert client(fourth).get("k") == b"v"


def test_shutdown_save_without_rules_and_sigterm_without_rules(harness):
    srv = harness.start()                         # --save ""
    r = client(srv)
    r.set("k", "v")
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(timeout=30) == 0
    assert not os.path.exists(os.path.join(srv.workdir, "dump.rdb"))
    again = harness.start("--dir", srv.workdir)
    r2 = client(again)
    r2.set("k", "v2")
    with pytest.raises(redis.ConnectionError):
        r2.execute_command("SHUTDOWN", "SAVE")
    assert again.proc.wait(timeout=30) == 0
    third = harness.start("--dir", srv.workdir)
    assert client(third).get("k") == b"v2"


def test_failed_final_save_keeps_the_server_running(harness):
    srv = harness.start("--save", "3600 1", "--enable-protected-configs", "yes")
    os.mkdir(os.path.join(srv.workdir, "adir"))
    r = client(srv)
    r.set("k", "v")
    r.config_set("dbfilename", "adir")
    assert raw(srv, "SHUTDOWN") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    assert r.ping()
    srv.proc.send_signal(signal.SIGTERM)
    # The cron acts on the signal: wait until its save has failed too (the
    # second failure logged; the first was SHUTDOWN's).
    failed = "Error trying to save the DB, can't exit."
    assert wait_for(lambda: srv.log_text().count(failed) >= 2 or not srv.alive())
    assert srv.alive(), "a SIGTERM whose save fails must not stop the server"
    assert r.get("k") == b"v"
    if is_spindle(harness):
        log = srv.log_text()
        assert "Error trying to save the DB, can't exit." in log
        assert "SIGTERM received but errors trying to shut down the server" in log
    # FORCE exits anyway; NOSAVE does not try.
    with pytest.raises(redis.ConnectionError):
        r.execute_command("SHUTDOWN", "FORCE")
    assert srv.proc.wait(timeout=30) == 0


def test_shutdown_kills_a_saving_child(harness):
    srv = harness.start("--rdb-key-save-delay", "100000")
    r = client(srv)
    for i in range(100):
        r.set("k%d" % i, i)
    assert raw(srv, "BGSAVE") == b"+Background saving started\r\n"
    # The child has made its temporary file: SHUTDOWN must remove it.
    child = saving_child(srv)
    assert wait_for(lambda: os.path.exists(os.path.join(srv.workdir, "temp-%d.rdb" % child)))
    with pytest.raises(redis.ConnectionError):
        r.execute_command("SHUTDOWN", "NOSAVE")
    assert srv.proc.wait(timeout=30) == 0
    leftovers = [f for f in os.listdir(srv.workdir) if f.startswith("temp-")]
    assert leftovers == []
    assert not os.path.exists(os.path.join(srv.workdir, "dump.rdb"))
    if is_spindle(harness):
        assert "There is a child saving an .rdb. Killing it!" in srv.log_text()


def test_debug_reload(harness):
    srv = harness.start("--enable-debug-command", "yes")
    r = client(srv)
    fill(r)
    before = snapshot(srv)
    assert raw(srv, "DEBUG", "RELOAD") == b"+OK\r\n"
    assert snapshot(srv) == before
    assert raw(srv, "DEBUG", "RELOAD", "BOGUS") == (
        b"-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n")
    # NOSAVE reloads the file as it is: later writes are dropped.
    r.set("later", "x")
    assert raw(srv, "DEBUG", "RELOAD", "NOSAVE") == b"+OK\r\n"
    assert r.get("later") is None
    # NOSAVE NOFLUSH MERGE adds the file's keys to what is there.
    r.set("extra", "y")
    r.set("str", "overwritten")
    assert raw(srv, "DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == b"+OK\r\n"
    assert r.get("extra") == b"y"
    assert r.get("str") == b"hello world"
    if is_spindle(harness):
        assert "DB reloaded by DEBUG RELOAD" in srv.log_text()


def test_info_persistence_fields_match_redis(harness):
    srv = harness.start()
    peer = start_redis()
    try:
        mine = list(client(srv).info("persistence").keys())
        theirs = list(client(peer).info("persistence").keys())
        assert mine == theirs
        for field in ("latest_fork_usec", "total_forks"):
            assert field in client(srv).info("stats")
        info = client(srv).info("persistence")
        assert info["rdb_last_bgsave_status"] == "ok"
        assert info["rdb_last_bgsave_time_sec"] == -1
        assert info["rdb_bgsave_in_progress"] == 0
        assert abs(info["rdb_last_save_time"] - client(srv).lastsave().timestamp()) < 2
    finally:
        peer.stop()


def test_lastsave_and_command_info(harness):
    srv = harness.start()
    r = client(srv)
    assert abs(r.lastsave().timestamp() - time.time()) < 30
    info = raw(srv, "COMMAND", "INFO", "save", "bgsave", "lastsave")
    assert (b"$4\r\nsave\r\n:1\r\n*4\r\n+admin\r\n+noscript\r\n+no_async_loading\r\n"
            b"+no_multi\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n") in info
    assert (b"$6\r\nbgsave\r\n:-1\r\n*3\r\n+admin\r\n+noscript\r\n+no_async_loading\r\n"
            b":0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n") in info
    assert (b"$8\r\nlastsave\r\n:1\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n"
            b":0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@fast\r\n+@dangerous\r\n") in info


# ------------------------------------------------------------ refusing files
def saved_file(harness, tmp_path):
    srv = harness.start()
    r = client(srv)
    fill(r)
    assert raw(srv, "SAVE") == b"+OK\r\n"
    srv.stop()
    path = tmp_path / "dump.rdb"
    shutil.copy(os.path.join(srv.workdir, "dump.rdb"), path)
    return path


def binary(harness):
    if harness.against_redis:
        return servers.REDIS_SERVER
    return os.environ.get("SPINDLE_SERVER", servers.DEFAULT_SPINDLE)


def test_truncated_file_is_refused(harness, tmp_path):
    path = saved_file(harness, tmp_path)
    data = path.read_bytes()
    for cut in (len(data) - 1, len(data) // 2, 20):
        path.write_bytes(data[:cut])
        code, out = run_to_exit(binary(harness), ["--dir", str(tmp_path)], cwd=tmp_path)
        assert code == 1, out
        assert "Short read or OOM loading DB. Unrecoverable error, aborting now." in out
        if is_spindle(harness):
            assert "Internal error in RDB reading offset" in out
            assert "'dump.rdb'" in out
            assert "Unexpected EOF reading RDB file" in out
            assert "Terminating server after rdb file reading failure." in out


def test_corrupt_file_is_refused(harness, tmp_path):
    path = saved_file(harness, tmp_path)
    data = bytearray(path.read_bytes())
    at = data.index(b"hello world")
    data[at] ^= 0x20                               # checksum mismatch
    path.write_bytes(bytes(data))
    code, out = run_to_exit(binary(harness), ["--dir", str(tmp_path)], cwd=tmp_path)
    assert code == 1, out
    assert "Wrong RDB checksum expected" in out
    if is_spindle(harness):
        assert "RDB CRC error" in out
        assert "Terminating server after rdb file reading failure." in out
    # With rdbchecksum no the same file loads: the server comes up serving it
    # (start() waits until it answers PING, and fails if it exits).
    loaded = servers.ServerProcess(binary(harness), args=("--dir", str(tmp_path),
                                                          "--rdbchecksum", "no"))
    try:
        loaded.start()
        assert client(loaded).get("str") == b"Hello world"  # the flipped byte
    finally:
        loaded.stop()
    # A bad listpack inside a valid-looking file is refused at its offset
    # (Redis checks only a listpack's header unless sanitize-dump-payload is
    # yes; Spindle always checks it whole).
    if not is_spindle(harness):
        return
    data = bytearray(path.read_bytes())
    data[at] ^= 0x20                               # undo the first change
    # <type 16> <len 9> "smallhash" <len> <listpack: u32 bytes, u16 count ...>
    key = data.index(b"smallhash")
    assert data[key - 2] == 16                     # HASH_LISTPACK
    data[key + len(b"smallhash") + 1 + 4] ^= 0x7f  # the listpack's element count
    path.write_bytes(bytes(data))
    code, out = run_to_exit(binary(harness), ["--dir", str(tmp_path), "--rdbchecksum", "no"],
                            cwd=tmp_path)
    assert code == 1, out
    assert "Hash listpack integrity check failed." in out
    assert "reading key 'smallhash'" in out


def test_not_an_rdb_file_is_refused(harness, tmp_path):
    (tmp_path / "dump.rdb").write_bytes(b"this is not an rdb file at all")
    code, out = run_to_exit(binary(harness), ["--dir", str(tmp_path)], cwd=tmp_path)
    assert code == 1, out
    assert "Wrong signature trying to load DB from file" in out
    assert "Fatal error loading the DB: Invalid argument. Exiting." in out


def test_flushall_with_save_rules_saves_the_empty_dataset(harness):
    srv = harness.start("--save", "3600 1")
    r = client(srv)
    r.set("k", "v")
    r.set("k2", "v")
    assert raw(srv, "SAVE") == b"+OK\r\n"
    assert persistence(r)["rdb_saves"] == 1          # SAVE counts
    assert r.flushall()
    info = persistence(r)
    assert info["rdb_changes_since_last_save"] == 0  # the save reset it
    assert info["rdb_saves"] == 1                    # FLUSHALL's save does not count
    srv.stop()
    again = harness.start("--dir", srv.workdir)
    assert client(again).dbsize() == 0


def test_flushall_without_rules_counts_the_removed_keys(harness):
    srv = harness.start()
    r = client(srv)
    r.flushall()
    base = persistence(r)["rdb_changes_since_last_save"]
    assert base == 0                                  # nothing removed, nothing changed
    for i in range(5):
        r.set("k%d" % i, i)
    r.flushall()
    assert persistence(r)["rdb_changes_since_last_save"] == 10
    assert not os.path.exists(os.path.join(srv.workdir, "dump.rdb"))


def test_bgsave_child_does_not_hold_the_listening_port(harness):
    import socket
    # 1 s per key: the child is still saving whatever the waits below take
    # on a loaded machine (it is killed at the end).
    srv = harness.start("--rdb-key-save-delay", "1000000")
    r = client(srv)
    for i in range(100):
        r.set("k%d" % i, i)
    assert raw(srv, "BGSAVE") == b"+Background saving started\r\n"
    child = saving_child(srv)
    # The child closes the listeners before it opens its temporary file.
    assert wait_for(lambda: os.path.exists(os.path.join(srv.workdir, "temp-%d.rdb" % child)))
    try:
        srv.proc.kill()
        srv.proc.wait(timeout=30)
        os.kill(child, 0)                                    # the child still saves
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((srv.host, srv.port))                     # and the port is free
            s.listen(1)
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu"])
def test_idle_time_and_frequency_survive_a_restart(harness, policy):
    srv = harness.start("--maxmemory-policy", policy)
    r = client(srv)
    r.set("src", "v")
    payload = r.dump("src")
    # The idle time grows by the whole seconds that pass from the RESTORE
    # on (plus one for the clock's second granularity), however slow the
    # machine: the upper bounds follow the time measured.
    restored = time.monotonic()

    def most_idle():
        return 1000 + math.ceil(time.monotonic() - restored) + 1

    if policy == "allkeys-lru":
        assert raw(srv, "RESTORE", "k", "0", payload, "IDLETIME", "1000") == b"+OK\r\n"
        assert 1000 <= r.object("idletime", "k") <= most_idle()
    else:
        assert raw(srv, "RESTORE", "k", "0", payload, "FREQ", "100") == b"+OK\r\n"
        assert r.object("freq", "k") == 100
    assert raw(srv, "SAVE") == b"+OK\r\n"
    srv.stop()
    # The file carries IDLE / FREQ: the restarted server and redis-server
    # both read them back.
    again = harness.start("--dir", srv.workdir, "--maxmemory-policy", policy)
    peer = start_redis("--dir", srv.workdir, "--maxmemory-policy", policy)
    try:
        for s in (again, peer):
            c = client(s)
            if policy == "allkeys-lru":
                assert 1000 <= c.object("idletime", "k") <= most_idle()
            else:
                assert c.object("freq", "k") == 100
    finally:
        peer.stop()


def test_shutdown_on_sigterm_nosave_and_sigint_save(harness):
    srv = harness.start("--save", "3600 1", "--shutdown-on-sigterm", "nosave")
    client(srv).set("k", "v")
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(timeout=30) == 0
    assert not os.path.exists(os.path.join(srv.workdir, "dump.rdb"))
    again = harness.start("--dir", srv.workdir, "--shutdown-on-sigint", "save")  # no rules
    client(again).set("k", "v")
    again.proc.send_signal(signal.SIGINT)
    assert again.proc.wait(timeout=30) == 0
    assert os.path.exists(os.path.join(srv.workdir, "dump.rdb"))
