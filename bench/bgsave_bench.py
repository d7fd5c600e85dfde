#!/usr/bin/python3
"""BGSAVE of a large dataset beside redis-server: the fork time, the parent's
throughput while the child writes, and the extra memory the child costs.

One server at a time (10M keys is about 1 GB each), each a fresh process in
its own temporary directory with --save '' --appendonly no:

1. fill: N string keys key:%012d -> val:%012d (the names redis-benchmark's
   -r N draws, so its SETs overwrite and its GETs hit the filled keys), plus
   N/1000 each of 100-element lists, hashes, sets and sorted sets, over
   pipelined raw RESP; VmRSS and INFO used_memory after it.
2. idle BGSAVE: latest_fork_usec, the time until INFO says done, the CoW.
3. for each test (SET, GET): redis-benchmark -t <test> -n R -c 50 -P 1 -r N
   with no child; then the same load started right after a BGSAVE, a new
   BGSAVE issued whenever a child ends before the load does, so a child runs
   beside (nearly) all of the load. The share of the load's time with a
   child active is reported.

While a child runs a watcher thread polls INFO persistence (every --poll
seconds) from its own connection and samples /proc/<pid>/smaps_rollup of the
server and of its children (found through /proc/<pid>/task/*/children: INFO
does not name the child): the child's Private_Dirty (what the copy-on-write
has cost so far, the figure Redis reports as rdb_last_cow_size at the end),
and the peak Rss and Pss of parent + child. Rss counts the shared pages
twice; Pss splits them, so the Pss peak minus the parent's Pss before the
fork is the memory the snapshot really added.

  bench/bgsave_bench.py [spindle-server path] [--keys 10000000]
      [--requests 1000000] [--tests set,get] [--rounds 1]
      [--servers spindle,redis] [--redis /usr/bin/redis-server] [--json out]
"""
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

MB = 1024.0 * 1024.0


class ChildWatcher(threading.Thread):
    """Starts a BGSAVE and follows it from its own connection until the child
    is done; while `load_done` is not set, starts another BGSAVE whenever a
    child ends, so that a load has a child beside it throughout."""

    def __init__(self, port, pid, poll, sample_every, repeat):
        super().__init__(daemon=True)
        self.port, self.pid, self.poll = port, pid, poll
        self.sample_every, self.repeat = sample_every, repeat
        self.started = threading.Event()   # the first fork is done
        self.load_done = threading.Event()
        self.children = []                 # {start, end, fork_us, cow, status}
        self.parent_pss0 = 0
        self.peak_rss = self.peak_pss = self.peak_child_dirty = 0
        self.samples = 0
        self.error = None
        self.sock = None

    def run(self):
        try:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
            self.watch()
        except Exception as e:  # reported by the caller
            self.error = e
            self.started.set()
        finally:
            if self.sock is not None:
                self.sock.close()

    def bgsave(self):
        t = time.monotonic()
        reply = benchlib.command(self.sock, b"BGSAVE")
        if not reply.startswith(b"+Background saving started"):
            raise RuntimeError("BGSAVE: %r" % reply)
        fork_us = int(benchlib.info_field(self.sock, "latest_fork_usec", b"stats"))
        self.children.append({"start": t, "end": None, "fork_us": fork_us})

    def watch(self):
        p = benchlib.proc_fields_kb("/proc/%d/smaps_rollup" % self.pid, ("Pss",))
        self.parent_pss0 = p["Pss"] * 1024
        self.bgsave()
        self.started.set()
        polls = 0
        while True:
            state = benchlib.info(self.sock, b"persistence")
            if state["rdb_bgsave_in_progress"] == "0":
                c = self.children[-1]
                c["end"] = time.monotonic()
                c["cow"] = int(state["rdb_last_cow_size"])
                c["status"] = state["rdb_last_bgsave_status"]
                if c["status"] != "ok":
                    raise RuntimeError("BGSAVE failed")
                if self.repeat and not self.load_done.is_set():
                    self.bgsave()
                    continue
                return
            if polls % self.sample_every == 0:
                self.sample()
            polls += 1
            time.sleep(self.poll)

    def sample(self):
        # The three reads are not atomic: a child that exits between them
        # hands its pages back to the parent, which then shows them as
        # private and the sum counts them twice. So the children are read
        # before and after the parent, and the sample kept only if they were
        # alive both times.
        names = ("Rss", "Pss", "Private_Dirty")
        pids = benchlib.child_pids(self.pid)

        def read_kids():
            kids = [benchlib.proc_fields_kb("/proc/%d/smaps_rollup" % k, names) for k in pids]
            return kids if pids and all(k and k["Rss"] for k in kids) else None  # zombie: no Rss

        before = read_kids()
        parent = benchlib.proc_fields_kb("/proc/%d/smaps_rollup" % self.pid, names)
        after = read_kids()
        if before is None or after is None or parent is None:
            return
        self.samples += 1
        self.peak_rss = max(self.peak_rss, 1024 * (parent["Rss"] + sum(k["Rss"] for k in before)))
        pss = 1024 * (parent["Pss"] + sum(k["Pss"] for k in before))
        if pss > self.peak_pss:
            self.peak_pss = pss
            self.peak_pss_sample = {"parent": parent, "children": before}
        self.peak_child_dirty = max(self.peak_child_dirty,
                                    1024 * sum(k["Private_Dirty"] for k in after))

    def figures(self, prefix):
        first = self.children[0]
        return {
            prefix + "fork_ms": first["fork_us"] / 1000.0,
            prefix + "fork_max_ms": max(c["fork_us"] for c in self.children) / 1000.0,
            prefix + "bgsave_s": first["end"] - first["start"],
            prefix + "bgsaves": len(self.children),
            prefix + "cow_mb": max(c["cow"] for c in self.children) / MB,
            prefix + "child_dirty_mb": self.peak_child_dirty / MB,
            prefix + "rss_sum_mb": self.peak_rss / MB,
            prefix + "pss_sum_mb": self.peak_pss / MB,
            prefix + "extra_mb": (self.peak_pss - self.parent_pss0) / MB,
            prefix + "peak_pss_sample": getattr(self, "peak_pss_sample", None),
            prefix + "parent_pss0_mb": self.parent_pss0 / MB,
        }

    def active_share(self, start, end):
        """The share of [start, end] during which INFO showed a child."""
        covered = sum(max(0.0, min(end, c["end"]) - max(start, c["start"]))
                      for c in self.children)
        return covered / (end - start)


