#!/usr/bin/python3
"""Where a server's CPU per request goes: user space or the kernel.

bench/compare.py reports user + system time per request together; this
splits them. For each server (Spindle and redis-server, alternating, the
order swapped each round) and each pipeline depth, one redis-benchmark run
per test against a freshly started server; utime and stime of the server
process (/proc/<pid>/stat fields 14 and 15, every thread) are read just
before and after the run and divided by its requests. Prints the medians
over the rounds, in microseconds per request, and the Spindle / Redis
ratios of each.

    /usr/bin/python3 bench/cpu_split.py [build/spindle-server] --rounds 3

Clock ticks are 10 ms: a run of 300,000 requests at ~3 us each is ~90
ticks, so a figure is good to a few percent; raise --requests for more.
"""

import os
import statistics
import subprocess

import benchlib


def user_sys_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def measure(cmd, test, pipeline, requests, clients, size):
    port = benchlib.free_port()
    proc, sock = benchlib.start(
        cmd + ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        port)
    try:
        if test == "get":  # a hit, not a nil reply
            benchlib.command(sock, b"SET", b"key:__rand_int__", b"x" * size)
        u0, s0 = user_sys_ticks(proc.pid)
        subprocess.run(["redis-benchmark", "-p", str(port), "-c", str(clients), "-n",
                        str(requests), "-P", str(pipeline), "-d", str(size), "-t", test, "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        u1, s1 = user_sys_ticks(proc.pid)
    finally:
        benchlib.stop(proc, sock)
    us_per_tick = 1e6 / os.sysconf("SC_CLK_TCK")
    return (u1 - u0) * us_per_tick / requests, (s1 - s0) * us_per_tick / requests


def main():
    ap = benchlib.spindle_parser(__doc__.splitlines()[0])
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--tests", default="set,get")
    ap.add_argument("--pipeline", default="1,16")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--size", type=int, default=3, help="value bytes (-d)")
    ap.add_argument("--requests", type=int, default=300000,
                    help="requests of a run without pipelining (x10 with one)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    servers = [("spindle", [args.spindle]), ("redis", [args.redis])]
    results = {}
    for rnd in range(args.rounds):
        order = servers if rnd % 2 == 0 else servers[::-1]
        for pipeline in [int(p) for p in args.pipeline.split(",")]:
            requests = args.requests * (10 if pipeline > 1 else 1)
            for test in args.tests.split(","):
                for name, cmd in order:
                    results.setdefault((test, pipeline, name), []).append(
                        measure(cmd, test, pipeline, requests, args.clients, args.size))
    print("| test | P | spindle user | spindle sys | redis user | redis sys "
          "| user ratio | sys ratio | total ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for test in args.tests.split(","):
        for pipeline in [int(p) for p in args.pipeline.split(",")]:
            med = {}
            for name, _ in servers:
                runs = results[(test, pipeline, name)]
                med[name] = (statistics.median(r[0] for r in runs),
                             statistics.median(r[1] for r in runs))
            (su, ss), (ru, rs) = med["spindle"], med["redis"]
            print("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.2fx | %.2fx | %.2fx |" % (
                test.upper(), pipeline, su, ss, ru, rs, su / ru, ss / rs, (su + ss) / (ru + rs)))


if __name__ == "__main__":
    main()
