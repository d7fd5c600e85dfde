#!/usr/bin/python3
"""Side-by-side throughput of spindle-server and redis-server.

Starts both servers on free loopback ports with equivalent settings (no
persistence), runs redis-benchmark against each in alternation for several
rounds, and prints per-test medians and the Spindle/Redis ratio. Machines
here are shared and noisy: quote the ratios, not the absolute numbers.

  bench/compare.py --spindle build/spindle-server [--rounds 5] [--requests 100000]
                   [--tests set,get,incr] [--pipeline 1,16] [--clients 50]
                   [--backend epoll]
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def start(cmd, port):
    proc, sock = benchlib.start(cmd, port)
    sock.close()
    return proc


def run_benchmark(port, tests, requests, clients, pipeline):
    rows = benchlib.redis_benchmark(port, tests, requests, clients, pipeline)
    return {test: (r["rps"], r["p99"]) for test, r in rows.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spindle", required=True)
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--tests", default="ping_mbulk,set,get,incr,mset")
    ap.add_argument("--pipeline", default="1,16")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--backend", default="epoll")
    args = ap.parse_args()

    sport, rport = benchlib.free_port(), benchlib.free_port()
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    spindle = start([args.spindle, "--port", str(sport), "--io-backend", args.backend] + common,
                    sport)
    redis = start([args.redis, "--port", str(rport)] + common, rport)
    try:
        print("| test | pipeline | spindle rps (median) | redis rps (median) | ratio | "
              "spindle p99 ms | redis p99 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for p in [int(x) for x in args.pipeline.split(",")]:
            results = {"spindle": {}, "redis": {}}
            for _ in range(args.rounds):
                for name, port in (("spindle", sport), ("redis", rport)):
                    for test, val in run_benchmark(port, args.tests, args.requests,
                                                   args.clients, p).items():
                        results[name].setdefault(test, []).append(val)
            for test in results["redis"]:
                s = results["spindle"].get(test, [(0, 0)])
                r = results["redis"][test]
                s_rps = statistics.median(v[0] for v in s)
                r_rps = statistics.median(v[0] for v in r)
                s_p99 = statistics.median(v[1] for v in s)
                r_p99 = statistics.median(v[1] for v in r)
                print("| %s | %d | %.0f | %.0f | %.2fx | %.3f | %.3f |" %
                      (test, p, s_rps, r_rps, s_rps / r_rps if r_rps else 0, s_p99, r_p99))
    finally:
        for proc in (spindle, redis):
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
