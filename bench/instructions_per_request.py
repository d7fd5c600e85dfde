#!/usr/bin/python3
"""Instructions per request of two spindle-server builds (or any two
redis-server compatible binaries), counted by callgrind: deterministic where
wall-clock figures on a busy 2-core machine are not (docs/TLS.md measured the
TLS branch's plain-path cost with it).

For each binary: an idle start + SHUTDOWN under `valgrind --tool=callgrind`
(start-up and exit cost), then a run with `redis-benchmark -t TESTS -n N -P P
-c C` against it; (Ir of the run - Ir of the idle run) / requests.

  bench/instructions_per_request.py --base /tmp/base/build/spindle-server \\
      --new build/spindle-server --pipeline 1 16

--server-args passes more arguments to both servers, e.g.
  --server-args="--maxmemory 1gb --maxmemory-policy allkeys-lru"
(docs/MEMORY.md measured the used-memory read before every command so).
Or as a restricted ACL user (docs/ACL.md measured the permission check so):
  ... --server-args="--user bench on >p +@all ~key:*" --bench-user bench:p
"""

import argparse
import os
import re
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instructions(binary, tests, requests, pipeline, clients, server_args=(), bench_user=None):
    port = free_port()
    fd, out = tempfile.mkstemp(prefix="callgrind-")
    os.close(fd)
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary,
         "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--loglevel", "warning"]
        + list(server_args),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("%s did not start under valgrind" % binary)
                time.sleep(0.05)
        if requests:
            auth = []
            if bench_user:
                user, password = bench_user.split(":", 1)
                auth = ["--user", user, "-a", password]
            subprocess.run(["redis-benchmark", "-p", str(port), "-t", tests, "-n", str(requests),
                            "-P", str(pipeline), "-c", str(clients), "-q"] + auth,
                           capture_output=True, check=True)
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
        proc.wait(timeout=120)
        with open(out) as f:
            return int(re.search(r"^summary: (\d+)", f.read(), re.M).group(1))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.unlink(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--tests", default="set,get")
    ap.add_argument("--requests", type=int, default=20000, help="-n per test")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--pipeline", type=int, nargs="+", default=[1])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--server-args", default="",
                    help="extra server arguments, split on spaces")
    ap.add_argument("--bench-user", help="USER:PASSWORD redis-benchmark authenticates as")
    args = ap.parse_args()
    server_args = args.server_args.split()
    total = args.requests * len(args.tests.split(","))
    for p in args.pipeline:
        for _ in range(args.rounds):
            per = {}
            for name, binary in (("base", args.base), ("new", args.new)):
                idle = instructions(binary, args.tests, 0, p, args.clients, server_args)
                run = instructions(binary, args.tests, args.requests, p, args.clients,
                                   server_args, args.bench_user)
                per[name] = (run - idle) / total
            print("P=%d: base %.1f, new %.1f instructions/request: %.4fx (%+.1f)"
                  % (p, per["base"], per["new"], per["new"] / per["base"],
                     per["new"] - per["base"]), flush=True)


if __name__ == "__main__":
    main()
