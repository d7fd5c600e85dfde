#!/usr/bin/python3
"""RDB save and load times: spindle-server against redis-server in one run.

For each server a fresh process is started in its own temporary directory,
filled with the same dataset over pipelined raw RESP (N small string keys,
plus N/100 each of 100-element lists, hashes, sets and sorted sets), then:
SAVE is timed from the client, the file size read, a BGSAVE timed until
INFO reports it done (with latest_fork_usec), and the server restarted on
its file, the load time taken from its "DB loaded from disk" log line (both
servers print it).

  bench/rdb_save_load.py [spindle-server path] [--keys 1000000]
                         [--redis /usr/bin/redis-server] [--compression yes|no]
"""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import command, fill, free_port, info_field, side_by_side_parser, start  # noqa: E402


def run(name, binary, keys, compression):
    workdir = tempfile.mkdtemp(prefix="rdb-bench-")
    log = os.path.join(workdir, "server.log")
    port = free_port()
    base = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir,
            "--logfile", log, "--rdbcompression", compression]
    proc, sock = start(base, port)
    try:
        fill(sock, keys)
        t = time.monotonic()
        reply = command(sock, b"SAVE")
        save_s = time.monotonic() - t
        assert reply == b"+OK\r\n", reply
        size = os.path.getsize(os.path.join(workdir, "dump.rdb"))
        t = time.monotonic()
        assert command(sock, b"BGSAVE").startswith(b"+Background saving started")
        while info_field(sock, "rdb_bgsave_in_progress") != "0":
            time.sleep(0.01)
        bgsave_s = time.monotonic() - t
        fork_us = int(info_field(sock, "latest_fork_usec"))
    finally:
        sock.close()
        proc.kill()
        proc.wait()
    port = free_port()
    proc, sock = start(base[:2] + [str(port)] + base[3:], port)
    try:
        load = None
        for _ in range(600):
            with open(log) as f:
                m = re.findall(r"DB loaded from disk: ([0-9.]+) seconds", f.read())
            if m:
                load = float(m[-1])
                break
            time.sleep(0.05)
        dbsize = int(command(sock, b"DBSIZE")[1:].strip())
    finally:
        sock.close()
        proc.kill()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    return {"name": name, "save_s": save_s, "bgsave_s": bgsave_s, "fork_us": fork_us,
            "size": size, "load_s": load, "dbsize": dbsize}


def main():
    ap = side_by_side_parser(1000000)
    ap.add_argument("--compression", default="yes")
    args = ap.parse_args()
    rows = [run("spindle", args.spindle, args.keys, args.compression),
            run("redis", args.redis, args.keys, args.compression)]
    print("%d string keys + %d collections of 100 elements, rdbcompression %s"
          % (args.keys, 4 * (args.keys // 100), args.compression))
    print("%-8s %10s %10s %10s %12s %10s %10s" % ("server", "SAVE s", "BGSAVE s", "fork us",
                                                  "file bytes", "load s", "keys"))
    for r in rows:
        print("%-8s %10.3f %10.3f %10d %12d %10.3f %10d" % (
            r["name"], r["save_s"], r["bgsave_s"], r["fork_us"], r["size"], r["load_s"] or -1,
            r["dbsize"]))


if __name__ == "__main__":
    main()
