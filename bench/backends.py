#!/usr/bin/python3
"""The I/O backend study: throughput, p99 and server CPU per request of each
--io-backend while thousands of idle connections sit registered.

For each round and each backend, one server; the idle counts are visited in
a shuffled order (--seed), so the machine's drift does not line up with the
idle count. The idle connections are opened from this process (each sends
PING, reads +PONG, then stays open and silent) or the surplus closed, then,
after --pause seconds, redis-benchmark runs with --clients active clients.
A cell's figures are medians over the rounds.

The server's CPU time over the redis-benchmark run, divided by the requests,
shows what each wake-up costs: select and poll hand the kernel every
registered descriptor on every wait. It is read twice: the threads'
run time from /proc/<pid>/task/*/schedstat (ns; the "server CPU" column and
chart) and utime + stime from /proc/<pid>/stat (10 ms ticks, so only coarse
at small -n, but split into user and system time).

select cannot hold a descriptor at or beyond FD_SETSIZE (1024): an idle count
that does not fit beside the active clients is skipped and said so. By
default one more idle count is added for every backend: the largest that
select still holds (--no-select-max to leave it out).

  bench/backends.py [build/spindle-server] [--backends select,poll,epoll,epoll-et]
      [--idle 0,1000,5000,15000] [--requests 100000] [--rounds 3] [--tests set,get]
      [--clients 50] [--maxclients 16500] [--pause 1] [--seed 1]
      [--out table.md] [--json out.json]
      [--png docs/images/backends.png]
  bench/backends.py [build/spindle-server] --paired 15000 [--backends epoll,epoll-et]
      [--rounds 6] [--requests 100000] [--out table.md]

Machines here are shared (2 cores): quote the ratios to each backend's own
0-idle figure, and re-run the full size on a quiet machine. --paired checks
one idle count against none with the noise paired away: two servers of the
same backend side by side, redis-benchmark alternating between them.
"""
import json
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

FD_SETSIZE = 1024
# Descriptors beyond the idle and active clients a select server must hold
# room for. redis-benchmark closes one test's clients and at once connects the
# next test's: the server can accept the new ones (the listener is a low fd,
# scanned first) before it has seen the old ones' EOFs, so for a moment it
# holds up to twice --clients; plus redis-benchmark's first connection (it
# reads the server's configuration) and slack.
def fd_margin(clients):
    return clients + 16
TARGET_BACKENDS = ("epoll", "epoll-et")
TARGET_RATIO = 0.95


def csv_list(text, conv=str):
    return [conv(x) for x in text.split(",") if x]


def parse_args():
    ap = benchlib.spindle_parser(__doc__.split("\n\n")[0])
    ap.add_argument("--backends", default="select,poll,epoll,epoll-et")
    ap.add_argument("--idle", default="0,1000,5000,15000",
                    help="idle connection counts (comma-separated)")
    ap.add_argument("--no-select-max", dest="select_max", action="store_false",
                    help="do not add the largest idle count select can hold")
    ap.add_argument("--requests", type=int, default=100000, help="redis-benchmark -n")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tests", default="set,get", help="redis-benchmark -t")
    ap.add_argument("--clients", type=int, default=50, help="active clients (redis-benchmark -c)")
    ap.add_argument("--maxclients", type=int, default=16500)
    ap.add_argument("--pause", type=float, default=1.0,
                    help="seconds between changing the idle set and redis-benchmark")
    ap.add_argument("--seed", type=int, default=1, help="shuffles the idle counts' order")
    ap.add_argument("--paired", type=int, metavar="N",
                    help="instead of the study: per backend, a server with N idle connections "
                    "beside one with none, redis-benchmark alternating between them, "
                    "--rounds pairs; prints the per-pair ratios' medians")
    ap.add_argument("--replot", metavar="JSON",
                    help="no measuring: the table and chart from a --json file of an earlier run")
    ap.add_argument("--note", default="", help="appended to the chart's title")
    ap.add_argument("--out", help="also write the markdown table here")
    ap.add_argument("--json", help="write every measurement here")
    ap.add_argument("--png", help="write the chart here (e.g. docs/images/backends.png)")
    return ap.parse_args()


