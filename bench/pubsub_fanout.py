#!/usr/bin/python3
"""Pub/Sub fan-out, Spindle beside Redis.

throughput: N subscribers read everything; one publisher pipelines PUBLISH
  in batches. Reports deliveries per second (messages x subscribers) until
  every subscriber has received every byte it should.
memory: N subscribers never read (small receive buffers); the publisher
  sends M messages of S bytes. Reports the server's RSS growth and the sum of
  CLIENT LIST omem: Redis copies each message into every subscriber's
  buffer, Spindle queues one shared block.

  bench/pubsub_fanout.py --spindle build/spindle-server [--mode throughput|memory|both]
      [--subscribers 100] [--messages 2000] [--size 64] [--rounds 3]
      [--mem-subscribers 20] [--mem-messages 200] [--mem-size 65536]

The client is Python on the same (shared, 2-core) machine: quote the ratios.
"""
import argparse
import os
import re
import selectors
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def frame_len(channel, size):
    return len(b"*3\r\n$7\r\nmessage\r\n$%d\r\n%s\r\n$%d\r\n" % (len(channel), channel, size)) + \
        size + 2


def connect(port, rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    return s


def subscribe_all(port, n, channel, rcvbuf=None):
    subs = []
    for _ in range(n):
        s = connect(port, rcvbuf)
        s.sendall(benchlib.resp(b"SUBSCRIBE", channel))
        subs.append(s)
    confirm = len(b"*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n" % (len(channel), channel))
    for s in subs:
        got = b""
        while len(got) < confirm:
            got += s.recv(confirm - len(got))
    return subs


def throughput(port, n, messages, size, batch=100):
    channel = b"fan"
    subs = subscribe_all(port, n, channel)
    pub = connect(port)
    want = frame_len(channel, size) * messages
    payload = b"x" * size
    cmd = benchlib.resp(b"PUBLISH", channel, payload)
    sel = selectors.DefaultSelector()
    left = {}
    for s in subs:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        left[s] = want
    start = time.monotonic()
    sent = 0
    pending = 0
    buf = b""
    pub.setblocking(False)
    sel.register(pub, selectors.EVENT_READ)
    while any(left.values()):
        if sent < messages and pending == 0:
            k = min(batch, messages - sent)
            pub.setblocking(True)
            pub.sendall(cmd * k)
            pub.setblocking(False)
            sent += k
            pending = k
        for key, _ in sel.select(timeout=5):
            s = key.fileobj
            data = s.recv(1 << 20)
            if not data:
                raise RuntimeError("connection closed")
            if s is pub:
                buf += data
                done = buf.count(b"\r\n")
                pending -= done
                buf = buf[buf.rfind(b"\r\n") + 2:] if done else buf
            else:
                left[s] -= len(data)
    elapsed = time.monotonic() - start
    for s in subs + [pub]:
        s.close()
    return messages * n / elapsed


def memory(port, proc, n, messages, size):
    channel = b"slow"
    ctl = connect(port)
    ctl.settimeout(60)
    rss0 = benchlib.rss_kb(proc.pid)
    subs = subscribe_all(port, n, channel, rcvbuf=4096)
    payload = b"x" * size
    buf = b""
    for _ in range(messages):
        ctl.sendall(benchlib.resp(b"PUBLISH", channel, payload))
        buf = benchlib.read_replies(ctl, 1, buf)
    time.sleep(0.5)
    ctl.sendall(benchlib.resp(b"CLIENT", b"LIST"))
    text = b""
    while not text.endswith(b"\r\n") or text.count(b"\n") < n + 2:
        text += ctl.recv(1 << 20)
    omem = sum(int(x) for x in re.findall(rb" omem=(\d+) ", text))
    rss = benchlib.rss_kb(proc.pid)
    for s in subs:
        s.close()
    ctl.close()
    return (rss - rss0) * 1024, omem


def run_server(binary, port):
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    if "redis" in os.path.basename(binary):
        # Keep the slow subscribers connected for the measurement.
        cmd += ["--client-output-buffer-limit", "pubsub 0 0 0"]
    proc, sock = benchlib.start(cmd, port)
    sock.close()
    return proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spindle", required=True)
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--mode", default="both", choices=("throughput", "memory", "both"))
    ap.add_argument("--subscribers", type=int, default=100)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mem-subscribers", type=int, default=20)
    ap.add_argument("--mem-messages", type=int, default=200)
    ap.add_argument("--mem-size", type=int, default=65536)
    args = ap.parse_args()
    servers = [("spindle", args.spindle), ("redis", args.redis)]
    if args.mode in ("throughput", "both"):
        rates = {name: [] for name, _ in servers}
        for _ in range(args.rounds):
            for name, binary in servers:
                port = benchlib.free_port()
                proc = run_server(binary, port)
                try:
                    rates[name].append(throughput(port, args.subscribers, args.messages, args.size))
                finally:
                    proc.kill()
                    proc.wait()
        med = {k: statistics.median(v) for k, v in rates.items()}
        print("throughput: %d subscribers, %d messages of %d bytes, median of %d rounds"
              % (args.subscribers, args.messages, args.size, args.rounds))
        for name in med:
            print("  %-8s %12.0f deliveries/s" % (name, med[name]))
        print("  spindle/redis %.2f" % (med["spindle"] / med["redis"]))
    if args.mode in ("memory", "both"):
        print("memory: %d subscribers not reading, %d messages of %d bytes"
              % (args.mem_subscribers, args.mem_messages, args.mem_size))
        for name, binary in servers:
            port = benchlib.free_port()
            proc = run_server(binary, port)
            try:
                grew, omem = memory(port, proc, args.mem_subscribers, args.mem_messages,
                                    args.mem_size)
            finally:
                proc.kill()
                proc.wait()
            print("  %-8s RSS +%7.1f MB   sum of omem %7.1f MB"
                  % (name, grew / 1e6, omem / 1e6))


if __name__ == "__main__":
    main()
