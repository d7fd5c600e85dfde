#!/usr/bin/python3
"""Bytes per collection element: spindle-server against redis-server.

For each server and each type a fresh process is started on a free loopback
port without persistence; 1,000 keys of 1,000 elements each are written with
pipelined raw RESP (RPUSH / HSET / SADD / ZADD, 100 elements per command,
16-byte elements, 16-byte hash values), and (VmRSS after - VmRSS before) /
elements is reported beside the encoding OBJECT ENCODING names.

Cases: "large" is --keys x --elements (default 1,000 x 1,000: the full
encodings); "small" is 100,000 keys of 10 elements (the compact encodings:
listpack hashes and sorted sets, where the per-key overhead counts too).
--list-compress-depth N starts both servers with that list-compress-depth
(the list members share a 7-byte prefix and leading zeros, so inner nodes
compress to roughly half).

  bench/memory_per_element.py [spindle-server path] [--keys 1000]
      [--elements 1000] [--types list,hash,set,zset] [--cases large,small]
      [--redis /usr/bin/redis-server] [--list-compress-depth N]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import command, free_port, read_replies, resp, rss_kb, start  # noqa: E402

PER_COMMAND = 100


def fill(sock, kind, keys, elements):
    pending = b""
    for k in range(keys):
        key = b"%s:%06d" % (kind.encode(), k)
        batch = []
        for first in range(0, elements, PER_COMMAND):
            items = []
            for e in range(first, min(elements, first + PER_COMMAND)):
                member = b"member:%09d" % e  # 16 bytes
                if kind == "list":
                    items.append(member)
                elif kind == "hash":
                    items += [member, b"value:%010d" % e]
                elif kind == "set":
                    items.append(member)
                else:
                    items += [b"%d" % e, member]
            verb = {"list": b"RPUSH", "hash": b"HSET", "set": b"SADD", "zset": b"ZADD"}[kind]
            batch.append(resp(verb, key, *items))
        sock.sendall(b"".join(batch))
        pending = read_replies(sock, len(batch), pending)


def measure(binary, kind, keys, elements, extra):
    port = free_port()
    proc, sock = start([binary, "--port", str(port), "--bind", "127.0.0.1"] + extra, port)
    try:
        time.sleep(0.2)
        before = rss_kb(proc.pid)
        fill(sock, kind, keys, elements)
        time.sleep(0.2)
        after = rss_kb(proc.pid)
        encoding = command(sock, b"OBJECT", b"ENCODING", b"%s:%06d" % (kind.encode(), 0))
        return (after - before) * 1024 / (keys * elements), encoding.split(b"\r\n")[1].decode()
    finally:
        sock.close()
        proc.terminate()
        proc.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spindle", nargs="?", default="build/spindle-server")
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--elements", type=int, default=1000)
    ap.add_argument("--types", default="list,hash,set,zset")
    ap.add_argument("--cases", default="large",
                    help="comma list of large (--keys x --elements) and small (100000 x 10)")
    ap.add_argument("--list-compress-depth", type=int, default=None)
    args = ap.parse_args()
    extra = []
    if args.list_compress_depth is not None:
        extra = ["--list-compress-depth", str(args.list_compress_depth)]
    cases = {"large": (args.keys, args.elements), "small": (100000, 10)}
    for case in args.cases.split(","):
        keys, elements = cases[case]
        print("\n%s: %d keys x %d elements\n" % (case, keys, elements))
        print("| type | redis B/element | spindle B/element | spindle/redis | encodings (redis / spindle) |")
        print("| --- | --- | --- | --- | --- |")
        for kind in args.types.split(","):
            r, r_enc = measure(args.redis, kind, keys, elements,
                               ["--save", "", "--appendonly", "no"] + extra)
            s, s_enc = measure(args.spindle, kind, keys, elements, extra)
            print("| %s | %.1f | %.1f | %.2f | %s / %s |" % (kind, r, s, s / r, r_enc, s_enc))


if __name__ == "__main__":
    sys.exit(main())