def under_child(port, pid, args, load=None):
    """A BGSAVE (repeated while `load` runs, when given); returns the
    watcher and the load's (result, start, end)."""
    w = ChildWatcher(port, pid, args.poll, args.sample_every, repeat=load is not None)
    w.start()
    w.started.wait()
    result = None
    t0 = t1 = time.monotonic()
    try:
        if load is not None and w.error is None:
            result = load()
            t1 = time.monotonic()
    finally:
        w.load_done.set()
        w.join()
    if w.error is not None:
        raise w.error
    return w, result, t0, t1


def run(name, binary, args):
    workdir = tempfile.mkdtemp(prefix="bgsave-bench-")
    port = benchlib.free_port()
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no", "--dir", workdir,
           "--logfile", os.path.join(workdir, "server.log")]
    began = time.monotonic()
    proc, sock = benchlib.start(cmd, port)
    r = {}
    try:
        collections = args.keys // 1000 if args.collections is None else args.collections
        t = time.monotonic()
        benchlib.fill(sock, args.keys, collections, key_format=b"key:%012d",
                      value_format=b"val:%012d")
        r["fill_s"] = time.monotonic() - t
        time.sleep(1)  # let a rehash in progress finish before measuring
        r["dbsize"] = int(benchlib.command(sock, b"DBSIZE")[1:].strip())
        r["rss_mb"] = benchlib.rss_kb(proc.pid) / 1024.0
        r["used_memory_mb"] = int(benchlib.info_field(sock, "used_memory", b"memory")) / MB

        w, _, _, _ = under_child(port, proc.pid, args)
        r.update(w.figures("idle."))
        r["rdb_file_mb"] = os.path.getsize(os.path.join(workdir, "dump.rdb")) / MB

        def load(test):
            return benchlib.redis_benchmark(port, test, args.requests, args.clients,
                                            args.pipeline, args.keys)

        for test in args.tests.split(","):
            T = test.upper()
            faults = benchlib.minor_faults(proc.pid)
            base = load(test)[T]
            faults_base = benchlib.minor_faults(proc.pid) - faults
            faults = benchlib.minor_faults(proc.pid)
            w, rows, t0, t1 = under_child(port, proc.pid, args, lambda: load(test))
            faults_child = benchlib.minor_faults(proc.pid) - faults
            during = rows[T]
            r.update({T + ".base.rps": base["rps"], T + ".base.p50": base["p50"],
                      T + ".base.p99": base["p99"],
                      T + ".child.rps": during["rps"],
                      T + ".child.ratio": during["rps"] / base["rps"],
                      T + ".child.p50": during["p50"], T + ".child.p99": during["p99"],
                      T + ".child.share": 100.0 * w.active_share(t0, t1),
                      T + ".base.faults": faults_base, T + ".child.faults": faults_child})
            r.update(w.figures(T + ".child."))
    finally:
        for k in benchlib.child_pids(proc.pid):  # only on an error: a child still writing
            try:
                os.kill(k, 9)
            except ProcessLookupError:
                pass
        sock.close()
        proc.kill()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    print("  %s done in %.0f s" % (name, time.monotonic() - began), file=sys.stderr)
    return r


