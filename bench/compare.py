#!/usr/bin/python3
"""Side by side with redis-server 7.0: throughput, p99 and server CPU time per
request for every scenario of a matrix, with issue 7's targets.

Both servers run on free loopback ports with the same settings (--bind
127.0.0.1 --save '' --appendonly no, the same --maxclients, --io-threads N
and, for N > 1, --io-threads-do-reads yes). For each io-threads setting the
two servers are started once and kept across that setting's scenarios. A
scenario is one redis-benchmark test with one pipeline depth (-P), client
count (-c) and value size (-d); every redis-benchmark run is one test, so
the server CPU time read around it belongs to that test alone.

For each scenario:
  1. warm-up runs on each server, unrecorded, from max(--min-requests,
     2 * c * P) requests up (at most tenfold a step) until one lasts a
     quarter of --seconds; the last one's throughput sizes that server's -n
     so that its recorded runs last about --seconds each (unless --requests
     fixes n). Each server gets its own n: per-request figures do not depend
     on n, and a server several times slower (Redis with io-threads 2 on 2
     cores) would otherwise run several times as long;
  2. --rounds rounds; in each, each server in turn (the order alternates from
     round to round): FLUSHALL, the test's own data (below), user + system
     CPU ticks of the server process from /proc/<pid>/stat (all threads),
     redis-benchmark, the ticks again, FLUSHALL;
  3. medians over the rounds: requests/s, p99, CPU microseconds per request
     (CPU ticks of the run / SC_CLK_TCK / -n), and Spindle / Redis ratios.

The test's own data, loaded with pipelined RESP before the CPU is sampled:
  get         the key GET reads (key:__rand_int__, or -r's key:%012d keys
              with --keyspace), holding a value of -d bytes; otherwise GET
              would measure nil replies;
  lpop        one list of n + P * c values of -d bytes, so no LPOP finds the
              list empty (redis-benchmark's -t lpop alone pops nothing);
  lrange_N    a list of N values of -d bytes, then `LRANGE mylist 0 N-1` as
              the benchmarked command: redis-benchmark's own -t lrange_100
              first runs n LPUSHes ("LPUSH (needed to benchmark LRANGE)") in
              the same invocation, whose CPU would be charged to LRANGE.
Other tests (set, incr, lpush, sadd, hset, zadd, mset, ping_mbulk, ...) need
none. -d changes nothing for incr, sadd and zadd (redis-benchmark sends no
value with them); they are still run at each size so the matrix stays whole.

Targets (Spindle / Redis in the same run, same io-threads setting):
  throughput >= 1.0x on every scenario, >= 1.3x for pipelined SET and GET;
  server CPU per request <= 0.85x without pipelining, <= 0.5x pipelined.
And across io-threads settings, for every (test, P, c, d) that ran with both:
  Spindle io-threads 2 >= Redis io-threads 1 (Redis's best on 2 cores: its
  I/O threads spin) and Spindle io-threads 2 >= Spindle io-threads 1.

The load generator shares the machine: on 2 cores it caps throughput, while
CPU per request shows what the server itself costs. CPU is counted in clock
ticks (10 ms at 100 Hz): a median under MIN_TICKS ticks per run is marked
with ~ (make --seconds or --requests larger). Machines here are shared:
quote ratios, not absolute numbers, and look at the load average printed.

  bench/compare.py --spindle build/spindle-server
      [--tests set,get,incr,lpush,lpop,sadd,hset,zadd,mset,lrange_100]
      [--pipeline 1,16] [--clients 50,500] [--sizes 3,1024] [--io-threads 1,2]
      [--rounds 3] [--seconds 1.0 | --requests N] [--keyspace K]
      [--maxclients 10000] [--backend epoll] [--server-args '--hz 10']
      [--benchmark-args '--threads 2'] [--timeout 600]
      [--markdown out.md] [--json out.json] [--chart docs/images/compare.png]
  bench/compare.py --replot out.json [--markdown ...] [--chart ...]
"""
import argparse
import datetime
import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

DEFAULT_TESTS = "set,get,incr,lpush,lpop,sadd,hset,zadd,mset,lrange_100"

# Issue 7's targets, Spindle / Redis.
THROUGHPUT_MIN = 1.0
THROUGHPUT_MIN_PIPELINED = {"set": 1.3, "get": 1.3}
CPU_MAX_UNPIPELINED = 0.85
CPU_MAX_PIPELINED = 0.5
IO2_VS_REDIS_IO1_MIN = 1.0
IO2_VS_OWN_IO1_MIN = 1.0

