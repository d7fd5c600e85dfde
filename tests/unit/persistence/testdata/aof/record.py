#!/usr/bin/python3
"""Records the AOF fixtures of tests/unit/persistence/aof_test.cc from a real
redis-server 7.0.15 (Debian's /usr/bin/redis-server).

    /usr/bin/python3 tests/unit/persistence/testdata/aof/record.py

Each dataset below is built with redis-py on a fresh server started in a
temporary directory (--appendonly yes --save '' --bind 127.0.0.1), then
BGREWRITEAOF writes a new base file, which is copied here unchanged:

  exact.base.aof   dataset EXACT, aof-use-rdb-preamble no,
                   aof-timestamp-enabled yes ("#TS:" first)
  exact.base.rdb   dataset EXACT, aof-use-rdb-preamble yes, rdbcompression no
  mixed.base.aof   dataset MIXED, aof-use-rdb-preamble no
  manifest.*       the manifest after each step of a rewrite sequence with
                   aof-disable-auto-gc yes (start, rewrite started, child
                   killed, rewrite done, rewrite done, rewrite done without
                   preamble), and one for an appendfilename that needs quoting

aof_test.cc builds the same datasets (MakeExactDataset / MakeMixedDataset
mirror exact_dataset() / mixed_dataset() here) and compares. EXACT holds one
key per database whose iteration order is deterministic in Redis (lists,
intsets, listpacks, strings), so its files compare byte for byte; MIXED has
several keys per database and hashtable-encoded sets, hashes and sorted
sets, which Redis iterates in siphash order (random seed per process), so
the test compares it per key, with those elements as a multiset.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
T2100 = 4102444800000  # 2100-01-01, ms


def exact_dataset(r):
    r.select(0)
    items = []
    for i in range(130):
        m = i % 5
        if m == 0:
            items.append(str(i * 1000 - 50000))
        elif m == 1:
            items.append("item%d" % i)
        elif m == 2:
            items.append("x" * (i % 17))
        elif m == 3:
            items.append("0%d" % i)
        else:
            items.append("%d.5" % i)
    r.rpush("list", *items)
    r.select(1)
    ints = [(i - 20) * (100003 if i % 3 == 0 else 7) for i in range(70)]
    ints += [5000000000, -5000000000]
    r.sadd("ints", *ints)
    r.select(2)
    r.execute_command("ZADD", "zs", 1, "a", 1.5, "b", -2.25, "c", "0.1", "d", "inf", "e",
                      "-inf", "f", "1e20", "g", 3, "7", 3, "-3", 0, "h", "123456789.125", "i",
                      "-0", "j")
    r.select(3)
    for f, v in [("f1", "v1"), ("n", "123"), ("neg", "-1"), ("empty", ""), ("big", "x" * 60),
                 ("f2", "3.14")]:
        r.hset("h", f, v)
    r.select(4)
    r.set("n", "12345")
    r.pexpireat("n", T2100)
    r.select(5)
    r.set("s", "hello world")
    r.select(9)
    r.set("neg", "-123456789012")
    r.select(15)
    r.rpush("l2", "x", "y", "1")
    r.pexpireat("l2", T2100 + 123)


def mixed_dataset(r):
    r.select(0)
    for i in range(1, 6):
        r.set("str%d" % i, "v%d" % i)
    r.set("int7", "7")
    r.set("ttlstr", "t")
    r.pexpireat("ttlstr", T2100 + 1)
    r.rpush("biglist", *[str(i * 7) if i % 3 == 0 else "e%d" % i for i in range(200)])
    r.sadd("smallset", "a", "b", "c")
    r.sadd("bigset", *["m%d" % i for i in range(100)])
    r.sadd("intset2", *range(1, 601))
    for i in range(200):
        r.hset("bighash", "f%d" % i, "v%d" % (i * 3))
    r.zadd("bigzset", {"z%d" % i: i / 3.0 for i in range(150)})
    r.hset("hashttl", "a", "1")
    r.hset("hashttl", "b", "2")
    r.pexpireat("hashttl", T2100 + 2)
    r.zadd("zsetttl", {"q%d" % i: -i * 1.25 for i in range(140)})
    r.pexpireat("zsetttl", T2100 + 3)
    r.select(1)
    r.set("k", "v")
    r.select(7)
    for i in range(20):
        r.set("key:%d" % i, str(i * 1000003))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="aof-record-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--dir", self.dir] + list(args),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.r = redis.Redis(port=self.port, decode_responses=False)
        for _ in range(100):
            try:
                self.r.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)

    def aofdir(self):
        return os.path.join(self.dir, "appendonlydir")

    def manifest(self):
        names = [n for n in os.listdir(self.aofdir()) if n.endswith(".manifest")]
        with open(os.path.join(self.aofdir(), names[0]), "rb") as f:
            return f.read()

    def rewrite(self):
        self.r.bgrewriteaof()
        self.wait_rewrite()

    def wait_rewrite(self):
        for _ in range(200):
            info = self.r.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                return
            time.sleep(0.05)
        raise RuntimeError("rewrite did not finish")

    def base_file(self):
        for line in self.manifest().decode().splitlines():
            parts = line.split()
            if parts[-1] == "b":
                with open(os.path.join(self.aofdir(), parts[1]), "rb") as f:
                    return f.read()
        raise RuntimeError("no base")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def record_base(name, dataset, *args):
    s = Server(*args)
    try:
        dataset(s.r)
        s.rewrite()
        write(name, s.base_file())
    finally:
        s.stop()


def record_manifests():
    s = Server("--aof-disable-auto-gc", "yes")
    try:
        write("manifest.1-start", s.manifest())
        s.r.set("a", "1")
        s.r.config_set("rdb-key-save-delay", 1000000)
        s.r.bgrewriteaof()
        time.sleep(0.3)
        write("manifest.2-rewriting", s.manifest())
        child = int(subprocess.check_output(["pgrep", "-P", str(s.proc.pid)]).split()[0])
        os.kill(child, signal.SIGUSR1)
        s.wait_rewrite()
        write("manifest.3-killed", s.manifest())
        s.r.config_set("rdb-key-save-delay", 0)
        s.rewrite()
        write("manifest.4-rewritten", s.manifest())
        s.rewrite()
        write("manifest.5-rewritten", s.manifest())
        s.r.config_set("aof-use-rdb-preamble", "no")
        s.rewrite()
        write("manifest.6-rewritten-aof", s.manifest())
    finally:
        s.stop()
    s = Server("--appendfilename", "a b\"\xe9'\t.aof")
    try:
        write("manifest.quoted", s.manifest())
    finally:
        s.stop()


if __name__ == "__main__":
    record_base("exact.base.aof", exact_dataset, "--aof-use-rdb-preamble", "no",
                "--aof-timestamp-enabled", "yes")
    record_base("exact.base.rdb", exact_dataset, "--aof-use-rdb-preamble", "yes",
                "--rdbcompression", "no")
    record_base("mixed.base.aof", mixed_dataset, "--aof-use-rdb-preamble", "no")
    record_manifests()