def start_server(binary, backend, maxclients):
    port = benchlib.free_port()
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--io-backend", backend,
           "--maxclients", str(maxclients), "--save", "", "--appendonly", "no"]
    proc, ctl = benchlib.start(cmd, port)
    return proc, ctl, port


def stop_server(proc, ctl):
    benchlib.stop(proc, ctl)


def connected_clients(ctl):
    return int(benchlib.info_field(ctl, "connected_clients", b"clients"))


def settle_clients(ctl, backend, want, timeout=30):
    """Waits until the server counts `want` clients: redis-benchmark's (or
    closed idle) clients are gone on our side, but the server may answer INFO
    in the same wake-up that reports their EOFs, before it frees them. Raises
    if the count falls below want (an idle connection was dropped) or never
    comes down to it."""
    deadline = time.monotonic() + timeout
    while True:
        n = connected_clients(ctl)
        if n == want:
            return
        if n < want or time.monotonic() > deadline:
            raise RuntimeError("%s: %d clients connected after redis-benchmark, expected %d"
                               % (backend, n, want))
        time.sleep(0.05)


def select_capacity(binary, clients):
    """The largest idle count a select server holds beside `clients` active
    clients: FD_SETSIZE minus what the server holds open at start (listeners,
    eventfd, stdio, our control connection), the clients and fd_margin,
    rounded down to a multiple of 50."""
    proc, ctl, _ = start_server(binary, "select", FD_SETSIZE)
    try:
        base = benchlib.open_fd_count(proc.pid)
    finally:
        stop_server(proc, ctl)
    fit = FD_SETSIZE - base - clients - fd_margin(clients)
    return base, fit // 50 * 50 if fit >= 50 else fit


def measure(port, pid, tests, requests, clients):
    """One redis-benchmark run: {test: {rps, p99}} and the server's CPU over
    it: (user s, system s, run ns)."""
    u0, s0 = benchlib.cpu_seconds(pid)
    r0 = benchlib.run_ns(pid)
    try:
        rows = benchlib.redis_benchmark(port, tests, requests, clients)
    except subprocess.CalledProcessError as e:
        raise RuntimeError("redis-benchmark failed (exit %d): %s%s"
                           % (e.returncode, e.stdout[-2000:], e.stderr[-2000:])) from None
    u1, s1 = benchlib.cpu_seconds(pid)
    r1 = benchlib.run_ns(pid)
    return rows, (u1 - u0, s1 - s0, r1 - r0)