# Fewer CPU ticks than this per run (median) and the CPU figure is coarse.
MIN_TICKS = 20

LRANGE = re.compile(r"lrange_(\d+)$")
# Tests whose data grows with n (one list of n values); --max-data-mb caps n.
GROWING = ("lpush", "lpop")
BATCH_BYTES = 1 << 20


def csv_ints(text):
    return [int(x) for x in text.split(",") if x]


def payload(size):
    """A -d sized value (redis-benchmark's own are random letters)."""
    pattern = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return (pattern * (size // len(pattern) + 1))[:size]


def send_commands(sock, commands):
    """Sends RESP commands in batches of about BATCH_BYTES, each batch's
    single-line replies read before the next is sent."""
    parts, size = [], 0
    for c in commands:
        parts.append(c)
        size += len(c)
        if size >= BATCH_BYTES:
            sock.sendall(b"".join(parts))
            benchlib.read_replies(sock, len(parts), b"")
            parts, size = [], 0
    if parts:
        sock.sendall(b"".join(parts))
        benchlib.read_replies(sock, len(parts), b"")


def lpush_commands(key, count, value):
    per = max(1, min(1000, BATCH_BYTES // (len(value) + 16)))
    for first in range(0, count, per):
        yield benchlib.resp(b"LPUSH", key, *([value] * min(per, count - first)))


def prepare(sock, sc, n):
    """Loads what scenario sc's test reads (see the module comment)."""
    value = payload(sc["size"])
    test = sc["test"]
    m = LRANGE.match(test)
    if test == "get":
        keyspace = sc.get("keyspace")
        keys = ((b"key:%012d" % i for i in range(keyspace)) if keyspace
                else [b"key:__rand_int__"])
        send_commands(sock, (benchlib.resp(b"SET", k, value) for k in keys))
    elif test == "lpop":
        send_commands(sock, lpush_commands(b"mylist", n + sc["pipeline"] * sc["clients"],
                                           value))
    elif m:
        send_commands(sock, lpush_commands(b"mylist", int(m.group(1)), value))


def benchmark_args(sc, n):
    args = ["-n", n, "-c", sc["clients"], "-P", sc["pipeline"], "-d", sc["size"]]
    args += shlex.split(sc.get("benchmark_args") or "")
    if sc.get("keyspace"):
        args += ["-r", sc["keyspace"]]
    m = LRANGE.match(sc["test"])
    if m:
        return args + ["LRANGE", "mylist", "0", int(m.group(1)) - 1]
    return args + ["-t", sc["test"]]


class Server:
    """One server process for one io-threads setting, with a control
    connection for FLUSHALL and the test data."""

    def __init__(self, name, argv):
        self.name = name
        self.argv = argv        # without --port
        self.proc = self.sock = None
        self.port = None

    def start(self):
        self.port = benchlib.free_port()
        self.proc, self.sock = benchlib.start(self.argv + ["--port", str(self.port)],
                                              self.port)
        self.sock.settimeout(120)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def flushall(self):
        self.sock.sendall(benchlib.resp(b"FLUSHALL"))
        benchlib.read_replies(self.sock, 1, b"")

    def info_server(self):
        return benchlib.info(self.sock, b"server")

    def stop(self):
        if self.sock:
            self.sock.close()
            self.sock = None
        if self.proc:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None


def run_once(server, sc, n, timeout):
    """One recorded (or warm-up) redis-benchmark run of scenario sc with n
    requests; returns its figures."""
    server.flushall()
    prepare(server.sock, sc, n)
    args = benchmark_args(sc, n)
    ticks0 = benchlib.cpu_ticks(server.proc.pid)
    wall0 = time.monotonic()
    rows = benchlib.redis_benchmark_rows(server.port, args, timeout=timeout)
    wall = time.monotonic() - wall0
    ticks = benchlib.cpu_ticks(server.proc.pid) - ticks0
    server.flushall()
    rows = [r for r in rows if not r[0].startswith("LPUSH (needed")]
    if len(rows) != 1:
        raise RuntimeError("expected one result row from redis-benchmark %s, got %r"
                           % (" ".join(map(str, args)), rows))
    row = rows[0][1]
    return {"server": server.name, "requests": n, "rps": row["rps"], "p50": row["p50"],
            "p99": row["p99"], "avg": row["avg"], "max": row["max"], "wall_s": wall,
            "cpu_ticks": ticks,
            "cpu_us": ticks * 1e6 / os.sysconf("SC_CLK_TCK") / n}


def fewest_requests(args, sc):
    """At least --min-requests and two pipelines per client."""
    return max(args.min_requests, 2 * sc["clients"] * sc["pipeline"])


def most_requests(args, sc):
    """--max-requests, and --max-data-mb for the tests that grow a list."""
    n = args.max_requests
    if sc["test"] in GROWING:
        n = min(n, args.max_data_mb * (1 << 20) // max(sc["size"], 1))
    return max(fewest_requests(args, sc), n)


def warm_up(server, sc, args):
    """Unrecorded runs, growing until one lasts a quarter of --seconds (the
    first alone with --requests or --warmup-requests); returns the last
    run's requests/s."""
    n = args.warmup_requests or fewest_requests(args, sc)
    while True:
        rps = max(run_once(server, sc, n, args.timeout)["rps"], 1.0)
        wanted = args.seconds / 4
        if (args.requests or args.warmup_requests or n >= most_requests(args, sc)
                or n / rps >= wanted):
            return rps
        n = int(min(most_requests(args, sc), n * 10, 1.2 * wanted * rps))


def requests_for(args, sc, warm_rps):
    """n for one server's recorded runs: --requests, or --seconds worth at
    its warm-up throughput within fewest_requests and most_requests, rounded
    to two significant figures; then up to a whole number of pipelines."""
    if args.requests:
        n = args.requests
    else:
        n = min(most_requests(args, sc), max(fewest_requests(args, sc), args.seconds * warm_rps))
        digits = 10 ** max(0, int(math.log10(n)) - 1)
        n = int(math.ceil(n / digits) * digits)
    p = sc["pipeline"]
    return int(math.ceil(n / p) * p)


def targets(sc):
    """(minimum throughput ratio, maximum CPU-per-request ratio)."""
    if sc["pipeline"] > 1:
        return THROUGHPUT_MIN_PIPELINED.get(sc["test"], THROUGHPUT_MIN), CPU_MAX_PIPELINED
    return THROUGHPUT_MIN, CPU_MAX_UNPIPELINED


def summarize(sc):
    """Medians over the recorded rounds, ratios and the targets' verdict."""
    med = {}
    for name in ("spindle", "redis"):
        runs = [r for r in sc["runs"] if r["server"] == name]
        med[name] = {k: statistics.median(r[k] for r in runs)
                     for k in ("rps", "p50", "p99", "cpu_us", "cpu_ticks")}
        med[name]["rps_min"] = min(r["rps"] for r in runs)
        med[name]["rps_max"] = max(r["rps"] for r in runs)
    sc["median"] = med
    s, r = med["spindle"], med["redis"]
    sc["ratio"] = s["rps"] / r["rps"] if r["rps"] else None
    sc["cpu_ratio"] = s["cpu_us"] / r["cpu_us"] if r["cpu_us"] else None
    thr_min, cpu_max = targets(sc)
    sc["target"] = {"throughput_min": thr_min, "cpu_max": cpu_max}
    sc["pass_throughput"] = sc["ratio"] is not None and sc["ratio"] >= thr_min
    sc["pass_cpu"] = sc["cpu_ratio"] is not None and sc["cpu_ratio"] <= cpu_max


def label(sc, io=True):
    text = "%s P=%d c=%d d=%d" % (sc["test"].upper(), sc["pipeline"], sc["clients"], sc["size"])
    return text + (" io=%d" % sc["io_threads"] if io else "")


def fmt_ratio(x):
    return "-" if x is None else "%.2fx" % x


def fmt_cpu(m):
    mark = "~" if m["cpu_ticks"] < MIN_TICKS else ""
    return "%s%.2f" % (mark, m["cpu_us"])


def verdict(sc):
    if "error" in sc:
        return "ERROR"
    failed = [what for what, ok in (("rps", sc["pass_throughput"]), ("cpu", sc["pass_cpu"]))
              if not ok]
    return "pass" if not failed else "FAIL (%s)" % ", ".join(failed)


def io_comparisons(scenarios):
    """For every (test, P, c, d) with both io-threads 1 and 2 measured:
    Spindle io2 / Redis io1 and Spindle io2 / Spindle io1 throughput."""
    by_key = {}
    for sc in scenarios:
        if "error" not in sc:
            key = (sc["test"], sc["pipeline"], sc["clients"], sc["size"])
            by_key.setdefault(key, {})[sc["io_threads"]] = sc
    out = []
    for key, per_io in by_key.items():
        if 1 in per_io and 2 in per_io:
            one, two = per_io[1], per_io[2]
            s2 = two["median"]["spindle"]
            out.append({
                "scenario": one, "spindle_io2_rps": s2["rps"],
                "redis_io1_rps": one["median"]["redis"]["rps"],
                "spindle_io1_rps": one["median"]["spindle"]["rps"],
                "spindle_io2_cpu_us": s2["cpu_us"],
                "spindle_io1_cpu_us": one["median"]["spindle"]["cpu_us"],
                "vs_redis_io1": s2["rps"] / one["median"]["redis"]["rps"],
                "vs_own_io1": s2["rps"] / one["median"]["spindle"]["rps"]})
    return out


def markdown(data):
    meta, scenarios = data["meta"], data["scenarios"]
    lines = [
        "Command: `%s`" % meta["command"], "",
        "%s; %s; redis-server %s; %d cores, load average %s at the start, %s at the end; "
        "%d rounds (medians), %s; %.0f s in all." % (
            meta["started"], meta.get("spindle_version", "?"), meta.get("redis_version", "?"),
            meta["cores"], meta["loadavg_start"], meta.get("loadavg_end", "?"), meta["rounds"],
            meta["requests_rule"],
            meta.get("elapsed_s", 0)),
        "",
        "CPU is the server process's user + system time (all threads) per request; `~` marks "
        "a median under %d clock ticks per run (coarse). Targets: throughput ratio >= %.1fx "
        "(>= %.1fx for pipelined SET and GET), CPU ratio <= %.2fx without pipelining, "
        "<= %.2fx pipelined." % (MIN_TICKS, THROUGHPUT_MIN,
                                 max(THROUGHPUT_MIN_PIPELINED.values()),
                                 CPU_MAX_UNPIPELINED, CPU_MAX_PIPELINED),
        "",
        "| test | io-threads | P | clients | value B | spindle rps | redis rps | rps ratio | "
        "spindle p99 ms | redis p99 ms | spindle CPU µs/req | redis CPU µs/req | CPU ratio | "
        "target rps / CPU | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
        "---: | --- | --- |",
    ]
    for sc in scenarios:
        head = "| %s | %d | %d | %d | %d | " % (sc["test"].upper(), sc["io_threads"],
                                              sc["pipeline"], sc["clients"], sc["size"])
        if "error" in sc:
            lines.append(head + "| | | | | | | | | | ERROR: %s |"
                         % sc["error"].replace("|", "/").replace("\n", " ")[:200])
            continue
        s, r = sc["median"]["spindle"], sc["median"]["redis"]
        lines.append(head + "%.0f | %.0f | %s | %.3f | %.3f | %s | %s | %s | >= %.2fx / <= %.2fx"
                     " | %s |" % (s["rps"], r["rps"], fmt_ratio(sc["ratio"]), s["p99"], r["p99"],
                                  fmt_cpu(s), fmt_cpu(r), fmt_ratio(sc["cpu_ratio"]),
                                  sc["target"]["throughput_min"], sc["target"]["cpu_max"],
                                  verdict(sc)))
    io = io_comparisons(scenarios)
    if io:
        lines += [
            "", "io-threads 2 (throughput; Redis's io-threads 1 is its best setting here):", "",
            "| test | P | clients | value B | spindle io2 rps | redis io1 rps | "
            "spindle io2 / redis io1 | spindle io1 rps | spindle io2 / io1 | "
            "spindle CPU µs/req io2 / io1 | result |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for c in io:
            sc = c["scenario"]
            failed = [w for w, ok in (("vs redis io1", c["vs_redis_io1"] >= IO2_VS_REDIS_IO1_MIN),
                                      ("vs own io1", c["vs_own_io1"] >= IO2_VS_OWN_IO1_MIN))
                      if not ok]
            lines.append("| %s | %d | %d | %d | %.0f | %.0f | %s | %.0f | %s | %.2f / %.2f | %s |"
                         % (sc["test"].upper(), sc["pipeline"], sc["clients"], sc["size"],
                            c["spindle_io2_rps"], c["redis_io1_rps"], fmt_ratio(c["vs_redis_io1"]),
                            c["spindle_io1_rps"], fmt_ratio(c["vs_own_io1"]),
                            c["spindle_io2_cpu_us"], c["spindle_io1_cpu_us"],
                            "pass" if not failed else "FAIL (%s)" % ", ".join(failed)))
    lines += ["", "Summary:", ""] + ["- " + s for s in summary(scenarios, io)]
    return "\n".join(lines) + "\n"


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def summary(scenarios, io):
    ok = [sc for sc in scenarios if "error" not in sc]
    out = []

    def count(name, items, passed, describe):
        failed = [describe(x) for x in items if not passed(x)]
        text = "%s: %d of %d pass" % (name, len(items) - len(failed), len(items))
        out.append(text + ("; failing: " + ", ".join(failed) if failed else ""))

    count("throughput (>= 1.0x, >= 1.3x pipelined SET / GET)", ok,
          lambda sc: sc["pass_throughput"],
          lambda sc: "%s %s" % (label(sc), fmt_ratio(sc["ratio"])))
    count("CPU per request (<= 0.85x P=1, <= 0.5x pipelined)", ok,
          lambda sc: sc["pass_cpu"], lambda sc: "%s %s" % (label(sc), fmt_ratio(sc["cpu_ratio"])))
    if io:
        count("Spindle io-threads 2 >= Redis io-threads 1", io,
              lambda c: c["vs_redis_io1"] >= IO2_VS_REDIS_IO1_MIN,
              lambda c: "%s %s" % (label(c["scenario"], io=False), fmt_ratio(c["vs_redis_io1"])))
        count("Spindle io-threads 2 >= Spindle io-threads 1", io,
              lambda c: c["vs_own_io1"] >= IO2_VS_OWN_IO1_MIN,
              lambda c: "%s %s" % (label(c["scenario"], io=False), fmt_ratio(c["vs_own_io1"])))
    for io_threads, p in sorted({(sc["io_threads"], sc["pipeline"]) for sc in ok}):
        sub = [sc for sc in ok if sc["io_threads"] == io_threads and sc["pipeline"] == p]
        out.append("io-threads %d, P=%d: geometric mean throughput ratio %.2fx, CPU ratio %.2fx"
                   " (%d scenarios)" % (io_threads, p, geomean(sc["ratio"] for sc in sub),
                                        geomean(sc["cpu_ratio"] for sc in sub), len(sub)))
    for sc in scenarios:
        if "error" in sc:
            out.append("ERROR in %s: %s" % (label(sc), sc["error"]))
    return out


def chart(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullLocator

    scs = [sc for sc in data["scenarios"] if "error" not in sc]
    if not scs:
        return
    labels = [label(sc) for sc in scs]
    ys = list(range(len(scs)))[::-1]
    height = 1.6 + 0.24 * len(scs)
    fig, axes = plt.subplots(1, 2, sharey=True, figsize=(13, height))
    # Tick labels: the panel's targets, and 1.0 only where no target crowds it.
    panels = (
        (axes[0], "throughput, Spindle / Redis (higher is better)", "ratio",
         "throughput_min", "pass_throughput", [0.05, 0.1, 0.25, 0.5, 1, 1.3, 2, 4, 8, 16]),
        (axes[1], "server CPU per request, Spindle / Redis (lower is better)", "cpu_ratio",
         "cpu_max", "pass_cpu", [0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.85, 2, 4, 8]))
    # A line between io-threads settings.
    bounds = [ys[i] + 0.5 for i in range(1, len(scs))
              if scs[i]["io_threads"] != scs[i - 1]["io_threads"]]
    for ax, title, key, target, passed, ticks in panels:
        vals = [sc[key] or 0 for sc in scs]
        colors = ["#3a923a" if sc[passed] else "#c8382e" for sc in scs]
        ax.barh(ys, vals, color=colors, height=0.7, left=0)
        ax.scatter([sc["target"][target] for sc in scs], ys, marker="|", s=160, color="black",
                   zorder=3)
        ax.axvline(1.0, color="grey", linestyle="--", linewidth=0.8)
        for b in bounds:
            ax.axhline(b, color="black", linewidth=0.6)
        ax.set_xscale("log")
        lo = min([v for v in vals if v > 0] + [0.4]) / 1.2
        hi = max(vals + [1.5]) * 1.2
        ax.set_xlim(lo, hi)
        ax.xaxis.set_major_locator(FixedLocator([t for t in ticks if lo <= t <= hi]))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels(["%g" % t for t in ticks if lo <= t <= hi])
        for y, v in zip(ys, vals):
            ax.text(v, y, " %.2f" % v, va="center", fontsize=7)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(-0.6, len(scs) - 0.4)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(ys)
    axes[0].set_yticklabels(labels, fontsize=8)
    meta = data["meta"]
    fig.suptitle("spindle-server vs redis-server %s, redis-benchmark, %d rounds (medians); "
                 "bars green = target met, | = target"
                 % (meta.get("redis_version", "?"), meta["rounds"]),
                 fontsize=10, y=1 - 0.2 / height, va="top")
    # Margins in inches, so that a tall chart keeps the title clear of the
    # panels' titles and wastes no height.
    fig.subplots_adjust(left=0.19, right=0.98, wspace=0.08,
                        top=1 - 0.85 / height, bottom=0.45 / height)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_outputs(data, args):
    text = markdown(data)
    print()
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(data, f, indent=1)
    if args.chart:
        chart(data, args.chart)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def server_argv(binary, is_spindle, io_threads, args):
    argv = [binary, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--maxclients", str(args.maxclients), "--io-threads", str(io_threads)]
    if io_threads > 1:
        argv += ["--io-threads-do-reads", "yes"]
    if is_spindle:
        argv += ["--io-backend", args.backend]
    return argv + shlex.split(args.server_args)


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spindle_pos", nargs="?", metavar="spindle",
                    help="spindle-server binary (or --spindle)")
    ap.add_argument("--spindle", default=None,
                    help="spindle-server binary (default build/spindle-server of this checkout)")
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--tests", default=DEFAULT_TESTS,
                    help="redis-benchmark -t names, one run each (lrange_N: see the module doc)")
    ap.add_argument("--pipeline", default="1,16", help="-P values")
    ap.add_argument("--clients", default="50,500", help="-c values")
    ap.add_argument("--sizes", default="3,1024", help="-d values (bytes)")
    ap.add_argument("--io-threads", default="1,2", help="io-threads settings, both servers")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=1.0,
                    help="size -n so that a recorded run lasts about this long (default 1)")
    ap.add_argument("--requests", type=int, default=None,
                    help="fixed -n for every recorded run (instead of --seconds)")
    ap.add_argument("--min-requests", type=int, default=5000)
    ap.add_argument("--max-requests", type=int, default=5000000)
    ap.add_argument("--max-data-mb", type=int, default=512,
                    help="cap n so an LPUSH / LPOP list holds at most this many MB of values")
    ap.add_argument("--warmup-requests", type=int, default=None,
                    help="one unrecorded warm-up run of this n (default: growing runs, see above)")
    ap.add_argument("--no-warmup", action="store_true",
                    help="skip the warm-up (then --requests is needed)")
    ap.add_argument("--keyspace", type=int, default=None,
                    help="redis-benchmark -r (random keys below it); default one key per test")
    ap.add_argument("--maxclients", type=int, default=10000)
    ap.add_argument("--backend", default="epoll", help="Spindle's --io-backend")
    ap.add_argument("--server-args", default="", help="more arguments for both servers")
    ap.add_argument("--benchmark-args", default="",
                    help="more redis-benchmark options (e.g. '--threads 2' on a bigger machine)")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds before a redis-benchmark run counts as stalled")
    ap.add_argument("--markdown", help="write the tables here")
    ap.add_argument("--json", help="write every run and median here (for --replot)")
    ap.add_argument("--chart", help="write a PNG of the ratios and targets here")
    ap.add_argument("--replot", metavar="JSON",
                    help="redraw tables and chart from an earlier --json, run nothing")
    args = ap.parse_args()
    args.spindle = args.spindle or args.spindle_pos or os.path.join(here, "..", "build",
                                                                    "spindle-server")
    if args.no_warmup and not args.requests:
        ap.error("--no-warmup needs --requests")
    if max(csv_ints(args.clients)) + 2 > args.maxclients:
        ap.error("--maxclients must exceed the largest --clients")
    return args


def main():
    args = parse_args()
    if args.replot:
        with open(args.replot) as f:
            data = json.load(f)
        write_outputs(data, args)
        return 0

    tests = [t for t in args.tests.split(",") if t]
    matrix = [(io, p, c, d, t) for io in csv_ints(args.io_threads)
              for p in csv_ints(args.pipeline) for c in csv_ints(args.clients)
              for d in csv_ints(args.sizes) for t in tests]
    meta = {
        "command": shlex.join([os.path.relpath(sys.argv[0])] + sys.argv[1:]),
        "started": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cores": os.cpu_count(), "loadavg_start": loadavg(),
        "clk_tck": os.sysconf("SC_CLK_TCK"), "rounds": args.rounds,
        "requests_rule": ("-n %d" % args.requests if args.requests
                          else "-n sized per server for about %g s per run" % args.seconds),
        "spindle": os.path.abspath(args.spindle), "redis": args.redis,
        "maxclients": args.maxclients, "backend": args.backend,
        "keyspace": args.keyspace, "server_args": args.server_args,
        "benchmark_args": args.benchmark_args,
    }
    data = {"meta": meta, "scenarios": []}
    started = time.monotonic()
    done = 0
    servers = []
    try:
        for io in csv_ints(args.io_threads):
            servers = [Server("spindle", server_argv(args.spindle, True, io, args)),
                       Server("redis", server_argv(args.redis, False, io, args))]
            for s in servers:
                s.start()
            meta["spindle_version"] = "spindle %s" % servers[0].info_server().get(
                "spindle_version", "?")
            meta["redis_version"] = servers[1].info_server().get("redis_version", "?")
            for (mio, p, c, d, t) in matrix:
                if mio != io:
                    continue
                sc = {"test": t, "io_threads": io, "pipeline": p, "clients": c, "size": d,
                      "keyspace": args.keyspace, "benchmark_args": args.benchmark_args}
                run_scenario(sc, servers, args)
                data["scenarios"].append(sc)
                done += 1
                elapsed = time.monotonic() - started
                eta = elapsed / done * (len(matrix) - done)
                print("[%d/%d %.0fs, ~%.0fs left] %s n=%s: %s" % (
                    done, len(matrix), elapsed, eta, label(sc),
                    "/".join(str(n) for n in sc.get("requests", {}).values()),
                    sc.get("error") or "rps %s, CPU %s, %s" % (
                        fmt_ratio(sc["ratio"]), fmt_ratio(sc["cpu_ratio"]), verdict(sc))),
                    file=sys.stderr, flush=True)
            for s in servers:
                s.stop()
    finally:
        for s in servers:
            s.stop()
    meta["loadavg_end"] = loadavg()
    meta["elapsed_s"] = time.monotonic() - started
    write_outputs(data, args)
    return 0


def run_scenario(sc, servers, args):
    """Warm-up, sizing and the recorded rounds of one scenario; on a failed
    run the scenario records the error (with the command to reproduce it)
    and a server that died is restarted for the next scenario."""
    current = None
    try:
        sc["warmup_rps"] = {}
        for current in servers if not args.no_warmup else []:
            sc["warmup_rps"][current.name] = warm_up(current, sc, args)
        sc["requests"] = {s.name: requests_for(args, sc, sc["warmup_rps"].get(s.name))
                          for s in servers}
        sc["runs"] = []
        for rnd in range(args.rounds):
            for current in (servers if rnd % 2 == 0 else servers[::-1]):
                run = run_once(current, sc, sc["requests"][current.name], args.timeout)
                run["round"] = rnd
                sc["runs"].append(run)
        summarize(sc)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, RuntimeError,
            OSError) as e:
        if isinstance(e, subprocess.TimeoutExpired):
            what = "redis-benchmark ran over %g s: %s" % (e.timeout, " ".join(e.cmd))
        elif isinstance(e, subprocess.CalledProcessError):
            what = "redis-benchmark exited with status %d: %s" % (e.returncode, " ".join(e.cmd))
        else:
            what = "%s: %s" % (type(e).__name__, e)
        stderr = getattr(e, "stderr", None)
        if stderr:
            what += " (stderr: %s)" % (stderr if isinstance(stderr, str)
                                       else stderr.decode(errors="replace")).strip()[-300:]
        dead = ["%s exited with status %s" % (s.name, s.proc.returncode)
                for s in servers if not s.alive()]
        sc["error"] = "%s: %s%s" % (current.name if current else "setup", what,
                                    "; " + "; ".join(dead) if dead else "")
        sc["server_argv"] = {s.name: s.argv + ["--port", str(s.port)] for s in servers}
        for s in servers:
            s.stop()
            s.start()


if __name__ == "__main__":
    sys.exit(main())
