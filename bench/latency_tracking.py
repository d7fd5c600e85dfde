"""What per-command latency tracking costs: redis-benchmark SET / GET
throughput against spindle-server with `latency-tracking yes` and `no`
(and, given --base, a build from before tracking existed), the servers
running side by side and the rounds alternating between them so that the
shared machine's noise falls on every variant alike; medians per test.

    /usr/bin/python3 bench/latency_tracking.py [build/spindle-server]
        [--base OLD/spindle-server] [--rounds 7] [--requests 1000000]
        [--pipeline 16] [--tests set,get]
"""

import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def bench_rps(port, test, requests, pipeline):
    out = subprocess.run(
        ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", test,
         "-P", str(pipeline), "-n", str(requests), "-q"],
        capture_output=True, text=True, check=True).stdout
    # "SET: 612745.06 requests per second, p50=1.223 msec" (after \r progress)
    m = re.search(r"%s: ([\d.]+) requests per second" % test.upper(), out)
    if not m:
        raise RuntimeError("no figure in: %r" % out)
    return float(m.group(1))


def main():
    ap = benchlib.spindle_parser(__doc__)
    ap.add_argument("--base", help="a spindle-server built before latency tracking")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--requests", type=int, default=1000000)
    ap.add_argument("--pipeline", type=int, default=16)
    ap.add_argument("--tests", default="set,get")
    args = ap.parse_args()
    variants = [("tracking yes", args.spindle, ["--latency-tracking", "yes"]),
                ("tracking no", args.spindle, ["--latency-tracking", "no"])]
    if args.base:
        variants.append(("before", args.base, []))
    tests = args.tests.split(",")
    servers = []
    try:
        for name, binary, extra in variants:
            port = benchlib.free_port()
            proc, sock = benchlib.start(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"] + extra, port)
            sock.close()
            servers.append((name, port, proc))
        results = {(name, t): [] for name, _, _ in servers for t in tests}
        for r in range(args.rounds):
            # Alternate the order each round too.
            order = servers if r % 2 == 0 else list(reversed(servers))
            for name, port, _ in order:
                for t in tests:
                    rps = bench_rps(port, t, args.requests, args.pipeline)
                    results[(name, t)].append(rps)
                    print("round %d %-13s %-4s %12.0f" % (r + 1, name, t, rps), flush=True)
        print()
        print("| variant | " + " | ".join("%s median rps" % t.upper() for t in tests) + " |")
        print("| --- |" + " --- |" * len(tests))
        medians = {}
        for name, _, _ in servers:
            cells = []
            for t in tests:
                medians[(name, t)] = statistics.median(results[(name, t)])
                cells.append("%.0f" % medians[(name, t)])
            print("| %s | %s |" % (name, " | ".join(cells)))
        print()
        for t in tests:
            yes, no = medians[("tracking yes", t)], medians[("tracking no", t)]
            print("%s: tracking yes vs no %+.2f%%" % (t.upper(), (yes - no) / no * 100))
            if args.base:
                base = medians[("before", t)]
                print("%s: tracking yes vs before %+.2f%%" % (t.upper(), (yes - base) / base * 100))
    finally:
        for _, _, proc in servers:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
