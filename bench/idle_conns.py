#!/usr/bin/python3
"""Memory per idle connection, Spindle beside redis-server.

Each server starts on a free loopback port with the same settings (no
persistence, --maxclients 20000). Its RSS (VmRSS) is read, then N connections
are opened from this process, each sends PING and reads +PONG, then stays
open and silent; after each --settle delay the RSS is read again. Bytes per
connection = RSS growth / N. INFO's used_memory growth / N is the allocator's
view of the same thing (what the server asked malloc for, not the pages it
touched).

The kernel's share is read before the connections and after the first
settle delay, three ways. Both ends of every connection live in this kernel
(loopback), so each delta covers two sockets per connection.
- /proc/slabinfo (root only): the objects in use of the caches that hold one
  object per socket end (TCP, sock_inode_cache, dentry, filp, eventpoll_epi,
  ...). The server's end is half of the symmetric caches plus the epoll
  entries: the figure the million-connection estimate uses.
- /proc/meminfo Slab (SReclaimable + SUnreclaim) plus /proc/net/sockstat TCP
  "mem" (pages of socket buffers, zero for idle sockets): whole slab pages,
  machine-wide. Pages freed by the previous server's sockets are reused
  without growing Slab, and whatever else runs meanwhile lands in it: a
  cross-check, not the estimate.
The slab caches that grew are printed too.

  bench/idle_conns.py [build/spindle-server] [--redis /usr/bin/redis-server]
      [--conns 10000] [--settle 1,6,20] [--rounds 1] [--backend epoll]
      [--out table.md] [--json out.json]

Hence several readings: Redis 7.0 frees the (about 20 KB) query buffer of a
client idle for more than 2 seconds (clientsCron; CLIENT LIST shows
qbuf-free=0 then), and jemalloc gives the freed pages back to the kernel
only after its dirty-page decay (about 10 s): Redis's RSS per connection
falls from ~9.8 KB at 1 s to ~7 KB at 6 s and ~2 KB at 20 s. Spindle frees
its (1 KB) idle query buffers after 2 s too, but glibc keeps the freed chunks
between live client objects, so its RSS does not fall.
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

MILLION = 1000000
PAGE = os.sysconf("SC_PAGE_SIZE")

# Slab caches that hold one object per socket end. Both ends of a loopback
# connection sit in them alike (the socket, its inode, dentry and struct
# file), so the server's end is half their growth; the epoll entries are the
# server's alone (the client here does not poll), the bind buckets the
# client's alone (its ephemeral ports).
SYMMETRIC_CACHES = ("TCP", "TCPv6", "sock_inode_cache", "dentry", "filp")
SERVER_CACHES = ("eventpoll_epi", "eventpoll_pwq")
CLIENT_CACHES = ("tcp_bind_bucket", "tcp_bind2_bucket")


def parse_args():
    ap = benchlib.spindle_parser(__doc__.split("\n\n")[0])
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--conns", type=int, default=10000, help="idle connections per server")
    ap.add_argument("--settle", default="1,6,20",
                    help="seconds after the last connection at which RSS is read (comma-separated)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--backend", default="epoll", help="Spindle's --io-backend")
    ap.add_argument("--maxclients", type=int, default=20000)
    ap.add_argument("--out", help="also write the markdown report here")
    ap.add_argument("--json", help="write every measurement here")
    return ap.parse_args()


def snapshot(pid, ctl):
    used = benchlib.info_field(ctl, "used_memory", b"memory")
    return {
        "rss_kb": benchlib.rss_kb(pid),
        "used_memory": int(used) if used is not None else None,
        "meminfo": benchlib.meminfo_kb(),
        "tcp_mem_pages": benchlib.sockstat().get("TCP", {}).get("mem", 0),
        "slab": benchlib.slabinfo(),
        "clients": int(benchlib.info_field(ctl, "connected_clients", b"clients")),
    }


def one_run(name, cmd, port, n, settle):
    proc, ctl = benchlib.start(cmd, port)
    ctl.settimeout(60)
    idle = []
    try:
        time.sleep(0.5)  # let start-up allocations and the first cron pass land
        before = snapshot(proc.pid, ctl)
        t0 = time.monotonic()
        idle = benchlib.open_idle_connections(port, n)
        opened = time.monotonic() - t0
        after = []
        for s in settle:
            time.sleep(max(0.0, t0 + opened + s - time.monotonic()))
            snap = snapshot(proc.pid, ctl)
            if snap["clients"] != n + 1:
                raise RuntimeError("%s: %d clients connected, expected %d"
                                   % (name, snap["clients"], n + 1))
            after.append(snap)
    finally:
        benchlib.close_all(idle)
        benchlib.stop(proc, ctl)
    return {"before": before, "after": after, "open_seconds": opened}


def per_conn(run, n):
    """Bytes per connection of one run: RSS and used_memory at each settle
    point, the kernel's (both ends) at the first."""
    b, first = run["before"], run["after"][0]
    out = {"rss": [(a["rss_kb"] - b["rss_kb"]) * 1024 / n for a in run["after"]]}
    if b["used_memory"] is not None and all(a["used_memory"] is not None for a in run["after"]):
        out["used_memory"] = [(a["used_memory"] - b["used_memory"]) / n for a in run["after"]]
    mb, ma = b["meminfo"], first["meminfo"]
    out["slab"] = (ma["Slab"] - mb["Slab"]) * 1024 / n
    out["sunreclaim"] = (ma["SUnreclaim"] - mb["SUnreclaim"]) * 1024 / n
    out["tcp_buffers"] = (first["tcp_mem_pages"] - b["tcp_mem_pages"]) * PAGE / n
    out["kernel"] = out["slab"] + out["tcp_buffers"]
    caches = {}
    for cache, bytes_after in first["slab"].items():
        delta = bytes_after - b["slab"].get(cache, 0)
        if delta:
            caches[cache] = delta / n
    out["caches"] = caches
    if caches or b["slab"]:
        out["socket_caches"] = sum(caches.get(c, 0) for c in
                                   SYMMETRIC_CACHES + SERVER_CACHES + CLIENT_CACHES)
        out["server_end"] = (sum(caches.get(c, 0) for c in SYMMETRIC_CACHES) / 2
                             + sum(caches.get(c, 0) for c in SERVER_CACHES))
    return out


