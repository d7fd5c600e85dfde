"""Helpers shared by the bench/ scripts: free loopback ports, starting a
server process until it accepts connections, raw RESP and INFO, the standard
fill (string keys plus small collections), redis-benchmark runs, and what
/proc says about a server's (and its fork children's) memory."""

import argparse
import csv
import io
import glob
import os
import re
import socket
import subprocess
import time


def side_by_side_parser(keys, description=None):
    """The arguments every side-by-side benchmark takes: the spindle-server
    binary (default build/spindle-server of this checkout), --redis and
    --keys."""
    ap = spindle_parser(description)
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--keys", type=int, default=keys)
    return ap


def spindle_parser(description=None):
    """An argument parser whose first (optional) argument is the
    spindle-server binary, default build/spindle-server of this checkout."""
    ap = argparse.ArgumentParser(description=description)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("spindle", nargs="?",
                    default=os.path.join(here, "..", "build", "spindle-server"))
    return ap


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, port):
    """Starts cmd and waits until 127.0.0.1:port accepts; returns (process,
    connected socket). Kills the process if it never does."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            return proc, socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start: %s" % " ".join(cmd))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_replies(sock, count, buf):
    """Reads `count` single-line replies (+OK / :n); returns leftover bytes."""
    seen = 0
    while True:
        seen_now = buf.count(b"\r\n")
        if seen + seen_now >= count:
            # Keep whatever follows the count-th line.
            idx = -1
            for _ in range(count - seen):
                idx = buf.index(b"\r\n", idx + 1)
            return buf[idx + 2:]
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise RuntimeError("connection closed")
        if chunk.startswith(b"-") or b"\r\n-" in chunk:
            raise RuntimeError("server error: %r" % chunk[:200])
        buf += chunk


def command(sock, *args):
    sock.sendall(resp(*args))
    data = b""
    while not data.endswith(b"\r\n"):
        data += sock.recv(4096)
    return data


def command_bulk(sock, *args):
    """Sends one command whose reply is a bulk string; returns its bytes."""
    sock.sendall(resp(*args))
    data = b""
    while b"\r\n" not in data:
        data += sock.recv(65536)
    n = int(data[1:data.index(b"\r\n")])
    head = data.index(b"\r\n") + 2
    while len(data) < head + n + 2:
        data += sock.recv(65536)
    return data[head:head + n]


def info(sock, section=b"all"):
    """INFO <section> as a dict of field -> string value."""
    out = {}
    for line in command_bulk(sock, b"INFO", section).decode().split("\r\n"):
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v
    return out


def info_field(sock, name, section=b"all"):
    text = command_bulk(sock, b"INFO", section)
    m = re.search(rb"\r\n" + name.encode() + rb":([^\r]*)\r\n", text)
    return m.group(1).decode() if m else None


def fill(sock, keys, collections=None, key_format=b"key:%010d", value_format=b"val:%012d",
         batch=5000):
    """The standard dataset: `keys` string keys (key_format % i ->
    value_format % i) over pipelined RESP, then `collections` (default
    keys // 100) each of 100-element lists, hashes, sets and sorted sets."""
    buf = b""
    for first in range(0, keys, batch):
        parts = [resp(b"SET", key_format % i, value_format % i)
                 for i in range(first, min(keys, first + batch))]
        sock.sendall(b"".join(parts))
        buf = read_replies(sock, len(parts), buf)
    if collections is None:
        collections = keys // 100
    parts = []
    for c in range(collections):
        elems = [b"e%d" % j for j in range(100)]
        parts.append(resp(b"RPUSH", b"list:%d" % c, *elems))
        parts.append(resp(b"HSET", b"hash:%d" % c, *[x for e in elems for x in (e, e)]))
        parts.append(resp(b"SADD", b"set:%d" % c, *elems))
        parts.append(resp(b"ZADD", b"zset:%d" % c, *[x for j, e in enumerate(elems)
                                                     for x in (b"%d" % j, e)]))
        if len(parts) >= 400:
            sock.sendall(b"".join(parts))
            buf = read_replies(sock, len(parts), buf)
            parts = []
    if parts:
        sock.sendall(b"".join(parts))
        read_replies(sock, len(parts), buf)


def redis_benchmark(port, tests, requests, clients=50, pipeline=1, keyspace=None):
    """Runs redis-benchmark --csv; returns {test: {"rps", "avg", "p50", "p95",
    "p99", "max"}} (latencies in ms). With keyspace, keys are
    key:%012d of a random integer below it (redis-benchmark's -r)."""
    cmd = ["redis-benchmark", "-p", str(port), "-t", tests, "-n", str(requests),
           "-c", str(clients), "-P", str(pipeline), "--csv"]
    if keyspace:
        cmd += ["-r", str(keyspace)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = {}
    for row in csv.reader(io.StringIO(out)):
        if not row or row[0] == "test":
            continue
        vals = [float(x) for x in row[1:]] + [0.0] * 7
        rows[row[0]] = dict(zip(("rps", "avg", "min", "p50", "p95", "p99", "max"), vals))
    return rows


def proc_fields_kb(path, names):
    """Sums the "Name: N kB" lines of a /proc file (status, smaps_rollup) for
    each of names; None when the process is gone."""
    out = dict.fromkeys(names, 0)
    try:
        with open(path) as f:
            for line in f:
                k, _, rest = line.partition(":")
                if k in out:
                    out[k] += int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return out


def minor_faults(pid):
    """The process's minor page faults so far (/proc/<pid>/stat field 10):
    a copy-on-write copy is one."""
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])


