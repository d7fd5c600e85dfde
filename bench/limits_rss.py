#!/usr/bin/python3
"""Server RSS under hostile clients, with and without the client limits,
Spindle against redis-server 7.0.15 (docs/LIMITS.md quotes the figures).

Scenarios (each on a fresh server):
  flood      a subscriber that never reads while a publisher sends 200 MB
             (2,000 x 100 KB), with Redis's default pubsub limit
             (32mb 8mb 60) and with the limit off (pubsub 0 0 0);
  pipeline   a client pipelining 1,000,000 GETs of a 100-byte value without
             reading, with `normal 32mb 0 0` and with the default (no limit);
  bulks      100 connections each announcing a 512 MB bulk
             ($536870000) and sending 1 KB of it: RSS and virtual size.

usage: bench/limits_rss.py [--spindle build/spindle-server] [--only NAME]
"""

import argparse
import os
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "differential"))
import servers  # noqa: E402
from resp import RawConnection  # noqa: E402


def status(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def mb(n):
    return "%.1f MB" % (n / 1e6)


class Peak:
    def __init__(self, pid):
        self.pid = pid
        self.base = status(pid, "VmRSS")
        self.peak = self.base

    def sample(self):
        self.peak = max(self.peak, status(self.pid, "VmRSS"))


def flood(srv, limit):
    c = RawConnection(srv.host, srv.port, timeout=60)
    c.call([b"CONFIG", b"SET", b"client-output-buffer-limit", limit])
    sub = socket.socket()
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sub.connect((srv.host, srv.port))
    sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$5\r\nflood\r\n")
    time.sleep(0.2)
    p = Peak(srv.proc.pid)
    msg = b"m" * 100000
    frame = b"*3\r\n$7\r\nPUBLISH\r\n$5\r\nflood\r\n$%d\r\n%s\r\n" % (len(msg), msg)
    delivered = 0
    for _ in range(100):
        c.send(frame * 20)
        for _ in range(20):
            delivered += int(c.read_reply()[1:-2])
        p.sample()
    time.sleep(0.2)
    p.sample()
    end = status(srv.proc.pid, "VmRSS")
    sub.close()
    c.close()
    return "delivered %4d/2000  RSS base %s peak %s (+%s) end %s" % (
        delivered, mb(p.base), mb(p.peak), mb(p.peak - p.base), mb(end))


def pipeline(srv, limit):
    c = RawConnection(srv.host, srv.port, timeout=60)
    c.call([b"CONFIG", b"SET", b"client-output-buffer-limit", limit])
    c.call([b"SET", b"k", b"v" * 100])
    p = Peak(srv.proc.pid)
    g = socket.socket()
    g.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    g.connect((srv.host, srv.port))
    chunk = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" * 10000
    sent = 0
    closed = False
    try:
        for _ in range(100):
            g.sendall(chunk)
            sent += 10000
            p.sample()
    except (BrokenPipeError, ConnectionResetError):
        closed = True  # the server closed it
    time.sleep(0.5)
    p.sample()
    g.close()
    c.close()
    return "sent %7d GETs, closed by server: %-5s RSS base %s peak %s (+%s)" % (
        sent, closed, mb(p.base), mb(p.peak), mb(p.peak - p.base))


def bulks(srv, _):
    p = Peak(srv.proc.pid)
    vm0 = status(srv.proc.pid, "VmSize")
    conns = []
    for _ in range(100):
        s = socket.create_connection((srv.host, srv.port))
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870000\r\n" + b"x" * 1024)
        conns.append(s)
    time.sleep(0.5)
    p.sample()
    vm = status(srv.proc.pid, "VmSize")
    for s in conns:
        s.close()
    return "RSS +%s, virtual +%s" % (mb(p.peak - p.base), mb(vm - vm0))


SCENARIOS = [
    ("flood", flood, [b"pubsub 32mb 8mb 60", b"pubsub 0 0 0"]),
    ("pipeline", pipeline, [b"normal 32mb 0 0", b"normal 0 0 0"]),
    ("bulks", bulks, [None]),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spindle", default=servers.DEFAULT_SPINDLE)
    ap.add_argument("--only")
    args = ap.parse_args()
    for name, fn, settings in SCENARIOS:
        if args.only and name != args.only:
            continue
        for setting in settings:
            for binary in (args.spindle, servers.REDIS_SERVER):
                with servers.ServerProcess(binary) as srv:
                    label = "spindle" if "spindle" in binary else "redis  "
                    what = setting.decode() if setting else ""
                    print("%-8s %-20s %s  %s" % (name, what, label, fn(srv, setting)),
                          flush=True)


if __name__ == "__main__":
    main()