def run(args):
    backends = csv_list(args.backends)
    counts = sorted(set(csv_list(args.idle, int)))
    base_fds, select_fit = select_capacity(args.spindle, args.clients)
    if args.select_max and "select" in backends and select_fit > 0:
        counts = sorted(set(counts + [select_fit]))
    need = max(counts) + args.clients + 64
    have = benchlib.raise_nofile(need)
    if have < max(counts) + 16:
        sys.exit("RLIMIT_NOFILE is %d: too low for %d idle connections" % (have, max(counts)))
    if max(counts) + args.clients + fd_margin(args.clients) > args.maxclients:
        sys.exit("--maxclients %d cannot hold %d idle + %d active clients"
                 % (args.maxclients, max(counts), args.clients))
    tests = csv_list(args.tests)
    skipped = {}
    for b in backends:
        if b == "select":
            skipped[b] = [n for n in counts if n > select_fit]
    print("# %d round(s) x %s; idle counts %s; -n %d -c %d -t %s"
          % (args.rounds, ",".join(backends), ",".join(map(str, counts)), args.requests,
             args.clients, args.tests), flush=True)
    if skipped.get("select"):
        print("# select: skips idle %s (FD_SETSIZE %d; the server holds %d descriptors at start, "
              "%d active clients: at most %d idle fit)"
              % (",".join(map(str, skipped["select"])), FD_SETSIZE, base_fds, args.clients,
                 select_fit), flush=True)

    # samples[(backend, idle)] = list of {"tests": {test: {rps, p99}}, "cpu": (u, s, ns)}
    samples = {}
    rng = random.Random(args.seed)
    for rnd in range(args.rounds):
        for backend in backends:
            proc, ctl, port = start_server(args.spindle, backend, args.maxclients)
            idle = []
            order = [n for n in counts if n not in skipped.get(backend, [])]
            rng.shuffle(order)
            try:
                for n in order:
                    t0 = time.monotonic()
                    if n > len(idle):
                        idle += benchlib.open_idle_connections(port, n - len(idle))
                    else:
                        surplus = idle[n:]
                        del idle[n:]
                        benchlib.close_all(surplus)
                    opened = time.monotonic() - t0
                    settle_clients(ctl, backend, n + 1)
                    time.sleep(args.pause)
                    before = connected_clients(ctl)
                    rows, cpu = measure(port, proc.pid, args.tests, args.requests, args.clients)
                    settle_clients(ctl, backend, before)
                    missing = [t for t in tests if t.upper() not in rows]
                    if missing:
                        raise RuntimeError("redis-benchmark gave no row for %s" % missing)
                    samples.setdefault((backend, n), []).append(
                        {"tests": {t: rows[t.upper()] for t in tests}, "cpu": cpu})
                    print("round %d %-8s idle %5d: %s  cpu %.2f us/req (%.1f+%.1f)  "
                          "(idle set changed in %.1f s)"
                          % (rnd + 1, backend, n,
                             "  ".join("%s %.0f rps p99 %.3f ms"
                                       % (t, rows[t.upper()]["rps"], rows[t.upper()]["p99"])
                                       for t in tests),
                             cpu[2] / 1e3 / (args.requests * len(tests)),
                             cpu[0] * 1e6 / (args.requests * len(tests)),
                             cpu[1] * 1e6 / (args.requests * len(tests)), opened), flush=True)
            finally:
                benchlib.close_all(idle)
                stop_server(proc, ctl)
    return backends, counts, tests, skipped, samples


def summarize(backends, counts, tests, samples, requests):
    """{(backend, idle): {"rps": {test: median}, "p99": {...}, "cpu_us": median
    CPU per request (schedstat), "user_us", "sys_us" (utime, stime)}}."""
    cells = {}
    for (backend, n), runs in samples.items():
        total = requests * len(tests)
        cells[(backend, n)] = {
            "rps": {t: statistics.median(r["tests"][t]["rps"] for r in runs) for t in tests},
            "p99": {t: statistics.median(r["tests"][t]["p99"] for r in runs) for t in tests},
            "cpu_us": statistics.median(r["cpu"][2] / 1e3 / total for r in runs),
            "user_us": statistics.median(r["cpu"][0] * 1e6 / total for r in runs),
            "sys_us": statistics.median(r["cpu"][1] * 1e6 / total for r in runs),
            "rounds": len(runs),
        }
    return cells


def mean_rps(cell, tests):
    return statistics.mean(cell["rps"][t] for t in tests)