def median_of(values):
    return statistics.median(values) if values else float("nan")


def fmt_bytes(x):
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if abs(x) >= size:
            return "%.2f %s" % (x / size, unit)
    return "%.0f B" % x


def main():
    args = parse_args()
    settle = [float(x) for x in args.settle.split(",") if x]
    have = benchlib.raise_nofile(args.conns + 64)
    if have < args.conns + 16:
        sys.exit("RLIMIT_NOFILE is %d: too low for %d connections" % (have, args.conns))
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
              "--maxclients", str(args.maxclients)]
    servers = [
        ("spindle", lambda p: [args.spindle, "--port", str(p), "--io-backend", args.backend]
         + common),
        ("redis", lambda p: [args.redis, "--port", str(p)] + common),
    ]
    runs = {name: [] for name, _ in servers}
    for rnd in range(args.rounds):
        for name, make_cmd in servers:
            port = benchlib.free_port()
            run = one_run(name, make_cmd(port), port, args.conns, settle)
            pc = per_conn(run, args.conns)
            runs[name].append({"raw": run, "per_conn": pc})
            print("round %d %-7s: %d conns opened in %.1f s; RSS %d -> %s kB; %s B/conn; "
                  "used_memory %s B/conn; kernel %s B/conn (socket objects, both ends), "
                  "%.0f (meminfo Slab)"
                  % (rnd + 1, name, args.conns, run["open_seconds"], run["before"]["rss_kb"],
                     " / ".join(str(a["rss_kb"]) for a in run["after"]),
                     " / ".join("%.0f" % x for x in pc["rss"]),
                     " / ".join("%.0f" % x for x in pc["used_memory"])
                     if "used_memory" in pc else "-",
                     "%.0f" % pc["socket_caches"] if "socket_caches" in pc else "-",
                     pc["kernel"]), flush=True)

    med = {}
    for name, rs in runs.items():
        pcs = [r["per_conn"] for r in rs]
        med[name] = {
            "rss": [median_of([p["rss"][i] for p in pcs]) for i in range(len(settle))],
            "used_memory": [median_of([p["used_memory"][i] for p in pcs if "used_memory" in p])
                            for i in range(len(settle))],
            "kernel": median_of([p["kernel"] for p in pcs]),
            "slab": median_of([p["slab"] for p in pcs]),
            "sunreclaim": median_of([p["sunreclaim"] for p in pcs]),
            "tcp_buffers": median_of([p["tcp_buffers"] for p in pcs]),
            "socket_caches": median_of([p["socket_caches"] for p in pcs
                                        if "socket_caches" in p]),
            "server_end": median_of([p["server_end"] for p in pcs if "server_end" in p]),
        }

    lines = ["%d idle connections per server (each sent one PING), median of %d round(s); "
             "Spindle on --io-backend %s" % (args.conns, args.rounds, args.backend), ""]
    head = (["server"] + ["RSS B/conn after %g s" % s for s in settle]
            + ["used_memory B/conn after %g s" % s for s in settle]
            + ["kernel socket objects B/conn, both ends",
               "kernel, server's end", "meminfo Slab + TCP buffers B/conn, both ends"])
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + " --- |" * len(head))
    for name in runs:
        m = med[name]
        lines.append("| " + " | ".join(
            [name] + ["%.0f" % x for x in m["rss"]]
            + ["%.0f" % x for x in m["used_memory"]]
            + ["%.0f" % m["socket_caches"], "%.0f" % m["server_end"], "%.0f" % m["kernel"]])
            + " |")
    # Slab caches that grew by at least 16 bytes per connection, from every run.
    caches = {}
    for name, rs in runs.items():
        for r in rs:
            for cache, b in r["per_conn"]["caches"].items():
                caches.setdefault(cache, {}).setdefault(name, []).append(b)
    grown = sorted(((statistics.median(sum(v.values(), [])), c) for c, v in caches.items()),
                   reverse=True)
    grown = [(b, c) for b, c in grown if b >= 16]
    if grown:
        lines += ["", "Slab caches that grew (bytes per connection, both ends, median over "
                  "runs): " + ", ".join("%s %.0f" % (c, b) for b, c in grown[:10])]
    # The kernel's cost of a socket does not depend on the server: one figure
    # from every run's slabinfo (meminfo's halved when slabinfo is unreadable).
    ends = [r["per_conn"].get("server_end", r["per_conn"]["kernel"] / 2)
            for rs in runs.values() for r in rs]
    kernel_end = statistics.median(ends)
    lines += ["", "A million idle connections, in 10^9 bytes (server: RSS per connection %s; "
              "kernel: the server's end of each socket, %.0f B, from slabinfo):"
              % (" / ".join("after %g s" % x for x in settle), kernel_end)]
    for name in runs:
        lines.append("- %s: %s in the server process + %s in the kernel = %s"
                     % (name, " / ".join(fmt_bytes(x * MILLION) for x in med[name]["rss"]),
                        fmt_bytes(kernel_end * MILLION),
                        " / ".join(fmt_bytes((x + kernel_end) * MILLION)
                                   for x in med[name]["rss"])))
    text = "\n".join(lines)
    print()
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "medians": med,
                       "runs": {n: [r["per_conn"] for r in rs] for n, rs in runs.items()},
                       "raw": {n: [{k: v for k, v in r["raw"].items()} for r in rs]
                               for n, rs in runs.items()}}, f, indent=1)


if __name__ == "__main__":
    main()