def child_pids(pid):
    """The children of every thread of pid (a fork child of the server is not
    named anywhere else: Redis's INFO does not give it)."""
    pids = set()
    for path in glob.glob("/proc/%d/task/*/children" % pid):
        try:
            with open(path) as f:
                pids.update(int(x) for x in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return sorted(pids)


def cpu_ticks(pid):
    """User + system CPU time of every thread of pid so far, in clock ticks
    (/proc/<pid>/stat fields 14 utime and 15 stime; os.sysconf('SC_CLK_TCK')
    ticks a second). Threads that have exited are still counted."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state), so field N is fields[N - 3].
    return int(fields[11]) + int(fields[12])


def redis_benchmark_rows(port, args, timeout=None):
    """Runs `redis-benchmark -p port --csv <args>` (args: any further
    options, then optionally a command to benchmark instead of -t); returns
    [(row name, {"rps", "avg", "min", "p50", "p95", "p99", "max"})] in the
    order printed (latencies in ms). Raises subprocess.CalledProcessError or
    TimeoutExpired with redis-benchmark's output attached."""
    cmd = ["redis-benchmark", "-p", str(port), "--csv"] + [str(a) for a in args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         timeout=timeout).stdout
    rows = []
    for row in csv.reader(io.StringIO(out)):
        if not row or row[0] == "test":
            continue
        vals = [float(x) for x in row[1:]] + [0.0] * 7
        rows.append((row[0], dict(zip(("rps", "avg", "min", "p50", "p95", "p99", "max"),
                                      vals))))
    return rows


def raise_nofile(want):
    """Raises this process's RLIMIT_NOFILE soft limit towards want (capped by
    the hard limit); returns the soft limit now in force."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def open_idle_connections(port, n, batch=256, command_args=(b"PING",), reply=b"+PONG\r\n"):
    """Opens n connections to 127.0.0.1:port; each sends one command and
    reads its reply, then stays open and silent. Returns the sockets.

    Connects in batches below the default listen backlog (511) so a burst
    never overflows the accept queue (a dropped SYN costs a 1 s retransmit).
    Each socket closes with an RST (SO_LINGER 0): tens of thousands of
    connections closed per run would otherwise fill the port range with
    TIME_WAIT."""
    import struct
    linger = struct.pack("ii", 1, 0)
    frame = resp(*command_args)
    socks = []
    try:
        for first in range(0, n, batch):
            group = []
            for _ in range(min(batch, n - first)):
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                group.append(s)
                socks.append(s)
            for s in group:
                s.sendall(frame)
            for s in group:
                got = b""
                while len(got) < len(reply) and not got.endswith(b"\r\n"):
                    chunk = s.recv(256)
                    if not chunk:
                        raise RuntimeError("idle connection %d closed by the server after %r"
                                           % (len(socks), got))
                    got += chunk
                if got != reply:
                    raise RuntimeError("idle connection %d: unexpected reply %r"
                                       % (len(socks), got))
    except BaseException:
        close_all(socks)
        raise
    return socks


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass
    del socks[:]


def cpu_seconds(pid):
    """(user, system) CPU seconds the process has used so far (/proc/<pid>/stat
    utime and stime; clock-tick resolution, usually 10 ms)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def open_fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def meminfo_kb(names=("Slab", "SReclaimable", "SUnreclaim", "MemFree", "MemAvailable")):
    """Fields of /proc/meminfo in kB."""
    return proc_fields_kb("/proc/meminfo", names)


def sockstat():
    """/proc/net/sockstat as {"TCP": {"inuse": n, "mem": pages, ...}, ...}."""
    out = {}
    with open("/proc/net/sockstat") as f:
        for line in f:
            proto, _, rest = line.partition(":")
            vals = rest.split()
            out[proto] = {vals[i]: int(vals[i + 1]) for i in range(0, len(vals) - 1, 2)}
    return out


def slabinfo():
    """/proc/slabinfo as {cache: bytes in active objects} (readable by root
    only); {} when it is not readable."""
    out = {}
    try:
        with open("/proc/slabinfo") as f:
            for line in f:
                if line.startswith(("slabinfo", "#")):
                    continue
                parts = line.split()
                out[parts[0]] = int(parts[1]) * int(parts[3])
    except (PermissionError, FileNotFoundError):
        return {}
    return out


def run_ns(pid):
    """Nanoseconds the process's threads have run on a CPU (sum of
    /proc/<pid>/task/*/schedstat): the scheduler's own clock, far finer than
    utime and stime's ticks, but without the user / system split."""
    total = 0
    for path in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def stop(proc, sock=None):
    """Closes sock (if any) and stops the server proc: SIGTERM, then SIGKILL
    if it has not exited within 30 s."""
    if sock is not None:
        sock.close()
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except Exception:  # noqa: BLE001
        proc.kill()
        proc.wait()
