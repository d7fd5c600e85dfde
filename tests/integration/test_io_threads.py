"""Threaded I/O (io-threads N, io-threads-do-reads): many clients at once,
so reads and writes go to the I/O threads in batches, over every backend;
pipelining, blocking commands, pub/sub, MULTI and client kills in that mode;
and an idle server with io-threads 4 uses (next to) no CPU.

Replies are checked exactly; INFO's io_threaded_* counters prove the batches
went through the threads (Redis counts them the same way). The whole suite
also runs with io-threads 2 (SPINDLE_TEST_IO_THREADS=2 in `make test`).
"""

import os
import threading
import time

import pytest
import redis

from resp import RawConnection, encode
from waits import poll

THREADS = ("--io-threads", "4", "--io-threads-do-reads", "yes",
           "--enable-debug-command", "yes")
CLIENTS = 40


def main_thread_in_debug_sleep(pid):
    """Whether the server's main thread (tid == pid) waits in DEBUG SLEEP's
    usleep (nanosleep), where its event loop would wait in epoll/poll/select."""
    try:
        with open("/proc/%d/task/%d/wchan" % (pid, pid)) as f:
            if "nanosleep" in f.read():
                return True
        with open("/proc/%d/task/%d/syscall" % (pid, pid)) as f:
            nr = f.read().split()[0]
    except (OSError, IndexError):
        return False
    return nr in ("35", "230")  # x86-64 nanosleep, clock_nanosleep


def send_all_at_once(srv, conns, payloads):
    """Sends each connection its payload while the server's main thread is
    held in DEBUG SLEEP: when it wakes, every one of them is readable at
    once, so the batch goes to the I/O threads whatever the machine's speed.
    The sends start only once the sleep has begun (a fixed pause before them
    could end before a loaded server even read the DEBUG SLEEP)."""
    sleeper = RawConnection(srv.host, srv.port, timeout=30)
    try:
        sleeper.send(encode([b"DEBUG", b"SLEEP", b"0.5"]))
        poll(lambda: main_thread_in_debug_sleep(srv.proc.pid), True,
             "the main thread in DEBUG SLEEP")
        for c, p in zip(conns, payloads):
            c.send(p)
        assert sleeper.read_reply() == b"+OK\r\n"
    finally:
        sleeper.close()


def info_stats(srv):
    r = redis.Redis(host=srv.host, port=srv.port)
    try:
        return r.info("stats"), r.info("server")
    finally:
        r.close()


def connect_all(srv, n):
    return [RawConnection(srv.host, srv.port, timeout=30) for _ in range(n)]


def close_all(conns):
    for c in conns:
        c.close()


@pytest.mark.parametrize("pipeline", [1, 50])
def test_many_clients_pipelined(harness, pipeline):
    srv = harness.start(*THREADS)
    conns = connect_all(srv, CLIENTS)
    try:
        rounds = 400 // pipeline
        for rnd in range(rounds):
            # Every client sends its whole pipeline before any reply is
            # read: the server finds many clients readable at once.
            batches = [b"".join(
                encode([b"INCR", b"ctr:%d" % i]) + encode([b"SET", b"k:%d:%d" % (i, j), b"v%d" % j])
                + encode([b"GET", b"k:%d:%d" % (i, j)])
                for j in range(pipeline)) for i in range(len(conns))]
            if rnd == 0:
                send_all_at_once(srv, conns, batches)
            else:
                for c, b in zip(conns, batches):
                    c.send(b)
            for i, c in enumerate(conns):
                for j in range(pipeline):
                    assert c.read_reply() == b":%d\r\n" % (rnd * pipeline + j + 1)
                    assert c.read_reply() == b"+OK\r\n"
                    v = b"v%d" % j
                    assert c.read_reply() == b"$%d\r\n%s\r\n" % (len(v), v)
        stats, server_info = info_stats(srv)
        assert stats["io_threaded_reads_processed"] > 0
        assert stats["io_threaded_writes_processed"] > 0
        assert stats["total_commands_processed"] >= CLIENTS * rounds * pipeline * 3
    finally:
        close_all(conns)


