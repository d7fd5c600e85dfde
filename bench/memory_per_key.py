#!/usr/bin/python3
"""Bytes per key: spindle-server against redis-server in the same run.

For each server and each mode (plain SET, SET ... EX) a fresh process is
started on a free loopback port without persistence, its VmRSS is read from
/proc/<pid>/status, N keys are written with pipelined raw RESP (14-byte keys,
16-byte values), DBSIZE is checked, and (RSS after - RSS before) / N is
reported.

  bench/memory_per_key.py [spindle-server path] [--keys 1000000]
                          [--redis /usr/bin/redis-server]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (command, free_port, read_replies, resp, rss_kb,  # noqa: E402
                      side_by_side_parser, start)


def fill(sock, keys, ttl, batch=10000):
    buf = b""
    for first in range(0, keys, batch):
        parts = []
        for i in range(first, min(keys, first + batch)):
            k = b"key:%010d" % i      # 14 bytes
            v = b"val:%012d" % i      # 16 bytes
            if ttl:
                parts.append(resp(b"SET", k, v, b"EX", b"100000"))
            else:
                parts.append(resp(b"SET", k, v))
        sock.sendall(b"".join(parts))
        buf = read_replies(sock, len(parts), buf)


def measure(name, cmd, port, keys, ttl):
    proc, sock = start(cmd, port)
    try:
        time.sleep(0.3)
        before = rss_kb(proc.pid)
        fill(sock, keys, ttl)
        time.sleep(0.5)  # let any cron / rehash settle
        after = rss_kb(proc.pid)
        dbsize = int(command(sock, b"DBSIZE")[1:].strip())
        if dbsize != keys:
            raise RuntimeError("%s: DBSIZE %d, expected %d" % (name, dbsize, keys))
        return (after - before) * 1024.0 / keys
    finally:
        sock.close()
        proc.kill()
        proc.wait()


def main():
    ap = side_by_side_parser(1000000)
    args = ap.parse_args()

    rows = []
    for ttl in (False, True):
        for name, binary in (("redis", args.redis), ("spindle", args.spindle)):
            port = free_port()
            cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no"]
            per_key = measure(name, cmd, port, args.keys, ttl)
            rows.append((name, "SET EX" if ttl else "SET", per_key))
            print("%-8s %-7s %7.1f bytes/key" % (name, "SET EX" if ttl else "SET", per_key),
                  flush=True)
    print()
    for ttl in ("SET", "SET EX"):
        r = [x for x in rows if x[1] == ttl]
        red = next(x[2] for x in r if x[0] == "redis")
        spi = next(x[2] for x in r if x[0] == "spindle")
        print("%-7s spindle/redis = %.2f" % (ttl, spi / red))


if __name__ == "__main__":
    sys.exit(main())