def table(backends, counts, tests, skipped, cells):
    head = ["backend", "idle"]
    for t in tests:
        head += ["%s rps" % t.upper(), "%s ratio" % t.upper(), "%s p99 ms" % t.upper()]
    head += ["server CPU us/req", "user+sys us/req"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for b in backends:
        measured = sorted(n for (bb, n) in cells if bb == b)
        base = cells[(b, measured[0])] if measured else None  # normally 0 idle
        for n in counts:
            cell = cells.get((b, n))
            if cell is None:
                why = ("skipped: beyond FD_SETSIZE" if n in skipped.get(b, [])
                       else "no data")
                lines.append("| %s | %d | %s |"
                             % (b, n, " | ".join([why] + [""] * (len(head) - 3))))
                continue
            row = [b, str(n)]
            for t in tests:
                ratio = cell["rps"][t] / base["rps"][t] if base else float("nan")
                row += ["%.0f" % cell["rps"][t], "%.2f" % ratio, "%.3f" % cell["p99"][t]]
            row += ["%.2f" % cell["cpu_us"], "%.1f+%.1f" % (cell["user_us"], cell["sys_us"])]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def target_lines(backends, counts, tests, cells):
    out = []
    top = max(counts)
    for b in backends:
        if b not in TARGET_BACKENDS or (b, 0) not in cells or (b, top) not in cells:
            continue
        ratio = mean_rps(cells[(b, top)], tests) / mean_rps(cells[(b, 0)], tests)
        cpu = cells[(b, top)]["cpu_us"] / cells[(b, 0)]["cpu_us"]
        out.append("%s with %d idle keeps %.3fx of its 0-idle throughput (target >= %.2f): %s; "
                   "server CPU per request %.2fx of 0-idle"
                   % (b, top, ratio, TARGET_RATIO, "met" if ratio >= TARGET_RATIO else "NOT met",
                      cpu))
    return out


def chart(path, backends, counts, tests, cells, note):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    styles = {"select": ("s-", "tab:blue"), "poll": ("^-", "tab:orange"),
              "epoll": ("o-", "tab:green"), "epoll-et": ("D--", "tab:red")}
    label_tests = "+".join(t.upper() for t in tests)
    for b in backends:
        xs = [n for n in counts if (b, n) in cells]
        if not xs:
            continue
        st, color = styles.get(b, ("o-", None))
        axes[0].plot(xs, [mean_rps(cells[(b, n)], tests) / 1000 for n in xs], st, color=color,
                     label=b)
        axes[1].plot(xs, [statistics.mean(cells[(b, n)]["p99"][t] for t in tests) for n in xs],
                     st, color=color, label=b)
        axes[2].plot(xs, [cells[(b, n)]["cpu_us"] for n in xs], st, color=color, label=b)
    axes[0].set_ylabel("thousand requests/s (mean of %s)" % label_tests)
    axes[0].set_ylim(bottom=0)
    axes[1].set_ylabel("p99 latency, ms (mean of %s)" % label_tests)
    axes[1].set_ylim(bottom=0)
    axes[2].set_ylabel("server CPU per request, us (log scale)")
    axes[2].set_yscale("log")
    for ax, title in zip(axes, ("Throughput", "p99 latency", "Server CPU per request")):
        if "select" in backends:
            ax.axvline(FD_SETSIZE, color="grey", linestyle=":", linewidth=1)
            ax.text(FD_SETSIZE, 0.98, " FD_SETSIZE", transform=ax.get_xaxis_transform(),
                    fontsize=8, color="grey", va="top")
        ax.set_xlabel("idle connections")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(note, fontsize=9)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def paired(args):
    """Per backend, two servers side by side, one with no idle connections
    and one with --paired of them; redis-benchmark alternates between them
    (the first of each pair alternates too) for --rounds pairs. Each pair's
    ratio sees the same moment of the machine, so the machine's drift, which
    swamps a few percent in the sequential study on a shared machine, mostly
    cancels. Prints and returns the markdown table."""
    backends = csv_list(args.backends)
    tests = csv_list(args.tests)
    n = args.paired
    benchlib.raise_nofile(n + args.clients + 64)
    _, select_fit = select_capacity(args.spindle, args.clients)
    head = ["backend", "idle", "pairs"] + ["%s rps ratio" % t.upper() for t in tests] + [
        "mean rps ratio", "server CPU/req ratio"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    summary = []
    print("# paired: %d idle vs 0 idle, %d pair(s) x %s; -n %d -c %d -t %s"
          % (n, args.rounds, ",".join(backends), args.requests, args.clients, args.tests),
          flush=True)
    for backend in backends:
        if backend == "select" and n > select_fit:
            print("# select: skipped, %d idle do not fit under FD_SETSIZE (at most %d)"
                  % (n, select_fit), flush=True)
            continue
        base = start_server(args.spindle, backend, args.maxclients)
        loaded = start_server(args.spindle, backend, args.maxclients)
        idle = []
        ratios = {t: [] for t in tests}
        mean_ratios, cpu_ratios = [], []
        try:
            idle = benchlib.open_idle_connections(loaded[2], n)
            settle_clients(loaded[1], backend, n + 1)
            time.sleep(args.pause)
            for rnd in range(args.rounds):
                got = {}
                pair = (("0", base), ("idle", loaded))
                for label, (proc, ctl, port) in (pair if rnd % 2 == 0 else pair[::-1]):
                    rows, cpu = measure(port, proc.pid, args.tests, args.requests, args.clients)
                    settle_clients(ctl, backend, 1 if label == "0" else n + 1)
                    got[label] = (rows, cpu[2])
                for t in tests:
                    ratios[t].append(got["idle"][0][t.upper()]["rps"]
                                     / got["0"][0][t.upper()]["rps"])
                mean_ratios.append(
                    statistics.mean(got["idle"][0][t.upper()]["rps"] for t in tests)
                    / statistics.mean(got["0"][0][t.upper()]["rps"] for t in tests))
                cpu_ratios.append(got["idle"][1] / got["0"][1])
                print("pair %d %-8s: %s  mean %.3f  cpu %.3f"
                      % (rnd + 1, backend,
                         "  ".join("%s %.3f" % (t, ratios[t][-1]) for t in tests),
                         mean_ratios[-1], cpu_ratios[-1]), flush=True)
        finally:
            benchlib.close_all(idle)
            stop_server(loaded[0], loaded[1])
            stop_server(base[0], base[1])
        mean_ratio = statistics.median(mean_ratios)
        lines.append("| " + " | ".join(
            [backend, str(n), str(args.rounds)]
            + ["%.3f" % statistics.median(ratios[t]) for t in tests]
            + ["%.3f" % mean_ratio, "%.3f" % statistics.median(cpu_ratios)]) + " |")
        if backend in TARGET_BACKENDS:
            summary.append("%s with %d idle keeps %.3fx of the 0-idle throughput, median of %d "
                           "pairs (target >= %.2f): %s"
                           % (backend, n, mean_ratio, args.rounds, TARGET_RATIO,
                              "met" if mean_ratio >= TARGET_RATIO else "NOT met"))
    text = "\n".join(lines + [""] + summary)
    print()
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return text


def main():
    args = parse_args()
    if args.paired:
        paired(args)
        return
    if args.replot:
        with open(args.replot) as f:
            saved = json.load(f)
        backends = csv_list(saved["args"]["backends"])
        tests = csv_list(saved["args"]["tests"])
        counts, skipped = saved["counts"], saved["skipped"]
        samples = {(x["backend"], x["idle"]): x["runs"] for x in saved["samples"]}
        for k in ("requests", "clients", "rounds"):
            setattr(args, k, saved["args"][k])
        args.tests = saved["args"]["tests"]
    else:
        backends, counts, tests, skipped, samples = run(args)
    cells = summarize(backends, counts, tests, samples, args.requests)
    text = table(backends, counts, tests, skipped, cells)
    targets = target_lines(backends, counts, tests, cells)
    print()
    print(text)
    for line in targets:
        print(line)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
            for line in targets:
                f.write("\n" + line + "\n")
    if args.json and not args.replot:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "counts": counts, "skipped": skipped,
                       "samples": [{"backend": b, "idle": n, "runs": runs}
                                   for (b, n), runs in sorted(samples.items())]},
                      f, indent=1)
    if args.png:
        note = ("spindle-server, redis-benchmark -t %s -n %d -c %d, median of %d round(s); "
                "select stops at FD_SETSIZE" % (args.tests, args.requests, args.clients,
                                                args.rounds))
        if args.note:
            note += "\n" + args.note
        chart(args.png, backends, counts, tests, cells, note)
        print("chart: %s" % args.png)


if __name__ == "__main__":
    main()