# (key, label, format); the per-test rows are expanded for each test.
FIGURES = [
    ("dbsize", "keys (DBSIZE)", "%.0f"),
    ("fill_s", "fill time, s", "%.1f"),
    ("rss_mb", "RSS after fill, MB", "%.0f"),
    ("used_memory_mb", "used_memory after fill, MB", "%.0f"),
    ("rdb_file_mb", "RDB file, MB", "%.0f"),
    ("idle.fork_ms", "idle BGSAVE: fork (latest_fork_usec), ms", "%.1f"),
    ("idle.bgsave_s", "idle BGSAVE: time until INFO says done, s", "%.2f"),
    ("idle.cow_mb", "idle BGSAVE: rdb_last_cow_size, MB", "%.1f"),
    ("idle.child_dirty_mb", "idle BGSAVE: child's peak Private_Dirty, MB", "%.1f"),
    ("idle.rss_sum_mb", "idle BGSAVE: peak RSS parent + child, MB", "%.0f"),
    ("idle.pss_sum_mb", "idle BGSAVE: peak PSS parent + child, MB", "%.0f"),
    ("idle.extra_mb", "idle BGSAVE: extra memory (peak PSS - parent before), MB", "%.1f"),
]
PER_TEST = [
    ("base.rps", "%s, no child: requests/s", "%.0f"),
    ("base.p50", "%s, no child: p50, ms", "%.3f"),
    ("base.p99", "%s, no child: p99, ms", "%.3f"),
    ("base.faults", "%s, no child: server's minor page faults", "%.0f"),
    ("child.rps", "%s beside BGSAVE: requests/s", "%.0f"),
    ("child.ratio", "%s beside BGSAVE: throughput / no child", "%.2f"),
    ("child.p50", "%s beside BGSAVE: p50, ms", "%.3f"),
    ("child.p99", "%s beside BGSAVE: p99, ms", "%.3f"),
    ("child.share", "%s beside BGSAVE: share of the load with a child, %%", "%.0f"),
    ("child.bgsaves", "%s beside BGSAVE: BGSAVEs run", "%.0f"),
    ("child.fork_ms", "%s beside BGSAVE: first fork, ms", "%.1f"),
    ("child.fork_max_ms", "%s beside BGSAVE: slowest fork, ms", "%.1f"),
    ("child.bgsave_s", "%s beside BGSAVE: first BGSAVE, s", "%.2f"),
    ("child.faults", "%s beside BGSAVE: server's minor page faults", "%.0f"),
    ("child.cow_mb", "%s beside BGSAVE: rdb_last_cow_size (max), MB", "%.0f"),
    ("child.child_dirty_mb", "%s beside BGSAVE: child's peak Private_Dirty, MB", "%.0f"),
    ("child.rss_sum_mb", "%s beside BGSAVE: peak RSS parent + child, MB", "%.0f"),
    ("child.pss_sum_mb", "%s beside BGSAVE: peak PSS parent + child, MB", "%.0f"),
    ("child.extra_mb", "%s beside BGSAVE: extra memory (peak PSS - parent before), MB", "%.0f"),
]


def main():
    ap = benchlib.side_by_side_parser(10000000)
    ap.add_argument("--collections", type=int, default=None,
                    help="collections of each type (default keys / 1000)")
    ap.add_argument("--requests", type=int, default=1000000, help="per test and phase")
    ap.add_argument("--tests", default="set,get")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--pipeline", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=1, help="medians over this many rounds")
    ap.add_argument("--servers", default="spindle,redis")
    ap.add_argument("--poll", type=float, default=0.02, help="INFO poll interval, s")
    ap.add_argument("--sample-every", type=int, default=5,
                    help="read smaps_rollup every this many polls")
    ap.add_argument("--json", help="write every round's raw figures here")
    args = ap.parse_args()

    binaries = {"spindle": args.spindle, "redis": args.redis}
    servers = args.servers.split(",")
    results = {s: [] for s in servers}
    for rnd in range(args.rounds):
        # Alternate which server goes first: the machine's load drifts.
        for s in (servers if rnd % 2 == 0 else servers[::-1]):
            print("round %d: %s" % (rnd + 1, s), file=sys.stderr)
            results[s].append(run(s, binaries[s], args))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=1)

    rows = list(FIGURES)
    for test in args.tests.split(","):
        rows += [(test.upper() + "." + k, label % test.upper(), fmt) for k, label, fmt in PER_TEST]
    collections = args.keys // 1000 if args.collections is None else args.collections
    print("%d string keys + %d each of 100-element lists, hashes, sets, sorted sets; "
          "redis-benchmark -n %d -c %d -P %d -r %d; median of %d round(s)"
          % (args.keys, collections, args.requests, args.clients, args.pipeline, args.keys,
             args.rounds))
    print()
    print("| figure | " + " | ".join(servers) +
          (" | spindle / redis |" if servers == ["spindle", "redis"] else " |"))
    print("| --- | " + " | ".join("---:" for _ in servers) +
          (" | ---: |" if servers == ["spindle", "redis"] else " |"))
    for key, label, fmt in rows:
        vals = [statistics.median(r[key] for r in results[s]) for s in servers]
        cells = [fmt % v for v in vals]
        if servers == ["spindle", "redis"]:
            # A ratio of a figure near zero (or negative: sampling) says nothing.
            cells.append("%.2fx" % (vals[0] / vals[1]) if min(vals) > 0 else "-")
        print("| %s | %s |" % (label, " | ".join(cells)))


if __name__ == "__main__":
    sys.exit(main())