def test_large_values_and_partial_frames(harness):
    """Commands split across reads (a 300 KB value sent in pieces, a command
    cut mid-header) and inline commands with quoting, many clients at once."""
    srv = harness.start(*THREADS)
    conns = connect_all(srv, 20)
    try:
        big = os.urandom(300 * 1024)
        frames = [encode([b"SET", b"big:%d" % i, big + b"%d" % i]) for i in range(len(conns))]
        # First halves, then second halves: every client's command is
        # incomplete after the first read.
        for c, f in zip(conns, frames):
            c.send(f[:len(f) // 2])
        time.sleep(0.05)
        for c, f in zip(conns, frames):
            c.send(f[len(f) // 2:] + b'SET "in line" "a\\x41b"\r\nGET "in line"\r\n')
        for i, c in enumerate(conns):
            assert c.read_reply() == b"+OK\r\n"
            assert c.read_reply() == b"+OK\r\n"
            assert c.read_reply() == b"$3\r\naAb\r\n"
        for i, c in enumerate(conns):
            c.send(encode([b"STRLEN", b"big:%d" % i]))
        for i, c in enumerate(conns):
            assert c.read_reply() == b":%d\r\n" % (len(big) + len(b"%d" % i))
    finally:
        close_all(conns)


def test_blocking_commands(harness):
    srv = harness.start(*THREADS)
    waiters = connect_all(srv, 30)
    pusher = RawConnection(srv.host, srv.port, timeout=30)
    try:
        for i, c in enumerate(waiters):
            # BLPOP, then a command pipelined behind it that must wait.
            c.send(encode([b"BLPOP", b"q:%d" % i, b"0"]) + encode([b"ECHO", b"after%d" % i]))
        r = redis.Redis(host=srv.host, port=srv.port)
        poll(lambda: r.info("clients")["blocked_clients"], len(waiters), "blocked clients")
        r.close()
        pipe = b"".join(encode([b"RPUSH", b"q:%d" % i, b"item%d" % i]) for i in range(len(waiters)))
        pusher.send(pipe)
        for i in range(len(waiters)):
            assert pusher.read_reply() == b":1\r\n"
        for i, c in enumerate(waiters):
            item = b"item%d" % i
            key = b"q:%d" % i
            assert c.read_reply() == b"*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
                len(key), key, len(item), item)
            after = b"after%d" % i
            assert c.read_reply() == b"$%d\r\n%s\r\n" % (len(after), after)
    finally:
        close_all(waiters + [pusher])


def test_pubsub_fanout(harness):
    srv = harness.start(*THREADS)
    subs = connect_all(srv, 30)
    pub = RawConnection(srv.host, srv.port, timeout=30)
    try:
        for c in subs:
            c.send(encode([b"SUBSCRIBE", b"news"]))
        for c in subs:
            assert c.read_reply() == b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"
        n = 200
        pub.send(b"".join(encode([b"PUBLISH", b"news", b"m%d" % k]) for k in range(n)))
        for k in range(n):
            assert pub.read_reply() == b":%d\r\n" % len(subs)
        for c in subs:
            for k in range(n):
                m = b"m%d" % k
                assert c.read_reply() == b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$%d\r\n%s\r\n" % (
                    len(m), m)
    finally:
        close_all(subs + [pub])


def test_transactions_from_many_clients(harness):
    srv = harness.start(*THREADS)
    conns = connect_all(srv, CLIENTS)
    try:
        rounds = 20
        for _ in range(rounds):
            for c in conns:
                c.send(encode([b"MULTI"]) + encode([b"INCR", b"x"]) + encode([b"INCR", b"y"])
                       + encode([b"EXEC"]))
            for c in conns:
                assert c.read_reply() == b"+OK\r\n"
                assert c.read_reply() == b"+QUEUED\r\n"
                assert c.read_reply() == b"+QUEUED\r\n"
                reply = c.read_reply()
                # Each EXEC ran whole: its two INCRs saw the same count.
                head, x, y = reply.split(b"\r\n")[:3]
                assert head == b"*2" and x[1:] == y[1:], reply
        r = redis.Redis(host=srv.host, port=srv.port)
        assert r.mget("x", "y") == [b"%d" % (CLIENTS * rounds)] * 2
        r.close()
    finally:
        close_all(conns)


def test_client_kill_during_pipelines(harness):
    srv = harness.start(*THREADS)
    victims = connect_all(srv, 20)
    keep = connect_all(srv, 20)
    killer = redis.Redis(host=srv.host, port=srv.port)
    try:
        ids = []
        for c in victims:
            ids.append(int(c.call([b"CLIENT", b"ID"])[1:-2]))
        stop = threading.Event()

        def flood(c):
            payload = encode([b"SET", b"flood", b"x" * 100]) * 200
            try:
                while not stop.is_set():
                    c.send(payload)
            except OSError:
                pass  # killed: expected

        flooders = [threading.Thread(target=flood, args=(c,)) for c in victims]
        for t in flooders:
            t.start()
        for cid in ids:
            killer.execute_command("CLIENT", "KILL", "ID", cid)
        stop.set()
        for t in flooders:
            t.join()
        # Every victim's connection ends (what was in flight is dropped)...
        for c in victims:
            try:
                c.sock.settimeout(30)
                while c.sock.recv(1 << 16):
                    pass
            except ConnectionResetError:
                pass
        # ...the others were not touched, and the server serves on.
        send_all_at_once(srv, keep, [encode([b"INCR", b"alive:%d" % i]) for i in range(len(keep))])
        for i, c in enumerate(keep):
            assert c.read_reply() == b":1\r\n"
        # (the helper's own connection may take a moment to be seen closed)
        poll(lambda: killer.info("clients")["connected_clients"], len(keep) + 1,
             "connected clients after the kills")
        assert killer.info("stats")["io_threaded_reads_processed"] > 0
    finally:
        killer.close()
        close_all(victims + keep)


def process_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 (1-based); fields[0] is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_states(pid):
    states = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                states[tid] = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            pass
    return states


def test_idle_server_with_four_io_threads_uses_no_cpu(harness):
    """Redis 6's I/O threads spin while waiting; ours sleep. After a burst of
    load, an idle server with io-threads 4 has every thread asleep and uses a
    sliver of CPU over two seconds (a single spinning thread would use two
    seconds' worth). The bound is loose on purpose: a busy machine may charge
    the cron's wake-ups a little more."""
    srv = harness.start(*THREADS)
    pid = srv.proc.pid
    conns = connect_all(srv, CLIENTS)
    try:
        send_all_at_once(srv, conns, [encode([b"SET", b"k", b"v"]) * 20] * len(conns))
        for c in conns:
            for _ in range(20):
                assert c.read_reply() == b"+OK\r\n"
        assert info_stats(srv)[0]["io_threaded_writes_processed"] > 0
        assert len(thread_states(pid)) >= 4  # main + 3 I/O threads (and helpers)
        poll(lambda: set(thread_states(pid).values()) <= {"S"}, True,
             "every thread asleep (S) when idle")
        before = process_cpu_seconds(pid)
        time.sleep(2.0)
        used = process_cpu_seconds(pid) - before
        assert used < 0.3, "idle server used %.2f s of CPU in 2 s" % used
    finally:
        close_all(conns)
