"""What the persistence tests share: clients, a dataset of every type and
encoding, a canonical snapshot of a server's whole dataset, a redis-server
peer, and running a server that is expected to refuse to start."""

import subprocess
import time

import redis

import servers
from resp import RawConnection


def client(srv, **kw):
    return redis.Redis(host=srv.host, port=srv.port, socket_timeout=30, **kw)


def raw(srv, *argv):
    """One command on a fresh connection; the reply's exact RESP bytes."""
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        return c.call([a if isinstance(a, bytes) else str(a).encode() for a in argv])
    finally:
        c.close()


def is_spindle(harness):
    return not harness.against_redis


def fill(r):
    """Every type in every encoding Spindle has, with TTLs, in three dbs."""
    r.select(0)
    r.set("str", "hello world")
    r.set("int", "12345")
    r.set("neg", "-7")
    r.set("bigint", "12345678901234")
    r.set("long", "x" * 300)                     # LZF-compressible
    r.set("bin", bytes(range(256)))
    r.set("empty", "")
    r.set("ttl", "soon", px=500000)
    r.rpush("list", *[str(i) if i % 3 else "item%d" % i for i in range(50)])
    r.rpush("biglist", *["element-%06d" % i for i in range(3000)])
    r.sadd("intset", *range(-5, 20))
    r.sadd("bigintset", *range(0, 1000, 1))      # > set-max-intset-entries
    r.sadd("set", "a", "b", "c", "with space")
    r.hset("hash", mapping={"f1": "v1", "f2": "2", "f3": "x" * 70})
    r.hset("smallhash", mapping={"a": "1", "b": "2"})
    r.hset("bighash", mapping={"field%d" % i: "value%d" % i for i in range(300)})
    r.zadd("zset", {"a": 1, "b": 2.5, "c": -3, "d": float("inf"), "e": 0.1})
    r.zadd("bigzset", {"m%d" % i: i / 7 for i in range(300)})
    r.expire("bighash", 10000)
    r.select(3)
    r.set("db3key", "three")
    r.rpush("db3list", "x", "y")
    r.pexpire("db3list", 900000)
    r.select(15)
    r.zadd("db15zset", {"only": 42})
    r.select(0)


def snapshot(srv, dbs=range(16)):
    """The whole dataset in canonical form (TTLs rounded to minutes)."""
    out = {}
    for db in dbs:
        r = client(srv, db=db)
        for key in sorted(r.keys("*")):
            t = r.type(key).decode()
            enc = r.object("encoding", key)
            pttl = r.pttl(key)
            if t == "string":
                v = r.get(key)
            elif t == "list":
                v = r.lrange(key, 0, -1)
            elif t == "set":
                v = sorted(r.smembers(key))
            elif t == "hash":
                v = sorted(r.hgetall(key).items())
            elif t == "zset":
                v = r.zrange(key, 0, -1, withscores=True)
            else:
                v = None
            out[(db, key)] = (t, enc, -1 if pttl < 0 else round(pttl / 60000), v)
        r.close()
    return out


def start_redis(*args):
    srv = servers.ServerProcess(servers.REDIS_SERVER, args=args, name="redis-peer")
    return srv.start()


def run_to_exit(binary, args, cwd, timeout=30):
    """Runs a server that is expected to refuse to start; returns
    (exit code, output). The port is bound before the data is loaded: if
    another process took the free port first, again on another."""
    for _ in range(3):
        p = subprocess.run([binary, "--port", str(servers.free_port()), "--bind", "127.0.0.1",
                            "--save", ""] + list(args), cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        out = p.stdout.decode(errors="replace")
        if "Address already in use" not in out:
            break
    return p.returncode, out


def wait_for(pred, timeout=30, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return False
